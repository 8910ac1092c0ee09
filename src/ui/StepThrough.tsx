// One iteration in slow motion (GAN Lab's slow mode, for video): the worker runs it stage by stage and
// reports each stage's numbers; the page shows them one at a time, on Next or every few seconds on Auto.
import { useEffect, useState } from 'react';
import { iterationStages } from '../train/stages';
import { usePlayground } from './store';

/** How long Auto shows each stage. */
const AUTO_MS = 1500;

const fmt = (v: number) => v.toFixed(4);

export function StepThrough() {
  const { ready, running, send, iteration, iterationStages: arrived } = usePlayground();
  /** Stages revealed so far; the last one is the current stage. */
  const [shown, setShown] = useState(0);
  const [auto, setAuto] = useState(false);
  /** The iteration the walk started at: the worker's report of the next one ends it. */
  const [from, setFrom] = useState<number | null>(null);
  const waiting = shown > arrived.length; // the worker has not reached the stage to show yet
  const current = shown > 0 ? arrived[shown - 1] : undefined;
  const walking = from !== null && (iteration === from || shown < arrived.length);
  useEffect(() => {
    if (!auto || shown === 0 || shown >= arrived.length) return;
    const timer = setTimeout(() => setShown(shown + 1), AUTO_MS);
    return () => clearTimeout(timer);
  }, [auto, shown, arrived.length]);
  const start = () => {
    usePlayground.setState({ iterationStages: [] });
    setShown(1);
    setFrom(iteration);
    send({ type: 'stepThrough' });
  };
  return (
    <section aria-label="step through one iteration" className="step-through">
      <h2>Step through one iteration</h2>
      <div className="row">
        <button type="button" disabled={!ready || running || walking} onClick={start}>
          Step through one iteration
        </button>
        <button type="button" disabled={!walking || waiting || shown >= arrived.length} onClick={() => setShown(shown + 1)}>
          Next stage
        </button>
        <label>
          <input type="checkbox" checked={auto} onChange={(e) => setAuto(e.target.checked)} /> auto
        </label>
        {waiting && <span className="hint">computing…</span>}
      </div>
      <ol className="stages">
        {iterationStages.map((s) => (
          <li key={s.id} aria-current={current?.stage === s.id ? 'step' : undefined} title={s.hint}>
            {s.title}
          </li>
        ))}
      </ol>
      {current && (
        <div data-testid="stage-numbers">
          <p className="hint">{iterationStages.find((s) => s.id === current.stage)!.hint}</p>
          <dl className="numbers">
            {Object.entries(current.numbers).map(([name, value]) => (
              <div key={name}>
                <dt>{name}</dt>
                <dd>{fmt(value)}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
    </section>
  );
}

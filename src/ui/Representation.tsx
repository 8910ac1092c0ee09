// The paper's Figure 4b, live: motion-classification accuracy on moving-mnist against the number of
// labels, for the discriminator fine-tuned, the same network from scratch, and a linear classifier on
// its frozen features (src/eval/finetune.ts).
import { useState } from 'react';
import type { ModelSource } from '../eval/research-protocol';
import { Chart } from './Chart';
import { ModelSourcePicker } from './ModelSource';
import { ResearchStatus } from './ResearchStatus';
import { useResearch } from './research-store';

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

export function Representation() {
  const { busy, representation, send, stop } = useResearch();
  const [source, setSource] = useState<ModelSource | null>(null);
  const [job, setJob] = useState({ clips: 448, steps: 60, batchSize: 8, seed: 1 });
  const rows = representation?.rows ?? [];
  const field = (key: keyof typeof job, label: string) => (
    <label>
      {label}{' '}
      <input
        type="number"
        min={1}
        value={job[key]}
        onChange={(e) => setJob({ ...job, [key]: Number(e.target.value) })}
        style={{ width: '5rem' }}
      />
    </label>
  );
  return (
    <section aria-label="representation learning" className="research">
      <h2>What the discriminator learnt: classifying motion</h2>
      <p className="hint">
        The paper's Figure 4b: the discriminator, a dropout and a 7-way head are fine-tuned to tell moving-mnist's motions apart (left,
        right, up, down, bounce, zoom, still) with 1/8 to all of the training labels, against the same network from random weights and a
        logistic regression on its frozen last layer. A quarter of the clips, stratified, is held out.
      </p>
      <div className="row">
        <ModelSourcePicker onChange={setSource} />
        {field('clips', 'clips')}
        {field('steps', 'steps per run')}
        {field('batchSize', 'batch')}
        {field('seed', 'seed')}
        <button
          type="button"
          disabled={!source || busy !== null}
          onClick={() => source && send({ type: 'representation', job: { source, ...job } })}
        >
          Run
        </button>
        <button type="button" disabled={busy !== 'representation'} onClick={stop}>
          Stop
        </button>
      </div>
      <ResearchStatus job="representation" />
      {rows.length > 0 && (
        <>
          <Chart
            title="test accuracy vs labels (1/8 … all)"
            series={[
              { label: 'fine-tuned D', color: '#1f77b4', values: rows.map((r) => r.pretrained) },
              { label: 'from scratch', color: '#d62728', values: rows.map((r) => r.scratch) },
              { label: 'logistic on D', color: '#2ca02c', values: rows.map((r) => r.logistic) },
            ]}
          />
          <table className="study-table" data-testid="representation-table">
            <thead>
              <tr>
                <th>labels</th>
                <th>fine-tuned D</th>
                <th>from scratch</th>
                <th>logistic on frozen D</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.labels}>
                  <td>{r.labels}</td>
                  <td>{pct(r.pretrained)}</td>
                  <td>{pct(r.scratch)}</td>
                  <td>{pct(r.logistic)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {representation?.summary && (
            <p className="hint">
              {representation.summary.train} training and {representation.summary.test} test clips; the logistic regression reads the{' '}
              {representation.summary.features}.
            </p>
          )}
        </>
      )}
    </section>
  );
}

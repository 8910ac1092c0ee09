// The Future view: drop, paste or pick a still image and watch the future model's predicted video, taken
// apart into background, foreground and mask, with further futures from perturbed codes (src/eval/predict.ts).
// Decoding and prediction run in a worker of their own (src/eval/predict-worker.ts).
import { useEffect, useRef, useState } from 'react';
import type { BackendInfo } from '../backend';
import type { ModelConfig } from '../model/config';
import { defaultFutureOptions, type FutureOptions } from '../eval/predict';
import type { FromPredictor, ModelSource, ToPredictor } from '../eval/predict-protocol';
import { Pane } from './Pane';
import { usePlayground } from './store';
import { VideoCanvas } from './VideoCanvas';

/** The shipped future model, in public/weights/. */
export const SHIPPED_FUTURE = 'real-small-future';

type Prediction = Extract<FromPredictor, { type: 'prediction' }>;

const describe = (s: ModelSource) => (s.kind === 'shipped' ? `shipped ${s.name}` : `the playground's model at iteration ${s.iteration}`);

const bounds: Record<keyof FutureOptions, { min: number; max: number; int: boolean; label: string }> = {
  futures: { min: 0, max: 7, int: true, label: 'futures K' },
  noiseScale: { min: 0, max: 3, int: false, label: 'noise σ' },
  seed: { min: 0, max: 2 ** 31 - 1, int: true, label: 'noise seed' },
};

function OptionInput({ name, value, onChange }: { name: keyof FutureOptions; value: number; onChange: (v: number) => void }) {
  const b = bounds[name];
  return (
    <label>
      {b.label}
      <input
        type="number"
        name={`future-${name}`}
        min={b.min}
        max={b.max}
        step={b.int ? 1 : 0.1}
        defaultValue={value}
        key={value}
        onBlur={(e) => {
          const v = Number(e.target.value);
          if (Number.isFinite(v) && v >= b.min && v <= b.max && (!b.int || Number.isInteger(v))) onChange(v);
          else e.target.value = String(value);
        }}
      />
    </label>
  );
}

function Result({ p }: { p: Prediction }) {
  const [selected, setSelected] = useState(0);
  const index = Math.min(selected, p.clips.length - 1);
  const clip = p.clips[index];
  const name = (i: number) => (i === 0 ? 'prediction' : `future ${i}`);
  return (
    <div className="future-result">
      <p data-testid="future-time">
        {p.msPredict.toFixed(0)} ms per prediction ({p.clips.length} video{p.clips.length > 1 ? 's' : ''} in one batch; the first run also compiles
        the GPU kernels) · {p.msTotal.toFixed(0)} ms with decoding
      </p>
      <p className="hint" data-testid="future-source">
        {p.info.format.toUpperCase()}, {p.info.width}×{p.info.height}
        {p.notes.length > 0 && `: ${p.notes.join('; ')}`}.
      </p>
      <div className="row">
        {p.clips.map((c, i) => (
          <button key={i} className={i === index ? 'sample selected' : 'sample'} aria-pressed={i === index} onClick={() => setSelected(i)}>
            <VideoCanvas clip={c.video} label={`${name(i)} thumbnail`} scale={2} />
            <br />
            {name(i)}
          </button>
        ))}
      </div>
      <div className="row">
        <Pane clip={p.input} label="future input" name="input x₀" />
        <Pane clip={clip.video} label="future video" name={`${name(index)}: m·f + (1−m)·b`} />
        {clip.background && <Pane clip={clip.background} label="future background" name="background b" />}
        {clip.foreground && <Pane clip={clip.foreground} label="future foreground" name="foreground f" />}
        {clip.mask && <Pane clip={clip.mask} label="future mask" name="mask m" />}
      </div>
      <p data-testid="future-reconstruction">
        First frame vs input (the trainer's reconstruction term, mean |x̂₀ − x₀| on the [−1, 1] scale): {p.reconstruction[index].toFixed(3)}
      </p>
      {p.clips.length > 1 && (
        <p className="hint">
          The model has no noise input, so futures 1…{p.clips.length - 1} perturb the image's code instead: code + σ·sd(code)·ε with σ ={' '}
          {p.options.noiseScale}, ε ~ N(0, I) from seed {p.options.seed}, re-rectified. “prediction” is the unperturbed code.
        </p>
      )}
    </div>
  );
}

export function Future() {
  const worker = useRef<Worker | null>(null);
  const lastId = useRef(0);
  const [backend, setBackend] = useState<BackendInfo | null>(null);
  const [model, setModel] = useState<{ source: ModelSource; config: ModelConfig } | null>(null);
  const [modelError, setModelError] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [options, setOptions] = useState<FutureOptions>(defaultFutureOptions);
  const [result, setResult] = useState<Prediction | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [started, setStarted] = useState(false);
  const playgroundReady = usePlayground((s) => s.ready);
  const playgroundKind = usePlayground((s) => s.settings.kind);
  const playgroundIteration = usePlayground((s) => s.iteration);

  /**
   * The worker starts on first use, so that a page that never predicts pays for neither a second GPU device
   * nor the model's download. `shipped`: load the shipped model as it starts.
   */
  const predictor = (shipped: boolean): Worker => {
    if (worker.current) return worker.current;
    const w = new Worker(new URL('../eval/predict-worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = ({ data }: MessageEvent<FromPredictor>) => {
      switch (data.type) {
        case 'backend':
          return setBackend(data.info);
        case 'model':
          setModelError(null);
          return setModel({ source: data.source, config: data.config });
        case 'modelError':
          return setModelError(`The future model (${describe(data.source)}) could not be loaded: ${data.message}`);
        case 'error':
          return setModelError(data.message);
        case 'prediction':
        case 'predictError':
          if (data.id !== lastId.current) return; // superseded by a newer request
          setBusy(false);
          setResult(data.type === 'prediction' ? data : null);
          return setError(data.type === 'predictError' ? data.message : null);
      }
    };
    w.onerror = (e) => setModelError(`The prediction worker failed: ${e.message}`);
    if (shipped) w.postMessage({ type: 'loadShipped', name: SHIPPED_FUTURE } satisfies ToPredictor);
    worker.current = w;
    setStarted(true);
    return w;
  };

  useEffect(() => {
    const onPaste = (e: ClipboardEvent) => {
      const pasted = e.clipboardData?.files[0];
      if (pasted) {
        e.preventDefault();
        setFile(pasted);
      }
    };
    window.addEventListener('paste', onPaste);
    // ?debug exposes the prediction worker's channel, e.g. to simulate a lost GPU device: __vganFuture.send({ type: 'loseDevice' }).
    if (new URLSearchParams(location.search).has('debug')) {
      Object.assign(window, { __vganFuture: { send: (m: ToPredictor) => predictor(false).postMessage(m) } });
    }
    // The playground's model, asked for with "Use the playground's model", goes to the predictor.
    const prev = usePlayground.getState().receive;
    usePlayground.setState({
      receive: (m) => {
        if (m.type === 'weights' && m.purpose === 'future') {
          const source: ModelSource = { kind: 'playground', iteration: usePlayground.getState().iteration };
          predictor(false).postMessage({ type: 'loadWeights', source, modelJson: m.modelJson, weights: m.weights } satisfies ToPredictor, [m.weights]);
        }
        prev(m);
      },
    });
    return () => {
      usePlayground.setState({ receive: prev });
      window.removeEventListener('paste', onPaste);
      worker.current?.terminate();
      worker.current = null;
    };
  }, []);

  // Predict again whenever the image, the model or the options change.
  useEffect(() => {
    if (!file) return;
    const id = ++lastId.current;
    setBusy(true);
    const w = predictor(true);
    void file.arrayBuffer().then((bytes) => w.postMessage({ type: 'predict', id, name: file.name, bytes, options } satisfies ToPredictor, [bytes]));
  }, [file, model, options]);

  return (
    <section
      aria-label="future"
      className="future"
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        const dropped = e.dataTransfer.files[0];
        if (dropped) setFile(dropped);
      }}
    >
      <h2>Predict the future of a still image</h2>
      <p className="hint">
        Drop, paste or pick a still image (PNG, JPEG, GIF or WebP). It is centre-cropped, resized to the model's input and run through the
        future generator{backend ? ` on ${backend.name}` : ''}: the video's first frame should reproduce the image, the rest is what the model
        expects to happen next.
      </p>
      <p data-testid="future-model">
        {model
          ? `Model: ${describe(model.source)} · ${model.config.size}×${model.config.size} pixels, ${model.config.frames} frames`
          : modelError
            ? 'No future model loaded.'
            : started
              ? 'Loading the future model…'
              : `The shipped future model (${SHIPPED_FUTURE}) loads when you first give an image.`}
      </p>
      {modelError && (
        <p role="alert" className="error" data-testid="future-model-error">
          {modelError}
        </p>
      )}
      <div className="row">
        <input type="file" accept="image/*" aria-label="pick an image" onChange={(e) => e.target.files?.[0] && setFile(e.target.files[0])} />
        <button onClick={() => predictor(false).postMessage({ type: 'loadShipped', name: SHIPPED_FUTURE } satisfies ToPredictor)}>Use the shipped model</button>
        <button
          disabled={!playgroundReady || playgroundKind !== 'future'}
          onClick={() => usePlayground.getState().send({ type: 'exportWeights', purpose: 'future' })}
        >
          Use the playground's model (iteration {playgroundIteration})
        </button>
        {playgroundKind !== 'future' && <span className="hint">To train your own, set the playground's model to “future” above.</span>}
      </div>
      <div className="row future-options">
        {(Object.keys(bounds) as Array<keyof FutureOptions>).map((k) => (
          <OptionInput key={k} name={k} value={options[k]} onChange={(v) => setOptions((o) => ({ ...o, [k]: v }))} />
        ))}
      </div>
      {busy && <p data-testid="future-busy">Predicting…</p>}
      {error && (
        <p role="alert" className="error" data-testid="future-error">
          {error}
        </p>
      )}
      {result && <Result p={result} />}
    </section>
  );
}

// The Future view: drop, paste or pick a still image and watch the future model's predicted video, taken
// apart into background, foreground and mask, with further futures from perturbed codes (src/eval/predict.ts).
// Decoding and prediction run in a worker of their own (src/eval/predict-worker.ts).
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { BackendInfo } from '../backend';
import type { ModelConfig } from '../model/config';
import { defaultFutureOptions, type FutureOptions } from '../eval/predict';
import type { ModelSource, Prediction, PredictorApi, PredictorEvent, ToPredictor } from '../eval/predict-protocol';
import { CancelledError, connect, type Client } from '../worker-rpc';
import { FileInput } from './FileInput';
import { gpuErrorText } from './gpu-errors';
import { Pane } from './Pane';
import { usePlayground } from './store';
import { VideoCanvas } from './VideoCanvas';
import { spawnWorker } from '../spawn-worker';

/** The shipped future model, in public/weights/. */
export const SHIPPED_FUTURE = 'real-small-future';

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

function Result({ p, msFirst }: { p: Prediction; msFirst: number | null }) {
  const [selected, setSelected] = useState(0);
  const index = Math.min(selected, p.clips.length - 1);
  const clip = p.clips[index];
  const name = (i: number) => (i === 0 ? 'prediction' : `future ${i}`);
  return (
    <div className="future-result">
      {msFirst !== null && (
        <p data-testid="future-first-time">
          First prediction: {msFirst.toFixed(0)} ms from giving the image to these panes (loading the model and compiling its GPU kernels
          included)
        </p>
      )}
      <p data-testid="future-time">
        {p.msPredict.toFixed(0)} ms {p.firstRun ? "in the model's first run, compiling its GPU kernels" : 'per prediction'} (
        {p.clips.length} video{p.clips.length > 1 ? 's' : ''} in one batch) · {p.msTotal.toFixed(0)} ms with decoding
      </p>
      <p className="hint" data-testid="future-source">
        {p.info.format.toUpperCase()}, {p.info.width}×{p.info.height}
        {p.notes.length > 0 && `: ${p.notes.join('; ')}`}.
      </p>
      <div className="row">
        {p.clips.map((c, i) => (
          <button
            type="button"
            key={i}
            className={i === index ? 'sample selected' : 'sample'}
            aria-pressed={i === index}
            onClick={() => setSelected(i)}
          >
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
  const worker = useRef<{ worker: Worker; client: Client<PredictorApi> } | null>(null);
  const [backend, setBackend] = useState<BackendInfo | null>(null);
  const [model, setModel] = useState<{ source: ModelSource; config: ModelConfig } | null>(null);
  const [modelError, setModelError] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  /** When the image in hand was given, until its panes show; and the first prediction's time from then to its panes. */
  const givenAt = useRef<number | null>(null);
  const [msFirst, setMsFirst] = useState<number | null>(null);
  const give = (f: File) => {
    givenAt.current = performance.now();
    setFile(f);
  };
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
  const predictor = (shipped: boolean): Client<PredictorApi> => {
    if (worker.current) return worker.current.client;
    const w = spawnWorker('predict');
    const client = connect<PredictorApi>(w);
    client.listen((event: PredictorEvent) => {
      switch (event.type) {
        case 'backend':
          return setBackend(event.info);
        case 'model':
          setModelError(null);
          return setModel({ source: event.source, config: event.config });
        case 'modelError':
          return setModelError(`The future model (${describe(event.source)}) could not be loaded: ${event.message}`);
        case 'error':
          return setModelError(event.message);
        case 'gpuError':
          return setModelError(gpuErrorText('prediction', event.message));
      }
    });
    w.onerror = (e) => setModelError(`The prediction worker failed: ${e.message}`);
    worker.current = { worker: w, client };
    setStarted(true);
    if (shipped) load({ type: 'loadShipped', name: SHIPPED_FUTURE });
    return client;
  };

  /** A model to use: the worker reports it (or its failure) as an event, since a lost device reloads it too. */
  const load = (m: Extract<ToPredictor, { type: 'loadShipped' | 'loadWeights' }>) =>
    void predictor(false)
      .request(m, { transfer: m.type === 'loadWeights' ? [m.weights] : [] })
      .catch((e: Error) => setModelError(e.message));

  /** The playground's current model goes to the predictor. */
  const takePlaygroundModel = async () => {
    const { request, iteration } = usePlayground.getState();
    try {
      const { modelJson, weights } = await request({ type: 'exportWeights' });
      load({ type: 'loadWeights', source: { kind: 'playground', iteration }, modelJson, weights });
    } catch (e) {
      setModelError((e as Error).message);
    }
  };

  useEffect(() => {
    const onPaste = (e: ClipboardEvent) => {
      const pasted = e.clipboardData?.files[0];
      if (pasted) {
        e.preventDefault();
        give(pasted);
      }
    };
    window.addEventListener('paste', onPaste);
    // ?debug exposes the prediction worker's channel, e.g. to simulate a lost GPU device: __vganFuture.send({ type: 'loseDevice' }).
    if (new URLSearchParams(location.search).has('debug')) {
      Object.assign(window, {
        __vganFuture: {
          send: (m: ToPredictor) =>
            void predictor(false)
              .request(m)
              .catch((e: Error) => setModelError(e.message)),
        },
      });
    }
    return () => {
      window.removeEventListener('paste', onPaste);
      worker.current?.worker.terminate();
      worker.current = null;
    };
  }, []);

  // Predict again whenever the image, the model or the options change.
  useEffect(() => {
    if (!file) return;
    const cancel = new AbortController();
    setBusy(true);
    const client = predictor(true);
    void file
      .arrayBuffer()
      .then((bytes) => client.request({ type: 'predict', name: file.name, bytes, options }, { signal: cancel.signal, transfer: [bytes] }))
      .then(
        (p) => {
          setResult(p);
          setError(null);
          setBusy(false);
        },
        (e: Error) => {
          if (e instanceof CancelledError) return;
          setResult(null);
          setError(e.message);
          setBusy(false);
        },
      );
    // A newer image, model or options supersede this prediction.
    return () => cancel.abort();
  }, [file, model, options]);

  // Stamped as the panes enter the page, so the first time covers all the user waited: worker start, model
  // download, kernel compilation, decoding and drawing.
  useLayoutEffect(() => {
    if (!result || givenAt.current === null) return;
    if (msFirst === null) setMsFirst(performance.now() - givenAt.current);
    givenAt.current = null;
  }, [result]);

  return (
    <section
      aria-label="future"
      className="future"
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        const dropped = e.dataTransfer.files[0];
        if (dropped) give(dropped);
      }}
    >
      <h2>Predict the future of a still image</h2>
      <p className="hint">
        Drop, paste or pick a still image (PNG, JPEG, GIF or WebP). It is centre-cropped, resized to the model's input and run through the
        future generator{backend ? ` on ${backend.name}` : ''}: the video's first frame should reproduce the image, the rest is what the
        model expects to happen next.
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
        <FileInput label="pick an image" accept="image/*" onFiles={(files) => give(files[0])} />
        <button type="button" onClick={() => load({ type: 'loadShipped', name: SHIPPED_FUTURE })}>
          Use the shipped model
        </button>
        <button type="button" disabled={!playgroundReady || playgroundKind !== 'future'} onClick={takePlaygroundModel}>
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
      {result && <Result p={result} msFirst={msFirst} />}
    </section>
  );
}

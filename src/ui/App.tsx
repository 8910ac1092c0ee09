// The playground page, two pages under one URL: training (#training or none, the samples large in the middle, the controls
// and charts beside them, then the teaching views) and the research tools (#research). Both stay mounted,
// so a job running on one goes on while the other is shown.
import { useEffect, useRef, useState } from 'react';
import { loadIndex } from '../model/pretrained';
import { datasetFiles, videoToDataset } from '../data/own-video';
import type { BuiltDataset } from '../data/shards';
import { settingsFromQuery, settingsTable, settingsToQuery } from '../settings';
import type { FromWorker, TrainApi } from '../train/protocol';
import { connect } from '../worker-rpc';
import { Baseline } from './Baseline';
import { Controls } from './Controls';
import { WeightsFilesInput } from './WeightsFilesInput';
import { FileInput } from './FileInput';
import { ProgressBar } from './ProgressBar';
import { download } from './gif';
import { Future } from './Future';
import { Metrics } from './Metrics';
import { Representation } from './Representation';
import { Mix } from './Mix';
import { Decomposition, Samples } from './Samples';
import { Diagram } from './Diagram';
import { StepThrough } from './StepThrough';
import { TrainingCharts } from './TrainingCharts';
import { startRun, usePlayground } from './store';
import { Study } from './Study';
import { Units } from './Units';
import { VideoCanvas } from './VideoCanvas';
import { WebGpuHelp } from './WebGpuHelp';
import { spawnWorker } from '../spawn-worker';

function startWorker() {
  const worker = spawnWorker('train');
  const client = connect<TrainApi>(worker);
  const receive = (m: FromWorker) => usePlayground.getState().receive(m);
  client.listen(receive);
  worker.onerror = (e) => receive({ type: 'error', message: `The training worker failed: ${e.message}` });
  usePlayground.setState({
    send: (m) => void client.request(m).catch((e: Error) => receive({ type: 'error', message: e.message })),
    request: (m) => client.request(m),
  });
  return worker;
}

function Interpolation() {
  const { samples, interpolation, selected, send, ready } = usePlayground();
  const other = (selected + 1) % Math.max(1, samples.length);
  return (
    <section aria-label="interpolation">
      <h2>Between two latent codes</h2>
      <button
        type="button"
        disabled={!ready || samples.length < 2}
        onClick={() => send({ type: 'interpolate', a: selected, b: other, steps: 6 })}
      >
        Interpolate sample {selected + 1} → {other + 1}
      </button>
      {(['video', 'background', 'foreground', 'mask'] as const).map((stream) =>
        interpolation[0]?.[stream] ? (
          <div className="row" key={stream}>
            <span className="stream-label">{stream}</span>
            {interpolation.map((s, i) => (
              <VideoCanvas key={i} clip={s[stream]!} label={`interpolation ${stream} ${i}`} scale={3} />
            ))}
          </div>
        ) : null,
      )}
    </section>
  );
}

/** Which page the URL's hash names: the research tools at #research, else training. */
function usePage(): 'train' | 'research' {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = () => setHash(location.hash);
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return hash === '#research' ? 'research' : 'train';
}

/** Drop or pick a video: it becomes the `own` dataset (and shards to download). */
function OwnVideo() {
  const { send, setSettings, settings } = usePlayground();
  const [status, setStatus] = useState<{ label: string; done: number; total: number } | null>(null);
  const [built, setBuilt] = useState<{ dataset: BuiltDataset; note: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const use = async (file: File | undefined) => {
    if (!file) return;
    setError(null);
    setBuilt(null);
    try {
      const own = await videoToDataset(file, {
        stride: 8,
        stabilize: stabilize.current?.checked ?? false,
        onProgress: (label, done, total) => setStatus({ label, done, total }),
      });
      const clips = own.dataset.manifest.clips;
      const fpsFrom = {
        'frame durations': 'from its frame durations',
        container: "from its container's sample durations",
        'frame timestamps': 'from its frame timestamps',
        assumed: 'assumed: this browser cannot time video frames',
      }[own.fpsFrom];
      const decoder = {
        ImageDecoder: "WebCodecs' ImageDecoder",
        VideoDecoder: "WebCodecs' VideoDecoder",
        'video element': 'a <video> element',
      }[own.decoder];
      setBuilt({
        dataset: own.dataset,
        note: `${clips} clips at ${own.fps} fps (${fpsFrom}), decoded by ${decoder}${own.dropped ? `; the stabiliser dropped ${own.dropped} of ${own.windows} windows` : ''}`,
      });
      send({ type: 'ownDataset', dataset: own.dataset });
      if (settings.dataset === 'own') startRun(settings, null);
      else setSettings({ dataset: 'own' });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setStatus(null);
    }
  };
  const stabilize = useRef<HTMLInputElement>(null);
  return (
    <section
      aria-label="your own video"
      className="own-video"
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        void use(e.dataTransfer.files[0]);
      }}
    >
      <h2>Your own video</h2>
      <p className="hint">
        Drop a video or an animated GIF here or pick one: it is cut into 32-frame clips in this page and becomes the dataset “own”.
        Fixed-camera footage works best.
      </p>
      <label>
        <input type="checkbox" ref={stabilize} /> stabilise (cancels camera shake; slower)
      </label>{' '}
      <FileInput label="pick a video" accept="video/*,image/gif,image/webp,image/apng,image/avif" onFiles={(files) => void use(files[0])} />
      {status && (
        <p>
          <ProgressBar label={status.label} done={status.done} total={status.total} />
        </p>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {built && (
        <p>
          {built.note}.{' '}
          <button
            type="button"
            className="link"
            onClick={() =>
              datasetFiles(built.dataset).forEach((f) => {
                download(f.blob, f.name);
              })
            }
          >
            Download its shards
          </button>
        </p>
      )}
    </section>
  );
}

/** Copies the experiment's link and says whether it worked (a classroom shares it). */
function CopyLink() {
  const [said, setSaid] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(location.href);
      setSaid('Link copied: anyone who opens it gets these settings.');
    } catch {
      setSaid('The browser did not allow copying: copy the address bar instead.');
    }
    setTimeout(() => setSaid(''), 4000);
  };
  return (
    <>
      <button type="button" onClick={copy}>
        Copy link to this experiment
      </button>
      <span role="status" aria-live="polite" data-testid="copy-link-status">
        {said}
      </span>
    </>
  );
}

function Weights() {
  const ready = usePlayground((s) => s.ready);
  const downloadWeights = async () => {
    try {
      const { modelJson, weights } = await usePlayground.getState().request({ type: 'exportWeights' });
      download(new Blob([modelJson], { type: 'application/json' }), 'model.json');
      download(new Blob([weights]), 'weights.bin');
    } catch (e) {
      usePlayground.getState().receive({ type: 'error', message: (e as Error).message });
    }
  };
  return (
    <section aria-label="weights" className="weights">
      <button type="button" disabled={!ready} onClick={downloadWeights}>
        Download weights
      </button>
      <WeightsFilesInput
        label="Load weights (model.json and its .bin files)"
        onLoad={usePlayground.getState().loadWeights}
        onError={(message) => usePlayground.getState().receive({ type: 'error', message: `Load weights: ${message}` })}
      />
      <CopyLink />
    </section>
  );
}

export function App() {
  const s = usePlayground();
  useEffect(() => {
    const { settings, problems } = settingsFromQuery(location.search);
    usePlayground.setState({ settings, errors: problems.map((p) => `Link setting ignored: ${p}`) });
    const worker = startWorker();
    loadIndex(new URL('weights/', document.baseURI).href).then(
      (pretrained) => usePlayground.setState({ pretrained }),
      (e: Error) => usePlayground.getState().receive({ type: 'error', message: `Pretrained models: ${e.message}` }),
    );
    usePlayground.getState().send({ type: 'init', settings });
    // ?debug exposes the worker's channel, e.g. to simulate a lost GPU device: __vgan.send({ type: 'loseDevice' }).
    if (new URLSearchParams(location.search).has('debug')) Object.assign(window, { __vgan: usePlayground.getState() });
    return () => worker.terminate();
  }, []);
  useEffect(() => {
    const q = settingsToQuery(s.settings);
    history.replaceState(null, '', (q ? `?${q}` : location.pathname) + location.hash); // the page (#research) stays
    document.documentElement.classList.toggle('large-text', s.settings.textSize === 'large');
  }, [s.settings]);
  const page = usePage();
  const selected = s.samples[s.selected];
  return (
    <main>
      <header>
        <h1>VGAN playground</h1>
        <nav aria-label="pages" className="tabs">
          <a href="#training" aria-current={page === 'train' ? 'page' : undefined}>
            Training
          </a>
          <a href="#research" aria-current={page === 'research' ? 'page' : undefined}>
            Research tools
          </a>
          <label title={settingsTable.textSize.help}>
            <input
              type="checkbox"
              checked={s.settings.textSize === 'large'}
              onChange={(e) => s.setSettings({ textSize: e.target.checked ? 'large' : 'normal' })}
            />{' '}
            large text
          </label>
        </nav>
        <p className="status" data-testid="status">
          {s.backend ? `Backend: ${s.backend.name} (${s.backend.adapter})` : 'Starting a backend…'} ·{' '}
          <span
            title={`Completed iterations: each is ${s.settings.dSteps} D update${s.settings.dSteps > 1 ? 's' : ''} then ${s.settings.gSteps} G update${s.settings.gSteps > 1 ? 's' : ''}`}
          >
            iteration
          </span>{' '}
          <span data-testid="iteration">{s.iteration}</span>
          {s.resumedFrom === 'autosave' && ' · resumed from autosave'}
          {s.resumedFrom === 'file' && ' · weights loaded from file'}
          {s.resumedFrom === 'pretrained' && ` · started from the pretrained model ${s.settings.weights}`}
          {s.savedIteration !== null && ` · autosaved at ${s.savedIteration}`}
          {s.running && ' · training'}
          {s.previous && (
            <>
              {' · '}
              <button type="button" className="link" onClick={s.backToPrevious}>
                Back to the previous run (iteration {s.previous.iteration})
              </button>
            </>
          )}
        </p>
        {s.backend && s.backend.name !== 'webgpu' && <WebGpuHelp backend={s.backend} />}
        {/* What the page waits for, read out politely; the iteration count above changes too often for that. */}
        <p role="status" aria-live="polite" className="activity" data-testid="activity">
          {s.progress ? (
            <ProgressBar label={s.progress.label} done={s.progress.done} total={s.progress.total} />
          ) : (
            (s.stage ?? (s.running ? 'Training.' : s.ready ? 'Ready.' : ''))
          )}
        </p>
        {s.errors.map((e, i) => (
          <p key={i} role="alert" className="error">
            {e}{' '}
            <button type="button" className="link" onClick={() => s.dismissError(i)}>
              dismiss
            </button>
          </p>
        ))}
      </header>
      <div className="train-page" hidden={page !== 'train'}>
        <div className="stage">
          <div className="stage-main">
            <div className="samples-and-model">
              <Samples />
              <div className="model-side">
                {selected && <Decomposition sample={selected} index={s.selected} />}
                <Diagram />
              </div>
            </div>
            <StepThrough />
            <Mix />
          </div>
          <aside className="stage-side">
            <Controls />
            <TrainingCharts />
          </aside>
        </div>
        <section aria-label="real clips">
          <h2>Real training clips</h2>
          <div className="row">
            {s.real.map((clip, i) => (
              <VideoCanvas key={i} clip={clip} label={`real ${i}`} scale={3} />
            ))}
          </div>
        </section>
        {s.settings.kind === 'unconditional' && <Interpolation />}
        <OwnVideo />
        <Weights />
        <Future />
      </div>
      <div className="research-page" hidden={page !== 'research'}>
        <h2>Research tools</h2>
        <p className="hint">The paper's experiments, each on the playground's model, a shipped one or files you give.</p>
        <Baseline />
        <Study />
        <Representation />
        <Units />
        <Metrics />
      </div>
    </main>
  );
}

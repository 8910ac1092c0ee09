// The samples being learnt, large: the grid from fixed latent codes (each playable as its composite or one
// of its streams, as many per row as the viewer wants) and the selected sample taken apart.
import { useState } from 'react';
import type { SampleClips } from '../model/sample';
import { Pane } from './Pane';
import { usePlayground } from './store';
import { VideoCanvas } from './VideoCanvas';

type Stream = keyof SampleClips;

const streamNames: Record<Stream, string> = {
  video: 'composite',
  background: 'background b',
  foreground: 'foreground f',
  mask: 'mask m',
};

const PER_ROW = [1, 2, 4, 8];

function Decomposition({ sample, index }: { sample: SampleClips; index: number }) {
  return (
    <section aria-label="decomposition">
      <h2>Sample {index + 1}, taken apart</h2>
      <p className="hint">The video is the mask's blend of a moving foreground and a background that never moves.</p>
      <div className="row">
        {sample.background && <Pane clip={sample.background} label="selected background" name="background b" />}
        {sample.foreground && <Pane clip={sample.foreground} label="selected foreground" name="foreground f" />}
        {sample.mask && <Pane clip={sample.mask} label="selected mask" name="mask m" />}
        <Pane clip={sample.video} label="selected video" name={sample.mask ? 'm·f + (1−m)·b' : 'video (one stream)'} />
      </div>
    </section>
  );
}

export function Samples() {
  const { samples, selected, select, samplesIteration, settings } = usePlayground();
  const [stream, setStream] = useState<Stream>('video');
  const [perRow, setPerRow] = useState(4);
  const streams = (Object.keys(streamNames) as Stream[]).filter((k) => samples[0]?.[k]);
  // A one-stream model has no streams to show: the grid falls back to its videos.
  const shown = streams.includes(stream) ? stream : 'video';
  return (
    <>
      <section aria-label="samples" className="samples-area">
        <h2>
          {settings.kind === 'future' ? 'Predictions from the first frames of fixed real clips' : 'Samples from fixed latent codes'}{' '}
          {samples.length > 0 && <small>(iteration {samplesIteration})</small>}
        </h2>
        <div className="row grid-options">
          {streams.length > 1 && (
            <fieldset>
              <legend>play as</legend>
              {streams.map((k) => (
                <label key={k}>
                  <input type="radio" name="grid-stream" checked={shown === k} onChange={() => setStream(k)} /> {streamNames[k]}
                </label>
              ))}
            </fieldset>
          )}
          <label>
            samples per row{' '}
            <select value={perRow} onChange={(e) => setPerRow(Number(e.target.value))}>
              {PER_ROW.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="sample-grid" style={{ gridTemplateColumns: `repeat(${perRow}, minmax(0, 1fr))` }}>
          {samples.map((sample, i) => (
            <button
              type="button"
              key={i}
              className={i === selected ? 'sample selected' : 'sample'}
              onClick={() => select(i)}
              aria-pressed={i === selected}
            >
              <VideoCanvas clip={sample[shown]!} label={shown === 'video' ? `sample ${i}` : `sample ${i} ${shown}`} fit />
            </button>
          ))}
        </div>
      </section>
      {samples[selected] && <Decomposition sample={samples[selected]} index={selected} />}
    </>
  );
}

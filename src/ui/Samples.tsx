// The samples being learnt, large: the grid from fixed latent codes (each playable as its composite or one
// of its streams, as many per row as the viewer wants; both in the URL) and the selected sample taken apart.
import type { SampleClips } from '../model/sample';
import { settingsTable } from '../settings';
import { Select } from './Controls';
import { Pane } from './Pane';
import { usePlayground } from './store';
import { VideoCanvas } from './VideoCanvas';

type Stream = keyof SampleClips;
const streamSetting = settingsTable.gridStream;

/** The selected sample's streams and their blend, shown beside the grid with the model's diagram. */
export function Decomposition({ sample, index }: { sample: SampleClips; index: number }) {
  return (
    <section aria-label="decomposition">
      <h2>Sample {index + 1}, taken apart</h2>
      <p className="hint">
        {sample.mask
          ? "The video is the mask's blend of a moving foreground and a background that never moves."
          : 'A one-stream generator draws the whole video at once: there is no background, foreground or mask to take apart.'}
      </p>
      <div className="row">
        {sample.background && <Pane clip={sample.background} label="selected background" name="background b" />}
        {sample.foreground && <Pane clip={sample.foreground} label="selected foreground" name="foreground f" />}
        {sample.mask && <Pane clip={sample.mask} label="selected mask" name="mask m" />}
        <Pane clip={sample.video} label="selected video" name={sample.mask ? 'm·f + (1−m)·b' : 'video (one stream)'} />
      </div>
    </section>
  );
}

/** The grid of samples; what it plays and how many per row are settings, so a shared link keeps them. */
export function Samples() {
  const { samples, selected, select, samplesIteration, settings, setSettings } = usePlayground();
  const streams = streamSetting.options.filter((k) => samples[0]?.[k]);
  // A one-stream model has no streams to show: the grid falls back to its videos.
  const shown: Stream = streams.includes(settings.gridStream) ? settings.gridStream : 'video';
  const perRow = Number(settings.gridPerRow);
  return (
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
                <input type="radio" name="grid-stream" checked={shown === k} onChange={() => setSettings({ gridStream: k })} />{' '}
                {streamSetting.optionLabels[k]}
              </label>
            ))}
          </fieldset>
        )}
        <Select name="gridPerRow" />
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
  );
}

// The paper's Figure 6: the first frames on which one hidden unit of the future model's image encoder fires
// most, each with the input region its strongest position sees outlined (src/eval/units.ts).
import { useEffect, useRef, useState } from 'react';
import type { ClipData } from '../model/sample';
import type { ModelSource } from '../eval/research-protocol';
import type { ShippedDataset } from '../data/datasets';
import { ShippedDatasetOptions } from './DatasetOptions';
import type { Region } from '../eval/units';
import { ModelSourcePicker } from './ModelSource';
import { ResearchStatus } from './ResearchStatus';
import { useResearch } from './research-store';
import { frameToRgba } from './VideoCanvas';

const SCALE = 4;

function UnitImage({ frame, region, label }: { frame: ClipData; region: Region; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const image = new ImageData(frameToRgba(frame, 0), frame.size, frame.size);
    // Drawn at 1:1 on a scratch canvas, then scaled without smoothing so the outline stays crisp.
    const scratch = new OffscreenCanvas(frame.size, frame.size);
    scratch.getContext('2d')!.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(scratch, 0, 0, frame.size * SCALE, frame.size * SCALE);
    ctx.strokeStyle = '#ffdd00';
    ctx.lineWidth = 2;
    ctx.strokeRect(
      region.left * SCALE + 1,
      region.top * SCALE + 1,
      (region.right - region.left) * SCALE - 2,
      (region.bottom - region.top) * SCALE - 2,
    );
  }, [frame, region]);
  return <canvas ref={ref} width={frame.size * SCALE} height={frame.size * SCALE} role="img" aria-label={label} />;
}

export function Units() {
  const { busy, units, model, send } = useResearch();
  const [source, setSource] = useState<ModelSource | null>(null);
  const [dataset, setDataset] = useState<ShippedDataset>('real');
  const [job, setJob] = useState({ images: 128, layer: 2, channel: 0, k: 8 });
  const field = (key: keyof typeof job, label: string, min = 0) => (
    <label>
      {label}{' '}
      <input
        type="number"
        min={min}
        value={job[key]}
        onChange={(e) => setJob({ ...job, [key]: Number(e.target.value) })}
        style={{ width: '4.5rem' }}
      />
    </label>
  );
  const encoder = model?.kind === 'future' ? model.encoder : [];
  return (
    <section aria-label="hidden units" className="research">
      <h2>What a hidden unit looks for</h2>
      <p className="hint">
        The paper's Figure 6: the future model's image encoder runs over the first frames of a dataset; for one unit (a layer and a channel)
        the frames where it fires most are shown, with the region that its strongest position sees outlined. The region is the receptive
        field computed from the layers' kernels, strides and padding.
      </p>
      <div className="row">
        <ModelSourcePicker kind="future" onChange={setSource} />
        <label>
          frames from{' '}
          <select value={dataset} onChange={(e) => setDataset(e.target.value as ShippedDataset)}>
            <ShippedDatasetOptions />
          </select>
        </label>
        {field('images', 'frames', 1)}
        {field('layer', 'layer', 1)}
        {field('channel', 'channel')}
        {field('k', 'top', 1)}
        <button
          type="button"
          disabled={!source || busy !== null}
          onClick={() =>
            source &&
            send({ type: 'units', job: { source, dataset, images: job.images, layer: `conv${job.layer}`, channel: job.channel, k: job.k } })
          }
        >
          Find
        </button>
      </div>
      {encoder.length > 0 && (
        <p className="hint">Encoder layers: {encoder.map((l, i) => `${i + 1} = ${l.name} (${l.channels} channels)`).join(', ')}.</p>
      )}
      <ResearchStatus job="units" />
      {units && (
        <div className="row" data-testid="unit-hits">
          {units.hits.map((h) => (
            <figure key={h.image} className="pane">
              <UnitImage frame={h.frame} region={h.region} label={`unit image ${h.image}`} />
              <figcaption>
                frame {h.image}: {h.score.toFixed(2)}
              </figcaption>
            </figure>
          ))}
        </div>
      )}
    </section>
  );
}

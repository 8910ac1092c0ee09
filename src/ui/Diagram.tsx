// The model beside its samples: what each stream of the generator being trained does, in words, and the live
// output of every generator layer (the future model's encoder included) for the selected sample.
import { useEffect, useRef } from 'react';
import { presetConfig } from '../model/config';
import type { LayerView } from '../train/session';
import { usePlayground } from './store';

function LayerPicture({ view }: { view: LayerView }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [h, w] = view.side;
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const rgba = new Uint8ClampedArray(h * w * 4);
    view.pixels.forEach((v, i) => {
      rgba.fill(Math.round(v * 255), i * 4, i * 4 + 3);
      rgba[i * 4 + 3] = 255;
    });
    ctx.putImageData(new ImageData(rgba, w, h), 0, 0);
  }, [view, h, w]);
  const scale = Math.max(1, Math.floor(40 / Math.max(h, w)));
  return (
    <canvas
      ref={ref}
      width={w}
      height={h}
      style={{ width: w * scale, height: h * scale, imageRendering: 'pixelated' }}
      role="img"
      aria-label={`layer ${view.name}`}
    />
  );
}

/** The steps from input to video of the model the settings describe. */
function steps(kind: 'unconditional' | 'future', generator: 'twoStream' | 'oneStream', zDim: number) {
  const input =
    kind === 'future'
      ? ['Input frame', 'a 2D convolutional encoder turns the still image into a code, in place of z; the video starts from it.']
      : ['z', `a latent code of ${zDim} numbers drawn from N(0, 1) (100 in the paper).`];
  if (generator === 'oneStream') {
    return [
      input,
      ['One stream', '3D transposed convolutions grow the code into the whole video (tanh): every pixel may move, nothing is held still.'],
    ];
  }
  return [
    input,
    [
      'Foreground stream',
      '3D transposed convolutions grow the code into a space-time volume; its last layer splits into a colour video f (tanh) and a mask m (sigmoid).',
    ],
    ['Background stream', '2D transposed convolutions grow the code into one still image b, copied to every frame.'],
    ['Composite', 'every pixel at every time is m·f + (1−m)·b. A mask near 0 shows the still background.'],
  ];
}

/** The layer groups, by the prefix of their names (networks.ts): the one-stream video is drawn by the foreground's layers. */
const streams = (generator: 'twoStream' | 'oneStream') => [
  { title: 'Encoder (2D convolutions)', prefix: 'generator/encoder/' },
  {
    title: `${generator === 'oneStream' ? 'The one stream' : 'Foreground stream'} (3D transposed convolutions)`,
    prefix: 'generator/foreground/',
  },
  { title: 'Background stream (2D transposed convolutions)', prefix: 'generator/background/' },
];

export function Diagram() {
  const layers = usePlayground((s) => s.layers);
  const { kind, generator, preset } = usePlayground((s) => s.settings);
  const zDim = presetConfig(preset).zDim;
  const name = generator === 'oneStream' ? 'one-stream' : 'two-stream';
  return (
    <section aria-label="model diagram" className="diagram">
      <h2>How the {kind === 'future' ? `${name} future` : name} generator makes a video</h2>
      <ol>
        {steps(kind, generator, zDim).map(([title, text]) => (
          <li key={title}>
            <b>{title}</b>: {text}
          </li>
        ))}
      </ol>
      {layers.length > 0 && (
        <p className="hint">
          Live tensors of the selected sample: each picture is a layer's output (mean over channels, middle frame), under its shape.
        </p>
      )}
      {streams(generator).map(({ title, prefix }) => {
        const views = layers.filter((v) => v.name.startsWith(prefix));
        return views.length === 0 ? null : (
          <div key={prefix} className="stream">
            <h3>{title}</h3>
            <div className="row">
              {views.map((v) => (
                <figure key={v.name} className="layer">
                  <LayerPicture view={v} />
                  <figcaption>
                    {v.name.slice(prefix.length)}
                    <br />
                    {v.shape.join('×')}
                  </figcaption>
                </figure>
              ))}
            </div>
          </div>
        );
      })}
    </section>
  );
}

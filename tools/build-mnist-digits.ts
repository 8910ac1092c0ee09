// Builds public/data/moving-mnist/digits.png: the MNIST digits the page and the PyTorch trainer draw fresh
// moving-mnist clips from (src/train/data-source.ts, trainer/vgan/procedural.py), 256 samples of each digit.
//   npm run build-mnist-digits
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { toRgba } from '../src/data/codec';
import { DIGITS_FILE, makeDigitAtlas } from '../src/data/moving-mnist';
import { datasetDir, nodeEncoder } from '../src/data/node';

const SAMPLES_PER_DIGIT = 256;

const mnist = createRequire(import.meta.url)('mnist') as { get(index: number): number[] }[];
const atlas = makeDigitAtlas((digit, index) => mnist[digit].get(index), SAMPLES_PER_DIGIT);
const png = await nodeEncoder.png(toRgba(atlas.grey, 1, atlas.width, atlas.height));
const file = join(datasetDir('moving-mnist'), DIGITS_FILE);
writeFileSync(file, png);
console.error(`wrote ${file}: ${atlas.width}×${atlas.height}, ${(png.length / 1e3).toFixed(0)} kB`);

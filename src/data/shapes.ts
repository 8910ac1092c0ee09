// Procedural "shapes" scenes: a static textured background under moving sprites, with the exact
// foreground mask of every frame, so the two-stream generator's mask can be scored against the truth.
// Pure TypeScript (no DOM): runs at run time in the browser and in Node to build shards.
import { clipKey, type ClipMeta } from './format';
import { seededRandom } from './random';
import type { Clip } from './shards';

export interface ShapesOptions {
  /** Frame side in pixels (default 64). */
  size?: number;
  /** Frames per clip (default 32). */
  frames?: number;
  /** Smallest and largest number of sprites (default 1-3). */
  sprites?: [number, number];
}

export interface ShapesClip {
  /** frames × size × size × 3 bytes. */
  rgb: Uint8Array;
  /** frames × size × size bytes, 255 where a sprite covers the pixel centre, else 0. */
  mask: Uint8Array;
  sprites: number;
}

export const SHAPE_KINDS = ['circle', 'square', 'triangle', 'ring'] as const;
type Kind = (typeof SHAPE_KINDS)[number];

interface Sprite {
  kind: Kind;
  radius: number;
  x: number;
  y: number;
  vx: number;
  vy: number;
  angle: number;
  spin: number;
  colour: [number, number, number];
}

const SQRT3 = Math.sqrt(3);

/** Whether the point (u, v), relative to the sprite centre and unrotated, lies inside the shape. */
function inside(kind: Kind, u: number, v: number, r: number): boolean {
  switch (kind) {
    case 'circle':
      return u * u + v * v <= r * r;
    case 'ring': {
      const d = u * u + v * v;
      return d <= r * r && d >= 0.3 * r * r;
    }
    case 'square':
      return Math.abs(u) <= r * 0.8 && Math.abs(v) <= r * 0.8;
    case 'triangle':
      // Equilateral, circumradius r, apex up.
      return v <= r / 2 && SQRT3 * u - v <= r && -SQRT3 * u - v <= r;
  }
}

function vividColour(rand: () => number): [number, number, number] {
  const hue = rand() * 6;
  const f = hue - Math.floor(hue);
  const rgb: Record<number, [number, number, number]> = {
    0: [1, f, 0],
    1: [1 - f, 1, 0],
    2: [0, 1, f],
    3: [0, 1 - f, 1],
    4: [f, 0, 1],
    5: [1, 0, 1 - f],
  };
  const [r, g, b] = rgb[Math.floor(hue)];
  return [40 + 215 * r, 40 + 215 * g, 40 + 215 * b];
}

function background(rand: () => number, size: number): Float32Array {
  const bg = new Float32Array(size * size * 3);
  const a = [rand(), rand(), rand()].map((c) => 40 + 120 * c);
  const b = [rand(), rand(), rand()].map((c) => 40 + 120 * c);
  const waves = Array.from({ length: 3 }, () => ({
    fx: ((rand() - 0.5) * 0.6 * 64) / size,
    fy: ((rand() - 0.5) * 0.6 * 64) / size,
    phase: rand() * 2 * Math.PI,
  }));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const s = waves.reduce((acc, w) => acc + Math.sin(w.fx * x + w.fy * y + w.phase), 0) / 3;
      const t = 0.5 + 0.5 * s;
      const grain = (rand() - 0.5) * 4;
      for (let c = 0; c < 3; c++) bg[(y * size + x) * 3 + c] = a[c] * t + b[c] * (1 - t) + grain;
    }
  }
  return bg;
}

function sprite(rand: () => number, size: number): Sprite {
  const radius = size * (0.08 + 0.1 * rand());
  const speed = (size / 64) * (0.6 + 2 * rand());
  const heading = rand() * 2 * Math.PI;
  return {
    kind: SHAPE_KINDS[Math.floor(rand() * SHAPE_KINDS.length)],
    radius,
    x: radius + rand() * (size - 2 * radius),
    y: radius + rand() * (size - 2 * radius),
    vx: speed * Math.cos(heading),
    vy: speed * Math.sin(heading),
    angle: rand() * 2 * Math.PI,
    spin: (rand() - 0.5) * 0.2,
    colour: vividColour(rand),
  };
}

/** One clip from a seed: the same seed and options always give the same pixels. */
export function generateShapesClip(seed: number, opts: ShapesOptions = {}): ShapesClip {
  const size = opts.size ?? 64;
  const frames = opts.frames ?? 32;
  const [lo, hi] = opts.sprites ?? [1, 3];
  const rand = seededRandom(seed);
  const bg = background(rand, size);
  const sprites = Array.from({ length: lo + Math.floor(rand() * (hi - lo + 1)) }, () => sprite(rand, size));
  const rgb = new Uint8Array(frames * size * size * 3);
  const mask = new Uint8Array(frames * size * size);
  for (let t = 0; t < frames; t++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const p = y * size + x;
        let colour: ArrayLike<number> = bg.subarray(p * 3, p * 3 + 3);
        for (const s of sprites) {
          const dx = x + 0.5 - s.x;
          const dy = y + 0.5 - s.y;
          const cos = Math.cos(s.angle);
          const sin = Math.sin(s.angle);
          const u = cos * dx + sin * dy;
          const v = -sin * dx + cos * dy;
          if (inside(s.kind, u, v, s.radius)) {
            // A stripe across the sprite makes its rotation visible.
            const shade = Math.abs(u) < s.radius * 0.15 ? 0.6 : 1;
            colour = s.colour.map((c) => c * shade);
            mask[t * size * size + p] = 255;
          }
        }
        for (let c = 0; c < 3; c++) rgb[(t * size * size + p) * 3 + c] = Math.min(255, Math.max(0, Math.round(colour[c])));
      }
    }
    for (const s of sprites) {
      s.x += s.vx;
      s.y += s.vy;
      s.angle += s.spin;
      // Bounce off the frame edges so sprites stay in view.
      if (s.x < s.radius || s.x > size - s.radius) s.vx = -s.vx;
      if (s.y < s.radius || s.y > size - s.radius) s.vy = -s.vy;
    }
  }
  return { rgb, mask, sprites: sprites.length };
}

export const SHAPES_LICENCE = 'CC0-1.0';

/** Clip `index` of the shapes dataset with base `seed`, as a Clip ready for shards. */
export function shapesClip(seed: number, index: number, opts: ShapesOptions = {}): Clip {
  const clipSeed = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  const { rgb, mask, sprites } = generateShapesClip(clipSeed, opts);
  const size = opts.size ?? 64;
  const meta: ClipMeta = {
    frames: opts.frames ?? 32,
    frameWidth: size,
    frameHeight: size,
    fps: 25,
    source: `shapes seed=${seed} index=${index}`,
    licence: SHAPES_LICENCE,
    labels: { sprites },
  };
  return { key: clipKey(index), meta, rgb, mask };
}

export function* shapesClips(count: number, seed: number, opts: ShapesOptions = {}): Generator<Clip> {
  for (let i = 0; i < count; i++) yield shapesClip(seed, i, opts);
}

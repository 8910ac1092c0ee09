// The paper's human study (§4.2, Table 1): a two-alternative forced choice, "Which video is more
// realistic?", between two clips from different sources, shown left and right in a seeded random order.
// Answers are plain records (their JSON and CSV files, and merging them: study-files.ts); the table
// gives, for each comparison "Prefer X over Y" and each category (the paper's scene classes; here the
// dataset), the share of answers that chose X with its 95% Wilson score interval and the count.
import { randomInt, seededRandom, shuffle } from '../data/random';
import type { ClipData } from '../model/sample';

/** Anything that yields clips to judge: a dataset's real clips, a model's or the baseline's samples. */
export interface ClipSource {
  /** Stable id written into answers, e.g. "vgan", "autoencoder", "real", "static". */
  id: string;
  label: string;
  clips(count: number): Promise<ClipData[]>;
}

/** The clip's first frame held for its whole length: the paper's "static frame" comparison. */
export function staticClip(clip: ClipData): ClipData {
  const frame = clip.size * clip.size * clip.channels;
  const data = new Float32Array(clip.data.length);
  for (let t = 0; t < clip.frames; t++) data.set(clip.data.subarray(0, frame), t * frame);
  return { ...clip, data };
}

/** A source of static clips made from another source's clips. */
export function staticSource(of: ClipSource, id = 'static', label = 'Static first frame'): ClipSource {
  return { id, label, clips: async (count) => (await of.clips(count)).map(staticClip) };
}

/** One row of the table: "Prefer `prefer` over `over`". */
export interface Comparison {
  prefer: string;
  over: string;
}

export interface Trial {
  /** Position in this participant's sequence. */
  index: number;
  /** Source id and index into that source's clip pool, for each side. */
  left: { source: string; clip: number };
  right: { source: string; clip: number };
}

/**
 * `perComparison` trials of each comparison, each with its two sources on random sides and random clips of
 * their pools, the whole sequence shuffled; the same seed gives the same sequence.
 */
export function makeTrials(comparisons: Comparison[], perComparison: number, poolSizes: Record<string, number>, seed: number): Trial[] {
  for (const c of comparisons) {
    if (c.prefer === c.over) throw new Error(`study: a comparison needs two different sources, got ${c.prefer} twice`);
    for (const s of [c.prefer, c.over]) if (!(poolSizes[s] > 0)) throw new Error(`study: source "${s}" has no clips`);
  }
  const rand = seededRandom(seed);
  const pairs = comparisons.flatMap((c) => Array.from({ length: perComparison }, () => c));
  return shuffle(pairs, rand).map((c, index) => {
    const [a, b] = rand() < 0.5 ? [c.prefer, c.over] : [c.over, c.prefer];
    return { index, left: { source: a, clip: randomInt(rand, poolSizes[a]) }, right: { source: b, clip: randomInt(rand, poolSizes[b]) } };
  });
}

export interface Answer {
  /** Unique per answer: the key that merging several files dedupes on. */
  id: string;
  /** One id per browser. */
  participant: string;
  /** The study's name, e.g. a class's. */
  study: string;
  /** Table column, e.g. the dataset. */
  category: string;
  trial: number;
  left: string;
  right: string;
  leftClip: number;
  rightClip: number;
  chosen: 'left' | 'right';
  /** Time to answer, milliseconds. */
  ms: number;
  /** ISO 8601 time of the answer. */
  time: string;
}

export const chosenSource = (a: Answer) => (a.chosen === 'left' ? a.left : a.right);

/** 97.5% quantile of the standard normal: two-sided 95%. */
const Z95 = 1.959963984540054;

/**
 * Wilson score interval for k successes in n trials: unlike p ± z·√(p(1−p)/n) it stays inside [0, 1]
 * and is not empty at 0 or n successes, which small class studies hit often. Null when n is 0.
 */
export function wilson(k: number, n: number, z = Z95): { low: number; high: number } | null {
  if (n === 0) return null;
  const p = k / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export interface Cell {
  /** Answers that chose `prefer`, out of `n` that compared the two sources. */
  wins: number;
  n: number;
  /** wins / n, null when n is 0. */
  rate: number | null;
  interval: { low: number; high: number } | null;
}

export function preference(answers: Answer[], c: Comparison, category?: string): Cell {
  let wins = 0;
  let n = 0;
  for (const a of answers) {
    if (category !== undefined && a.category !== category) continue;
    const pair = (a.left === c.prefer && a.right === c.over) || (a.left === c.over && a.right === c.prefer);
    if (!pair) continue;
    n++;
    if (chosenSource(a) === c.prefer) wins++;
  }
  return { wins, n, rate: n > 0 ? wins / n : null, interval: wilson(wins, n) };
}

/** Sources in the order the paper's rows read (a model before its baselines, everything before real clips). */
export const SOURCE_ORDER = ['vgan', 'vgan-one-stream', 'autoencoder', 'static', 'real'];

const rank = (id: string) => {
  const i = SOURCE_ORDER.indexOf(id);
  return i < 0 ? SOURCE_ORDER.length : i;
};

/** Every pair of sources the answers compare, as "Prefer the earlier over the later" (SOURCE_ORDER, then by name). */
export function comparisonsIn(answers: Answer[]): Comparison[] {
  const pairs = new Map<string, Comparison>();
  for (const a of answers) {
    const [prefer, over] = [a.left, a.right].sort((x, y) => rank(x) - rank(y) || x.localeCompare(y));
    pairs.set(`${prefer}\u0000${over}`, { prefer, over });
  }
  return [...pairs.values()].sort(
    (x, y) =>
      rank(x.prefer) - rank(y.prefer) || rank(x.over) - rank(y.over) || x.prefer.localeCompare(y.prefer) || x.over.localeCompare(y.over),
  );
}

/** The column that pools every category. */
export const ALL = 'All';

export interface StudyTable {
  /** The categories seen, sorted, then ALL. */
  columns: string[];
  rows: Array<{ comparison: Comparison; cells: Record<string, Cell> }>;
}

/** Table 1's layout: one row per comparison, one column per category plus the pooled one. */
export function studyTable(answers: Answer[], comparisons = comparisonsIn(answers)): StudyTable {
  const columns = [...[...new Set(answers.map((a) => a.category))].sort(), ALL];
  return {
    columns,
    rows: comparisons.map((comparison) => ({
      comparison,
      cells: Object.fromEntries(columns.map((col) => [col, preference(answers, comparison, col === ALL ? undefined : col)])),
    })),
  };
}

const percent = (x: number) => `${Math.round(x * 100)}`;

/** A cell as the page prints it: "82% [75–88] n=120", or "–" when nothing was compared. */
export function formatCell(c: Cell): string {
  if (c.rate === null || !c.interval) return '–';
  return `${percent(c.rate)}% [${percent(c.interval.low)}–${percent(c.interval.high)}] n=${c.n}`;
}

/** The table as tab-separated text, with the paper's "Random preference" row first. */
export function formatTable(t: StudyTable, labels: Record<string, string> = {}): string {
  const name = (id: string) => labels[id] ?? id;
  const lines = [
    ['“Which video is more realistic?”', ...t.columns].join('\t'),
    ['Random preference', ...t.columns.map(() => '50%')].join('\t'),
  ];
  for (const r of t.rows) {
    lines.push(
      [`Prefer ${name(r.comparison.prefer)} over ${name(r.comparison.over)}`, ...t.columns.map((c) => formatCell(r.cells[c]))].join('\t'),
    );
  }
  return lines.join('\n');
}

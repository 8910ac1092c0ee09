// Every dataset the playground knows, declared once: the settings' choices, the panels' lists, the CLIs'
// --dataset and the one function that opens a dataset's batches (src/train/data-source.ts) read it here.

/** Code of ours that makes a dataset's clips: src/data/shapes.ts, src/data/moving-mnist.ts. */
export type Generator = 'shapes' | 'moving-mnist';

interface DatasetCommon {
  /** What the page's lists show. */
  label: string;
  /** Labels every clip's sidecar carries, e.g. moving-mnist's motion and digit. */
  labels: readonly string[];
  /** Its clips come with true foreground masks (made with the clips, not estimated). */
  masks: boolean;
}

export type DatasetEntry = DatasetCommon &
  (
    | {
        /** Made on the fly, in every worker, from the run's seed (moving-mnist reads its digit atlas from `files`). */
        kind: 'procedural';
        generator: Generator;
        /** Shards of it built by the tools, for readers that want stored clips (the research panels, the CLIs). */
        files: string;
      }
    | {
        /** Streamed by the loader from `files`, a folder under public/. */
        kind: 'shards';
        files: string;
      }
    | {
        /** The video the user dropped in, cut into shards in the page (it is never in the URL or on disk). */
        kind: 'own';
      }
  );

export const datasets = {
  shapes: { label: 'shapes', kind: 'procedural', generator: 'shapes', files: 'data/shapes/', labels: ['sprites'], masks: true },
  'moving-mnist': {
    label: 'moving MNIST',
    kind: 'procedural',
    generator: 'moving-mnist',
    files: 'data/moving-mnist/',
    labels: ['motion', 'digit'],
    masks: true,
  },
  real: { label: 'real footage', kind: 'shards', files: 'data/real/', labels: [], masks: false },
  own: { label: 'your own video', kind: 'own', labels: [], masks: false },
} as const satisfies Record<string, DatasetEntry>;

export type DatasetName = keyof typeof datasets;
export const datasetNames = Object.keys(datasets) as DatasetName[];

/** The datasets shipped with the site, whose clips are stored under public/ (every one but `own`). */
export type ShippedDataset = { [K in DatasetName]: (typeof datasets)[K] extends { files: string } ? K : never }[DatasetName];
export const shippedDatasets = datasetNames.filter((d) => 'files' in datasets[d]) as ShippedDataset[];

export const isShipped = (name: string): name is ShippedDataset => (shippedDatasets as string[]).includes(name);

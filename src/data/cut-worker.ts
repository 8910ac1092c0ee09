// Cuts (and stabilises) decoded frames into clips off the main thread. opencv.js (10 MB of script) is
// imported only when stabilising is asked for.
/// <reference lib="webworker" />
import { cutClips, type CutOptions, type CutResult, type FrameSequence } from './clips';
import { Stabilizer, type StabilizeOptions } from './stabilize';

export interface CutRequest {
  video: FrameSequence;
  options: Omit<CutOptions, 'stabilizer'>;
  stabilize: StabilizeOptions | false;
}

export type CutResponse = { result: CutResult } | { error: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async ({ data }: MessageEvent<CutRequest>) => {
  try {
    // Through our module, never opencv's own: its module object is a thenable, which `await import()` would chase.
    const stabilizer = data.stabilize
      ? await Stabilizer.create((await import('./browser-opencv')).browserOpenCv, data.stabilize)
      : undefined;
    const result = cutClips(data.video, { ...data.options, stabilizer });
    scope.postMessage(
      { result } satisfies CutResponse,
      result.clips.map((c) => c.rgb.buffer as ArrayBuffer),
    );
  } catch (e) {
    scope.postMessage({ error: e instanceof Error ? e.message : String(e) } satisfies CutResponse);
  }
};

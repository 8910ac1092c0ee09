// Decodes JPEG/PNG strips off the main thread: createImageBitmap + OffscreenCanvas.
/// <reference lib="webworker" />
import type { DecodeRequest, DecodeResponse } from './browser';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async ({ data }: MessageEvent<DecodeRequest>) => {
  const { id, bytes, kind } = data;
  try {
    // No colour management or premultiplication: masks and pixels must come back as stored.
    const bitmap = await createImageBitmap(new Blob([bytes], { type: kind === 'jpeg' ? 'image/jpeg' : 'image/png' }), {
      colorSpaceConversion: 'none',
      premultiplyAlpha: 'none',
    });
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(bitmap, 0, 0);
    bitmap.close();
    const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const response: DecodeResponse = { id, width: canvas.width, height: canvas.height, data: new Uint8Array(pixels.buffer) };
    scope.postMessage(response, [pixels.buffer]);
  } catch (e) {
    scope.postMessage({ id, error: e instanceof Error ? e.message : String(e) } satisfies DecodeResponse);
  }
};

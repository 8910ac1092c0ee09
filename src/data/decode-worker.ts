// Decodes JPEG/PNG strips off the main thread: the header's size against the pixel cap first (a decode bomb
// never allocates), then createImageBitmap + OffscreenCanvas.
/// <reference lib="webworker" />
import type { DecodeRequest, DecodeResponse } from './browser';
import { decodeWithBrowser } from './browser-image';
import { errorMessage } from './errors';
import { readImageHeader, STRIP_PIXEL_CAP } from './image-header';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async ({ data }: MessageEvent<DecodeRequest>) => {
  const { id, bytes, kind, name } = data;
  try {
    readImageHeader(bytes, name, { formats: [kind], maxPixels: STRIP_PIXEL_CAP });
    // No colour management or premultiplication: masks and pixels must come back as stored.
    const image = await decodeWithBrowser(bytes, kind, name, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
    const response: DecodeResponse = { id, width: image.width, height: image.height, data: new Uint8Array(image.data.buffer) };
    scope.postMessage(response, [image.data.buffer]);
  } catch (e) {
    scope.postMessage({ id, error: errorMessage(e) } satisfies DecodeResponse);
  }
};

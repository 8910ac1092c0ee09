// Node-only pieces: jpeg-js / pngjs codecs and a fetch over local files, so the loader and the dataset
// builders run unchanged in tests and CLIs.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { datasets, isShipped, type ShippedDataset } from './datasets';
import type { ImageDecoder, ImageEncoder, ImageKind, RgbaImage } from './codec';
import { errorMessage } from './errors';
import { ImageError, readImageHeader, STRIP_PIXEL_CAP } from './image-header';
import { whenReady, type OpenCvLoader } from './stabilize';

function decodeVetted(bytes: Uint8Array, kind: ImageKind): RgbaImage {
  if (kind === 'jpeg') {
    // Strict decoding so damaged scans fail loudly instead of giving grey blocks.
    const img = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      tolerantDecoding: false,
      maxResolutionInMP: STRIP_PIXEL_CAP / 1e6,
      maxMemoryUsageInMB: 1024,
    });
    return { width: img.width, height: img.height, data: img.data };
  }
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return { width: png.width, height: png.height, data: new Uint8Array(png.data) };
}

export const nodeDecoder: ImageDecoder = {
  async decode(bytes: Uint8Array, kind: ImageKind, name: string): Promise<RgbaImage> {
    // pngjs inflates the whole image before it says how big it is: the header is read first.
    readImageHeader(bytes, name, { formats: [kind], maxPixels: STRIP_PIXEL_CAP });
    try {
      return decodeVetted(bytes, kind);
    } catch (e) {
      throw new ImageError(`${name}: cannot decode this ${kind.toUpperCase()} (${errorMessage(e)})`, { cause: e });
    }
  },
};

export const nodeEncoder: ImageEncoder = {
  async jpeg(image: RgbaImage, quality: number) {
    return new Uint8Array(jpeg.encode({ ...image, data: image.data }, quality).data);
  },
  async png(image: RgbaImage) {
    const png = new PNG({ width: image.width, height: image.height, colorType: 0, inputColorType: 6 });
    png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
    return new Uint8Array(PNG.sync.write(png, { colorType: 0, inputColorType: 6, deflateLevel: 9 }));
  },
};

/** A fetch that reads `<dir>/<url>` from disk: the loader's Node stand-in for HTTP. */
export function fileFetch(dir: string): (url: string) => Promise<Response> {
  return async (url: string) => {
    try {
      return new Response(await readFile(join(dir, url)));
    } catch {
      return new Response(null, { status: 404, statusText: `not found: ${url}` });
    }
  };
}

/** The site's files in a checkout of this repository (the CLIs run from its root). */
const PUBLIC = 'public';

/** The page's fetches of site files (root ''), served from the checkout. */
export const publicFetch = fileFetch(PUBLIC);

/** Where a shipped dataset's files are in a checkout of this repository. */
export const datasetDir = (name: ShippedDataset) => join(PUBLIC, datasets[name].files);

/** A CLI's dataset argument: a shipped dataset's name, or the folder of any dataset of shards. */
export const dataDirOf = (nameOrDir: string) => (isShipped(nameOrDir) ? datasetDir(nameOrDir) : nameOrDir);

/** opencv.js through require: an ES import would hand its thenable module object to `await`, which hangs. */
export const nodeOpenCv: OpenCvLoader = () => whenReady(createRequire(import.meta.url)('@techstark/opencv-js'));

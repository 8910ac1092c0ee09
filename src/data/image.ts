// Resampling of interleaved 8-bit images: area averaging when shrinking (no aliasing when 64² frames
// feed the 16² and 32² presets), bilinear when enlarging.

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

type Taps = { index: Int32Array; weight: Float32Array; count: number };

/** For each output sample along one axis, the source samples and weights that make it. */
function axisTaps(start: number, inLength: number, outLength: number, sourceLimit: number): Taps[] {
  const scale = inLength / outLength;
  const taps: Taps[] = [];
  for (let o = 0; o < outLength; o++) {
    const idx: number[] = [];
    const w: number[] = [];
    if (scale > 1) {
      const lo = o * scale;
      const hi = lo + scale;
      for (let i = Math.floor(lo); i < Math.ceil(hi); i++) {
        idx.push(start + i);
        w.push((Math.min(hi, i + 1) - Math.max(lo, i)) / scale);
      }
    } else {
      const c = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), inLength - 1);
      const i0 = Math.floor(c);
      const i1 = Math.min(i0 + 1, inLength - 1);
      idx.push(start + i0, start + i1);
      w.push(1 - (c - i0), c - i0);
    }
    taps.push({
      index: Int32Array.from(idx, (i) => Math.min(i, sourceLimit - 1)),
      weight: Float32Array.from(w),
      count: idx.length,
    });
  }
  return taps;
}

/**
 * Resamples the region `rect` of an image (width `srcWidth`, `channels` interleaved) to outW × outH,
 * writing into `out` at `outOffset`.
 */
export function resizeRegion(
  src: ArrayLike<number>,
  srcWidth: number,
  srcHeight: number,
  channels: number,
  rect: Rect,
  outW: number,
  outH: number,
  out: Uint8Array = new Uint8Array(outW * outH * channels),
  outOffset = 0,
): Uint8Array {
  const xs = axisTaps(rect.x, rect.width, outW, srcWidth);
  const ys = axisTaps(rect.y, rect.height, outH, srcHeight);
  // Horizontal pass over only the rows the vertical pass will read.
  const rowCache = new Map<number, Float32Array>();
  const row = (y: number) => {
    let r = rowCache.get(y);
    if (!r) {
      r = new Float32Array(outW * channels);
      const base = y * srcWidth * channels;
      for (let o = 0; o < outW; o++) {
        const t = xs[o];
        for (let c = 0; c < channels; c++) {
          let acc = 0;
          for (let k = 0; k < t.count; k++) acc += t.weight[k] * src[base + t.index[k] * channels + c];
          r[o * channels + c] = acc;
        }
      }
      rowCache.set(y, r);
    }
    return r;
  };
  for (let oy = 0; oy < outH; oy++) {
    const t = ys[oy];
    const rows = Array.from(t.index, row);
    const dst = outOffset + oy * outW * channels;
    for (let i = 0; i < outW * channels; i++) {
      let acc = 0;
      for (let k = 0; k < t.count; k++) acc += t.weight[k] * rows[k][i];
      out[dst + i] = Math.min(255, Math.max(0, Math.round(acc)));
    }
  }
  return out;
}

/** The centred square of a width × height frame (the authors' centre crop). */
export function centreSquare(width: number, height: number): Rect {
  const side = Math.min(width, height);
  return { x: Math.floor((width - side) / 2), y: Math.floor((height - side) / 2), width: side, height: side };
}

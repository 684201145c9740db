// A free, deterministic pixel score (0–100) of a generated plot against the ground-truth plot.
//
// Both images become ink masks (pixels that differ from the background colour found on the border),
// are trimmed to the ink's bounding box and resampled to a common square grid by area, then compared
// by a tolerant symmetric difference, in the spirit of the likelihood in Ellis et al., "Learning to
// Infer Graphics Programs from Hand-Drawn Images": ink of one image with no ink of the other within
// `tolerance` cells counts against the score, relative to the union of both masks.
//   score = 100 × (1 − (|A \ dilate(B)| + |B \ dilate(A)|) / |A ∪ B|)
// Identical plots score 100, disjoint ones 0; an (almost) blank image scores 0.
import { PNG } from 'pngjs';

export interface PixelScoreOptions {
  /** Side of the common grid both masks are resampled to. */
  size: number;
  /** Dilation radius, in grid cells, within which ink still counts as matched. */
  tolerance: number;
  /** Largest channel difference (0–255) from the background that still counts as background. */
  inkThreshold: number;
  /** Share of a grid cell that must be ink for the cell to count as ink. */
  cellCoverage: number;
  /** An image with less ink than this share of its area (or than 16 pixels) is blank. */
  minInkFraction: number;
}

export const DEFAULT_PIXEL_OPTIONS: Readonly<PixelScoreOptions> = {
  size: 128,
  tolerance: 2,
  inkThreshold: 40,
  cellCoverage: 0.02,
  minInkFraction: 0.0005,
};

const MIN_INK_PIXELS = 16;

/** PNG bytes, or base64 text (a `data:image/png;base64,` prefix is allowed). */
export type PngInput = Uint8Array | string;

export interface RgbImage {
  width: number;
  height: number;
  /** RGB, 8 bit, alpha already composited over white. */
  rgb: Uint8Array;
}

export function pngBytes(input: PngInput): Buffer {
  if (typeof input !== 'string') {
    return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  }
  const comma = input.startsWith('data:') ? input.indexOf(',') : -1;
  return Buffer.from(comma >= 0 ? input.slice(comma + 1) : input, 'base64');
}

/** Decodes any PNG colour type and bit depth (pngjs normalises to 8-bit RGBA) and drops alpha over white. */
export function decodePng(input: PngInput): RgbImage {
  const png = PNG.sync.read(pngBytes(input));
  const { width, height, data } = png;
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < width * height; i++, j += 4) {
    const a = data[j + 3];
    for (let c = 0; c < 3; c++) {
      rgb[i * 3 + c] = Math.round((data[j + c] * a + 255 * (255 - a)) / 255);
    }
  }
  return { width, height, rgb };
}

/** The most common colour on the image border (4-bit bins, then the mean of the winning bin). */
export function backgroundColour(img: RgbImage): [number, number, number] {
  const { width, height, rgb } = img;
  const bins = new Map<number, { n: number; r: number; g: number; b: number }>();
  const visit = (x: number, y: number): void => {
    const k = (y * width + x) * 3;
    const r = rgb[k];
    const g = rgb[k + 1];
    const b = rgb[k + 2];
    const key = ((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4);
    const bin = bins.get(key) ?? { n: 0, r: 0, g: 0, b: 0 };
    bin.n++;
    bin.r += r;
    bin.g += g;
    bin.b += b;
    bins.set(key, bin);
  };
  for (let x = 0; x < width; x++) {
    visit(x, 0);
    if (height > 1) {
      visit(x, height - 1);
    }
  }
  for (let y = 1; y < height - 1; y++) {
    visit(0, y);
    if (width > 1) {
      visit(width - 1, y);
    }
  }
  let best: { n: number; r: number; g: number; b: number } | undefined;
  // Ties go to the lower key so the result never depends on Map insertion order.
  for (const key of [...bins.keys()].sort((a, b) => a - b)) {
    const bin = bins.get(key)!;
    if (!best || bin.n > best.n) {
      best = bin;
    }
  }
  if (!best) {
    return [255, 255, 255];
  }
  return [best.r / best.n, best.g / best.n, best.b / best.n];
}

export interface InkMask {
  width: number;
  height: number;
  ink: Uint8Array;
  count: number;
}

export function inkMask(img: RgbImage, inkThreshold = DEFAULT_PIXEL_OPTIONS.inkThreshold): InkMask {
  const [br, bg, bb] = backgroundColour(img);
  const { width, height, rgb } = img;
  const ink = new Uint8Array(width * height);
  let count = 0;
  for (let i = 0; i < width * height; i++) {
    const d = Math.max(Math.abs(rgb[i * 3] - br), Math.abs(rgb[i * 3 + 1] - bg), Math.abs(rgb[i * 3 + 2] - bb));
    if (d > inkThreshold) {
      ink[i] = 1;
      count++;
    }
  }
  return { width, height, ink, count };
}

/** For each source index, the target cells it overlaps and by how much (in target-cell units). */
function axisWeights(source: number, target: number): { cell: number; w: number }[][] {
  const scale = target / source;
  const out: { cell: number; w: number }[][] = [];
  for (let s = 0; s < source; s++) {
    const lo = s * scale;
    const hi = (s + 1) * scale;
    const parts: { cell: number; w: number }[] = [];
    for (let t = Math.floor(lo); t < Math.min(target, Math.ceil(hi)); t++) {
      const w = Math.min(hi, t + 1) - Math.max(lo, t);
      if (w > 0) {
        parts.push({ cell: t, w });
      }
    }
    out.push(parts);
  }
  return out;
}

/**
 * Trims the mask to its ink bounding box and resamples it by area to `size`×`size`; a cell is ink
 * when ink covers at least `cellCoverage` of it. Returns null for an (almost) blank mask.
 */
export function normalisedMask(mask: InkMask, options: PixelScoreOptions = DEFAULT_PIXEL_OPTIONS): Uint8Array | null {
  const { width, height, ink } = mask;
  if (mask.count < Math.max(MIN_INK_PIXELS, options.minInkFraction * width * height)) {
    return null;
  }
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x]) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  const w = x1 - x0 + 1;
  const h = y1 - y0 + 1;
  const size = options.size;
  const wx = axisWeights(w, size);
  const wy = axisWeights(h, size);
  const coverage = new Float64Array(size * size);
  const rowAcc = new Float64Array(size);
  for (let y = 0; y < h; y++) {
    rowAcc.fill(0);
    let any = false;
    const rowStart = (y0 + y) * width + x0;
    for (let x = 0; x < w; x++) {
      if (ink[rowStart + x]) {
        any = true;
        for (const { cell, w: weight } of wx[x]) {
          rowAcc[cell] += weight;
        }
      }
    }
    if (!any) {
      continue;
    }
    for (const { cell: ty, w: weight } of wy[y]) {
      const base = ty * size;
      for (let tx = 0; tx < size; tx++) {
        coverage[base + tx] += rowAcc[tx] * weight;
      }
    }
  }
  const out = new Uint8Array(size * size);
  for (let i = 0; i < out.length; i++) {
    out[i] = coverage[i] >= options.cellCoverage - 1e-12 ? 1 : 0;
  }
  return out;
}

function dilate(mask: Uint8Array, size: number, radius: number): Uint8Array {
  if (radius <= 0) {
    return mask;
  }
  // Separable square structuring element: rows, then columns.
  const tmp = new Uint8Array(mask.length);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let v = 0;
      for (let dx = -radius; dx <= radius && !v; dx++) {
        const xx = x + dx;
        if (xx >= 0 && xx < size && mask[y * size + xx]) {
          v = 1;
        }
      }
      tmp[y * size + x] = v;
    }
  }
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let v = 0;
      for (let dy = -radius; dy <= radius && !v; dy++) {
        const yy = y + dy;
        if (yy >= 0 && yy < size && tmp[yy * size + x]) {
          v = 1;
        }
      }
      out[y * size + x] = v;
    }
  }
  return out;
}

/** Tolerant symmetric-difference similarity of two normalised masks, 0–100. */
export function maskSimilarity(a: Uint8Array, b: Uint8Array, size: number, tolerance: number): number {
  const da = dilate(a, size, tolerance);
  const db = dilate(b, size, tolerance);
  let union = 0;
  let unmatched = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] || b[i]) {
      union++;
    }
    if (a[i] && !db[i]) {
      unmatched++;
    }
    if (b[i] && !da[i]) {
      unmatched++;
    }
  }
  if (union === 0) {
    return 0;
  }
  return Math.max(0, 100 * (1 - unmatched / union));
}

/**
 * Pixel score of a generated plot against the ground truth, 0–100, rounded to 2 decimals.
 * Throws if either input is not a decodable PNG.
 */
export function pixelScore(generated: PngInput, groundTruth: PngInput, options: Partial<PixelScoreOptions> = {}): number {
  const opts: PixelScoreOptions = { ...DEFAULT_PIXEL_OPTIONS, ...options };
  const decode = (input: PngInput, what: string): RgbImage => {
    try {
      return decodePng(input);
    } catch (e) {
      throw new Error(`pixel score: could not decode the ${what} PNG (${(e as Error).message})`);
    }
  };
  const gen = normalisedMask(inkMask(decode(generated, 'generated'), opts.inkThreshold), opts);
  const gt = normalisedMask(inkMask(decode(groundTruth, 'ground-truth'), opts.inkThreshold), opts);
  if (!gen || !gt) {
    return 0;
  }
  return Math.round(maskSimilarity(gen, gt, opts.size, opts.tolerance) * 100) / 100;
}

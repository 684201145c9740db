// The evidence an image offers: which pixels are ink, and how far every pixel is from ink.
import { inkAt, type Raster } from '../raster.js';

export interface InkMap {
  width: number;
  height: number;
  /** Ink amount in [0, 1] per pixel. */
  amount: Float32Array;
  /** Pixel indices of the ink pixels (amount above the threshold). */
  inkPixels: Int32Array;
  /** Pixel index → position in `inkPixels`, or −1 for paper. */
  inkIndex: Int32Array;
  /** Euclidean distance from each pixel to the nearest ink pixel. */
  distance: Float32Array;
}

const FAR = 1e9;

/** Exact squared Euclidean distance transform of one row/column (Felzenszwalb & Huttenlocher 2012). */
function distance1d(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    let s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    while (s <= z[k]) {
      k--;
      s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) {
      k++;
    }
    d[q] = (q - v[k]) * (q - v[k]) + f[v[k]];
  }
}

export function distanceTransform(mask: Uint8Array, width: number, height: number): Float32Array {
  const n = Math.max(width, height);
  const f = new Float64Array(n);
  const d = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  const grid = new Float64Array(width * height);
  for (let i = 0; i < width * height; i++) {
    grid[i] = mask[i] ? 0 : FAR;
  }
  for (let col = 0; col < width; col++) {
    for (let row = 0; row < height; row++) {
      f[row] = grid[row * width + col];
    }
    distance1d(f, height, d, v, z);
    for (let row = 0; row < height; row++) {
      grid[row * width + col] = d[row];
    }
  }
  const out = new Float32Array(width * height);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      f[col] = grid[row * width + col];
    }
    distance1d(f, width, d, v, z);
    for (let col = 0; col < width; col++) {
      out[row * width + col] = Math.sqrt(d[col]);
    }
  }
  return out;
}

export function buildInkMap(raster: Raster, threshold: number): InkMap {
  const { width, height } = raster;
  const amount = new Float32Array(width * height);
  const mask = new Uint8Array(width * height);
  const inkIndex = new Int32Array(width * height).fill(-1);
  const pixels: number[] = [];
  for (let i = 0; i < width * height; i++) {
    amount[i] = inkAt(raster.data[i]);
    if (amount[i] > threshold) {
      mask[i] = 1;
      inkIndex[i] = pixels.length;
      pixels.push(i);
    }
  }
  return {
    width,
    height,
    amount,
    inkPixels: Int32Array.from(pixels),
    inkIndex,
    distance: distanceTransform(mask, width, height),
  };
}

/** Distance to ink at a real-valued position; outside the image counts as far from ink. */
export function distanceAt(map: InkMap, x: number, y: number): number {
  const col = Math.round(x);
  const row = Math.round(y);
  if (col < 0 || row < 0 || col >= map.width || row >= map.height) {
    return 99;
  }
  return map.distance[row * map.width + col];
}

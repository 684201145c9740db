// Global misalignment of a drawing against the 16 px grid, and the shift that undoes it.
//
// Box edges, straight lines and the extreme points of circles all sit on grid columns and rows, so
// the ink, folded modulo 16 px along each axis, peaks at the drawing's offset from the grid.
import { GRID_PX, inkAt, type Raster } from '../raster.js';

export interface GridOffset {
  dx: number;
  dy: number;
}

function foldedPeak(profile: Float64Array): number {
  const folded = new Float64Array(GRID_PX);
  for (let i = 0; i < profile.length; i++) {
    folded[i % GRID_PX] += profile[i];
  }
  // Smooth over ±1 px (strokes are 2–3 px wide), circularly.
  let best = 0;
  let bestValue = -Infinity;
  for (let m = 0; m < GRID_PX; m++) {
    const v = folded[(m + GRID_PX - 1) % GRID_PX] + 2 * folded[m] + folded[(m + 1) % GRID_PX];
    if (v > bestValue) {
      bestValue = v;
      best = m;
    }
  }
  // Offsets in (−8, 8].
  return best > GRID_PX / 2 ? best - GRID_PX : best;
}

/** How far (px) the drawing sits right of and below where the grid expects it. */
export function estimateGridOffset(raster: Raster): GridOffset {
  const cols = new Float64Array(raster.width);
  const rows = new Float64Array(raster.height);
  for (let row = 0; row < raster.height; row++) {
    for (let col = 0; col < raster.width; col++) {
      const ink = inkAt(raster.data[row * raster.width + col]);
      if (ink > 0.3) {
        cols[col] += ink;
        rows[row] += ink;
      }
    }
  }
  return { dx: foldedPeak(cols), dy: foldedPeak(rows) };
}

/** The raster moved by (−dx, −dy) whole pixels, paper filling in at the edges. */
export function shiftRaster(raster: Raster, dx: number, dy: number): Raster {
  const { width, height } = raster;
  const out = new Uint8Array(width * height).fill(255);
  for (let row = 0; row < height; row++) {
    const src = row + dy;
    if (src < 0 || src >= height) {
      continue;
    }
    for (let col = 0; col < width; col++) {
      const c = col + dx;
      if (c >= 0 && c < width) {
        out[row * width + col] = raster.data[src * width + c];
      }
    }
  }
  return { width, height, data: out };
}

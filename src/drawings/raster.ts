// Traces drawn as 256×256 grayscale rasters with the geometry of the drawings data set, and PNG I/O.
//
// Pixel convention (the same as the data set's PNGs): one byte per pixel, row-major, row 0 at the
// top; 255 is white paper and 0 is full black ink. `inkAt` turns a value into ink amount in [0, 1].
// Grid point (x, y) is pixel column 16·x, row 256 − 16·y; pixel (col, row) has its centre at (col, row).
//
// Only PNG is decoded (grayscale, grayscale+alpha, RGB, RGBA, palette, 8 or 16 bit, via pngjs);
// JPEG would need a decoder package this project does not ship, so convert JPEGs to PNG first.
import { readFileSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import type { Primitive, Trace } from './trace.js';

export const RASTER_SIZE = 256;
export const GRID_PX = 16;

export interface Raster {
  width: number;
  height: number;
  /** width·height bytes, row-major; 255 = paper, 0 = ink. */
  data: Uint8Array;
}

/** A straight stroke piece in pixel coordinates. */
export interface Segment {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface GeometryOptions {
  /** Arrow head barb length in px (default 9). */
  arrowLength?: number;
  /** Half-angle between a barb and the shaft, in degrees (default 28). */
  arrowAngleDeg?: number;
  /** Dash and gap lengths in px for `solid: false` lines (default 6 and 6); `false` draws them whole. */
  dashes?: { on: number; off: number } | false;
  /** Number of sides of the polygon that stands for a circle (default 64). */
  circleSides?: number;
}

export interface RenderOptions extends GeometryOptions {
  /** Stroke width in px (default 2.5). */
  strokeWidth?: number;
  /** Ink darkness in (0, 1]; 1 is black (default 1). */
  intensity?: number;
}

export function blankRaster(width = RASTER_SIZE, height = RASTER_SIZE): Raster {
  return { width, height, data: new Uint8Array(width * height).fill(255) };
}

/** Ink amount in [0, 1] of a pixel value (0 = paper). */
export function inkAt(value: number): number {
  return 1 - value / 255;
}

export function gridToPixel(x: number, y: number): { px: number; py: number } {
  return { px: GRID_PX * x, py: RASTER_SIZE - GRID_PX * y };
}

export function pixelToGrid(px: number, py: number): { x: number; y: number } {
  return { x: px / GRID_PX, y: (RASTER_SIZE - py) / GRID_PX };
}

/** The two barbs of an arrow head whose tip is (tx, ty) on a shaft coming from (fx, fy). */
export function arrowHeadSegments(
  fx: number,
  fy: number,
  tx: number,
  ty: number,
  length = 9,
  angleDeg = 28,
): Segment[] {
  const len = Math.hypot(tx - fx, ty - fy) || 1;
  const bx = (fx - tx) / len;
  const by = (fy - ty) / len;
  const a = (angleDeg * Math.PI) / 180;
  const out: Segment[] = [];
  for (const s of [-1, 1]) {
    const c = Math.cos(a);
    const si = Math.sin(a) * s;
    const dx = bx * c - by * si;
    const dy = bx * si + by * c;
    out.push({ x1: tx, y1: ty, x2: tx + dx * length, y2: ty + dy * length });
  }
  return out;
}

/** Splits a segment into dashes. */
export function dashSegment(s: Segment, on: number, off: number, phase = 0): Segment[] {
  const len = Math.hypot(s.x2 - s.x1, s.y2 - s.y1);
  if (len === 0) {
    return [s];
  }
  const ux = (s.x2 - s.x1) / len;
  const uy = (s.y2 - s.y1) / len;
  const out: Segment[] = [];
  for (let t = -phase; t < len; t += on + off) {
    const a = Math.max(0, t);
    const b = Math.min(len, t + on);
    if (b > a) {
      out.push({ x1: s.x1 + ux * a, y1: s.y1 + uy * a, x2: s.x1 + ux * b, y2: s.y1 + uy * b });
    }
  }
  return out;
}

export function circlePolygon(cx: number, cy: number, radius: number, sides = 64): Segment[] {
  const out: Segment[] = [];
  for (let i = 0; i < sides; i++) {
    const a0 = (2 * Math.PI * i) / sides;
    const a1 = (2 * Math.PI * (i + 1)) / sides;
    out.push({
      x1: cx + radius * Math.cos(a0),
      y1: cy + radius * Math.sin(a0),
      x2: cx + radius * Math.cos(a1),
      y2: cy + radius * Math.sin(a1),
    });
  }
  return out;
}

/** The strokes that draw one primitive, in pixel coordinates. */
export function primitiveSegments(p: Primitive, options: GeometryOptions = {}): Segment[] {
  switch (p.type) {
    case 'circle': {
      const { px, py } = gridToPixel(p.x, p.y);
      return circlePolygon(px, py, p.r * GRID_PX, options.circleSides ?? 64);
    }
    case 'rectangle': {
      const a = gridToPixel(p.x1, p.y1);
      const b = gridToPixel(p.x2, p.y2);
      return [
        { x1: a.px, y1: a.py, x2: b.px, y2: a.py },
        { x1: b.px, y1: a.py, x2: b.px, y2: b.py },
        { x1: b.px, y1: b.py, x2: a.px, y2: b.py },
        { x1: a.px, y1: b.py, x2: a.px, y2: a.py },
      ];
    }
    case 'line': {
      const a = gridToPixel(p.x1, p.y1);
      const b = gridToPixel(p.x2, p.y2);
      const shaft: Segment = { x1: a.px, y1: a.py, x2: b.px, y2: b.py };
      const dashes = options.dashes ?? { on: 6, off: 6 };
      const out = !p.solid && dashes ? dashSegment(shaft, dashes.on, dashes.off) : [shaft];
      if (p.arrow) {
        out.push(...arrowHeadSegments(a.px, a.py, b.px, b.py, options.arrowLength ?? 9, options.arrowAngleDeg ?? 28));
      }
      return out;
    }
  }
}

/** Distance from (px, py) to a segment. */
export function segmentDistance(px: number, py: number, s: Segment): number {
  const dx = s.x2 - s.x1;
  const dy = s.y2 - s.y1;
  const l2 = dx * dx + dy * dy;
  let t = l2 === 0 ? 0 : ((px - s.x1) * dx + (py - s.y1) * dy) / l2;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  return Math.hypot(px - (s.x1 + t * dx), py - (s.y1 + t * dy));
}

/**
 * Draws anti-aliased strokes into `raster` (in place): coverage falls off linearly over one pixel at
 * the stroke's edge, and ink combines by maximum so overlapping strokes do not darken.
 */
export function drawSegments(raster: Raster, segments: Segment[], strokeWidth = 2.5, intensity = 1): void {
  const half = strokeWidth / 2;
  const reach = half + 1;
  const { width, height, data } = raster;
  for (const s of segments) {
    const c0 = Math.max(0, Math.floor(Math.min(s.x1, s.x2) - reach));
    const c1 = Math.min(width - 1, Math.ceil(Math.max(s.x1, s.x2) + reach));
    const r0 = Math.max(0, Math.floor(Math.min(s.y1, s.y2) - reach));
    const r1 = Math.min(height - 1, Math.ceil(Math.max(s.y1, s.y2) + reach));
    for (let row = r0; row <= r1; row++) {
      for (let col = c0; col <= c1; col++) {
        const d = segmentDistance(col, row, s);
        const coverage = Math.min(1, Math.max(0, half + 0.5 - d)) * intensity;
        if (coverage > 0) {
          const i = row * width + col;
          const value = Math.round(255 * (1 - Math.min(1, coverage)));
          if (value < data[i]) {
            data[i] = value;
          }
        }
      }
    }
  }
}

/** Renders a trace with clean, regular strokes (the data set's geometry, no hand wobble). */
export function renderTrace(trace: Trace, options: RenderOptions = {}): Raster {
  const raster = blankRaster();
  for (const p of trace) {
    drawSegments(raster, primitiveSegments(p, options), options.strokeWidth ?? 2.5, options.intensity ?? 1);
  }
  return raster;
}

/** Bilinear resampling, for images that are not 256×256. */
export function resizeRaster(src: Raster, width: number, height: number): Raster {
  if (src.width === width && src.height === height) {
    return src;
  }
  const out = blankRaster(width, height);
  const sx = src.width / width;
  const sy = src.height / height;
  for (let row = 0; row < height; row++) {
    const y = Math.min(src.height - 1, Math.max(0, (row + 0.5) * sy - 0.5));
    const y0 = Math.floor(y);
    const y1 = Math.min(src.height - 1, y0 + 1);
    const fy = y - y0;
    for (let col = 0; col < width; col++) {
      const x = Math.min(src.width - 1, Math.max(0, (col + 0.5) * sx - 0.5));
      const x0 = Math.floor(x);
      const x1 = Math.min(src.width - 1, x0 + 1);
      const fx = x - x0;
      const v =
        src.data[y0 * src.width + x0] * (1 - fx) * (1 - fy) +
        src.data[y0 * src.width + x1] * fx * (1 - fy) +
        src.data[y1 * src.width + x0] * (1 - fx) * fy +
        src.data[y1 * src.width + x1] * fx * fy;
      out.data[row * width + col] = Math.round(v);
    }
  }
  return out;
}

/** Decodes a PNG of any colour type to grayscale (alpha composited over white paper). */
export function decodePng(buffer: Buffer): Raster {
  // pngjs normalises every colour type and bit depth to 8-bit RGBA.
  const png = PNG.sync.read(buffer);
  const { width, height } = png;
  const out = new Uint8Array(width * height);
  for (let i = 0; i < width * height; i++) {
    const r = png.data[4 * i];
    const g = png.data[4 * i + 1];
    const b = png.data[4 * i + 2];
    const a = png.data[4 * i + 3] / 255;
    const luminance = 0.299 * r + 0.587 * g + 0.114 * b;
    out[i] = Math.round(luminance * a + 255 * (1 - a));
  }
  return { width, height, data: out };
}

/** Encodes a raster as an 8-bit grayscale PNG. */
export function encodePng(raster: Raster): Buffer {
  const png = new PNG({ width: raster.width, height: raster.height });
  for (let i = 0; i < raster.width * raster.height; i++) {
    const v = raster.data[i];
    png.data[4 * i] = v;
    png.data[4 * i + 1] = v;
    png.data[4 * i + 2] = v;
    png.data[4 * i + 3] = 255;
  }
  return PNG.sync.write(png, { colorType: 0, inputColorType: 6, bitDepth: 8 });
}

/** Reads a PNG file as a grayscale raster (throws a clear error for JPEG and other formats). */
export function readRaster(path: string): Raster {
  const buffer = readFileSync(path);
  if (buffer.length >= 3 && buffer[0] === 0xff && buffer[1] === 0xd8 && buffer[2] === 0xff) {
    throw new Error(`${path} is a JPEG; only PNG images are supported (convert it to PNG first).`);
  }
  return decodePng(buffer);
}

export function writeRaster(path: string, raster: Raster): void {
  writeFileSync(path, encodePng(raster));
}

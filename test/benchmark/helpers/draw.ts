// Tiny raster for tests: draw simple plots into RGBA pixels and encode them as PNGs of any colour type.
import { crc32, deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';

export type Rgb = [number, number, number];

export class Canvas {
  readonly data: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = [255, 255, 255],
    alpha = 255,
  ) {
    this.data = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      this.data.set([...background, alpha], i * 4);
    }
  }
  set(x: number, y: number, c: Rgb, alpha = 255): void {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi >= 0 && yi >= 0 && xi < this.width && yi < this.height) {
      this.data.set([...c, alpha], (yi * this.width + xi) * 4);
    }
  }
  rect(x: number, y: number, w: number, h: number, c: Rgb): void {
    for (let yy = Math.round(y); yy < Math.round(y + h); yy++) {
      for (let xx = Math.round(x); xx < Math.round(x + w); xx++) {
        this.set(xx, yy, c);
      }
    }
  }
  /** A line `thickness` pixels wide. */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, thickness = 1): void {
    const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) * 2));
    const r = (thickness - 1) / 2;
    for (let s = 0; s <= steps; s++) {
      const x = x0 + ((x1 - x0) * s) / steps;
      const y = y0 + ((y1 - y0) * s) / steps;
      for (let dy = -Math.ceil(r); dy <= Math.ceil(r); dy++) {
        for (let dx = -Math.ceil(r); dx <= Math.ceil(r); dx++) {
          if (dx * dx + dy * dy <= r * r + 0.25) {
            this.set(x + dx, y + dy, c);
          }
        }
      }
    }
  }
  disc(cx: number, cy: number, radius: number, c: Rgb): void {
    for (let y = Math.floor(cy - radius); y <= Math.ceil(cy + radius); y++) {
      for (let x = Math.floor(cx - radius); x <= Math.ceil(cx + radius); x++) {
        if ((x - cx) ** 2 + (y - cy) ** 2 <= radius * radius) {
          this.set(x, y, c);
        }
      }
    }
  }
  /** PNG bytes; colorType 0 grey, 2 RGB, 4 grey+alpha, 6 RGBA; bitDepth 8 or 16. */
  png(colorType: 0 | 2 | 4 | 6 = 6, bitDepth: 8 | 16 = 8): Buffer {
    const png = new PNG({ width: this.width, height: this.height });
    // pngjs packs 16-bit output from 16-bit input samples (platform-endian Uint16).
    png.data =
      bitDepth === 16 ? Buffer.from(Uint16Array.from(this.data, (v) => v * 257).buffer) : Buffer.from(this.data);
    return PNG.sync.write(png, { colorType, bitDepth, inputColorType: 6, inputHasAlpha: true });
  }
  /** An indexed-colour (palette) PNG, written by hand since pngjs only reads palettes. */
  palettePng(): Buffer {
    const colours: string[] = [];
    const index = new Map<string, number>();
    const rows: Buffer[] = [];
    for (let y = 0; y < this.height; y++) {
      const row = Buffer.alloc(1 + this.width);
      for (let x = 0; x < this.width; x++) {
        const k = (y * this.width + x) * 4;
        const key = `${this.data[k]},${this.data[k + 1]},${this.data[k + 2]}`;
        if (!index.has(key)) {
          index.set(key, colours.length);
          colours.push(key);
        }
        row[1 + x] = index.get(key)!;
      }
      rows.push(row);
    }
    if (colours.length > 256) {
      throw new Error('too many colours for a palette PNG');
    }
    const chunk = (type: string, body: Buffer): Buffer => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(body.length);
      const typed = Buffer.concat([Buffer.from(type, 'latin1'), body]);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(typed) >>> 0);
      return Buffer.concat([len, typed, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(this.width, 0);
    ihdr.writeUInt32BE(this.height, 4);
    ihdr.set([8, 3, 0, 0, 0], 8);
    const plte = Buffer.from(colours.flatMap((c) => c.split(',').map(Number)));
    return Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('PLTE', plte),
      chunk('IDAT', deflateSync(Buffer.concat(rows))),
      chunk('IEND', Buffer.alloc(0)),
    ]);
  }
}

export const BLACK: Rgb = [0, 0, 0];
export const BLUE: Rgb = [31, 119, 180];
export const ORANGE: Rgb = [255, 127, 14];

export interface PlotSpec {
  width?: number;
  height?: number;
  /** Where the axes box sits and how big it is, as fractions of the image. */
  left?: number;
  top?: number;
  scale?: number;
  background?: Rgb;
  lineWidth?: number;
  kind: 'line' | 'bars' | 'scatter' | 'pie';
  /** Values in 0..1. */
  values?: number[];
}

/** A toy "plot": an axes box, ticks and one kind of mark, placed and scaled as asked. */
export function drawPlot(spec: PlotSpec): Canvas {
  const width = spec.width ?? 320;
  const height = spec.height ?? 240;
  const canvas = new Canvas(width, height, spec.background ?? [255, 255, 255]);
  const scale = spec.scale ?? 0.75;
  const ax = (spec.left ?? 0.12) * width;
  const ay = (spec.top ?? 0.1) * height;
  const aw = scale * width;
  const ah = scale * height;
  const lw = spec.lineWidth ?? Math.max(1, Math.round(width / 320));
  const values = spec.values ?? [0.2, 0.55, 0.35, 0.8, 0.6, 0.95];
  if (spec.kind !== 'pie') {
    // Axes: left and bottom spines with ticks.
    canvas.line(ax, ay, ax, ay + ah, BLACK, lw);
    canvas.line(ax, ay + ah, ax + aw, ay + ah, BLACK, lw);
    for (let i = 0; i <= 5; i++) {
      const tx = ax + (aw * i) / 5;
      canvas.line(tx, ay + ah, tx, ay + ah + 4 * lw, BLACK, lw);
      const ty = ay + (ah * i) / 5;
      canvas.line(ax - 4 * lw, ty, ax, ty, BLACK, lw);
    }
  }
  const n = values.length;
  const px = (i: number): number => ax + (aw * (i + 0.5)) / n;
  const py = (v: number): number => ay + ah * (1 - v);
  switch (spec.kind) {
    case 'line':
      for (let i = 0; i + 1 < n; i++) {
        canvas.line(px(i), py(values[i]), px(i + 1), py(values[i + 1]), BLUE, 2 * lw);
      }
      break;
    case 'bars':
      values.forEach((v, i) => canvas.rect(px(i) - aw / n / 3, py(v), (2 * aw) / n / 3, ah * v, BLUE));
      break;
    case 'scatter':
      values.forEach((v, i) => canvas.disc(px(i), py(v), 3 * lw, ORANGE));
      break;
    case 'pie': {
      const cx = ax + aw / 2;
      const cy = ay + ah / 2;
      const r = Math.min(aw, ah) / 2;
      canvas.disc(cx, cy, r, BLUE);
      canvas.line(cx, cy, cx + r, cy, [255, 255, 255], lw);
      canvas.line(cx, cy, cx, cy - r, [255, 255, 255], lw);
      break;
    }
  }
  return canvas;
}

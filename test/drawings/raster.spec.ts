import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PNG } from 'pngjs';
import {
  decodePng,
  encodePng,
  gridToPixel,
  inkAt,
  readRaster,
  renderTrace,
  resizeRaster,
  type Raster,
} from '../../src/drawings/raster.js';
import { drawings } from './dataset.js';

const at = (r: Raster, col: number, row: number): number => r.data[row * r.width + col];

describe('raster', () => {
  it('maps grid points to pixels like the data set (16 px a unit, y up)', () => {
    assert.deepEqual(gridToPixel(0, 0), { px: 0, py: 256 });
    assert.deepEqual(gridToPixel(3, 10), { px: 48, py: 96 });
  });

  it('draws a circle of radius 16 px around its centre and leaves the centre blank', () => {
    const r = renderTrace([{ type: 'circle', x: 5, y: 8, r: 1 }]);
    const { px, py } = gridToPixel(5, 8);
    assert.equal(r.width, 256);
    assert.equal(r.height, 256);
    for (const [dx, dy] of [
      [16, 0],
      [-16, 0],
      [0, 16],
      [0, -16],
    ]) {
      assert.ok(at(r, px + dx, py + dy) < 64, `ink at offset ${dx},${dy}`);
    }
    assert.equal(at(r, px, py), 255);
    assert.equal(at(r, px + 8, py), 255);
    assert.equal(at(r, px + 22, py), 255);
  });

  it('draws a line between its end points and nothing beyond them', () => {
    const r = renderTrace([{ type: 'line', x1: 2, y1: 4, x2: 10, y2: 4, arrow: false, solid: true }]);
    const row = gridToPixel(0, 4).py;
    assert.ok(at(r, 32, row) < 64);
    assert.ok(at(r, 100, row) < 64);
    assert.ok(at(r, 160, row) < 64);
    assert.equal(at(r, 26, row), 255);
    assert.equal(at(r, 166, row), 255);
    assert.equal(at(r, 100, row - 5), 255);
  });

  it('puts an arrow head at (x2, y2) only, and breaks dashed lines', () => {
    const arrow = renderTrace([{ type: 'line', x1: 2, y1: 4, x2: 10, y2: 4, arrow: true, solid: true }]);
    const row = gridToPixel(0, 4).py;
    // Barbs leave the tip backwards, above and below the shaft.
    assert.ok(at(arrow, 154, row - 3) < 128);
    assert.ok(at(arrow, 154, row + 3) < 128);
    assert.equal(at(arrow, 38, row - 3), 255);
    const dashed = renderTrace([{ type: 'line', x1: 2, y1: 4, x2: 10, y2: 4, arrow: false, solid: false }]);
    let gaps = 0;
    for (let col = 33; col < 160; col++) {
      if (at(dashed, col, row) === 255) {
        gaps++;
      }
    }
    assert.ok(gaps > 15 && gaps < 80, `dashes leave gaps (${gaps} blank px)`);
  });

  it('draws rectangles by their four edges', () => {
    const r = renderTrace([{ type: 'rectangle', x1: 2, y1: 2, x2: 6, y2: 5 }]);
    assert.ok(at(r, 32, 256 - 48) < 64);
    assert.ok(at(r, 96, 256 - 48) < 64);
    assert.ok(at(r, 64, 256 - 32) < 64);
    assert.ok(at(r, 64, 256 - 80) < 64);
    assert.equal(at(r, 64, 256 - 56), 255);
  });

  it('keeps stroke width and anti-aliasing configurable', () => {
    const thin = renderTrace([{ type: 'line', x1: 1, y1: 8, x2: 14, y2: 8, arrow: false, solid: true }], { strokeWidth: 1 });
    const thick = renderTrace([{ type: 'line', x1: 1, y1: 8, x2: 14, y2: 8, arrow: false, solid: true }], { strokeWidth: 5 });
    const inked = (r: Raster): number => r.data.reduce((s, v) => s + inkAt(v), 0);
    assert.ok(inked(thick) > 3 * inked(thin));
    // Edge pixels are grey, not only black and white.
    assert.ok(thick.data.some((v) => v > 0 && v < 255));
  });

  it('round-trips through PNG and reads the data set images', () => {
    const r = renderTrace([{ type: 'circle', x: 7, y: 7, r: 1 }], { strokeWidth: 2 });
    const back = decodePng(encodePng(r));
    assert.deepEqual(back, r);
    const image = readRaster(drawings()[0].imagePath);
    assert.equal(image.width, 256);
    assert.equal(image.height, 256);
    assert.ok(image.data.some((v) => v < 50));
  });

  it('reads RGBA PNGs over white and refuses JPEGs with a clear message', () => {
    const png = new PNG({ width: 4, height: 4 });
    png.data.fill(0);
    png.data[3] = 255; // pixel 0: opaque black; the rest fully transparent.
    const gray = decodePng(PNG.sync.write(png));
    assert.equal(gray.data[0], 0);
    assert.equal(gray.data[5], 255);
    const dir = mkdtempSync(join(tmpdir(), 'plotwright-raster-'));
    try {
      const jpg = join(dir, 'x.png');
      writeFileSync(jpg, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]));
      assert.throws(() => readRaster(jpg), /JPEG/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('resamples other sizes', () => {
    const r = resizeRaster(renderTrace([{ type: 'rectangle', x1: 1, y1: 1, x2: 14, y2: 14 }]), 128, 128);
    assert.equal(r.data.length, 128 * 128);
    assert.ok(r.data.some((v) => v < 128));
  });
});

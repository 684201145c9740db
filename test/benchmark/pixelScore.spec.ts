import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backgroundColour, decodePng, inkMask, pixelScore } from '../../benchmark/pixelScore.js';
import { BLACK, Canvas, drawPlot, type PlotSpec } from './helpers/draw.js';

const gtSpec: PlotSpec = { kind: 'line' };
const gt = drawPlot(gtSpec).png();

function blank(width = 320, height = 240): Buffer {
  return new Canvas(width, height).png();
}

describe('pixelScore', () => {
  it('gives 100 to an identical plot, in every PNG colour type and bit depth', () => {
    const c = drawPlot(gtSpec);
    assert.equal(pixelScore(c.png(), gt), 100);
    assert.equal(pixelScore(c.png(0), gt), 100, 'grayscale');
    assert.equal(pixelScore(c.png(4), gt), 100, 'grayscale + alpha');
    assert.equal(pixelScore(c.png(2), gt), 100, 'RGB');
    assert.equal(pixelScore(c.png(6, 16), gt), 100, 'RGBA 16 bit');
    assert.equal(pixelScore(c.png(2, 16), gt), 100, 'RGB 16 bit');
    assert.equal(pixelScore(c.palettePng(), gt), 100, 'palette');
  });

  it('checks that the PNG variants really differ in colour type', () => {
    const c = drawPlot(gtSpec);
    const colourType = (png: Buffer): number => png[25];
    const bitDepth = (png: Buffer): number => png[24];
    assert.deepEqual([c.png(0), c.png(2), c.png(4), c.png(6), c.palettePng()].map(colourType), [0, 2, 4, 6, 3]);
    assert.equal(bitDepth(c.png(2, 16)), 16);
  });

  it('gives 0 to a blank or almost blank image, either way round', () => {
    assert.equal(pixelScore(blank(), gt), 0);
    assert.equal(pixelScore(gt, blank()), 0);
    assert.equal(pixelScore(blank(), blank()), 0);
    const speck = new Canvas(320, 240);
    speck.rect(100, 100, 3, 3, BLACK);
    assert.equal(pixelScore(speck.png(), gt), 0);
    const dark = new Canvas(320, 240, [20, 20, 20]);
    assert.equal(pixelScore(dark.png(), gt), 0, 'a uniform dark image is blank too');
  });

  it('ignores margins, placement and resolution', () => {
    assert.equal(pixelScore(drawPlot({ ...gtSpec, left: 0.2, top: 0.04 }).png(), gt), 100, 'shifted');
    assert.equal(pixelScore(drawPlot({ ...gtSpec, scale: 0.55 }).png(), gt), 100, 'smaller in a wider margin');
    assert.equal(pixelScore(drawPlot({ ...gtSpec, width: 640, height: 480 }).png(), gt), 100, 'twice the resolution');
    assert.ok(pixelScore(drawPlot({ ...gtSpec, width: 400, height: 260 }).png(), gt) >= 80, 'other aspect ratio');
  });

  it('finds the background on the border: tinted, dark or transparent', () => {
    assert.equal(pixelScore(drawPlot({ ...gtSpec, background: [234, 234, 242] }).png(), gt), 100, 'seaborn-like tint');
    const dark = drawPlot({ ...gtSpec, background: [17, 17, 17] });
    // Re-ink the dark plot's axes in white, as a dark theme does.
    for (let i = 0; i < dark.width * dark.height; i++) {
      if (dark.data[i * 4] === 0 && dark.data[i * 4 + 1] === 0 && dark.data[i * 4 + 2] === 0) {
        dark.data.set([255, 255, 255], i * 4);
      }
    }
    assert.equal(pixelScore(dark.png(), gt), 100, 'dark theme');
    const transparent = drawPlot({ ...gtSpec });
    for (let i = 0; i < transparent.width * transparent.height; i++) {
      if (transparent.data[i * 4] === 255 && transparent.data[i * 4 + 1] === 255 && transparent.data[i * 4 + 2] === 255) {
        transparent.data.set([0, 0, 0, 0], i * 4);
      }
    }
    assert.equal(pixelScore(transparent.png(), gt), 100, 'transparent background (black, alpha 0)');
    assert.deepEqual(
      backgroundColour(decodePng(transparent.png())).map(Math.round),
      [255, 255, 255],
    );
  });

  it('scores different plots low', () => {
    for (const kind of ['bars', 'pie'] as const) {
      const s = pixelScore(drawPlot({ kind }).png(), gt);
      assert.ok(s < 30, `${kind} vs line: ${s}`);
    }
    const other = pixelScore(drawPlot({ kind: 'line', values: [0.9, 0.1, 0.7, 0.2, 0.5, 0.05] }).png(), gt);
    assert.ok(other < 50, `a line through other values: ${other}`);
  });

  it('falls as the plot drifts from the ground truth', () => {
    const base = [0.2, 0.55, 0.35, 0.8, 0.6, 0.95];
    const target = [0.9, 0.1, 0.7, 0.2, 0.5, 0.05];
    const scores = [0, 0.1, 0.25, 0.5, 1].map((t) =>
      pixelScore(drawPlot({ kind: 'line', values: base.map((v, i) => v + t * (target[i] - v)) }).png(), gt),
    );
    assert.equal(scores[0], 100);
    for (let i = 1; i < scores.length; i++) {
      assert.ok(scores[i] <= scores[i - 1] + 1, `not monotonic: ${scores.join(', ')}`);
    }
    assert.ok(scores[1] > 70, `a small drift stays high: ${scores[1]}`);
    assert.ok(scores[4] < scores[1] - 30, `a large drift falls far: ${scores.join(', ')}`);
  });

  it('is symmetric and deterministic, and takes base64 and data URLs', () => {
    const a = drawPlot({ kind: 'scatter' }).png();
    const b = drawPlot({ kind: 'bars' }).png();
    const ab = pixelScore(a, b);
    assert.equal(pixelScore(b, a), ab);
    assert.equal(pixelScore(a, b), ab);
    assert.equal(pixelScore(a.toString('base64'), `data:image/png;base64,${b.toString('base64')}`), ab);
    assert.equal(pixelScore(new Uint8Array(a), b), ab);
  });

  it('throws a clear error for bytes that are not a PNG', () => {
    assert.throws(() => pixelScore(Buffer.from('not a png'), gt), /could not decode the generated PNG/);
    assert.throws(() => pixelScore(gt, Buffer.alloc(0)), /could not decode the ground-truth PNG/);
  });

  it('builds ink masks from differences to the background', () => {
    const c = new Canvas(10, 10);
    c.rect(2, 2, 3, 3, [200, 200, 200]);
    c.rect(6, 6, 2, 2, BLACK);
    assert.equal(inkMask(decodePng(c.png())).count, 9 + 4);
    assert.equal(inkMask(decodePng(c.png()), 60).count, 4, 'light grey is below a higher threshold');
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { build } from 'esbuild';
import { DrawingSession } from '../../src/drawings/drawingSession.js';
import { FITTED } from '../../src/drawings/infer/fittedParams.js';
import { inferTracesFromRaster } from '../../src/drawings/infer/inferTrace.js';
import { inferInWorker } from '../../src/drawings/infer/workerClient.js';
import { readRaster } from '../../src/drawings/raster.js';
import { hitTest, rasterizeSketch, shapeFromDrag, snapStroke, snapToGrid, type PixelPoint, type Stroke } from '../../src/drawings/sketch.js';
import { sameTrace, traceKeys, type Trace } from '../../src/drawings/trace.js';
import { drawings } from './dataset.js';

/** A grid point as raster pixels. */
const px = (x: number, y: number): PixelPoint => [16 * x, 256 - 16 * y];

/** A mouse-like stroke through grid points, sampled every 4 px, with a little wobble. */
function strokeThrough(points: PixelPoint[], wobble = 1): Stroke {
  const out: Stroke = [];
  for (let k = 1; k < points.length; k++) {
    const [ax, ay] = points[k - 1];
    const [bx, by] = points[k];
    const n = Math.max(1, Math.round(Math.hypot(bx - ax, by - ay) / 4));
    for (let s = 0; s < n; s++) {
      const t = s / n;
      out.push([ax + t * (bx - ax) + wobble * Math.sin(out.length), ay + t * (by - ay) + wobble * Math.cos(out.length * 1.3)]);
    }
  }
  out.push(points.at(-1) as PixelPoint);
  return out;
}

function circleStroke(cx: number, cy: number, r: number): Stroke {
  const out: Stroke = [];
  for (let k = 0; k <= 40; k++) {
    const a = (2 * Math.PI * k) / 40;
    out.push([cx + r * Math.cos(a), cy + r * Math.sin(a)]);
  }
  return out;
}

describe('sketch geometry', () => {
  it('snaps pixels to grid points (16 px a unit, y up) inside the raster', () => {
    assert.deepEqual(snapToGrid([33, 250]), { x: 2, y: 0 });
    assert.deepEqual(snapToGrid([-20, -20]), { x: 0, y: 16 });
    assert.deepEqual(snapToGrid([100, 100]), { x: 6, y: 10 });
  });

  it('pulls a freehand stroke\'s ends onto nearby grid points and leaves far ends alone', () => {
    const snapped = snapStroke([
      [35, 99],
      [60, 99],
      [90, 99],
      [120, 99],
      [150, 106],
    ]);
    assert.deepEqual(snapped[0], [32, 96]);
    // (150, 106) is 10 px from the nearest grid point (144, 112): not snapped.
    assert.deepEqual(snapped.at(-1), [150, 106]);
    // Interior points far from the ends are unchanged.
    assert.deepEqual(snapped[2], [90, 99]);
    assert.equal(snapStroke([[5, 5], [5, 5]]).length, 1);
  });

  it('makes exact primitives from a drag with a shape tool', () => {
    assert.deepEqual(shapeFromDrag('rectangle', px(6, 2), [30, 190]), { type: 'rectangle', x1: 2, y1: 2, x2: 6, y2: 4 });
    assert.deepEqual(shapeFromDrag('arrow', px(1, 1), [95, 242]), { type: 'line', x1: 1, y1: 1, x2: 6, y2: 1, arrow: true, solid: true });
    assert.deepEqual(shapeFromDrag('dashed', px(1, 1), px(1, 5)), { type: 'line', x1: 1, y1: 1, x2: 1, y2: 5, arrow: false, solid: false });
    assert.deepEqual(shapeFromDrag('circle', px(0, 16), px(0, 16)), { type: 'circle', x: 1, y: 15, r: 1 });
    assert.equal(shapeFromDrag('line', px(3, 3), [50, 206]), undefined);
    assert.equal(shapeFromDrag('rectangle', px(3, 3), px(3, 8)), undefined);
  });

  it('hit-tests the primitive under a click: outlines, circle insides, dashed gaps; not rectangle insides', () => {
    const trace: Trace = [
      { type: 'rectangle', x1: 1, y1: 13, x2: 3, y2: 15 },
      { type: 'circle', x: 2, y: 14, r: 1 },
      { type: 'line', x1: 5, y1: 2, x2: 12, y2: 2, arrow: false, solid: false },
      { type: 'rectangle', x1: 0, y1: 0, x2: 15, y2: 10 },
    ];
    assert.equal(hitTest(trace, px(2, 14)), 1, 'centre of the circle');
    assert.equal(hitTest(trace, [16 + 1, 18]), 0, 'left edge of the small rectangle');
    assert.equal(hitTest(trace, [16 * 8 + 3, 256 - 32 + 2]), 2, 'on the dashed line (any point, gap or dash)');
    assert.equal(hitTest(trace, px(7, 6)), undefined, 'inside the big rectangle, far from its edges');
    assert.equal(hitTest(trace, [2, 200]), 3, 'left edge of the big rectangle');
  });

  it('rasterizes mouse strokes so that inference reads them as the drawn shapes', () => {
    const strokes = [
      strokeThrough([px(2, 3), px(8, 3), px(8, 7), px(2, 7), px(2, 3)]),
      circleStroke(...px(12, 5), 16),
      strokeThrough([px(8, 5), px(11, 5)]),
    ];
    const raster = rasterizeSketch(strokes.map(snapStroke));
    const [best] = inferTracesFromRaster(raster, { top: 3 }).traces;
    const want: Trace = [
      { type: 'rectangle', x1: 2, y1: 3, x2: 8, y2: 7 },
      { type: 'circle', x: 12, y: 5, r: 1 },
      { type: 'line', x1: 8, y1: 5, x2: 11, y2: 5, arrow: false, solid: true },
    ];
    assert.ok(sameTrace(best.primitives, want), `got ${traceKeys(best.primitives).join(' ')}`);
  });

  it('draws exact shapes with the clean renderer', () => {
    const raster = rasterizeSketch([], [{ type: 'rectangle', x1: 2, y1: 2, x2: 6, y2: 4 }]);
    assert.equal(raster.data[(256 - 32) * 256 + 64], 0, 'ink on the bottom edge');
    assert.equal(raster.data[(256 - 48) * 256 + 64], 255, 'paper inside');
  });
});

describe('drawing session', () => {
  it('adds strokes and shapes to the sketch, deletes shapes by clicking, and undoes each step', () => {
    const session = new DrawingSession();
    assert.equal(session.addStroke(strokeThrough([px(1, 1), px(5, 1)])), true);
    assert.equal(session.addShape('circle', px(8, 8), px(8, 8)), true);
    assert.equal(session.addShape('circle', px(8, 8), px(8, 8)), false, 'the same circle twice');
    assert.equal(session.state.strokes.length, 1);
    assert.deepEqual(session.state.shapes, [{ type: 'circle', x: 8, y: 8, r: 1 }]);
    assert.equal(session.deleteAt(px(8, 8)), 0);
    assert.equal(session.state.shapes.length, 0);
    session.clear();
    assert.equal(session.state.strokes.length, 0);
    assert.ok(session.undo());
    assert.ok(session.undo());
    assert.deepEqual(session.state.shapes, [{ type: 'circle', x: 8, y: 8, r: 1 }]);
    assert.ok(session.undo());
    assert.ok(session.undo());
    assert.equal(session.state.strokes.length, 0);
    assert.equal(session.canUndo, false);
    assert.equal(session.undo(), false);
  });

  it('corrects an inferred trace: delete by click, add with a tool, choose an alternative, undo', () => {
    const session = new DrawingSession();
    const best: Trace = [
      { type: 'circle', x: 2, y: 14, r: 1 },
      { type: 'rectangle', x1: 1, y1: 13, x2: 3, y2: 15 },
    ];
    const second: Trace = [{ type: 'rectangle', x1: 1, y1: 13, x2: 3, y2: 15 }];
    session.setInference([
      { primitives: best, score: -1 },
      { primitives: second, score: -2 },
    ]);
    session.resetHistory();
    assert.equal(session.state.mode, 'trace');
    assert.deepEqual(session.state.trace, best);
    assert.equal(session.deleteAt(px(2, 14)), 0);
    assert.deepEqual(session.state.trace, second);
    assert.equal(session.addShape('arrow', px(3, 14), px(6, 14)), true);
    assert.equal(session.state.trace.length, 2);
    assert.equal(session.chooseAlternative(1), true);
    assert.deepEqual(session.state.trace, second);
    assert.equal(session.chooseAlternative(7), false);
    session.undo();
    session.undo();
    session.undo();
    assert.deepEqual(session.state.trace, best);
    assert.equal(session.canUndo, false);
  });
});

describe('inference in a worker thread', () => {
  it('gives the same traces as inference on the calling thread, and stops on abort', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-worker-'));
    try {
      const workerFile = join(dir, 'inferWorker.cjs');
      await build({ entryPoints: ['src/drawings/infer/worker.ts'], bundle: true, platform: 'node', format: 'cjs', outfile: workerFile, logLevel: 'warning' });
      const drawing = drawings().find((d) => d.id === 'expert-68');
      assert.ok(drawing);
      const raster = readRaster(drawing.imagePath);
      const inWorker = await inferInWorker(workerFile, raster, { top: 3 });
      const inline = inferTracesFromRaster(raster, { top: 3 });
      assert.deepEqual(
        inWorker.traces.map((t) => traceKeys(t.primitives)),
        inline.traces.map((t) => traceKeys(t.primitives)),
      );
      assert.ok(sameTrace(inWorker.traces[0].primitives, drawing.primitives));
      // The worker reads with the knobs fitted on all drawings (fittedParams.ts), like the CLI.
      const fitted = inferTracesFromRaster(raster, { top: 3 }, FITTED.all);
      assert.deepEqual(
        inWorker.traces.map((t) => [traceKeys(t.primitives), t.score]),
        fitted.traces.map((t) => [traceKeys(t.primitives), t.score]),
      );
      const controller = new AbortController();
      const pending = inferInWorker(workerFile, raster, { top: 3 });
      const aborted = inferInWorker(workerFile, raster, { top: 3, signal: controller.signal });
      controller.abort(new Error('user cancelled'));
      await assert.rejects(aborted, /user cancelled/);
      assert.equal((await pending).traces.length, 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

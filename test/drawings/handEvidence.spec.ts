import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { barbEvidence, expectedInk } from '../../src/drawings/infer/attributes.js';
import { modelSegments } from '../../src/drawings/infer/candidates.js';
import { buildInkMap } from '../../src/drawings/infer/inkMap.js';
import { HAND_SET_PARAMS } from '../../src/drawings/infer/params.js';
import { renderHandDrawn } from '../../src/drawings/handStyle.js';
import { gridToPixel, renderTrace } from '../../src/drawings/raster.js';
import { strokeStats } from '../../src/drawings/strokeStats.js';
import type { Line, Trace } from '../../src/drawings/trace.js';

describe('arrow heads by shape', () => {
  const ends = (line: Line, withHead: boolean): { head: number; tail: number } => {
    const trace: Trace = [{ ...line, arrow: withHead }, { type: 'rectangle', x1: 9, y1: 2, x2: 12, y2: 5 }];
    const map = buildInkMap(renderTrace(trace), HAND_SET_PARAMS.inkThreshold);
    const clear = expectedInk(trace.flatMap((p) => modelSegments(p, HAND_SET_PARAMS)), 256, 256, HAND_SET_PARAMS.cleanStrokeWidth + 1);
    const a = gridToPixel(line.x1, line.y1);
    const b = gridToPixel(line.x2, line.y2);
    return { head: barbEvidence(map, clear, a.px, a.py, b.px, b.py), tail: barbEvidence(map, clear, b.px, b.py, a.px, a.py) };
  };
  const line: Line = { type: 'line', x1: 4, y1: 3, x2: 9, y2: 3, arrow: true, solid: true };

  it('finds both barbs at the head of an arrow touching a box, and none at its tail', () => {
    const { head, tail } = ends(line, true);
    assert.ok(head >= 0.8, `head ${head}`);
    assert.ok(tail <= 0.2, `tail ${tail}`);
  });

  it('finds no barbs on a plain line', () => {
    const { head, tail } = ends(line, false);
    assert.ok(head <= 0.2 && tail <= 0.2, `${head} ${tail}`);
  });
});

describe('stroke statistics', () => {
  const trace: Trace = [
    { type: 'rectangle', x1: 2, y1: 2, x2: 6, y2: 5 },
    { type: 'line', x1: 6, y1: 4, x2: 10, y2: 4, arrow: false, solid: true },
  ];

  it('a clean rendering has no gaps, rounded corners or stray ink, and the stroke width it was drawn with', () => {
    const s = strokeStats(renderTrace(trace, { strokeWidth: 2.5 }), trace);
    assert.equal(s.gaps, 0);
    assert.equal(s.roundedCorners, 0);
    assert.equal(s.stray, 0);
    assert.ok(s.width > 2 && s.width < 3.5, `width ${s.width}`);
    assert.ok(s.wander < 1, `wander ${s.wander}`);
  });

  it('a hand-style rendering wanders further from the ideal strokes than a clean one', () => {
    const clean = strokeStats(renderTrace(trace), trace);
    const hand = strokeStats(renderHandDrawn(trace, 3), trace);
    assert.ok(hand.wander > clean.wander, `${hand.wander} vs ${clean.wander}`);
  });

  it('counts ink missing along a stroke as gaps', () => {
    const raster = renderTrace(trace);
    const { px, py } = gridToPixel(2, 3.5);
    for (let row = Math.round(py) - 12; row <= Math.round(py) + 12; row++) {
      for (let col = Math.round(px) - 4; col <= Math.round(px) + 4; col++) {
        raster.data[row * raster.width + col] = 255;
      }
    }
    assert.ok(strokeStats(raster, trace).gaps > 0.05);
  });
});

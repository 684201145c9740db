import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_HAND_STYLE, handDrawnSegments, renderHandDrawn, seededRng } from '../../src/drawings/handStyle.js';
import { gridToPixel, inkAt, primitiveSegments, segmentDistance } from '../../src/drawings/raster.js';
import { lineFits, sampleScene } from '../../src/drawings/sampler.js';
import { traceKeys, type Circle, type Line, type Rectangle } from '../../src/drawings/trace.js';

describe('scene sampler', () => {
  it('is deterministic per seed and varies across seeds', () => {
    assert.deepEqual(sampleScene(7), sampleScene(7));
    const distinct = new Set(Array.from({ length: 20 }, (_, i) => traceKeys(sampleScene(i)).join('|')));
    assert.ok(distinct.size >= 18);
  });

  it('keeps to at most 12 objects on the grid, shapes apart, lines attached and crossing nothing', () => {
    let lines = 0;
    let arrows = 0;
    for (let seed = 0; seed < 200; seed++) {
      const scene = sampleScene(seed);
      assert.ok(scene.length >= 1 && scene.length <= 12, `seed ${seed}: ${scene.length} objects`);
      const shapes = scene.filter((p): p is Circle | Rectangle => p.type !== 'line');
      const sceneLines = scene.filter((p): p is Line => p.type === 'line');
      const box = (s: Circle | Rectangle) =>
        s.type === 'circle' ? [s.x - 1, s.y - 1, s.x + 1, s.y + 1] : [s.x1, s.y1, s.x2, s.y2];
      for (let i = 0; i < shapes.length; i++) {
        const [a0, a1, a2, a3] = box(shapes[i]);
        assert.ok(a0 >= 1 && a1 >= 1 && a2 <= 15 && a3 <= 15);
        for (let j = i + 1; j < shapes.length; j++) {
          const [b0, b1, b2, b3] = box(shapes[j]);
          const apart = a2 < b0 || b2 < a0 || a3 < b1 || b3 < a1;
          assert.ok(apart, `seed ${seed}: shapes ${i} and ${j} overlap`);
        }
      }
      for (const [i, l] of sceneLines.entries()) {
        const others = sceneLines.filter((_, j) => j !== i);
        assert.ok(lineFits(l, shapes, others), `seed ${seed}: line ${i} overlaps something`);
        // Both ends sit on some shape's outline.
        for (const [x, y] of [
          [l.x1, l.y1],
          [l.x2, l.y2],
        ]) {
          const { px, py } = gridToPixel(x, y);
          const onOutline = shapes.some((s) => primitiveSegments(s).some((seg) => segmentDistance(px, py, seg) < 0.5));
          assert.ok(onOutline, `seed ${seed}: line end ${x},${y} is not on a shape`);
        }
        lines++;
        arrows += l.arrow ? 1 : 0;
      }
    }
    assert.ok(lines > 100, `enough lines (${lines})`);
    assert.ok(arrows > 0.3 * lines && arrows < 0.8 * lines);
  });
});

describe('hand style', () => {
  it('is deterministic per seed', () => {
    const scene = sampleScene(3);
    assert.deepEqual(renderHandDrawn(scene, 11).data, renderHandDrawn(scene, 11).data);
    assert.notDeepEqual(renderHandDrawn(scene, 11).data, renderHandDrawn(scene, 12).data);
  });

  it('keeps its perturbations within the stated bounds', () => {
    const rng = seededRng(5);
    for (let i = 0; i < 50; i++) {
      const line: Line = { type: 'line', x1: 2, y1: 3, x2: 9, y2: 3 + (i % 5), arrow: false, solid: true };
      const segs = handDrawnSegments(line, rng);
      const ideal = primitiveSegments(line)[0];
      const reach = Math.SQRT2 * DEFAULT_HAND_STYLE.positionJitter + 2 * DEFAULT_HAND_STYLE.wobble;
      for (const s of segs) {
        assert.ok(segmentDistance(s.x1, s.y1, ideal) <= reach + 1e-9);
      }
      const circle = handDrawnSegments({ type: 'circle', x: 7, y: 7, r: 1 }, rng);
      for (const s of circle) {
        const d = Math.hypot(s.x1 - 112, s.y1 - 144);
        const slack = 16 * DEFAULT_HAND_STYLE.sizeJitter + 2 * DEFAULT_HAND_STYLE.wobble + Math.SQRT2 * DEFAULT_HAND_STYLE.positionJitter;
        assert.ok(Math.abs(d - 16) <= slack + 1e-9, `circle point at ${d.toFixed(1)} px`);
      }
    }
  });

  it('scales ink intensity within [0.5, 1.5] and shifts by at most 3 px', () => {
    const trace = [{ type: 'rectangle' as const, x1: 4, y1: 4, x2: 12, y2: 12 }];
    let lightest = 1;
    let darkest = 0;
    for (let seed = 0; seed < 40; seed++) {
      const r = renderHandDrawn(trace, seed, { ...DEFAULT_HAND_STYLE, positionJitter: 0, wobble: 0, grain: 0 });
      const inks = Array.from(r.data, inkAt).filter((v) => v > 0);
      const peak = Math.max(...inks);
      lightest = Math.min(lightest, peak);
      darkest = Math.max(darkest, peak);
      // Left edge of the box: column 64 ± 3 px shift ± half the stroke.
      let left = 256;
      for (let i = 0; i < r.data.length; i++) {
        if (r.data[i] < 200) {
          left = Math.min(left, i % 256);
        }
      }
      assert.ok(Math.abs(left - 64) <= 3 + 2.5, `left edge at ${left}`);
    }
    assert.ok(lightest >= 0.45 && lightest < 0.8, `lightest stroke ${lightest}`);
    assert.equal(darkest, 1);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { programCost } from '../../src/drawings/cost.js';
import { evaluateProgram, translateTrace } from '../../src/drawings/evaluate.js';
import type { LoopStmt, Statement } from '../../src/drawings/program.js';
import { synthesize } from '../../src/drawings/synthesize.js';
import { sameTrace, type Trace } from '../../src/drawings/trace.js';
import { drawings } from './dataset.js';

describe('drawings synthesizer', () => {
  it('redraws all 50 ground-truth traces exactly at no more than the reference cost', async () => {
    const slow: string[] = [];
    const ms: number[] = [];
    for (const d of drawings()) {
      const result = await synthesize(d.primitives, { timeoutMs: 30_000 });
      assert.ok(sameTrace(evaluateProgram(result.program), d.primitives), `${d.id} is not exact`);
      assert.equal(result.cost, programCost(result.program).cost, d.id);
      assert.equal(result.exact, true);
      if (d.reference !== null) {
        assert.ok(result.cost <= d.reference.cost, `${d.id}: cost ${result.cost} > reference ${d.reference.cost}`);
      }
      if (!result.optimal) {
        slow.push(d.id);
      }
      ms.push(result.ms);
    }
    assert.deepEqual(slow, [], 'searches that hit the time limit');
    ms.sort((a, b) => a - b);
    assert.ok(ms[Math.floor(ms.length / 2)] < 1000, `median ${ms[Math.floor(ms.length / 2)]} ms`);
  });

  it('answers in the trace’s own coordinates', async () => {
    const d = drawings().find((x) => x.id === 'expert-68')!;
    const moved = translateTrace(d.primitives, 3, -2);
    const result = await synthesize(moved);
    assert.ok(sameTrace(evaluateProgram(result.program), moved));
    assert.equal(result.cost, d.reference!.cost);
  });

  it('finds loops, reflections and nested grids on small traces', async () => {
    const row = [0, 1, 2].map((i) => ({ type: 'circle' as const, x: 3 * i + 1, y: 1, r: 1 }));
    assert.equal((await synthesize(row)).cost, 6);
    const mirrored = await synthesize([
      { type: 'rectangle', x1: 0, y1: 0, x2: 2, y2: 2 },
      { type: 'rectangle', x1: 8, y1: 0, x2: 10, y2: 2 },
      { type: 'line', x1: 2, y1: 1, x2: 4, y2: 1, arrow: true, solid: true },
      { type: 'line', x1: 8, y1: 1, x2: 6, y2: 1, arrow: true, solid: true },
    ]);
    assert.equal(mirrored.cost, 9);
    assert.ok(mirrored.program.body.some((s) => s.kind === 'reflect'));
  });

  it('handles an empty trace and always falls back to the flat program', async () => {
    const empty = await synthesize([]);
    assert.deepEqual(empty.program.body, []);
    assert.equal(empty.cost, 0);
    const single = await synthesize([{ type: 'line', x1: 0, y1: 0, x2: 0, y2: 4, arrow: false, solid: true }]);
    assert.equal(single.cost, 3);
  });

  it('stops at the time limit with an exact program, and rejects when aborted', async () => {
    const d = drawings().find((x) => x.id === 'expert-80')!;
    const quick = await synthesize(d.primitives, { timeoutMs: 1 });
    assert.ok(sameTrace(evaluateProgram(quick.program), d.primitives));
    assert.equal(quick.optimal, false);
    await assert.rejects(synthesize(d.primitives, { signal: AbortSignal.abort() }));
    const controller = new AbortController();
    const pending = synthesize(d.primitives, { signal: controller.signal });
    setTimeout(() => controller.abort(), 1);
    await assert.rejects(pending);
  });

  it('keeps every loop running from index 0 unless skip-only loops are allowed', async () => {
    const d = drawings().find((x) => x.id === 'expert-24')!;
    const natural = await synthesize(d.primitives);
    const loose = await synthesize(d.primitives, { allowSkipOnlyLoops: true });
    assert.ok(loose.cost < natural.cost);
    assert.ok(sameTrace(evaluateProgram(loose.program), d.primitives));
    const loops = (body: Statement[]): LoopStmt[] =>
      body.flatMap((s) => (s.kind === 'loop' ? [s, ...loops(s.body)] : 'body' in s ? loops(s.body) : []));
    for (const loop of loops(natural.program.body)) {
      assert.ok(loop.body.some((s) => s.kind !== 'if'));
    }
  });

  it('splits a large trace into parts and still redraws it exactly', async () => {
    const grid: Trace = [];
    for (let i = 0; i < 8; i++) {
      for (let j = 0; j < 5; j++) {
        grid.push({ type: 'circle', x: 3 * i + 1, y: 3 * j + 1, r: 1 });
      }
    }
    const result = await synthesize(grid, { timeoutMs: 3000 });
    assert.ok(sameTrace(evaluateProgram(result.program), grid));
    assert.ok(result.cost < 3 * grid.length);
    assert.ok(result.ms < 6000, `${result.ms} ms`);
  });

  it('is deterministic', async () => {
    const d = drawings().find((x) => x.id === 'expert-16')!;
    const a = await synthesize(d.primitives);
    const b = await synthesize([...d.primitives].reverse());
    assert.deepEqual((await synthesize(d.primitives)).program, a.program);
    assert.equal(b.cost, a.cost);
  });
});

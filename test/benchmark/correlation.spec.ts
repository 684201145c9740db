// Correlation of paired scores, and the summary's table of structure parts against judge scores.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { correlate, correlationText, MIN_CORRELATION_N, pearson, ranks, spearman } from '../../benchmark/correlation.js';
import { summarize, type ItemRecord } from '../../benchmark/metrics.js';
import { summaryMarkdown } from '../../benchmark/report.js';

function rec(id: number, structure: number, task: number | null, o: Partial<ItemRecord> = {}): ItemRecord {
  return {
    id,
    repeat: 0,
    library: 'matplotlib',
    code: 'plt.plot(df.x)',
    hasPlot: true,
    error: null,
    wrongLibrary: false,
    timings: { generateMs: 1000, executeMs: 200, judgeMs: 300 },
    usage: { generate: { promptTokens: 1, completionTokens: 1 }, judge: null },
    judgeErrors: [],
    scores: {
      visual: null,
      task,
      pixel: null,
      structure: { chartType: structure, layout: 100, text: structure / 2, data: 100 - structure, color: null, combined: structure, skipped: ['colour: test'] },
    },
    structureError: null,
    ...o,
  };
}

describe('correlation', () => {
  it('computes Pearson and Spearman on known values', () => {
    const x = [1, 2, 3, 4, 5];
    assert.equal(pearson(x, [2, 4, 6, 8, 10]), 1);
    assert.equal(pearson(x, [10, 8, 6, 4, 2]), -1);
    assert.ok(Math.abs(pearson(x, [2, 1, 4, 3, 5])! - 0.8) < 1e-12);
    // Monotone but not linear: Spearman 1, Pearson below 1.
    const cubes = x.map((v) => v ** 3);
    assert.equal(spearman(x, cubes), 1);
    assert.ok(pearson(x, cubes)! < 0.99);
    assert.equal(pearson(x, [3, 3, 3, 3, 3]), null);
  });

  it('gives tied values their average rank', () => {
    assert.deepEqual(ranks([10, 20, 20, 5]), [2, 3.5, 3.5, 1]);
  });

  it('reports n too small below the threshold, and no number for a constant side', () => {
    const few = correlate([
      [1, 2],
      [2, 3],
    ]);
    assert.deepEqual(few, { n: 2, pearson: null, spearman: null });
    assert.match(correlationText(few), new RegExp(`n too small \\(n = 2, at least ${MIN_CORRELATION_N} needed\\)`));
    const flat = correlate(Array.from({ length: 6 }, (_, i) => [i, 50] as const));
    assert.match(correlationText(flat), /undefined: one of the scores does not vary \(n = 6\)/);
  });

  it('summary.md prints each structure part against each judge score with n', () => {
    const records = [rec(1, 0, 10), rec(2, 25, 30), rec(3, 50, 40), rec(4, 75, 80), rec(5, 100, 95), rec(6, 60, null)];
    const summary = summarize(records, { model: 'm', taskVariant: 'full', descriptor: 'head' });
    const byPart = new Map(summary.structure!.judgeCorrelation!.map((c) => [`${c.part}/${c.judge}`, c]));
    assert.equal(byPart.get('chartType/task')!.n, 5);
    assert.equal(byPart.get('chartType/task')!.spearman, 1);
    assert.equal(byPart.get('data/task')!.spearman, -1);
    // Layout is 100 everywhere: no coefficient.
    assert.equal(byPart.get('layout/task')!.pearson, null);
    // Colour was skipped on every run: nothing to pair.
    assert.equal(byPart.get('color/task')!.n, 0);
    assert.equal(byPart.has('chartType/visual'), false);
    const markdown = summaryMarkdown(summary);
    assert.match(markdown, /### Which structure scores track the judge/);
    assert.match(markdown, /\| chart type \| task \| Pearson 0\.9\d\d, Spearman 1\.000 \(n = 5\) \|/);
    assert.match(markdown, /\| colour \| task \| n too small \(n = 0/);
    assert.match(markdown, /\| layout \| task \| undefined: one of the scores does not vary \(n = 5\) \|/);
  });
});

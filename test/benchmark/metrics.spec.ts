import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { effectiveScore, itemRecordSchema, parseResults, readResults, roundTo, summarize, type ItemRecord } from '../../benchmark/metrics.js';

type Overrides = Partial<Omit<ItemRecord, 'scores' | 'timings'>> & {
  scores?: Partial<ItemRecord['scores']>;
  timings?: Partial<ItemRecord['timings']>;
};

function rec(id: number, o: Overrides = {}): ItemRecord {
  const { scores, timings, ...rest } = o;
  return {
    id,
    repeat: 0,
    library: 'matplotlib',
    code: 'import matplotlib.pyplot as plt\nplt.plot(df.x)\nplt.show()',
    hasPlot: true,
    error: null,
    wrongLibrary: false,
    timings: { generateMs: 1000, executeMs: 200, judgeMs: 300, ...timings },
    usage: { generate: { promptTokens: 100, completionTokens: 50 }, judge: { promptTokens: 900, completionTokens: 5 } },
    judgeErrors: [],
    ...rest,
    scores: { visual: 80, task: 90, pixel: 50, ...scores },
  };
}

const meta = { model: 'gpt-x', taskVariant: 'full', descriptor: 'head' };

describe('summarize', () => {
  it('has exactly the summary fields', () => {
    const s = summarize([rec(1)], meta);
    assert.deepEqual(Object.keys(s).sort(), [
      'cachedRuns',
      'descriptor',
      'errorPct',
      'failures',
      'incorrectCodePct',
      'items',
      'judgeErrors',
      'library',
      'model',
      'pixel',
      'repeats',
      'selfDebug',
      'task',
      'taskVariant',
      'timePerItemS',
      'visual',
      'visualCheck',
      'wrongLibrary',
    ]);
    assert.deepEqual(Object.keys(s.visual).sort(), ['goodRatio', 'mean', 'std']);
    assert.equal(s.library, 'matplotlib');
    assert.equal(s.model, 'gpt-x');
  });

  it('scores a missing plot or the wrong library as 0, whatever the judge said', () => {
    const records = [
      rec(1, { scores: { visual: 100, task: 100, pixel: 100 } }),
      rec(2, { hasPlot: false, error: 'NameError: df2', scores: { visual: null, task: null, pixel: null } }),
      rec(3, { wrongLibrary: true, scores: { visual: 90, task: 90, pixel: 90 } }),
      rec(4, { hasPlot: false, scores: { visual: 70, task: 70, pixel: 70 } }),
    ];
    assert.equal(effectiveScore(records[1], 'visual'), 0);
    assert.equal(effectiveScore(records[2], 'task'), 0);
    const s = summarize(records, meta);
    assert.equal(s.visual.mean, 25);
    assert.equal(s.task.mean, 25);
    assert.equal(s.pixel.mean, 25);
    assert.equal(s.visual.goodRatio, 0.25);
    assert.equal(s.incorrectCodePct, 50);
    assert.equal(s.errorPct, 25);
    assert.equal(s.wrongLibrary, 1);
  });

  it('leaves a score no item could get unmeasured, instead of a mean of failures', () => {
    // No ground-truth images: visual and pixel are never scored; the failed item must not make them 0.
    const records = [
      rec(1, { scores: { visual: null, task: 80, pixel: null } }),
      rec(2, { hasPlot: false, error: 'KeyError', scores: { visual: null, task: null, pixel: null } }),
    ];
    const s = summarize(records, meta);
    assert.deepEqual(s.visual, { mean: null, goodRatio: null, std: null });
    assert.deepEqual(s.pixel, { mean: null, goodRatio: null, std: null });
    assert.equal(s.task.mean, 40);
  });

  it('counts "good" as a score of 75 or more', () => {
    const s = summarize(
      [74.9, 75, 80, 10].map((v, i) => rec(i, { scores: { visual: v, task: v, pixel: v } })),
      meta,
    );
    assert.equal(s.visual.goodRatio, 0.5);
  });

  it('excludes judge errors from the means and counts them; unjudged scores are excluded too', () => {
    const records = [
      rec(1, { scores: { visual: 60 } }),
      rec(2, { scores: { visual: null }, judgeErrors: [{ score: 'visual', message: 'no [FINAL SCORE] in the answer' }] }),
      rec(3, { scores: { visual: 90, task: null }, judgeErrors: [{ score: 'task', message: 'HTTP 500 after 3 tries' }] }),
      rec(4, { scores: { visual: 90, pixel: null } }),
    ];
    const s = summarize(records, meta);
    assert.equal(s.visual.mean, 80, 'mean of 60, 90, 90; not (60 + 0 + 90 + 90) / 4');
    assert.equal(s.visual.goodRatio, 0.67);
    assert.equal(s.task.mean, 90);
    assert.equal(s.pixel.mean, 50);
    assert.equal(s.judgeErrors, 2);
    const none = summarize([rec(1, { scores: { visual: null, task: null, pixel: null } })], meta);
    assert.deepEqual(none.visual, { mean: null, goodRatio: null, std: null });
  });

  it('rounds means (not truncates) to one decimal and ratios to two', () => {
    const s = summarize(
      [74.96, 74.96, 74.96].map((v, i) => rec(i, { scores: { visual: v } })),
      meta,
    );
    assert.equal(s.visual.mean, 75, 'int() would say 74');
    const t = summarize(
      [100, 100, 0].map((v, i) => rec(i, { scores: { visual: v } })),
      meta,
    );
    assert.equal(t.visual.mean, 66.7);
    assert.equal(t.visual.goodRatio, 0.67);
    assert.equal(t.visual.std, 47.1);
    assert.equal(roundTo(1.005, 2), 1.01);
    assert.equal(roundTo(2.5, 0), 3);
    assert.equal(roundTo(0.125, 2), 0.13);
  });

  it('averages repeats per item first, then takes mean and std over items', () => {
    const records = [
      rec(1, { repeat: 0, scores: { visual: 100 } }),
      rec(1, { repeat: 1, scores: { visual: 50 } }),
      rec(1, { repeat: 2, scores: { visual: 60 } }),
      rec(2, { repeat: 0, scores: { visual: 20 } }),
      rec(2, { repeat: 1, scores: { visual: null }, judgeErrors: [{ score: 'visual', message: 'unparsable' }] }),
      rec(2, { repeat: 2, hasPlot: false, scores: { visual: null } }),
    ];
    const s = summarize(records, meta);
    assert.equal(s.items, 6, 'items counts item × repeat records');
    assert.equal(s.repeats, 3);
    // item 1: mean 70, good share 1/3; item 2: (20 + 0) / 2 = 10, good share 0.
    assert.equal(s.visual.mean, 40);
    assert.equal(s.visual.std, 30);
    assert.equal(s.visual.goodRatio, 0.17);
    assert.equal(s.incorrectCodePct, 16.7, 'over item × repeat runs');
    assert.equal(s.judgeErrors, 1);
  });

  it('reports generation time per item in seconds and the run metadata', () => {
    const s = summarize(
      [rec(1, { timings: { generateMs: 1500 } }), rec(2, { timings: { generateMs: 2600, executeMs: null, judgeMs: null } })],
      { ...meta, library: 'matplotlib' },
    );
    assert.equal(s.timePerItemS, 2.1);
    assert.equal(s.taskVariant, 'full');
    assert.equal(s.descriptor, 'head');
  });

  it('keeps the last record when a resumed run wrote an item twice', () => {
    const s = summarize([rec(1, { scores: { visual: 10 } }), rec(2), rec(1, { scores: { visual: 30 } })], meta);
    assert.equal(s.items, 2);
    assert.equal(s.repeats, 1);
    assert.equal(s.visual.mean, 55);
  });

  it('refuses to mix libraries unless told which one the summary is for', () => {
    const records = [rec(1), rec(2, { library: 'plotly' })];
    assert.throws(() => summarize(records, meta), /mix libraries/);
    assert.equal(summarize(records, { ...meta, library: 'plotly' }).library, 'plotly');
  });

  it('summarizes nothing without crashing', () => {
    const s = summarize([], meta);
    assert.equal(s.items, 0);
    assert.equal(s.repeats, 0);
    assert.equal(s.incorrectCodePct, 0);
    assert.deepEqual(s.task, { mean: null, goodRatio: null, std: null });
  });
});

describe('readResults', () => {
  const lines = (records: ItemRecord[]): string => records.map((r) => JSON.stringify(r)).join('\n');

  it('reads records and reports a truncated last line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-results-'));
    try {
      const full = JSON.stringify(rec(3));
      const path = join(dir, 'results.jsonl');
      writeFileSync(path, `${lines([rec(1), rec(2)])}\n${full.slice(0, full.length / 2)}`);
      const r = await readResults(path);
      assert.deepEqual(
        r.records.map((x) => x.id),
        [1, 2],
      );
      assert.deepEqual(r.errors, []);
      assert.equal(r.truncatedLastLine?.line, 3);
      assert.ok(r.truncatedLastLine?.text.startsWith('{"id":3'));
      await assert.rejects(readResults(join(dir, 'missing.jsonl')), /ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports bad lines in the middle and invalid records, and keeps the rest', () => {
    const bad = { ...rec(5), hasPlot: 'yes' };
    const text = [JSON.stringify(rec(1)), '{oops', JSON.stringify(bad), '', JSON.stringify(rec(6)), ''].join('\n');
    const r = parseResults(text);
    assert.deepEqual(
      r.records.map((x) => x.id),
      [1, 6],
    );
    assert.equal(r.truncatedLastLine, null);
    assert.deepEqual(
      r.errors.map((e) => e.line),
      [2, 3],
    );
    assert.match(r.errors[0].message, /invalid JSON/);
    assert.match(r.errors[1].message, /hasPlot/);
  });

  it('round-trips a record through its schema', () => {
    const r = rec(9, { error: 'ValueError', judgeErrors: [{ score: 'task', message: 'x' }] });
    assert.deepEqual(itemRecordSchema.parse(JSON.parse(JSON.stringify(r))), r);
    assert.deepEqual(parseResults('').records, []);
  });
});

describe('failures in the summary', () => {
  it('counts every stage, scores generation and execution failures 0 and leaves rendering failures out', () => {
    const records = [
      rec(1),
      rec(2, { hasPlot: false, outcome: 'failed', failure: { stage: 'generation', reason: 'the model request failed: 500' }, scores: { visual: 0, task: 0, pixel: 0 } }),
      rec(3, { hasPlot: false, outcome: 'failed', failure: { stage: 'execution', reason: 'TypeError: x' }, scores: { visual: 0, task: 0, pixel: 0 } }),
      rec(4, { hasPlot: false, outcome: 'failed', failure: { stage: 'rendering', reason: 'timed out' }, scores: { visual: null, task: null, pixel: null } }),
      rec(5, { outcome: 'failed', failure: { stage: 'judging', reason: 'task: unparsable' }, scores: { task: null }, judgeErrors: [{ score: 'task', message: 'unparsable' }] }),
    ];
    const s = summarize(records, meta);
    assert.equal(s.items, 5);
    assert.deepEqual(s.failures, { generation: 1, execution: 1, rendering: 1, judging: 1 });
    assert.equal(s.incorrectCodePct, 40, 'generation and execution failures are incorrect code; the rendering failure is not');
    assert.equal(s.visual.mean, 40, '(80 + 0 + 0 + 80) / 4: the rendering failure is left out');
    assert.equal(s.task.mean, 30, '(90 + 0 + 0) / 3: the judge error and the rendering failure are left out');
  });

  it('keeps cached answers out of the time per item', () => {
    const s = summarize([rec(1, { timings: { generateMs: 2000, executeMs: 1, judgeMs: 1 } }), rec(2, { cached: true, timings: { generateMs: 3, executeMs: 1, judgeMs: 1 } })], meta);
    assert.equal(s.timePerItemS, 2);
    assert.equal(s.cachedRuns, 1);
    const allCached = summarize([rec(1, { cached: true })], meta);
    assert.equal(allCached.timePerItemS, null);
  });

  it('reports the pass rate after each attempt and error types before and after repair', () => {
    const records = [
      rec(1, { attemptErrors: [null] }),
      rec(2, { attemptErrors: ['ValueError', null] }),
      rec(3, { hasPlot: false, attemptErrors: ['TypeError', 'TypeError', 'no figure'] }),
      rec(4, { hasPlot: false, attemptErrors: ['model request failed'] }),
    ];
    const s = summarize(records, meta);
    assert.deepEqual(s.selfDebug?.passAfterAttempt, [25, 50, 50]);
    assert.deepEqual(s.selfDebug?.errorsBefore, { 'model request failed': 1, TypeError: 1, ValueError: 1 });
    assert.deepEqual(s.selfDebug?.errorsAfter, { 'model request failed': 1, 'no figure': 1 });
  });
});

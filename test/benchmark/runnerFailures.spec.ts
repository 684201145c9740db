// Failures never leave the denominator: real PandasPlotBench items from ../shared, real kernels, and a
// mock model that answers some items with 500s, empty answers, no code, a figure whose drawing raises,
// 429s, and a judge that fails. Also: the repair prompt gets the draw-time traceback, resume refuses
// other settings, the cache knows the endpoint, and shards merge into the whole run.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadDataset, type PlotBenchItem } from '../../benchmark/dataset.js';
import { mergeRuns } from '../../benchmark/merge.js';
import { runBenchmark, type BenchmarkOptions, type ResultLine } from '../../benchmark/runner.js';
import { createChatModel } from '../../src/llm/openaiClient.js';
import { startMockOpenAI, type ChatRequestBody, type MockOpenAI, type MockReply } from '../support/mockOpenAI.js';
import { SAMPLE_PATH } from '../support/plotbenchSample.js';
import { isJudgeRequest, PYTHON } from './benchFixtures.js';

const fence = '```';
const answer = (code: string): string => `Here is the code.\n${fence}python\n${code}\n${fence}`;

const GOOD = `import matplotlib.pyplot as plt
num = df.select_dtypes("number")
fig, ax = plt.subplots(figsize=(5, 3))
if num.shape[1] >= 2:
    ax.plot(num.iloc[:, 0], num.iloc[:, 1], "o", ms=2)
elif num.shape[1] == 1:
    ax.hist(num.iloc[:, 0].dropna(), bins=20)
else:
    df.iloc[:, 0].astype(str).value_counts().head(20).plot.bar(ax=ax)
plt.show()`;

// Builds fine, raises only when Matplotlib draws it (a locator where a grid finder belongs).
const DRAW_ERROR = `import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
from mpl_toolkits.axisartist import Axes
from mpl_toolkits.axisartist.grid_helper_curvelinear import GridHelperCurveLinear
helper = GridHelperCurveLinear((lambda x, y: (x, y), lambda x, y: (x, y)), grid_locator1=mticker.MaxNLocator(5))
fig = plt.figure()
ax = fig.add_subplot(1, 1, 1, axes_class=Axes, grid_helper=helper)
ax.plot(df.iloc[:, 0], df.iloc[:, -1])`;

const IDS = { good: 0, serverError: 5, empty: 15, drawError: 20, judgeFails: 40, noCode: 55, rateLimited: 80 } as const;

function text(body: ChatRequestBody): string {
  return (body.messages ?? []).map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content))).join('\n');
}

function lines(outDir: string): ResultLine[] {
  return readFileSync(join(outDir, 'results.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as ResultLine);
}

describe('runBenchmark: every failure is a record', { timeout: 600_000 }, () => {
  let mock: MockOpenAI;
  let otherEndpoint: MockOpenAI;
  let items: PlotBenchItem[];
  let root: string;
  let rateLimited = 0;

  const idOf = (prompt: string): number | undefined => items.find((item) => prompt.includes(item.task__plot_description.trim().slice(0, 80)))?.id;
  const responder = (body: ChatRequestBody): MockReply => {
    const prompt = text(body);
    const id = idOf(prompt);
    if (isJudgeRequest(body)) {
      if (id === IDS.judgeFails) {
        return { status: 500 };
      }
      return { content: 'Matches the task.\nFINAL SCORE: 70' };
    }
    switch (id) {
      case IDS.serverError:
        return { status: 500 };
      case IDS.empty:
        return { content: '' };
      case IDS.noCode:
        return { content: 'I would rather not write code for this.' };
      case IDS.drawError:
        // The repair (it carries the draw-time traceback) gets working code.
        return { content: answer(prompt.includes('MaxNLocator.__call__()') ? GOOD : DRAW_ERROR) };
      case IDS.rateLimited:
        // The first two requests of this item are rate limited; asked again, they are answered.
        if (rateLimited < 2) {
          rateLimited++;
          return { status: 429 };
        }
        return { content: answer(GOOD) };
      default:
        return { content: answer(GOOD) };
    }
  };

  const base = (overrides: Partial<BenchmarkOptions> & { outDir: string }, endpoint = mock): BenchmarkOptions => ({
    dataset: SAMPLE_PATH,
    items,
    ids: Object.values(IDS),
    library: 'matplotlib',
    taskVariant: 'full',
    descriptor: 'head',
    model: createChatModel({ baseUrl: endpoint.baseUrl, apiKey: 'sk-test', model: 'gen-model', maxRetries: 0 }),
    judgeModel: createChatModel({ baseUrl: endpoint.baseUrl, apiKey: 'sk-test', model: 'judge-model', maxRetries: 0 }),
    judges: ['task'],
    concurrency: 4,
    kernels: 2,
    repeats: 2,
    selfDebug: 1,
    timeoutMs: 30_000,
    python: PYTHON,
    memoryLimitMb: 2048,
    rateLimitBackoffMs: 20,
    cacheDir: join(root, 'cache'),
    ...overrides,
  });

  before(async () => {
    items = (await loadDataset(SAMPLE_PATH)).items;
    mock = await startMockOpenAI({ responder });
    otherEndpoint = await startMockOpenAI({ responder });
    root = mkdtempSync(join(tmpdir(), 'pw-bench-fail-'));
  });
  after(async () => {
    await Promise.all([mock.close(), otherEndpoint.close()]);
  });

  const runDir = () => join(root, 'run');
  let result: Awaited<ReturnType<typeof runBenchmark>>;

  it('writes one record per item × repeat, with the stage and reason of each failure', async () => {
    result = await runBenchmark(base({ outDir: runDir() }));
    const records = lines(runDir());
    assert.equal(records.length, Object.keys(IDS).length * 2, 'every item × repeat has a record');
    assert.equal(new Set(records.map((r) => `${r.id}:${r.repeat}`)).size, records.length, 'and only one');
    const byId = (id: number) => records.filter((r) => r.id === id);

    for (const r of byId(IDS.serverError)) {
      assert.equal(r.outcome, 'failed');
      assert.equal(r.failure?.stage, 'generation');
      assert.match(r.failure?.reason ?? '', /model request failed.*500/);
      assert.deepEqual(r.scores, { visual: null, task: 0, pixel: null });
    }
    for (const r of byId(IDS.empty)) {
      assert.equal(r.failure?.stage, 'generation');
      assert.match(r.failure?.reason ?? '', /empty/i);
    }
    for (const r of byId(IDS.noCode)) {
      assert.equal(r.failure?.stage, 'generation');
      assert.deepEqual(r.attemptErrors, ['no code', 'no code']);
    }
    for (const r of byId(IDS.judgeFails)) {
      assert.equal(r.hasPlot, true);
      assert.equal(r.failure?.stage, 'judging');
      assert.equal(r.scores.task, null);
      assert.match(r.judgeErrors[0]?.message ?? '', /judge request failed/);
    }
    for (const r of [...byId(IDS.good), ...byId(IDS.rateLimited)]) {
      assert.equal(r.outcome, 'ok', `item ${r.id}`);
      assert.equal(r.failure, null);
      assert.equal(r.scores.task, 70);
    }
    assert.ok(result.rateLimited >= 2, `429s backed off from: ${result.rateLimited}`);

    const summary = JSON.parse(readFileSync(join(runDir(), 'summary.json'), 'utf8'));
    assert.equal(summary.items, 14, 'items = item × repeat records');
    assert.deepEqual(summary.failures, { generation: 6, execution: 0, rendering: 0, judging: 2 });
    assert.equal(summary.incorrectCodePct, 42.9, '6 of 14 runs without a plot');
    // 8 runs with a plot: 6 scored 70, 2 lost their task score to the judge; 6 failed generations score 0.
    assert.equal(summary.task.mean, 35);
    const md = readFileSync(join(runDir(), 'summary.md'), 'utf8');
    assert.match(md, /failed runs by stage: generation 6, execution 0, rendering 0, judging 2/);
    const html = readFileSync(join(runDir(), 'report.html'), 'utf8');
    assert.match(html, /generation 6, execution 0, rendering 0, judging 2/);
    assert.match(html, /failed at generation/);
  });

  it('gives the repair the traceback of an error raised while the figure was drawn', () => {
    const records = lines(runDir()).filter((r) => r.id === IDS.drawError);
    for (const r of records) {
      assert.equal(r.hasPlot, true, 'the repair drew the plot');
      assert.deepEqual(r.attemptErrors, ['TypeError', null]);
    }
    const repairs = mock.chatRequests().filter((q) => q.body && !isJudgeRequest(q.body) && text(q.body).includes('MaxNLocator.__call__() takes 1 positional argument but 3 were given'));
    assert.ok(repairs.length >= 1, 'a repair prompt carried the draw-time TypeError');
    assert.match(text(repairs[0].body as ChatRequestBody), /Traceback|File /);
  });

  it('reports the pass rate after each attempt and the error types before and after repair', () => {
    const summary = JSON.parse(readFileSync(join(runDir(), 'summary.json'), 'utf8'));
    // Attempt 0: good, draw error ×0, judge-fails and rate-limited items plot (8 of 14 minus 2 draw errors = 6);
    // after the repair the draw-error item plots too.
    assert.deepEqual(summary.selfDebug.passAfterAttempt, [42.9, 57.1]);
    assert.equal(summary.selfDebug.errorsBefore.TypeError, 2);
    assert.equal(summary.selfDebug.errorsAfter.TypeError, undefined);
    assert.equal(summary.selfDebug.errorsAfter['no code'], 2);
    const md = readFileSync(join(runDir(), 'summary.md'), 'utf8');
    assert.match(md, /## Self-debug/);
    assert.match(md, /\| TypeError \| 2 \| 0 \|/);
    assert.match(readFileSync(join(runDir(), 'report.html'), 'utf8'), /<h2>Self-debug<\/h2>/);
  });

  it('--resume refuses other settings and names the difference', async () => {
    await assert.rejects(runBenchmark(base({ outDir: runDir(), resume: true, selfDebug: 0 })), /selfDebug 1 → 0/);
    await assert.rejects(runBenchmark(base({ outDir: runDir(), resume: true }, otherEndpoint)), /endpoint "http:\/\/127\.0\.0\.1:\d+\/v1" → "http:\/\/127\.0\.0\.1:\d+\/v1"/);
    await assert.rejects(runBenchmark(base({ outDir: runDir(), resume: true, ids: [IDS.good] })), /itemIds/);
    const again = await runBenchmark(base({ outDir: runDir(), resume: true }));
    assert.equal(again.written, 0);
  });

  it('marks cached answers and keeps them out of the time per item; another endpoint is another cache entry', async () => {
    const ids = [IDS.good, IDS.drawError];
    const cachedRun = await runBenchmark(base({ outDir: join(root, 'cached'), ids }));
    for (const r of lines(join(root, 'cached'))) {
      assert.equal(r.cached, true, `item ${r.id}`);
    }
    assert.equal(cachedRun.summary.timePerItemS, null);
    assert.equal(cachedRun.summary.cachedRuns, 4);
    const before = otherEndpoint.chatRequests().length;
    await runBenchmark(base({ outDir: join(root, 'other-endpoint'), ids }, otherEndpoint));
    assert.ok(otherEndpoint.chatRequests().length > before, 'the same model on another endpoint was asked');
    assert.ok(lines(join(root, 'other-endpoint')).every((r) => r.cached === false));
  });

  it('shards run disjoint shares that merge into the whole run; other settings do not merge', async () => {
    const shards = [1, 2, 3].map((index) => join(root, `shard-${index}`));
    for (const [i, outDir] of shards.entries()) {
      await runBenchmark(base({ outDir, shard: { index: i + 1, count: 3 } }));
    }
    const counts = shards.map((d) => lines(d).length);
    assert.deepEqual(counts, [6, 4, 4], 'items dealt round-robin, repeats kept together');
    const merged = await mergeRuns(shards, join(root, 'merged'));
    assert.equal(merged.records, 14);
    assert.deepEqual(merged.missing, []);
    const whole = JSON.parse(readFileSync(join(runDir(), 'summary.json'), 'utf8'));
    assert.deepEqual({ ...merged.summary, timePerItemS: null, cachedRuns: 0 }, { ...whole, timePerItemS: null, cachedRuns: 0 });
    await runBenchmark(base({ outDir: join(root, 'odd'), ids: [IDS.good], judges: [] }));
    await assert.rejects(mergeRuns([shards[0], join(root, 'odd')], join(root, 'merged-2')), /other settings.*judges/);
  });
});

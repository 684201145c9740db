// The benchmark runner end to end in-process: real kernels, a mock model and judge over HTTP, a
// small dataset with ground-truth PNGs drawn by Matplotlib.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readResults } from '../../benchmark/metrics.js';
import { renderReportHtml } from '../../benchmark/reportHtml.js';
import { runBenchmark, type BenchmarkOptions, type BenchmarkProgress, type ResultLine } from '../../benchmark/runner.js';
import { createChatModel } from '../../src/llm/openaiClient.js';
import { startMockOpenAI, type MockOpenAI } from '../support/mockOpenAI.js';
import { benchResponder, buildDataset, GOOD_CODE, GT_CODE, isJudgeRequest, mockModels, PYTHON, type FixtureItem } from './benchFixtures.js';

const ITEMS: FixtureItem[] = [
  { id: 1, code: GOOD_CODE, gtCode: GT_CODE },
  { id: 2, code: 'while True:\n    pass', gtCode: GT_CODE },
  { id: 3, code: 'import os\nos._exit(1)', gtCode: GT_CODE },
  { id: 4, code: 'hog = []\nwhile True:\n    hog.append(bytearray(64 * 1024 * 1024))', gtCode: GT_CODE },
  {
    id: 5,
    code: `with open("../escape.txt", "w") as f:\n    f.write("out")\nimport os\nos.environ["PW_LEAK"] = "1"\nimport matplotlib.pyplot as plt\nplt.rcParams["lines.linewidth"] = 9\nsecret = 42\n${GOOD_CODE}`,
    gtCode: GT_CODE,
  },
  { id: 6, code: 'import seaborn as sns\nimport matplotlib.pyplot as plt\nsns.lineplot(data=df, x="x", y="y")\nplt.show()', gtCode: GT_CODE },
  { id: 7, code: GOOD_CODE, gtCode: GT_CODE, taskAnswer: 'Looks fine to me, I would call it quite good.' },
  {
    // Runs after item 5 in the same kernel (concurrency 1): nothing of item 5 may be visible.
    id: 8,
    code:
      'import os, matplotlib\n' +
      'if "secret" in globals() or "PW_LEAK" in os.environ or matplotlib.rcParams["lines.linewidth"] == 9 or os.path.exists("../escape.txt"):\n' +
      '    raise RuntimeError("state leaked from another item")\n' +
      GOOD_CODE,
  },
  // A monkeypatch of a library the kernel keeps loaded: the next item must get a new interpreter.
  { id: 9, code: `import pandas as pd\npd.DataFrame.plot = None\n${GOOD_CODE}` },
  { id: 10, code: 'import matplotlib.pyplot as plt\ndf.plot(x="x", y="y")\nplt.show()' },
];

function lines(outDir: string): ResultLine[] {
  return readFileSync(join(outDir, 'results.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as ResultLine);
}

describe('runBenchmark', { timeout: 600_000 }, () => {
  let mock: MockOpenAI;
  let dataset: string;
  let root: string;
  const base = (overrides: Partial<BenchmarkOptions> & { outDir: string }): BenchmarkOptions => ({
    dataset,
    library: 'matplotlib',
    taskVariant: 'full',
    descriptor: 'head',
    ...mockModels(mock.baseUrl),
    judges: ['visual', 'task'],
    concurrency: 1,
    kernels: 1,
    timeoutMs: 8000,
    python: PYTHON,
    memoryLimitMb: 2048,
    ...overrides,
  });

  before(async () => {
    mock = await startMockOpenAI({ responder: benchResponder(ITEMS) });
    dataset = buildDataset(ITEMS);
    root = mkdtempSync(join(tmpdir(), 'pw-bench-run-'));
  });
  after(async () => {
    await mock.close();
  });

  let first: Awaited<ReturnType<typeof runBenchmark>>;
  const firstOut = () => join(root, 'first');

  it('runs every item in isolation and writes results, summary and plots', async () => {
    const progress: BenchmarkProgress[] = [];
    first = await runBenchmark(base({ outDir: firstOut() }), { onProgress: (p) => progress.push(p) });
    const byId = new Map(lines(firstOut()).map((r) => [r.id, r]));
    assert.equal(byId.size, ITEMS.length);
    assert.equal(first.written, ITEMS.length);
    // Every run has its record; the failed ones say where they failed.
    assert.deepEqual(
      first.failures.map((f) => [f.id, f.stage]),
      [
        [2, 'execution'],
        [3, 'execution'],
        [4, 'execution'],
        [7, 'judging'],
      ],
    );
    assert.deepEqual(first.summary.failures, { generation: 0, execution: 3, rendering: 0, judging: 1 });

    const good = byId.get(1)!;
    assert.equal(good.hasPlot, true);
    assert.equal(good.error, null);
    assert.deepEqual({ visual: good.scores.visual, task: good.scores.task }, { visual: 80, task: 90 });
    assert.ok(good.scores.pixel !== null && good.scores.pixel > 50, `pixel ${good.scores.pixel}`);
    assert.ok(existsSync(join(firstOut(), 'plots', '1-0.png')));
    assert.ok(existsSync(join(firstOut(), 'gt', '1.png')));

    assert.match(byId.get(2)!.error ?? '', /TimeoutError/);
    assert.match(byId.get(3)!.error ?? '', /KernelDied/);
    assert.match(byId.get(4)!.error ?? '', /MemoryError/);
    for (const id of [2, 3, 4]) {
      const r = byId.get(id)!;
      assert.equal(r.hasPlot, false, `item ${id}`);
      assert.deepEqual(r.scores, { visual: 0, task: 0, pixel: 0 }, `item ${id}`);
    }

    const escaper = byId.get(5)!;
    assert.equal(escaper.hasPlot, true);
    // Items run in a temporary folder, removed afterwards: nothing of theirs lands in the results folder.
    assert.equal(existsSync(join(firstOut(), 'work')), false);
    assert.equal(existsSync(join(firstOut(), 'escape.txt')), false);
    const run = JSON.parse(readFileSync(join(firstOut(), 'run.json'), 'utf8')) as { containment: { hiddenPaths: string[] } };
    assert.ok(run.containment.hiddenPaths.includes(firstOut()), JSON.stringify(run.containment));

    const wrong = byId.get(6)!;
    assert.equal(wrong.wrongLibrary, true);
    assert.deepEqual(wrong.scores, { visual: 0, task: 0, pixel: 0 });

    const unparsable = byId.get(7)!;
    assert.equal(unparsable.scores.task, null);
    assert.equal(unparsable.scores.visual, 80);
    assert.equal(unparsable.judgeErrors.length, 1);
    assert.equal(unparsable.judgeErrors[0].score, 'task');
    assert.match(unparsable.judgeErrors[0].message, /unparsable/);

    const after5 = byId.get(8)!;
    assert.equal(after5.error, null, 'item 8 saw no state of item 5');
    assert.equal(after5.hasPlot, true);
    assert.equal(after5.scores.visual, null, 'no ground truth: visual skipped');
    assert.equal(after5.scores.pixel, null);
    assert.equal(after5.scores.task, 90);
    assert.equal(byId.get(9)!.hasPlot, true);
    const afterPatch = byId.get(10)!;
    assert.equal(afterPatch.error, null, 'the patched pandas did not reach item 10');
    assert.equal(afterPatch.hasPlot, true);

    // Means over items (no plot / wrong library count 0, judge errors and skipped scores are left out).
    const summary = JSON.parse(readFileSync(join(firstOut(), 'summary.json'), 'utf8'));
    assert.deepEqual(summary, first.summary);
    assert.equal(summary.items, 10);
    assert.equal(summary.incorrectCodePct, 30);
    assert.equal(summary.wrongLibrary, 1);
    assert.equal(summary.judgeErrors, 1);
    assert.equal(summary.visual.mean, 34.3); // (80 + 80 + 80) / 7
    assert.equal(summary.task.mean, 50); // 5 × 90 / 9 (item 7's task score is a judge error)
    assert.equal(summary.visual.goodRatio, 0.43);
    const md = readFileSync(join(firstOut(), 'summary.md'), 'utf8');
    assert.match(md, /34\.3/);
    assert.match(md, /judge errors \(excluded from the means\): 1/);

    const last = progress[progress.length - 1];
    assert.equal(last.done, 10);
    assert.equal(last.total, 10);
  });

  it('renders a self-contained HTML report of the folder', () => {
    const html = renderReportHtml(firstOut());
    assert.match(html, /<img src="data:image\/png;base64,/);
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//);
    assert.match(html, /nonce="\{\{nonce\}\}"/);
    assert.equal((html.match(/<tr class="item"/g) ?? []).length, 10);
    assert.match(html, /MemoryError/);
  });

  it('--resume skips finished items and asks nothing', async () => {
    const before = mock.chatRequests().length;
    const again = await runBenchmark(base({ outDir: firstOut(), resume: true }));
    assert.equal(again.written, 0);
    assert.equal(mock.chatRequests().length, before);
    assert.equal(lines(firstOut()).length, ITEMS.length);
    assert.deepEqual(again.summary, first.summary);
  });

  it('refuses to append to a finished folder without --resume', async () => {
    await assert.rejects(runBenchmark(base({ outDir: firstOut() })), /--resume/);
  });

  it('a rerun into a new folder is answered from the cache: no model requests, same numbers', async () => {
    const before = mock.chatRequests().length;
    const rerun = await runBenchmark(base({ outDir: join(root, 'rerun'), ids: [1, 6, 7, 8] }));
    assert.equal(mock.chatRequests().length, before, 'no request reached the mock');
    const byId = new Map(lines(join(root, 'rerun')).map((r) => [r.id, r]));
    for (const id of [1, 6, 7, 8]) {
      const a = lines(firstOut()).find((r) => r.id === id)!;
      assert.deepEqual(byId.get(id)!.scores, a.scores, `item ${id}`);
    }
    assert.equal(rerun.summary.items, 4);
  });

  it('a dead judge endpoint gives judge errors, and the run completes', async () => {
    const dead = createChatModel({ baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-test', model: 'judge-model', maxRetries: 0 });
    const out = join(root, 'dead-judge');
    const result = await runBenchmark(base({ outDir: out, ids: [1, 8], judgeModel: dead, cacheDir: null }));
    assert.equal(result.written, 2);
    const r1 = lines(out).find((r) => r.id === 1)!;
    assert.equal(r1.hasPlot, true);
    assert.equal(r1.judgeErrors.length, 2);
    assert.match(r1.judgeErrors[0].message, /judge request failed/);
    assert.deepEqual([r1.scores.visual, r1.scores.task], [null, null]);
    assert.ok(r1.scores.pixel !== null, 'the pixel score needs no judge');
    assert.equal(result.summary.judgeErrors, 3);
    assert.equal(result.summary.visual.mean, null);
  });

  it('sends the judge PNG data URLs at temperature 0', () => {
    const judged = mock.chatRequests().filter((r) => r.body && isJudgeRequest(r.body));
    assert.ok(judged.length > 0);
    for (const request of judged) {
      assert.equal(request.body?.model, 'judge-model');
      assert.equal(request.body?.temperature, 0);
      const parts = request.body?.messages?.[0].content as Array<{ type: string; image_url?: { url: string } }>;
      assert.ok(parts.some((p) => p.image_url?.url.startsWith('data:image/png;base64,')));
    }
  });

  it('reads back as valid records', async () => {
    const read = await readResults(join(firstOut(), 'results.jsonl'));
    assert.equal(read.errors.length, 0);
    assert.equal(read.records.length, 10);
    assert.ok(readdirSync(join(firstOut(), 'plots')).length >= 4);
  });
});

// --judge-repeats: every score is asked of the judge R times; the record keeps each score, their mean
// and spread, and the response cache keeps the R answers apart (a rerun gets the same R scores back
// without asking anyone).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { judgeSpread } from '../../benchmark/grader.js';
import { runBenchmark, type BenchmarkOptions } from '../../benchmark/runner.js';
import { startMockOpenAI, type MockOpenAI } from '../support/mockOpenAI.js';
import { benchResponder, buildDataset, GOOD_CODE, GT_CODE, isJudgeRequest, mockModels, PYTHON, readRecords, type FixtureItem } from './benchFixtures.js';

const ITEMS: FixtureItem[] = [
  { id: 1, code: GOOD_CODE, gtCode: GT_CODE },
  { id: 2, code: GOOD_CODE, gtCode: GT_CODE },
];
const TASK_SCORES = [60, 70, 90];


describe('judge spread', () => {
  it('is the mean, population stdev and range of the repeats that parsed', () => {
    assert.deepEqual(judgeSpread([60, 70, 90]), { mean: 73.3, stdev: 12.5, range: 30 });
    assert.deepEqual(judgeSpread([80, null, 80]), { mean: 80, stdev: 0, range: 0 });
    assert.deepEqual(judgeSpread([null, null]), { mean: null, stdev: null, range: null });
  });
});

describe('runBenchmark --judge-repeats', { timeout: 300_000 }, () => {
  let mock: MockOpenAI;
  let dataset: string;
  const root = mkdtempSync(join(tmpdir(), 'pw-judge-repeats-'));
  const cacheDir = join(root, 'cache');
  let taskAsks = 0;

  const options = (outDir: string): BenchmarkOptions => ({
    dataset,
    library: 'matplotlib',
    taskVariant: 'full',
    descriptor: 'head',
    ...mockModels(mock.baseUrl),
    judges: ['visual', 'task'],
    judgeRepeats: 3,
    // One request at a time: an item's three task asks get three consecutive answers.
    concurrency: 1,
    kernels: 1,
    timeoutMs: 30_000,
    python: PYTHON,
    outDir,
    cacheDir,
  });

  before(async () => {
    const base = benchResponder(ITEMS, { visualScore: 80 });
    mock = await startMockOpenAI({
      responder: (body, request) => {
        const text = JSON.stringify(body.messages);
        if (isJudgeRequest(body) && !text.includes('REFERENCE chart')) {
          return { content: `Fine.\nFINAL SCORE: ${TASK_SCORES[taskAsks++ % TASK_SCORES.length]}` };
        }
        return base(body, request);
      },
    });
    dataset = buildDataset(ITEMS);
  });
  after(async () => {
    await mock?.close();
  });

  it('records each score, their mean and spread, and the summary shows the mean spread', async () => {
    const outDir = join(root, 'first');
    const { summary } = await runBenchmark(options(outDir));
    assert.equal(taskAsks, 6);
    for (const record of readRecords(outDir)) {
      const task = record.judgeRepeats!.task!;
      assert.deepEqual([...task.scores].sort(), [60, 70, 90], `item ${record.id}`);
      assert.deepEqual({ mean: task.mean, stdev: task.stdev, range: task.range }, { mean: 73.3, stdev: 12.5, range: 30 });
      assert.equal(record.scores.task, 73.3);
      assert.deepEqual(record.judgeRepeats!.visual, { scores: [80, 80, 80], mean: 80, stdev: 0, range: 0 });
    }
    assert.deepEqual(summary.judgeSpread, { visual: { n: 2, meanStdev: 0, meanRange: 0 }, task: { n: 2, meanStdev: 12.5, meanRange: 30 } });
    const markdown = readFileSync(join(outDir, 'summary.md'), 'utf8');
    assert.match(markdown, /- task judge asked repeatedly: mean spread per run 12\.5 \(stdev\), 30\.0 \(max − min\) over 2 run\(s\)/);
    const run = JSON.parse(readFileSync(join(outDir, 'run.json'), 'utf8')) as { judgeRepeats?: number };
    assert.equal(run.judgeRepeats, 3);
  });

  it('gets the same three scores back from the cache on a rerun, without asking the judge', async () => {
    const outDir = join(root, 'rerun');
    const before = mock.chatRequests().length;
    await runBenchmark(options(outDir));
    assert.equal(mock.chatRequests().length, before, 'the rerun asked the model or the judge again');
    for (const record of readRecords(outDir)) {
      assert.deepEqual([...record.judgeRepeats!.task!.scores].sort(), [60, 70, 90], `item ${record.id}`);
    }
  });
});

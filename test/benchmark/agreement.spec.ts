// `bench agreement`: correlation between two judges' results folders, or a folder and human scores
// in a CSV, matched by item id (and repeat); every mismatch is one clear sentence.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { agreement, agreementMarkdown, AgreementError } from '../../benchmark/agreement.js';
import { pearson, spearman } from '../../benchmark/correlation.js';
import type { ItemRecord } from '../../benchmark/metrics.js';
import { runBenchCommand } from '../../src/cli/benchCommand.js';
import { UsageError } from '../../src/cli/usageError.js';

const root = mkdtempSync(join(tmpdir(), 'pw-agreement-'));

function rec(id: number, repeat: number, scores: Partial<ItemRecord['scores']>, o: Partial<ItemRecord> = {}): ItemRecord {
  return {
    id,
    repeat,
    library: 'matplotlib',
    code: `plot ${id}`,
    hasPlot: true,
    error: null,
    wrongLibrary: false,
    timings: { generateMs: 1, executeMs: 1, judgeMs: 1 },
    usage: { generate: { promptTokens: 1, completionTokens: 1 }, judge: null },
    judgeErrors: [],
    scores: { visual: null, task: null, pixel: null, ...scores },
    ...o,
  };
}

function folder(name: string, records: ItemRecord[], datasetHash = 'abc'): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'results.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  writeFileSync(join(dir, 'run.json'), JSON.stringify({ datasetHash }));
  return dir;
}

const A_TASK = [10, 20, 30, 40, 50, 60];
const B_TASK = [15, 25, 20, 45, 55, 70];

const judgeA = folder('judge-a', [
  ...A_TASK.map((task, i) => rec(i + 1, 0, { task, visual: 50 + i })),
  rec(7, 0, { task: 0, visual: 0 }, { hasPlot: false }),
  rec(1, 1, { task: 99 }),
]);
const judgeB = folder('judge-b', [...B_TASK.map((task, i) => rec(i + 1, 0, { task })), rec(7, 0, { task: 0 }, { hasPlot: false })]);

function assertError(run: () => unknown, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => error instanceof AgreementError && pattern.test(error.message) && !error.message.includes('\n'));
}

describe('bench agreement', () => {
  it('correlates the scores two folders share, matched by id and repeat, runs without a plot left out', () => {
    const result = agreement(judgeA, judgeB);
    assert.equal(result.matchedBy, 'id and repeat');
    assert.deepEqual(
      result.rows.map((r) => r.score),
      ['task'],
    );
    const task = result.rows[0]!;
    assert.equal(task.n, 6);
    assert.equal(task.pearson, Math.round(pearson(A_TASK, B_TASK)! * 1000) / 1000);
    assert.equal(task.spearman, Math.round(spearman(A_TASK, B_TASK)! * 1000) / 1000);
    assert.match(agreementMarkdown(result), /\| task \| 6 \| 0\.9\d\d \| 0\.9\d\d \|/);
  });

  it('compares a folder with human scores in a CSV, averaging the repeats of an item', () => {
    const repeated = folder('repeated', [...A_TASK.flatMap((task, i) => [rec(i + 1, 0, { task }), rec(i + 1, 1, { task: task + 10 })])]);
    const csv = join(root, 'human.csv');
    writeFileSync(csv, 'id,score\n' + B_TASK.map((score, i) => `${i + 1},${score}`).join('\n') + '\n');
    const result = agreement(repeated, csv);
    assert.equal(result.matchedBy, 'id');
    const task = result.rows.find((r) => r.score === 'task')!;
    assert.equal(task.n, 6);
    // Averaged repeats are A_TASK + 5: the same correlation as A_TASK.
    assert.equal(task.pearson, Math.round(pearson(A_TASK, B_TASK)! * 1000) / 1000);
    const byRepeat = join(root, 'human-repeat.csv');
    writeFileSync(byRepeat, A_TASK.map((_, i) => `${i + 1},1,${B_TASK[i]}`).join('\n'));
    const second = agreement(repeated, byRepeat);
    assert.equal(second.matchedBy, 'id and repeat');
    assert.equal(second.rows.find((r) => r.score === 'task')!.n, 6);
  });

  it('says "n too small" below five pairs', () => {
    const csv = join(root, 'few.csv');
    writeFileSync(csv, '1,10\n2,30\n');
    const result = agreement(judgeA, csv);
    assert.equal(result.rows.find((r) => r.score === 'task')!.n, 2);
    assert.match(agreementMarkdown(result), /\| task \| 2 \| n too small \| n too small \|/);
  });

  it('explains missing files and mismatches in one sentence', () => {
    assertError(() => agreement(join(root, 'nowhere'), judgeB), /^A \(.*nowhere\) does not exist$/);
    assertError(() => agreement(judgeA, join(root, 'nowhere')), /^B \(.*nowhere\) does not exist$/);
    const empty = join(root, 'empty');
    mkdirSync(empty, { recursive: true });
    assertError(() => agreement(empty, judgeB), /holds no results\.jsonl: give a results folder of `plotwright bench`$/);
    const bad = join(root, 'bad.csv');
    writeFileSync(bad, 'id,score\n1,10\n2,high\n');
    assertError(() => agreement(judgeA, bad), /bad\.csv line 3: expected id,score with a whole-number id and a score from 0 to 100, got '2,high'$/);
    const duplicate = join(root, 'duplicate.csv');
    writeFileSync(duplicate, '1,10\n1,20\n');
    assertError(() => agreement(judgeA, duplicate), /line 2: item 1 has a score already$/);
    const strangers = join(root, 'strangers.csv');
    writeFileSync(strangers, '100,10\n101,20\n');
    assertError(() => agreement(judgeA, strangers), /no item of .* is in .*: the CSV's ids must be item ids of that run$/);
    const otherData = folder('other-data', [rec(1, 0, { task: 10 })], 'def');
    assertError(() => agreement(judgeA, otherData), /run on different items \(dataset hash abc against def\)/);
    const otherPlots = folder('other-plots', A_TASK.map((task, i) => rec(i + 1, 0, { task }, { code: 'something else' })));
    assertError(() => agreement(judgeA, otherPlots), /different code: they judged different plots/);
  });

  it('runs from the CLI: a table on stdout, an error as one line and exit 1, a usage error for wrong arguments', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const log = console.log;
    const error = console.error;
    console.log = (text: string) => out.push(text);
    console.error = (text: string) => err.push(text);
    try {
      assert.equal(await runBenchCommand(['agreement', judgeA, judgeB]), 0);
      assert.equal(await runBenchCommand(['agreement', judgeA, join(root, 'nowhere')]), 1);
    } finally {
      console.log = log;
      console.error = error;
    }
    assert.match(out.join('\n'), /\| task \| 6 \|/);
    assert.deepEqual(err.length, 1);
    assert.match(err[0]!, /^plotwright bench agreement: B \(.*\) does not exist$/);
    await assert.rejects(runBenchCommand(['agreement', judgeA]), (e: unknown) => e instanceof UsageError && /needs two arguments/.test(e.message));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Summary } from '../../benchmark/metrics.js';
import { compareTable, summaryMarkdown } from '../../benchmark/report.js';

function summary(o: Partial<Summary> = {}): Summary {
  return {
    items: 175,
    repeats: 1,
    library: 'matplotlib',
    taskVariant: 'full',
    descriptor: 'head',
    model: 'gpt-4o',
    incorrectCodePct: 3.4,
    errorPct: 4,
    wrongLibrary: 2,
    timePerItemS: 6.25,
    visual: { mean: 72.5, goodRatio: 0.61, std: 25.3 },
    task: { mean: 89, goodRatio: 0.9, std: 12 },
    pixel: { mean: 41.2, goodRatio: 0.1, std: 20.1 },
    judgeErrors: 1,
    ...o,
  };
}

function tableRows(md: string): string[][] {
  return md
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) =>
      l
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
}

describe('summaryMarkdown', () => {
  it('puts the run in a paper-style row and lists the details', () => {
    const md = summaryMarkdown(summary());
    const rows = tableRows(md);
    assert.deepEqual(rows[0], [
      'model',
      'library',
      'task variant',
      'descriptor',
      'incorrect code, %',
      'visual mean',
      'visual good',
      'task mean',
      'task good',
      'pixel mean',
      'pixel good',
    ]);
    assert.deepEqual(rows[2], ['gpt-4o', 'matplotlib', 'full', 'head', '3.4', '72.5', '0.61', '89.0', '0.90', '41.2', '0.10']);
    assert.ok(md.includes('| visual | 72.5 | 25.3 | 0.61 |'));
    assert.match(md, /items: 175, repeats: 1/);
    assert.match(md, /code that raised: 4\.0 %; wrong library: 2/);
    assert.match(md, /generation time per item: 6\.3 s/);
    assert.match(md, /judge errors \(excluded from the means\): 1/);
  });

  it('shows a dash for a score that was not recorded, and escapes pipes', () => {
    const md = summaryMarkdown(summary({ model: 'a|b', task: { mean: null, goodRatio: null, std: null } }), { title: 'Run 7' });
    assert.ok(md.startsWith('# Run 7\n'));
    const row = tableRows(md)[2];
    assert.equal(row[0], 'a\\|b');
    assert.deepEqual(row.slice(7, 9), ['–', '–']);
  });
});

describe('compareTable', () => {
  it('Table I: model rows grouped by library', () => {
    const runs = [
      summary({ model: 'gpt-4o', library: 'matplotlib' }),
      summary({ model: 'gpt-4o', library: 'plotly', incorrectCodePct: 10 }),
      summary({ model: 'llama', library: 'matplotlib' }),
      summary({ model: 'llama', library: 'plotly' }),
    ];
    const rows = tableRows(compareTable(runs, 'model'));
    assert.deepEqual(rows[0].slice(0, 3), ['library', 'model', 'incorrect code, %']);
    assert.equal(rows[0].at(-1), 'judge errors');
    assert.deepEqual(
      rows.slice(2).map((r) => [r[0], r[1]]),
      [
        ['matplotlib', 'gpt-4o'],
        ['matplotlib', 'llama'],
        ['plotly', 'gpt-4o'],
        ['plotly', 'llama'],
      ],
    );
    assert.equal(rows[4][2], '10.0');
    assert.match(rows[1][2], /^-+:$/, 'numbers are right-aligned');
  });

  it('Table II/III: one row per task variant or descriptor, no constant columns', () => {
    const variants = ['full', 'no-style', 'short', 'single', 'none'].map((taskVariant) => summary({ taskVariant }));
    const rows = tableRows(compareTable(variants, 'taskVariant'));
    assert.equal(rows[0][0], 'task variant');
    assert.equal(rows[0][1], 'incorrect code, %');
    assert.deepEqual(
      rows.slice(2).map((r) => r[0]),
      ['full', 'no-style', 'short', 'single', 'none'],
    );
    const descriptors = compareTable([summary({ descriptor: 'head' }), summary({ descriptor: 'none' })], 'descriptor');
    assert.equal(tableRows(descriptors)[0][0], 'descriptor');
    assert.equal(tableRows(descriptors).length, 4);
  });
});

describe('failures and self-debug in the tables', () => {
  const failures = { generation: 3, execution: 2, rendering: 1, judging: 0 };
  const selfDebug = { passAfterAttempt: [77.7, 97.7], errorsBefore: { ValueError: 8, 'no figure': 2 }, errorsAfter: { ValueError: 1 } };

  it('summary.md counts failures by stage and shows the self-debug tables', () => {
    const md = summaryMarkdown(summary({ failures, selfDebug }));
    assert.match(md, /failed runs by stage: generation 3, execution 2, rendering 1, judging 0/);
    assert.match(md, /\| run \| plot after attempt 0, % \| plot after attempt 1, % \|/);
    assert.match(md, /\| gpt-4o · matplotlib \| 77\.7 \| 97\.7 \|/);
    assert.match(md, /\| gpt-4o · matplotlib \| ValueError \| 8 \| 1 \|/);
    assert.match(md, /\| gpt-4o · matplotlib \| no figure \| 2 \| 0 \|/);
    assert.doesNotMatch(summaryMarkdown(summary({ failures, selfDebug: { passAfterAttempt: [90], errorsBefore: {}, errorsAfter: {} } })), /Self-debug/);
  });

  it('compare tables carry the runs and failures of each row, and a self-debug table per run', () => {
    const md = compareTable([summary({ library: 'matplotlib', failures, selfDebug }), summary({ library: 'plotly', failures: { ...failures, generation: 0 }, selfDebug })], 'library');
    const rows = tableRows(md.split('## Self-debug')[0]);
    assert.deepEqual(rows[0].slice(-3), ['runs', 'failed (gen/exec/render/judge)', 'judge errors']);
    assert.deepEqual(rows[2].slice(-3), ['175', '3/2/1/0', '1']);
    assert.deepEqual(rows[3].slice(-3), ['175', '0/2/1/0', '1']);
    assert.match(md, /\| plotly \| 77\.7 \| 97\.7 \|/);
    assert.match(md, /\| matplotlib \| ValueError \| 8 \| 1 \|/);
  });
});


// The palette's pure pieces: run and comparison folder names and listing, progress and headline
// texts, id lists, and the report pages (a run's and a comparison's) in both forms.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compareMarkdown } from '../../benchmark/compare.js';
import { readCompareFolder, renderFolderReportHtml } from '../../benchmark/compareReport.js';
import type { ItemRecord, Summary } from '../../benchmark/metrics.js';
import { compareRows, compareTable, variedDimension } from '../../benchmark/report.js';
import { renderReportHtml } from '../../benchmark/reportHtml.js';
import { compareCellDirs, compareFolderName, isCompareFolder, isPartialCompare, isRunFolder, listRunFolders, runFolderName } from '../../benchmark/runFolders.js';
import { compareHeadline, compareProgressText, formatDuration, headline, parseIdList, progressText } from '../../benchmark/runText.js';

const SUMMARY: Summary = {
  items: 3,
  repeats: 1,
  library: 'seaborn',
  taskVariant: 'full',
  descriptor: 'head',
  model: 'mock-model',
  incorrectCodePct: 33.3333,
  errorPct: 33.3,
  wrongLibrary: 0,
  timePerItemS: 1.25,
  visual: { mean: 53.33, goodRatio: 0.67, std: 37.7 },
  task: { mean: 60, goodRatio: 0.67, std: 42.4 },
  pixel: { mean: null, goodRatio: null, std: null },
  judgeErrors: 1,
};

const WEBVIEW = {
  cspSource: 'https://webview.test',
  styleUri: 'https://webview.test/media/report.css',
  scriptUri: 'https://webview.test/media/report.js',
  imageUri: (p: string) => `https://webview.test/results/${p}`,
};

function record(id: number, extra: Partial<ItemRecord> & Record<string, unknown> = {}): ItemRecord & Record<string, unknown> {
  return {
    id,
    repeat: 0,
    library: 'seaborn',
    code: `print(${id})`,
    hasPlot: true,
    error: null,
    wrongLibrary: false,
    timings: { generateMs: 10, executeMs: 20, judgeMs: 5 },
    usage: { generate: { promptTokens: 1, completionTokens: 1 }, judge: null },
    scores: { visual: 80, task: 90, pixel: 50 },
    judgeErrors: [],
    ...extra,
  };
}

function runFolder(root: string, name: string, mtime: number, summary?: Summary): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'results.jsonl'), '');
  utimesSync(join(dir, 'results.jsonl'), mtime, mtime);
  if (summary) {
    writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary));
    utimesSync(join(dir, 'summary.json'), mtime, mtime);
  }
  return dir;
}

describe('run folders', () => {
  it('names a new run by time, model and library, safely', () => {
    assert.equal(runFolderName(new Date('2026-11-24T06:10:05.123Z'), 'openai/gpt-4o mini', 'seaborn'), '2026-11-24T06-10-05-openai-gpt-4o-mini-seaborn');
    assert.equal(runFolderName(new Date('2026-01-02T03:04:05Z'), '///', 'plotly'), '2026-01-02T03-04-05-model-plotly');
  });

  it('lists runs newest first, with their summaries, one level of sub-folders deep, skipping the cache', () => {
    const root = mkdtempSync(join(tmpdir(), 'pw-runs-'));
    runFolder(root, 'old', 1_000);
    runFolder(root, 'new', 3_000, SUMMARY);
    runFolder(join(root, 'grid'), 'matplotlib', 2_000);
    runFolder(root, '.plotwright-cache', 4_000);
    mkdirSync(join(root, 'empty'));
    const runs = listRunFolders(root);
    assert.deepEqual(
      runs.map((r) => r.name),
      ['new', 'grid/matplotlib', 'old'],
    );
    assert.equal(runs[0].summary?.model, 'mock-model');
    assert.equal(runs[1].summary, undefined);
    assert.equal(isRunFolder(join(root, 'empty')), false);
    assert.deepEqual(listRunFolders(join(root, 'missing')), []);
  });
});

describe('run texts', () => {
  it('shows items done of total and the ETA', () => {
    const base = { done: 2, total: 10, skipped: 0, failed: 0, elapsedMs: 5_000, etaMs: 65_000 };
    assert.equal(progressText({ ...base, etaMs: null, message: 'starting 2 kernel(s)' }), '2/10 items · starting 2 kernel(s)');
    const item = { id: 7, repeat: 0, hasPlot: false, wrongLibrary: false, scores: { visual: 0, task: 0, pixel: 0 }, judgeErrors: 0 };
    assert.equal(progressText({ ...base, item }), '2/10 items · ETA 1:05 · item 7: no plot');
    assert.equal(
      progressText({ ...base, failed: 1, item: { ...item, hasPlot: false, failure: 'generation: the model request failed' } }),
      '2/10 items · ETA 1:05 · 1 failed · item 7: failed at generation',
    );
    assert.equal(formatDuration(3_725_000), '1:02:05');
  });

  it('puts the headline numbers in one line, rounded', () => {
    assert.equal(headline(SUMMARY), '3 items · no plot 33.3 % · visual 53.3 · task 60.0 · pixel – · judge errors 1');
    assert.match(headline({ ...SUMMARY, items: 1, repeats: 2, wrongLibrary: 1, judgeErrors: 0 }), /^1 run \(repeats 2\) · .* · wrong library 1$/);
  });

  it('reads id lists', () => {
    assert.deepEqual(parseIdList('3, 7,12 7'), [3, 7, 12]);
    assert.equal(parseIdList('3, x'), undefined);
    assert.equal(parseIdList('-1'), undefined);
    assert.equal(parseIdList('  '), undefined);
  });
});

describe('report page', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pw-report-'));
  mkdirSync(join(dir, 'plots'));
  mkdirSync(join(dir, 'gt'));
  const png = Buffer.from('89504e470d0a1a0a', 'hex');
  writeFileSync(join(dir, 'plots', '1-0.png'), png);
  writeFileSync(join(dir, 'gt', '1.png'), png);
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(SUMMARY));
  writeFileSync(
    join(dir, 'results.jsonl'),
    [record(1, { plot: 'plots/1-0.png', task: 'Bars <b>' }), record(2, { hasPlot: false, error: 'KeyError: x', scores: { visual: 0, task: 0, pixel: 0 } })]
      .map((r) => JSON.stringify(r))
      .join('\n') + '\n',
  );

  it('is self-contained by default: style and script from media/ inline, images as data URLs', () => {
    const html = renderReportHtml(dir);
    assert.match(html, /<style nonce="\{\{nonce\}\}">[^<]*#items/);
    assert.match(html, /<script nonce="\{\{nonce\}\}">[^<]*f-lib/);
    assert.match(html, /<img src="data:image\/png;base64,/);
    assert.match(html, /Bars &lt;b&gt;/);
  });

  it('in a webview links media/ and the folder, with a CSP that allows only those and the nonce', () => {
    const html = renderReportHtml(dir, { webview: WEBVIEW });
    assert.match(html, /content="default-src 'none'; img-src https:\/\/webview\.test data:; style-src https:\/\/webview\.test; script-src 'nonce-\{\{nonce\}\}';"/);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/webview\.test\/media\/report\.css">/);
    assert.match(html, /<script nonce="\{\{nonce\}\}" src="https:\/\/webview\.test\/media\/report\.js"><\/script>/);
    assert.match(html, /<img src="https:\/\/webview\.test\/results\/gt\/1\.png"/);
    assert.match(html, /<img src="https:\/\/webview\.test\/results\/plots\/1-0\.png"/);
    assert.doesNotMatch(html, /data:image|<style|<script nonce="[^"]*">/);
    assert.equal((html.match(/<tr class="item"/g) ?? []).length, 2);
    assert.match(html, /KeyError: x/);
  });
});

describe('comparisons', () => {
  const MATPLOTLIB: Summary = { ...SUMMARY, library: 'matplotlib', visual: { ...SUMMARY.visual, mean: 53.3 } };
  const SEABORN: Summary = { ...SUMMARY, library: 'seaborn', visual: { ...SUMMARY.visual, mean: 80 }, task: { ...SUMMARY.task, mean: 50 } };

  /** A compare folder as runCompare leaves it: cell folders (with or without a summary) and compare.md. */
  function compareFolder(root: string, name: string, cells: Array<[string, Summary | undefined]>, cancelled = false): string {
    const dir = join(root, name);
    cells.forEach(([cell, summary], i) => runFolder(dir, cell, 2_000 + i, summary));
    const summaries = cells.flatMap(([, summary]) => summary ?? []);
    writeFileSync(join(dir, 'compare.md'), compareMarkdown(compareTable(summaries, 'library'), cells.map(([cell]) => ({ dir: cell })), cancelled));
    return dir;
  }

  it('names a comparison by time and dimension', () => {
    assert.equal(compareFolderName(new Date('2026-11-24T06:10:05.123Z'), 'task-variants'), '2026-11-24T06-10-05-compare-task-variants');
  });

  it('finds the dimension that varies and ranks by visual mean, else by task mean', () => {
    assert.equal(variedDimension([MATPLOTLIB, SEABORN]), 'library');
    assert.equal(variedDimension([SUMMARY, { ...SUMMARY, descriptor: 'none' }]), 'descriptor');
    assert.equal(variedDimension([SUMMARY]), 'model');
    assert.equal(compareHeadline([MATPLOTLIB, SEABORN], 'library'), 'best library: seaborn (visual 80.0) · matplotlib 53.3');
    const noGroundTruth = (s: Summary): Summary => ({ ...s, visual: { mean: null, goodRatio: null, std: null } });
    assert.equal(compareHeadline([noGroundTruth(MATPLOTLIB), noGroundTruth(SEABORN)], 'library'), 'best library: matplotlib (task 60.0) · seaborn 50.0');
    const unjudged = { ...noGroundTruth(SUMMARY), task: { mean: null, goodRatio: null, std: null } };
    assert.equal(compareHeadline([unjudged, unjudged], 'model'), '2 runs, no visual or task scores');
  });

  it('shows the cell, its value and the items of the cell in the progress', () => {
    const p = { done: 1, total: 3, skipped: 0, failed: 0, elapsedMs: 5_000, etaMs: 10_000 };
    assert.equal(compareProgressText(1, 2, 'seaborn', p), 'cell 2/2 (seaborn) · 1/3 items · ETA 0:10');
  });

  it('keeps each table row tied to its summary', () => {
    const { header, rows, nameColumns } = compareRows([SEABORN, { ...MATPLOTLIB, model: 'other' }, MATPLOTLIB], 'library');
    assert.deepEqual(header.slice(0, 3), ['model', 'library', 'incorrect code, %']);
    assert.equal(nameColumns, 2);
    // Grouped by model (first seen), then in input order.
    assert.deepEqual(rows.map((r) => [r.index, ...r.cells.slice(0, 2)]), [[0, 'mock-model', 'seaborn'], [2, 'mock-model', 'matplotlib'], [1, 'other', 'matplotlib']]);
  });

  it('reads a comparison folder back: its cells in order, the partial mark', () => {
    const root = mkdtempSync(join(tmpdir(), 'pw-compare-'));
    const done = compareFolder(root, 'done', [['m__matplotlib', MATPLOTLIB], ['m__seaborn', SEABORN], ['m__plotly', undefined]]);
    const partial = compareFolder(root, 'partial', [['m__matplotlib', MATPLOTLIB], ['m__seaborn', SEABORN]], true);
    mkdirSync(join(done, 'not-listed'));
    writeFileSync(join(done, 'not-listed', 'summary.json'), JSON.stringify(SUMMARY));
    assert.equal(isCompareFolder(done), true);
    assert.equal(isCompareFolder(join(done, 'm__seaborn')), false);
    assert.deepEqual(compareCellDirs(done), ['m__matplotlib', 'm__seaborn', 'm__plotly']);
    assert.deepEqual([isPartialCompare(done), isPartialCompare(partial)], [false, true]);
    const read = readCompareFolder(done);
    assert.deepEqual([read.dimension, read.partial, read.cells.map((c) => c.dir)], ['library', false, ['m__matplotlib', 'm__seaborn']]);
    // Recent runs: the comparisons, labelled, with their cells' summaries, and the cells themselves.
    const runs = listRunFolders(root);
    const comparisons = runs.filter((r) => r.kind === 'compare');
    assert.deepEqual(comparisons.map((r) => r.name).sort(), ['done', 'partial']);
    assert.deepEqual(comparisons.find((r) => r.name === 'done')?.cells?.map((s) => s.library), ['matplotlib', 'seaborn']);
    assert.ok(runs.some((r) => r.kind === 'run' && r.name === 'done/m__seaborn'));
  });

  it('renders the comparison: the table, a row per cell linking its report, the partial mark', () => {
    const root = mkdtempSync(join(tmpdir(), 'pw-compare-html-'));
    const dir = compareFolder(root, 'cmp', [['m__matplotlib', MATPLOTLIB], ['m__seaborn', SEABORN]], true);
    const html = renderFolderReportHtml(dir);
    assert.match(html, /<title>PandasPlotBench comparison<\/title>/);
    assert.match(html, /<style nonce="\{\{nonce\}\}">[^<]*#compare/);
    assert.match(html, /<script nonce="\{\{nonce\}\}">[^<]*open-cell/);
    assert.match(html, /best library: seaborn \(visual 80\.0\) · matplotlib 53\.3/);
    assert.match(html, /Cancelled: a partial comparison/);
    assert.match(html, /<th>library<\/th><th class="num">incorrect code, %<\/th>/);
    const rows = [...html.matchAll(/<tr class="cell" data-cell="([^"]+)"><td>([^<]+)<\/td>.*?<a class="open-cell" href="([^"]+)" data-cell="([^"]+)">/g)].map((m) => m.slice(1));
    assert.deepEqual(rows, [
      ['m__matplotlib', 'matplotlib', 'm__matplotlib/report.html', 'm__matplotlib'],
      ['m__seaborn', 'seaborn', 'm__seaborn/report.html', 'm__seaborn'],
    ]);
    const web = renderFolderReportHtml(dir, { webview: WEBVIEW });
    assert.match(web, /<script nonce="\{\{nonce\}\}" src="https:\/\/webview\.test\/media\/report\.js"><\/script>/);
    assert.doesNotMatch(web, /<style|<script nonce="[^"]*">/);
    // A run folder still gets the run's page.
    assert.match(renderFolderReportHtml(join(dir, 'm__seaborn')), /<title>PandasPlotBench report<\/title>/);
  });
});

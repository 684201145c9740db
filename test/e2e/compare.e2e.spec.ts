// "Compare on PandasPlotBench…" in a real VS Code (code-server) with the packaged .vsix: Matplotlib
// against Seaborn on the three-item dataset of support/benchmark.ts, the mock model answering in
// the library the prompt asks for; then "Open Benchmark Report" on the comparison and a click
// through to one cell's own report; and a cancelled comparison.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isJudgeRequest } from '../benchmark/benchFixtures.js';
import { answerFileDialog, asksFor, cancelRun, choose, expectSilentCancel, followRun, quickInput, reportFrame, responder, startBenchSession, type BenchSession } from './support/benchmark.js';
import type { CodeServerSession } from './support/codeServer.js';

const RUN_TIMEOUT_MS = 400_000;
const TITLE = 'Compare on PandasPlotBench';

describe('Compare on PandasPlotBench from the command palette', { timeout: 900_000 }, () => {
  let bench: BenchSession | undefined;

  before(async () => {
    bench = await startBenchSession('compare');
  });

  after(() => bench?.close());

  let consented = false;
  /** Libraries matplotlib and seaborn, then the run's picks without the library; leaves the results folder box open. */
  async function pickComparison(s: CodeServerSession, datasetPath: string): Promise<void> {
    await s.runCommand('Plotwright: Compare on PandasPlotBench…');
    if (!consented) {
      // Once per workspace: an explicit yes to running many generated programs.
      await choose(s, `${TITLE}: run generated code?`, 'Yes, run the generated programs');
      consented = true;
    }
    await choose(s, `${TITLE}: compare`, 'libraries');
    // A multi-select of the fixed libraries.
    const values = quickInput(s, `${TITLE}: libraries`);
    await values.waitFor({ state: 'visible', timeout: 30_000 });
    for (const library of ['matplotlib', 'seaborn']) {
      await values.locator('.quick-input-list .monaco-list-row', { hasText: library }).first().click();
    }
    await s.page.waitForTimeout(300);
    const checked = await values.locator('.quick-input-list .monaco-list-row').evaluateAll((rows) =>
      rows.filter((row) => (row.querySelector('input[type=checkbox]') as HTMLInputElement | null)?.checked || row.getAttribute('aria-checked') === 'true').map((row) => row.textContent?.trim()),
    );
    await s.screenshot('compare-libraries');
    assert.deepEqual(checked.map((t) => /^(matplotlib|seaborn|plotly)/.exec(t ?? '')?.[1]).sort(), ['matplotlib', 'seaborn']);
    await s.page.keyboard.press('Enter');
    // The same picks as a run, without the library.
    await choose(s, `${TITLE}: dataset`, 'Choose a file…');
    await answerFileDialog(s, `${TITLE}: dataset file`, datasetPath);
    await choose(s, `${TITLE}: task variant`, 'full');
    await choose(s, `${TITLE}: data descriptor`, 'head');
    await choose(s, `${TITLE}: items`, 'All 3 items');
    await choose(s, `${TITLE}: judges`, 'Visual and task');
    await choose(s, `${TITLE}: self-debug rounds`, 'No repair');
    await quickInput(s, `${TITLE}: results folder`).waitFor({ state: 'visible', timeout: 30_000 });
  }

  it('compares Matplotlib and Seaborn, names the best, and links each cell report from the comparison', async () => {
    const { session: s, mock, workspace, datasetPath } = bench as BenchSession;
    mock.setResponder(responder);
    const started = performance.now();
    await pickComparison(s, datasetPath);
    const folderBox = quickInput(s, `${TITLE}: results folder`);
    const outDir = await folderBox.locator('.quick-input-box input').inputValue();
    assert.match(outDir, new RegExp(`^${join(workspace, 'bench-results')}/\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d-compare-libraries$`));
    await s.page.keyboard.press('Enter');

    // One notification for the whole grid: the cell, its value, the items of the cell, cancellable.
    const done = await followRun(s, {
      title: 'PandasPlotBench comparison (libraries)',
      progress: /cell [12]\/2 \((matplotlib|seaborn)\) · \d\/3 items/,
      done: 'PandasPlotBench comparison: best library',
      name: 'compare',
      timeoutMs: RUN_TIMEOUT_MS,
    });
    const runSeconds = (performance.now() - started) / 1000;
    assert.match((await done.textContent()) ?? '', /best library: seaborn \(visual 80\.0\) · matplotlib 53\.3/);

    // The folder: compare.md, one run folder per library with its summary and report, report.html linking them.
    const cells = ['mock-model__matplotlib__full__head', 'mock-model__seaborn__full__head'];
    const compareMd = readFileSync(join(outDir, 'compare.md'), 'utf8');
    assert.match(compareMd, /^# PandasPlotBench comparison\n/);
    assert.match(compareMd, /\| library \|/);
    assert.match(compareMd, /\| matplotlib \| 33\.3 \| 53\.3 \|/);
    assert.match(compareMd, /\| seaborn \| 0\.0 \| 80\.0 \|/);
    for (const [cell, library, visual] of [[cells[0], 'matplotlib', 53.3], [cells[1], 'seaborn', 80]] as const) {
      const summary = JSON.parse(readFileSync(join(outDir, cell, 'summary.json'), 'utf8')) as { items: number; library: string; wrongLibrary: number; visual: { mean: number } };
      assert.deepEqual([summary.items, summary.library, summary.wrongLibrary, summary.visual.mean], [3, library, 0, visual]);
      assert.ok(existsSync(join(outDir, cell, 'report.html')), `${cell}/report.html`);
    }
    assert.deepEqual(readdirSync(join(outDir, cells[1], 'plots')).sort(), ['20-0.png', '5-0.png', '80-0.png']);
    const staticReport = readFileSync(join(outDir, 'report.html'), 'utf8');
    for (const cell of cells) {
      assert.ok(staticReport.includes(`href="${cell}/report.html"`), `report.html links ${cell}/report.html`);
    }
    await s.runCommand('Notifications: Clear All Notifications');

    // Open Benchmark Report offers the comparison, labelled as one.
    await s.runCommand('Plotwright: Open Benchmark Report');
    const folderName = outDir.split('/').pop() as string;
    const recent = quickInput(s, 'Open Benchmark Report: results folder');
    await recent.waitFor({ state: 'visible', timeout: 30_000 });
    const comparisonRow = recent.locator('.quick-input-list .monaco-list-row', { hasText: folderName }).filter({ hasText: 'comparison' }).first();
    await comparisonRow.waitFor({ timeout: 10_000 });
    await s.screenshot('compare-report-pick');
    assert.match((await comparisonRow.textContent()) ?? '', /best library: seaborn/);
    await comparisonRow.click();

    const frame = await reportFrame(s, 'PandasPlotBench comparison');
    await frame.locator('#compare tr.cell').first().waitFor({ timeout: 30_000 });
    const page = await frame.evaluate(() => ({
      headline: document.querySelector('.headline')?.textContent ?? '',
      headers: Array.from(document.querySelectorAll('#compare thead th')).map((th) => th.textContent),
      rows: Array.from(document.querySelectorAll('#compare tr.cell')).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent?.trim())),
    }));
    await s.screenshot('compare-report');
    assert.match(page.headline, /best library: seaborn \(visual 80\.0\) · matplotlib 53\.3/);
    assert.deepEqual(page.headers.slice(0, 3), ['library', 'incorrect code, %', 'visual mean']);
    assert.deepEqual(page.rows.map((r) => [r[0], r[2], r[r.length - 1]]), [['matplotlib', '53.3', 'Open report'], ['seaborn', '80.0', 'Open report']]);

    // The Seaborn row opens that run's own report in its own panel.
    await frame.locator('#compare tr.cell', { hasText: 'seaborn' }).getByText('Open report').click();
    const cellFrame = await reportFrame(s, 'PandasPlotBench report', 'seaborn');
    await cellFrame.locator('#items tr.item').first().waitFor({ timeout: 30_000 });
    await cellFrame.waitForFunction(() => Array.from(document.images).every((img) => img.complete && img.naturalWidth > 0), undefined, { timeout: 30_000 });
    const cellReport = await cellFrame.evaluate(() => ({
      summary: (document.querySelector('table.summary') as HTMLElement | null)?.innerText ?? '',
      items: document.querySelectorAll('#items tr.item').length,
      images: document.images.length,
    }));
    await s.screenshot('compare-cell-report');
    assert.match(cellReport.summary, /seaborn/);
    assert.deepEqual([cellReport.items, cellReport.images], [3, 6]);
    await s.page.locator('.tab', { hasText: `Benchmark: ${cells[1]}` }).waitFor({ timeout: 10_000 });
    console.log(`e2e compare: two cells through the palette took ${runSeconds.toFixed(1)} s`);
  });

  it('stops silently on Cancel and leaves compare.md marked partial', async () => {
    const { session: s, mock, workspace, datasetPath } = bench as BenchSession;
    await s.runCommand('View: Close All Editors');
    await s.runCommand('Notifications: Clear All Notifications');
    // The first cell's last item answers slowly: the comparison is cancelled inside cell 1 of 2.
    mock.setResponder((body) => {
      const reply = responder(body);
      return !isJudgeRequest(body) && asksFor(body, 80) ? { ...reply, delayMs: 60_000 } : reply;
    });
    await pickComparison(s, datasetPath);
    // Outside bench-results, so the response cache of the first comparison does not answer.
    const outDir = join(workspace, 'cancelled', 'compare');
    await quickInput(s, `${TITLE}: results folder`).locator('.quick-input-box input').fill(outDir);
    await s.page.keyboard.press('Enter');
    const progress = s.page.locator('.notification-toast', { hasText: 'PandasPlotBench comparison (libraries)' });
    await s.page.locator('.notification-toast', { hasText: /cell 1\/2 \(matplotlib\) · 2\/3 items/ }).waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
    await cancelRun(s, progress, join(outDir, 'compare.md'), 'compare');
    const compareMd = readFileSync(join(outDir, 'compare.md'), 'utf8');
    assert.match(compareMd, /^# PandasPlotBench comparison \(cancelled: partial\)\n/);
    assert.match(compareMd, /\| matplotlib \|/);
    assert.doesNotMatch(compareMd, /\| seaborn \|/);
    assert.equal(existsSync(join(outDir, 'mock-model__seaborn__full__head')), false, 'the second cell never started');
    // Silent: neither an error nor the final message.
    await expectSilentCancel(s, progress, /PandasPlotBench comparison: /, 'compare');
  });
});

// "Run PandasPlotBench…" and "Open Benchmark Report" in a real VS Code (code-server) with the packaged
// .vsix: a three-item dataset built from real PandasPlotBench tasks (support/benchmark.ts), picked
// with the file dialog; a mock model on 127.0.0.1 plays the generator and the judge; the runner's
// kernels are real Python.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { isJudgeRequest } from '../benchmark/benchFixtures.js';
import type { MockOpenAI } from '../support/mockOpenAI.js';
import { answerFileDialog, asksFor, cancelRun, choose as chooseIn, expectSilentCancel, followRun, ITEMS, quickInput, reportFrame, responder, startBenchSession, type BenchSession } from './support/benchmark.js';
import type { CodeServerSession } from './support/codeServer.js';

const fence = '```';
const RUN_TIMEOUT_MS = 300_000;

describe('PandasPlotBench from the command palette', { timeout: 900_000 }, () => {
  let bench: BenchSession | undefined;
  let session: CodeServerSession | undefined;
  let mock: MockOpenAI;
  let workspace = '';
  let datasetPath = '';

  before(async () => {
    bench = await startBenchSession('benchmark');
    ({ session, mock, workspace, datasetPath } = bench);
  });

  beforeEach(() => {
    mock.reset();
  });

  after(() => bench?.close());

  const choose = (s: CodeServerSession, title: string, row: string): Promise<void> => chooseIn(s, `Run PandasPlotBench: ${title}`, row);

  let consented = false;
  /** Dataset (file dialog), library, task variant, descriptor, items, judges, self-debug; returns the results folder box. */
  async function pickUpToFolder(s: CodeServerSession, options: { dataset: 'file' | 'hf'; library?: string }): Promise<void> {
    await s.runCommand('Plotwright: Run PandasPlotBench…');
    if (!consented) {
      // The first run in a workspace asks for an explicit yes to running many generated programs.
      await choose(s, 'run generated code?', 'Yes, run the generated programs');
      consented = true;
    }
    if (options.dataset === 'hf') {
      await choose(s, 'dataset', 'PandasPlotBench from Hugging Face');
      return;
    }
    await choose(s, 'dataset', 'Choose a file…');
    await answerFileDialog(s, 'Run PandasPlotBench: dataset file', datasetPath);
    await choose(s, 'library', options.library ?? 'matplotlib');
    await choose(s, 'task variant', 'full');
    await choose(s, 'data descriptor', 'head');
    await choose(s, 'items', 'All 3 items');
    await choose(s, 'judges', 'Visual and task');
    await choose(s, 'self-debug rounds', 'No repair');
  }

  it('runs the benchmark through the quick picks, then shows the report of the results folder', async () => {
    const s = session as CodeServerSession;
    mock.setResponder(responder);
    const started = performance.now();
    await pickUpToFolder(s, { dataset: 'file' });
    const folderBox = quickInput(s, 'Run PandasPlotBench: results folder');
    await folderBox.waitFor({ state: 'visible', timeout: 30_000 });
    const outDir = await folderBox.locator('.quick-input-box input').inputValue();
    assert.ok(outDir.startsWith(join(workspace, 'bench-results') + '/'), outDir);
    assert.match(outDir, /\/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-mock-model-matplotlib$/);
    await s.page.keyboard.press('Enter');

    // Progress: items done of the total, in a notification with a Cancel button.
    const done = await followRun(s, { title: /PandasPlotBench \(mock-model, matplotlib\)/, progress: /\d\/3 items/, done: 'PandasPlotBench: 3 items', name: 'bench', timeoutMs: RUN_TIMEOUT_MS });
    const runSeconds = (performance.now() - started) / 1000;
    const message = (await done.textContent()) ?? '';
    assert.match(message, /no plot 33\.3 % · visual 53\.3 · task 60\.0 · pixel \d/);

    // The results folder holds what the CLI writes.
    const lines = readFileSync(join(outDir, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as {
      id: number; hasPlot: boolean; error: string | null; scores: { visual: number | null; task: number | null; pixel: number | null }; code: string;
    });
    assert.deepEqual(lines.map((l) => l.id).sort((a, b) => a - b), [5, 20, 80]);
    const byId = new Map(lines.map((l) => [l.id, l]));
    for (const id of [5, 80]) {
      const line = byId.get(id);
      assert.equal(line?.hasPlot, true, `item ${id} has a plot`);
      assert.deepEqual([line?.scores.visual, line?.scores.task], [80, 90]);
      assert.equal(typeof line?.scores.pixel, 'number');
      assert.equal(line?.code.trim(), ITEMS.find((i) => i.id === id)?.answer);
    }
    assert.equal(byId.get(20)?.hasPlot, false);
    assert.match(byId.get(20)?.error ?? '', /KeyError/);
    assert.deepEqual(byId.get(20)?.scores, { visual: 0, task: 0, pixel: 0 });
    const summary = JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8')) as {
      items: number; model: string; library: string; taskVariant: string; descriptor: string; incorrectCodePct: number; visual: { mean: number }; task: { mean: number }; judgeErrors: number;
    };
    assert.deepEqual(
      [summary.items, summary.model, summary.library, summary.taskVariant, summary.descriptor, summary.incorrectCodePct, summary.judgeErrors],
      [3, 'mock-model', 'matplotlib', 'full', 'head', 33.3, 0],
    );
    assert.equal(summary.visual.mean, 53.3);
    assert.equal(summary.task.mean, 60);
    assert.ok(existsSync(join(outDir, 'summary.md')) && existsSync(join(outDir, 'report.html')));
    assert.deepEqual(readdirSync(join(outDir, 'plots')).sort(), ['5-0.png', '80-0.png']);
    const requests = mock.chatRequests();
    assert.equal(requests.filter((r) => r.body && !isJudgeRequest(r.body)).length, 3);
    assert.equal(requests.filter((r) => r.body && isJudgeRequest(r.body)).length, 4);
    assert.ok(requests.every((r) => r.body?.model === 'mock-model'), 'the judge uses the generator model by default');
    await s.runCommand('Notifications: Clear All Notifications');

    // Open Benchmark Report: the run is offered as a recent one under bench-results.
    await s.runCommand('Plotwright: Open Benchmark Report');
    const folderName = outDir.split('/').pop() as string;
    await quickInput(s, 'Open Benchmark Report: results folder').waitFor({ state: 'visible', timeout: 30_000 });
    await s.screenshot('bench-report-pick');
    await s.page.locator('.quick-input-list .monaco-list-row', { hasText: folderName }).first().click();
    const frame = await reportFrame(s);
    await frame.locator('#items tr.item').first().waitFor({ timeout: 30_000 });
    // Every image (ground truth and generated) loads from the results folder.
    await frame.waitForFunction(() => Array.from(document.images).every((img) => img.complete && img.naturalWidth > 0), undefined, { timeout: 30_000 });
    const report = await frame.evaluate(() => ({
      summary: (document.querySelector('table.summary') as HTMLElement | null)?.innerText ?? '',
      scores: (document.querySelector('table.scores') as HTMLElement | null)?.innerText ?? '',
      headers: Array.from(document.querySelectorAll('#items thead th')).map((th) => th.textContent),
      rows: Array.from(document.querySelectorAll('#items tr.item')).map((tr) => ({
        id: (tr.querySelector('td.id') as HTMLElement).innerText.trim(),
        images: tr.querySelectorAll('img').length,
        error: (tr.querySelector('td.error') as HTMLElement).innerText,
      })),
      imageSources: Array.from(document.images).map((img) => img.src),
      count: document.getElementById('count')?.textContent,
    }));
    await s.screenshot('bench-report');
    assert.match(report.summary, /mock-model/);
    assert.match(report.summary, /matplotlib/);
    assert.match(report.scores, /visual\s+53\.3/);
    assert.deepEqual(report.headers, ['id', 'ground truth', 'generated', 'scores', 'code', 'error']);
    assert.deepEqual(report.rows.map((r) => [r.id, r.images]), [['5', 2], ['20', 1], ['80', 2]]);
    assert.match(report.rows[1].error, /KeyError/);
    assert.ok(report.imageSources.every((src) => !src.startsWith('data:')), 'images come from the results folder, not data URLs');
    assert.equal(report.count, '3 of 3 shown', 'the report script ran');
    // The filter works (the script came from media/ under the nonce-only CSP).
    await frame.locator('#f-plot').selectOption('no');
    await frame.locator('#count', { hasText: '1 of 3 shown' }).waitFor({ timeout: 10_000 });
    await frame.locator('#f-plot').selectOption('');
    await frame.locator('#f-text').fill('pie');
    await frame.locator('#count', { hasText: '1 of 3 shown' }).waitFor({ timeout: 10_000 });
    await s.screenshot('bench-report-filtered');
    console.log(`e2e benchmark: run through the palette took ${runSeconds.toFixed(1)} s`);
  });

  it('runs a Plotly benchmark: the bundled playwright-core turns each figure into a PNG in Chromium', async () => {
    const s = session as CodeServerSession;
    await s.runCommand('View: Close All Editors');
    mock.setResponder((body) => {
      if (isJudgeRequest(body)) {
        return responder(body);
      }
      // Every item: a bar chart of the frame's first two columns, in Plotly Express.
      const code = 'import plotly.express as px\nfig = px.bar(df, x=df.columns[0], y=df.columns[1], title="first two columns")\nfig.show()';
      return { content: `${fence}python\n${code}\n${fence}` };
    });
    await pickUpToFolder(s, { dataset: 'file', library: 'plotly' });
    const folderBox = quickInput(s, 'Run PandasPlotBench: results folder');
    await folderBox.waitFor({ state: 'visible', timeout: 30_000 });
    const outDir = join(workspace, 'plotly', 'run');
    await folderBox.locator('.quick-input-box input').fill(outDir);
    await s.page.keyboard.press('Enter');
    const done = s.page.locator('.notification-toast', { hasText: 'PandasPlotBench: 3 items' });
    await done.waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
    await s.screenshot('bench-plotly-done');
    const lines = readFileSync(join(outDir, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as {
      id: number; hasPlot: boolean; wrongLibrary: boolean; error: string | null; library: string;
    });
    assert.deepEqual(lines.map((l) => [l.id, l.hasPlot, l.wrongLibrary, l.error]).sort((a, b) => Number(a[0]) - Number(b[0])), [
      [5, true, false, null],
      [20, true, false, null],
      [80, true, false, null],
    ]);
    // Real PNGs of the Plotly figures, rendered by Chromium from the extension host.
    const plots = readdirSync(join(outDir, 'plots')).sort();
    assert.deepEqual(plots, ['20-0.png', '5-0.png', '80-0.png']);
    for (const name of plots) {
      const png = readFileSync(join(outDir, 'plots', name));
      assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG', `${name} is a PNG`);
      assert.ok(png.readUInt32BE(16) >= 400 && png.readUInt32BE(20) >= 300, `${name} has the size of a rendered figure`);
    }
    const summary = JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8')) as { library: string; incorrectCodePct: number; wrongLibrary: number };
    assert.deepEqual([summary.library, summary.incorrectCodePct, summary.wrongLibrary], ['plotly', 0, 0]);
    await s.runCommand('Notifications: Clear All Notifications');
  });

  it('says the Hugging Face download failed and offers a local file', async () => {
    const s = session as CodeServerSession;
    await s.runCommand('View: Close All Editors');
    await pickUpToFolder(s, { dataset: 'hf' });
    const toast = s.page.locator('.notification-toast', { hasText: 'Could not download PandasPlotBench from Hugging Face' });
    await toast.waitFor({ state: 'visible', timeout: 120_000 });
    await s.screenshot('bench-hf-offline');
    assert.match((await toast.textContent()) ?? '', /pick a local \.parquet, \.jsonl or \.json file/);
    assert.ok(await toast.getByRole('button', { name: 'Pick a Local File' }).count());
    await toast.getByRole('button', { name: 'Pick a Local File' }).click();
    // The button starts over at the file dialog.
    const dialog = quickInput(s, 'Run PandasPlotBench: dataset file');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    await s.page.keyboard.press('Escape');
    await s.runCommand('Notifications: Clear All Notifications');
  });

  it('stops silently on Cancel and leaves a valid partial summary', async () => {
    const s = session as CodeServerSession;
    // Slow answers for the third item only, so the run is cancelled with two records written.
    mock.setResponder((body) => {
      const reply = responder(body);
      return !isJudgeRequest(body) && asksFor(body, 80) ? { ...reply, delayMs: 60_000 } : reply;
    });
    await pickUpToFolder(s, { dataset: 'file' });
    const folderBox = quickInput(s, 'Run PandasPlotBench: results folder');
    await folderBox.waitFor({ state: 'visible', timeout: 30_000 });
    const outDir = join(workspace, 'cancelled', 'run');
    await folderBox.locator('.quick-input-box input').fill(outDir);
    await s.page.keyboard.press('Enter');
    const results = join(outDir, 'results.jsonl');
    const records = (): number => (existsSync(results) ? readFileSync(results, 'utf8').trim().split('\n').filter(Boolean).length : 0);
    for (const deadline = Date.now() + RUN_TIMEOUT_MS; records() < 2; ) {
      assert.ok(Date.now() < deadline, 'two items never finished');
      await s.page.waitForTimeout(250);
    }
    const progress = s.page.locator('.notification-toast', { hasText: 'PandasPlotBench (mock-model, matplotlib)' });
    await cancelRun(s, progress, join(outDir, 'summary.json'), 'bench');
    const summary = JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8')) as { items: number; incorrectCodePct: number };
    assert.equal(summary.items, 2);
    assert.equal(records(), 2);
    // Silent: neither an error nor the final message.
    await expectSilentCancel(s, progress, /PandasPlotBench: \d/, 'bench');
  });

  it('offers to set the API key when the endpoint answers 401', async () => {
    const s = session as CodeServerSession;
    mock.setResponder(() => ({ status: 401 }));
    await pickUpToFolder(s, { dataset: 'file' });
    const folderBox = quickInput(s, 'Run PandasPlotBench: results folder');
    await folderBox.waitFor({ state: 'visible', timeout: 30_000 });
    // Outside bench-results, so the response cache of the first run (bench-results/.plotwright-cache) does not answer.
    const outDir = join(workspace, 'unauthorized', 'run');
    await folderBox.locator('.quick-input-box input').fill(outDir);
    await s.page.keyboard.press('Enter');
    const toast = s.page.locator('.notification-toast', { hasText: /401|rejected|key/i }).filter({ has: s.page.getByRole('button', { name: 'Set API Key' }) });
    await toast.waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
    await s.screenshot('bench-401');
    // The partial summary is valid: no item finished.
    const summary = JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8')) as { items: number };
    assert.equal(summary.items, 0);
    assert.ok(mock.chatRequests().length >= 1, 'the endpoint was asked');
  });
});

// When the kernel cannot serve Plotwright: a DataFrame deleted after it was picked, a kernel busy with
// a cell, a dead kernel, a plotting library the kernel cannot import. Each gets a message with a
// button that fixes it, and no user cell is lost. The kernel runs with seaborn hidden from imports
// (fixtures/hide-modules on PYTHONPATH), as if it were not installed in the kernel's environment.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMockOpenAI, type MockOpenAI } from '../support/mockOpenAI.js';
import { startCodeServer, type CodeServerSession } from './support/codeServer.js';
import { packagePlotwright, realJupyter } from './support/extensions.js';
import { answerKernelAccess, pickKernelIfAsked, RUN_TIMEOUT_MS, saveNotebook, toast, typeTask } from './support/journeys.js';
import { REPO_ROOT } from './support/paths.js';

/** The user's cells; the tests run them one at a time. */
const USER_CELLS = [
  "import pandas as pd\ndf = pd.DataFrame({'region': ['North', 'South', 'East', 'West'], 'sales': [120, 95, 143, 80]})\nprint(df.shape)",
  // Deletes df from a background thread once the test drops a flag file: the cell itself ends at once.
  "import os, threading, time\ndef _watch():\n    while not os.path.exists('delete-df.flag'):\n        time.sleep(0.1)\n    globals().pop('df', None)\nthreading.Thread(target=_watch, daemon=True).start()\nprint('watching')",
  "import time\ntime.sleep(60)\nprint('slept')",
  "import os\nos._exit(1)",
];

function notebookJson(cells: string[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    cells: cells.map((source, i) => ({ cell_type: 'code', id: `cell${i}`, metadata: {}, source, outputs: [], execution_count: null })),
  });
}

describe('Plotwright when the kernel is in trouble', { timeout: 900_000 }, () => {
  let session: CodeServerSession | undefined;
  let mock: MockOpenAI;
  let workspace = '';

  before(async () => {
    mock = await startMockOpenAI();
    workspace = mkdtempSync(join(tmpdir(), 'pw-e2e-trouble-'));
    writeFileSync(join(workspace, 'trouble.ipynb'), notebookJson(USER_CELLS));
    session = await startCodeServer({
      workspace,
      extensions: [await packagePlotwright(), realJupyter()],
      name: 'kernel-trouble',
      env: { PYTHONPATH: join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'hide-modules'), PLOTWRIGHT_HIDE_MODULES: 'seaborn' },
      settings: {
        'plotwright.baseUrl': mock.baseUrl,
        'plotwright.model': 'mock-model',
        // The kernel cannot import seaborn; the tests before the last stop before the library matters.
        'plotwright.library': 'seaborn',
      },
      viewport: { width: 1400, height: 1400 },
    });
    await session.openFile('trouble.ipynb');
    await session.waitForCells((cells) => cells.length === USER_CELLS.length, { message: 'the notebook did not open' });
  });

  after(async () => {
    await session?.close();
    await mock?.close();
    rmSync(workspace, { recursive: true, force: true });
  });

  /** Runs one cell the way a user does: its run button (in the browser, Ctrl+Enter types a new line). */
  async function runCell(s: CodeServerSession, index: number): Promise<void> {
    const row = s.page.locator(`.notebook-editor .monaco-list-row[data-index="${index}"]`);
    await row.hover();
    await row.locator('.run-button-container .action-label').first().click();
  }

  async function startPlot(s: CodeServerSession): Promise<void> {
    await s.runCommand('Plotwright: Plot DataFrame…');
  }

  /** The saved notebook still has every user cell, unchanged. */
  async function assertUserCellsKept(s: CodeServerSession): Promise<string[]> {
    const saved = await saveNotebook(s, join(workspace, 'trouble.ipynb'));
    const sources = saved.cells.map((c) => [c.source].flat().join(''));
    assert.deepEqual(sources.slice(0, USER_CELLS.length), USER_CELLS);
    return sources;
  }

  it('says the picked DataFrame no longer exists when it was deleted before the description ran', async () => {
    const s = session as CodeServerSession;
    await runCell(s, 0);
    await pickKernelIfAsked(s);
    await s.waitForCells((c) => c[0]?.state === 'success', { timeoutMs: RUN_TIMEOUT_MS, message: 'cell 1 did not run' });
    await runCell(s, 1);
    await s.waitForCells((c) => c[1]?.state === 'success', { timeoutMs: 60_000, message: 'cell 2 did not run' });
    await startPlot(s);
    await answerKernelAccess(s, 'Allow');
    // df was found and picked (the only one); while the user types the task, it disappears.
    await s.page.locator('.quick-input-widget', { hasText: 'What should the plot show?' }).waitFor({ timeout: 60_000 });
    writeFileSync(join(workspace, 'delete-df.flag'), '');
    await s.page.waitForTimeout(1_500);
    await typeTask(s, 'Bars of sales per region');
    const message = toast(s, 'no longer exists');
    await message.waitFor({ state: 'visible', timeout: 60_000 });
    await s.page.waitForTimeout(600); // the toast slides in
    await s.screenshot('dataframe-gone');
    assert.match((await message.textContent()) ?? '', /The DataFrame 'df' no longer exists in the kernel — run the cell that creates it/);
    assert.ok(await message.getByRole('button', { name: 'Run All Cells' }).isVisible());
    assert.equal(mock.chatRequests().length, 0);
    await message.locator('.codicon-notifications-clear').click().catch(() => undefined);
    const sources = await assertUserCellsKept(s);
    assert.equal(sources.length, USER_CELLS.length);
  });

  it('says the kernel is busy while a cell runs, and its button interrupts the cell', async () => {
    const s = session as CodeServerSession;
    await runCell(s, 0);
    await s.waitForCells((c) => c[0]?.state === 'success', { timeoutMs: 60_000, message: 'cell 1 did not run again' });
    await runCell(s, 2);
    await s.waitForCells((c) => c[2]?.state === 'executing', { timeoutMs: 30_000, message: 'the sleeping cell did not start' });
    const started = Date.now();
    await startPlot(s);
    const message = toast(s, 'busy');
    await message.waitFor({ state: 'visible', timeout: 30_000 });
    const shownAfterMs = Date.now() - started;
    await s.page.waitForTimeout(600); // the toast slides in
    await s.screenshot('kernel-busy');
    assert.match((await message.textContent()) ?? '', /kernel is busy running a cell\. Wait for it to finish, or interrupt it/);
    assert.ok(shownAfterMs < 20_000, `the busy message took ${shownAfterMs} ms`);
    await message.getByRole('button', { name: 'Interrupt Kernel' }).click();
    const cells = await s.waitForCells((c) => c[2]?.state !== 'executing' && c[2]?.state !== 'pending', {
      timeoutMs: 30_000,
      message: 'the interrupt button did not stop the cell',
    });
    await s.screenshot('kernel-busy-interrupted');
    assert.match(cells[2].outputs.text, /KeyboardInterrupt/);
    assert.doesNotMatch(cells[2].outputs.text, /^slept\s*$/m);
    assert.equal(mock.chatRequests().length, 0);
    await assertUserCellsKept(s);
  });

  it('says the kernel died, with Restart Kernel and Select Kernel buttons', async () => {
    const s = session as CodeServerSession;
    await runCell(s, 3);
    await s.waitForCells((c) => c[3]?.state === 'error', { timeoutMs: 60_000, message: 'the cell that kills the kernel did not fail' });
    await startPlot(s);
    const message = toast(s, 'kernel died');
    await message.waitFor({ state: 'visible', timeout: 30_000 });
    await s.page.waitForTimeout(600); // the toast slides in
    await s.screenshot('kernel-dead');
    assert.match((await message.textContent()) ?? '', /kernel died, and its variables with it\. Restart the kernel/);
    assert.ok(await message.getByRole('button', { name: 'Select Kernel' }).isVisible());
    await message.getByRole('button', { name: 'Restart Kernel' }).click();
    // Jupyter asks before it restarts; its command resolves before the kernel is back.
    const confirm = s.page.locator('.monaco-dialog-box', { hasText: 'restart' });
    await confirm.waitFor({ state: 'visible', timeout: 30_000 });
    await s.screenshot('kernel-restart-confirm');
    await confirm.getByRole('button', { name: 'Restart', exact: true }).click();
    // A fresh kernel counts executions from 1 again.
    await runCell(s, 0);
    await s.waitForCells((c) => c[0]?.state === 'success' && c[0].executionOrder === 1, {
      timeoutMs: RUN_TIMEOUT_MS,
      message: 'the kernel did not come back after Restart Kernel',
    });
    assert.equal(mock.chatRequests().length, 0);
    await assertUserCellsKept(s);
  });

  it('offers to install a library the kernel cannot import, runs %pip install after consent, and reports pip\'s failure', async () => {
    const s = session as CodeServerSession;
    await runCell(s, 0);
    await s.waitForCells((c) => c[0]?.state === 'success', { timeoutMs: RUN_TIMEOUT_MS, message: 'cell 1 did not run after the restart' });
    await startPlot(s);
    await typeTask(s, 'Bars of sales per region with seaborn');
    const message = toast(s, 'not installed');
    await message.waitFor({ state: 'visible', timeout: 60_000 });
    await s.page.waitForTimeout(600); // the toast slides in
    await s.screenshot('install-offered');
    assert.match((await message.textContent()) ?? '', /seaborn is not installed in this notebook's kernel/);
    await message.getByRole('button', { name: 'Install' }).click();
    // Consent: a modal dialog names what will be installed.
    const dialog = s.page.locator('.monaco-dialog-box', { hasText: 'Install seaborn' });
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    await s.screenshot('install-consent');
    await dialog.getByRole('button', { name: 'Install', exact: true }).click();
    const failure = toast(s, 'Installing seaborn failed');
    await failure.waitFor({ state: 'visible', timeout: 300_000 });
    const cells = await s.waitForCells((c) => c.some((cell) => cell.text.includes('%pip install seaborn') && cell.outputMimes.length > 0), {
      timeoutMs: 60_000,
      message: 'the %pip cell has no output',
    });
    await s.page.waitForTimeout(600); // the toast slides in
    await s.screenshot('install-failed');
    const pipCell = cells.find((cell) => cell.text.includes('%pip install seaborn'));
    assert.ok(pipCell, 'no %pip cell');
    // Debian's Python is externally managed (PEP 668) and there is no network: pip refuses.
    const text = (await failure.textContent()) ?? '';
    assert.match(text, /Installing seaborn failed \(pip: .+\)/);
    assert.ok(await failure.getByRole('button', { name: 'Select Kernel' }).isVisible());
    assert.equal(mock.chatRequests().length, 0);
    const sources = await assertUserCellsKept(s);
    assert.equal(sources.at(-1), '%pip install seaborn');
  });
});

// Plotwright with Microsoft's real Jupyter extension (../shared/vendor): its consent dialog (Deny, Cancel, an
// Allow read slowly), Cancel while Plotwright's query waits behind a cell and while it runs, where the plot
// cell goes after a notebook is opened, and a generated cell that never ends, stopped by the timeout and
// by Cancel. The timeouts are shortened through the environment so that the tests see them in seconds.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startMockOpenAI, type MockOpenAI } from '../support/mockOpenAI.js';
import { startCodeServer, type CodeServerSession, type NotebookCellInfo } from './support/codeServer.js';
import { packagePlotwright, realJupyter } from './support/extensions.js';
import { answerKernelAccess, copyWorkspace, runAllCells, kernelAccessDialog, RUN_TIMEOUT_MS, saveNotebook, tearDown, toast, typeTask } from './support/journeys.js';

const fence = '```';
const answer = (code: string) => `Here you go.\n${fence}python\n${code}\n${fence}`;
const RUNAWAY = answer('import matplotlib.pyplot as plt\n# spins forever\nwhile True:\n    pass');
const QUERY_TIMEOUT_MS = 15_000;
const RUN_TIMEOUT_TEST_MS = 20_000;

/** Cells put below sales.ipynb's title (indexes 1 and 2 for good); each waits for a flag file, so Run All passes over them at once. */
const EXTRA_CELLS = [
  "import os, time\nif os.path.exists('sleep.flag'):\n    time.sleep(20)\n    print('slept')",
  "import os, time\nclass Slow:\n    def __repr__(self):\n        time.sleep(120)\n        return 'slow'\nif os.path.exists('slow.flag'):\n    df = pd.DataFrame({'value': [Slow()]})\n    print('slow frame')",
];

function withExtraCells(notebookFile: string, extra: string[]): void {
  const notebook = JSON.parse(readFileSync(notebookFile, 'utf8')) as { cells: unknown[] };
  notebook.cells.splice(
    1,
    0,
    ...extra.map((source, i) => ({ cell_type: 'code', id: `extra-${i}`, metadata: {}, source, outputs: [], execution_count: null })),
  );
  writeFileSync(notebookFile, JSON.stringify(notebook, null, 1));
}

/** Runs one cell with its run button (in the browser, Ctrl+Enter types a new line). */
async function runCell(s: CodeServerSession, index: number): Promise<void> {
  const row = s.page.locator(`.notebook-editor .monaco-list-row[data-index="${index}"]`);
  await row.hover();
  await row.locator('.run-button-container .action-label').first().click();
}

/** Clicks Cancel on Plotwright's progress notification showing `text`. */
async function cancelProgress(s: CodeServerSession, text: string): Promise<void> {
  const progress = toast(s, text);
  await progress.waitFor({ state: 'visible', timeout: 60_000 });
  await progress.getByRole('button', { name: 'Cancel' }).click();
}

/** Plotwright's command ended (its progress is gone) and no message followed. */
async function expectSilence(s: CodeServerSession, progressText: string): Promise<void> {
  await s.page.locator('.notification-toast', { hasText: progressText }).waitFor({ state: 'detached', timeout: 30_000 });
  // An error is shown as soon as the command's promise rejects; give the toast time to appear.
  await s.page.waitForTimeout(2_000);
  const texts = await s.page.locator('.notification-toast').allInnerTexts();
  assert.deepEqual(
    texts.filter((t) => /Plotwright/.test(t)),
    [],
    `a message appeared after Cancel: ${JSON.stringify(texts)}`,
  );
}

const generated = (cells: NotebookCellInfo[]) => cells.filter((c) => c.kind === 'code' && c.text.includes('# Plotwright:'));

describe('Plotwright with the real Jupyter extension: Deny', { timeout: 600_000 }, () => {
  let session: CodeServerSession | undefined;
  let mock: MockOpenAI;
  let workspace = '';

  before(async () => {
    mock = await startMockOpenAI();
    workspace = copyWorkspace('pw-e2e-deny-');
    session = await startCodeServer({
      workspace,
      extensions: [realJupyter(), await packagePlotwright()],
      name: 'jupyter-deny',
      settings: { 'plotwright.baseUrl': mock.baseUrl, 'plotwright.model': 'mock-model' },
      viewport: { width: 1400, height: 1000 },
    });
    await session.openFile('sales.ipynb');
    await session.waitForCells((cells) => cells.length === 3, { message: 'the notebook did not open' });
    await runAllCells(session);
    await session.waitForCells((c) => c[2]?.outputs.images === 1, { timeoutMs: RUN_TIMEOUT_MS, message: 'the notebook did not run' });
  });

  after(() => tearDown([session, mock], [workspace]));

  it('says Jupyter refused access, on every attempt, with a button that opens Jupyter\'s access manager', async () => {
    const s = session as CodeServerSession;
    await s.runCommand('Plotwright: Plot DataFrame…');
    await answerKernelAccess(s, 'Deny', 'access-dialog');
    const first = toast(s, 'did not give Plotwright access');
    await first.waitFor({ state: 'visible', timeout: 30_000 });
    await s.page.waitForTimeout(600); // the toast slides in
    await s.screenshot('access-denied');
    assert.match((await first.textContent()) ?? '', /Manage Access To Jupyter Kernels/);
    await first.locator('.codicon-notifications-clear').click();

    // Jupyter remembers the Deny: no dialog this time, and Plotwright says it again.
    await s.runCommand('Plotwright: Plot DataFrame…');
    const again = toast(s, 'did not give Plotwright access');
    await again.waitFor({ state: 'visible', timeout: 30_000 });
    await s.page.waitForTimeout(600);
    await s.screenshot('access-denied-again');
    assert.equal(await kernelAccessDialog(s).count(), 0);
    await again.getByRole('button', { name: 'Manage Access to Kernels' }).click();

    // Jupyter's own picker of the extensions that may use kernels: give Plotwright access back.
    const picker = s.page.locator('.quick-input-widget');
    const row = picker.locator('.quick-input-list .monaco-list-row', { hasText: 'Plotwright' });
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    await s.screenshot('manage-access');
    await row.locator('input[type="checkbox"], .monaco-checkbox, .quick-input-list-checkbox').first().click();
    await picker.getByRole('button', { name: 'OK' }).click();
    await picker.waitFor({ state: 'hidden', timeout: 10_000 });

    mock.enqueue({ content: answer('import matplotlib.pyplot as plt\nplt.bar(df["region"], df["sales"])\nplt.title("after access")\nplt.show()') });
    await s.runCommand('Plotwright: Plot DataFrame…');
    await typeTask(s, 'Sales per region as bars');
    await toast(s, 'Run it in your kernel?').getByRole('button', { name: 'Run', exact: true }).click({ timeout: 120_000 });
    await s.waitForCells((c) => generated(c)[0]?.outputs.images === 1, { timeoutMs: RUN_TIMEOUT_MS, message: 'no plot after access was given back' });
    await s.screenshot('access-given-back');
  });
});

describe('Plotwright with the real Jupyter extension: consent, cancel, insert position, timeouts', { timeout: 900_000 }, () => {
  let session: CodeServerSession | undefined;
  let mock: MockOpenAI;
  let workspace = '';

  before(async () => {
    mock = await startMockOpenAI();
    workspace = copyWorkspace('pw-e2e-jupyter-');
    // consent.ipynb: the notebook of the Cancel test (Jupyter keeps a Cancel for that kernel).
    const sales = readFileSync(join(workspace, 'sales.ipynb'), 'utf8');
    writeFileSync(join(workspace, 'consent.ipynb'), sales);
    withExtraCells(join(workspace, 'sales.ipynb'), EXTRA_CELLS);
    session = await startCodeServer({
      workspace,
      extensions: [realJupyter(), await packagePlotwright()],
      name: 'jupyter-access',
      env: { PLOTWRIGHT_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS), PLOTWRIGHT_RUN_TIMEOUT_MS: String(RUN_TIMEOUT_TEST_MS) },
      settings: {
        'plotwright.baseUrl': mock.baseUrl,
        'plotwright.model': 'mock-model',
        'plotwright.runGeneratedCode': 'always',
        'plotwright.maxRepairs': 0,
      },
      viewport: { width: 1400, height: 1400 },
    });
  });

  beforeEach(() => mock.reset());

  after(() => tearDown([session, mock], [workspace]));

  it('says what happened when the user cancels Jupyter\'s consent dialog (Jupyter keeps that answer for the kernel)', async () => {
    const s = session as CodeServerSession;
    await s.openFile('consent.ipynb');
    await s.waitForCells((cells) => cells.length === 3, { message: 'consent.ipynb did not open' });
    await runAllCells(s);
    await s.waitForCells((c) => c[2]?.outputs.images === 1, { timeoutMs: RUN_TIMEOUT_MS, message: 'consent.ipynb did not run' });
    await s.runCommand('Plotwright: Plot DataFrame…');
    await answerKernelAccess(s, 'Cancel', 'consent-cancel-dialog');
    const message = toast(s, 'did not give Plotwright access');
    await message.waitFor({ state: 'visible', timeout: 30_000 });
    await s.page.waitForTimeout(600); // the toast slides in
    await s.screenshot('consent-cancelled');
    assert.ok(await message.getByRole('button', { name: 'Manage Access to Kernels' }).isVisible());
    assert.equal(mock.chatRequests().length, 0);
    await message.locator('.codicon-notifications-clear').click();
    await s.runCommand('View: Close All Editors');
  });

  it('waits for an Allow read slowly, and puts the plot below the cell that creates df, not below the title', async () => {
    const s = session as CodeServerSession;
    await s.openFile('sales.ipynb');
    await s.waitForCells((cells) => cells.length === 5, { message: 'sales.ipynb did not open' });
    // Run All leaves the selection on the markdown title, where an opened notebook has it.
    await runAllCells(s);
    await s.waitForCells((c) => c[4]?.outputs.images === 1, { timeoutMs: RUN_TIMEOUT_MS, message: 'sales.ipynb did not run' });
    mock.enqueue({ content: answer('import matplotlib.pyplot as plt\nplt.bar(df["region"], df["sales"])\nplt.title("below df")\nplt.show()') });
    await s.runCommand('Plotwright: Plot DataFrame…');
    // The user reads the dialog for longer than Plotwright's query timeout.
    await answerKernelAccess(s, 'Allow', 'slow-allow-dialog', { delayMs: QUERY_TIMEOUT_MS + 5_000 });
    await typeTask(s, 'Sales per region as bars');
    const cells = await s.waitForCells((c) => c[4]?.text.includes('# Plotwright:') === true && c[4].outputs.images === 1, {
      timeoutMs: RUN_TIMEOUT_MS,
      message: 'the plot cell is not right below the cell that creates df',
    });
    await s.screenshot('slow-allow-plot-below-df');
    assert.match(cells[3].text, /df = pd\.DataFrame/);
    await toast(s, 'plot ready').waitFor({ timeout: 30_000 });
    // The saved file has every cell (the page renders only those in view): the plot sits between df and the bar chart.
    const saved = await saveNotebook(s, join(workspace, 'sales.ipynb'));
    const sources = saved.cells.map((c) => [c.source].flat().join(''));
    assert.equal(sources.length, 6);
    assert.match(sources[3], /df = pd\.DataFrame/);
    assert.match(sources[4], /# Plotwright: Sales per region as bars/);
    assert.match(sources[5], /df\.plot\.bar/);
    assert.ok(saved.cells[4].metadata.plotwright, 'no provenance on the plot cell');
  });

  it('is silent when cancelled while its query waits behind a running cell, and leaves that cell running', async () => {
    const s = session as CodeServerSession;
    await s.runCommand('Notifications: Clear All Notifications').catch(() => undefined);
    await s.runCommand('Plotwright: Plot DataFrame…');
    await s.page.locator('.quick-input-widget', { hasText: 'What should the plot show?' }).waitFor({ timeout: 60_000 });
    // While the user types the task, a long cell starts: Plotwright's description queues behind it.
    writeFileSync(join(workspace, 'sleep.flag'), '');
    await runCell(s, 1);
    await s.waitForCells((c) => c[1]?.state === 'executing', { timeoutMs: 30_000, message: 'the sleeping cell did not start' });
    await typeTask(s, 'Bars that will never be drawn');
    await cancelProgress(s, 'Describing the DataFrame');
    await expectSilence(s, 'Describing the DataFrame');
    await s.screenshot('cancel-queued');
    const cells = await s.waitForCells((c) => c[1]?.state === 'success', { timeoutMs: 60_000, message: 'the user\'s cell did not finish' });
    assert.match(cells[1].outputs.text, /slept/);
    assert.equal(mock.chatRequests().length, 0);
  });

  it('stops a generated cell that never ends when the run timeout passes, and interrupts the kernel', async () => {
    const s = session as CodeServerSession;
    mock.enqueue({ content: RUNAWAY });
    await s.runCommand('Plotwright: Plot DataFrame…');
    await typeTask(s, 'A plot that spins');
    const started = Date.now();
    const failed = toast(s, 'Plotwright: failed');
    await failed.waitFor({ state: 'visible', timeout: RUN_TIMEOUT_TEST_MS + 60_000 });
    const tookMs = Date.now() - started;
    const cells = await s.waitForCells((c) => generated(c).some((cell) => cell.text.includes('spins forever') && cell.state === 'error'), {
      timeoutMs: 30_000,
      message: 'the runaway cell was not stopped',
    });
    await s.page.waitForTimeout(600);
    await s.screenshot('runaway-timeout');
    assert.ok(tookMs >= RUN_TIMEOUT_TEST_MS, `stopped after ${tookMs} ms`);
    assert.match(generated(cells).find((c) => c.text.includes('spins forever'))?.outputs.text ?? '', /KeyboardInterrupt/);
  });

  it('stops a generated cell that never ends when the user cancels, silently', async () => {
    const s = session as CodeServerSession;
    await s.runCommand('Notifications: Clear All Notifications').catch(() => undefined);
    mock.enqueue({ content: RUNAWAY.replace('spins forever', 'spins until cancelled') });
    await s.runCommand('Plotwright: Plot DataFrame…');
    await typeTask(s, 'A plot that spins until cancelled');
    await s.waitForCells((c) => generated(c).some((cell) => cell.text.includes('spins until cancelled') && cell.state === 'executing'), {
      timeoutMs: RUN_TIMEOUT_MS,
      message: 'the runaway cell did not start',
    });
    await cancelProgress(s, 'Running the cell');
    await expectSilence(s, 'Running the cell');
    const cells = await s.waitForCells((c) => generated(c).some((cell) => cell.text.includes('spins until cancelled') && cell.state === 'error'), {
      timeoutMs: 30_000,
      message: 'Cancel did not stop the runaway cell',
    });
    await s.screenshot('runaway-cancelled');
    assert.match(generated(cells).find((c) => c.text.includes('spins until cancelled'))?.outputs.text ?? '', /KeyboardInterrupt/);
  });

  it('is silent when cancelled while its own query runs, and the kernel is interrupted', async () => {
    const s = session as CodeServerSession;
    await s.runCommand('Notifications: Clear All Notifications').catch(() => undefined);
    writeFileSync(join(workspace, 'slow.flag'), '');
    await runCell(s, 2);
    await s.waitForCells((c) => c.some((cell) => cell.outputs.text.includes('slow frame')), { timeoutMs: 60_000, message: 'the slow frame was not made' });
    await s.runCommand('Plotwright: Plot DataFrame…');
    await typeTask(s, 'Bars of a frame that takes minutes to print');
    // The description prints the first rows: Slow.__repr__ sleeps in the kernel.
    await s.page.waitForTimeout(2_000);
    await cancelProgress(s, 'Describing the DataFrame');
    const cancelledAt = Date.now();
    await expectSilence(s, 'Describing the DataFrame');
    await s.screenshot('cancel-running');
    assert.ok(Date.now() - cancelledAt < 30_000);
    // The kernel was interrupted: a cell runs at once.
    const before = (await s.notebookCells())[3]?.executionOrder ?? 0;
    await runCell(s, 3);
    await s.waitForCells((c) => c[3]?.state === 'success' && (c[3].executionOrder ?? 0) > before && c[3].outputs.text.includes('(4, 3)'), {
      timeoutMs: 30_000,
      message: 'the kernel was still busy with the cancelled query',
    });
    assert.equal(mock.chatRequests().length, 0);
  });
});

// Plotwright's packaged .vsix in a real VS Code (code-server), with the Jupyter stand-in running a real
// Python kernel and a mock model on 127.0.0.1: the user journeys through the UI, checked on screen.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startMockOpenAI, type MockOpenAI } from '../support/mockOpenAI.js';
import { startCodeServer, type CodeServerSession, type NotebookCellInfo } from './support/codeServer.js';
import { packageExtension, packagePlotwright, STANDIN } from './support/extensions.js';
import { REPO_ROOT } from './support/paths.js';

const fence = '```';
const answer = (code: string) => `Here you go.\n${fence}python\n${code}\n${fence}`;
const RUN_TIMEOUT_MS = 180_000;
const BROKEN = 'import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.bar(df["Region"], df["sales"])\nplt.show()';
const FIXED =
  'import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.bar(df["region"], df["sales"], color="#DD8452")\n' +
  'ax.set_title("Sales per region (Plotwright)")\nplt.show()';

const generated = (cells: NotebookCellInfo[]) => cells.filter((c) => c.kind === 'code' && c.text.includes('# Plotwright:'));

describe('Plotwright in VS Code', { timeout: 900_000 }, () => {
  let session: CodeServerSession | undefined;
  let mock: MockOpenAI;
  let workspace = '';

  before(async () => {
    mock = await startMockOpenAI();
    workspace = mkdtempSync(join(tmpdir(), 'pw-e2e-plotwright-'));
    cpSync(join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'workspace'), workspace, { recursive: true });
    const extensions = [await packagePlotwright(), await packageExtension(STANDIN)];
    session = await startCodeServer({
      workspace,
      extensions,
      name: 'plotwright',
      settings: {
        'plotwright.baseUrl': mock.baseUrl,
        'plotwright.model': 'mock-model',
        'plotwright.runGeneratedCode': 'ask',
        'plotwright.maxRepairs': 2,
      },
      viewport: { width: 1400, height: 1800 },
    });
    const s = session;
    await s.openFile('sales.ipynb');
    await s.waitForCells((cells) => cells.length === 3, { message: 'the notebook did not open' });
    await s.runCommand('Notebook: Run All');
    await s.waitForCells((c) => c[2]?.outputs.images === 1, { timeoutMs: RUN_TIMEOUT_MS, message: 'the notebook did not run' });
  });

  beforeEach(() => {
    mock.reset();
  });

  after(async () => {
    await session?.close();
    await mock?.close();
    rmSync(workspace, { recursive: true, force: true });
  });

  async function askForPlot(s: CodeServerSession, task: string): Promise<void> {
    await s.runCommand('Plotwright: Plot DataFrame…');
    const input = s.page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible', timeout: 60_000 });
    await s.page.locator('.quick-input-widget', { hasText: 'What should the plot show?' }).waitFor({ timeout: 60_000 });
    await input.fill(task);
    await s.page.keyboard.press('Enter');
  }

  async function answerConsent(s: CodeServerSession, button: 'Run' | "Don't Run"): Promise<void> {
    const toast = s.page.locator('.notification-toast', { hasText: 'Run it in your kernel?' });
    await toast.waitFor({ state: 'visible', timeout: 120_000 });
    await s.screenshot(`consent-${button === 'Run' ? 'run' : 'decline'}`);
    await toast.getByRole('button', { name: button, exact: true }).click();
  }

  it('inserts a cell, asks before running it, repairs the first answer that raises, and shows the plot', async () => {
    const s = session as CodeServerSession;
    mock.enqueue({ content: answer(BROKEN) }, { content: answer(FIXED) });
    await askForPlot(s, 'Bar chart of sales per region');
    await answerConsent(s, 'Run');
    const cells = await s.waitForCells((c) => generated(c)[0]?.outputs.images === 1 && generated(c)[0]?.state === 'success', {
      timeoutMs: RUN_TIMEOUT_MS,
      message: 'the repaired cell never showed its plot',
    });
    await s.screenshot('plot-dataframe-repaired');
    const [cell] = generated(cells);
    assert.match(cell.text, /# Plotwright: Bar chart of sales per region/);
    assert.match(cell.text, /model: mock-model · library: matplotlib/);
    assert.match(cell.text, /df\["region"\]/);
    assert.deepEqual(cell.outputMimes, ['image/png']);
    // Inserted below the active cell; the user's cells are untouched.
    assert.equal(cells.filter((c) => c.kind === 'code').length, 3);
    assert.equal(cells.filter((c) => /df = pd\.DataFrame/.test(c.text)).length, 1);
    assert.equal(cells.filter((c) => /Sales by region/.test(c.text) && c.outputs.images === 1).length, 1);

    const requests = mock.chatRequests();
    assert.equal(requests.length, 2);
    const prompt = String(requests[0].body?.messages?.[1].content);
    assert.match(prompt, /The DataFrame `df` has 4 rows and 3 columns/);
    assert.match(prompt, /- region: object\n- sales: int64\n- year: int64/);
    assert.match(prompt, /Installed versions in the kernel: python 3\.\d+\.\d+, pandas \d/);
    assert.match(String(requests[1].body?.messages?.[3].content), /KeyError: 'Region'/);
    // Provenance is saved with the notebook.
    await s.runCommand('File: Save');
    const saved = JSON.parse(readFileSync(join(workspace, 'sales.ipynb'), 'utf8')) as {
      cells: Array<{ source: string[] | string; metadata: { plotwright?: { model: string; attempts: unknown[]; promptVersion: string } } }>;
    };
    const savedCell = saved.cells.find((c) => [c.source].flat().join('').includes('# Plotwright:'));
    assert.equal(savedCell?.metadata.plotwright?.model, 'mock-model');
    assert.equal(savedCell?.metadata.plotwright?.attempts.length, 2);
    assert.match(savedCell?.metadata.plotwright?.promptVersion ?? '', /^prompts-/);
  });

  it('says clearly when the model returns no code, and inserts nothing', async () => {
    const s = session as CodeServerSession;
    const before = (await s.notebookCells()).length;
    mock.setResponder(() => ({ content: 'I would love to help, but I need more details about your data.' }));
    await askForPlot(s, 'Line chart of sales');
    const toast = s.page.locator('.notification-toast', { hasText: 'The model returned no code' });
    await toast.waitFor({ state: 'visible', timeout: 120_000 });
    await s.screenshot('no-code');
    assert.match((await toast.textContent()) ?? '', /failed after 2 repair\(s\)/);
    assert.equal(mock.chatRequests().length, 3);
    assert.equal((await s.notebookCells()).length, before);
  });

  it('leaves the generated cell unrun when the user declines', async () => {
    const s = session as CodeServerSession;
    mock.enqueue({ content: answer('import matplotlib.pyplot as plt\nplt.plot(df["sales"])\nplt.title("declined")\nplt.show()') });
    await askForPlot(s, 'A line of sales, but do not run it');
    await answerConsent(s, "Don't Run");
    const cells = await s.waitForCells((c) => c.some((cell) => cell.text.includes('plt.title("declined")')), {
      timeoutMs: 60_000,
      message: 'the declined cell was not inserted',
    });
    await s.page.locator('.notification-toast', { hasText: 'inserted, not run' }).waitFor({ timeout: 30_000 });
    await s.screenshot('declined');
    const declined = cells.find((cell) => cell.text.includes('plt.title("declined")'));
    assert.deepEqual(declined?.outputMimes, []);
    assert.equal(declined?.executionOrder, undefined);
  });
});

// Plotwright's packaged .vsix in a real VS Code (code-server), with Microsoft's Jupyter extension running
// Debian's python3 kernel and a mock model on 127.0.0.1: the user journeys through the UI, checked on screen.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startMockOpenAI, type MockOpenAI } from '../support/mockOpenAI.js';
import { startCodeServer, type CodeServerSession, type NotebookCellInfo } from './support/codeServer.js';
import { packagePlotwright, realJupyter } from './support/extensions.js';
import { answerConsent, answerKernelAccess, askForPlot, pickKernelIfAsked, copyWorkspace, RUN_TIMEOUT_MS, runSalesNotebook, saveNotebook, tearDown, toast, typeTask } from './support/journeys.js';
import { REPO_ROOT } from './support/paths.js';

const fence = '```';
const answer = (code: string) => `Here you go.\n${fence}python\n${code}\n${fence}`;
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
    workspace = copyWorkspace('pw-e2e-plotwright-');
    writeFileSync(join(workspace, 'prices.csv'), 'day,price,volume\n1,10.5,300\n2,11.25,280\n3,10.75,310\n4,12.0,330\n5,12.5,290\n6,12.25,305\n');
    const extensions = [await packagePlotwright(), realJupyter()];
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
    await runSalesNotebook(session);
  });

  beforeEach(() => {
    mock.reset();
  });

  after(() => tearDown([session, mock], [workspace]));

  it('asks Jupyter for kernel access, inserts a cell, asks before running it, repairs the first answer that raises, and shows the plot', async () => {
    const s = session as CodeServerSession;
    mock.enqueue({ content: answer(BROKEN) }, { content: answer(FIXED) });
    await s.runCommand('Plotwright: Plot DataFrame…');
    // Jupyter's own dialog, on Plotwright's first query of this session.
    await answerKernelAccess(s, 'Allow', 'kernel-access');
    await typeTask(s, 'Bar chart of sales per region');
    await answerConsent(s, 'Run', 'consent-run');
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

    const requests = mock.chatRequests();
    assert.equal(requests.length, 2);
    const prompt = String(requests[0].body?.messages?.[1].content);
    assert.match(prompt, /The DataFrame `df` has 4 rows and 3 columns/);
    assert.match(prompt, /- region: object\n- sales: int64\n- year: int64/);
    assert.match(prompt, /Installed versions in the kernel: python 3\.\d+\.\d+, pandas \d/);
    assert.match(String(requests[1].body?.messages?.[3].content), /KeyError: 'Region'/);
    // Provenance is written once the cell ran, before the command ends: wait for its end, then for the save.
    await toast(s, 'plot ready').waitFor({ timeout: 60_000 });
    const saved = (await saveNotebook(s, join(workspace, 'sales.ipynb'))) as {
      cells: Array<{ source: string[] | string; metadata: { plotwright?: { model: string; attempts: unknown[]; promptVersion: string } } }>;
    };
    // One cell added; the user's cells are there, unchanged (read from the saved file: the page only
    // renders the cells in view).
    const original = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'workspace', 'sales.ipynb'), 'utf8')) as typeof saved;
    const sources = (n: typeof saved) => n.cells.map((c) => [c.source].flat().join(''));
    assert.equal(saved.cells.length, original.cells.length + 1);
    for (const source of sources(original)) {
      assert.ok(sources(saved).includes(source), `user cell changed: ${source.slice(0, 40)}`);
    }
    const savedCell = saved.cells.find((c) => [c.source].flat().join('').includes('# Plotwright:'));
    assert.equal(savedCell?.metadata.plotwright?.model, 'mock-model');
    assert.equal(savedCell?.metadata.plotwright?.attempts.length, 2);
    assert.match(savedCell?.metadata.plotwright?.promptVersion ?? '', /^prompts-/);
  });

  it('says clearly when the model returns no code, and inserts nothing', async () => {
    const s = session as CodeServerSession;
    mock.setResponder(() => ({ content: 'I would love to help, but I need more details about your data.' }));
    await askForPlot(s, 'Line chart of sales');
    const toast = s.page.locator('.notification-toast', { hasText: 'The model returned no code' });
    await toast.waitFor({ state: 'visible', timeout: 120_000 });
    await s.screenshot('no-code');
    assert.match((await toast.textContent()) ?? '', /failed after 2 repair\(s\)/);
    assert.equal(mock.chatRequests().length, 3);
    assert.ok(!(await s.notebookCells()).some((c) => c.text.includes('# Plotwright: Line chart of sales')), 'a cell was inserted');
  });

  it('leaves the generated cell unrun when the user declines', async () => {
    const s = session as CodeServerSession;
    mock.enqueue({ content: answer('import matplotlib.pyplot as plt\nplt.plot(df["sales"])\nplt.title("declined")\nplt.show()') });
    await askForPlot(s, 'A line of sales, but do not run it');
    await answerConsent(s, "Don't Run", 'consent-decline');
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

  it('compares the three libraries in three cells, in order, each with its outcome', async () => {
    const s = session as CodeServerSession;
    mock.setResponder((body) => {
      const prompt = String(body.messages?.[1]?.content ?? '');
      if (/Plotly only/.test(prompt)) {
        return { content: answer('import plotly.express as px\nfig = px.bar(df, x="region", y="sales", title="plotly bars")\nfig.show()') };
      }
      if (/Plotting library: Seaborn/.test(prompt)) {
        return { content: answer('import seaborn as sns\nimport matplotlib.pyplot as plt\nsns.barplot(data=df, x="region", y="sales")\nplt.title("seaborn bars")\nplt.show()') };
      }
      return { content: answer('import matplotlib.pyplot as plt\nplt.bar(df["region"], df["sales"])\nplt.title("matplotlib bars")\nplt.show()') };
    });
    await s.runCommand('Plotwright: Compare Libraries…');
    const input = s.page.locator('.quick-input-widget input.input');
    await s.page.locator('.quick-input-widget', { hasText: 'What should the plot show?' }).waitFor({ timeout: 60_000 });
    await input.fill('Sales per region as bars');
    await s.page.keyboard.press('Enter');
    // One question per cell: the Run for the Matplotlib cell does not cover the cells not generated yet.
    const first = toast(s, 'Run it in your kernel?');
    await first.waitFor({ state: 'visible', timeout: 120_000 });
    const firstCell = Number(/in cell (\d+)\./.exec((await first.textContent()) ?? '')?.[1]);
    await first.getByRole('button', { name: 'Run', exact: true }).click();
    for (const next of [firstCell + 1, firstCell + 2]) {
      const question = toast(s, `inserted generated code in cell ${next}.`);
      await question.waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
      await question.getByRole('button', { name: 'Run', exact: true }).click();
    }
    const summary = s.page.locator('.notification-toast', { hasText: 'matplotlib: ok' });
    await summary.waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
    await s.screenshot('compare-libraries');
    assert.match((await summary.textContent()) ?? '', /matplotlib: ok · seaborn: ok · plotly: ok/);
    // The page renders only the cells in view: the saved file has them all, with their outputs.
    const saved = await saveNotebook(s, join(workspace, 'sales.ipynb'));
    const sources = saved.cells.map((c) => [c.source].flat().join(''));
    const order = ['matplotlib bars', 'seaborn bars', 'plotly bars'].map((title) => sources.findIndex((source) => source.includes(title)));
    assert.ok(order.every((i) => i >= 0), `cells: ${JSON.stringify(order)}`);
    assert.deepEqual([...order].sort((a, b) => a - b), order, 'the three cells are in library order');
    assert.equal(order[1] - order[0], 1);
    assert.equal(order[2] - order[1], 1);
    const mimes = (i: number) => (saved.cells[i].outputs ?? []).flatMap((o) => Object.keys(o.data ?? {}));
    assert.ok(mimes(order[0]).includes('image/png'), mimes(order[0]).join(','));
    assert.ok(mimes(order[1]).includes('image/png'), mimes(order[1]).join(','));
    // Jupyter saves a Plotly figure as its JSON (and HTML): either names Plotly.
    const plotlyOutputs = JSON.stringify(saved.cells[order[2]].outputs ?? []);
    assert.match(plotlyOutputs, /plotly/i, JSON.stringify(saved.cells[order[2]]).slice(0, 2000));
    assert.equal(mock.chatRequests().length, 3);
  });

  it('keeps the API key from "Set API Key" in secret storage and sends it to the endpoint', async () => {
    const s = session as CodeServerSession;
    await s.runCommand('Plotwright: Set API Key');
    const input = s.page.locator('.quick-input-widget input.input');
    await s.page.locator('.quick-input-widget', { hasText: 'secret storage' }).waitFor({ timeout: 60_000 });
    await input.fill('sk-e2e-secret-42');
    await s.page.keyboard.press('Enter');
    await s.page.locator('.notification-toast', { hasText: 'API key saved' }).waitFor({ timeout: 30_000 });
    mock.enqueue({ content: answer('import matplotlib.pyplot as plt\nplt.plot(df["sales"])\nplt.title("with key")\nplt.show()') });
    await askForPlot(s, 'A line of sales with the stored key');
    await answerConsent(s, 'Run', 'consent-run');
    await s.page.locator('.notification-toast', { hasText: 'plot ready' }).last().waitFor({ timeout: RUN_TIMEOUT_MS });
    assert.equal(mock.chatRequests()[0].headers.authorization, 'Bearer sk-e2e-secret-42');
    const settings = readFileSync(join(s.userDataDir, 'User', 'settings.json'), 'utf8');
    assert.doesNotMatch(settings, /sk-e2e-secret-42/);
  });

  it('lists the endpoint\'s models in "Select Model" and uses the one picked', async () => {
    const s = session as CodeServerSession;
    mock.setModels(['mock-model', 'mock-large-2026']);
    await s.runCommand('Plotwright: Select Model');
    const row = s.page.locator('.quick-input-list .monaco-list-row', { hasText: 'mock-large-2026' });
    await row.waitFor({ state: 'visible', timeout: 60_000 });
    await s.screenshot('select-model');
    await row.click();
    // The choice is saved in the user's settings.
    const settingsFile = join(s.userDataDir, 'User', 'settings.json');
    for (let i = 0; i < 600 && !readFileSync(settingsFile, 'utf8').includes('mock-large-2026'); i++) {
      await s.page.waitForTimeout(100);
    }
    assert.match(readFileSync(settingsFile, 'utf8'), /"plotwright\.model": "mock-large-2026"/);
    mock.enqueue({ content: answer('import matplotlib.pyplot as plt\nplt.plot(df["sales"])\nplt.title("large model")\nplt.show()') });
    await askForPlot(s, 'A line of sales from the larger model');
    await answerConsent(s, 'Run', 'consent-run');
    await s.page.locator('.notification-toast', { hasText: 'plot ready' }).last().waitFor({ timeout: RUN_TIMEOUT_MS });
    assert.equal(mock.chatRequests().at(-1)?.body?.model, 'mock-large-2026');
    assert.ok(mock.requests.some((r) => r.method === 'GET' && r.path.endsWith('/models')));
  });

  it('shortens a long task with the model, lets the user edit it, then plots with it', async () => {
    const s = session as CodeServerSession;
    mock.enqueue(
      { content: 'Bars of sales for each region.' },
      { content: answer('import matplotlib.pyplot as plt\nplt.bar(df["region"], df["sales"])\nplt.title("shortened")\nplt.show()') },
    );
    await s.runCommand('Plotwright: Shorten Task…');
    const input = s.page.locator('.quick-input-widget input.input');
    await s.page.locator('.quick-input-widget', { hasText: 'The detailed task to shorten' }).waitFor({ timeout: 60_000 });
    await input.fill('Create a bar chart where each region of the DataFrame is a bar whose height is its sales. Use a muted palette, label the axes, add a title and make sure the bars are sorted by region name.');
    await s.page.keyboard.press('Enter');
    await s.page.locator('.quick-input-list .monaco-list-row', { hasText: 'One sentence' }).click({ timeout: 30_000 });
    await s.page.locator('.quick-input-widget', { hasText: 'edit it, then Enter to plot' }).waitFor({ timeout: 60_000 });
    assert.equal(await input.inputValue(), 'Bars of sales for each region.');
    await s.screenshot('shorten-task');
    await input.fill('Bars of sales for each region, tallest first.');
    await s.page.keyboard.press('Enter');
    await answerConsent(s, 'Run', 'consent-run');
    await s.waitForCells((c) => c.some((cell) => cell.text.includes('# Plotwright: Bars of sales for each region, tallest first.')), {
      timeoutMs: RUN_TIMEOUT_MS,
      message: 'no cell for the edited task',
    });
    const [shorten, plot] = mock.chatRequests();
    assert.match(String(shorten.body?.messages?.[1].content), /one sentence/);
    assert.match(String(plot.body?.messages?.[1].content), /The chart to draw:\nBars of sales for each region, tallest first\./);
  });

  it('plots a CSV file from the explorer: a new notebook that loads it, described without a kernel', async () => {
    const s = session as CodeServerSession;
    mock.enqueue({ content: answer('import matplotlib.pyplot as plt\nplt.plot(df["day"], df["price"], marker="o")\nplt.title("price by day")\nplt.show()') });
    // Only the new notebook stays on screen (the cell reader looks at the visible notebook).
    await s.runCommand('View: Close All Editors');
    const taskBox = s.page.locator('.quick-input-widget', { hasText: '6 rows × 3 columns' });
    // A context menu opened while the workbench is still moving focus can close again: retry it.
    for (let attempt = 1; ; attempt++) {
      await s.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'prices.csv' }).click({ button: 'right' });
      // The menu acts on the highlighted item: hover it, then Enter (a plain click sometimes only highlights it).
      await s.page.locator('.context-view .action-label', { hasText: 'Plot CSV File…' }).hover({ timeout: 30_000 });
      await s.page.keyboard.press('Enter');
      try {
        await taskBox.waitFor({ timeout: 20_000 });
        break;
      } catch (error) {
        await s.screenshot(`plot-csv-file-menu-${attempt}`);
        if (attempt === 3) {
          throw error;
        }
        await s.page.keyboard.press('Escape');
      }
    }
    const input = s.page.locator('.quick-input-widget input.input');
    // The model is asked before any kernel exists: the description comes from the CSV itself.
    await input.fill('Price by day as a line with markers');
    await s.page.keyboard.press('Enter');
    await answerConsent(s, 'Run', 'consent-run');
    // A new notebook: Jupyter may still be choosing its kernel when the loading cell runs.
    await pickKernelIfAsked(s);
    const cells = await s
      .waitForCells((c) => c.length === 2 && c[1].outputs.images === 1, {
        timeoutMs: RUN_TIMEOUT_MS,
        message: 'the CSV notebook never showed the plot',
      })
      .catch(async (error: unknown) => {
        await s.screenshot('plot-csv-file-failure');
        throw error;
      });
    await s.screenshot('plot-csv-file');
    assert.match(cells[0].text, /df = pd\.read_csv\(".*prices\.csv"\)/);
    assert.match(cells[1].text, /# Plotwright: Price by day as a line with markers/);
    const prompt = String(mock.chatRequests()[0].body?.messages?.[1].content);
    assert.match(prompt, /has 6 rows and 3 columns/);
    assert.match(prompt, /- day: int64\n- price: float64\n- volume: int64/);
    assert.match(prompt, / {3}day {2}price {2}volume\n0 {4}1 {2}10\.50 {5}300/);
  });
});

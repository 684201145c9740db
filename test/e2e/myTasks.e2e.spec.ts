// Benchmark on your own tasks, in a real VS Code (code-server) with the real Jupyter extension and a mock
// model: with plotwright.collectTasks on, two plots made in a notebook become two tasks in the workspace's
// .plotwright/tasks; "Compare on PandasPlotBench…" offers them as "My tasks" and compares two models on
// them. Then "Plot CSV File…" on a semicolon-separated Latin-1 file with accented values: the task box
// says how the file was read, the notebook loads it with that encoding and separator, and the plot
// appears (and, collection being on, becomes a third task with the data in UTF-8).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadDataset } from '../../benchmark/dataset.js';
import { listTasks, TASKS_FOLDER } from '../../benchmark/taskFolder.js';
import { isJudgeRequest } from '../benchmark/benchFixtures.js';
import { startMockOpenAI, type ChatRequestBody, type MockOpenAI } from '../support/mockOpenAI.js';
import { answerFileDialog, choose, followRun, promptText, quickInput } from './support/benchmark.js';
import { startCodeServer, type CodeServerSession } from './support/codeServer.js';
import { packagePlotwright, realJupyter } from './support/extensions.js';
import { answerConsent, answerKernelAccess, copyWorkspace, kernelAccessDialog, pickKernelIfAsked, RUN_TIMEOUT_MS, runSalesNotebook, tearDown, toast, typeTask } from './support/journeys.js';

const fence = '```';
const TITLE = 'Compare on PandasPlotBench';
const BAR_TASK = 'Bar chart of sales per region';
const LINE_TASK = 'Sales per region as a line with markers';
const CSV_TASK = 'Area of each city as bars';
const CITIES = 'Stadt;Einwohner;Fläche\nKöln;1084831;405,0\nMünchen;1512491;310,7\nZürich;421878;87,9\nMálaga;578460;398,3\nSão Paulo;11451245;1521,1\n';

const CODE: Record<string, string> = {
  [BAR_TASK]: 'import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.bar(df["region"], df["sales"], color="#4C72B0")\nax.set_title("Sales per region")\nplt.show()',
  [LINE_TASK]: 'import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot(df["region"], df["sales"], marker="o")\nax.set_title("Sales per region")\nplt.show()',
  [CSV_TASK]: 'import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.bar(df["Stadt"], df["Fläche"])\nax.set_title("Fläche")\nplt.show()',
};
/** What the second model answers for the line task: code that raises, so it draws nothing there. */
const B_LINE = 'import matplotlib.pyplot as plt\nplt.plot(df["Region"], df["sales"])\nplt.show()';

/** The generator answers by task (mock-model-b fails the line task); the judge gives fixed scores. */
function responder(body: ChatRequestBody) {
  const prompt = promptText(body);
  if (isJudgeRequest(body)) {
    return { content: prompt.includes('REFERENCE chart') ? 'Same chart.\nFINAL SCORE: 80' : 'As asked.\nFINAL SCORE: 90' };
  }
  const task = Object.keys(CODE).find((t) => prompt.includes(t));
  if (!task) {
    return { content: 'no idea' };
  }
  const code = body.model === 'mock-model-b' && task === LINE_TASK ? B_LINE : CODE[task];
  return { content: `Here you go.\n${fence}python\n${code}\n${fence}` };
}

describe('Benchmark on your own tasks, and Plot CSV File on a Latin-1 file', { timeout: 900_000 }, () => {
  let session: CodeServerSession | undefined;
  let mock: MockOpenAI;
  let workspace = '';

  before(async () => {
    mock = await startMockOpenAI();
    mock.setResponder(responder);
    mock.setModels(['mock-model', 'mock-model-b']);
    workspace = copyWorkspace('pw-e2e-mytasks-');
    writeFileSync(join(workspace, 'staedte.csv'), Buffer.from(CITIES, 'latin1'));
    session = await startCodeServer({
      workspace,
      extensions: [await packagePlotwright(), realJupyter()],
      name: 'my-tasks',
      settings: {
        'plotwright.baseUrl': mock.baseUrl,
        'plotwright.model': 'mock-model',
        'plotwright.runGeneratedCode': 'ask',
        'plotwright.collectTasks': true,
      },
      viewport: { width: 1400, height: 1400 },
    });
    await runSalesNotebook(session);
  });

  after(() => tearDown([session, mock], [workspace]));

  it('collects two accepted plots as tasks, then compares two models on "My tasks"', async () => {
    const s = session as CodeServerSession;
    const root = join(workspace, TASKS_FOLDER);
    for (const [index, task] of [BAR_TASK, LINE_TASK].entries()) {
      await s.runCommand('Plotwright: Plot DataFrame…');
      if (index === 0) {
        // Jupyter's own dialog, on Plotwright's first query of this session.
        await answerKernelAccess(s, 'Allow', 'my-tasks-kernel-access');
      }
      await typeTask(s, task);
      await answerConsent(s, 'Run', `my-tasks-consent-${index + 1}`);
      // The task is written before the command ends, so before "plot ready".
      await toast(s, 'plot ready').waitFor({ timeout: RUN_TIMEOUT_MS });
      await s.runCommand('Notifications: Clear All Notifications');
    }
    await s.screenshot('my-tasks-two-plots');
    assert.deepEqual(listTasks(root).map((t) => [t.id, t.task, t.model, t.library, t.variable, t.rows, t.capNote, t.hasPng]), [
      [1, BAR_TASK, 'mock-model', 'matplotlib', 'df', 4, null, true],
      [2, LINE_TASK, 'mock-model', 'matplotlib', 'df', 4, null, true],
    ]);
    const { items, errors } = await loadDataset(root);
    assert.deepEqual(errors, []);
    assert.deepEqual(items.map((i) => [i.id, i.code_plot, i.plots_gt.length]), [
      [1, CODE[BAR_TASK], 1],
      [2, CODE[LINE_TASK], 1],
    ]);
    assert.equal(items[0].data_csv, 'region,sales,year\nNorth,120,2024\nSouth,95,2024\nEast,143,2024\nWest,80,2024\n');
    assert.equal(readFileSync(join(root, 'task-0001', 'plot.png')).subarray(1, 4).toString(), 'PNG');

    await s.runCommand(`Plotwright: ${TITLE}…`);
    await choose(s, `${TITLE}: run generated code?`, 'Yes, run the generated programs');
    await choose(s, `${TITLE}: compare`, 'models');
    const models = quickInput(s, `${TITLE}: models`);
    await models.waitFor({ state: 'visible', timeout: 60_000 });
    // plotwright.model comes checked; check the second one.
    await models.locator('.quick-input-list .monaco-list-row', { hasText: 'mock-model-b' }).first().click();
    await s.page.waitForTimeout(300);
    const checked = await models.locator('.quick-input-list .monaco-list-row').evaluateAll((rows) =>
      rows.filter((row) => (row.querySelector('input[type=checkbox]') as HTMLInputElement | null)?.checked || row.getAttribute('aria-checked') === 'true').map((row) => row.textContent?.trim() ?? ''),
    );
    assert.deepEqual(checked.map((t) => /^mock-model(-b)?/.exec(t)?.[0]).sort(), ['mock-model', 'mock-model-b']);
    await s.page.keyboard.press('Enter');

    const datasets = quickInput(s, `${TITLE}: dataset`);
    await datasets.waitFor({ state: 'visible', timeout: 60_000 });
    const myTasks = datasets.locator('.quick-input-list .monaco-list-row', { hasText: 'My tasks' });
    await s.screenshot('my-tasks-dataset-pick');
    assert.match((await myTasks.textContent()) ?? '', /2 tasks collected from your accepted plots/);
    await myTasks.click();
    await choose(s, `${TITLE}: library`, 'matplotlib');
    await choose(s, `${TITLE}: task variant`, 'full');
    await choose(s, `${TITLE}: data descriptor`, 'head');
    await choose(s, `${TITLE}: items`, 'All 2 items');
    await choose(s, `${TITLE}: judges`, 'Visual and task');
    await choose(s, `${TITLE}: self-debug rounds`, 'No repair');
    const folderBox = quickInput(s, `${TITLE}: results folder`);
    await folderBox.waitFor({ state: 'visible', timeout: 30_000 });
    const outDir = await folderBox.locator('.quick-input-box input').inputValue();
    await s.page.keyboard.press('Enter');

    const done = await followRun(s, {
      title: 'PandasPlotBench comparison (models)',
      progress: /cell [12]\/2 \(mock-model(-b)?\) · \d\/2 items/,
      done: 'PandasPlotBench comparison: best model',
      name: 'my-tasks-compare',
      timeoutMs: RUN_TIMEOUT_MS * 2,
    });
    assert.match((await done.textContent()) ?? '', /best model: mock-model \(visual 80\.0\) · mock-model-b 40\.0/);
    const compareMd = readFileSync(join(outDir, 'compare.md'), 'utf8');
    assert.match(compareMd, /\| mock-model \| 0\.0 \| 80\.0 \|/);
    assert.match(compareMd, /\| mock-model-b \| 50\.0 \| 40\.0 \|/);
    for (const model of ['mock-model', 'mock-model-b']) {
      const summary = JSON.parse(readFileSync(join(outDir, `${model}__matplotlib__full__head`, 'summary.json'), 'utf8')) as { items: number; model: string; task: { mean: number } };
      assert.deepEqual([summary.items, summary.model], [2, model]);
    }
    await s.runCommand('Notifications: Clear All Notifications');
  });

  it('plots a semicolon-separated Latin-1 file and says which encoding and delimiter it used', async () => {
    const s = session as CodeServerSession;
    mock.reset();
    mock.setResponder(responder);
    // Only the new notebook stays on screen (the cell reader looks at the visible notebook).
    await s.runCommand('View: Close All Editors');
    await s.runCommand('Plotwright: Plot CSV File…');
    await answerFileDialog(s, 'Plotwright: plot a data file', join(workspace, 'staedte.csv'));
    const taskBox = quickInput(s, 'What should the plot show?');
    await taskBox.waitFor({ state: 'visible', timeout: 60_000 });
    await s.screenshot('latin1-task-box');
    assert.match((await taskBox.textContent()) ?? '', /5 rows × 3 columns, read as Latin-1 \(ISO-8859-1\), separated by semicolons, with decimal commas\. What should the plot show\?/);
    await taskBox.locator('input.input').fill(CSV_TASK);
    await s.page.keyboard.press('Enter');
    await answerConsent(s, 'Run', 'latin1-consent');
    await pickKernelIfAsked(s);
    const cells = await s.waitForCells((c) => c.length === 2 && c[1].outputs.images === 1, { timeoutMs: RUN_TIMEOUT_MS, message: 'the Latin-1 CSV never showed its plot' });
    await s.screenshot('latin1-plot');
    assert.match(cells[0].text, /df = pd\.read_csv\(".*staedte\.csv", sep=";", encoding="latin-1", decimal=","\)/);
    assert.match(cells[1].text, /# Plotwright: Area of each city as bars/);
    const prompt = String(mock.chatRequests()[0].body?.messages?.[1].content);
    assert.match(prompt, /- Stadt: object\n- Einwohner: int64\n- Fläche: float64/);
    assert.match(prompt, /Zürich/);
    assert.match(prompt, /São Paulo/);

    // Collection is on: the plot becomes task 3. Jupyter may ask again for this new notebook's kernel.
    const ready = toast(s, 'plot ready');
    await Promise.race([ready.waitFor({ timeout: RUN_TIMEOUT_MS }), kernelAccessDialog(s).waitFor({ timeout: RUN_TIMEOUT_MS })]);
    if (await kernelAccessDialog(s).isVisible()) {
      await answerKernelAccess(s, 'Allow', 'latin1-kernel-access');
    }
    await ready.waitFor({ timeout: RUN_TIMEOUT_MS });
    const tasks = listTasks(join(workspace, TASKS_FOLDER));
    assert.deepEqual(tasks.map((t) => [t.id, t.task]).at(-1), [3, CSV_TASK]);
    const { items } = await loadDataset(join(workspace, TASKS_FOLDER));
    assert.equal(items.find((i) => i.id === 3)?.data_csv, 'Stadt,Einwohner,Fläche\nKöln,1084831,405.0\nMünchen,1512491,310.7\nZürich,421878,87.9\nMálaga,578460,398.3\nSão Paulo,11451245,1521.1\n');
  });
});

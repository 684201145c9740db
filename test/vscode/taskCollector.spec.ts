// plotwright.collectTasks without VS Code: PlotFlow with a real Python kernel and fake cells, and the
// TaskCollector writing into a temporary workspace. Checked: only accepted cells (ran with consent, drew
// a plot without error) become tasks; off by default; no folder or an untrusted one is one sentence and
// nothing written; a capped snapshot and a duplicate are said; a failing snapshot loses nothing.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type * as vscode from 'vscode';
import { loadDataset } from '../../benchmark/dataset.js';
import { listTasks, TASKS_FOLDER } from '../../benchmark/taskFolder.js';
import { HeadlessKernel } from '../../src/kernel/headlessKernel.js';
import { imageOutputs, type ExecutionResult } from '../../src/kernel/kernel.js';
import type { ChatModel, ChatResponse } from '../../src/llm/chatModel.js';
import { NotRunError } from '../../src/vscode/flowErrors.js';
import { PlotFlow } from '../../src/vscode/plotFlow.js';
import type { CellExecutor, FlowPrompts, PlotCellRequest, PlotCellRunner } from '../../src/vscode/plotFlowPorts.js';
import { SETTING_DEFAULTS, type PlotwrightSettings } from '../../src/vscode/settingsSchema.js';
import { NO_FOLDER, TaskCollector, UNTRUSTED, type TaskWorkspace } from '../../src/vscode/taskCollector.js';
import { makeTempDir } from '../support/kernelFixtures.js';

const fence = '```';
const BARS = 'import matplotlib.pyplot as plt\nplt.bar(sales["region"], sales["sales"])\nplt.title("bars")\nplt.show()';
const RAISES = 'import matplotlib.pyplot as plt\nplt.bar(sales["Region"], sales["sales"])\nplt.show()';

class AnsweringModel implements ChatModel {
  readonly model = 'collector-test-model';
  constructor(readonly answers: string[]) {}
  complete(): Promise<ChatResponse> {
    const code = this.answers.shift() ?? BARS;
    return Promise.resolve({ text: `${fence}python\n${code}\n${fence}`, usage: { promptTokens: 1, completionTokens: 1 }, model: this.model, latencyMs: 1, retries: 0 });
  }
}

/** Cells as sources; each run goes to the kernel and its result is the cell's outputs. */
class KernelCells implements CellExecutor {
  readonly sources = new Map<vscode.NotebookCell, string>();
  readonly results = new Map<vscode.NotebookCell, ExecutionResult>();
  constructor(private readonly kernel: HeadlessKernel) {}
  insertIndex(): number {
    return 1;
  }
  runner(request: PlotCellRequest): PlotCellRunner {
    let cell: vscode.NotebookCell | undefined;
    const { sources, results, kernel } = this;
    return {
      get cell() {
        return cell;
      },
      async run(code, _attempt, options): Promise<ExecutionResult> {
        cell ??= { index: request.insertAt } as vscode.NotebookCell;
        sources.set(cell, `# Plotwright: ${request.header.task}\n# model: ${request.header.model} · library: ${request.header.library}\n${code}\n`);
        if (!(await request.askToRun(cell))) {
          throw new NotRunError(cell);
        }
        const result = await kernel.execute(code, options);
        results.set(cell, result);
        return result;
      },
    };
  }
  recordProvenance(): Promise<void> {
    return Promise.resolve();
  }
}

const notebook = { uri: { toString: () => 'file:///work/sales.ipynb', fsPath: '/work/sales.ipynb' } } as unknown as vscode.NotebookDocument;

describe('collecting accepted cells as tasks', { timeout: 120_000 }, () => {
  let kernel: HeadlessKernel;
  const temp = makeTempDir('pw-collect-');
  let workspace: TaskWorkspace;
  let warnings: string[];
  let statuses: string[];
  let runAnswer: boolean;

  before(async () => {
    kernel = await HeadlessKernel.start({ cwd: temp.path });
    const setup = await kernel.execute('import pandas as pd\nsales = pd.DataFrame({"region": ["north", "south", "east"], "sales": [3, 4, 5]})', { captureFigures: false });
    assert.equal(setup.status, 'ok');
  });

  after(async () => {
    await kernel.dispose();
    temp.remove();
  });

  beforeEach(() => {
    workspace = { folder: join(temp.path, `ws-${Math.random().toString(36).slice(2)}`) };
    warnings = [];
    statuses = [];
    runAnswer = true;
  });

  function setup(answers: string[], settings: Partial<PlotwrightSettings> = { collectTasks: true }, limits?: { maxRows: number; maxBytes: number }) {
    const cells = new KernelCells(kernel);
    const collector = new TaskCollector({
      kernels: { kernelFor: () => Promise.resolve(kernel) },
      workspaceOf: () => workspace,
      cellSource: (cell) => cells.sources.get(cell) ?? '',
      cellPng: (cell) => {
        const result = cells.results.get(cell);
        const [png] = result ? imageOutputs(result) : [];
        return Promise.resolve(png ? Buffer.from(png, 'base64') : undefined);
      },
      status: (m) => statuses.push(m),
      warn: (m) => warnings.push(m),
      log: { info: () => undefined, warn: () => undefined },
      queryTimeoutMs: 30_000,
      ...(limits ? { limits } : {}),
    });
    const prompts: FlowPrompts = {
      pickDataFrame: (frames) => Promise.resolve(frames[0]?.name),
      askTask: () => Promise.resolve('bars of sales per region'),
      askRunConsent: () => Promise.resolve(runAnswer),
      askBeforeSending: () => Promise.resolve(true),
    };
    const flow = new PlotFlow({
      kernels: { kernelFor: () => Promise.resolve(kernel) },
      cells,
      prompts,
      settings: () => ({ ...SETTING_DEFAULTS, maxRepairs: 1, ...settings }),
      models: () => Promise.resolve(new AnsweringModel(answers)),
      timeouts: { queryMs: 30_000, runMs: 60_000 },
      log: { info: () => undefined },
      templatesDir: join(process.cwd(), 'prompts'),
      tasks: collector,
    });
    const token = { isCancellationRequested: false, onCancellationRequested: () => undefined };
    return { plot: () => flow.plot({ notebook, source: { kind: 'kernel', variable: 'sales' }, token }) };
  }

  const root = () => join((workspace as { folder: string }).folder, TASKS_FOLDER);

  it('saves an accepted cell (after its repair) as a task the benchmark loads, with the PNG it drew', async () => {
    const [result] = (await setup([RAISES, BARS]).plot()) ?? [];
    assert.equal(result.outcome?.ok, true);
    const tasks = listTasks(root());
    assert.deepEqual(tasks.map((t) => [t.id, t.task, t.model, t.variable, t.rows, t.capNote, t.hasPng, t.notebook]), [
      [1, 'bars of sales per region', 'collector-test-model', 'sales', 3, null, true, '/work/sales.ipynb'],
    ]);
    const { items } = await loadDataset(root());
    assert.equal(items[0].code_plot, `sales = df\n${BARS}`);
    assert.equal(items[0].data_csv, 'region,sales\nnorth,3\nsouth,4\neast,5\n');
    assert.deepEqual(readFileSync(join(root(), 'task-0001', 'plot.png')).subarray(1, 4).toString(), 'PNG');
    assert.deepEqual(statuses, ['Plotwright: saved as task 1 in .plotwright/tasks']);
    assert.deepEqual(warnings, []);
  });

  it('saves nothing when the setting is off (the default), the user declined, or the code never drew', async () => {
    await setup([BARS], {}).plot();
    runAnswer = false;
    await setup([BARS]).plot();
    runAnswer = true;
    await setup([RAISES, RAISES]).plot();
    assert.equal(existsSync(root()), false);
    assert.deepEqual([statuses, warnings], [[], []]);
  });

  it('says once why nothing is saved without a folder or trust, and writes nothing', async () => {
    const session = setup([BARS, BARS, BARS]);
    workspace = { refusal: NO_FOLDER };
    await session.plot();
    await session.plot();
    workspace = { refusal: UNTRUSTED };
    await session.plot();
    assert.deepEqual(warnings, [NO_FOLDER, UNTRUSTED]);
    assert.match(NO_FOLDER, /^Plotwright did not save this plot as a task: .*no folder is open\.$/);
  });

  it('notes a capped snapshot and a duplicate, each under a new id', async () => {
    const flow = setup([BARS, BARS], { collectTasks: true }, { maxRows: 2, maxBytes: 1_000_000 });
    await flow.plot();
    await flow.plot();
    assert.deepEqual(listTasks(root()).map((t) => [t.id, t.keptRows]), [[1, 2], [2, 2]]);
    assert.match(statuses[0], /saved as task 1 .*The DataFrame has 3 rows; the snapshot keeps 2 evenly spaced rows \(2-row cap\)/);
    assert.match(statuses[1], /saved as task 2 .*the same task, code and data as task 1/);
  });

  it('loses nothing when the snapshot fails: the plot stands, one sentence says why', async () => {
    const flow = setup([BARS], { collectTasks: true }, { maxRows: 10, maxBytes: 5 });
    const [result] = (await flow.plot()) ?? [];
    assert.equal(result.outcome?.ok, true);
    assert.equal(listTasks(root()).length, 0);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^Plotwright could not save this plot as a task \(even one row makes \d+ bytes of CSV, over the 5-byte cap\); the plot itself is fine\.$/);
  });
});

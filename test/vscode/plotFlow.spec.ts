// PlotFlow without VS Code: a real Python kernel (the headless one) holds the DataFrames, and fakes stand
// in for the notebook's cells, the questions, the settings and the model. What is checked: where the cell
// goes, when the user is asked to run it, that Cancel is silent and stops the kernel, and the timeouts.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type * as vscode from 'vscode';
import type { DataFrameInfo } from '../../src/core/kernelQueries.js';
import { HeadlessKernel } from '../../src/kernel/headlessKernel.js';
import type { ExecutionResult } from '../../src/kernel/kernel.js';
import type { ChatMessage, ChatModel, ChatOptions, ChatResponse } from '../../src/llm/chatModel.js';
import { CancelledError } from '../../src/vscode/apiKernel.js';
import { NotRunError } from '../../src/vscode/flowErrors.js';
import { KernelQueryError, PlotFlow } from '../../src/vscode/plotFlow.js';
import type { CellExecutor, FlowPrompts, PlotCellRequest, PlotCellRunner } from '../../src/vscode/plotFlowPorts.js';
import { SETTING_DEFAULTS, type PlotwrightSettings } from '../../src/vscode/settingsSchema.js';
import type { FlowTimeouts } from '../../src/vscode/timeouts.js';
import { makeTempDir } from '../support/kernelFixtures.js';

const fence = '```';
const answer = (code: string) => `${fence}python\n${code}\n${fence}`;
const BARS = 'import matplotlib.pyplot as plt\nplt.bar(df["region"], df["sales"])\nplt.show()';

/** A model that answers from a script; `hold` keeps it from answering until the signal aborts. */
class ScriptedModel implements ChatModel {
  readonly model = 'scripted';
  readonly calls: ChatMessage[][] = [];
  constructor(
    private readonly answers: string[],
    private readonly hold = false,
  ) {}
  async complete(messages: ChatMessage[], options: ChatOptions = {}): Promise<ChatResponse> {
    this.calls.push(messages);
    if (this.hold) {
      await new Promise((_resolve, reject) => options.signal?.addEventListener('abort', () => reject(new CancelledError())));
    }
    const text = this.answers.shift() ?? answer(BARS);
    return { text, usage: { promptTokens: 1, completionTokens: 1 }, model: this.model, latencyMs: 1, retries: 0 };
  }
}

/** A notebook as a list of cell sources; generated cells run in the same kernel as the "user's" code. */
class FakeCells implements CellExecutor {
  readonly sources: string[] = ['# title', 'df = ...', 'df.plot()'];
  readonly requests: PlotCellRequest[] = [];
  readonly provenance: Array<Record<string, unknown>> = [];
  insertIndexAsked: string[] = [];
  constructor(
    private readonly kernel: HeadlessKernel,
    private readonly index = 2,
  ) {}
  insertIndex(_notebook: vscode.NotebookDocument, variable: string): number {
    this.insertIndexAsked.push(variable);
    return this.index;
  }
  runner(request: PlotCellRequest): PlotCellRunner {
    this.requests.push(request);
    const { sources, kernel } = this;
    let cell: vscode.NotebookCell | undefined;
    return {
      get cell() {
        return cell;
      },
      async run(code: string, _attempt: number, options: { timeoutMs: number; signal?: AbortSignal }): Promise<ExecutionResult> {
        if (!cell) {
          sources.splice(request.insertAt, 0, code);
          cell = { index: request.insertAt } as vscode.NotebookCell;
        }
        if (request.consent === 'never' || !(await request.askToRun(cell))) {
          throw new NotRunError(cell);
        }
        return kernel.execute(code, { timeoutMs: options.timeoutMs, signal: options.signal });
      },
    };
  }
  async recordProvenance(_cell: vscode.NotebookCell, provenance: Record<string, unknown>): Promise<void> {
    this.provenance.push(provenance);
  }
}

class FakePrompts implements FlowPrompts {
  readonly consentQuestions: string[] = [];
  constructor(
    private readonly runAnswer = true,
    readonly task = 'bars of sales per region',
  ) {}
  pickDataFrame(frames: DataFrameInfo[]): Promise<string | undefined> {
    return Promise.resolve(frames[0]?.name);
  }
  askTask(): Promise<string | undefined> {
    return Promise.resolve(this.task);
  }
  askRunConsent(question: string): Promise<boolean> {
    this.consentQuestions.push(question);
    return Promise.resolve(this.runAnswer);
  }
  askBeforeSending(): Promise<boolean> {
    return Promise.resolve(true);
  }
}

/** A CancellationToken the test cancels. */
function tokenSource() {
  const listeners: Array<() => void> = [];
  let cancelled = false;
  return {
    token: {
      get isCancellationRequested() {
        return cancelled;
      },
      onCancellationRequested: (listener: () => void) => listeners.push(listener),
    },
    cancel: () => {
      cancelled = true;
      listeners.forEach((l) => l());
    },
  };
}

const notebook = { uri: { toString: () => 'file:///work/sales.ipynb', fsPath: '/work/sales.ipynb' } } as unknown as vscode.NotebookDocument;

describe('PlotFlow with a real kernel and fake ports', { timeout: 120_000 }, () => {
  let kernel: HeadlessKernel;
  const dir = makeTempDir('plotwright-flow-');

  before(async () => {
    kernel = await HeadlessKernel.start({ cwd: dir.path });
  });

  after(async () => {
    await kernel?.dispose();
    dir.remove();
  });

  async function freshFrames(): Promise<void> {
    const reset = await kernel.execute(
      "import pandas as pd\nfor _n in [k for k, v in list(globals().items()) if isinstance(v, pd.DataFrame)]:\n    del globals()[_n]\n" +
        "df = pd.DataFrame({'region': ['North', 'South'], 'sales': [3, 4]})",
      { captureFigures: false },
    );
    assert.equal(reset.status, 'ok', JSON.stringify(reset.error));
  }

  function flow(options: { cells: FakeCells; prompts: FakePrompts; model: ChatModel; settings?: Partial<PlotwrightSettings>; timeouts?: Partial<FlowTimeouts> }) {
    return new PlotFlow({
      kernels: { kernelFor: () => Promise.resolve(kernel) },
      cells: options.cells,
      prompts: options.prompts,
      settings: () => ({ ...SETTING_DEFAULTS, ...options.settings }),
      models: () => Promise.resolve(options.model),
      timeouts: { queryMs: 30_000, runMs: 30_000, ...options.timeouts },
      log: { info: () => undefined },
      templatesDir: join(import.meta.dirname, '..', '..', 'prompts'),
    });
  }

  it('puts the cell where the cell executor says for the picked DataFrame, and the next library right below it', async () => {
    await freshFrames();
    const cells = new FakeCells(kernel, 2);
    const prompts = new FakePrompts(true);
    const results = await flow({ cells, prompts, model: new ScriptedModel([]) }).plot({
      notebook,
      token: tokenSource().token,
      libraries: ['matplotlib', 'seaborn'],
    });
    assert.deepEqual(cells.insertIndexAsked, ['df']);
    assert.deepEqual(
      cells.requests.map((r) => r.insertAt),
      [2, 3],
    );
    assert.deepEqual(results?.map((r) => r.library), ['matplotlib', 'seaborn']);
    assert.equal(cells.provenance.length, 2);
  });

  it('takes the caller\'s position (a cell\'s context menu) over the executor\'s', async () => {
    await freshFrames();
    const cells = new FakeCells(kernel, 2);
    await flow({ cells, prompts: new FakePrompts(true), model: new ScriptedModel([]) }).plot({ notebook, token: tokenSource().token, insertAt: 1 });
    assert.deepEqual(cells.insertIndexAsked, []);
    assert.equal(cells.requests[0].insertAt, 1);
  });

  it('asks once per generated cell before running it, and leaves the cells unrun on "Don\'t Run"', async () => {
    await freshFrames();
    const cells = new FakeCells(kernel);
    const prompts = new FakePrompts(false);
    const results = await flow({ cells, prompts, model: new ScriptedModel([]) }).plot({ notebook, token: tokenSource().token, libraries: ['matplotlib', 'seaborn'] });
    assert.equal(prompts.consentQuestions.length, 2, 'a declined first cell is asked again for the second library');
    assert.match(prompts.consentQuestions[0], /inserted generated code in cell 3\. Run it in your kernel\?/);
    assert.deepEqual(results?.map((r) => r.summary), ['inserted, not run', 'inserted, not run']);

    const allowed = new FakePrompts(true);
    await flow({ cells: new FakeCells(kernel), prompts: allowed, model: new ScriptedModel([]) }).plot({
      notebook,
      token: tokenSource().token,
      libraries: ['matplotlib', 'seaborn'],
    });
    // A Run covers its own cell (and that cell's repairs), never a cell not generated yet.
    assert.equal(allowed.consentQuestions.length, 2, 'one question per library cell');
    assert.notEqual(/cell (\d+)\./.exec(allowed.consentQuestions[0])?.[1], /cell (\d+)\./.exec(allowed.consentQuestions[1])?.[1]);
    const always = new FakePrompts(true);
    await flow({ cells: new FakeCells(kernel), prompts: always, model: new ScriptedModel([]), settings: { runGeneratedCode: 'always' } }).plot({ notebook, token: tokenSource().token });
    assert.equal(always.consentQuestions.length, 0);
  });

  it('runs nothing and inserts nothing when cancelled before it starts', async () => {
    await freshFrames();
    const cells = new FakeCells(kernel);
    const model = new ScriptedModel([]);
    const source = tokenSource();
    source.cancel();
    await assert.rejects(flow({ cells, prompts: new FakePrompts(true), model }).plot({ notebook, token: source.token }), CancelledError);
    assert.equal(model.calls.length, 0);
    assert.equal(cells.requests.length, 0);
  });

  it('stops silently when cancelled while the model answers', async () => {
    await freshFrames();
    const cells = new FakeCells(kernel);
    const model = new ScriptedModel([], true);
    const source = tokenSource();
    const plotting = flow({ cells, prompts: new FakePrompts(true), model }).plot({ notebook, token: source.token });
    while (model.calls.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    source.cancel();
    await assert.rejects(plotting, (error: unknown) => error instanceof Error && (error instanceof CancelledError || error.name === 'AbortError'));
    assert.equal(cells.sources.length, 3, 'a cell was inserted');
  });

  it('stops silently when cancelled while its own query runs in the kernel, and the kernel is free again', async () => {
    await freshFrames();
    const slow = await kernel.execute(
      "import time\nclass _Slow:\n    def __repr__(self):\n        time.sleep(60)\n        return 'slow'\ndf = pd.DataFrame({'value': [_Slow()]})",
      { captureFigures: false },
    );
    assert.equal(slow.status, 'ok');
    const source = tokenSource();
    const started = Date.now();
    const plotting = flow({ cells: new FakeCells(kernel), prompts: new FakePrompts(true), model: new ScriptedModel([]) }).plot({ notebook, token: source.token });
    setTimeout(() => source.cancel(), 1_500);
    await assert.rejects(plotting, CancelledError);
    assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
    const after = await kernel.execute('print(1 + 1)', { timeoutMs: 10_000, captureFigures: false });
    assert.equal(after.status, 'ok');
  });

  it('gives up on a query that takes longer than the query timeout, saying so', async () => {
    await freshFrames();
    await kernel.execute(
      "import time\nclass _Slow:\n    def __repr__(self):\n        time.sleep(60)\n        return 'slow'\ndf = pd.DataFrame({'value': [_Slow()]})",
      { captureFigures: false },
    );
    const started = Date.now();
    await assert.rejects(
      flow({ cells: new FakeCells(kernel), prompts: new FakePrompts(true), model: new ScriptedModel([]), timeouts: { queryMs: 1_500 } }).plot({
        notebook,
        token: tokenSource().token,
      }),
      (error: unknown) => error instanceof KernelQueryError && /timed out/.test(error.message),
    );
    assert.ok(Date.now() - started < 20_000);
  });

  it('stops a generated cell at the run timeout and reports the failure', async () => {
    await freshFrames();
    const cells = new FakeCells(kernel);
    const results = await flow({
      cells,
      prompts: new FakePrompts(true),
      model: new ScriptedModel([answer('while True:\n    pass')]),
      settings: { maxRepairs: 0, runGeneratedCode: 'always' },
      timeouts: { runMs: 1_500 },
    }).plot({ notebook, token: tokenSource().token });
    assert.equal(results?.[0].outcome?.ok, false);
    assert.match(results?.[0].summary ?? '', /failed after 0 repair\(s\)/);
    assert.equal(results?.[0].outcome?.attempts[0].result?.status, 'timeout');
  });
});

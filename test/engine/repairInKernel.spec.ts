// The repair loop with the real client (over HTTP to the mock) and a real kernel: hostile code included.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { formatDescription } from '../../src/core/describe.js';
import { generatePlot } from '../../src/core/plotEngine.js';
import { loadPromptTemplates } from '../../src/core/prompts.js';
import { DataFrameSession, readCsvSetup } from '../../src/kernel/dataFrameSession.js';
import { HeadlessKernel } from '../../src/kernel/headlessKernel.js';
import { resolvePython } from '../../src/kernel/python.js';
import { createChatModel } from '../../src/llm/openaiClient.js';
import { startMockOpenAI, type MockOpenAI } from '../support/mockOpenAI.js';
import { sampleItem, writeSampleCsv } from '../support/plotbenchSample.js';

const fence = '```';
const answer = (code: string) => `${fence}python\n${code}\n${fence}`;
const GOOD = 'import matplotlib.pyplot as plt\nplt.plot(df.iloc[:, 0], df.iloc[:, 1])\nplt.title("ok")\nplt.show()';

describe('repair loop in a real kernel', () => {
  let mock: MockOpenAI;
  let kernel: HeadlessKernel;
  let session: DataFrameSession;
  let description: string;
  const templates = loadPromptTemplates();

  before(async () => {
    mock = await startMockOpenAI();
    const python = await resolvePython({});
    kernel = await HeadlessKernel.start({ python: python.path, cwd: mkdtempSync(join(tmpdir(), 'pw-repair-')) });
    // Item 10 of the real sample.
    session = new DataFrameSession(kernel, readCsvSetup(writeSampleCsv(sampleItem(10))));
    description = formatDescription(await session.describe('head'));
    // Import and draw once now: a cold Matplotlib on a busy machine would eat the 2 s the timeout test gives its repair.
    await kernel.execute('import matplotlib.pyplot as plt\nplt.figure().canvas.draw()\nplt.close("all")', { captureFigures: false });
  });
  beforeEach(() => {
    // A reply left over by a failed test must not answer the next one.
    mock.reset();
  });
  after(async () => {
    await kernel.dispose();
    await mock.close();
  });

  const plot = (maxRepairs = 2, timeoutMs = 20_000, extra: { task?: string; maxLintRepairs?: number } = {}) =>
    generatePlot(createChatModel({ model: 'mock-model', baseUrl: mock.baseUrl, apiKey: 'k' }), templates, session, {
      library: 'matplotlib',
      task: extra.task ?? 'plot the data',
      dataDescription: description,
      variable: 'df',
      maxRepairs,
      timeoutMs,
      ...(extra.maxLintRepairs === undefined ? {} : { maxLintRepairs: extra.maxLintRepairs }),
    });

  it('survives code that loops forever: the attempt times out and the repair runs', async () => {
    mock.enqueue({ content: answer('while True:\n    pass') }, { content: answer(GOOD) });
    const outcome = await plot(2, 2000);
    assert.equal(outcome.ok, true);
    assert.match(outcome.attempts[0].error ?? '', /timed out/i);
    assert.match(String(mock.chatRequests().at(-1)?.body?.messages?.[3].content), /timed out/i);
  });

  it('survives code that kills its interpreter, and reloads the data for the next attempt', async () => {
    mock.enqueue({ content: answer('import os\nos._exit(1)') }, { content: answer(GOOD) });
    const outcome = await plot();
    assert.equal(outcome.ok, true);
    assert.equal(outcome.attempts[0].result?.status, 'died');
    assert.equal(outcome.attempts[1].result?.status, 'ok');
  });

  it('gives each attempt a fresh copy of the frame', async () => {
    mock.enqueue(
      { content: answer('df.drop(columns=df.columns, inplace=True)\nraise ValueError("oops")') },
      { content: answer('import matplotlib.pyplot as plt\nassert df.shape[1] > 0, "columns leaked"\nplt.plot(df.iloc[:, 0])\nplt.show()') },
    );
    const outcome = await plot();
    assert.equal(outcome.ok, true, outcome.error);
    assert.equal(outcome.attempts.length, 2);
  });

  it('counts figures that are only saved, never shown', async () => {
    mock.enqueue({ content: answer('import matplotlib.pyplot as plt\nplt.plot(df.iloc[:, 0])\nplt.savefig("out.png")') });
    const outcome = await plot(0);
    assert.equal(outcome.ok, true);
    assert.equal(outcome.attempts[0].hasPlot, true);
  });

  describe('plot lint', () => {
    const EMPTY_LEGEND = 'import matplotlib.pyplot as plt\nplt.plot(df.iloc[:, 0], df.iloc[:, 1])\nplt.legend()\nplt.show()';
    const LABELLED = "import matplotlib.pyplot as plt\nplt.plot(df.iloc[:, 0], df.iloc[:, 1], label='series')\nplt.legend()\nplt.show()";

    it('repairs a plot with a lint finding once, sending the finding', async () => {
      mock.enqueue({ content: answer(EMPTY_LEGEND) }, { content: answer(LABELLED) });
      const outcome = await plot(2);
      assert.equal(outcome.ok, true);
      assert.equal(outcome.attempts.length, 2);
      assert.deepEqual(outcome.attempts[0].lint?.map((f) => f.rule), ['empty-legend']);
      assert.deepEqual(outcome.lint, []);
      assert.equal(outcome.code.trim(), LABELLED);
      const repair = String(mock.chatRequests().at(-1)?.body?.messages?.[3].content);
      assert.match(repair, /legend with no entries[\s\S]*\[empty-legend\]/);
    });

    it('spends at most one round on lint and reports what is left', async () => {
      mock.enqueue({ content: answer(EMPTY_LEGEND) }, { content: answer(EMPTY_LEGEND) });
      const outcome = await plot(3);
      assert.equal(outcome.ok, true);
      assert.equal(outcome.attempts.length, 2);
      assert.deepEqual(outcome.lint.map((f) => f.rule), ['empty-legend']);
      assert.equal(mock.chatRequests().length, 2);
    });

    it('keeps the linted plot when the lint-driven repair breaks the code', async () => {
      mock.enqueue({ content: answer(EMPTY_LEGEND) }, { content: answer('raise ValueError("broken")') });
      const outcome = await plot(1);
      assert.equal(outcome.ok, true);
      assert.equal(outcome.error, undefined);
      assert.equal(outcome.code.trim(), EMPTY_LEGEND);
      assert.deepEqual(outcome.lint.map((f) => f.rule), ['empty-legend']);
      assert.match(outcome.attempts[1].error ?? '', /ValueError: broken/);
    });

    it('keeps the linted plot when the request for the lint-driven repair fails', async () => {
      mock.enqueue({ content: answer(EMPTY_LEGEND) }, { status: 400 });
      const outcome = await plot(2);
      assert.equal(outcome.ok, true);
      assert.equal(outcome.attempts.length, 1);
      assert.equal(outcome.code.trim(), EMPTY_LEGEND);
      assert.deepEqual(outcome.lint.map((f) => f.rule), ['empty-legend']);
    });

    it('reports findings without repairing when lint repairs are off, and asks for labels only when the task does', async () => {
      const bare = 'import matplotlib.pyplot as plt\nplt.plot(df.iloc[:, 0], df.iloc[:, 1])\nplt.show()';
      mock.enqueue({ content: answer(bare) });
      const outcome = await plot(2, 20_000, { task: 'Plot the data with a title and labelled axes.', maxLintRepairs: 0 });
      assert.equal(outcome.attempts.length, 1);
      assert.deepEqual(outcome.lint.map((f) => f.rule), ['missing-labels', 'missing-labels']);
      mock.enqueue({ content: answer(bare) });
      assert.deepEqual((await plot(2)).lint, []);
    });
  });
});

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
  });
  beforeEach(() => {
    // A reply left over by a failed test must not answer the next one.
    mock.reset();
  });
  after(async () => {
    await kernel.dispose();
    await mock.close();
  });

  const plot = (maxRepairs = 2, timeoutMs = 20_000) =>
    generatePlot(createChatModel({ model: 'mock-model', baseUrl: mock.baseUrl, apiKey: 'k' }), templates, session, {
      library: 'matplotlib',
      task: 'plot the data',
      dataDescription: description,
      variable: 'df',
      maxRepairs,
      timeoutMs,
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
});

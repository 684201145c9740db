// The visual self-check with the real client (over HTTP to the mock) and a real kernel.
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
import { isLlmError } from '../../src/llm/errors.js';
import { createChatModel } from '../../src/llm/openaiClient.js';
import { isPng, pngSize } from '../support/kernelFixtures.js';
import { openAIError, startMockOpenAI, type ChatRequestBody, type MockOpenAI } from '../support/mockOpenAI.js';
import { sampleItem, writeSampleCsv } from '../support/plotbenchSample.js';

const fence = '```';
const answer = (code: string) => `${fence}python\n${code}\n${fence}`;
const LINE = 'import matplotlib.pyplot as plt\nplt.plot(df.iloc[:, 1])\nplt.title("values")\nplt.show()';
const BAR = 'import matplotlib.pyplot as plt\nplt.bar(range(len(df)), df.iloc[:, 1])\nplt.title("values")\nplt.show()';
const TASK = 'Draw a bar chart of the second column';

/** The PNG of a chat request's image part, when the request carries one. */
function imageIn(body: ChatRequestBody): Buffer | undefined {
  for (const message of body.messages ?? []) {
    if (Array.isArray(message.content)) {
      for (const part of message.content as Array<{ type: string; image_url?: { url: string } }>) {
        const match = part.type === 'image_url' ? /^data:image\/png;base64,(.+)$/.exec(part.image_url?.url ?? '') : null;
        if (match) {
          return Buffer.from(match[1], 'base64');
        }
      }
    }
  }
  return undefined;
}

/** The code of the last assistant message: what drew the figure under check. */
function checkedCode(body: ChatRequestBody): string {
  const assistant = [...(body.messages ?? [])].reverse().find((m) => m.role === 'assistant');
  return String(assistant?.content ?? '');
}

describe('visual self-check in a real kernel', () => {
  let mock: MockOpenAI;
  let kernel: HeadlessKernel;
  let session: DataFrameSession;
  let description: string;
  const templates = loadPromptTemplates();

  before(async () => {
    mock = await startMockOpenAI();
    const python = await resolvePython({});
    kernel = await HeadlessKernel.start({ python: python.path, cwd: mkdtempSync(join(tmpdir(), 'pw-visual-')) });
    session = new DataFrameSession(kernel, readCsvSetup(writeSampleCsv(sampleItem(10))));
    description = formatDescription(await session.describe('head'));
  });
  beforeEach(() => {
    mock.reset();
  });
  after(async () => {
    await kernel.dispose();
    await mock.close();
  });

  const plot = (extra: { maxRepairs?: number; rounds?: number; signal?: AbortSignal } = {}) =>
    generatePlot(createChatModel({ model: 'mock-model', baseUrl: mock.baseUrl, apiKey: 'k' }), templates, session, {
      library: 'matplotlib',
      task: TASK,
      dataDescription: description,
      variable: 'df',
      maxRepairs: extra.maxRepairs ?? 2,
      timeoutMs: 20_000,
      visualCheckRounds: extra.rounds ?? 1,
      ...(extra.signal ? { signal: extra.signal } : {}),
    });

  // The rule the mock model answers the check by: a line chart where a bar chart was asked gets corrected.
  const reviewer = (body: ChatRequestBody) => {
    if (!imageIn(body)) {
      return { content: answer(LINE) };
    }
    return checkedCode(body).includes('plt.plot(') ? { content: answer(BAR) } : { content: 'ACCEPT' };
  };

  it('shows the model the PNG with the task, and keeps the plot it accepts', async () => {
    mock.enqueue({ content: answer(BAR) }, { content: 'ACCEPT' });
    const outcome = await plot();
    assert.equal(outcome.ok, true);
    assert.deepEqual(
      outcome.attempts.map((a) => a.kind ?? 'plot'),
      ['plot', 'visual-check'],
    );
    assert.equal(outcome.attempts[1].visualVerdict, 'accepted');
    assert.equal(outcome.visualCheck?.verdict, 'accepted');
    assert.equal(outcome.code.trim(), BAR);
    const check = mock.chatRequests()[1].body!;
    const png = imageIn(check);
    assert.ok(png && isPng(png), 'the check carried no PNG');
    assert.ok(pngSize(png).width > 100);
    // The very PNG the kernel drew.
    assert.equal(png.toString('base64'), outcome.attempts[0].result?.outputs.find((o) => o.kind === 'image')?.data);
    const text = JSON.stringify(check.messages?.at(-1)?.content);
    assert.match(text, /bar chart of the second column/);
    assert.match(text, /ACCEPT/);
    assert.match(checkedCode(check), /plt\.bar/);
    // Provenance keeps the check without the image's bytes.
    assert.ok(!JSON.stringify(outcome.messages).includes(png.toString('base64').slice(0, 200)));
  });

  it('runs the corrected code when the check finds the wrong chart type', async () => {
    mock.setResponder(reviewer);
    const outcome = await plot();
    assert.equal(outcome.ok, true, outcome.error);
    assert.equal(outcome.attempts.length, 2);
    assert.equal(outcome.attempts[1].kind, 'visual-check');
    assert.equal(outcome.attempts[1].visualVerdict, 'corrected');
    assert.equal(outcome.attempts[1].result?.status, 'ok');
    assert.equal(outcome.attempts[1].hasPlot, true);
    assert.equal(outcome.code.trim(), BAR);
    assert.equal(outcome.visualCheck?.verdict, 'corrected');
    // One round by default: the corrected plot is not checked again.
    assert.equal(mock.chatRequests().length, 2);
  });

  it('checks again when more rounds are allowed, until the model accepts', async () => {
    mock.setResponder(reviewer);
    const outcome = await plot({ rounds: 2 });
    assert.deepEqual(
      outcome.attempts.map((a) => a.visualVerdict ?? 'plot'),
      ['plot', 'corrected', 'accepted'],
    );
    assert.equal(outcome.visualCheck?.verdict, 'accepted');
    assert.equal(outcome.code.trim(), BAR);
  });

  it('repairs a correction that raises with the normal repair loop', async () => {
    mock.enqueue({ content: answer(LINE) }, { content: answer(`${BAR}\nraise ValueError("broken correction")`) }, { content: answer(BAR) });
    const outcome = await plot({ maxRepairs: 1 });
    assert.equal(outcome.ok, true);
    assert.equal(outcome.attempts[1].kind, 'visual-check');
    assert.match(outcome.attempts[1].error ?? '', /broken correction/);
    assert.equal(outcome.attempts[2].kind, undefined);
    assert.match(JSON.stringify(mock.chatRequests()[2].body?.messages?.at(-1)?.content), /broken correction/);
    assert.equal(outcome.code.trim(), BAR);
    assert.equal(outcome.visualCheck?.verdict, 'corrected');
  });

  it('keeps the plot from before the check when its correction fails and no repair is left', async () => {
    mock.enqueue({ content: answer(LINE) }, { content: answer('raise ValueError("broken correction")') });
    const outcome = await plot({ maxRepairs: 0 });
    assert.equal(outcome.ok, true);
    assert.equal(outcome.code.trim(), LINE);
    assert.equal(outcome.error, undefined);
    assert.equal(outcome.visualCheck?.verdict, 'correction-failed');
    assert.match(outcome.visualCheck?.message ?? '', /ValueError: broken correction.*plot from before the check is kept/);
  });

  it('says in one sentence that a model without image input cannot check, and keeps the plot', async () => {
    mock.enqueue(
      { content: answer(BAR) },
      { status: 400, body: openAIError('Invalid content type. image_url is only supported by certain models.', 'invalid_request_error', null, 'messages') },
    );
    const outcome = await plot();
    assert.equal(outcome.ok, true);
    assert.equal(outcome.attempts.length, 1);
    assert.equal(outcome.code.trim(), BAR);
    assert.equal(outcome.visualCheck?.verdict, 'unsupported');
    assert.equal(outcome.visualCheck?.message, 'mock-model does not accept images, so the visual check was skipped and the plot is kept.');
  });

  it('stops when cancelled while the model looks at the figure', async () => {
    mock.enqueue({ content: answer(BAR) }, { hang: true });
    const controller = new AbortController();
    const pending = plot({ signal: controller.signal });
    while (mock.chatRequests().length < 2) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    controller.abort(new Error('Cancelled by the test'));
    await assert.rejects(pending, (error: unknown) => isLlmError(error, 'cancelled'));
    assert.equal(mock.chatRequests().length, 2);
  });
});

// "Show me what will be sent": the exact request is offered before it leaves, on the first request
// per notebook (or every one), and a declined request is never sent.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { generatePlot } from '../../src/core/plotEngine.js';
import { loadPromptTemplates } from '../../src/core/prompts.js';
import { RequestPreviews, requestText, type PendingRequest } from '../../src/core/requestPreview.js';
import { createChatModel } from '../../src/llm/openaiClient.js';
import { startMockOpenAI, type MockOpenAI } from '../support/mockOpenAI.js';

const fence = '```';
const DESCRIPTION = 'The DataFrame `df` has 3 rows and 1 columns.\nColumns (name: dtype):\n- secret_column: int64';

describe('request preview', () => {
  let mock: MockOpenAI;
  before(async () => {
    mock = await startMockOpenAI();
  });
  beforeEach(() => mock.reset());
  after(async () => {
    await mock.close();
  });

  const runner = {
    variable: 'df',
    run: async () => ({ status: 'ok' as const, outputs: [{ kind: 'image' as const, data: 'iVBORw0KGgo=' }], durationMs: 1, restarted: false }),
  };

  function plot(previews: RequestPreviews, notebook: string, policy: 'firstPerNotebook' | 'always' | 'never') {
    mock.enqueue({ content: `${fence}python\nimport matplotlib.pyplot as plt\nplt.plot(df["secret_column"])\nplt.show()\n${fence}` });
    const model = previews.wrap(createChatModel({ baseUrl: mock.baseUrl, apiKey: 'k', model: 'mock-model', maxRetries: 0 }), notebook, policy);
    return generatePlot(model, loadPromptTemplates(), runner, {
      library: 'matplotlib',
      task: 'Plot the secret column',
      variable: 'df',
      dataDescription: DESCRIPTION,
      versions: { python: '3.11.2', pandas: '2.1.0', matplotlib: '3.8.0' },
      maxRepairs: 0,
      timeoutMs: 5000,
    });
  }

  it('shows the exact request (data description, task, versions) before the first request of a notebook, then not again', async () => {
    const shown: Array<{ request: PendingRequest; open: boolean; requestsSoFar: number }> = [];
    const previews = new RequestPreviews(async (request, open) => {
      shown.push({ request, open, requestsSoFar: mock.chatRequests().length });
      return true;
    });
    await plot(previews, 'a.ipynb', 'firstPerNotebook');
    await plot(previews, 'a.ipynb', 'firstPerNotebook');
    await plot(previews, 'b.ipynb', 'firstPerNotebook');
    assert.equal(shown.length, 2, 'once per notebook');
    assert.equal(shown[0].requestsSoFar, 0, 'asked before anything was sent');
    assert.equal(shown[0].open, false, 'offered behind a button');
    const text = requestText(shown[0].request);
    for (const part of ['secret_column', 'Plot the secret column', '3.8.0', '2.1.0', 'mock-model']) {
      assert.ok(text.includes(part), part);
    }
    // What was shown is what was sent.
    const sent = mock.chatRequests()[0].body;
    assert.deepEqual(sent?.messages, shown[0].request.messages);
  });

  it('a declined request is never sent, and is a silent cancellation', async () => {
    const previews = new RequestPreviews(async () => false);
    await assert.rejects(plot(previews, 'c.ipynb', 'firstPerNotebook'), (error: Error) => error.name === 'AbortError');
    assert.equal(mock.chatRequests().length, 0);
  });

  it('with always, opens every request; with never, asks nothing', async () => {
    const opened: boolean[] = [];
    const previews = new RequestPreviews(async (_request, open) => {
      opened.push(open);
      return true;
    });
    await plot(previews, 'd.ipynb', 'always');
    await plot(previews, 'd.ipynb', 'always');
    await plot(previews, 'e.ipynb', 'never');
    assert.deepEqual(opened, [true, true]);
    assert.equal(mock.chatRequests().length, 3);
  });
});

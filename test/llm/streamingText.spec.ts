// onText: a caller that shows the answer as it arrives gets it while the stream is still open.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generatePlot } from '../../src/core/plotEngine.js';
import { loadPromptTemplates } from '../../src/core/prompts.js';
import type { ExecutionResult } from '../../src/kernel/kernel.js';
import { createChatModel } from '../../src/llm/openaiClient.js';
import { startMockOpenAI, type MockOpenAI } from '../support/mockOpenAI.js';

const fence = '```';
const CODE = 'import matplotlib.pyplot as plt\nplt.bar(df["region"], df["sales"])\nplt.title("streamed")\nplt.show()';
const ANSWER = `Here is the chart.\n${fence}python\n${CODE}\n${fence}\nIt draws bars.`;

describe('streaming answers', () => {
  let mock: MockOpenAI;
  before(async () => {
    mock = await startMockOpenAI();
  });
  after(() => mock.close());

  const model = () => createChatModel({ model: 'gpt-test', baseUrl: mock.baseUrl, apiKey: 'sk-test', env: {}, maxRetries: 0 });

  it('streams when onText is given (the client was built without stream) and reports the text so far before the answer ends', async () => {
    let release!: () => void;
    mock.enqueue({ content: ANSWER, holdAfterDeltas: 8, release: new Promise<void>((resolve) => (release = resolve)) });
    const seen: string[] = [];
    const pending = model().complete([{ role: 'user', content: 'plot' }], {
      onText: (text) => {
        seen.push(text);
        if (seen.length === 8) {
          // The stream is held open here: the answer cannot have ended.
          setTimeout(release, 50);
        }
      },
    });
    const response = await pending;
    assert.equal(mock.chatRequests()[0].body?.stream, true);
    assert.equal(response.text, ANSWER);
    assert.ok(seen.length > 8, `only ${seen.length} partial texts`);
    assert.ok(seen[7].length < ANSWER.length && ANSWER.startsWith(seen[7]));
    assert.equal(seen.at(-1), ANSWER);
  });

  it('does not stream without onText', async () => {
    mock.enqueue({ content: ANSWER });
    await model().complete([{ role: 'user', content: 'plot' }]);
    assert.equal(mock.chatRequests().at(-1)?.body?.stream, undefined);
  });

  it('generatePlot hands the code so far to onCode, prose and fences left out, before the stream ends', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // Delta 10 ends inside the code block.
    mock.enqueue({ content: ANSWER, holdAfterDeltas: 10, release: released });
    const codes: string[] = [];
    let codeWhileHeld: string | undefined;
    const runner = {
      run: (): Promise<ExecutionResult> =>
        Promise.resolve<ExecutionResult>({ status: 'ok', outputs: [{ kind: 'image', data: 'iVBORw0KGgo=' }], durationMs: 1, restarted: false }),
    };
    const outcome = await generatePlot(model(), loadPromptTemplates(), runner, {
      library: 'matplotlib',
      task: 'bars',
      variable: 'df',
      dataDescription: 'df has columns region, sales',
      maxRepairs: 0,
      timeoutMs: 10_000,
      onCode: (code) => {
        codes.push(code);
        if (codeWhileHeld === undefined && code.includes('plt.bar')) {
          codeWhileHeld = code;
          release();
        }
      },
    });
    assert.ok(codeWhileHeld, 'no code arrived while the stream was held open');
    assert.ok(CODE.startsWith(codeWhileHeld.trimEnd()), codeWhileHeld);
    assert.ok(!codes.some((c) => c.includes('Here is') || c.includes(fence) || c.includes('It draws')), codes.join('\n---\n'));
    assert.equal(codes.at(-1), CODE);
    assert.equal(outcome.code, `${CODE}\n`);
  });
});

import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { LlmError } from '../../src/llm/errors.js';
import type { LlmLogger } from '../../src/llm/logger.js';
import { createChatModel, listModels, type ChatModelConfig } from '../../src/llm/openaiClient.js';
import { openAIError, startMockOpenAI, type MockOpenAI } from '../support/mockOpenAI.js';

const FAKE_KEY = 'sk-test-PLOTWRIGHT-FAKE-KEY-0123456789abcdef';
const USER = [{ role: 'user' as const, content: 'Plot sales by month' }];

let mock: MockOpenAI;

function modelFor(extra: Partial<ChatModelConfig> = {}) {
  return createChatModel({ model: 'gpt-test', baseUrl: mock.baseUrl, apiKey: FAKE_KEY, env: {}, retryBaseDelayMs: 5, ...extra });
}

function isLlmError(kind: LlmError['kind']) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof LlmError, `expected an LlmError, got ${String(error)}`);
    assert.equal(error.kind, kind, error.message);
    return true;
  };
}

/** A port nothing listens on: bind one, then close it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}

function recordingLogger(): LlmLogger & { lines: string[] } {
  const lines: string[] = [];
  const push = (message: string): void => {
    lines.push(message);
  };
  return { lines, debug: push, info: push, warn: push, error: push };
}

void describe('OpenAI-compatible chat client', () => {
  before(async () => {
    mock = await startMockOpenAI({ models: ['gpt-test', 'llama3.1:8b'] });
  });
  after(async () => {
    await mock.close();
  });
  beforeEach(() => {
    mock.reset();
  });

  void it('returns the text, model, usage and zero retries of a plain completion', async () => {
    mock.enqueue({ content: 'df.plot()', usage: { prompt_tokens: 42, completion_tokens: 7 } });
    const response = await modelFor().complete(USER);
    assert.equal(response.text, 'df.plot()');
    assert.equal(response.model, 'gpt-test');
    assert.deepEqual(response.usage, { promptTokens: 42, completionTokens: 7 });
    assert.equal(response.retries, 0);
    assert.ok(response.latencyMs >= 0);
    assert.equal(response.cached, undefined);
  });

  void it('sends the messages, the model, temperature 0 by default and the key as a bearer token', async () => {
    mock.enqueue({ content: 'ok' });
    await modelFor().complete([{ role: 'system', content: 'You write pandas code.' }, ...USER]);
    const [request] = mock.chatRequests();
    assert.ok(request?.body);
    assert.equal(request.path, '/v1/chat/completions');
    assert.equal(request.body.model, 'gpt-test');
    assert.equal(request.body.temperature, 0);
    assert.equal(request.body.max_tokens, undefined);
    assert.equal(request.body.stream, undefined);
    assert.deepEqual(request.body.messages, [
      { role: 'system', content: 'You write pandas code.' },
      { role: 'user', content: 'Plot sales by month' },
    ]);
    assert.equal(request.headers.authorization, `Bearer ${FAKE_KEY}`);
  });

  void it('lets call options override the configured temperature and max tokens', async () => {
    mock.enqueue({ content: 'a' }, { content: 'b' });
    const model = modelFor({ temperature: 0.7, maxTokens: 300 });
    await model.complete(USER);
    await model.complete(USER, { temperature: 0.2, maxTokens: 50 });
    const [first, second] = mock.chatRequests();
    assert.equal(first?.body?.temperature, 0.7);
    assert.equal(first?.body?.max_tokens, 300);
    assert.equal(second?.body?.temperature, 0.2);
    assert.equal(second?.body?.max_tokens, 50);
  });

  void it('records zero usage when the server sends none', async () => {
    mock.enqueue({ content: 'x = 1', usage: null });
    const response = await modelFor().complete(USER);
    assert.deepEqual(response.usage, { promptTokens: 0, completionTokens: 0 });
  });

  void it('assembles a streamed answer from its deltas and reads usage from the last chunk', async () => {
    const answer = 'import matplotlib.pyplot as plt\ndf.plot(x="month", y="sales")\nplt.show()';
    mock.enqueue({ content: answer, usage: { prompt_tokens: 30, completion_tokens: 12 } });
    const response = await modelFor({ stream: true }).complete(USER);
    assert.equal(response.text, answer);
    assert.deepEqual(response.usage, { promptTokens: 30, completionTokens: 12 });
    const [request] = mock.chatRequests();
    assert.equal(request?.body?.stream, true);
    assert.deepEqual(request?.body?.stream_options, { include_usage: true });
  });

  void it('streams without stream_options when the server rejects them, and remembers', async () => {
    mock.enqueue(
      { status: 400, body: { object: 'error', message: "Unrecognized request argument supplied: stream_options", type: 'BadRequestError', code: 400 } },
      { content: 'first answer' },
      { content: 'second answer' },
    );
    const model = modelFor({ stream: true });
    const first = await model.complete(USER);
    const second = await model.complete(USER);
    assert.equal(first.text, 'first answer');
    assert.equal(second.text, 'second answer');
    assert.deepEqual(first.usage, { promptTokens: 0, completionTokens: 0 });
    const sent = mock.chatRequests().map((request) => request.body?.stream_options);
    assert.deepEqual(sent, [{ include_usage: true }, undefined, undefined]);
  });

  void it('switches to max_completion_tokens once when the model refuses max_tokens', async () => {
    mock.enqueue(
      {
        status: 400,
        body: openAIError(
          "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
          'invalid_request_error',
          'unsupported_parameter',
          'max_tokens',
        ),
      },
      { content: 'answer' },
      { content: 'again' },
    );
    const model = modelFor({ maxTokens: 256 });
    assert.equal((await model.complete(USER)).text, 'answer');
    await model.complete(USER);
    const bodies = mock.chatRequests().map((request) => request.body);
    assert.equal(bodies.length, 3);
    assert.equal(bodies[0]?.max_tokens, 256);
    assert.equal(bodies[1]?.max_tokens, undefined);
    assert.equal(bodies[1]?.max_completion_tokens, 256);
    assert.equal(bodies[2]?.max_completion_tokens, 256);
  });

  void it('leaves temperature out when the model only supports its default', async () => {
    mock.enqueue(
      {
        status: 400,
        body: openAIError(
          "Unsupported value: 'temperature' does not support 0 with this model. Only the default (1) value is supported.",
          'invalid_request_error',
          'unsupported_value',
          'temperature',
        ),
      },
      { content: 'answer' },
    );
    const response = await modelFor().complete(USER);
    assert.equal(response.text, 'answer');
    assert.equal(mock.chatRequests()[1]?.body?.temperature, undefined);
  });

  void it('waits as long as Retry-After asks on a 429, then succeeds', async () => {
    mock.enqueue({ status: 429, headers: { 'retry-after': '1' } }, { content: 'after the wait' });
    const started = Date.now();
    const response = await modelFor().complete(USER);
    const elapsed = Date.now() - started;
    assert.equal(response.text, 'after the wait');
    assert.equal(response.retries, 1);
    assert.ok(elapsed >= 950, `waited only ${elapsed} ms`);
    assert.equal(mock.chatRequests().length, 2);
  });

  void it('honours retry-after-ms', async () => {
    mock.enqueue({ status: 429, headers: { 'retry-after-ms': '200' } }, { content: 'ok' });
    const started = Date.now();
    const response = await modelFor({ retryBaseDelayMs: 5000 }).complete(USER);
    assert.equal(response.retries, 1);
    assert.ok(Date.now() - started >= 190);
    assert.ok(Date.now() - started < 2000, 'used the backoff instead of retry-after-ms');
  });

  void it('fails at once with a rate-limited error naming the wait when the server asks for longer than the cap', async () => {
    mock.enqueue({ status: 429, headers: { 'retry-after': '120' } });
    const started = Date.now();
    await assert.rejects(modelFor().complete(USER), (error: unknown) => {
      isLlmError('rate-limited')(error);
      assert.match((error as LlmError).message, /120 s/);
      assert.match((error as LlmError).message, /60 s/);
      return true;
    });
    assert.ok(Date.now() - started < 1000);
    assert.equal(mock.chatRequests().length, 1);
  });

  void it('does not retry a 429 for an exhausted quota', async () => {
    mock.enqueue({ status: 429, body: openAIError('You exceeded your current quota.', 'insufficient_quota', 'insufficient_quota') });
    await assert.rejects(modelFor().complete(USER), (error: unknown) => {
      isLlmError('rate-limited')(error);
      assert.match((error as LlmError).message, /quota/);
      return true;
    });
    assert.equal(mock.chatRequests().length, 1);
  });

  void it('retries two 500s and succeeds on the third attempt', async () => {
    mock.enqueue({ status: 500 }, { status: 503 }, { content: 'third time lucky' });
    const response = await modelFor().complete(USER);
    assert.equal(response.text, 'third time lucky');
    assert.equal(response.retries, 2);
  });

  void it('retries a 408', async () => {
    mock.enqueue({ status: 408, body: openAIError('Request timed out') }, { content: 'ok' });
    const response = await modelFor().complete(USER);
    assert.equal(response.retries, 1);
  });

  void it('gives up with a server error after the configured retries', async () => {
    mock.enqueue({ status: 500 }, { status: 500 }, { status: 502 });
    await assert.rejects(modelFor({ maxRetries: 2 }).complete(USER), (error: unknown) => {
      isLlmError('server')(error);
      assert.equal((error as LlmError).status, 502);
      assert.match((error as LlmError).message, /Gave up after 2 retries/);
      return true;
    });
    assert.equal(mock.chatRequests().length, 3);
  });

  void it('makes 1 + 3 attempts by default', async () => {
    mock.enqueue({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    await assert.rejects(modelFor().complete(USER), isLlmError('server'));
    assert.equal(mock.chatRequests().length, 4);
  });

  void it('retries a dropped connection', async () => {
    mock.enqueue({ dropConnection: true }, { content: 'ok' });
    const response = await modelFor().complete(USER);
    assert.equal(response.text, 'ok');
    assert.equal(response.retries, 1);
  });

  void it('explains a 401 without ever showing the key', async () => {
    mock.enqueue({ status: 401, body: openAIError(`Incorrect API key provided: ${FAKE_KEY}.`, 'invalid_request_error', 'invalid_api_key') });
    const logger = recordingLogger();
    await assert.rejects(modelFor({ logger }).complete(USER), (error: unknown) => {
      isLlmError('auth')(error);
      const message = (error as LlmError).message;
      assert.match(message, /rejected the API key \(401\)/);
      assert.match(message, /OPENAI_API_KEY/);
      assert.match(message, /--api-key/);
      assert.ok(!message.includes(FAKE_KEY), message);
      assert.ok(!message.includes('PLOTWRIGHT-FAKE'), message);
      return true;
    });
    assert.equal(mock.chatRequests().length, 1, '401 must not be retried');
    assert.ok(logger.lines.length > 0);
    for (const line of logger.lines) {
      assert.ok(!line.includes('PLOTWRIGHT-FAKE'), line);
    }
  });

  void it('names the model and the endpoint for a 404 unknown model', async () => {
    mock.enqueue({ status: 404 });
    await assert.rejects(modelFor({ model: 'gpt-nonexistent' }).complete(USER), (error: unknown) => {
      isLlmError('model-not-found')(error);
      const message = (error as LlmError).message;
      assert.match(message, /Model 'gpt-nonexistent' is not available at http:\/\/127\.0\.0\.1:\d+\/v1/);
      assert.match(message, /models/);
      return true;
    });
    assert.equal(mock.chatRequests().length, 1);
  });

  void it("reads Ollama's plain error shape", async () => {
    mock.enqueue({ status: 404, body: { error: 'model "llama9" not found, try pulling it first' } });
    await assert.rejects(modelFor({ model: 'llama9' }).complete(USER), (error: unknown) => {
      isLlmError('model-not-found')(error);
      assert.match((error as LlmError).message, /try pulling it first/);
      return true;
    });
  });

  void it('reports a closed port as unreachable, naming the URL', async () => {
    const port = await closedPort();
    const baseUrl = `http://127.0.0.1:${port}/v1`;
    const model = createChatModel({ model: 'gpt-test', baseUrl, env: {}, maxRetries: 1, retryBaseDelayMs: 5 });
    await assert.rejects(model.complete(USER), (error: unknown) => {
      isLlmError('unreachable')(error);
      const message = (error as LlmError).message;
      assert.ok(message.includes(baseUrl), message);
      assert.match(message, /--base-url/);
      assert.match(message, /ECONNREFUSED/);
      return true;
    });
  });

  void it('times out a slow answer with a message giving the timeout', async () => {
    mock.enqueue({ content: 'too late', delayMs: 10_000 });
    const started = Date.now();
    await assert.rejects(modelFor({ timeoutMs: 300, maxRetries: 0 }).complete(USER), (error: unknown) => {
      isLlmError('timeout')(error);
      assert.match((error as LlmError).message, /0\.3 s/);
      return true;
    });
    const elapsed = Date.now() - started;
    // The upper bound only separates "timed out" from "waited for the answer" (10 s); load can delay timers.
    assert.ok(elapsed >= 280 && elapsed < 5000, `took ${elapsed} ms`);
  });

  void it('retries after a timeout and counts it', async () => {
    mock.enqueue({ content: 'too late', delayMs: 10_000 }, { content: 'in time' });
    const response = await modelFor({ timeoutMs: 1000 }).complete(USER);
    assert.equal(response.text, 'in time');
    assert.equal(response.retries, 1);
  });

  void it('takes a per-call timeout over the configured one', async () => {
    mock.enqueue({ content: 'too late', delayMs: 10_000 });
    await assert.rejects(modelFor({ timeoutMs: 60_000, maxRetries: 0 }).complete(USER, { timeoutMs: 100 }), isLlmError('timeout'));
  });

  void it('times out a stream that stalls between chunks', async () => {
    mock.enqueue({ content: 'one two three four five', chunkDelayMs: 3000 });
    await assert.rejects(modelFor({ stream: true, timeoutMs: 300, maxRetries: 0 }).complete(USER), isLlmError('timeout'));
  });

  void it('cancels a hanging request at once when the signal aborts, without retrying', async () => {
    mock.enqueue({ hang: true });
    const controller = new AbortController();
    const pending = modelFor().complete(USER, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const aborted = Date.now();
    controller.abort();
    await assert.rejects(pending, isLlmError('cancelled'));
    assert.ok(Date.now() - aborted < 2000, `took ${Date.now() - aborted} ms to cancel`);
    assert.equal(mock.chatRequests().length, 1);
  });

  void it('cancels a stream mid-answer instead of returning half of it', async () => {
    mock.enqueue({ content: 'a b c d e f g h', chunkDelayMs: 500 });
    const controller = new AbortController();
    const pending = modelFor({ stream: true }).complete(USER, { signal: controller.signal });
    setTimeout(() => controller.abort(), 250);
    await assert.rejects(pending, isLlmError('cancelled'));
  });

  void it('cancels during the backoff between retries', async () => {
    mock.enqueue({ status: 429, headers: { 'retry-after': '30' } });
    const controller = new AbortController();
    const pending = modelFor().complete(USER, { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    await assert.rejects(pending, isLlmError('cancelled'));
    assert.ok(Date.now() - started < 5000);
  });

  void it('rejects an already aborted signal without a request', async () => {
    await assert.rejects(modelFor().complete(USER, { signal: AbortSignal.abort() }), isLlmError('cancelled'));
    assert.equal(mock.requests.length, 0);
  });

  void it('refuses api.openai.com without a key, sending nothing and saying how to set one', async () => {
    const model = createChatModel({ model: 'gpt-4o-mini', env: {} });
    await assert.rejects(model.complete(USER), (error: unknown) => {
      isLlmError('no-key')(error);
      assert.match((error as LlmError).message, /OPENAI_API_KEY/);
      return true;
    });
    await assert.rejects(listModels({ env: {} }), isLlmError('no-key'));
  });

  void it('sends a placeholder key to a local server when none is set', async () => {
    mock.enqueue({ content: 'ok' });
    await createChatModel({ model: 'llama3.1:8b', baseUrl: mock.baseUrl, env: {} }).complete(USER);
    assert.equal(mock.chatRequests()[0]?.headers.authorization, 'Bearer no-key-required');
  });

  void it('reads OPENAI_BASE_URL and OPENAI_API_KEY from the given environment', async () => {
    mock.enqueue({ content: 'ok' });
    await createChatModel({ model: 'gpt-test', env: { OPENAI_BASE_URL: mock.baseUrl, OPENAI_API_KEY: 'env-key' } }).complete(USER);
    assert.equal(mock.chatRequests()[0]?.headers.authorization, 'Bearer env-key');
  });

  void it('reports an empty answer as empty-response, with the reason when the token budget ran out', async () => {
    mock.enqueue({ content: '', finishReason: 'length' });
    await assert.rejects(modelFor({ maxTokens: 16 }).complete(USER), (error: unknown) => {
      isLlmError('empty-response')(error);
      assert.match((error as LlmError).message, /token budget \(16\)/);
      return true;
    });
  });

  void it('answers from a responder when nothing is queued', async () => {
    mock.setResponder((body) => ({ content: `echo: ${String(body.messages?.at(-1)?.content)}` }));
    const response = await modelFor().complete(USER);
    assert.equal(response.text, 'echo: Plot sales by month');
  });

  void it('sends image parts as OpenAI content parts', async () => {
    mock.enqueue({ content: 'looks right' });
    await modelFor().complete([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Does this match?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
        ],
      },
    ]);
    assert.deepEqual(mock.chatRequests()[0]?.body?.messages?.[0]?.content, [
      { type: 'text', text: 'Does this match?' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
    ]);
  });

  void it('logs request and response summaries at debug level', async () => {
    mock.enqueue({ content: 'df.plot()' });
    const logger = recordingLogger();
    await modelFor({ logger }).complete(USER);
    assert.ok(logger.lines.some((line) => line.includes('chat →') && line.includes('model=gpt-test')));
    assert.ok(logger.lines.some((line) => line.includes('chat ←')));
    assert.ok(logger.lines.every((line) => !line.includes('PLOTWRIGHT-FAKE')));
  });

  void it('lists the models the endpoint serves, sorted', async () => {
    mock.setModels(['zeta', 'alpha', 'gpt-test']);
    const ids = await listModels({ baseUrl: mock.baseUrl, env: {} });
    assert.deepEqual(ids, ['alpha', 'gpt-test', 'zeta']);
    assert.equal(mock.requests.at(-1)?.path, '/v1/models');
    assert.equal(mock.requests.at(-1)?.method, 'GET');
  });

  void it('talks to Azure OpenAI with api-key, the deployment path and api-version', async () => {
    mock.enqueue({ content: 'azure answer' });
    const origin = mock.baseUrl.replace(/\/v1$/, '');
    const model = createChatModel({ model: 'my-gpt4o', baseUrl: origin, provider: 'azure', apiKey: FAKE_KEY, env: {}, azureApiVersion: '2024-10-21' });
    const response = await model.complete(USER);
    assert.equal(response.text, 'azure answer');
    const [request] = mock.chatRequests();
    assert.equal(request?.path, '/openai/deployments/my-gpt4o/chat/completions');
    assert.equal(request?.query['api-version'], '2024-10-21');
    assert.equal(request?.headers['api-key'], FAKE_KEY);
    assert.equal(request?.headers.authorization, undefined);
  });
});

// The mock itself, over raw fetch, so the other suites can trust what it sends.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { splitIntoDeltas, startMockOpenAI, type MockOpenAI } from '../support/mockOpenAI.js';

async function post(mock: MockOpenAI, body: unknown, path = '/chat/completions'): Promise<Response> {
  return fetch(`${mock.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

function dataLines(text: string): string[] {
  return text
    .split('\n\n')
    .filter((event) => event !== '')
    .map((event) => {
      assert.ok(event.startsWith('data: '), event);
      return event.slice('data: '.length);
    });
}

void describe('mock OpenAI server', () => {
  let mock: MockOpenAI;
  before(async () => {
    mock = await startMockOpenAI({ models: ['a', 'b'] });
  });
  after(async () => {
    await mock.close();
  });
  beforeEach(() => {
    mock.reset();
  });

  void it('listens on 127.0.0.1 with a /v1 base URL', () => {
    assert.match(mock.baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  });

  void it('answers 500 "mock: no reply scripted" when nothing is queued', async () => {
    const response = await post(mock, { model: 'm', messages: [] });
    assert.equal(response.status, 500);
    const body = (await response.json()) as { error: { message: string } };
    assert.equal(body.error.message, 'mock: no reply scripted');
  });

  void it('answers a completion in OpenAI shape and records the request', async () => {
    mock.enqueue({ content: 'hello there' });
    const response = await post(mock, { model: 'm', messages: [{ role: 'user', content: 'hi' }], temperature: 0 });
    assert.equal(response.status, 200);
    const body = (await response.json()) as {
      object: string;
      model: string;
      choices: Array<{ message: { content: string }; finish_reason: string }>;
      usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
    };
    assert.equal(body.object, 'chat.completion');
    assert.equal(body.model, 'm');
    assert.equal(body.choices[0]?.message.content, 'hello there');
    assert.equal(body.choices[0]?.finish_reason, 'stop');
    assert.equal(body.usage.completion_tokens, 3);
    assert.equal(body.usage.total_tokens, body.usage.prompt_tokens + body.usage.completion_tokens);
    assert.equal(mock.requests.length, 1);
    assert.equal(mock.requests[0]?.method, 'POST');
    assert.equal(mock.requests[0]?.body?.temperature, 0);
    assert.equal(mock.pending, 0);
  });

  void it('streams several deltas, a usage chunk when asked, then [DONE]', async () => {
    mock.enqueue({ content: 'one two three', usage: { prompt_tokens: 5, completion_tokens: 3 } });
    const response = await post(mock, { model: 'm', messages: [], stream: true, stream_options: { include_usage: true } });
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    const lines = dataLines(await response.text());
    assert.equal(lines.at(-1), '[DONE]');
    const chunks = lines.slice(0, -1).map((line) => JSON.parse(line) as { choices: Array<{ delta: { content?: string } }>; usage: unknown });
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    assert.equal(text, 'one two three');
    assert.ok(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length >= 3);
    const last = chunks.at(-1);
    assert.deepEqual(last?.choices, []);
    assert.deepEqual(last?.usage, { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 });
  });

  void it('leaves the usage chunk out when include_usage is not set', async () => {
    mock.enqueue({ content: 'one two' });
    const lines = dataLines(await (await post(mock, { model: 'm', messages: [], stream: true })).text());
    const chunks = lines.slice(0, -1).map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.ok(chunks.every((chunk) => !('usage' in chunk)));
  });

  void it('sends scripted statuses with headers and a default OpenAI error body', async () => {
    mock.enqueue({ status: 429, headers: { 'retry-after': '3' } });
    const response = await post(mock, { model: 'm', messages: [] });
    assert.equal(response.status, 429);
    assert.equal(response.headers.get('retry-after'), '3');
    const body = (await response.json()) as { error: { code: string } };
    assert.equal(body.error.code, 'rate_limit_exceeded');
  });

  void it('uses the responder, which sees the body', async () => {
    mock.setResponder((body) => ({ content: `model was ${body.model ?? '?'}` }));
    const body = (await (await post(mock, { model: 'xyz', messages: [] })).json()) as { choices: Array<{ message: { content: string } }> };
    assert.equal(body.choices[0]?.message.content, 'model was xyz');
  });

  void it('lists the configured models', async () => {
    const body = (await (await fetch(`${mock.baseUrl}/models`)).json()) as { object: string; data: Array<{ id: string }> };
    assert.equal(body.object, 'list');
    assert.deepEqual(
      body.data.map((model) => model.id),
      ['a', 'b'],
    );
  });

  void it('answers 400 to a body that is not JSON and 404 to unknown routes', async () => {
    const bad = await fetch(`${mock.baseUrl}/chat/completions`, { method: 'POST', body: '{nope' });
    assert.equal(bad.status, 400);
    assert.equal((await post(mock, {}, '/embeddings')).status, 404);
  });

  void it('drops the connection when told to', async () => {
    mock.enqueue({ dropConnection: true });
    await assert.rejects(post(mock, { model: 'm', messages: [] }));
  });

  void it('ends hanging requests on close', async () => {
    const own = await startMockOpenAI();
    own.enqueue({ hang: true });
    const pending = post(own, { model: 'm', messages: [] });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await own.close();
    await assert.rejects(pending);
    assert.ok(Date.now() - started < 1000);
    await own.close();
  });
});

void describe('splitIntoDeltas', () => {
  void it('splits into words that join back to the text', () => {
    for (const text of ['a b  c', ' leading', 'trailing\n', 'one', '', '   ']) {
      assert.equal(splitIntoDeltas(text).join(''), text);
    }
    assert.equal(splitIntoDeltas('a b c').length, 3);
  });
});

import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { createChatModel } from '../../src/llm/openaiClient.js';
import { cacheKey, CachingChatModel } from '../../src/llm/responseCache.js';
import { startMockOpenAI, type MockOpenAI } from '../support/mockOpenAI.js';

const USER = [{ role: 'user' as const, content: 'Plot sales by month' }];

void describe('CachingChatModel', () => {
  let mock: MockOpenAI;
  let dir: string;

  before(async () => {
    mock = await startMockOpenAI();
  });
  after(async () => {
    await mock.close();
  });
  beforeEach(async () => {
    mock.reset();
    mock.setResponder((body) => ({ content: `answer ${mock.requests.length} to ${String(body.messages?.at(-1)?.content)}` }));
    dir = await mkdtemp(join(tmpdir(), 'plotwright-cache-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const inner = () => createChatModel({ model: 'gpt-test', baseUrl: mock.baseUrl, env: {}, retryBaseDelayMs: 5 });

  void it('answers the second identical call from disk without a request', async () => {
    const model = new CachingChatModel(inner(), { dir, promptVersion: 'v1' });
    const first = await model.complete(USER);
    const second = await model.complete(USER);
    assert.equal(first.cached, false);
    assert.equal(second.cached, true);
    assert.equal(second.text, first.text);
    assert.deepEqual(second.usage, first.usage);
    assert.equal(second.latencyMs, 0);
    assert.equal(second.retries, 0);
    assert.equal(mock.chatRequests().length, 1);
    const files = await readdir(dir);
    assert.equal(files.length, 1);
    assert.match(files[0] ?? '', /^[0-9a-f]{64}\.json$/);
  });

  void it('survives a new instance (a rerun) over the same folder', async () => {
    await new CachingChatModel(inner(), { dir, promptVersion: 'v1' }).complete(USER);
    const rerun = await new CachingChatModel(inner(), { dir, promptVersion: 'v1' }).complete(USER);
    assert.equal(rerun.cached, true);
    assert.equal(mock.chatRequests().length, 1);
  });

  void it('misses when the prompt version, messages, temperature or max tokens change', async () => {
    const model = new CachingChatModel(inner(), { dir, promptVersion: 'v1' });
    await model.complete(USER);
    await new CachingChatModel(inner(), { dir, promptVersion: 'v2' }).complete(USER);
    await model.complete([{ role: 'user', content: 'Plot profit' }]);
    await model.complete(USER, { temperature: 0.5 });
    await model.complete(USER, { maxTokens: 100 });
    assert.equal(mock.chatRequests().length, 5);
  });

  void it('treats an explicit temperature 0 like the default', async () => {
    const model = new CachingChatModel(inner(), { dir, promptVersion: 'v1' });
    await model.complete(USER);
    const again = await model.complete(USER, { temperature: 0 });
    assert.equal(again.cached, true);
  });

  void it('passes every call through when disabled', async () => {
    const model = new CachingChatModel(inner(), { dir, promptVersion: 'v1', enabled: false });
    const first = await model.complete(USER);
    const second = await model.complete(USER);
    assert.notEqual(first.cached, true);
    assert.notEqual(second.cached, true);
    assert.equal(mock.chatRequests().length, 2);
    assert.deepEqual(await readdir(dir), []);
  });

  void it('does not cache errors', async () => {
    mock.enqueue({ status: 400 });
    const model = new CachingChatModel(inner(), { dir, promptVersion: 'v1' });
    await assert.rejects(model.complete(USER));
    const response = await model.complete(USER);
    assert.equal(response.cached, false);
  });

  void it('treats a corrupt entry as a miss and rewrites it', async () => {
    const model = new CachingChatModel(inner(), { dir, promptVersion: 'v1' });
    await model.complete(USER);
    const [file] = await readdir(dir);
    assert.ok(file);
    await writeFile(join(dir, file), '{"half a');
    const response = await model.complete(USER);
    assert.equal(response.cached, false);
    assert.equal(JSON.parse(await readFile(join(dir, file), 'utf8')).response.text, response.text);
  });

  void it('creates the folder when it does not exist, leaving no temp files', async () => {
    const nested = join(dir, 'a', 'b');
    await new CachingChatModel(inner(), { dir: nested, promptVersion: 'v1' }).complete(USER);
    const files = await readdir(nested);
    assert.equal(files.length, 1);
    assert.ok(files.every((name) => name.endsWith('.json')));
  });
});

void describe('cacheKey', () => {
  void it('is a stable sha256 of its inputs', () => {
    const input = { promptVersion: 'v1', model: 'm', messages: USER, temperature: 0 };
    assert.equal(cacheKey(input), cacheKey({ ...input }));
    assert.match(cacheKey(input), /^[0-9a-f]{64}$/);
    assert.notEqual(cacheKey(input), cacheKey({ ...input, model: 'other' }));
    assert.notEqual(cacheKey(input), cacheKey({ ...input, maxTokens: 10 }));
  });
});

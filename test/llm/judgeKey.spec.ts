// The generator's key never crosses to a judge on another host or port: two mock servers on
// different loopback addresses, and the Authorization header each one saw.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { judgeEndpoint } from '../../src/llm/judgeEndpoint.js';
import { createChatModel } from '../../src/llm/openaiClient.js';
import { JUDGE_API_KEY_SECRET, judgeConnection, type SecretStore } from '../../src/vscode/judgeKey.js';
import { benchResponder, buildDataset, GOOD_CODE, GT_CODE, PYTHON } from '../benchmark/benchFixtures.js';
import { startMockOpenAI, type MockOpenAI } from '../support/mockOpenAI.js';

const GENERATOR_KEY = 'sk-generator-secret';
const authorizations = (mock: MockOpenAI) => mock.chatRequests().map((r) => r.headers.authorization ?? '');

class FakeSecrets implements SecretStore {
  readonly values = new Map<string, string>();
  async get(key: string) {
    return this.values.get(key);
  }
  async store(key: string, value: string) {
    this.values.set(key, value);
  }
}

describe('judge key', { timeout: 300_000 }, () => {
  let generator: MockOpenAI;
  let judge: MockOpenAI;
  let samePortOtherPath: string;

  before(async () => {
    generator = await startMockOpenAI({ host: '127.0.0.1', responder: () => ({ content: 'ok' }) });
    judge = await startMockOpenAI({ host: '127.0.0.2', responder: () => ({ content: 'FINAL SCORE: 50' }) });
    samePortOtherPath = generator.baseUrl.replace(/\/v1$/, '/judge/v1');
  });
  beforeEach(() => {
    generator.reset();
    judge.reset();
    generator.setResponder(() => ({ content: 'ok' }));
    judge.setResponder(() => ({ content: 'FINAL SCORE: 50' }));
  });
  after(async () => {
    await Promise.all([generator.close(), judge.close()]);
  });

  async function ask(config: { baseUrl?: string; apiKey?: string; sameOrigin: boolean }): Promise<void> {
    const { sameOrigin: _same, ...endpoint } = config;
    const model = createChatModel({ model: 'judge-model', ...endpoint, env: {}, maxRetries: 0 });
    await model.complete([{ role: 'user', content: 'score this' }]);
  }

  it('a judge on another host gets no key, not the generator\'s (VS Code: no judge key stored, the user leaves it empty)', async () => {
    const secrets = new FakeSecrets();
    const asked: string[] = [];
    const connection = await judgeConnection(secrets, { baseUrl: generator.baseUrl, apiKey: GENERATOR_KEY }, judge.baseUrl, async (url) => {
      asked.push(url);
      return '';
    });
    assert.ok(connection);
    assert.equal(connection.sameOrigin, false);
    await ask(connection);
    assert.deepEqual(asked, [judge.baseUrl]);
    assert.equal(authorizations(judge).length, 1);
    assert.ok(!authorizations(judge)[0].includes(GENERATOR_KEY), authorizations(judge)[0]);
  });

  it('a judge on another host gets the judge key the user typed, stored in secret storage and not asked again', async () => {
    const secrets = new FakeSecrets();
    let asks = 0;
    const typed = async () => {
      asks++;
      return 'sk-judge-key';
    };
    const first = await judgeConnection(secrets, { baseUrl: generator.baseUrl, apiKey: GENERATOR_KEY }, judge.baseUrl, typed);
    const second = await judgeConnection(secrets, { baseUrl: generator.baseUrl, apiKey: GENERATOR_KEY }, judge.baseUrl, typed);
    await ask(first!);
    await ask(second!);
    assert.equal(asks, 1);
    assert.equal(secrets.values.get(JUDGE_API_KEY_SECRET), 'sk-judge-key');
    assert.deepEqual(authorizations(judge), ['Bearer sk-judge-key', 'Bearer sk-judge-key']);
  });

  it('another port or another host name of the same machine is another origin too; the same host and port is not', () => {
    const port = new URL(generator.baseUrl).port;
    assert.equal(judgeEndpoint({ baseUrl: generator.baseUrl, apiKey: GENERATOR_KEY }, { baseUrl: `http://localhost:${port}/v1` }).apiKey, undefined);
    assert.equal(judgeEndpoint({ baseUrl: generator.baseUrl, apiKey: GENERATOR_KEY }, { baseUrl: `http://127.0.0.1:${Number(port) + 1}/v1` }).apiKey, undefined);
    assert.equal(judgeEndpoint({ baseUrl: generator.baseUrl, apiKey: GENERATOR_KEY }, { baseUrl: samePortOtherPath }).apiKey, GENERATOR_KEY);
    assert.equal(judgeEndpoint({ baseUrl: generator.baseUrl, apiKey: GENERATOR_KEY }, { baseUrl: '' }).apiKey, GENERATOR_KEY);
  });

  it('a judge on the generator\'s endpoint gets the generator\'s key without a question', async () => {
    const connection = await judgeConnection(new FakeSecrets(), { baseUrl: generator.baseUrl, apiKey: GENERATOR_KEY }, '', async () => {
      throw new Error('must not ask');
    });
    await ask(connection!);
    assert.deepEqual(authorizations(generator), [`Bearer ${GENERATOR_KEY}`]);
  });

  it('plotwright bench --judge-base-url on another host sends neither --api-key nor OPENAI_API_KEY to the judge', async () => {
    const CLI = resolve(import.meta.dirname, '..', '..', 'dist', 'cli.js');
    assert.ok(existsSync(CLI), 'run `npm run build` first');
    const items = [{ id: 1, code: GOOD_CODE, gtCode: GT_CODE }];
    generator.setResponder(benchResponder(items));
    judge.setResponder(benchResponder(items));
    const out = mkdtempSync(join(tmpdir(), 'pw-judge-key-'));
    const common = ['bench', '--dataset', buildDataset(items), '--base-url', generator.baseUrl, '--judge-base-url', judge.baseUrl, '--model', 'gen-model', '--judge-model', 'judge-model', '--python', PYTHON, '--no-cache'];
    const env: NodeJS.ProcessEnv = { ...process.env, OPENAI_API_KEY: 'sk-env-secret' };
    delete env.PLOTWRIGHT_JUDGE_API_KEY;
    await promisify(execFile)(process.execPath, [CLI, ...common, '--api-key', GENERATOR_KEY, '--out', join(out, 'a')], { env, timeout: 240_000 });
    assert.ok(authorizations(judge).length >= 1, 'the judge was asked');
    for (const header of authorizations(judge)) {
      assert.ok(!header.includes(GENERATOR_KEY) && !header.includes('sk-env-secret'), header);
    }
    assert.ok(authorizations(generator).every((h) => h === `Bearer ${GENERATOR_KEY}`));
    judge.reset();
    judge.setResponder(benchResponder(items));
    await promisify(execFile)(process.execPath, [CLI, ...common, '--judge-api-key', 'sk-judge-key', '--out', join(out, 'b')], { env, timeout: 240_000 });
    assert.ok(authorizations(judge).length >= 1 && authorizations(judge).every((h) => h === 'Bearer sk-judge-key'), authorizations(judge).join(', '));
  });
});

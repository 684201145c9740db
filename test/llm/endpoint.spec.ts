import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  chooseClient,
  DEFAULT_AZURE_API_VERSION,
  displayUrl,
  effectiveApiKey,
  OPENAI_BASE_URL,
  PLACEHOLDER_API_KEY,
  resolveEndpoint,
} from '../../src/llm/endpoint.js';
import { redactSecrets } from '../../src/llm/errors.js';
import { normalizeErrorBody } from '../../src/llm/openaiClient.js';
import { backoffMs, retryAfterMs } from '../../src/llm/retry.js';

void describe('resolveEndpoint', () => {
  void it('defaults to api.openai.com with OPENAI_API_KEY', () => {
    const endpoint = resolveEndpoint({ OPENAI_API_KEY: 'k1' });
    assert.equal(endpoint.baseUrl, OPENAI_BASE_URL);
    assert.equal(endpoint.apiKey, 'k1');
    assert.equal(endpoint.apiKeyVariable, 'OPENAI_API_KEY');
  });

  void it('lets flags override the environment and trims a trailing slash', () => {
    const env = { OPENAI_API_KEY: 'env-key', OPENAI_BASE_URL: 'http://env-host:1/v1' };
    const endpoint = resolveEndpoint(env, { baseUrl: 'http://localhost:11434/v1/', apiKey: 'flag-key' });
    assert.equal(endpoint.baseUrl, 'http://localhost:11434/v1');
    assert.equal(endpoint.apiKey, 'flag-key');
    assert.equal(resolveEndpoint(env).baseUrl, 'http://env-host:1/v1');
  });

  void it('ignores empty flags', () => {
    const endpoint = resolveEndpoint({ OPENAI_API_KEY: 'env-key' }, { baseUrl: '', apiKey: '  ' });
    assert.equal(endpoint.baseUrl, OPENAI_BASE_URL);
    assert.equal(endpoint.apiKey, 'env-key');
  });

  void it('prefers AZURE_OPENAI_API_KEY on Azure hosts and reads OPENAI_API_VERSION', () => {
    const env = { AZURE_OPENAI_API_KEY: 'azure-key', OPENAI_API_KEY: 'openai-key', OPENAI_API_VERSION: '2025-01-01-preview' };
    const endpoint = resolveEndpoint(env, { baseUrl: 'https://res.openai.azure.com' });
    assert.equal(endpoint.apiKey, 'azure-key');
    assert.equal(endpoint.apiKeyVariable, 'AZURE_OPENAI_API_KEY');
    assert.equal(endpoint.azureApiVersion, '2025-01-01-preview');
    assert.equal(resolveEndpoint({ OPENAI_API_KEY: 'openai-key' }, { baseUrl: 'https://res.openai.azure.com' }).apiKey, 'openai-key');
  });

  void it('takes AZURE_OPENAI_ENDPOINT when the provider is azure', () => {
    const endpoint = resolveEndpoint({ AZURE_OPENAI_ENDPOINT: 'https://res.openai.azure.com/' }, { provider: 'azure' });
    assert.equal(endpoint.baseUrl, 'https://res.openai.azure.com');
  });
});

void describe('chooseClient (Azure detection)', () => {
  void it('uses the plain client for OpenAI and local servers', () => {
    assert.deepEqual(chooseClient({ baseUrl: OPENAI_BASE_URL }), { kind: 'openai', baseURL: OPENAI_BASE_URL });
    assert.equal(chooseClient({ baseUrl: 'http://localhost:11434/v1' }).kind, 'openai');
    assert.equal(chooseClient({ baseUrl: 'https://openrouter.ai/api/v1' }).kind, 'openai');
  });

  void it('picks AzureOpenAI for *.openai.azure.com and *.cognitiveservices.azure.com', () => {
    assert.deepEqual(chooseClient({ baseUrl: 'https://res.openai.azure.com' }), {
      kind: 'azure',
      baseURL: 'https://res.openai.azure.com/openai',
      apiVersion: DEFAULT_AZURE_API_VERSION,
    });
    assert.equal(chooseClient({ baseUrl: 'https://res.cognitiveservices.azure.com/openai' }).kind, 'azure');
    assert.equal(chooseClient({ baseUrl: 'https://RES.OpenAI.Azure.com/' }).kind, 'azure');
  });

  void it('picks AzureOpenAI for any host when the provider says azure', () => {
    assert.equal(chooseClient({ baseUrl: 'https://gateway.example.com', provider: 'azure' }).kind, 'azure');
  });

  void it('keeps the plain client for the Azure /openai/v1 API', () => {
    assert.deepEqual(chooseClient({ baseUrl: 'https://res.openai.azure.com/openai/v1' }), {
      kind: 'openai',
      baseURL: 'https://res.openai.azure.com/openai/v1',
    });
    assert.equal(chooseClient({ baseUrl: 'https://res.openai.azure.com/openai/v1', provider: 'azure' }).kind, 'openai');
  });

  void it('understands a full URL pasted from the Azure portal', () => {
    const plan = chooseClient({
      baseUrl: 'https://res.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-08-01-preview',
    });
    assert.deepEqual(plan, { kind: 'azure', baseURL: 'https://res.openai.azure.com/openai', apiVersion: '2024-08-01-preview', deployment: 'gpt-4o' });
  });

  void it('lets a configured api version win over the default', () => {
    const plan = chooseClient({ baseUrl: 'https://res.openai.azure.com', azureApiVersion: '2025-04-01-preview' });
    assert.equal(plan.kind === 'azure' && plan.apiVersion, '2025-04-01-preview');
  });
});

void describe('effectiveApiKey', () => {
  void it('needs a real key for api.openai.com and Azure, not for local servers', () => {
    assert.equal(effectiveApiKey(resolveEndpoint({})), undefined);
    assert.equal(effectiveApiKey(resolveEndpoint({}, { baseUrl: 'https://res.openai.azure.com' })), undefined);
    assert.equal(effectiveApiKey(resolveEndpoint({}, { baseUrl: 'https://res.openai.azure.com/openai/v1' })), undefined);
    assert.equal(effectiveApiKey(resolveEndpoint({}, { baseUrl: 'http://localhost:1234/v1' })), PLACEHOLDER_API_KEY);
    assert.equal(effectiveApiKey(resolveEndpoint({}, { apiKey: 'k' })), 'k');
  });
});

void describe('displayUrl', () => {
  void it('drops credentials and the query', () => {
    assert.equal(displayUrl('https://user:secret@host.example/v1/?key=abc'), 'https://host.example/v1');
  });
});

void describe('retryAfterMs', () => {
  const headers = (values: Record<string, string>): Headers => new Headers(values);

  void it('reads seconds, milliseconds and HTTP dates', () => {
    assert.equal(retryAfterMs(headers({ 'retry-after': '2' })), 2000);
    assert.equal(retryAfterMs(headers({ 'retry-after': '0.5' })), 500);
    assert.equal(retryAfterMs(headers({ 'retry-after-ms': '150', 'retry-after': '9' })), 150);
    const now = Date.parse('Tue, 24 Nov 2026 03:00:00 GMT');
    assert.equal(retryAfterMs(headers({ 'retry-after': 'Tue, 24 Nov 2026 03:00:07 GMT' }), now), 7000);
    assert.equal(retryAfterMs(headers({ 'retry-after': 'Tue, 24 Nov 2026 02:59:00 GMT' }), now), 0);
  });

  void it('is undefined for missing or unreadable headers', () => {
    assert.equal(retryAfterMs(undefined), undefined);
    assert.equal(retryAfterMs(headers({})), undefined);
    assert.equal(retryAfterMs(headers({ 'retry-after': 'soon' })), undefined);
    assert.equal(retryAfterMs(headers({ 'retry-after-ms': '-5' })), undefined);
  });
});

void describe('backoffMs', () => {
  void it('doubles per retry with jitter in the upper half, capped', () => {
    assert.equal(backoffMs(0, 500, 8000, () => 0), 250);
    assert.equal(backoffMs(0, 500, 8000, () => 1), 500);
    assert.equal(backoffMs(2, 500, 8000, () => 1), 2000);
    assert.equal(backoffMs(10, 500, 8000, () => 1), 8000);
  });
});

void describe('redactSecrets', () => {
  void it('removes the key and anything shaped like an OpenAI key', () => {
    const text = redactSecrets('key my-secret-key-1234 and sk-proj-abc***xyz were wrong', ['my-secret-key-1234']);
    assert.equal(text, 'key *** and sk-*** were wrong');
    assert.equal(redactSecrets('provided: sk-ab**********3456.'), 'provided: sk-***.');
  });
});

void describe('normalizeErrorBody', () => {
  void it("rewrites vLLM's and Ollama's error bodies into OpenAI's shape", () => {
    assert.deepEqual(JSON.parse(normalizeErrorBody('{"object":"error","message":"bad max_tokens","type":"BadRequestError","code":400}')), {
      error: { message: 'bad max_tokens', type: 'BadRequestError' },
    });
    assert.deepEqual(JSON.parse(normalizeErrorBody('{"error":"model not found"}')), { error: { message: 'model not found' } });
    assert.deepEqual(JSON.parse(normalizeErrorBody('{"detail":[{"msg":"field required"}]}')), {
      error: { message: '[{"msg":"field required"}]' },
    });
  });

  void it('leaves OpenAI-shaped and non-JSON bodies alone', () => {
    const openai = '{"error":{"message":"x","type":"y"}}';
    assert.equal(normalizeErrorBody(openai), openai);
    assert.equal(normalizeErrorBody('404 page not found'), '404 page not found');
  });
});

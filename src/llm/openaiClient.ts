// ChatModel over any OpenAI-compatible endpoint (OpenAI, Azure OpenAI, Ollama, vLLM, LM Studio, OpenRouter)
// through the openai package. Retries are ours, not the SDK's, so each one is counted, capped and cancellable.

import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, AzureOpenAI } from 'openai';
import type { ChatMessage, ChatModel, ChatOptions, ChatResponse, TokenUsage } from './chatModel.js';
import { chooseClient, displayUrl, effectiveApiKey, resolveEndpoint, type ClientPlan, type Endpoint, type EndpointFlags, type Env } from './endpoint.js';
import { LlmError, redactSecrets } from './errors.js';
import { silentLogger, type LlmLogger } from './logger.js';
import { backoffMs, retryAfterMs, sleep } from './retry.js';

export const DEFAULT_TIMEOUT_MS = 120_000;
export const DEFAULT_MAX_RETRIES = 3;
/** The longest a 429/503 may ask us to wait before we give up and say so. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;
const DEFAULT_RETRY_BASE_DELAY_MS = 500;
/** How much of a prompt or answer goes to the debug log. */
const LOGGED_TEXT_CHARS = 4_000;

export interface ConnectionConfig extends EndpointFlags {
  /** Per request (each retry gets its own). Default 120 s. */
  timeoutMs?: number;
  /** Retries after the first attempt for 429, 408, 5xx, network errors and timeouts. Default 3. */
  maxRetries?: number;
  logger?: LlmLogger;
  /** Where OPENAI_API_KEY, OPENAI_BASE_URL and the AZURE_OPENAI_* variables are read; process.env by default. */
  env?: Env;
  /** First backoff delay, doubled per retry. Default 500 ms. */
  retryBaseDelayMs?: number;
  /** Default 60 s; a server asking for a longer wait fails with kind 'rate-limited'. */
  maxRetryAfterMs?: number;
}

export interface ChatModelConfig extends ConnectionConfig {
  model: string;
  /** Default 0. */
  temperature?: number;
  maxTokens?: number;
  /** Stream the answer (with usage in the last chunk); the response is the same either way. */
  stream?: boolean;
}

export function createChatModel(config: ChatModelConfig): OpenAIChatModel {
  return new OpenAIChatModel(config);
}

/** The ids of the models the endpoint serves (GET /models), sorted. On classic Azure these are base models, not deployments. */
export async function listModels(config: ConnectionConfig & { signal?: AbortSignal }): Promise<string[]> {
  const connection = new Connection(config);
  const { value } = await connection.run({ label: 'list models', timeoutMs: connection.timeoutMs }, config.signal, async (signal) => {
    const page = await connection.sdk().models.list({ signal, timeout: connection.timeoutMs, maxRetries: 0 });
    return page.data.map((model) => model.id);
  });
  return [...new Set(value.filter((id) => typeof id === 'string' && id !== ''))].sort();
}

type ChatRequest = OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;

interface Answer {
  text: string;
  model: string;
  usage: TokenUsage;
  finishReason?: string;
}

export class OpenAIChatModel implements ChatModel {
  readonly model: string;
  readonly defaults: { temperature: number; maxTokens?: number };
  private readonly connection: Connection;
  private readonly stream: boolean;
  // What this endpoint turned out not to accept; learnt from a 400 and remembered for later calls.
  private tokenLimitParameter: 'max_tokens' | 'max_completion_tokens' = 'max_tokens';
  private sendTemperature = true;
  private askStreamUsage = true;

  constructor(config: ChatModelConfig) {
    this.model = config.model;
    this.defaults = { temperature: config.temperature ?? 0 };
    if (config.maxTokens !== undefined) {
      this.defaults.maxTokens = config.maxTokens;
    }
    this.stream = config.stream ?? false;
    this.connection = new Connection(config);
  }

  get baseUrl(): string {
    return this.connection.url;
  }

  get endpoint(): string {
    return this.connection.url;
  }

  async complete(messages: ChatMessage[], options: ChatOptions = {}): Promise<ChatResponse> {
    const started = Date.now();
    const temperature = options.temperature ?? this.defaults.temperature;
    const maxTokens = options.maxTokens ?? this.defaults.maxTokens;
    const timeoutMs = options.timeoutMs ?? this.connection.timeoutMs;
    const log = this.connection.logger;
    let retries = 0;
    let answer: Answer | undefined;
    log.debug(`chat prompt:\n${describeMessages(messages)}`);
    while (answer === undefined) {
      const request = this.buildRequest(messages, temperature, maxTokens);
      // A caller that shows the answer as it arrives gets a stream whatever the client was built with.
      const stream = this.stream || options.onText !== undefined;
      log.debug(`chat → POST ${this.connection.url}/chat/completions ${describeRequest(request, stream)}`);
      try {
        const run = await this.connection.run({ label: 'chat', model: this.model, timeoutMs }, options.signal, (signal) =>
          stream ? this.streamOnce(request, signal, timeoutMs, options.onText) : this.completeOnce(request, signal, timeoutMs),
        );
        retries += run.retries;
        answer = run.value;
      } catch (error) {
        if (error instanceof LlmError && error.kind === 'bad-request' && this.adaptTo(error, request)) {
          continue;
        }
        throw error;
      }
    }
    const latencyMs = Date.now() - started;
    log.debug(
      `chat ← ${answer.model} in ${latencyMs} ms, ${answer.usage.promptTokens}+${answer.usage.completionTokens} tokens, ` +
        `${retries} retries, finish ${answer.finishReason ?? 'unknown'}`,
    );
    log.debug(`chat answer:\n${clip(answer.text)}`);
    if (answer.text.trim() === '') {
      throw new LlmError('empty-response', emptyAnswerMessage(answer, this.model, maxTokens));
    }
    return { text: answer.text, usage: answer.usage, model: answer.model, latencyMs, retries };
  }

  private buildRequest(messages: ChatMessage[], temperature: number, maxTokens: number | undefined): ChatRequest {
    const request: ChatRequest = { model: this.model, messages: messages.map(toSdkMessage) };
    if (this.sendTemperature) {
      request.temperature = temperature;
    }
    if (maxTokens !== undefined) {
      request[this.tokenLimitParameter] = maxTokens;
    }
    return request;
  }

  /**
   * Newer OpenAI models refuse `max_tokens` (they want `max_completion_tokens`) and any temperature but 1;
   * some servers refuse `stream_options`. Each is learnt once from the 400 and the request is sent again.
   */
  private adaptTo(error: LlmError, request: ChatRequest): boolean {
    const cause = error.cause instanceof APIError ? error.cause : undefined;
    const said = `${cause?.param ?? ''} ${cause ? serverDetail(cause) : error.message}`.toLowerCase();
    const log = this.connection.logger;
    if (this.tokenLimitParameter === 'max_tokens' && request.max_tokens !== undefined && said.includes('max_tokens') && said.includes('max_completion_tokens')) {
      this.tokenLimitParameter = 'max_completion_tokens';
      log.info(`chat: ${this.model} does not accept max_tokens; sending max_completion_tokens instead`);
      return true;
    }
    if (this.askStreamUsage && said.includes('stream_options')) {
      this.askStreamUsage = false;
      log.info('chat: the endpoint does not accept stream_options; streaming without usage');
      return true;
    }
    if (
      this.sendTemperature &&
      request.temperature !== undefined &&
      (cause?.param === 'temperature' || (said.includes('temperature') && /unsupported|not support|only the default/.test(said)))
    ) {
      this.sendTemperature = false;
      log.warn(`chat: ${this.model} does not accept temperature ${request.temperature}; using the model's default`);
      return true;
    }
    return false;
  }

  private async completeOnce(request: ChatRequest, signal: AbortSignal, timeoutMs: number): Promise<Answer> {
    const completion = await this.connection.sdk().chat.completions.create(request, { signal, timeout: timeoutMs, maxRetries: 0 });
    // Servers that are only roughly compatible may leave fields out, whatever the types say.
    const choice = completion.choices?.[0];
    const answer: Answer = { text: choice?.message?.content ?? '', model: completion.model || this.model, usage: toUsage(completion.usage) };
    if (choice?.finish_reason) {
      answer.finishReason = choice.finish_reason;
    }
    return answer;
  }

  private async streamOnce(request: ChatRequest, signal: AbortSignal, timeoutMs: number, onText?: (textSoFar: string) => void): Promise<Answer> {
    const streaming: OpenAI.Chat.ChatCompletionCreateParamsStreaming = { ...request, stream: true };
    if (this.askStreamUsage) {
      streaming.stream_options = { include_usage: true };
    }
    const stream = await this.connection.sdk().chat.completions.create(streaming, { signal, timeout: timeoutMs, maxRetries: 0 });
    const parts: string[] = [];
    const answer: Answer = { text: '', model: this.model, usage: toUsage(undefined) };
    for await (const chunk of stream) {
      if (chunk.model) {
        answer.model = chunk.model;
      }
      const choice = chunk.choices?.[0];
      if (choice?.delta?.content) {
        parts.push(choice.delta.content);
        if (onText && !signal.aborted) {
          onText(parts.join(''));
        }
      }
      if (choice?.finish_reason) {
        answer.finishReason = choice.finish_reason;
      }
      if (chunk.usage) {
        answer.usage = toUsage(chunk.usage);
      }
    }
    // The SDK ends an aborted stream quietly; a partial answer must not pass for a whole one.
    if (signal.aborted) {
      throw new Error('stream aborted');
    }
    answer.text = parts.join('');
    return answer;
  }
}

function toSdkMessage(message: ChatMessage): OpenAI.Chat.ChatCompletionMessageParam {
  // The shapes are the wire format already; only the SDK's per-role content unions need the cast.
  return { role: message.role, content: message.content } as OpenAI.Chat.ChatCompletionMessageParam;
}

function toUsage(usage: { prompt_tokens?: number | null; completion_tokens?: number | null } | null | undefined): TokenUsage {
  return { promptTokens: usage?.prompt_tokens ?? 0, completionTokens: usage?.completion_tokens ?? 0 };
}

function emptyAnswerMessage(answer: Answer, model: string, maxTokens: number | undefined): string {
  if (answer.finishReason === 'length') {
    return (
      `Model '${model}' used its whole token budget (${maxTokens ?? 'server default'}) without writing an answer. ` +
      'Reasoning models spend tokens thinking first: raise max tokens.'
    );
  }
  if (answer.finishReason === 'content_filter') {
    return `Model '${model}' returned no answer: the provider's content filter stopped it.`;
  }
  return `Model '${model}' returned an empty answer (finish reason: ${answer.finishReason ?? 'none'}). Try again or pick another model.`;
}

function clip(text: string): string {
  return text.length > LOGGED_TEXT_CHARS ? `${text.slice(0, LOGGED_TEXT_CHARS)}… (${text.length} chars)` : text;
}

function describeRequest(request: ChatRequest, stream: boolean): string {
  const limit = request.max_completion_tokens ?? request.max_tokens;
  return [
    `model=${request.model}`,
    `messages=${request.messages.length}`,
    request.temperature === undefined ? 'temperature=default' : `temperature=${request.temperature}`,
    limit === undefined || limit === null ? undefined : `${request.max_completion_tokens === undefined ? 'max_tokens' : 'max_completion_tokens'}=${limit}`,
    `stream=${stream}`,
  ]
    .filter((part) => part !== undefined)
    .join(' ');
}

function describeMessages(messages: ChatMessage[]): string {
  return messages
    .map((message) => {
      const content =
        typeof message.content === 'string'
          ? message.content
          : message.content.map((part) => (part.type === 'text' ? part.text : `[image, ${part.image_url.url.length} chars]`)).join('\n');
      return `[${message.role}] ${clip(content)}`;
    })
    .join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// The connection: endpoint, SDK client, retry loop, error classification. Shared by chat and listModels.

interface Operation {
  label: 'chat' | 'list models';
  model?: string;
  timeoutMs: number;
}

interface Failure {
  error: LlmError;
  retryable: boolean;
  /** What the server asked for (Retry-After), when it did. */
  waitMs?: number;
}

/** Why our own race ended an attempt: the caller's signal or the per-request timer. */
class AttemptStopped extends Error {
  constructor(readonly reason: 'cancelled' | 'timeout') {
    super(reason);
  }
}

/** Network failures where nothing answered at all: the URL or the server is wrong, not the request. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT']);

class Connection {
  readonly endpoint: Endpoint;
  readonly plan: ClientPlan;
  readonly url: string;
  readonly timeoutMs: number;
  readonly logger: LlmLogger;
  private readonly maxRetries: number;
  private readonly retryBaseDelayMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly apiKey: string | undefined;
  private client: OpenAI | undefined;

  constructor(config: ConnectionConfig) {
    this.endpoint = resolveEndpoint(config.env ?? process.env, config);
    this.plan = chooseClient(this.endpoint);
    this.url = displayUrl(this.endpoint.baseUrl);
    this.apiKey = effectiveApiKey(this.endpoint);
    this.timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxRetries = Math.max(0, config.maxRetries ?? DEFAULT_MAX_RETRIES);
    this.retryBaseDelayMs = config.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS;
    this.maxRetryAfterMs = config.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
    this.logger = config.logger ?? silentLogger;
  }

  /** The SDK client, built on first use so a missing key surfaces as an error of the call, not of construction. */
  sdk(): OpenAI {
    if (this.apiKey === undefined) {
      throw this.noKeyError();
    }
    if (this.client === undefined) {
      const common = { apiKey: this.apiKey, maxRetries: 0, timeout: this.timeoutMs, fetch: fetchWithOpenAIErrorShape, logLevel: 'off' as const };
      this.client =
        this.plan.kind === 'azure'
          ? new AzureOpenAI({ ...common, baseURL: this.plan.baseURL, apiVersion: this.plan.apiVersion, deployment: this.plan.deployment })
          : new OpenAI({ ...common, baseURL: this.plan.baseURL });
      this.logger.debug(`llm: ${this.plan.kind === 'azure' ? `Azure OpenAI (api-version ${this.plan.apiVersion})` : 'OpenAI-compatible'} client for ${this.url}`);
    }
    return this.client;
  }

  private noKeyError(): LlmError {
    const variable = this.endpoint.apiKeyVariable;
    if (this.plan.kind === 'azure') {
      return new LlmError('no-key', `No API key for Azure OpenAI at ${this.url}. Set ${variable} or pass --api-key.`);
    }
    return new LlmError(
      'no-key',
      `No API key for ${this.url}. Set ${variable} (export ${variable}=<your key>) or pass --api-key. ` +
        'For a local server (Ollama, vLLM, LM Studio) set --base-url or OPENAI_BASE_URL instead; it needs no key.',
    );
  }

  /** Runs `attempt` with a per-attempt timeout, retrying what is worth retrying. */
  async run<T>(operation: Operation, signal: AbortSignal | undefined, attempt: (signal: AbortSignal) => Promise<T>): Promise<{ value: T; retries: number }> {
    for (let retry = 0; ; retry++) {
      if (signal?.aborted) {
        throw this.cancelled(operation);
      }
      try {
        const value = await raceAttempt(attempt, signal, operation.timeoutMs);
        return { value, retries: retry };
      } catch (raw) {
        const failure = this.classify(raw, operation);
        if (!failure.retryable || retry >= this.maxRetries) {
          const error =
            failure.retryable && retry > 0
              ? new LlmError(failure.error.kind, `${failure.error.message} Gave up after ${retry} ${retry === 1 ? 'retry' : 'retries'}.`, {
                  status: failure.error.status,
                  cause: failure.error.cause,
                })
              : failure.error;
          this.logger.debug(`${operation.label}: failed (${error.kind}${error.status === undefined ? '' : ` ${error.status}`})`);
          throw error;
        }
        const waitMs = Math.round(failure.waitMs ?? backoffMs(retry, this.retryBaseDelayMs));
        this.logger.warn(`${operation.label}: ${failure.error.message} Retry ${retry + 1}/${this.maxRetries} in ${waitMs} ms.`);
        await sleep(waitMs, signal, () => this.cancelled(operation));
      }
    }
  }

  private cancelled(operation: Operation): LlmError {
    return new LlmError('cancelled', `The ${operation.label} request was cancelled.`);
  }

  private redact(text: string): string {
    return redactSecrets(text, [this.apiKey, this.endpoint.apiKey]);
  }

  private classify(raw: unknown, operation: Operation): Failure {
    const url = this.url;
    if (raw instanceof LlmError) {
      return { error: raw, retryable: false };
    }
    if (raw instanceof AttemptStopped) {
      return raw.reason === 'cancelled'
        ? { error: this.cancelled(operation), retryable: false }
        : { error: this.timeoutError(operation), retryable: true };
    }
    if (raw instanceof APIUserAbortError) {
      return { error: this.cancelled(operation), retryable: false };
    }
    if (raw instanceof APIConnectionTimeoutError) {
      return { error: this.timeoutError(operation, raw), retryable: true };
    }
    if (raw instanceof APIConnectionError) {
      const code = networkCode(raw);
      if (code !== undefined && UNREACHABLE_CODES.has(code)) {
        const error = new LlmError(
          'unreachable',
          `Cannot reach ${url} (${code}). Check --base-url / OPENAI_BASE_URL and that the server is running.`,
          { cause: raw },
        );
        // A host name that does not resolve will not start resolving in a second.
        return { error, retryable: code !== 'ENOTFOUND' };
      }
      // Something answered, then the connection broke: a server or proxy problem, not a wrong URL.
      const error = new LlmError('server', `The connection to ${url} failed before an answer arrived (${code ?? this.redact(raw.message)}).`, {
        cause: raw,
      });
      return { error, retryable: true };
    }
    if (raw instanceof APIError) {
      return this.classifyStatus(raw, operation);
    }
    const message = raw instanceof Error ? raw.message : String(raw);
    return { error: new LlmError('server', `Unexpected failure talking to ${url}: ${this.redact(message)}`, { cause: raw }), retryable: false };
  }

  private classifyStatus(raw: APIError, operation: Operation): Failure {
    const url = this.url;
    const status = raw.status;
    const detail = this.redact(serverDetail(raw));
    const said = detail ? ` The server said: ${detail}` : '';
    const options = { status, cause: raw };
    if (status === undefined) {
      // An error event inside a stream.
      return { error: new LlmError('server', `The endpoint ${url} reported an error mid-answer.${said}`, options), retryable: true };
    }
    if (status === 401) {
      const variable = this.endpoint.apiKeyVariable;
      return {
        error: new LlmError('auth', `The endpoint rejected the API key (401). Set a valid key in ${variable} or --api-key.${said}`, options),
        retryable: false,
      };
    }
    if (status === 403) {
      return {
        error: new LlmError('auth', `The endpoint refused access (403): the key may not be allowed to use ${operation.model ? `'${operation.model}'` : 'this endpoint'}.${said}`, options),
        retryable: false,
      };
    }
    if (status === 404) {
      if (operation.label === 'list models') {
        return { error: new LlmError('bad-request', `${url}/models does not exist (404). Check --base-url (it usually ends in /v1).${said}`, options), retryable: false };
      }
      const what = this.plan.kind === 'azure' ? 'Deployment' : 'Model';
      return {
        error: new LlmError(
          'model-not-found',
          `${what} '${operation.model ?? ''}' is not available at ${url}. List models with \`curl ${url}/models\` or "Plotwright: Select Model"; ` +
            `if the model is right, check that --base-url ends in /v1.${said}`,
          options,
        ),
        retryable: false,
      };
    }
    if (status === 429) {
      if (raw.code === 'insufficient_quota') {
        return {
          error: new LlmError('rate-limited', `The account behind this API key has no quota left (429 insufficient_quota). Check billing with the provider.${said}`, options),
          retryable: false,
        };
      }
      return this.pleaseWait(raw, 'rate-limited', 'The endpoint is rate limiting requests (429).', said);
    }
    if (status === 408) {
      return { error: this.timeoutError(operation, raw), retryable: true, waitMs: this.askedWait(raw) };
    }
    if (status >= 500 || status === 409) {
      return this.pleaseWait(raw, 'server', `The endpoint ${url} had a server error (${status}).`, said);
    }
    return { error: new LlmError('bad-request', `The endpoint refused the request (${status}).${said}`, options), retryable: false };
  }

  private askedWait(raw: APIError): number | undefined {
    return retryAfterMs(raw.headers);
  }

  /** Retry after the wait the server asked for, unless it is longer than we are willing to wait. */
  private pleaseWait(raw: APIError, kind: 'rate-limited' | 'server', message: string, said: string): Failure {
    const waitMs = this.askedWait(raw);
    const options = { status: raw.status, cause: raw };
    if (waitMs !== undefined && waitMs > this.maxRetryAfterMs) {
      return {
        error: new LlmError(
          kind,
          `${message} It asked to wait ${seconds(waitMs)}, longer than the ${seconds(this.maxRetryAfterMs)} Plotwright waits; try again later.${said}`,
          options,
        ),
        retryable: false,
      };
    }
    const failure: Failure = { error: new LlmError(kind, `${message}${said}`, options), retryable: true };
    if (waitMs !== undefined) {
      failure.waitMs = waitMs;
    }
    return failure;
  }

  private timeoutError(operation: Operation, cause?: unknown): LlmError {
    return new LlmError(
      'timeout',
      `No answer from ${this.url} within ${seconds(operation.timeoutMs)} (the request timeout). The model may be slow or busy: ` +
        'raise the timeout or try a smaller model.',
      { cause },
    );
  }
}

function seconds(ms: number): string {
  const value = ms / 1000;
  return `${Number.isInteger(value) ? value : value.toFixed(1)} s`;
}

/** The server's own words: the `error.message` of OpenAI's shape, else what the SDK made of the body. */
function serverDetail(error: APIError): string {
  const body = error.error as { message?: unknown } | undefined;
  const text = typeof body?.message === 'string' ? body.message : error.message.replace(/^\d{3}\s+/, '');
  const oneLine = text.replace(/\s+/g, ' ').trim();
  if (/^\(?no (status code or )?body\)?$|status code \(no body\)/.test(oneLine)) {
    return '';
  }
  return oneLine.length > 300 ? `${oneLine.slice(0, 300)}…` : oneLine;
}

/** The errno-style code somewhere in a fetch failure's cause chain (undici nests it, sometimes in an AggregateError). */
function networkCode(error: unknown, depth = 0): string | undefined {
  if (depth > 6 || typeof error !== 'object' || error === null) {
    return undefined;
  }
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && code !== '') {
    return code;
  }
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = networkCode(inner, depth + 1);
      if (found !== undefined) {
        return found;
      }
    }
  }
  return networkCode(cause, depth + 1);
}

/**
 * One attempt, ended at once by the caller's signal or the timer, whatever the SDK is doing at that moment.
 * The attempt's own signal aborts the HTTP request so nothing keeps running behind our back.
 */
async function raceAttempt<T>(attempt: (signal: AbortSignal) => Promise<T>, signal: AbortSignal | undefined, timeoutMs: number): Promise<T> {
  const controller = new AbortController();
  let stop: (reason: AttemptStopped) => void = () => undefined;
  const stopped = new Promise<never>((_resolve, reject) => {
    stop = reject;
  });
  const end = (reason: 'cancelled' | 'timeout'): void => {
    stop(new AttemptStopped(reason));
    controller.abort();
  };
  const onAbort = (): void => end('cancelled');
  const timer = setTimeout(() => end('timeout'), timeoutMs);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const work = attempt(controller.signal);
    // The loser of the race settles later; that must not become an unhandled rejection.
    work.catch(() => undefined);
    return await Promise.race([work, stopped]);
  } catch (error) {
    if (signal?.aborted) {
      throw new AttemptStopped('cancelled');
    }
    if (controller.signal.aborted) {
      throw new AttemptStopped('timeout');
    }
    throw error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * vLLM, Ollama and LM Studio do not always use OpenAI's `{error: {message}}` error shape, and the SDK then
 * loses their message. Rewrites such error bodies into that shape; successful responses pass untouched.
 */
async function fetchWithOpenAIErrorShape(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const response = await fetch(input, init);
  if (response.ok) {
    return response;
  }
  const text = await response.text();
  const headers = new Headers(response.headers);
  // The new body is decoded text of another length.
  headers.delete('content-length');
  headers.delete('content-encoding');
  return new Response(normalizeErrorBody(text), { status: response.status, statusText: response.statusText, headers });
}

export function normalizeErrorBody(text: string): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof body !== 'object' || body === null) {
    return text;
  }
  const record = body as Record<string, unknown>;
  if (typeof record.error === 'string') {
    return JSON.stringify({ error: { message: record.error } });
  }
  if (typeof record.error === 'object' && record.error !== null) {
    return text;
  }
  const message = record.message ?? record.detail;
  if (message === undefined) {
    return text;
  }
  return JSON.stringify({
    error: {
      message: typeof message === 'string' ? message : JSON.stringify(message),
      type: typeof record.type === 'string' ? record.type : undefined,
      code: typeof record.code === 'string' ? record.code : undefined,
      param: typeof record.param === 'string' ? record.param : undefined,
    },
  });
}

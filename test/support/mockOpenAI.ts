// An OpenAI-compatible server for tests and the demo: scripted replies over real HTTP on 127.0.0.1.

import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The chat request as the client sent it (other endpoints' bodies are recorded with the same type). */
export interface ChatRequestBody {
  model?: string;
  messages?: Array<{ role: string; content: unknown }>;
  temperature?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  [key: string]: unknown;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query, e.g. `/v1/chat/completions`. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; undefined when there was none. */
  body: ChatRequestBody | undefined;
}

interface ReplyTiming {
  /** Wait this long before answering (or dropping the connection). */
  delayMs?: number;
}

export interface ContentReply extends ReplyTiming {
  content: string;
  /** Default: the model the request named. */
  model?: string;
  /** Default 'stop'. */
  finishReason?: string;
  /** Default: rough counts (4 characters a token); null leaves usage out of the response. */
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
  /** When streaming, wait this long between chunks. */
  chunkDelayMs?: number;
  /** When streaming, stop after this many content deltas until `release` resolves (the stream stays open). */
  holdAfterDeltas?: number;
  release?: Promise<void>;
}

export interface StatusReply extends ReplyTiming {
  status: number;
  /** Default: OpenAI's error shape with a message fitting the status. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface HangReply extends ReplyTiming {
  hang: true;
}

export interface DropReply extends ReplyTiming {
  dropConnection: true;
}

export type MockReply = ContentReply | StatusReply | HangReply | DropReply;

export type MockResponder = (body: ChatRequestBody, request: RecordedRequest) => MockReply | Promise<MockReply>;

export interface MockOpenAIOptions {
  /** Ids GET /v1/models lists. Default ['mock-model']. */
  models?: string[];
  responder?: MockResponder;
  /** Address to listen on (any 127.x.y.z is loopback on Linux). Default 127.0.0.1. */
  host?: string;
}

export interface MockOpenAI {
  /** `http://<host>:<port>/v1` */
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  /** Replies for the next chat requests, in order; they win over the responder. */
  enqueue(...replies: MockReply[]): void;
  /** Answers chat requests once the queue is empty; undefined removes it. */
  setResponder(responder: MockResponder | undefined): void;
  setModels(ids: string[]): void;
  /** Scripted replies not yet used. */
  readonly pending: number;
  /** Forgets recorded requests, scripted replies and the responder. */
  reset(): void;
  /** The recorded requests to the chat endpoint only. */
  chatRequests(): RecordedRequest[];
  /** Stops the server, ending hanging requests. Safe to call twice. */
  close(): Promise<void>;
}

/** OpenAI's error body: `{error: {message, type, param, code}}`. */
export function openAIError(message: string, type = 'invalid_request_error', code: string | null = null, param: string | null = null): object {
  return { error: { message, type, param, code } };
}

function defaultErrorBody(status: number, model: string | undefined): object {
  switch (status) {
    case 400:
      return openAIError('mock: bad request');
    case 401:
      return openAIError('Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.', 'invalid_request_error', 'invalid_api_key');
    case 403:
      return openAIError('You are not allowed to sample from this model', 'invalid_request_error', 'model_not_allowed');
    case 404:
      return openAIError(`The model \`${model ?? 'unknown'}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found');
    case 429:
      return openAIError('Rate limit reached for requests. Please try again later.', 'requests', 'rate_limit_exceeded');
    default:
      return status >= 500
        ? openAIError('The server had an error while processing your request. Sorry about that!', 'server_error')
        : openAIError(`mock: status ${status}`);
  }
}

/** About 4 characters a token, like OpenAI's rule of thumb; enough for tests that usage is passed through. */
function roughTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function promptText(body: ChatRequestBody): string {
  return (body.messages ?? [])
    .map((message) => (typeof message.content === 'string' ? message.content : JSON.stringify(message.content ?? '')))
    .join('\n');
}

/** Splits an answer into several deltas (words with their trailing space), as a real stream arrives. */
export function splitIntoDeltas(content: string): string[] {
  return content.match(/\s*\S+\s*/g) ?? (content === '' ? [] : [content]);
}

export async function startMockOpenAI(options: MockOpenAIOptions = {}): Promise<MockOpenAI> {
  const queue: MockReply[] = [];
  const requests: RecordedRequest[] = [];
  let responder = options.responder;
  let models = options.models ?? ['mock-model'];
  let completionCount = 0;
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const wait = (ms: number, res: ServerResponse): Promise<boolean> =>
    new Promise((resolve) => {
      if (ms <= 0) {
        resolve(!res.destroyed);
        return;
      }
      const timer = setTimeout(() => {
        timers.delete(timer);
        res.off('close', onClose);
        resolve(!res.destroyed && !closed);
      }, ms);
      const onClose = (): void => {
        clearTimeout(timer);
        timers.delete(timer);
        resolve(false);
      };
      timers.add(timer);
      res.once('close', onClose);
    });

  const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    if (res.destroyed || res.headersSent) {
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req_mock_${requests.length}`, ...headers });
    res.end(text);
  };

  const answerChat = async (reply: MockReply, body: ChatRequestBody, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (reply.delayMs !== undefined && !(await wait(reply.delayMs, res))) {
      return;
    }
    if ('hang' in reply) {
      return;
    }
    if ('dropConnection' in reply) {
      req.socket.destroy();
      return;
    }
    if ('status' in reply) {
      sendJson(res, reply.status, reply.body ?? defaultErrorBody(reply.status, body.model), reply.headers);
      return;
    }
    completionCount += 1;
    const id = `chatcmpl-mock-${completionCount}`;
    const created = Math.floor(Date.now() / 1000);
    const model = reply.model ?? body.model ?? 'mock-model';
    const finishReason = reply.finishReason ?? 'stop';
    const usage =
      reply.usage === null
        ? undefined
        : (() => {
            const counts = reply.usage ?? { prompt_tokens: roughTokens(promptText(body)), completion_tokens: roughTokens(reply.content) };
            return { ...counts, total_tokens: counts.prompt_tokens + counts.completion_tokens };
          })();
    if (body.stream !== true) {
      sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: reply.content, refusal: null }, logprobs: null, finish_reason: finishReason }],
        ...(usage ? { usage } : {}),
      });
      return;
    }
    const includeUsage = body.stream_options?.include_usage === true;
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): string =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...(includeUsage ? { usage: null } : {}), ...extra })}\n\n`;
    const events = [
      chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]),
      ...splitIntoDeltas(reply.content).map((text) => chunk([{ index: 0, delta: { content: text }, logprobs: null, finish_reason: null }])),
      chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: finishReason }]),
    ];
    if (includeUsage && usage) {
      events.push(chunk([], { usage }));
    }
    events.push('data: [DONE]\n\n');
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    for (const [index, event] of events.entries()) {
      if (res.destroyed) {
        return;
      }
      res.write(event);
      // events[0] carries the role; content delta n is events[n].
      if (reply.holdAfterDeltas !== undefined && index === reply.holdAfterDeltas && reply.release) {
        const closedEarly = new Promise<void>((resolve) => res.once('close', () => resolve()));
        await Promise.race([reply.release, closedEarly]);
      }
      if (reply.chunkDelayMs !== undefined && !(await wait(reply.chunkDelayMs, res))) {
        return;
      }
    }
    res.end();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const chunk of req) {
      chunks.push(chunk as Buffer);
    }
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: ChatRequestBody | undefined;
    let badJson = false;
    if (raw !== '') {
      try {
        body = JSON.parse(raw) as ChatRequestBody;
      } catch {
        badJson = true;
      }
    }
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
    };
    requests.push(recorded);
    if (badJson) {
      sendJson(res, 400, openAIError('mock: the body is not valid JSON'));
      return;
    }
    // Any prefix (/v1, Azure's /openai/deployments/<name>) routes by the last segments.
    if (recorded.method === 'POST' && url.pathname.endsWith('/chat/completions')) {
      const chatBody = body ?? {};
      const reply = queue.shift() ?? (responder ? await responder(chatBody, recorded) : undefined);
      if (reply === undefined) {
        sendJson(res, 500, openAIError('mock: no reply scripted', 'server_error'));
        return;
      }
      await answerChat(reply, chatBody, req, res);
      return;
    }
    if (recorded.method === 'GET' && url.pathname.endsWith('/models')) {
      sendJson(res, 200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'mock' })) });
      return;
    }
    sendJson(res, 404, openAIError(`mock: no route for ${recorded.method} ${url.pathname}`, 'invalid_request_error', 'not_found'));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      sendJson(res, 500, openAIError(`mock: responder failed: ${message}`, 'server_error'));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://${options.host ?? '127.0.0.1'}:${port}/v1`,
    requests,
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    setResponder: (next) => {
      responder = next;
    },
    setModels: (ids) => {
      models = [...ids];
    },
    get pending() {
      return queue.length;
    },
    reset: () => {
      requests.length = 0;
      queue.length = 0;
      responder = undefined;
    },
    chatRequests: () => requests.filter((request) => request.path.endsWith('/chat/completions')),
    close: async () => {
      if (closed) {
        return;
      }
      closed = true;
      for (const timer of timers) {
        clearTimeout(timer);
      }
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await done;
    },
  };
}

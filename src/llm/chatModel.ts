// The model interface the engine, the benchmark's sampler and judge, and the extension share.

export type ContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | ContentPart[];
}

export interface ChatOptions {
  /** Default 0. */
  temperature?: number;
  maxTokens?: number;
  /** Per-request timeout; the client's default otherwise. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called with the whole answer so far as it streams; asking for it makes a streaming request. */
  onText?: (textSoFar: string) => void;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface ChatResponse {
  text: string;
  usage: TokenUsage;
  /** The model that answered, as the endpoint names it. */
  model: string;
  latencyMs: number;
  /** How many retries (429, 5xx, network) this answer took. */
  retries: number;
  /** True when the answer came from the response cache. */
  cached?: boolean;
}

export interface ChatModel {
  readonly model: string;
  /** Where requests go (a base URL without credentials); the response cache keys on it. */
  readonly endpoint?: string;
  /** What a call that leaves temperature/maxTokens out gets; the response cache keys on these. */
  readonly defaults?: { temperature: number; maxTokens?: number };
  complete(messages: ChatMessage[], options?: ChatOptions): Promise<ChatResponse>;
}

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return { promptTokens: a.promptTokens + b.promptTokens, completionTokens: a.completionTokens + b.completionTokens };
}

// Caches answers on disk under a hash of what determines them, so a benchmark rerun costs nothing and
// gives the same answers.

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChatMessage, ChatModel, ChatOptions, ChatResponse } from './chatModel.js';
import { silentLogger, type LlmLogger } from './logger.js';

export interface ResponseCacheOptions {
  dir: string;
  /** Bump when prompts change meaning so old answers stop matching. */
  promptVersion: string;
  /** Default true; false makes the wrapper a pass-through. */
  enabled?: boolean;
  logger?: LlmLogger;
}

export interface CacheKeyInput {
  promptVersion: string;
  model: string;
  /** The same model name on another endpoint (a local server, another provider) is another model. */
  endpoint?: string;
  messages: ChatMessage[];
  temperature: number;
  maxTokens?: number;
}

interface CacheEntry {
  key: string;
  createdAt: string;
  response: Pick<ChatResponse, 'text' | 'usage' | 'model' | 'latencyMs' | 'retries'>;
}

export function cacheKey(input: CacheKeyInput): string {
  // Fixed field order, and null rather than a missing field, so equal inputs always hash equally.
  const canonical = JSON.stringify([input.promptVersion, input.model, input.endpoint ?? null, input.messages, input.temperature, input.maxTokens ?? null]);
  return createHash('sha256').update(canonical).digest('hex');
}

export class CachingChatModel implements ChatModel {
  readonly model: string;
  readonly endpoint: string | undefined;
  readonly defaults: { temperature: number; maxTokens?: number } | undefined;
  private readonly logger: LlmLogger;

  constructor(
    private readonly inner: ChatModel,
    private readonly options: ResponseCacheOptions,
  ) {
    this.model = inner.model;
    this.endpoint = inner.endpoint;
    this.defaults = inner.defaults;
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * A hit answers with `cached: true`, `latencyMs: 0` and `retries: 0` (it cost nothing this time) and the
   * usage recorded when the answer was made.
   */
  async complete(messages: ChatMessage[], options: ChatOptions = {}): Promise<ChatResponse> {
    if (this.options.enabled === false) {
      return this.inner.complete(messages, options);
    }
    const maxTokens = options.maxTokens ?? this.defaults?.maxTokens;
    const input: CacheKeyInput = {
      promptVersion: this.options.promptVersion,
      model: this.model,
      ...(this.endpoint === undefined ? {} : { endpoint: this.endpoint }),
      messages,
      temperature: options.temperature ?? this.defaults?.temperature ?? 0,
    };
    if (maxTokens !== undefined) {
      input.maxTokens = maxTokens;
    }
    const key = cacheKey(input);
    const path = join(this.options.dir, `${key}.json`);
    const hit = await readEntry(path, key);
    if (hit) {
      this.logger.debug(`cache: hit ${key.slice(0, 12)}`);
      return { ...hit.response, latencyMs: 0, retries: 0, cached: true };
    }
    const response = await this.inner.complete(messages, options);
    const entry: CacheEntry = {
      key,
      createdAt: new Date().toISOString(),
      response: { text: response.text, usage: response.usage, model: response.model, latencyMs: response.latencyMs, retries: response.retries },
    };
    try {
      await writeAtomically(this.options.dir, path, `${JSON.stringify(entry, null, 1)}\n`);
    } catch (error) {
      // A cache that cannot be written costs money on the next run, not this answer.
      this.logger.warn(`cache: could not write ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return { ...response, cached: false };
  }
}

async function readEntry(path: string, key: string): Promise<CacheEntry | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const entry = JSON.parse(text) as Partial<CacheEntry>;
    const response = entry.response;
    // Anything malformed (a hand edit, a foreign file) is a miss and gets overwritten.
    if (entry.key !== key || typeof response?.text !== 'string' || typeof response.model !== 'string' || typeof response.usage?.promptTokens !== 'number') {
      return undefined;
    }
    return entry as CacheEntry;
  } catch {
    return undefined;
  }
}

/** Temp file + rename: a reader never sees half a file, and concurrent writers of one key both leave a whole one. */
async function writeAtomically(dir: string, path: string, text: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, text, 'utf8');
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

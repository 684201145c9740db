// Model requests in flight, bounded, with adaptive backoff on 429: a rate-limited answer halves the
// number of requests allowed in flight and pauses new ones; each run of successes as long as the
// current limit raises it by one again, up to the configured bound (additive increase,
// multiplicative decrease, as TCP does). The request that was rate limited is asked again.
import type { ChatMessage, ChatModel, ChatOptions, ChatResponse } from './chatModel.js';
import { LlmError } from './errors.js';
import { sleep } from './retry.js';

export interface RequestLimiterOptions {
  /** Requests in flight at most. */
  maxInFlight: number;
  /** Pause after a 429 before the next request starts; doubled per 429 in a row. Default 1 s. */
  backoffMs?: number;
  /** Longest pause. Default 60 s. */
  maxBackoffMs?: number;
  /** A request rate limited this many times in a row fails with the 429. Default 8. */
  maxRateLimitRetries?: number;
}

function isRateLimited(error: unknown): boolean {
  // A quota that ran out is not a rate: waiting does not help.
  return error instanceof LlmError && error.kind === 'rate-limited' && !/quota/i.test(error.message);
}

export class RequestLimiter {
  readonly maxInFlight: number;
  /** The current bound (lowered by 429s). */
  limit: number;
  inFlight = 0;
  /** 429s seen, for the report. */
  rateLimited = 0;
  private successes = 0;
  private streak = 0;
  private pausedUntil = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxRetries: number;

  constructor(options: RequestLimiterOptions) {
    this.maxInFlight = Math.max(1, Math.floor(options.maxInFlight));
    this.limit = this.maxInFlight;
    this.backoffMs = options.backoffMs ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
    this.maxRetries = options.maxRateLimitRetries ?? 8;
  }

  async run<T>(request: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await this.acquire(signal);
      try {
        const value = await request();
        this.onSuccess();
        return value;
      } catch (error) {
        if (!isRateLimited(error) || attempt >= this.maxRetries || signal?.aborted) {
          throw error;
        }
        this.onRateLimited();
      } finally {
        this.release();
      }
    }
  }

  private onSuccess(): void {
    this.streak = 0;
    this.successes++;
    if (this.limit < this.maxInFlight && this.successes >= this.limit) {
      this.limit++;
      this.successes = 0;
      this.wake();
    }
  }

  private onRateLimited(): void {
    this.rateLimited++;
    this.streak++;
    this.successes = 0;
    this.limit = Math.max(1, Math.floor(this.limit / 2));
    const pause = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** (this.streak - 1));
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + pause);
  }

  private async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) {
        throw signal.reason instanceof Error ? signal.reason : new Error('Cancelled');
      }
      const wait = this.pausedUntil - Date.now();
      if (wait > 0) {
        await sleep(wait, signal, () => (signal?.reason instanceof Error ? signal.reason : new Error('Cancelled')));
        continue;
      }
      if (this.inFlight < this.limit) {
        this.inFlight++;
        return;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private release(): void {
    this.inFlight--;
    this.wake();
  }

  private wake(): void {
    // Everyone waiting re-checks; with a handful of waiters per slot this is cheap and never loses a wake-up.
    for (const resolve of this.waiting.splice(0)) {
      resolve();
    }
  }
}

/** A ChatModel whose requests go through a RequestLimiter (shared by the sampler and the judge). */
export class LimitedChatModel implements ChatModel {
  readonly model: string;
  readonly defaults: ChatModel['defaults'];
  readonly endpoint: string | undefined;

  constructor(
    private readonly inner: ChatModel,
    private readonly limiter: RequestLimiter,
  ) {
    this.model = inner.model;
    this.defaults = inner.defaults;
    this.endpoint = inner.endpoint;
  }

  complete(messages: ChatMessage[], options: ChatOptions = {}): Promise<ChatResponse> {
    return this.limiter.run(() => this.inner.complete(messages, options), options.signal);
  }
}

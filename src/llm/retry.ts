// Timing for our own retry loop (the SDK's retries are off so every retry is counted and capped here).

/**
 * How long the server asked us to wait: `retry-after-ms` (OpenAI's extension), else `Retry-After` as
 * seconds or an HTTP date. Undefined when the headers do not say.
 */
export function retryAfterMs(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  const millis = headers?.get('retry-after-ms')?.trim();
  if (millis) {
    const value = Number(millis);
    if (Number.isFinite(value) && value >= 0) {
      return value;
    }
  }
  const after = headers?.get('retry-after')?.trim();
  if (after) {
    const seconds = Number(after);
    if (Number.isFinite(seconds) && seconds >= 0) {
      return seconds * 1000;
    }
    const date = Date.parse(after);
    if (!Number.isNaN(date)) {
      return Math.max(0, date - now);
    }
  }
  return undefined;
}

/** Exponential backoff with "equal jitter": half the delay fixed, half random, so clients spread out. */
export function backoffMs(retry: number, baseMs: number, maxMs = 8_000, random: () => number = Math.random): number {
  const delay = Math.min(maxMs, baseMs * 2 ** retry);
  return delay / 2 + random() * (delay / 2);
}

/** Resolves after `ms`; rejects with `onAbort()` as soon as the signal aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined, onAbort: () => Error): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(onAbort());
      return;
    }
    const abort = (): void => {
      clearTimeout(timer);
      reject(onAbort());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', abort, { once: true });
  });
}

// The one error type the LLM layer throws: a kind the caller can branch on and a message the user can act on.

export type LlmErrorKind =
  | 'no-key'
  | 'auth'
  | 'model-not-found'
  | 'unreachable'
  | 'rate-limited'
  | 'server'
  | 'timeout'
  | 'cancelled'
  | 'bad-request'
  | 'empty-response';

export class LlmError extends Error {
  override readonly name = 'LlmError';
  readonly kind: LlmErrorKind;
  /** HTTP status when the endpoint answered. */
  readonly status?: number;

  constructor(kind: LlmErrorKind, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    if (options.status !== undefined) {
      this.status = options.status;
    }
  }

  /** Errors the user fixes in settings (key, model, URL) rather than by trying again. */
  get isConfiguration(): boolean {
    return this.kind === 'no-key' || this.kind === 'auth' || this.kind === 'model-not-found' || this.kind === 'unreachable';
  }
}

export function isLlmError(error: unknown, kind?: LlmErrorKind): error is LlmError {
  return error instanceof LlmError && (kind === undefined || error.kind === kind);
}

/**
 * Removes secrets from text that came from elsewhere (a server's error message, a URL): the key itself
 * wherever it appears, and anything shaped like an OpenAI key, even the partly masked form servers echo.
 */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) {
      out = out.split(secret).join('***');
    }
  }
  return out.replace(/\bsk-[A-Za-z0-9_*-]{3,}/g, 'sk-***');
}

// Jupyter's kernels API as the engine's CodeKernel, with no vscode import: the token source comes in,
// so unit tests drive it with a fake kernel. What the real extension (2025.4.1) does, and the answer here:
// - the first executeCode from an extension waits on a modal consent, for as long as the user reads it:
//   no timeout runs until a cheap probe has been let through;
// - a refusal throws an Error named 'vscode.jupyter.apiAccessRevoked': KernelAccessError;
// - a Python error yields the error output, then throws with message = evalue: an 'error' result;
// - cancelling throws "Canceled future…" (started) or ends quietly (queued): CancelledError either way;
// - a token cancelled before the call does not stop the code: the signal is checked first.
import type { CodeKernel, ExecuteOptions, ExecutionResult, KernelOutput } from '../kernel/kernel.js';
import { resultFromOutputs, toKernelOutputs, type OutputItemLike } from './outputs.js';

/** The `name` the Jupyter extension gives the error of a refused (or revoked) kernel access. */
export const ACCESS_REVOKED = 'vscode.jupyter.apiAccessRevoked';

export type KernelStatus = 'unknown' | 'starting' | 'idle' | 'busy' | 'terminating' | 'restarting' | 'autorestarting' | 'dead';

/** The part of the Jupyter API's Kernel that Plotwright uses. */
export interface ApiKernelLike {
  readonly status: KernelStatus;
  readonly language: string;
  executeCode(code: string, token: CancellationTokenLike): AsyncIterable<{ items: readonly OutputItemLike[] }>;
}

export interface CancellationTokenLike {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

export interface TokenSourceLike {
  readonly token: CancellationTokenLike;
  cancel(): void;
  dispose(): void;
}

/** Silent everywhere: the presenter never shows a cancellation. */
export class CancelledError extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('Cancelled');
  }
}

/** Jupyter refused Plotwright access to the kernel (Deny, or Cancel, on its consent dialog). */
export class KernelAccessError extends Error {
  constructor(readonly detail: string) {
    super(
      "Jupyter did not give Plotwright access to this notebook's kernel (Deny or Cancel in its dialog), so Plotwright cannot read your DataFrames. " +
        'Allow Plotwright in "Jupyter: Manage Access To Jupyter Kernels", then try again.',
    );
  }
}

export class NoKernelError extends Error {
  constructor(readonly reason: 'no-jupyter' | 'no-kernel' | 'not-python') {
    super(
      reason === 'no-jupyter'
        ? 'The Jupyter extension (ms-toolsai.jupyter) is not available.'
        : reason === 'no-kernel'
          ? 'This notebook has no running kernel yet. Select a Python kernel and run a cell first.'
          : "This notebook's kernel is not Python.",
    );
  }
}

/** The kernel cannot take Plotwright's request now: busy with a cell, or dead (its variables gone). */
export class KernelStateError extends Error {
  constructor(readonly state: 'busy' | 'dead') {
    super(
      state === 'busy'
        ? "The notebook's kernel is busy running a cell. Wait for it to finish, or interrupt it, then try again."
        : "The notebook's kernel died, and its variables with it. Restart the kernel, then run the cells that create your DataFrame.",
    );
  }
}

export function isDead(status: KernelStatus): boolean {
  return status === 'dead' || status === 'terminating';
}

export function isAccessRefusal(error: unknown): boolean {
  return error instanceof Error && error.name === ACCESS_REVOKED;
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new CancelledError();
  }
}

/** Code that does nothing: its only job is to pass Jupyter's consent. */
export const ACCESS_PROBE = 'pass';

/** Kernels (as the API hands them out) whose access the user has granted in this session. */
const granted = new WeakSet<ApiKernelLike>();

export class ApiKernel implements CodeKernel {
  private access: Promise<void> | undefined;

  constructor(
    private readonly kernel: ApiKernelLike,
    readonly cwd: string,
    private readonly newTokenSource: () => TokenSourceLike,
    private readonly restartKernel: () => Promise<void>,
  ) {}

  get status(): KernelStatus {
    return this.kernel.status;
  }

  async execute(code: string, options: ExecuteOptions = {}): Promise<ExecutionResult> {
    const { signal } = options;
    throwIfCancelled(signal);
    if (isDead(this.kernel.status)) {
      throw new KernelStateError('dead');
    }
    // The user may read Jupyter's consent dialog for minutes: that wait is not the query's time.
    await this.ensureAccess(signal);
    throwIfCancelled(signal);
    const started = Date.now();
    const source = this.newTokenSource();
    const onAbort = () => source.cancel();
    signal?.addEventListener('abort', onAbort);
    let timedOut = false;
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          source.cancel();
        }, options.timeoutMs)
      : undefined;
    const outputs: KernelOutput[] = [];
    let thrown: unknown;
    try {
      for await (const output of this.kernel.executeCode(code, source.token)) {
        outputs.push(...toKernelOutputs(output.items));
      }
    } catch (error) {
      thrown = error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      source.dispose();
    }
    const durationMs = Date.now() - started;
    throwIfCancelled(signal);
    if (isAccessRefusal(thrown)) {
      granted.delete(this.kernel);
      throw new KernelAccessError((thrown as Error).message);
    }
    if (timedOut) {
      const result = resultFromOutputs(outputs, durationMs, 'timeout');
      result.error = { ename: 'TimeoutError', evalue: `no answer within ${Math.round((options.timeoutMs ?? 0) / 1000)} s`, traceback: [] };
      return result;
    }
    // A Python error arrives as an error output, then as the iterator's exception: the output says it all.
    if (thrown !== undefined && !outputs.some((o) => o.kind === 'error')) {
      throw thrown;
    }
    return resultFromOutputs(outputs, durationMs);
  }

  private ensureAccess(signal: AbortSignal | undefined): Promise<void> {
    if (granted.has(this.kernel)) {
      return Promise.resolve();
    }
    this.access ??= this.probe(signal).finally(() => {
      this.access = undefined;
    });
    return this.access;
  }

  /** Runs code that does nothing, with no timeout: it returns once Jupyter let Plotwright through. */
  private async probe(signal: AbortSignal | undefined): Promise<void> {
    const source = this.newTokenSource();
    const onAbort = () => source.cancel();
    signal?.addEventListener('abort', onAbort);
    try {
      for await (const _output of this.kernel.executeCode(ACCESS_PROBE, source.token)) {
        // `pass` has no output.
      }
    } catch (error) {
      throwIfCancelled(signal);
      if (isAccessRefusal(error)) {
        throw new KernelAccessError((error as Error).message);
      }
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      source.dispose();
    }
    throwIfCancelled(signal);
    granted.add(this.kernel);
  }

  restart(): Promise<void> {
    return this.restartKernel();
  }

  async dispose(): Promise<void> {
    // The kernel belongs to the notebook, not to Plotwright.
  }
}

// ApiKernel against a fake of the Jupyter API's Kernel that behaves as the real extension (2025.4.1) does:
// a consent wait before the first execution, a refusal named vscode.jupyter.apiAccessRevoked, a Python
// error yielded then thrown, "Canceled future…" when a started execution is cancelled, a quiet end when a
// queued one is, and code that runs even when its token was cancelled before the call.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ACCESS_PROBE,
  ACCESS_REVOKED,
  ApiKernel,
  CancelledError,
  KernelAccessError,
  KernelStateError,
  type ApiKernelLike,
  type CancellationTokenLike,
  type KernelStatus,
  type TokenSourceLike,
} from '../../src/vscode/apiKernel.js';

const encoder = new TextEncoder();
const stdout = (text: string) => ({ items: [{ mime: 'application/vnd.code.notebook.stdout', data: encoder.encode(text) }] });
const errorOutput = (ename: string, evalue: string) => ({
  items: [{ mime: 'application/vnd.code.notebook.error', data: encoder.encode(JSON.stringify({ name: ename, message: evalue, stack: `${ename}: ${evalue}` })) }],
});

class FakeTokenSource implements TokenSourceLike {
  private listeners: Array<() => void> = [];
  private cancelled = false;
  readonly token: CancellationTokenLike;
  constructor() {
    const isCancelled = () => this.cancelled;
    this.token = {
      get isCancellationRequested() {
        return isCancelled();
      },
      onCancellationRequested: (listener) => {
        this.listeners.push(listener);
        return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
      },
    };
  }
  cancel(): void {
    if (!this.cancelled) {
      this.cancelled = true;
      for (const listener of this.listeners) {
        listener();
      }
    }
  }
  dispose(): void {
    this.listeners = [];
  }
}

type Behaviour = (code: string, token: CancellationTokenLike) => AsyncIterable<{ items: { mime: string; data: Uint8Array }[] }>;

/** A kernel with Jupyter's consent in front: `consent` settles when the user answers the dialog. */
class FakeKernel implements ApiKernelLike {
  status: KernelStatus = 'idle';
  readonly language = 'python';
  readonly ran: string[] = [];
  consentAsked = 0;
  private decided: Promise<'allow' | 'deny' | 'cancel'> | undefined;
  constructor(
    private readonly consent: () => Promise<'allow' | 'deny' | 'cancel'>,
    private readonly behaviour: Behaviour,
  ) {}

  async *executeCode(code: string, token: CancellationTokenLike) {
    if (!this.decided) {
      this.consentAsked++;
      this.decided = this.consent();
    }
    const answer = await this.decided;
    if (answer !== 'allow') {
      if (answer === 'deny') {
        this.decided = Promise.resolve('deny');
      }
      const error = new Error('Access to Jupyter Kernel has been revoked');
      error.name = ACCESS_REVOKED;
      throw error;
    }
    // The real extension does not look at a token cancelled before the call.
    this.ran.push(code);
    yield* this.behaviour(code, token);
  }
}

const allowNow = () => Promise.resolve('allow' as const);
const printOk: Behaviour = async function* (code) {
  if (code !== ACCESS_PROBE) {
    yield stdout('ok\n');
  }
};
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function apiKernel(kernel: ApiKernelLike): ApiKernel {
  return new ApiKernel(kernel, '/tmp', () => new FakeTokenSource(), () => Promise.resolve());
}

/** Runs until the token is cancelled; started executions then throw as the real extension does. */
const runsUntilCancelled: Behaviour = async function* (code, token) {
  if (code === ACCESS_PROBE) {
    return;
  }
  yield stdout('started\n');
  await new Promise<void>((resolve) => token.onCancellationRequested(resolve));
  throw new Error('Canceled future for execute_request message before replies were done');
};

describe('ApiKernel', () => {
  it('does not count the time the user reads Jupyter\'s consent dialog against the timeout', async () => {
    let allow!: () => void;
    const kernel = new FakeKernel(() => new Promise((resolve) => (allow = () => resolve('allow'))), printOk);
    const execution = apiKernel(kernel).execute('print("ok")', { timeoutMs: 50 });
    await delay(200); // four timeouts' worth of reading
    allow();
    const result = await execution;
    assert.equal(result.status, 'ok');
    assert.deepEqual(kernel.ran, [ACCESS_PROBE, 'print("ok")']);
  });

  it('still times out a query that hangs once access was given', async () => {
    const kernel = new FakeKernel(allowNow, runsUntilCancelled);
    const result = await apiKernel(kernel).execute('while True: pass', { timeoutMs: 50 });
    assert.equal(result.status, 'timeout');
    assert.match(result.error?.evalue ?? '', /no answer within/);
  });

  it('asks for consent once per kernel, not once per query', async () => {
    const kernel = new FakeKernel(allowNow, printOk);
    const first = apiKernel(kernel);
    await first.execute('a');
    await first.execute('b');
    await apiKernel(kernel).execute('c');
    assert.equal(kernel.consentAsked, 1);
    assert.deepEqual(kernel.ran, [ACCESS_PROBE, 'a', 'b', 'c']);
  });

  it('turns a refusal into KernelAccessError, every time', async () => {
    const kernel = new FakeKernel(() => Promise.resolve('deny'), printOk);
    await assert.rejects(apiKernel(kernel).execute('x', { timeoutMs: 1000 }), KernelAccessError);
    await assert.rejects(apiKernel(kernel).execute('x', { timeoutMs: 1000 }), KernelAccessError);
    assert.deepEqual(kernel.ran, []);
  });

  it('turns a Cancel on the dialog into KernelAccessError too', async () => {
    const kernel = new FakeKernel(() => Promise.resolve('cancel'), printOk);
    await assert.rejects(apiKernel(kernel).execute('x'), KernelAccessError);
  });

  it('returns a Python error as an error result, though the iterator throws after yielding it', async () => {
    const kernel = new FakeKernel(allowNow, async function* (code) {
      if (code === ACCESS_PROBE) {
        return;
      }
      yield errorOutput('NameError', "name 'df' is not defined");
      throw new Error("name 'df' is not defined");
    });
    const result = await apiKernel(kernel).execute('df.head()');
    assert.equal(result.status, 'error');
    assert.equal(result.error?.ename, 'NameError');
  });

  it('rethrows what the kernel threw without an error output', async () => {
    const kernel = new FakeKernel(allowNow, async function* (code) {
      if (code !== ACCESS_PROBE) {
        throw new Error('kernel connection lost');
      }
      yield* [];
    });
    await assert.rejects(apiKernel(kernel).execute('x'), /kernel connection lost/);
  });

  it('turns Cancel of a started execution ("Canceled future…") into CancelledError', async () => {
    const kernel = new FakeKernel(allowNow, runsUntilCancelled);
    const controller = new AbortController();
    const execution = apiKernel(kernel).execute('long()', { signal: controller.signal, timeoutMs: 60_000 });
    await delay(20);
    controller.abort();
    await assert.rejects(execution, CancelledError);
  });

  it('turns Cancel of a queued execution (a quiet end with no output) into CancelledError', async () => {
    const kernel = new FakeKernel(allowNow, async function* (code, token) {
      if (code === ACCESS_PROBE) {
        return;
      }
      // Queued behind a running cell: nothing is yielded; cancelling ends the iterator.
      await new Promise<void>((resolve) => token.onCancellationRequested(resolve));
      yield* [];
    });
    const controller = new AbortController();
    const execution = apiKernel(kernel).execute('describe()', { signal: controller.signal, timeoutMs: 60_000 });
    await delay(20);
    controller.abort();
    await assert.rejects(execution, CancelledError);
  });

  it('runs nothing when the signal was aborted before the call', async () => {
    const kernel = new FakeKernel(allowNow, printOk);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(apiKernel(kernel).execute('print(1)', { signal: controller.signal }), CancelledError);
    assert.deepEqual(kernel.ran, []);
  });

  it('runs nothing when cancelled while the dialog is open', async () => {
    let allow!: () => void;
    const kernel = new FakeKernel(() => new Promise((resolve) => (allow = () => resolve('allow'))), printOk);
    const controller = new AbortController();
    const execution = apiKernel(kernel).execute('print(1)', { signal: controller.signal });
    await delay(10);
    controller.abort();
    allow();
    await assert.rejects(execution, CancelledError);
    assert.deepEqual(kernel.ran, [ACCESS_PROBE]);
  });

  it('refuses a dead kernel before running anything', async () => {
    const kernel = new FakeKernel(allowNow, printOk);
    kernel.status = 'dead';
    await assert.rejects(apiKernel(kernel).execute('x'), (error: unknown) => error instanceof KernelStateError && error.state === 'dead');
  });
});

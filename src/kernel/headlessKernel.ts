// A real Jupyter kernel (ipykernel) without a notebook, for the CLI and the benchmark. Node talks JSON
// lines to a small Python bridge (bridge.py), which launches ipykernel and speaks the Jupyter protocol
// to it over zmq. Timeouts, interrupts, crash detection and restarts happen in the bridge; Node keeps
// a watchdog and replaces a bridge that dies.
//
// kernelMs is measured inside the kernel from IPython's pre_run_cell to the end of figure capture, so
// it includes rendering figures to PNG; durationMs − kernelMs is what the runner itself costs.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { MatplotlibFigureSummary } from './figureSummary.js';
import { namespacesAvailable, plannedContainment, unshareArgs, type Containment, type ContainmentRequest } from './containment.js';
import type { CodeKernel, ExecuteOptions, ExecutionResult, ExecutionStatus, KernelError, KernelOutput } from './kernel.js';
import { kernelEnvironment } from './kernelEnvironment.js';
import { resolvePython } from './python.js';

export interface HeadlessKernelOptions {
  /** Interpreter to run; resolved with `resolvePython()` when absent. */
  python?: string;
  /** The kernel's working directory (must exist). */
  cwd: string;
  /**
   * Extra environment variables for the kernel process. The kernel never inherits this process's
   * environment beyond an allowlist (kernelEnvironment.ts), and names like a credential are dropped.
   */
  env?: Record<string, string>;
  /** Run the kernel in Linux namespaces without network, with hidden folders and hard limits (containment.ts). */
  containment?: ContainmentRequest;
  /** How long a kernel (re)start may take. Default 60 s. */
  startupTimeoutMs?: number;
  /** Caps the kernel's address space (RLIMIT_AS) so a memory hog fails with MemoryError. */
  memoryLimitMb?: number;
  /** Modules imported at kernel start (e.g. ['matplotlib.pyplot', 'pandas']) so the first cell is fast. */
  preload?: string[];
  /**
   * Keep one more kernel booted in the background so a restart (after a timeout or crash) only
   * has to connect: ~0.1 s instead of a full start. Costs a second idle kernel's memory and some
   * CPU while it boots. Default false.
   */
  spareKernel?: boolean;
  /** Path of bridge.py; found next to this module (or under src/kernel) by default. */
  bridgeScript?: string;
}

export interface KernelStartInfo {
  /** Wall time in Node from spawning the bridge to a ready kernel. */
  startMs: number;
  /** Time the bridge spent starting the kernel and running its setup code. */
  kernelStartMs: number;
  pid: number | undefined;
  python: string;
  preloaded: string[];
  preloadFailed: Record<string, string>;
  /** Set when options.containment was given: what the kernel actually got. */
  containment?: Containment;
}

/** Extra margin the Node-side watchdog gives the bridge beyond the timeout, interrupt grace and a restart. */
const WATCHDOG_SLACK_MS = 10_000;
const INTERRUPT_GRACE_MS = 2_000;
const SHUTDOWN_WAIT_MS = 3_000;

export class HeadlessKernel implements CodeKernel {
  readonly cwd: string;
  private bridge: BridgeProcess | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private busy = false;
  private info: KernelStartInfo | undefined;
  private readonly startupTimeoutMs: number;

  private constructor(
    private readonly python: string,
    private readonly script: string,
    private readonly options: HeadlessKernelOptions,
  ) {
    this.cwd = resolve(options.cwd);
    this.startupTimeoutMs = options.startupTimeoutMs ?? 60_000;
  }

  static async start(options: HeadlessKernelOptions): Promise<HeadlessKernel> {
    const cwd = resolve(options.cwd);
    if (!existsSync(cwd) || !statSync(cwd).isDirectory()) {
      throw new Error(`Kernel working directory does not exist: ${cwd}`);
    }
    const python = options.python ?? (await resolvePython()).path;
    const kernel = new HeadlessKernel(python, options.bridgeScript ?? findBridgeScript(), options);
    await kernel.startBridge();
    return kernel;
  }

  /** Timing and identity of the most recent bridge start. */
  get startInfo(): KernelStartInfo | undefined {
    return this.info;
  }

  /** The kernel process id (changes when the kernel is restarted); undefined inside a PID namespace. */
  get pid(): number | undefined {
    return this.bridge?.kernelPid;
  }

  execute(code: string, options: ExecuteOptions = {}): Promise<ExecutionResult> {
    if (this.disposed) {
      return Promise.reject(new Error('The kernel has been disposed.'));
    }
    const task = this.queue.then(() => this.runExecute(code, options));
    this.queue = task.then(noop, noop);
    return task;
  }

  restart(): Promise<void> {
    if (this.disposed) {
      return Promise.reject(new Error('The kernel has been disposed.'));
    }
    const task = this.queue.then(async () => {
      const bridge = this.bridge;
      if (!bridge || bridge.exited) {
        await this.startBridge();
        return;
      }
      const reply = await bridge.request({ op: 'restart' });
      if (!reply.ok) {
        throw new Error(reply.message ?? 'The kernel could not be restarted.');
      }
    });
    this.queue = task.then(noop, noop);
    return task;
  }

  async dispose(): Promise<void> {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    const bridge = this.bridge;
    this.bridge = undefined;
    if (!bridge) {
      return;
    }
    // A running cell would hold up a polite shutdown (the bridge handles one request at a time).
    if (this.busy) {
      bridge.kill();
    } else {
      await bridge.shutdown(SHUTDOWN_WAIT_MS);
    }
    await this.queue;
  }

  private async startBridge(): Promise<void> {
    const started = performance.now();
    const bridge = new BridgeProcess(this.python, this.script, {
      cwd: this.cwd,
      env: this.options.env ?? {},
      startupTimeoutMs: this.startupTimeoutMs,
      memoryLimitMb: this.options.memoryLimitMb ?? null,
      preload: this.options.preload ?? [],
      spareKernel: this.options.spareKernel ?? false,
      ...containmentConfig(this.options.containment),
    });
    let ready: ReadyEvent;
    try {
      ready = await withTimeout(bridge.ready, this.startupTimeoutMs + WATCHDOG_SLACK_MS, () => {
        bridge.kill();
        return new Error(`The Python kernel did not start within ${Math.round(this.startupTimeoutMs / 1000)} s.`);
      });
    } catch (err) {
      bridge.kill();
      throw err;
    }
    this.bridge = bridge;
    this.info = {
      startMs: performance.now() - started,
      kernelStartMs: ready.kernelStartMs,
      pid: bridge.kernelPid,
      python: ready.python,
      preloaded: ready.setup?.preloaded ?? [],
      preloadFailed: ready.setup?.failed ?? {},
      ...(this.options.containment ? { containment: confirmedContainment(this.options.containment, ready) } : {}),
    };
  }

  private async runExecute(code: string, options: ExecuteOptions): Promise<ExecutionResult> {
    if (this.disposed) {
      throw new Error('The kernel has been disposed.');
    }
    const { signal, timeoutMs } = options;
    if (signal?.aborted) {
      return failure('cancelled', cancelledError(), 0, false);
    }
    let restarted = false;
    if (!this.bridge || this.bridge.exited) {
      // The previous bridge died between calls: a fresh interpreter, so the caller's state is gone.
      await this.startBridge();
      restarted = true;
    }
    const bridge = this.bridge as BridgeProcess;
    const id = bridge.nextId();
    const onAbort = (): void => bridge.notify({ op: 'cancel', target: id });
    signal?.addEventListener('abort', onAbort, { once: true });
    let watchdogFired = false;
    const watchdog =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            watchdogFired = true;
            bridge.kill();
          }, timeoutMs + INTERRUPT_GRACE_MS + this.startupTimeoutMs + WATCHDOG_SLACK_MS);
    this.busy = true;
    const started = performance.now();
    try {
      const reply = await bridge.request({
        id,
        op: 'execute',
        code,
        timeout: timeoutMs === undefined ? null : timeoutMs / 1000,
        capture: options.captureFigures !== false,
        summaries: options.summarizeFigures !== false,
      });
      const durationMs = performance.now() - started;
      if (!reply.ok) {
        const error: KernelError = { ename: 'KernelError', evalue: reply.message ?? 'The kernel bridge failed.', traceback: [] };
        return failure('died', error, durationMs, restarted);
      }
      return {
        status: reply.status ?? 'error',
        outputs: reply.outputs ?? [],
        ...(reply.error ? { error: reply.error } : {}),
        durationMs,
        ...(typeof reply.kernelMs === 'number' ? { kernelMs: reply.kernelMs } : {}),
        ...(Array.isArray(reply.figures) ? { figures: reply.figures } : {}),
        restarted: restarted || reply.restarted === true,
      };
    } catch (err) {
      const durationMs = performance.now() - started;
      if (this.disposed) {
        return failure('cancelled', { ename: 'Cancelled', evalue: 'The kernel was disposed.', traceback: [] }, durationMs, restarted);
      }
      // The bridge process is gone (crashed, killed, or stopped by the watchdog): replace it.
      let note: string;
      try {
        await this.startBridge();
        restarted = true;
        note = 'A new kernel was started, so variables and imports are gone.';
      } catch (startErr) {
        this.bridge = undefined;
        note = `Starting a new kernel failed: ${(startErr as Error).message}`;
      }
      if (watchdogFired && timeoutMs !== undefined) {
        const evalue = `Execution timed out after ${formatSeconds(timeoutMs)} s and the kernel did not recover. ${note}`;
        return failure('timeout', { ename: 'TimeoutError', evalue, traceback: [] }, durationMs, restarted);
      }
      const evalue = `${(err as Error).message} ${note}`;
      return failure('died', { ename: 'KernelDied', evalue, traceback: [] }, durationMs, restarted);
    } finally {
      this.busy = false;
      if (watchdog) {
        clearTimeout(watchdog);
      }
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

/** The bridge's share of a containment request: namespaces only where unshare works here. */
function containmentConfig(request: ContainmentRequest | undefined): Partial<BridgeConfig> {
  if (!request) {
    return {};
  }
  const namespaces = namespacesAvailable().ok;
  return {
    memoryLimitMb: request.memoryLimitMb ?? null,
    maxFileSizeMb: request.maxFileSizeMb ?? null,
    // Outside a PID namespace RLIMIT_NPROC would count every process of the user, not the kernel's.
    maxProcesses: namespaces ? (request.maxProcesses ?? null) : null,
    contain: namespaces ? { hidePaths: request.hidePaths, cutNetwork: request.keepNetwork !== true } : null,
  };
}

function confirmedContainment(request: ContainmentRequest, ready: ReadyEvent): Containment {
  const planned = plannedContainment(request);
  if (!ready.contained) {
    return planned;
  }
  const visible = Object.entries(ready.contained.visible ?? {}).map(([path, why]) => `${path} is visible (${why})`);
  const notes = [planned.fallback, ...visible].filter((note): note is string => Boolean(note));
  return { ...planned, hiddenPaths: ready.contained.hiddenPaths, fallback: notes.length > 0 ? notes.join('; ') : null };
}

function failure(status: ExecutionStatus, error: KernelError, durationMs: number, restarted: boolean): ExecutionResult {
  return { status, outputs: [], error, durationMs, restarted };
}

function cancelledError(): KernelError {
  return { ename: 'Cancelled', evalue: 'Execution was cancelled.', traceback: [] };
}

function formatSeconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

function noop(): void {}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolvePromise(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

const PYTHON_FILES = ['bridge.py', 'kernel_setup.py', 'kernel_launcher.py', 'figure_summary.py'];

/** The Python files sit next to this module in the sources; a bundle copies them next to itself. */
export function findBridgeScript(): string {
  const here = moduleDir();
  const candidates = [here, join(here, 'kernel'), join(here, '..', 'src', 'kernel'), join(here, '..', '..', 'src', 'kernel')];
  for (const dir of candidates) {
    if (PYTHON_FILES.every((name) => existsSync(join(dir, name)))) {
      return join(dir, 'bridge.py');
    }
  }
  throw new Error(`Cannot find the kernel's Python files (${PYTHON_FILES.join(', ')}) near ${here}.`);
}

function moduleDir(): string {
  // In a CommonJS bundle import.meta is empty but __dirname exists; in ESM it is the other way round.
  if (typeof __dirname === 'string') {
    return __dirname;
  }
  return dirname(fileURLToPath(import.meta.url));
}

// ---------------------------------------------------------------- the bridge process

interface BridgeConfig {
  cwd: string;
  env: Record<string, string>;
  startupTimeoutMs: number;
  memoryLimitMb: number | null;
  preload: string[];
  spareKernel: boolean;
  maxProcesses?: number | null;
  maxFileSizeMb?: number | null;
  /** Set only when the bridge runs under unshare. */
  contain?: { hidePaths: string[]; cutNetwork: boolean } | null;
}

interface ReadyEvent {
  event: 'ready';
  pid: number | null;
  sparePid?: number | null;
  kernelStartMs: number;
  python: string;
  setup?: { preloaded?: string[]; failed?: Record<string, string> };
  contained?: { hiddenPaths: string[]; visible?: Record<string, string> } | null;
}

interface BridgeReply {
  id: number;
  ok: boolean;
  message?: string;
  status?: ExecutionStatus;
  outputs?: KernelOutput[];
  error?: KernelError | null;
  kernelMs?: number | null;
  restarted?: boolean;
  figures?: MatplotlibFigureSummary[];
  pid?: number | null;
  sparePid?: number | null;
}

interface Pending {
  resolve: (reply: BridgeReply) => void;
  reject: (err: Error) => void;
}

const liveBridges = new Set<BridgeProcess>();
let exitHookInstalled = false;

function trackBridge(bridge: BridgeProcess): void {
  liveBridges.add(bridge);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // No orphans: on exit Node can only act synchronously, so kill outright.
    process.on('exit', () => {
      for (const live of liveBridges) {
        live.kill();
      }
    });
  }
}

class BridgeProcess {
  readonly ready: Promise<ReadyEvent>;
  exited = false;
  kernelPid: number | undefined;
  sparePid: number | undefined;
  /** The bridge's folder of connection files; removed here too when the bridge is killed. */
  private runtimeDir: string | undefined;
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private stderrTail = '';
  private lastId = 0;
  private exitPromise: Promise<void>;
  private readonly namespaced: boolean;

  constructor(python: string, script: string, config: BridgeConfig) {
    const args = [script, JSON.stringify({ ...config, env: kernelEnvironment({}, config.env) })];
    // Inside a PID namespace the pids the bridge reports are not ours to signal: killing the
    // unshare process (--kill-child) ends the namespace and every process in it.
    this.namespaced = Boolean(config.contain);
    const unshare = config.contain ? [...unshareArgs(config.contain.cutNetwork), '--', python, ...args] : undefined;
    this.child = spawn(unshare ? 'unshare' : python, unshare ?? args, {
      cwd: config.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: kernelEnvironment(process.env, { PYTHONDONTWRITEBYTECODE: '1' }),
    });
    trackBridge(this);
    let resolveReady!: (event: ReadyEvent) => void;
    let rejectReady!: (err: Error) => void;
    this.ready = new Promise<ReadyEvent>((res, rej) => {
      resolveReady = res;
      rejectReady = rej;
    });
    // Callers may never await ready after a failure; do not let that become an unhandled rejection.
    this.ready.catch(noop);
    let resolveExit!: () => void;
    this.exitPromise = new Promise<void>((res) => (resolveExit = res));

    createInterface({ input: this.child.stdout!, crlfDelay: Infinity }).on('line', (line) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(line) as Record<string, unknown>;
      } catch {
        this.appendStderr(`[bridge stdout] ${line}\n`);
        return;
      }
      if ('sparePid' in message && !this.namespaced) {
        this.sparePid = (message.sparePid as number | null) ?? undefined;
      }
      if (message.event === 'ready') {
        this.kernelPid = this.namespaced ? undefined : ((message.pid as number | null) ?? undefined);
        this.runtimeDir = typeof message.runtimeDir === 'string' ? message.runtimeDir : undefined;
        resolveReady(message as unknown as ReadyEvent);
      } else if (message.event === 'fatal') {
        rejectReady(new Error(String(message.message)));
      } else if (typeof message.id === 'number') {
        const reply = message as unknown as BridgeReply;
        if (typeof reply.pid === 'number' && !this.namespaced) {
          this.kernelPid = reply.pid;
        }
        const pending = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        pending?.resolve(reply);
      }
    });
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => this.appendStderr(chunk));
    this.child.stdin!.on('error', noop); // EPIPE after the bridge died; 'exit' reports it

    const onGone = (description: string): void => {
      if (this.exited) {
        return;
      }
      this.exited = true;
      liveBridges.delete(this);
      this.killKernel();
      this.removeRuntimeDir();
      const tail = this.stderrTail.trim().split('\n').slice(-15).join('\n');
      const error = new Error(`The kernel bridge process ${description}.${tail ? `\n${tail}` : ''}`);
      rejectReady(error);
      for (const pending of this.pending.values()) {
        pending.reject(error);
      }
      this.pending.clear();
      resolveExit();
    };
    this.child.on('error', (err) => onGone(`could not run (${python}: ${err.message})`));
    this.child.on('exit', (code, sig) => onGone(sig ? `was killed by ${sig}` : `exited with code ${code}`));
  }

  nextId(): number {
    this.lastId += 1;
    return this.lastId;
  }

  request(payload: Record<string, unknown> & { id?: number }): Promise<BridgeReply> {
    const id = payload.id ?? this.nextId();
    return new Promise<BridgeReply>((resolvePromise, reject) => {
      if (this.exited) {
        reject(new Error('The kernel bridge process is not running.'));
        return;
      }
      this.pending.set(id, { resolve: resolvePromise, reject });
      this.child.stdin!.write(`${JSON.stringify({ ...payload, id })}\n`);
    });
  }

  notify(payload: Record<string, unknown>): void {
    if (!this.exited) {
      this.child.stdin!.write(`${JSON.stringify(payload)}\n`);
    }
  }

  async shutdown(waitMs: number): Promise<void> {
    if (this.exited) {
      return;
    }
    this.request({ op: 'shutdown' }).catch(noop);
    this.child.stdin!.end();
    const timer = setTimeout(() => this.kill(), waitMs);
    await this.exitPromise;
    clearTimeout(timer);
  }

  /** Immediate and synchronous: SIGKILL to the kernel's process group and to the bridge. */
  kill(): void {
    this.killKernel();
    if (!this.exited) {
      this.child.kill('SIGKILL');
    }
    this.removeRuntimeDir();
  }

  private removeRuntimeDir(): void {
    const dir = this.runtimeDir;
    // Only ever a folder the bridge made with tempfile.mkdtemp(prefix='plotwright-kernel-').
    if (dir && basename(dir).startsWith('plotwright-kernel-')) {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  private killKernel(): void {
    for (const pid of [this.kernelPid, this.sparePid]) {
      if (pid === undefined) {
        continue;
      }
      try {
        // ipykernel runs in its own session, so its process group id is its pid.
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  private appendStderr(chunk: string): void {
    this.stderrTail = (this.stderrTail + chunk).slice(-8192);
  }
}

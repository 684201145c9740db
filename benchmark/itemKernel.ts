// Warm kernels for the benchmark, and what keeps one item's code from affecting the next.
//
// Starting a kernel and importing pandas and Matplotlib costs seconds of CPU, more than running most
// items, so each kernel of the pool stays warm and is cleaned between items instead of starting a
// new one. Before every item the kernel gets: a user namespace with only its start-up names, every
// figure closed, Matplotlib rcParams, pandas options, Plotly's default template and renderer,
// warnings filters, os.environ, sys.path and the working directory put back to the state after
// start-up, and the random generators seeded. If the item's code replaced a public attribute of an
// already-imported library or of a class it exposes (a monkeypatch we cannot undo, e.g.
// `pd.DataFrame.plot = ...`), the kernel is restarted instead; a
// timeout the interrupt does not stop and a crash restart it anyway (the bridge does that).
//
// Item code is untrusted. It runs in a temporary folder outside the results and cache folders,
// removed afterwards, in a kernel contained by containment.ts where Linux allows it: no network,
// the results and cache folders hidden, hard limits on memory, processes and file size.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { plannedContainment, type Containment, type ContainmentRequest } from '../src/kernel/containment.js';
import { describeCode, parseDescription, type DataFrameDescription, type DescriptorMode } from '../src/core/describe.js';
import type { AttemptRunner } from '../src/core/plotEngine.js';
import { formatKernelError } from '../src/core/plotEngine.js';
import { ORIGINAL_FRAME, pythonString, resetAttemptCode, SetupError } from '../src/kernel/dataFrameSession.js';
import { HeadlessKernel, type HeadlessKernelOptions } from '../src/kernel/headlessKernel.js';
import { streamText, type CodeKernel, type ExecutionResult } from '../src/kernel/kernel.js';

export const PRELOAD = ['pandas', 'numpy', 'matplotlib.pyplot'];

// The module kernel_setup.py is loaded as inside the kernel (see bridge.py's SETUP_MODULE).
const SETUP_MODULE = '_plotwright_kernel';

/**
 * Python that puts the kernel back to its state after start-up (kernel_setup.py's `isolate`, defined
 * once per interpreter so an item pays for a call, not for compiling it) and prints ISOLATED. Raises
 * `RuntimeError("TAMPERED ...")` when a library was monkeypatched, so the caller restarts the kernel.
 */
export function isolateCode(cwd: string, seed: number): string {
  return `__import__(${pythonString(SETUP_MODULE)}).isolate(${pythonString(cwd)}, ${Math.trunc(seed) % 2 ** 31})`;
}

export interface ItemKernelOptions extends Omit<HeadlessKernelOptions, 'cwd' | 'preload' | 'containment'> {
  /** Folders item code must not see: the results folder and the response cache. */
  hidePaths: string[];
  /** A temporary folder shared by a run's kernels (the caller removes it); default: one of its own. */
  root?: string;
}

/** Per kernel: threads count too (ipykernel, the bridge and BLAS use about 20). */
export const ITEM_MAX_PROCESSES = 128;
export const ITEM_MAX_FILE_SIZE_MB = 256;

function isInside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

/** What item kernels get; a hidden folder that holds the temporary folder itself cannot be hidden. */
export function itemContainmentRequest(options: Pick<ItemKernelOptions, 'hidePaths' | 'memoryLimitMb'>, itemRoot = tmpdir()): ContainmentRequest {
  const root = resolve(itemRoot);
  return {
    hidePaths: options.hidePaths.map((path) => resolve(path)).filter((path) => !isInside(root, path)),
    ...(options.memoryLimitMb ? { memoryLimitMb: options.memoryLimitMb } : {}),
    maxProcesses: ITEM_MAX_PROCESSES,
    maxFileSizeMb: ITEM_MAX_FILE_SIZE_MB,
  };
}

/** For the run's record: what item code is and is not cut off from. */
export function itemContainment(options: Pick<ItemKernelOptions, 'hidePaths' | 'memoryLimitMb'>): Containment {
  const request = itemContainmentRequest(options);
  const planned = plannedContainment(request);
  const unhidden = options.hidePaths.map((path) => resolve(path)).filter((path) => !request.hidePaths.includes(path));
  if (unhidden.length === 0 || !planned.namespaces) {
    return planned;
  }
  const note = `${unhidden.join(', ')} holds the temporary folder, so it stays visible`;
  return { ...planned, fallback: planned.fallback ? `${planned.fallback}; ${note}` : note };
}

/**
 * A fresh folder `<root>/<key>` for one item, with its files in `<key>/cwd`: the code runs there, so
 * even `../file` stays inside the item's own folder. The caller removes `dir` when the item is done.
 */
export function makeItemFolder(root: string, key: string, files: Record<string, string>): { dir: string; cwd: string } {
  const dir = join(root, key.replace(/[^\w.-]/g, '_'));
  const cwd = join(dir, 'cwd');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(cwd, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(cwd, name), text);
  }
  return { dir, cwd };
}

/** One worker's warm kernel, and the temporary folder its items run in. */
export class ItemKernel {
  private kernel: HeadlessKernel | undefined;
  /** Kernel starts and restarts, for the report. */
  starts = 0;
  /** Outside the results and cache folders; removed on dispose. */
  readonly root: string;
  private itemDir: string | undefined;

  private readonly ownsRoot: boolean;

  constructor(private readonly options: ItemKernelOptions) {
    this.ownsRoot = options.root === undefined;
    this.root = options.root ?? mkdtempSync(join(tmpdir(), 'plotwright-items-'));
  }

  /**
   * A fresh folder for one item with its files, replacing the previous item's. The code runs in
   * `<item>/cwd`, so even `../file` stays inside the item's own folder.
   */
  itemFolder(key: string, files: Record<string, string>): string {
    this.removeItemDir();
    const folder = makeItemFolder(this.root, key, files);
    this.itemDir = folder.dir;
    return folder.cwd;
  }

  /** What this worker's kernel got (after it started). */
  get containment(): Containment | undefined {
    return this.kernel?.startInfo?.containment;
  }

  private removeItemDir(): void {
    if (this.itemDir) {
      rmSync(this.itemDir, { recursive: true, force: true });
      this.itemDir = undefined;
    }
  }

  private starting: Promise<void> | undefined;
  private disposed = false;

  /** Starts the kernel (imports pandas and Matplotlib) if it is not running; concurrent calls share one start. */
  warmUp(): Promise<void> {
    if (this.kernel) {
      return Promise.resolve();
    }
    if (this.disposed) {
      return Promise.reject(new Error('The kernel has been disposed.'));
    }
    const { hidePaths: _hidden, root: _root, ...kernelOptions } = this.options;
    this.starting ??= HeadlessKernel.start({
      ...kernelOptions,
      cwd: this.root,
      preload: PRELOAD,
      containment: itemContainmentRequest(this.options, this.root),
    }).then(
      async (kernel) => {
        if (this.disposed) {
          // Disposed while it booted: nothing may keep this process.
          this.starting = undefined;
          await kernel.dispose();
          throw new Error('The kernel was disposed while it started.');
        }
        this.kernel = kernel;
        this.starts++;
        this.starting = undefined;
      },
      (error: unknown) => {
        this.starting = undefined;
        throw error;
      },
    );
    return this.starting;
  }

  /** The running kernel (started if needed). */
  async current(): Promise<CodeKernel> {
    await this.warmUp();
    return this.kernel as HeadlessKernel;
  }

  async restart(): Promise<void> {
    if (!this.kernel) {
      await this.warmUp();
      return;
    }
    try {
      await this.kernel.restart();
      this.starts++;
    } catch {
      await this.discard();
      await this.warmUp();
    }
  }

  /** Forgets a kernel that misbehaves; the next item starts a new one. */
  async discard(): Promise<void> {
    const kernel = this.kernel;
    this.kernel = undefined;
    await kernel?.dispose().catch(() => undefined);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.starting?.catch(() => undefined);
    await this.discard();
    this.removeItemDir();
    if (this.ownsRoot) {
      rmSync(this.root, { recursive: true, force: true });
    }
  }
}

const ORIGINAL = ORIGINAL_FRAME;

export interface ItemSessionOptions {
  /** Summarize the figures the code draws (`ExecutionResult.figures`); default true. */
  summarizeFigures?: boolean;
}
const SETUP_TIMEOUT_MS = 120_000;


/**
 * One item in a worker's kernel, as the plot engine's AttemptRunner. A single execute cleans the
 * kernel, changes to the item's folder, runs the item's code_data, keeps the frame and, for the
 * prompt only, describes it (one round trip instead of one per step: the per-item overhead is what
 * limits throughput; an attempt setting the item up again skips the description it has). Attempt
 * 0 runs on that fresh frame; a repair attempt gets a fresh copy; after a kernel restart (crash,
 * stuck timeout) the item is set up again.
 */
export class ItemSession implements AttemptRunner {
  readonly variable = 'df';
  private loaded = false;

  constructor(
    private readonly kernels: ItemKernel,
    private readonly cwd: string,
    private readonly codeData: string,
    private readonly descriptor: DescriptorMode,
    private readonly options: ItemSessionOptions = {},
  ) {}

  /** Sets the item up in a clean kernel and returns the description of `df`. */
  async prepare(signal?: AbortSignal): Promise<DataFrameDescription> {
    return (await this.setUp(true, signal)) as DataFrameDescription;
  }

  /** Sets the item up; describes `df` only when asked (a run's attempt has its prompt already). */
  private async setUp(describe: boolean, signal?: AbortSignal): Promise<DataFrameDescription | undefined> {
    for (let round = 0; ; round++) {
      const kernel = await this.kernels.current();
      const code = [
        isolateCode(this.cwd, 0),
        this.codeData,
        `import pandas as _plotwright_pd`,
        `if not isinstance(globals().get(${pythonString(this.variable)}), _plotwright_pd.DataFrame):`,
        `    raise TypeError(${pythonString(`the item's code_data did not create a pandas DataFrame named '${this.variable}'`)})`,
        `${ORIGINAL} = ${this.variable}`,
        `del _plotwright_pd`,
        ...(describe ? [describeCode(this.variable, this.descriptor)] : []),
      ].join('\n');
      const result = await kernel.execute(code, { timeoutMs: SETUP_TIMEOUT_MS, signal, captureFigures: false });
      if (signal?.aborted) {
        throw signal.reason instanceof Error ? signal.reason : new Error('Cancelled');
      }
      const stdout = streamText(result.outputs);
      if (result.status === 'ok') {
        this.loaded = true;
        return describe ? parseDescription(stdout, this.variable, this.descriptor) : undefined;
      }
      const isolated = stdout.includes('ISOLATED');
      if (isolated && result.status === 'error') {
        const last = result.error ? `${result.error.ename}: ${result.error.evalue}` : result.status;
        throw new SetupError(`Loading the item's data failed: ${last}`, result.error ? formatKernelError(result.error, 2000) : undefined);
      }
      // Tampered with, or the clean-up itself failed: a new interpreter is the only clean state.
      if (round >= 1) {
        throw new Error(`Could not prepare a clean kernel: ${result.error ? `${result.error.ename}: ${result.error.evalue}` : result.status}`);
      }
      await this.kernels.restart();
    }
  }

  async run(code: string, attempt: number, options: { timeoutMs: number; signal?: AbortSignal }): Promise<ExecutionResult> {
    const kernel = await this.kernels.current();
    if (!this.loaded) {
      await this.setUp(false, options.signal);
    } else if (attempt > 0) {
      const reset = await kernel.execute(resetAttemptCode(this.variable), {
        timeoutMs: 30_000,
        signal: options.signal,
        captureFigures: false,
      });
      if (reset.status !== 'ok') {
        await this.setUp(false, options.signal);
      }
    }
    const result = await (await this.kernels.current()).execute(code, {
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      ...(this.options.summarizeFigures === false ? { summarizeFigures: false } : {}),
    });
    if (result.restarted) {
      this.loaded = false;
    }
    return result;
  }
}

// One item run as the plot engine's AttemptRunner over the kernel pool: it holds a kernel only while
// code runs, never while the model thinks. Back on the kernel it used last, the item's data is still
// loaded (ItemSession keeps track); on another kernel the item is set up again first.
import type { DataFrameDescription, DescriptorMode } from '../src/core/describe.js';
import type { AttemptRunner } from '../src/core/plotEngine.js';
import type { ExecutionResult } from '../src/kernel/kernel.js';
import { ItemSession, type ItemKernel, type ItemSessionOptions } from './itemKernel.js';
import type { KernelPool } from './kernelPool.js';

export class PooledItemSession implements AttemptRunner {
  private readonly sessions = new WeakMap<ItemKernel, ItemSession>();

  constructor(
    private readonly pool: KernelPool<ItemKernel>,
    private readonly cwd: string,
    private readonly codeData: string,
    private readonly descriptor: DescriptorMode,
    private readonly options: ItemSessionOptions = {},
  ) {}

  private session(kernel: ItemKernel, reused: boolean): ItemSession {
    let session = reused ? this.sessions.get(kernel) : undefined;
    if (!session) {
      session = new ItemSession(kernel, this.cwd, this.codeData, this.descriptor, this.options);
      this.sessions.set(kernel, session);
    }
    return session;
  }

  /** Sets the item up in a clean kernel and returns the description of `df`. */
  prepare(signal?: AbortSignal): Promise<DataFrameDescription> {
    return this.pool.use(this, (kernel) => this.session(kernel, false).prepare(signal), signal);
  }

  /**
   * The description of `df`, made once per item and shared by its repeats (`known`): a repeat that
   * finds it skips the set-up before the model call; its first attempt sets the item up anyway.
   */
  describe(known: Map<string, Promise<DataFrameDescription>>, key: string, signal?: AbortSignal): Promise<DataFrameDescription> {
    let description = known.get(key);
    if (!description) {
      description = this.prepare(signal);
      known.set(key, description);
      // A failed set-up is not remembered: the next repeat reports its own failure.
      description.catch(() => known.delete(key));
    }
    return description;
  }

  run(code: string, attempt: number, options: { timeoutMs: number; signal?: AbortSignal }): Promise<ExecutionResult> {
    return this.pool.use(this, (kernel, reused) => this.session(kernel, reused).run(code, attempt, options), options.signal);
  }
}

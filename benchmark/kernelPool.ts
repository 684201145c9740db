// A fixed number of execution kernels shared by every item in flight. Model requests are slow and
// need no kernel, so many items can wait on the model while a few kernels (default: one per core) run
// code. A kernel goes back to the item that used it last when it is free, so an item's repair
// attempt finds its data still loaded. Kernels come from a factory: how an item's kernel is contained
// (process limits, sandbox) is the factory's business, not the pool's.
//
// Kernels are handed out as soon as each one is up, not when the whole pool is: the first items load
// their data and go to the model while the other kernels still boot. A boot is seconds of CPU (Python,
// pandas, Matplotlib), so on a small machine booting every kernel at once only makes each one later;
// `bootsAtOnce` staggers them.

/** What the pool needs of a kernel: start it, and forget it when it misbehaved. */
export interface PoolKernel {
  warmUp(): Promise<void>;
  discard(): Promise<void>;
  dispose(): Promise<void>;
}

export class KernelStartError extends Error {}

interface Slot<K> {
  kernel: K;
  busy: boolean;
  lastOwner: object | undefined;
  releasedAt: number;
  /** The kernel's first start; undefined until it begins. Its failure reaches whoever gets the slot. */
  boot: Promise<void> | undefined;
}

export class KernelPool<K extends PoolKernel> {
  private readonly slots: Array<Slot<K>> = [];
  private readonly waiting: Array<{ owner: object; grant: (slot: Slot<K>) => void }> = [];
  private booting = 0;
  private disposed = false;

  constructor(
    readonly size: number,
    private readonly factory: (index: number) => K,
    /** Errors of `use`'s work that say nothing bad about the kernel (bad item data): it is kept. */
    private readonly keepKernelAfter: (error: unknown) => boolean = () => false,
    /** Kernels booting at the same time; the next boot begins when one is up. Default: all of them. */
    private readonly bootsAtOnce: number = size,
  ) {
    if (!Number.isInteger(size) || size < 1) {
      throw new Error(`a kernel pool needs at least one kernel (got ${size})`);
    }
  }

  /** Creates the kernels and starts booting them in the background, `bootsAtOnce` at a time. */
  start(): void {
    while (this.slots.length < this.size) {
      // Busy until its boot ends, so no one is handed a kernel that is still importing pandas.
      this.slots.push({ kernel: this.factory(this.slots.length), busy: true, lastOwner: undefined, releasedAt: 0, boot: undefined });
    }
    this.bootNext();
  }

  private bootNext(): void {
    for (const slot of this.slots) {
      if (this.disposed || this.booting >= Math.max(1, this.bootsAtOnce)) {
        return;
      }
      if (slot.boot) {
        continue;
      }
      this.booting++;
      slot.boot = slot.kernel.warmUp();
      const booted = (): void => {
        this.booting--;
        this.offer(slot);
        this.bootNext();
      };
      slot.boot.then(booted, booted);
    }
  }

  /** Kernels whose first start has ended (started or failed). */
  get booted(): number {
    return this.slots.filter((s) => s.boot !== undefined).length - this.booting;
  }

  /**
   * Runs `work` on a free kernel. `reused` says the kernel's last user was `owner`, so whatever the
   * owner loaded into it is still there. A kernel whose work threw (not a cancellation) is discarded:
   * the next user gets a new interpreter.
   */
  async use<T>(owner: object, work: (kernel: K, reused: boolean) => Promise<T>, signal?: AbortSignal): Promise<T> {
    this.start();
    const slot = await this.acquire(owner, signal);
    const reused = slot.lastOwner === owner;
    slot.lastOwner = owner;
    try {
      try {
        await slot.boot;
        await slot.kernel.warmUp();
      } catch (error) {
        throw new KernelStartError(`the Python kernel did not start: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      return await work(slot.kernel, reused);
    } catch (error) {
      if (!signal?.aborted && !this.keepKernelAfter(error)) {
        slot.lastOwner = undefined;
        await slot.kernel.discard();
      }
      throw error;
    } finally {
      this.release(slot);
    }
  }

  private acquire(owner: object, signal?: AbortSignal): Promise<Slot<K>> {
    if (signal?.aborted) {
      return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('Cancelled'));
    }
    // The owner's own kernel; else the one idle longest (its last owner is the least likely to come back for it).
    const free = this.slots.filter((s) => !s.busy).sort((a, b) => a.releasedAt - b.releasedAt);
    const slot = free.find((s) => s.lastOwner === owner) ?? free[0];
    if (slot) {
      slot.busy = true;
      return Promise.resolve(slot);
    }
    return new Promise((resolve, reject) => {
      const entry = {
        owner,
        grant: (granted: Slot<K>) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(granted);
        },
      };
      const onAbort = (): void => {
        const index = this.waiting.indexOf(entry);
        if (index >= 0) {
          this.waiting.splice(index, 1);
        }
        reject(signal?.reason instanceof Error ? signal.reason : new Error('Cancelled'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  private releases = 0;

  private release(slot: Slot<K>): void {
    slot.releasedAt = ++this.releases;
    this.offer(slot);
  }

  private offer(slot: Slot<K>): void {
    // First come, first served; but the waiter that owns this kernel's state goes first.
    const index = Math.max(0, this.waiting.findIndex((w) => w.owner === slot.lastOwner));
    const next = this.waiting.splice(index, 1)[0];
    if (next) {
      next.grant(slot);
    } else {
      slot.busy = false;
    }
  }

  get kernels(): readonly K[] {
    return this.slots.map((s) => s.kernel);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    // A kernel still booting is disposed once it is up, so no process outlives the pool.
    await Promise.all(this.slots.map((s) => (s.boot ?? Promise.resolve()).catch(() => undefined).then(() => s.kernel.dispose().catch(() => undefined))));
  }
}

// Shows the latest of a fast series of values at most once per interval, one write at a time: a
// streaming answer arrives in hundreds of deltas, and each notebook edit is an IPC round trip.

export class LatestThrottle<T> {
  private pending: { value: T } | undefined;
  private writing: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastWriteAt = -Infinity;
  private stopped = false;
  private failure: unknown;

  constructor(
    private readonly write: (value: T) => Promise<void>,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Queues the value; older queued values are dropped. */
  push(value: T): void {
    if (this.stopped) {
      return;
    }
    this.pending = { value };
    this.schedule();
  }

  /** Writes what is queued now and waits for every write to end; a failed write rethrows here. */
  async flush(): Promise<void> {
    for (;;) {
      clearTimeout(this.timer);
      this.timer = undefined;
      if (this.writing) {
        await this.writing;
        continue;
      }
      if (!this.pending || this.stopped) {
        break;
      }
      await this.writeNext();
    }
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      throw failure;
    }
  }

  /** Drops what is queued, writes nothing more, and waits for a write under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.pending = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing?.catch(() => undefined);
  }

  private schedule(): void {
    if (this.timer !== undefined || this.writing) {
      return;
    }
    const wait = Math.max(0, this.lastWriteAt + this.intervalMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.writeNext();
    }, wait);
  }

  private async writeNext(): Promise<void> {
    const next = this.pending;
    if (!next || this.stopped) {
      return;
    }
    this.pending = undefined;
    this.lastWriteAt = this.now();
    this.writing = this.write(next.value).catch((error: unknown) => {
      this.failure ??= error;
    });
    await this.writing;
    this.writing = undefined;
    if (this.pending) {
      this.schedule();
    }
  }
}

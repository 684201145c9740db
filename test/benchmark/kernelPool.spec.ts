import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KernelPool, KernelStartError, type PoolKernel } from '../../benchmark/kernelPool.js';

class FakeKernel implements PoolKernel {
  starts = 0;
  discards = 0;
  constructor(
    readonly name: string,
    private readonly failStart = false,
  ) {}
  async warmUp(): Promise<void> {
    if (this.failStart) {
      throw new Error('no python');
    }
    this.starts++;
  }
  async discard(): Promise<void> {
    this.discards++;
  }
  async dispose(): Promise<void> {}
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A kernel whose boot ends when the test says so. */
class SlowBootKernel implements PoolKernel {
  readonly boot = deferred();
  bootsBegun = 0;
  disposed = false;
  constructor(readonly name: string) {}
  warmUp(): Promise<void> {
    // Later calls (the pool checks again before each use) share the one boot.
    this.bootsBegun = 1;
    return this.boot.promise;
  }
  async discard(): Promise<void> {}
  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

const settle = () => new Promise((r) => setImmediate(r));

describe('KernelPool', () => {
  it('never runs more work at once than it has kernels, and queues the rest in order', async () => {
    const pool = new KernelPool(2, (i) => new FakeKernel(`k${i}`));
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const gates = Array.from({ length: 5 }, () => deferred());
    const work = gates.map((gate, i) =>
      pool.use({}, async () => {
        running++;
        most = Math.max(most, running);
        order.push(i);
        await gate.promise;
        running--;
      }),
    );
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(order, [0, 1]);
    gates.forEach((g) => g.resolve());
    await Promise.all(work);
    assert.equal(most, 2);
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
  });

  it('gives an owner back the kernel it used last, with reused set', async () => {
    const pool = new KernelPool(2, (i) => new FakeKernel(`k${i}`));
    const a = {};
    const b = {};
    const first = await pool.use(a, async (k, reused) => [k.name, reused]);
    await pool.use(b, async () => undefined);
    const again = await pool.use(a, async (k, reused) => [k.name, reused]);
    assert.deepEqual(first, ['k0', false]);
    assert.deepEqual(again, ['k0', true]);
  });

  it('discards a kernel whose work threw, unless the error says nothing about the kernel', async () => {
    class DataError extends Error {}
    const kernels: FakeKernel[] = [];
    const pool = new KernelPool(1, (i) => kernels[kernels.push(new FakeKernel(`k${i}`)) - 1], (e) => e instanceof DataError);
    await assert.rejects(pool.use({}, async () => Promise.reject(new Error('crash'))), /crash/);
    assert.equal(kernels[0].discards, 1);
    await assert.rejects(pool.use({}, async () => Promise.reject(new DataError('bad csv'))), /bad csv/);
    assert.equal(kernels[0].discards, 1);
  });

  it('a kernel that cannot start is a KernelStartError, and a cancelled wait leaves the queue', async () => {
    const broken = new KernelPool(1, () => new FakeKernel('x', true));
    await assert.rejects(broken.use({}, async () => 1), (e: unknown) => e instanceof KernelStartError && /did not start: no python/.test(e.message));
    const pool = new KernelPool(1, (i) => new FakeKernel(`k${i}`));
    const gate = deferred();
    const holding = pool.use({}, () => gate.promise);
    const controller = new AbortController();
    const waiting = pool.use({}, async () => 'ran', controller.signal);
    controller.abort(new Error('stop'));
    await assert.rejects(waiting, /stop/);
    gate.resolve();
    await holding;
    assert.equal(await pool.use({}, async () => 'next'), 'next');
  });

  it('hands a kernel out as soon as it is up, while another still boots', { timeout: 10_000 }, async () => {
    const kernels: SlowBootKernel[] = [];
    const pool = new KernelPool(2, (i) => kernels[kernels.push(new SlowBootKernel(`k${i}`)) - 1]);
    const used: string[] = [];
    const work = [1, 2, 3].map(() => pool.use({}, async (k) => void used.push(k.name)));
    await settle();
    assert.equal(kernels[1]!.bootsBegun, 1, 'both boot at once by default');
    kernels[0]!.boot.resolve();
    // k1 never finishes booting: all the work runs on k0, none waits for k1.
    await Promise.all(work);
    assert.deepEqual(used, ['k0', 'k0', 'k0']);
  });

  it('boots bootsAtOnce kernels at a time, the next when one is up', async () => {
    const kernels: SlowBootKernel[] = [];
    const pool = new KernelPool(3, (i) => kernels[kernels.push(new SlowBootKernel(`k${i}`)) - 1], undefined, 1);
    pool.start();
    await settle();
    assert.deepEqual(kernels.map((k) => k.bootsBegun), [1, 0, 0]);
    kernels[0]!.boot.resolve();
    await settle();
    assert.deepEqual(kernels.map((k) => k.bootsBegun), [1, 1, 0]);
    assert.equal(await pool.use({}, async (k) => k.name), 'k0');
    kernels[1]!.boot.resolve();
    await settle();
    assert.deepEqual(kernels.map((k) => k.bootsBegun), [1, 1, 1]);
  });

  it('on dispose boots no more kernels, and disposes a booting one once it is up', async () => {
    const kernels: SlowBootKernel[] = [];
    const pool = new KernelPool(2, (i) => kernels[kernels.push(new SlowBootKernel(`k${i}`)) - 1], undefined, 1);
    pool.start();
    let disposed = false;
    const disposing = pool.dispose().then(() => {
      disposed = true;
    });
    await settle();
    assert.equal(disposed, false, 'waits for the kernel that is booting');
    kernels[0]!.boot.resolve();
    await disposing;
    assert.deepEqual(kernels.map((k) => [k.bootsBegun, k.disposed]), [[1, true], [0, true]]);
  });
});

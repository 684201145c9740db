import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatestThrottle } from '../../src/core/latestThrottle.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('LatestThrottle', () => {
  it('writes the first value at once, then at most one per interval, always the latest, one write at a time', async () => {
    const written: Array<{ value: number; at: number }> = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const started = Date.now();
    const throttle = new LatestThrottle<number>(async (value) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await sleep(5);
      written.push({ value, at: Date.now() - started });
      inFlight--;
    }, 50);
    for (let i = 1; i <= 30; i++) {
      throttle.push(i);
      await sleep(5);
    }
    const pushedFor = Date.now() - started;
    await throttle.flush();
    assert.equal(written.at(-1)?.value, 30);
    assert.equal(maxInFlight, 1);
    // One write per 50 ms of pushing (however slow the machine made the pushing), plus the flush.
    assert.ok(written.length <= Math.floor(pushedFor / 50) + 2, `${written.length} writes in ${pushedFor} ms`);
    assert.ok(written.length < 30);
    assert.deepEqual([...written.map((w) => w.value)].sort((a, b) => a - b), written.map((w) => w.value));
    // The flush writes at once; the writes before it keep the interval.
    for (let i = 1; i < written.length - 1; i++) {
      assert.ok(written[i].at - written[i - 1].at >= 40, JSON.stringify(written));
    }
  });

  it('writes nothing more after stop, and rethrows a failed write from flush', async () => {
    const written: number[] = [];
    const throttle = new LatestThrottle<number>(async (value) => {
      written.push(value);
    }, 1000);
    throttle.push(1);
    await sleep(10);
    throttle.push(2);
    await throttle.stop();
    throttle.push(3);
    await sleep(20);
    assert.deepEqual(written, [1]);

    const failing = new LatestThrottle<number>(() => Promise.reject(new Error('cell gone')), 10);
    failing.push(1);
    await assert.rejects(failing.flush(), /cell gone/);
  });
});

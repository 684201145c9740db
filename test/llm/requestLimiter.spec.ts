import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LlmError } from '../../src/llm/errors.js';
import { RequestLimiter } from '../../src/llm/requestLimiter.js';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe('RequestLimiter', () => {
  it('keeps at most maxInFlight requests running', async () => {
    const limiter = new RequestLimiter({ maxInFlight: 3 });
    let running = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        limiter.run(async () => {
          running++;
          most = Math.max(most, running);
          await tick();
          running--;
        }),
      ),
    );
    assert.equal(most, 3);
  });

  it('halves the bound on a 429, asks again after a pause, and raises the bound after successes', async () => {
    const limiter = new RequestLimiter({ maxInFlight: 8, backoffMs: 30 });
    let calls = 0;
    const started = Date.now();
    const value = await limiter.run(async () => {
      calls++;
      if (calls <= 2) {
        throw new LlmError('rate-limited', 'The endpoint is rate limiting requests (429).', { status: 429 });
      }
      return 'answer';
    });
    assert.equal(value, 'answer');
    assert.equal(calls, 3);
    assert.equal(limiter.rateLimited, 2);
    assert.equal(limiter.limit, 2, '8 → 4 → 2');
    assert.ok(Date.now() - started >= 30 + 60 - 5, 'paused 30 ms, then 60 ms');
    for (let i = 0; i < 2 + 3; i++) {
      await limiter.run(async () => undefined);
    }
    assert.equal(limiter.limit, 4, 'additive increase: 2 successes → 3, 3 more → 4');
  });

  it('does not retry a spent quota or other errors', async () => {
    const limiter = new RequestLimiter({ maxInFlight: 2, backoffMs: 1 });
    let calls = 0;
    await assert.rejects(
      limiter.run(async () => {
        calls++;
        throw new LlmError('rate-limited', 'no quota left (429 insufficient_quota)', { status: 429 });
      }),
      /quota/,
    );
    await assert.rejects(limiter.run(async () => Promise.reject(new LlmError('server', 'boom'))), /boom/);
    assert.equal(calls, 1);
    assert.equal(limiter.inFlight, 0);
  });
});

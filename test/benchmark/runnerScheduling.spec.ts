// How the runner overlaps the model and the kernels: real kernels, a mock model over HTTP. Each test
// holds a kernel back until the model has seen the requests the runner should send meanwhile; a
// runner that waited instead would hold the kernel for the whole wait and fail.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ItemKernel } from '../../benchmark/itemKernel.js';
import { runBenchmark, type BenchmarkOptions } from '../../benchmark/runner.js';
import type { CodeKernel, ExecuteOptions } from '../../src/kernel/kernel.js';
import { startMockOpenAI, type MockOpenAI } from '../support/mockOpenAI.js';
import { benchResponder, buildDataset, GOOD_CODE, isJudgeRequest, marker, mockModels, PYTHON, readRecords, type FixtureItem } from './benchFixtures.js';

// Long enough that only a runner that never sends the awaited requests gets there.
const GATE_TIMEOUT_MS = 60_000;
const HELD_MARK = '# held back by the test';
const SLOW_CODE = `${GOOD_CODE}\n${HELD_MARK}`;

const ITEMS: FixtureItem[] = [
  { id: 1, code: SLOW_CODE },
  { id: 2, code: GOOD_CODE },
  { id: 3, code: GOOD_CODE },
];

/** Resolves 'seen' once `seen()` holds (checked every 20 ms), or 'timeout'. */
async function waitUntil(seen: () => boolean): Promise<'seen' | 'timeout'> {
  const deadline = Date.now() + GATE_TIMEOUT_MS;
  while (!seen()) {
    if (Date.now() > deadline) {
      return 'timeout';
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return 'seen';
}


describe('runBenchmark scheduling', { timeout: 300_000 }, () => {
  let mock: MockOpenAI;
  let dataset: string;
  let root: string;

  before(async () => {
    mock = await startMockOpenAI({ responder: benchResponder(ITEMS) });
    try {
      dataset = buildDataset(ITEMS);
      root = mkdtempSync(join(tmpdir(), 'pw-bench-sched-'));
    } catch (error) {
      await mock.close();
      throw error;
    }
  });
  after(async () => {
    await mock.close();
  });

  /** Generation requests the mock has seen for these items. */
  const generated = (ids: number[]): boolean =>
    ids.every((id) => mock.requests.some((r) => r.body && !isJudgeRequest(r.body) && JSON.stringify(r.body.messages).includes(marker(id))));

  const options = (outDir: string, overrides: Partial<BenchmarkOptions>): BenchmarkOptions => ({
    dataset,
    library: 'matplotlib',
    taskVariant: 'full',
    descriptor: 'head',
    ...mockModels(mock.baseUrl),
    judges: ['task'],
    timeoutMs: 30_000,
    python: PYTHON,
    memoryLimitMb: 2048,
    cacheDir: null,
    outDir,
    ...overrides,
  });

  it('asks the model for every item while the second kernel is still booting', async () => {
    mock.requests.length = 0;
    let gate: 'seen' | 'timeout' | undefined;
    // Kernel 1 starts booting only once the model has every item's generation request.
    class HeldBackKernel extends ItemKernel {
      private held: Promise<unknown> | undefined;
      override warmUp(): Promise<void> {
        this.held ??= waitUntil(() => generated([1, 2, 3])).then((how) => (gate = how));
        return this.held.then(() => super.warmUp());
      }
    }
    const outDir = join(root, 'boot');
    const result = await runBenchmark(
      options(outDir, {
        concurrency: 4,
        kernels: 2,
        kernelFactory: (index, home, python) =>
          index === 1 ? new HeldBackKernel({ root: home, hidePaths: [], python }) : new ItemKernel({ root: home, hidePaths: [], python }),
      }),
    );
    assert.equal(gate, 'seen', 'the runner waited for the second kernel before asking the model');
    assert.equal(result.failures.length, 0, JSON.stringify(result.failures));
    assert.deepEqual(readRecords(outDir).map((r) => [r.id, r.hasPlot]).sort(), [[1, true], [2, true], [3, true]]);
  });

  it('keeps asking the model while a run holds the only kernel, and describes each item once', async () => {
    mock.requests.length = 0;
    let gate: 'seen' | 'timeout' | undefined;
    const executed: string[] = [];
    // Item 1's plotting code finishes only once the model has the other items' generation requests.
    class HoldingKernel extends ItemKernel {
      override async current(): Promise<CodeKernel> {
        const kernel = await super.current();
        return {
          cwd: kernel.cwd,
          restart: () => kernel.restart(),
          dispose: () => kernel.dispose(),
          execute: async (code: string, options?: ExecuteOptions) => {
            executed.push(code);
            if (code.includes(HELD_MARK)) {
              gate = await waitUntil(() => generated([2, 3]));
            }
            return kernel.execute(code, options);
          },
        };
      }
    }
    const outDir = join(root, 'hold');
    const result = await runBenchmark(
      options(outDir, {
        concurrency: 1,
        kernels: 1,
        kernelFactory: (_index, home, python) => new HoldingKernel({ root: home, hidePaths: [], python }),
      }),
    );
    assert.equal(gate, 'seen', 'no request went out while a run held the kernel');
    assert.equal(result.failures.length, 0, JSON.stringify(result.failures));
    assert.equal(readRecords(outDir).filter((r) => r.hasPlot).length, 3);
    // The prompt needs the description once per item; a run that sets its item up again does not redo it.
    assert.equal(executed.filter((code) => code.includes('_plotwright_describe')).length, ITEMS.length);
  });
});

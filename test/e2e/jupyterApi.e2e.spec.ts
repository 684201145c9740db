// Microsoft's Jupyter extension (../shared/vendor) inside a real VS Code: a notebook runs in Debian's python3
// kernel through the UI, and another extension (fixtures/kernel-probe) reaches that kernel through the
// kernels API. These tests pin down the behaviour src/vscode/apiKernel.ts is written against: the consent
// dialog, outputs and errors, what a token cancelled before the call does, and the `language` it reports.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readlinkSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ProbeResult } from './fixtures/kernel-probe/extension.js';
import { startCodeServer, type CodeServerSession } from './support/codeServer.js';
import { KERNEL_PROBE, packageExtension, realJupyter } from './support/extensions.js';
import { answerKernelAccess, copyWorkspace, runAllCells, RUN_TIMEOUT_MS } from './support/journeys.js';

const STDOUT = 'application/vnd.code.notebook.stdout';
const ERROR = 'application/vnd.code.notebook.error';

describe('The real Jupyter extension: notebook UI and kernels API', { timeout: 600_000 }, () => {
  let session: CodeServerSession | undefined;
  let workspace = '';

  before(async () => {
    workspace = copyWorkspace('pw-e2e-jupyter-api-');
    session = await startCodeServer({ workspace, extensions: [realJupyter(), await packageExtension(KERNEL_PROBE)], name: 'jupyter-api' });
    console.log(`code-server timings (ms): ${JSON.stringify(session.timings)}`);
  });

  after(async () => {
    await session?.close();
    assertNoProcessesIn(workspace);
    rmSync(workspace, { recursive: true, force: true });
  });

  it('runs every cell in a real kernel and shows the matplotlib figure; API callers get no kernel before that', async () => {
    const s = session as CodeServerSession;
    await s.openFile('sales.ipynb');
    await s.waitForCells((cells) => cells.length === 3, { message: 'the notebook did not open' });
    const early = await runProbe(s, workspace, 'print(1)');
    assert.equal(early.kernelFound, false);
    const started = performance.now();
    await runAllCells(s);
    const cells = await s.waitForCells((c) => c[2]?.outputs.images === 1 && c[2]?.state === 'success', {
      timeoutMs: RUN_TIMEOUT_MS,
      message: 'the plot never appeared',
    });
    console.log(`Run All until the figure showed: ${Math.round(performance.now() - started)} ms`);
    await s.screenshot('sales-plot');
    assert.deepEqual(
      cells.slice(1).map((c) => [c.executionOrder, c.state]),
      [
        [1, 'success'],
        [2, 'success'],
      ],
    );
    assert.equal(cells[1].outputs.text.trim(), '(4, 3)');
    assert.deepEqual(cells[2].outputMimes, ['image/png']);
  });

  it('asks the user before another extension runs code, then streams its outputs', async () => {
    const s = session as CodeServerSession;
    const result = await runProbe(s, workspace, 'print(df.shape)', async () => answerKernelAccess(s, 'Allow', 'probe-consent'));
    assert.equal(result.kernelFound, true, result.error);
    assert.equal(result.exception, undefined);
    assert.equal(result.language, 'python');
    assert.deepEqual(result.outputs, [{ mime: STDOUT, text: '(4, 3)\n' }]);
  });

  it('yields a Python error as an error output, then throws an Error whose message is the evalue', async () => {
    const failed = await runProbe(session as CodeServerSession, workspace, 'df["no such column"]');
    assert.deepEqual(
      failed.outputs.map((o) => o.mime),
      [ERROR],
    );
    const error = JSON.parse(failed.outputs[0].text) as { name: string; message: string };
    assert.equal(error.name, 'KeyError');
    assert.match(error.message, /no such column/);
    assert.equal(failed.exception?.message, error.message);
  });

  it('runs code whose token was cancelled before the call (so Plotwright checks first)', async () => {
    const marker = join(workspace, 'ran-although-cancelled.txt');
    const result = await runProbe(
      session as CodeServerSession,
      workspace,
      "# cancel-before-run\nopen('ran-although-cancelled.txt', 'w').write('yes')\nprint('ran')",
    );
    assert.equal(result.cancelledBeforeRun, true);
    assert.ok(existsSync(marker), `the code did not run: ${JSON.stringify(result)}`);
  });
});

/** Runs kernel-probe.py through the probe's command; `answer` handles a dialog the run opens. */
async function runProbe(session: CodeServerSession, workspace: string, code: string, answer?: () => Promise<void>): Promise<ProbeResult> {
  const resultFile = join(workspace, 'kernel-probe-result.json');
  rmSync(resultFile, { force: true });
  writeFileSync(join(workspace, 'kernel-probe.py'), code);
  await session.runCommand('Kernel Probe: Run Code in Notebook Kernel');
  await answer?.();
  return waitFor(() => (existsSync(resultFile) ? (JSON.parse(readFileSync(resultFile, 'utf8')) as ProbeResult) : undefined), 60_000);
}

async function waitFor<T>(read: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = read();
      if (value !== undefined) {
        return value;
      }
    } catch {
      // half-written file: try again
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The kernels run with the notebook's folder as working directory: none may outlive the session. */
function assertNoProcessesIn(dir: string): void {
  const left = readdirSync('/proc').filter((pid) => {
    try {
      return /^\d+$/.test(pid) && readlinkSync(`/proc/${pid}/cwd`).startsWith(dir);
    } catch {
      return false;
    }
  });
  assert.deepEqual(left, [], `processes left running in ${dir}`);
}

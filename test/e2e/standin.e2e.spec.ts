// The Jupyter stand-in inside a real VS Code (code-server): a notebook runs in a real Python kernel
// through the UI, and another extension reaches that kernel through the Jupyter extension's API.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ProbeResult } from './fixtures/kernel-probe/extension.js';
import { startCodeServer, type CodeServerSession } from './support/codeServer.js';
import { KERNEL_PROBE, STANDIN, packageExtension } from './support/extensions.js';
import { REPO_ROOT } from './support/paths.js';

const FIXTURES = join(REPO_ROOT, 'test', 'e2e', 'fixtures');
const STDOUT = 'application/vnd.code.notebook.stdout';
// The first cell starts the kernel and imports pandas and matplotlib: slow on a small CI machine.
const RUN_TIMEOUT_MS = 180_000;

describe('Jupyter stand-in: notebook UI and kernels API', { timeout: 600_000 }, () => {
  let session: CodeServerSession | undefined;
  let workspace = '';

  before(async () => {
    workspace = copyFixture('workspace');
    const extensions = [await packageExtension(STANDIN), await packageExtension(KERNEL_PROBE)];
    session = await startCodeServer({ workspace, extensions, name: 'standin' });
    console.log(`code-server timings (ms): ${JSON.stringify(session.timings)}`);
  });

  after(async () => {
    await session?.close();
    assertNoProcessesIn(workspace);
    rmSync(workspace, { recursive: true, force: true });
  });

  it('runs every cell in a real kernel and shows the matplotlib figure', async () => {
    const s = session as CodeServerSession;
    await s.openFile('sales.ipynb');
    await s.waitForCells((cells) => cells.length === 3, { message: 'the notebook did not open' });
    // As with the real extension, API callers get no kernel until the user has run a cell.
    const early = await runProbe(s, workspace, 'print(1)');
    assert.equal(early.kernelFound, false);
    const started = performance.now();
    await s.runCommand('Notebook: Run All');
    const cells = await s.waitForCells((c) => c[2]?.outputs.images === 1 && c[2]?.state === 'success', {
      timeoutMs: RUN_TIMEOUT_MS,
      message: 'the plot never appeared',
    });
    console.log(`Run All until the figure showed: ${Math.round(performance.now() - started)} ms`);
    await s.screenshot('sales-plot');

    assert.equal(cells[0].kind, 'markup');
    assert.match(cells[0].text, /Sales by region/);
    assert.deepEqual(
      cells.slice(1).map((c) => [c.executionOrder, c.state]),
      [
        [1, 'success'],
        [2, 'success'],
      ],
    );
    assert.match(cells[1].text, /df = pd\.DataFrame/);
    assert.deepEqual(cells[1].outputMimes, [STDOUT]);
    assert.equal(cells[1].outputs.text.trim(), '(4, 3)');
    assert.deepEqual(cells[2].outputMimes, ['image/png']);
  });

  it("lets another extension run code in the notebook's kernel through the Jupyter API", async () => {
    const result = await runProbe(session as CodeServerSession, workspace, 'print(df.shape)');
    assert.equal(result.kernelFound, true, result.error);
    assert.equal(result.error, undefined);
    assert.equal(result.language, 'python');
    assert.equal(result.status, 'idle');
    assert.deepEqual(result.outputs, [{ mime: STDOUT, text: '(4, 3)\n' }]);
  });

  it('returns figures and Python errors to API callers as the real extension does', async () => {
    const plot = await runProbe(
      session as CodeServerSession,
      workspace,
      "ax = df.plot.line(x='region', y='sales')\nplt.show()",
    );
    assert.deepEqual(
      plot.outputs.map((o) => o.mime),
      ['image/png'],
    );
    const failed = await runProbe(session as CodeServerSession, workspace, 'df["no such column"]');
    assert.equal(failed.outputs.length, 1);
    assert.equal(failed.outputs[0].mime, 'application/vnd.code.notebook.error');
    const error = JSON.parse(failed.outputs[0].text) as { name: string; message: string };
    assert.equal(error.name, 'KeyError');
    assert.match(error.message, /no such column/);
  });
});

describe("Jupyter stand-in: its own .ipynb serializer (VS Code's built-in one disabled)", { timeout: 600_000 }, () => {
  let session: CodeServerSession | undefined;
  let workspace = '';

  before(async () => {
    workspace = copyFixture('roundtrip');
    session = await startCodeServer({
      workspace,
      extensions: [await packageExtension(STANDIN)],
      disableBuiltinExtensions: ['vscode.ipynb'],
      name: 'standin-serializer',
      // Tall enough that all five cells stay rendered: the notebook's cell list is virtualised.
      viewport: { width: 1400, height: 2200 },
    });
  });

  after(async () => {
    await session?.close();
    assertNoProcessesIn(workspace);
    rmSync(workspace, { recursive: true, force: true });
  });

  it('keeps images, streams, Plotly JSON, errors and execution counts when the notebook is saved', async () => {
    const s = session as CodeServerSession;
    await s.openFile('roundtrip.ipynb');
    await s.waitForCells((cells) => cells.length === 5, { message: 'the notebook did not open' });
    await s.runCommand('Notebook: Run All');
    const cells = await s.waitForCells((c) => c[3]?.outputs.errors === 1, {
      timeoutMs: RUN_TIMEOUT_MS,
      message: 'the failing cell never showed its error',
    });
    await s.screenshot('roundtrip-run');
    assert.equal(cells[1].outputs.images, 1);
    assert.deepEqual(cells[2].outputMimes, ['application/vnd.plotly.v1+json']);
    assert.match(cells[3].outputs.text, /ZeroDivisionError/);
    // Jupyter stops the queue at the first error: the last cell never ran and is not left pending.
    assert.equal(cells[4].executionOrder, undefined);
    assert.equal(cells[4].state, undefined);

    await s.runCommand('File: Save');
    const saved = await waitFor(() => {
      const nb = JSON.parse(readFileSync(join(workspace, 'roundtrip.ipynb'), 'utf8')) as SavedNotebook;
      return nb.cells[3]?.outputs?.length ? nb : undefined;
    }, 30_000);
    const [first, plot, plotly, failing, never] = saved.cells;
    assert.equal(saved.nbformat, 4);
    assert.deepEqual(first.outputs, [{ output_type: 'stream', name: 'stdout', text: ['(3, 2)\n'] }]);
    assert.equal(first.execution_count, 1);
    assert.equal(plot.outputs?.[0].output_type, 'display_data');
    assert.match(String(plot.outputs?.[0].data?.['image/png']), /^iVBORw0KGgo/); // base64 of a PNG header
    assert.ok(plotly.outputs?.[0].data?.['application/vnd.plotly.v1+json'], 'the Plotly figure was not saved');
    assert.equal(failing.outputs?.[0].output_type, 'error');
    assert.equal(failing.outputs?.[0].ename, 'ZeroDivisionError');
    assert.equal(never.execution_count, null);
    assert.deepEqual(never.outputs, []);
  });
});

interface SavedNotebook {
  nbformat: number;
  cells: {
    execution_count?: number | null;
    outputs?: { output_type: string; name?: string; text?: string[]; data?: Record<string, unknown>; ename?: string }[];
  }[];
}

function copyFixture(name: string): string {
  const workspace = mkdtempSync(join(tmpdir(), `plotwright-ws-${name}-`));
  cpSync(join(FIXTURES, name), workspace, { recursive: true });
  return workspace;
}

async function runProbe(session: CodeServerSession, workspace: string, code: string): Promise<ProbeResult> {
  const resultFile = join(workspace, 'kernel-probe-result.json');
  rmSync(resultFile, { force: true });
  writeFileSync(join(workspace, 'kernel-probe.py'), code);
  await session.runCommand('Kernel Probe: Run Code in Notebook Kernel');
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

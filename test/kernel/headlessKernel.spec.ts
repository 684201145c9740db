// Runs real Python: Debian's python3 with ipykernel, matplotlib, seaborn, plotly and pandas.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HeadlessKernel } from '../../src/kernel/headlessKernel.js';
import { imageOutputs, plotlyOutputs, runnerOverheadMs, streamText, type ExecutionResult } from '../../src/kernel/kernel.js';
import { decodeBase64Png, isPng, makeTempDir, processExists, waitFor } from '../support/kernelFixtures.js';

const printed = (result: ExecutionResult, name: 'stdout' | 'stderr') => streamText(result.outputs, name);

function assertPngs(result: ExecutionResult, count: number): void {
  assert.equal(result.status, 'ok', JSON.stringify(result.error));
  const images = imageOutputs(result);
  assert.equal(images.length, count, `expected ${count} image(s), got ${images.length}`);
  for (const image of images) {
    const bytes = decodeBase64Png(image);
    assert.ok(isPng(bytes), 'not a PNG');
    assert.ok(bytes.length > 5_000, `PNG too small: ${bytes.length} bytes`);
  }
}

describe('HeadlessKernel', { timeout: 240_000 }, () => {
  const dir = makeTempDir();
  let kernel: HeadlessKernel;

  before(async () => {
    kernel = await HeadlessKernel.start({ cwd: dir.path });
  });

  after(async () => {
    await kernel?.dispose();
    dir.remove();
  });

  it('reports start timing and a kernel pid', () => {
    const info = kernel.startInfo;
    assert.ok(info && info.startMs > 0 && info.kernelStartMs > 0);
    assert.ok(kernel.pid !== undefined && processExists(kernel.pid));
    assert.equal(kernel.cwd, dir.path);
  });

  it('captures stdout, stderr and the last expression', async () => {
    const result = await kernel.execute('import sys\nprint("hello")\nprint("oops", file=sys.stderr)\n6 * 7');
    assert.equal(result.status, 'ok');
    assert.equal(printed(result, 'stdout'), 'hello\n');
    assert.equal(printed(result, 'stderr'), 'oops\n');
    assert.ok(result.outputs.some((o) => o.kind === 'text' && o.mime === 'text/plain' && o.text === '42'));
    assert.equal(result.restarted, false);
    assert.ok(result.kernelMs !== undefined && result.kernelMs >= 0);
    assert.ok(runnerOverheadMs(result)! >= 0);
  });

  it('truncates a flood of output', async () => {
    const result = await kernel.execute('for i in range(300_000):\n    print("0123456789")');
    assert.equal(result.status, 'ok');
    const text = printed(result, 'stdout');
    assert.ok(text.length < 1_100_000, `stdout is ${text.length} characters`);
    assert.match(text, /output truncated/);
  });

  it('keeps state between cells and leaves no helper names in the namespace', async () => {
    await kernel.execute('answer = 41');
    const code = [
      'print(answer + 1)',
      'print(sorted(n for n in dir() if "plotwright" in n))',
      'import os, sys',
      'print(any(os.path.exists(os.path.join(p or ".", "kernel_setup.py")) for p in sys.path))',
    ].join('\n');
    const result = await kernel.execute(code);
    assert.equal(printed(result, 'stdout'), '42\n[]\nFalse\n');
  });

  it('shows a matplotlib figure that was never shown', async () => {
    const result = await kernel.execute('import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [3, 1, 2])\nplt.title("x")');
    assertPngs(result, 1);
  });

  it('plt.show() yields exactly one image', async () => {
    assertPngs(await kernel.execute('plt.figure()\nplt.bar(["a", "b"], [1, 2])\nplt.show()'), 1);
  });

  it('returning the figure as the last expression yields one image', async () => {
    assertPngs(await kernel.execute('fig, ax = plt.subplots()\nax.plot([1, 2], [2, 1])\nfig'), 1);
  });

  it('a figure only saved and closed still yields an image, and the file is in the cwd', async () => {
    const result = await kernel.execute('plt.plot([1, 2, 3], [1, 4, 9])\nplt.savefig("saved.png")\nplt.close()');
    assertPngs(result, 1);
    assert.ok(existsSync(join(dir.path, 'saved.png')));
  });

  it('shows figures left open under the Agg backend', async () => {
    const code = 'import matplotlib\nmatplotlib.use("Agg")\nimport matplotlib.pyplot as plt\nplt.plot([1, 2], [1, 2])\nplt.show()';
    assertPngs(await kernel.execute(code), 1);
    // Back to inline for the other tests.
    await kernel.execute('matplotlib.use("module://matplotlib_inline.backend_inline")');
  });

  it('captureFigures: false leaves unshown figures alone', async () => {
    const result = await kernel.execute('plt.plot([1, 2], [1, 2])\nplt.savefig("only.png")\nplt.close()', { captureFigures: false });
    assert.equal(imageOutputs(result).length, 0);
  });

  it('seaborn produces a PNG', async () => {
    const code = 'import seaborn as sns\nimport pandas as pd\ndf = pd.DataFrame({"x": [1, 2, 3, 4], "y": [2, 4, 3, 5]})\nsns.scatterplot(data=df, x="x", y="y")';
    assertPngs(await kernel.execute(code), 1);
  });

  it('plotly fig.show() produces a Plotly figure', async () => {
    const code = 'import plotly.express as px\nfig = px.bar(x=["a", "b"], y=[1, 3], title="bars")\nfig.show()';
    const result = await kernel.execute(code);
    assert.equal(result.status, 'ok', JSON.stringify(result.error));
    const figures = plotlyOutputs(result);
    assert.equal(figures.length, 1);
    assert.ok(Array.isArray(figures[0]!.data) && figures[0]!.data.length === 1);
  });

  it('a Plotly figure bound to a name but never shown is captured', async () => {
    const result = await kernel.execute('fig2 = px.line(x=[1, 2, 3], y=[1, 3, 2])');
    assert.equal(plotlyOutputs(result).length, 1);
    // Rebinding nothing new: no figure.
    assert.equal(plotlyOutputs(await kernel.execute('y = 1')).length, 0);
  });

  it('fig.write_image without kaleido displays the figure and notes it on stderr', async () => {
    const result = await kernel.execute('fig.write_image("out.png")\nprint("after")');
    assert.equal(result.status, 'ok', JSON.stringify(result.error));
    assert.equal(plotlyOutputs(result).length, 1);
    assert.match(printed(result, 'stderr'), /kaleido/);
    assert.equal(printed(result, 'stdout'), 'after\n');
  });

  it('a syntax error is an error with ename SyntaxError and a traceback', async () => {
    const result = await kernel.execute('def broken(:\n    pass');
    assert.equal(result.status, 'error');
    assert.equal(result.error?.ename, 'SyntaxError');
    assert.ok(result.error!.traceback.length > 0);
    assert.ok(result.error!.traceback.every((line) => !line.includes('\x1b[')), 'ANSI codes left in traceback');
  });

  it('a runtime error carries the exception and the kernel stays usable', async () => {
    const result = await kernel.execute('plt.plot([1, 2], [1, 2])\n{}["missing"]');
    assert.equal(result.status, 'error');
    assert.equal(result.error?.ename, 'KeyError');
    assert.match(result.error!.traceback.join('\n'), /missing/);
    assert.equal(printed(await kernel.execute('print(answer)'), 'stdout'), '41\n');
  });

  it('an error raised while a figure is drawn is the cell\'s error, with its traceback, shown or not', async () => {
    const build = [
      'import matplotlib.pyplot as plt, matplotlib.ticker as mticker',
      'from mpl_toolkits.axisartist import Axes',
      'from mpl_toolkits.axisartist.grid_helper_curvelinear import GridHelperCurveLinear',
      'helper = GridHelperCurveLinear((lambda x, y: (x, y), lambda x, y: (x, y)), grid_locator1=mticker.MaxNLocator(5))',
      'fig = plt.figure()',
      'ax = fig.add_subplot(1, 1, 1, axes_class=Axes, grid_helper=helper)',
      'ax.plot([1, 2, 3], [1, 4, 9])',
    ].join('\n');
    for (const ending of ['', '\nplt.show()', '\nfig.savefig("drawn.png")']) {
      const result = await kernel.execute(build + ending);
      assert.equal(result.status, 'error', `ending ${JSON.stringify(ending)}`);
      assert.equal(result.error?.ename, 'TypeError');
      assert.match(result.error!.evalue, /MaxNLocator.__call__\(\) takes 1 positional argument but 3 were given/);
      assert.match(result.error!.traceback.join('\n'), /grid_finder|axisartist/);
      assert.equal(imageOutputs(result).length, 0);
    }
    assertPngs(await kernel.execute('plt.plot([1, 2]); plt.show()'), 1);
  });

  it('times out an endless loop, interrupts it, and the next cell still works', async () => {
    const result = await kernel.execute('while True:\n    pass', { timeoutMs: 2000 });
    assert.equal(result.status, 'timeout');
    assert.equal(result.error?.ename, 'TimeoutError');
    assert.match(result.error!.evalue, /Execution timed out after 2 s/);
    assert.equal(result.restarted, false);
    assert.ok(result.durationMs >= 1900 && result.durationMs < 8000, `duration ${result.durationMs}`);
    const next = await kernel.execute('print(answer)');
    assert.equal(printed(next, 'stdout'), '41\n');
  });

  it('restarts a kernel that ignores the interrupt', async () => {
    const code = 'import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    time.sleep(0.05)';
    const result = await kernel.execute(code, { timeoutMs: 1000 });
    assert.equal(result.status, 'timeout');
    assert.equal(result.restarted, true);
    assert.match(result.error!.evalue, /restarted/);
    const next = await kernel.execute('print("alive")');
    assert.equal(printed(next, 'stdout'), 'alive\n');
    assert.equal(next.restarted, false);
    await kernel.execute('answer = 41\nimport matplotlib.pyplot as plt\nimport plotly.express as px');
  });

  it('cancels through an AbortSignal', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const result = await kernel.execute('import time\ntime.sleep(30)', { signal: controller.signal });
    assert.equal(result.status, 'cancelled');
    assert.ok(result.durationMs < 5000);
    assert.equal(printed(await kernel.execute('print(answer)'), 'stdout'), '41\n');
  });

  it('an already aborted signal does not run the code', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await kernel.execute('answer = 0', { signal: controller.signal });
    assert.equal(result.status, 'cancelled');
    assert.equal(printed(await kernel.execute('print(answer)'), 'stdout'), '41\n');
  });

  it('serializes concurrent executions', async () => {
    const results = await Promise.all([
      kernel.execute('import time\ntime.sleep(0.2)\nseq = [1]'),
      kernel.execute('seq.append(2)'),
      kernel.execute('print(seq)'),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['ok', 'ok', 'ok'],
    );
    assert.equal(printed(results[2]!, 'stdout'), '[1, 2]\n');
  });

  it('os._exit(1) is reported as died, and the next cell runs in a fresh kernel', async () => {
    const before = kernel.pid;
    const result = await kernel.execute('import os\nos._exit(1)');
    assert.equal(result.status, 'died');
    assert.equal(result.restarted, true);
    assert.match(result.error!.evalue, /died.*exit code 1/);
    assert.ok(result.durationMs < 10_000);
    assert.notEqual(kernel.pid, before);
    const next = await kernel.execute('print("answer" in dir())');
    assert.equal(next.status, 'ok');
    assert.equal(printed(next, 'stdout'), 'False\n');
  });

  it('a segfault is reported as died with the crash location', async () => {
    const result = await kernel.execute('import ctypes\nctypes.string_at(0)');
    assert.equal(result.status, 'died');
    assert.equal(result.restarted, true);
    assert.match(result.error!.evalue, /SIGSEGV/);
    assert.match(result.error!.traceback.join('\n'), /Segmentation fault/);
    assert.equal((await kernel.execute('1 + 1')).status, 'ok');
  });

  it('restart() gives a fresh interpreter in the same cwd', async () => {
    await kernel.execute('marker = 1');
    await kernel.restart();
    const result = await kernel.execute('import os\nprint("marker" in dir(), os.getcwd())');
    assert.equal(printed(result, 'stdout'), `False ${dir.path}\n`);
  });
});

describe('HeadlessKernel lifecycle', { timeout: 120_000 }, () => {
  it('each kernel has its own cwd, and dispose leaves no processes behind', async () => {
    const a = makeTempDir();
    const b = makeTempDir();
    const [ka, kb] = await Promise.all([HeadlessKernel.start({ cwd: a.path }), HeadlessKernel.start({ cwd: b.path })]);
    try {
      const [ra, rb] = await Promise.all([ka.execute('import os\nprint(os.getcwd())'), kb.execute('import os\nprint(os.getcwd())')]);
      assert.equal(printed(ra, 'stdout'), `${a.path}\n`);
      assert.equal(printed(rb, 'stdout'), `${b.path}\n`);
      const pids = [ka.pid!, kb.pid!];
      await Promise.all([ka.dispose(), kb.dispose()]);
      for (const pid of pids) {
        assert.ok(await waitFor(() => !processExists(pid), 5000), `kernel ${pid} still running`);
      }
      await assert.rejects(ka.execute('1'), /disposed/);
    } finally {
      await Promise.all([ka.dispose(), kb.dispose()]);
      a.remove();
      b.remove();
    }
  });

  it('a memory limit turns a memory hog into MemoryError', async () => {
    const dir = makeTempDir();
    const kernel = await HeadlessKernel.start({ cwd: dir.path, memoryLimitMb: 1024 });
    try {
      const result = await kernel.execute('big = bytearray(3 * 1024 ** 3)');
      assert.ok(
        (result.status === 'error' && result.error?.ename === 'MemoryError') || result.status === 'died',
        JSON.stringify(result.error),
      );
      assert.equal((await kernel.execute('print(1)')).status, 'ok');
    } finally {
      await kernel.dispose();
      dir.remove();
    }
  });

  it('preloads modules and reports it', async () => {
    const dir = makeTempDir();
    const kernel = await HeadlessKernel.start({ cwd: dir.path, preload: ['json', 'no_such_module_xyz'] });
    try {
      assert.deepEqual(kernel.startInfo?.preloaded, ['json']);
      assert.ok('no_such_module_xyz' in (kernel.startInfo?.preloadFailed ?? {}));
      const result = await kernel.execute('print("json" in dir())');
      assert.equal(printed(result, 'stdout'), 'False\n');
    } finally {
      await kernel.dispose();
      dir.remove();
    }
  });

  it('a spare kernel makes restarts fast and is cleaned up', async () => {
    const dir = makeTempDir();
    const kernel = await HeadlessKernel.start({ cwd: dir.path, spareKernel: true });
    const spare = (): number | undefined => (kernel as unknown as { bridge: { sparePid?: number } }).bridge.sparePid;
    try {
      const firstSpare = spare();
      assert.ok(firstSpare !== undefined && processExists(firstSpare));
      await kernel.execute('x = 1');
      await new Promise((resolve) => setTimeout(resolve, 1500)); // let the spare boot
      const result = await kernel.execute('import os\nos._exit(1)');
      assert.equal(result.status, 'died');
      assert.equal(kernel.pid, firstSpare, 'the spare became the kernel');
      assert.ok(spare() !== undefined && spare() !== firstSpare, 'a new spare was launched');
      const next = await kernel.execute('print("x" in dir())');
      assert.equal(printed(next, 'stdout'), 'False\n');
      const pids = [kernel.pid!, spare()!];
      await kernel.dispose();
      for (const pid of pids) {
        assert.ok(await waitFor(() => !processExists(pid), 5000), `process ${pid} still running`);
      }
    } finally {
      await kernel.dispose();
      dir.remove();
    }
  });

  it('a missing cwd is a clear error', async () => {
    await assert.rejects(HeadlessKernel.start({ cwd: '/nonexistent/plotwright' }), /does not exist/);
  });

  it('survives the bridge process being killed', async () => {
    const dir = makeTempDir();
    const kernel = await HeadlessKernel.start({ cwd: dir.path });
    try {
      const bridge = (kernel as unknown as { bridge: { child: { pid: number }; runtimeDir?: string } }).bridge;
      const bridgePid = bridge.child.pid;
      const oldRuntimeDir = bridge.runtimeDir;
      assert.ok(oldRuntimeDir && existsSync(oldRuntimeDir));
      const running = kernel.execute('import time\ntime.sleep(20)');
      await new Promise((resolve) => setTimeout(resolve, 500));
      process.kill(bridgePid, 'SIGKILL');
      const result = await running;
      assert.equal(result.status, 'died');
      assert.match(result.error!.evalue, /bridge/);
      assert.equal(result.restarted, true);
      assert.equal((await kernel.execute('print(2)')).status, 'ok');
      assert.ok(oldRuntimeDir && !existsSync(oldRuntimeDir), `connection files left in ${oldRuntimeDir}`);
    } finally {
      await kernel.dispose();
      dir.remove();
    }
  });
});

// The questions the extension asks a user's kernel, asked of a real one.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { environmentCode, listDataFramesCode, missingPackages, parseDataFrames, parseEnvironment, pipFailure } from '../../src/core/kernelQueries.js';
import { HeadlessKernel } from '../../src/kernel/headlessKernel.js';
import { streamText, type ExecutionResult } from '../../src/kernel/kernel.js';
import { resolvePython } from '../../src/kernel/python.js';
import { REPO_ROOT } from '../e2e/support/paths.js';

const stdout = (r: ExecutionResult) => streamText(r.outputs);

describe('kernel queries', () => {
  let kernel: HeadlessKernel;
  before(async () => {
    kernel = await HeadlessKernel.start({ python: (await resolvePython({})).path, cwd: mkdtempSync(join(tmpdir(), 'pw-queries-')) });
  });
  after(async () => {
    await kernel.dispose();
  });

  it('finds no DataFrames before pandas is imported, then lists them with their shapes', async () => {
    assert.deepEqual(parseDataFrames(stdout(await kernel.execute(listDataFramesCode))), []);
    await kernel.execute('import pandas as pd\nsales = pd.DataFrame({"a": range(10), "b": 1})\n_hidden = sales\nseries = sales["a"]\nempty = pd.DataFrame()');
    const frames = parseDataFrames(stdout(await kernel.execute(listDataFramesCode)));
    assert.deepEqual(frames, [
      { name: 'sales', rows: 10, columns: 2 },
      { name: 'empty', rows: 0, columns: 0 },
    ]);
  });

  it('reports the installed versions without importing the libraries, and leaves no names behind', async () => {
    // IPython's own history names (_i3, _3 …) change with every cell; the user's names must not.
    const names = 'print(sorted(k for k in globals() if not k.startswith("_")))\nprint("seaborn" in sys.modules)';
    const before = stdout(await kernel.execute(`import sys\n${names}`));
    const environment = parseEnvironment(stdout(await kernel.execute(environmentCode)));
    assert.match(environment.python, /^3\.\d+\.\d+$/);
    assert.match(environment.pandas ?? '', /^\d+\.\d+/);
    assert.match(environment.plotly ?? '', /^\d+\.\d+/);
    assert.deepEqual(missingPackages(environment, 'seaborn'), []);
    const afterwards = stdout(await kernel.execute(names));
    assert.equal(afterwards, before);
    assert.ok(before.trim().endsWith('False'));
  });

  it('counts a package the kernel cannot import as missing, even when its files are installed', async () => {
    const hidden = await HeadlessKernel.start({
      python: (await resolvePython({})).path,
      cwd: mkdtempSync(join(tmpdir(), 'pw-queries-')),
      env: { PYTHONPATH: join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'hide-modules'), PLOTWRIGHT_HIDE_MODULES: 'seaborn' },
    });
    try {
      const environment = parseEnvironment(stdout(await hidden.execute(environmentCode)));
      assert.equal(environment.seaborn, null);
      assert.match(environment.matplotlib ?? '', /^\d+\.\d+/);
      assert.deepEqual(missingPackages(environment, 'seaborn'), ['seaborn']);
      const result = await hidden.execute('import seaborn');
      assert.equal(result.error?.ename, 'ModuleNotFoundError');
    } finally {
      await hidden.dispose();
    }
  });

  it('names the packages a library needs when they are missing', () => {
    assert.deepEqual(missingPackages({ python: '3.11', pandas: '2.2', matplotlib: null, plotly: '5.4' }, 'seaborn'), ['matplotlib', 'seaborn']);
    assert.deepEqual(missingPackages({ python: '3.11', pandas: '2.2', plotly: '5.4' }, 'plotly'), []);
  });

  it("finds pip's own error line in what %pip printed", () => {
    const pep668 = 'error: externally-managed-environment\n\n× This environment is externally managed\n╰─> To install Python packages system-wide, try apt install\nNote: you may need to restart the kernel to use updated packages.\n';
    assert.equal(pipFailure(pep668), 'error: externally-managed-environment');
    assert.equal(pipFailure('Collecting nope\nERROR: Could not find a version that satisfies the requirement nope\n'), 'ERROR: Could not find a version that satisfies the requirement nope');
    assert.equal(pipFailure('/usr/bin/python3: No module named pip\nNote: you may need to restart the kernel to use updated packages.'), '/usr/bin/python3: No module named pip');
    assert.equal(pipFailure('\u001b[1;31merror\u001b[0m: \u001b[1mexternally-managed-environment\u001b[0m\n'), 'error: externally-managed-environment');
    assert.equal(pipFailure(''), 'pip printed nothing');
  });
});

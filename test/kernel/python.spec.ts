import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { clearPythonCache, PythonNotFoundError, resolvePython } from '../../src/kernel/python.js';
import { makeTempDir } from '../support/kernelFixtures.js';

describe('resolvePython', { timeout: 60_000 }, () => {
  const dir = makeTempDir('plotwright-python-');
  // A python3 that runs without site-packages (-S) and isolated (-I): it lacks every package.
  const bare = join(dir.path, 'python3');
  writeFileSync(bare, '#!/bin/sh\nexec /usr/bin/python3 -I -S "$@"\n');
  chmodSync(bare, 0o755);

  after(() => dir.remove());

  it('falls back to /usr/bin/python3 when python3 on PATH lacks the packages', async () => {
    clearPythonCache();
    const found = await resolvePython({ env: { PATH: `${dir.path}:/usr/bin:/bin` } });
    assert.equal(found.path, '/usr/bin/python3');
    assert.match(found.versions.python, /^3\.\d+/);
    for (const name of ['ipykernel', 'jupyter_client', 'matplotlib', 'pandas', 'plotly', 'seaborn'] as const) {
      assert.ok(found.versions[name], `no version for ${name}`);
    }
    assert.equal(found.skipped.length, 1);
    assert.match(found.skipped[0]!, /python3 .*lacks ipykernel, jupyter_client, matplotlib, pandas/);
  });

  it('uses the default fallbacks when nothing is configured', async () => {
    clearPythonCache();
    const found = await resolvePython({ env: { ...process.env, PLOTWRIGHT_PYTHON: undefined } });
    // On this machine python3 on PATH is a pyenv build without the packages, so this is /usr/bin/python3.
    assert.ok(found.versions.ipykernel && found.versions.matplotlib && found.versions.pandas);
    if (found.skipped.length > 0) {
      assert.equal(found.path, '/usr/bin/python3');
    }
  });

  it('prefers PLOTWRIGHT_PYTHON and an explicit interpreter', async () => {
    clearPythonCache();
    const fromEnv = await resolvePython({ env: { PLOTWRIGHT_PYTHON: '/usr/bin/python3' }, fallbacks: [] });
    assert.equal(fromEnv.path, '/usr/bin/python3');
    const explicit = await resolvePython({ explicit: '/usr/bin/python3', env: {}, fallbacks: [] });
    assert.equal(explicit.path, '/usr/bin/python3');
    assert.deepEqual(explicit.skipped, []);
  });

  it('caches the answer per process', async () => {
    clearPythonCache();
    const options = { explicit: '/usr/bin/python3', env: {}, fallbacks: [] };
    const first = resolvePython(options);
    assert.equal(resolvePython(options), first);
    await first;
  });

  it('names the missing packages and how to install them when nothing works', async () => {
    clearPythonCache();
    const error = await resolvePython({ explicit: bare, env: {}, fallbacks: ['/nonexistent/python3'] }).then(
      () => assert.fail('expected an error'),
      (err: unknown) => err,
    );
    assert.ok(error instanceof PythonNotFoundError);
    assert.deepEqual(error.missing, ['ipykernel', 'jupyter_client', 'matplotlib', 'pandas']);
    assert.match(error.message, /missing: ipykernel, jupyter_client, matplotlib, pandas/);
    assert.match(error.message, /sudo apt-get install python3-ipykernel python3-jupyter-client python3-matplotlib python3-pandas/);
    assert.match(error.message, /python3 -m pip install ipykernel jupyter_client matplotlib pandas/);
    assert.match(error.message, /\/nonexistent\/python3: not found/);
  });
});

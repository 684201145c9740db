// The benchmark journeys' set-up (support/benchmark.ts) cleans up after itself when it fails: a mock
// server left listening would keep the test process alive after the suite's before() threw.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';

const SUPPORT = pathToFileURL(join(import.meta.dirname, 'support', 'benchmark.ts')).href;

describe('startBenchSession', () => {
  it('closes the mock model it started when a later step fails, so the process can end', () => {
    // A name with a missing parent folder: the workspace cannot be made, after the mock is listening.
    const script = `import { startBenchSession } from ${JSON.stringify(SUPPORT)};
try { await startBenchSession('no-such-folder/x'); } catch (error) { console.log('failed:', error.code); }`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(child.stdout.trim(), 'failed: ENOENT', child.stderr);
    assert.equal(child.signal, null, 'the process was still running a minute later');
    assert.equal(child.status, 0, child.stderr);
  });
});

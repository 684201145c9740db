// The built `plotwright bench` command: kill -9 and --resume, SIGINT, compare.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { summarize, readResults } from '../../benchmark/metrics.js';
import { startMockOpenAI, type MockOpenAI } from '../support/mockOpenAI.js';
import { benchResponder, buildDataset, GOOD_CODE, GT_CODE, PYTHON, type FixtureItem } from './benchFixtures.js';

const CLI = resolve(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const run = promisify(execFile);

const ITEMS: FixtureItem[] = [1, 2, 3, 4, 5, 6].map((id) => ({ id, code: GOOD_CODE, gtCode: GT_CODE }));

function recordCount(out: string): number {
  const path = join(out, 'results.jsonl');
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).length : 0;
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) {
      throw new Error('timed out waiting');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('plotwright bench (built CLI)', { timeout: 600_000 }, () => {
  let mock: MockOpenAI;
  let dataset: string;
  let root: string;
  const args = (out: string, extra: string[] = []) => [
    CLI,
    'bench',
    '--dataset',
    dataset,
    '--base-url',
    mock.baseUrl,
    '--model',
    'gen-model',
    '--judge-model',
    'judge-model',
    '--python',
    PYTHON,
    '--out',
    out,
    '--no-cache',
    ...extra,
  ];
  const env = () => ({ ...process.env, OPENAI_API_KEY: 'sk-test-key' });

  before(async () => {
    assert.ok(existsSync(CLI), 'run `npm run build` first');
    // Slow answers, so the process can be killed between two items.
    mock = await startMockOpenAI({ responder: benchResponder(ITEMS, { generateDelayMs: 700 }) });
    dataset = buildDataset(ITEMS);
    root = mkdtempSync(join(tmpdir(), 'pw-bench-cli-'));
  });
  after(async () => {
    await mock.close();
  });

  it('kill -9 mid-run loses no finished item, and --resume completes without duplicates', async () => {
    const out = join(root, 'killed');
    const child = spawn(process.execPath, args(out, ['--concurrency', '1']), { env: env(), stdio: 'ignore' });
    await waitFor(() => recordCount(out) >= 2, 120_000);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const kept = recordCount(out);
    assert.ok(kept >= 2 && kept < ITEMS.length, `killed after ${kept} records`);

    const resumed = await run(process.execPath, args(out, ['--resume']), { env: env(), timeout: 300_000 });
    assert.match(resumed.stdout, /PandasPlotBench results/);
    const read = await readResults(join(out, 'results.jsonl'));
    assert.equal(read.errors.length, 0);
    assert.equal(read.truncatedLastLine, null);
    const keys = read.records.map((r) => `${r.id}:${r.repeat}`);
    assert.equal(new Set(keys).size, keys.length, 'no duplicates');
    assert.deepEqual([...new Set(read.records.map((r) => r.id))].sort(), [1, 2, 3, 4, 5, 6]);
    assert.ok(read.records.every((r) => r.hasPlot && r.scores.visual === 80 && r.scores.task === 90));
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    assert.equal(summary.items, 6);
    assert.equal(summary.visual.mean, 80);
    assert.ok(existsSync(join(out, 'report.html')));
  });

  it('SIGINT stops the run and leaves a valid partial summary', async () => {
    const out = join(root, 'interrupted');
    const child = spawn(process.execPath, args(out, ['--concurrency', '1']), { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    await waitFor(() => recordCount(out) >= 1, 120_000);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    assert.equal(code, 130);
    const read = await readResults(join(out, 'results.jsonl'));
    assert.ok(read.records.length >= 1 && read.records.length < ITEMS.length);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    assert.deepEqual(summary, summarize(read.records, { model: 'gen-model', taskVariant: 'full', descriptor: 'head', library: 'matplotlib' }));
    assert.match(stdout, /PandasPlotBench results/);
  });

  it('compare runs one folder per cell and writes one table', async () => {
    const out = join(root, 'compare');
    const { stdout } = await run(
      process.execPath,
      [...args(out, ['--limit', '1', '--judges', 'task']).slice(0, 2), 'compare', ...args(out, ['--limit', '1', '--judges', 'task']).slice(2), '--descriptors', 'head,none'],
      { env: env(), timeout: 300_000 },
    );
    const table = readFileSync(join(out, 'compare.md'), 'utf8');
    assert.match(table, /\| descriptor \|/);
    assert.match(table, /\| head \|/);
    assert.match(table, /\| none \|/);
    assert.ok(stdout.includes('| descriptor |'));
    assert.ok(existsSync(join(out, 'gen-model__matplotlib__full__head', 'summary.json')));
    assert.ok(existsSync(join(out, 'gen-model__matplotlib__full__none', 'results.jsonl')));
    // The comparison's report.html links each cell's own report.html.
    const report = readFileSync(join(out, 'report.html'), 'utf8');
    assert.match(report, /href="gen-model__matplotlib__full__head\/report\.html"/);
    assert.match(report, /href="gen-model__matplotlib__full__none\/report\.html"/);
    assert.ok(existsSync(join(out, 'gen-model__matplotlib__full__none', 'report.html')));
  });

  it('--shard runs a share (index from JOB_COMPLETION_INDEX too); merge combines the shares and refuses other settings', async () => {
    const shards = [join(root, 'shard-1'), join(root, 'shard-2')];
    const common = ['--limit', '4', '--judges', 'task', '--concurrency', '4'];
    await run(process.execPath, args(shards[0], [...common, '--shard', '1/2']), { env: env(), timeout: 300_000 });
    await run(process.execPath, args(shards[1], [...common, '--shard', '2']), { env: { ...env(), JOB_COMPLETION_INDEX: '1' }, timeout: 300_000 });
    const ids = (dir: string) => readFileSync(join(dir, 'results.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).map((l) => (JSON.parse(l) as { id: number }).id).sort();
    assert.deepEqual(ids(shards[0]), [1, 3]);
    assert.deepEqual(ids(shards[1]), [2, 4]);

    const merged = join(root, 'merged');
    const { stdout } = await run(process.execPath, [CLI, 'bench', 'merge', '--out', merged, ...shards], { env: env(), timeout: 60_000 });
    assert.match(stdout, /PandasPlotBench results/);
    const summary = JSON.parse(readFileSync(join(merged, 'summary.json'), 'utf8'));
    assert.equal(summary.items, 4);
    assert.equal(summary.task.mean, 90);
    assert.ok(existsSync(join(merged, 'report.html')));
    assert.ok(existsSync(join(merged, 'plots', '4-0.png')));

    const other = join(root, 'other-judges');
    await run(process.execPath, args(other, ['--limit', '4', '--judges', 'none', '--shard', '2/2']), { env: env(), timeout: 300_000 });
    const refused = await run(process.execPath, [CLI, 'bench', 'merge', '--out', join(root, 'merged-2'), shards[0], other], { env: env(), timeout: 60_000 }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(refused?.code, 1);
    assert.match(refused?.stderr ?? '', /other settings .*judges \["task"\] → \[\]/);
    const badShard = await run(process.execPath, args(join(root, 'bad-shard'), ['--shard', '3/2']), { env: env(), timeout: 60_000 }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(badShard?.code, 2);
    assert.match(badShard?.stderr ?? '', /out of range/);
  });
});

// The visual self-check as a benchmark mode, through the built `plotwright bench`: recorded per item and in
// run.json (so --resume refuses a mismatch), summarised, and compared with the same run without it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { readResults } from '../../benchmark/metrics.js';
import type { ChatRequestBody } from '../support/mockOpenAI.js';
import { startMockOpenAI, type MockOpenAI } from '../support/mockOpenAI.js';
import { benchResponder, buildDataset, GOOD_CODE, GT_CODE, PYTHON, type FixtureItem } from './benchFixtures.js';

const CLI = resolve(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const run = promisify(execFile);
const fence = '```';
// Item 1's first answer draws bars where the task asks for a line; item 2's is right.
const BAR_CODE = 'import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.bar(df["x"], df["y"])\nax.set_title("y by x")\nplt.show()';
const ITEMS: FixtureItem[] = [
  { id: 1, code: BAR_CODE, gtCode: GT_CODE },
  { id: 2, code: GOOD_CODE, gtCode: GT_CODE },
];

function hasImage(body: ChatRequestBody): boolean {
  return (body.messages ?? []).some((m) => Array.isArray(m.content) && (m.content as Array<{ type: string }>).some((p) => p.type === 'image_url'));
}

describe('plotwright bench --visual-check (built CLI)', { timeout: 600_000 }, () => {
  let mock: MockOpenAI;
  let dataset: string;
  let root: string;
  const args = (command: string[], out: string, extra: string[] = []) => [
    CLI, 'bench', ...command, '--dataset', dataset, '--base-url', mock.baseUrl, '--model', 'gen-model', '--judge-model', 'judge-model',
    '--python', PYTHON, '--out', out, '--no-cache', ...extra,
  ];
  const env = () => ({ ...process.env, OPENAI_API_KEY: 'sk-test-key' });

  before(async () => {
    assert.ok(existsSync(CLI), 'run `npm run build` first');
    const bench = benchResponder(ITEMS);
    mock = await startMockOpenAI({
      responder: (body, request) => {
        // The generator's visual check (the judge is another model): bars get corrected to the line asked for.
        if (body.model === 'gen-model' && hasImage(body)) {
          const checked = String([...(body.messages ?? [])].reverse().find((m) => m.role === 'assistant')?.content);
          return { content: checked.includes('ax.bar') ? `${fence}python\n${GOOD_CODE}\n${fence}` : 'ACCEPT' };
        }
        return bench(body, request);
      },
    });
    dataset = buildDataset(ITEMS);
    root = mkdtempSync(join(tmpdir(), 'pw-bench-visual-'));
  });
  after(async () => {
    await mock.close();
  });

  it('records each verdict, the mode in run.json and the summary, and --resume refuses a run without it', async () => {
    const out = join(root, 'checked');
    const { stdout } = await run(process.execPath, args([], out, ['--visual-check']), { env: env(), timeout: 300_000 });
    assert.match(stdout, /visual self-check: on; (accepted 1, corrected 1|corrected 1, accepted 1)/);
    const records = (await readResults(join(out, 'results.jsonl'))).records.sort((a, b) => a.id - b.id);
    assert.deepEqual(records.map((r) => r.visualCheck), ['corrected', 'accepted']);
    assert.equal(records[0].code.trim(), GOOD_CODE);
    // The check that only looked is not a self-debug attempt; the correction is.
    assert.deepEqual(records.map((r) => r.attemptErrors?.length), [2, 1]);
    assert.equal(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).visualCheck, 1);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    assert.equal(summary.visualCheck, 'on');
    assert.deepEqual(summary.visualChecks, { accepted: 1, corrected: 1 });

    const refused = await run(process.execPath, args([], out, ['--resume']), { env: env(), timeout: 60_000 }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(refused?.code, 2);
    assert.match(refused?.stderr ?? '', /visualCheck 1 → 0/);
  });

  it('compare --visual-checks off,on runs the same items both ways and shows the mode as a column', async () => {
    const out = join(root, 'compare');
    const { stdout } = await run(process.execPath, args(['compare'], out, ['--judges', 'task', '--visual-checks', 'off,on']), { env: env(), timeout: 300_000 });
    const table = readFileSync(join(out, 'compare.md'), 'utf8');
    assert.ok(stdout.includes('| visual check |'));
    const rows = table.split('## Self-debug')[0].split('\n').filter((line) => /^\| (off|on) \|/.test(line));
    // The correction is an attempt of its own: the self-debug table shows what it fixed.
    assert.match(table, /## Self-debug/);
    assert.equal(rows.length, 2, table);
    const off = join(out, 'gen-model__matplotlib__full__head');
    const on = join(out, 'gen-model__matplotlib__full__head__visual-check');
    const ids = async (dir: string) => (await readResults(join(dir, 'results.jsonl'))).records.map((r) => r.id).sort();
    assert.deepEqual(await ids(off), await ids(on));
    const offSummary = JSON.parse(readFileSync(join(off, 'summary.json'), 'utf8'));
    const onSummary = JSON.parse(readFileSync(join(on, 'summary.json'), 'utf8'));
    assert.equal(offSummary.visualCheck, 'off');
    assert.equal(onSummary.visualCheck, 'on');
    assert.equal(onSummary.task.mean, 90);
    // The corrected line matches the line of the ground truth better than the bars did.
    assert.ok(onSummary.pixel.mean > offSummary.pixel.mean, `pixel ${onSummary.pixel.mean} vs ${offSummary.pixel.mean}`);
    assert.equal(JSON.parse(readFileSync(join(off, 'run.json'), 'utf8')).visualCheck, 0);
  });
});

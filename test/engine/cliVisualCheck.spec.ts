// `plotwright plot --visual-check`, built, end to end: mock model over HTTP, real kernel, real Chromium for Plotly.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { openAIError, startMockOpenAI, type ChatRequestBody, type MockOpenAI } from '../support/mockOpenAI.js';
import { sampleItem, writeSampleCsv } from '../support/plotbenchSample.js';

const CLI = resolve(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const run = promisify(execFile);
const fence = '```';
const answer = (code: string) => `${fence}python\n${code}\n${fence}`;

async function plotwright(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, OPENAI_API_KEY: 'sk-test-key-123' }, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function imageIn(body: ChatRequestBody | undefined): Buffer | undefined {
  const part = (body?.messages ?? [])
    .flatMap((m) => (Array.isArray(m.content) ? (m.content as Array<{ type: string; image_url?: { url: string } }>) : []))
    .find((p) => p.type === 'image_url');
  const match = /^data:image\/png;base64,(.+)$/.exec(part?.image_url?.url ?? '');
  return match ? Buffer.from(match[1], 'base64') : undefined;
}

describe('plotwright plot --visual-check', () => {
  let mock: MockOpenAI;
  let out: string;
  const csv = writeSampleCsv(sampleItem(5));
  const LINE = 'import plotly.express as px\nfig = px.line(df, x="Distance", y="Density")\nfig.show()';
  const BAR = 'import plotly.express as px\nfig = px.bar(df, x="Distance", y="Density")\nfig.show()';

  before(async () => {
    mock = await startMockOpenAI();
    out = mkdtempSync(join(tmpdir(), 'pw-cli-visual-'));
  });
  beforeEach(() => mock.reset());
  after(async () => {
    await mock.close();
  });

  it('shows the model a rendered Plotly figure and writes the corrected plot', async () => {
    // The rule: a line chart for a bar-chart task is corrected; anything else is accepted.
    mock.setResponder((body) => {
      if (!imageIn(body)) {
        return { content: answer(LINE) };
      }
      const checked = String([...(body.messages ?? [])].reverse().find((m) => m.role === 'assistant')?.content);
      return checked.includes('px.line') ? { content: answer(BAR) } : { content: 'ACCEPT' };
    });
    const result = await plotwright([
      'plot', '--data', csv, '--task', 'Bar chart of Density by Distance', '--library', 'plotly', '--visual-check',
      '--base-url', mock.baseUrl, '--model', 'mock-model', '--out', join(out, 'bar.png'), '--json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.equal(json.ok, true);
    assert.deepEqual(
      json.attempts.map((a: { kind?: string; visualVerdict?: string }) => `${a.kind ?? 'plot'}:${a.visualVerdict ?? ''}`),
      ['plot:', 'visual-check:corrected'],
    );
    assert.equal(json.visualCheck.verdict, 'corrected');
    assert.match(json.code, /px\.bar/);
    const png = imageIn(mock.chatRequests()[1].body);
    assert.ok(png && png.subarray(1, 4).toString() === 'PNG' && png.length > 5000, 'the check did not carry the rendered figure');
    assert.ok(existsSync(json.pngPath) && readFileSync(json.pngPath).length > 5000);
  });

  it('keeps the plot and says so in one line when the model takes no images', async () => {
    mock.enqueue(
      { content: answer('import matplotlib.pyplot as plt\nplt.bar(df["Distance"], df["Density"])\nplt.show()') },
      { status: 400, body: openAIError('This model does not support image input.') },
    );
    const result = await plotwright([
      'plot', '--data', csv, '--task', 'Bar chart of Density by Distance', '--visual-check',
      '--base-url', mock.baseUrl, '--model', 'text-only', '--out', join(out, 'text.png'),
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Plot written to .*text\.png\nVisual check: text-only does not accept images, so the visual check was skipped and the plot is kept\.\n$/);
  });

  it('sends no image without --visual-check, and rejects rounds without it', async () => {
    mock.enqueue({ content: answer('import matplotlib.pyplot as plt\nplt.bar(df["Distance"], df["Density"])\nplt.show()') });
    const result = await plotwright(['plot', '--data', csv, '--task', 'Bar chart', '--base-url', mock.baseUrl, '--out', join(out, 'off.png'), '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(mock.chatRequests().length, 1);
    assert.equal(JSON.parse(result.stdout).visualCheck, undefined);
    const usage = await plotwright(['plot', '--data', csv, '--task', 'Bar chart', '--visual-check-rounds', '2']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--visual-check-rounds needs --visual-check/);
  });
});

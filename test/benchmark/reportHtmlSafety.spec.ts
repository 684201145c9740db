// report.html reads results.jsonl and summary.json, which anyone who can write the folder can tamper
// with: a tampered line must not embed another file, and no field may inject markup.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { folderReportFile } from '../../benchmark/compareReport.js';
import { confinedImagePath, NONCE_PLACEHOLDER, renderReportHtml } from '../../benchmark/reportHtml.js';

const PNG_HEAD = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
// Recognisable bytes: if they show up base64-encoded in the page, the file was embedded.
const OUTSIDE_PNG = Buffer.concat([PNG_HEAD, Buffer.from('OUTSIDE-SECRET-PNG-CONTENT-0123456789')]);
const PRIVATE_KEY = Buffer.from('-----BEGIN OPENSSH PRIVATE KEY----- not-really');
const GOOD_PNG = Buffer.concat([PNG_HEAD, Buffer.from('GOOD-PLOT-PNG-CONTENT-abcdefghij')]);

function record(id: number, extra: Record<string, unknown>): string {
  return JSON.stringify({
    id,
    repeat: 0,
    library: 'matplotlib',
    code: 'plt.plot()',
    hasPlot: true,
    error: null,
    wrongLibrary: false,
    timings: { generateMs: 1, executeMs: 1, judgeMs: null },
    usage: { generate: { promptTokens: 1, completionTokens: 1 }, judge: null },
    scores: { visual: null, task: null, pixel: null },
    judgeErrors: [],
    ...extra,
  });
}

describe('report.html of a tampered results folder', () => {
  let root: string;
  let dir: string;
  let outsidePng: string;
  let html: string;

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'pw-report-safety-'));
    dir = join(root, 'results');
    mkdirSync(join(dir, 'plots'), { recursive: true });
    mkdirSync(join(dir, 'gt'), { recursive: true });
    outsidePng = join(root, 'outside.png');
    writeFileSync(outsidePng, OUTSIDE_PNG);
    writeFileSync(join(root, 'id_rsa'), PRIVATE_KEY);
    writeFileSync(join(dir, 'plots', '1-0.png'), GOOD_PNG);
    symlinkSync(outsidePng, join(dir, 'plots', '5-0.png'));
    writeFileSync(join(dir, 'plots', '6-0.png'), PRIVATE_KEY);
    const lines = [
      record(1, { plot: 'plots/1-0.png', task: 'a fine task' }),
      record(2, { plot: outsidePng }),
      record(3, { plot: '../outside.png' }),
      record(4, { plot: 'plots/../../id_rsa' }),
      record(5, { plot: 'plots/5-0.png' }),
      record(6, { plot: 'plots/6-0.png' }),
      record(7, { plot: { toString: 'x' }, task: ['<marquee>'], note: '<img src=x onerror=alert(1)>', library: '"><script>alert(2)</script>' }),
    ];
    writeFileSync(join(dir, 'results.jsonl'), `${lines.join('\n')}\n`);
    writeFileSync(
      join(dir, 'summary.json'),
      JSON.stringify({
        model: '<script>alert(3)</script>',
        library: 'matplotlib',
        taskVariant: 'full',
        descriptor: 'head',
        items: '<img src=x onerror=alert(4)>',
        repeats: '<svg onload=alert(5)>',
        incorrectCodePct: '<blink>',
        errorPct: 0,
        wrongLibrary: '<iframe src=x>',
        judgeErrors: '<object data=x>',
        timePerItemS: 1,
        visual: { mean: 1, std: 0, goodRatio: 0 },
        task: { mean: '<u>', std: 0, goodRatio: 0 },
      }),
    );
    html = renderReportHtml(dir);
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  it('embeds the PNG of the folder', () => {
    assert.ok(html.includes(GOOD_PNG.toString('base64')));
  });

  it('embeds no file outside the folder: absolute, ../, through a symlink, or not a PNG', () => {
    assert.equal(html.includes(OUTSIDE_PNG.toString('base64')), false);
    assert.equal(html.includes(PRIVATE_KEY.toString('base64')), false);
    assert.equal(html.match(/data:image\/png;base64,/g)?.length, 1);
    for (const path of [outsidePng, '../outside.png', 'plots/../../id_rsa', 'plots/5-0.png', 'plots/6-0.png', '/etc/passwd']) {
      assert.equal(confinedImagePath(dir, path), undefined, path);
    }
    assert.ok(confinedImagePath(dir, 'plots/1-0.png'));
  });

  it('escapes every field of results.jsonl and summary.json', () => {
    const body = html.slice(html.indexOf('<body>'));
    for (const injected of ['<script>alert', '<img src=x', '<svg', '<iframe', '<object', '<u>', '<marquee>', '<blink>']) {
      assert.equal(body.includes(injected), false, injected);
    }
    // The only script is the report's own, with the nonce.
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.ok(body.includes('&lt;script&gt;alert(3)'));
  });

  it('report.html gets a fresh random nonce each time', () => {
    const first = folderReportFile(dir);
    const second = folderReportFile(dir);
    const nonce = (page: string) => /script-src 'nonce-([^']+)'/.exec(page)?.[1];
    assert.ok(nonce(first) && nonce(first)!.length >= 16);
    assert.notEqual(nonce(first), nonce(second));
    assert.equal(first.includes(NONCE_PLACEHOLDER), false);
    assert.equal(first.includes("nonce-plotwright'"), false);
  });
});

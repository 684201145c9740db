// --position-check: on a deterministic share of the items the visual judge is also asked with the
// generated chart first, under a prompt that says so; the summary reports the mean difference and n.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pngDataUrl, visualJudgeMessages, visualSwappedJudgeMessages } from '../../benchmark/judge.js';
import { positionCheckSelected } from '../../benchmark/positionCheck.js';
import { runBenchmark, type ResultLine } from '../../benchmark/runner.js';
import { loadPromptTemplates } from '../../src/core/prompts.js';
import type { ContentPart } from '../../src/llm/chatModel.js';
import { startMockOpenAI, type MockOpenAI } from '../support/mockOpenAI.js';
import { benchResponder, buildDataset, GOOD_CODE, GT_CODE, isJudgeRequest, mockModels, PYTHON, type FixtureItem } from './benchFixtures.js';

const ITEMS: FixtureItem[] = [1, 2, 3, 4, 5, 6].map((id) => ({ id, code: GOOD_CODE, gtCode: GT_CODE }));

describe('position check selection and prompt', () => {
  it('picks a deterministic share of the item ids', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => i);
    const picked = ids.filter((id) => positionCheckSelected(id, 0.2));
    assert.ok(picked.length > 150 && picked.length < 250, `${picked.length} of 1000`);
    assert.deepEqual(ids.filter((id) => positionCheckSelected(id, 0.2)), picked);
    assert.equal(ids.filter((id) => positionCheckSelected(id, 0)).length, 0);
    assert.equal(ids.filter((id) => positionCheckSelected(id, 1)).length, 1000);
    // A larger share keeps the items of a smaller one.
    assert.ok(picked.every((id) => positionCheckSelected(id, 0.5)));
  });

  it('shows the generated chart first and says so in the prompt', () => {
    const templates = loadPromptTemplates();
    const generated = Buffer.from('generated');
    const reference = Buffer.from('reference');
    const parts = (messages: ReturnType<typeof visualJudgeMessages>) => messages[0]!.content as ContentPart[];
    const swapped = parts(visualSwappedJudgeMessages(templates, generated, reference));
    const usual = parts(visualJudgeMessages(templates, generated, reference));
    const text = (p: ContentPart) => (p.type === 'text' ? p.text : p.image_url.url);
    assert.match(text(swapped[0]!), /first the GENERATED chart .*, then the REFERENCE chart/);
    assert.match(text(usual[0]!), /first the REFERENCE chart .*, then the GENERATED chart/);
    assert.deepEqual(swapped.slice(1).map(text), ['GENERATED chart:', pngDataUrl(generated), 'REFERENCE chart:', pngDataUrl(reference)]);
    assert.deepEqual(usual.slice(1).map(text), ['REFERENCE chart:', pngDataUrl(reference), 'GENERATED chart:', pngDataUrl(generated)]);
  });
});

describe('runBenchmark --position-check', { timeout: 300_000 }, () => {
  let mock: MockOpenAI;
  const root = mkdtempSync(join(tmpdir(), 'pw-position-'));

  before(async () => {
    const base = benchResponder(ITEMS, { visualScore: 80 });
    // A judge that favours whichever chart it sees second: 10 points less when the generated one comes first.
    mock = await startMockOpenAI({
      responder: (body, request) =>
        isJudgeRequest(body) && JSON.stringify(body.messages).includes('first the GENERATED chart') ? { content: 'Close.\nFINAL SCORE: 70' } : base(body, request),
    });
  });
  after(async () => {
    await mock?.close();
  });

  it('asks the swapped visual judge on the selected items only and reports the mean difference with n', async () => {
    const outDir = join(root, 'run');
    const { summary } = await runBenchmark({
      dataset: buildDataset(ITEMS),
      library: 'matplotlib',
      taskVariant: 'full',
      descriptor: 'head',
      ...mockModels(mock.baseUrl),
      judges: ['visual', 'task'],
      positionCheck: 0.5,
      concurrency: 2,
      kernels: 1,
      timeoutMs: 30_000,
      python: PYTHON,
      outDir,
      cacheDir: join(root, 'cache'),
    });
    const lines = readFileSync(join(outDir, 'results.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as ResultLine);
    const expected = ITEMS.map((i) => i.id).filter((id) => positionCheckSelected(id, 0.5));
    assert.ok(expected.length > 0 && expected.length < ITEMS.length, 'the fixture should select some items, not all');
    assert.deepEqual(
      lines.filter((r) => r.positionCheck).map((r) => r.id).sort(),
      expected,
    );
    for (const line of lines.filter((r) => r.positionCheck)) {
      assert.deepEqual(line.positionCheck, { swapped: 70, usual: 80, difference: -10 });
      // The usual score stays the usual judge's.
      assert.equal(line.scores.visual, 80);
    }
    assert.deepEqual(summary.positionBias, { n: expected.length, meanDifference: -10, meanAbsDifference: 10 });
    const markdown = readFileSync(join(outDir, 'summary.md'), 'utf8');
    assert.match(markdown, new RegExp(`position check of the visual judge \\(images swapped\\): mean difference swapped − usual -10\\.0, mean absolute difference 10\\.0 \\(n = ${expected.length}\\)`));
    assert.match(readFileSync(join(outDir, 'report.html'), 'utf8'), /<ul class="calibration"><li>position check of the visual judge/);
    const run = JSON.parse(readFileSync(join(outDir, 'run.json'), 'utf8')) as { positionCheck?: number };
    assert.equal(run.positionCheck, 0.5);
  });
});

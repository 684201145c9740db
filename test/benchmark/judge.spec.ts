import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJudgeScore, PlotJudge } from '../../benchmark/judge.js';
import { compareCells, compareDimension } from '../../benchmark/compare.js';
import { loadPromptTemplates } from '../../src/core/prompts.js';
import type { ChatMessage, ChatModel, ChatOptions, ChatResponse } from '../../src/llm/chatModel.js';
import { LlmError } from '../../src/llm/errors.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

class FakeModel implements ChatModel {
  readonly model = 'fake-judge';
  calls: Array<{ messages: ChatMessage[]; options?: ChatOptions }> = [];
  constructor(private readonly answer: string | Error) {}
  async complete(messages: ChatMessage[], options?: ChatOptions): Promise<ChatResponse> {
    this.calls.push({ messages, options });
    if (this.answer instanceof Error) {
      throw this.answer;
    }
    return { text: this.answer, usage: { promptTokens: 10, completionTokens: 5 }, model: this.model, latencyMs: 1, retries: 0 };
  }
}

describe('parseJudgeScore', () => {
  it('reads the final line in its usual shapes', () => {
    assert.equal(parseJudgeScore('Reasoning.\nFINAL SCORE: 85'), 85);
    assert.equal(parseJudgeScore('Reasoning.\n**FINAL SCORE:** 70'), 70);
    assert.equal(parseJudgeScore('[FINAL SCORE]: 40'), 40);
    assert.equal(parseJudgeScore('Final score: 55/100.'), 55);
    assert.equal(parseJudgeScore('final score = 100'), 100);
    assert.equal(parseJudgeScore('FINAL SCORE: 0'), 0);
    assert.equal(parseJudgeScore('FINAL SCORE: 12.5'), 12.5);
  });

  it('takes the last score line when there are several', () => {
    assert.equal(parseJudgeScore('FINAL SCORE: 10\nOn reflection:\nFINAL SCORE: 60'), 60);
  });

  it('rejects answers without a usable score', () => {
    assert.equal(parseJudgeScore('Looks great, 90 out of 100.'), null);
    assert.equal(parseJudgeScore('FINAL SCORE: <0-100>'), null);
    assert.equal(parseJudgeScore('FINAL SCORE: 150'), null);
    assert.equal(parseJudgeScore('FINAL SCORE: -5'), null);
    assert.equal(parseJudgeScore(''), null);
  });
});

describe('PlotJudge', () => {
  const templates = loadPromptTemplates();

  it('sends both images as PNG data URLs at temperature 0 and returns the score', async () => {
    const model = new FakeModel('Same chart.\nFINAL SCORE: 77');
    const verdict = await new PlotJudge(model, templates).visual(PNG, PNG);
    assert.equal(verdict.score, 77);
    assert.equal(verdict.error, undefined);
    assert.equal(model.calls[0].options?.temperature, 0);
    const parts = model.calls[0].messages[0].content as Array<{ type: string; image_url?: { url: string } }>;
    assert.equal(parts.filter((p) => p.type === 'image_url').length, 2);
    assert.ok(parts.every((p) => p.type !== 'image_url' || p.image_url?.url.startsWith('data:image/png;base64,')));
  });

  it('puts the task text in the task prompt', async () => {
    const model = new FakeModel('FINAL SCORE: 91');
    const verdict = await new PlotJudge(model, templates).task(PNG, 'Plot prices by region as bars.');
    assert.equal(verdict.score, 91);
    const parts = model.calls[0].messages[0].content as Array<{ type: string; text?: string }>;
    assert.ok(parts.some((p) => p.text?.includes('Plot prices by region as bars.')));
  });

  it('an unparsable answer is a judge error with a null score, not 0', async () => {
    const verdict = await new PlotJudge(new FakeModel('I like it a lot.'), templates).task(PNG, 'x');
    assert.equal(verdict.score, null);
    assert.match(verdict.error ?? '', /unparsable judge answer/);
    assert.equal(verdict.answer, 'I like it a lot.');
  });

  it('a failed request is a judge error', async () => {
    const verdict = await new PlotJudge(new FakeModel(new LlmError('unreachable', 'connect ECONNREFUSED')), templates).visual(PNG, PNG);
    assert.equal(verdict.score, null);
    assert.match(verdict.error ?? '', /judge request failed \(unreachable\)/);
  });
});

describe('compare grid', () => {
  it('rows vary along the first dimension with several values', () => {
    assert.equal(compareDimension({ models: ['a', 'b'], libraries: ['plotly'] }), 'model');
    assert.equal(compareDimension({ models: ['a'], libraries: ['plotly', 'seaborn'] }), 'library');
    assert.equal(compareDimension({ descriptors: ['head'] }), 'descriptor');
    assert.throws(() => compareDimension({}));
  });

  it('one cell per combination, each with its own folder', () => {
    const cells = compareCells(
      { models: ['m/1', 'm2'], libraries: ['matplotlib', 'plotly'] },
      { model: 'x', library: 'seaborn', taskVariant: 'full', descriptor: 'head' },
    );
    assert.equal(cells.length, 4);
    assert.equal(new Set(cells.map((c) => c.dir)).size, 4);
    assert.ok(cells.every((c) => !c.dir.includes('/')));
  });
});

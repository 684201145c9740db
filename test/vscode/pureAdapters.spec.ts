// The extension's vscode-free pieces: output mapping, chat prompt parsing, outcome wording.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generatePlot, type PlotOutcome } from '../../src/core/plotEngine.js';
import { loadPromptTemplates } from '../../src/core/prompts.js';
import type { ChatResponse } from '../../src/llm/chatModel.js';
import { parseChatPrompt } from '../../src/vscode/chatPrompt.js';
import { outcomeSummary } from '../../src/vscode/outcomeSummary.js';
import { streamText } from '../../src/kernel/kernel.js';
import { resultFromOutputs, toKernelOutputs } from '../../src/vscode/outputs.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('toKernelOutputs', () => {
  it('prefers the image over its text fallback, and keeps streams', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47]);
    const outputs = toKernelOutputs([
      { mime: 'text/plain', data: bytes('<Figure size 640x480>') },
      { mime: 'image/png', data: png },
    ]);
    assert.deepEqual(outputs, [{ kind: 'image', data: Buffer.from(png).toString('base64') }]);
    assert.deepEqual(toKernelOutputs([{ mime: 'application/vnd.code.notebook.stdout', data: bytes('hi\n') }]), [
      { kind: 'stream', name: 'stdout', text: 'hi\n' },
    ]);
    assert.equal(streamText(toKernelOutputs([{ mime: 'application/x.notebook.stream.stdout', data: bytes('x') }])), 'x');
  });

  it('reads plotly figures and errors', () => {
    const [plotly] = toKernelOutputs([{ mime: 'application/vnd.plotly.v1+json', data: bytes('{"data":[{"type":"bar"}]}') }]);
    assert.deepEqual(plotly, { kind: 'plotly', figure: { data: [{ type: 'bar' }] } });
    const error = toKernelOutputs([
      {
        mime: 'application/vnd.code.notebook.error',
        data: bytes(JSON.stringify({ name: 'KeyError', message: "'x'", stack: '\u001b[31mKeyError\u001b[0m\nline 2' })),
      },
    ]);
    const result = resultFromOutputs(error, 5);
    assert.equal(result.status, 'error');
    assert.deepEqual(result.error, { ename: 'KeyError', evalue: "'x'", traceback: ['KeyError', 'line 2'] });
    assert.equal(resultFromOutputs([], 1).status, 'ok');
    assert.equal(resultFromOutputs([], 1, 'timeout').status, 'timeout');
  });
});

describe('parseChatPrompt', () => {
  it('reads "variable: task" and a bare task', () => {
    assert.deepEqual(parseChatPrompt('df: histogram of price by region'), { variable: 'df', task: 'histogram of price by region' });
    assert.deepEqual(parseChatPrompt('  sales_2024 : bars\nper month'), { variable: 'sales_2024', task: 'bars\nper month' });
    assert.deepEqual(parseChatPrompt('histogram of price'), { task: 'histogram of price' });
    assert.deepEqual(parseChatPrompt('price by region: a box plot'), { task: 'price by region: a box plot' });
  });
});

describe('outcomeSummary', () => {
  const base = { ok: true, wrongLibrary: false, attempts: [{}], error: undefined } as unknown as PlotOutcome;
  it('words each ending', () => {
    assert.equal(outcomeSummary(base), 'ok');
    assert.equal(outcomeSummary({ ...base, attempts: [{}, {}] } as PlotOutcome), 'ok after 1 repair(s)');
    assert.equal(outcomeSummary({ ...base, wrongLibrary: true }), 'wrong library');
    assert.equal(
      outcomeSummary({ ...base, ok: false, attempts: [{}, {}, {}], error: 'KeyError: x' } as PlotOutcome),
      'failed after 2 repair(s): KeyError: x',
    );
  });
});

describe('a figure whose drawing raises, in a notebook cell', () => {
  it('is the outcome\'s error with its traceback, and the repair prompt gets it', async () => {
    // What the Jupyter extension gives for such a cell: IPython's callback notice and the error output.
    const stack = [
      'TypeError                                 Traceback (most recent call last)',
      'File /usr/lib/python3/dist-packages/mpl_toolkits/axisartist/grid_finder.py:174, in GridFinder._get_raw_grid_lines()',
      '--> 174     lon_values, lon_factor = self.grid_locator1(lon_min, lon_max)',
      'TypeError: MaxNLocator.__call__() takes 1 positional argument but 3 were given',
    ].join('\n');
    const cell = resultFromOutputs(
      toKernelOutputs([
        { mime: 'application/vnd.code.notebook.stdout', data: bytes('Error in callback <function flush_figures> (for post_execute):\n') },
        { mime: 'application/vnd.code.notebook.error', data: bytes(JSON.stringify({ name: 'TypeError', message: 'MaxNLocator.__call__() takes 1 positional argument but 3 were given', stack })) },
      ]),
      40,
    );
    assert.equal(cell.status, 'error');
    const sent: string[] = [];
    const answers = ['```python\nax.plot(df.x)\n```', '```python\nax.plot(df.x)\n```'];
    const model = {
      model: 'scripted',
      complete: async (messages: Array<{ content: unknown }>): Promise<ChatResponse> => {
        sent.push(String(messages[messages.length - 1].content));
        return { text: answers.shift() ?? '', usage: { promptTokens: 1, completionTokens: 1 }, model: 'scripted', latencyMs: 1, retries: 0 };
      },
    };
    const outcome = await generatePlot(model, loadPromptTemplates(), { run: async () => cell }, {
      library: 'matplotlib',
      task: 'plot x',
      variable: 'df',
      dataDescription: 'df: x',
      versions: {},
      maxRepairs: 1,
      timeoutMs: 1000,
    });
    assert.match(outcomeSummary(outcome), /^failed after 1 repair\(s\): TypeError: MaxNLocator.__call__\(\) takes 1 positional argument but 3 were given$/);
    assert.match(outcome.traceback ?? '', /grid_locator1\(lon_min, lon_max\)\nTypeError: MaxNLocator/);
    assert.match(sent[1], /TypeError: MaxNLocator/);
    assert.doesNotMatch(sent[1], /drew no figure/);
  });
});


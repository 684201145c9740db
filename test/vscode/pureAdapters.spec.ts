// The extension's vscode-free pieces: output mapping, chat prompt parsing, outcome wording.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlotOutcome } from '../../src/core/plotEngine.js';
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

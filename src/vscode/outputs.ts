// Notebook and Jupyter-API output items → the engine's KernelOutput (no vscode import: unit-tested as is).
import { stripAnsi } from '../core/plotEngine.js';
import type { ExecutionResult, KernelError, KernelOutput } from '../kernel/kernel.js';

export interface OutputItemLike {
  mime: string;
  data: Uint8Array;
}

const STDOUT = new Set(['application/vnd.code.notebook.stdout', 'application/x.notebook.stream.stdout']);
const STDERR = new Set(['application/vnd.code.notebook.stderr', 'application/x.notebook.stream.stderr']);
const ERROR = 'application/vnd.code.notebook.error';
const PLOTLY = 'application/vnd.plotly.v1+json';

const decoder = new TextDecoder();

export function errorFromItem(data: Uint8Array): KernelError {
  try {
    const parsed = JSON.parse(decoder.decode(data)) as { name?: string; message?: string; stack?: string };
    return {
      ename: parsed.name ?? 'Error',
      evalue: parsed.message ?? '',
      traceback: stripAnsi(parsed.stack ?? '').split('\n'),
    };
  } catch {
    return { ename: 'Error', evalue: decoder.decode(data), traceback: [] };
  }
}

/** One output's items: the richest representation wins (an image over its text/plain fallback). */
export function toKernelOutputs(items: readonly OutputItemLike[]): KernelOutput[] {
  const outputs: KernelOutput[] = [];
  const png = items.find((i) => i.mime === 'image/png');
  const plotly = items.find((i) => i.mime === PLOTLY);
  if (plotly) {
    outputs.push({ kind: 'plotly', figure: JSON.parse(decoder.decode(plotly.data)) as Record<string, unknown> });
  } else if (png) {
    outputs.push({ kind: 'image', data: Buffer.from(png.data).toString('base64') });
  }
  for (const item of items) {
    if (STDOUT.has(item.mime)) {
      outputs.push({ kind: 'stream', name: 'stdout', text: decoder.decode(item.data) });
    } else if (STDERR.has(item.mime)) {
      outputs.push({ kind: 'stream', name: 'stderr', text: decoder.decode(item.data) });
    } else if (item.mime === ERROR) {
      outputs.push({ kind: 'error', error: errorFromItem(item.data) });
    } else if (!png && !plotly && item.mime.startsWith('text/')) {
      outputs.push({ kind: 'text', mime: item.mime, text: decoder.decode(item.data) });
    }
  }
  return outputs;
}

/** The result of running a cell, from its outputs. */
export function resultFromOutputs(
  outputs: readonly KernelOutput[],
  durationMs: number,
  status?: ExecutionResult['status'],
): ExecutionResult {
  const error = outputs.find((o): o is Extract<KernelOutput, { kind: 'error' }> => o.kind === 'error')?.error;
  return { status: status ?? (error ? 'error' : 'ok'), outputs: [...outputs], error, durationMs, restarted: false };
}

// Reads and writes .ipynb (nbformat 4) for the `jupyter-notebook` notebook type. VS Code's built-in
// ipynb extension normally does this; the stand-in registers its own only when that one is absent,
// so a test can run either way.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { ERROR_MIME, STDERR_MIME, STDOUT_MIME, isJsonMime } from './mimes.js';

type MultilineString = string | string[];

interface NbOutputStream {
  output_type: 'stream';
  name: 'stdout' | 'stderr';
  text: MultilineString;
}
interface NbOutputData {
  output_type: 'display_data' | 'execute_result';
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  execution_count?: number | null;
}
interface NbOutputError {
  output_type: 'error';
  ename: string;
  evalue: string;
  traceback: string[];
}
type NbOutput = NbOutputStream | NbOutputData | NbOutputError;

interface NbCell {
  cell_type: 'code' | 'markdown' | 'raw';
  source: MultilineString;
  metadata?: Record<string, unknown>;
  id?: string;
  outputs?: NbOutput[];
  execution_count?: number | null;
  attachments?: unknown;
}

interface Nb {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: NbCell[];
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export class IpynbSerializer implements vscode.NotebookSerializer {
  deserializeNotebook(content: Uint8Array): vscode.NotebookData {
    const text = decoder.decode(content).trim();
    const nb: Nb = text ? (JSON.parse(text) as Nb) : { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] };
    if (nb.nbformat !== 4) {
      throw new Error(`Only nbformat 4 notebooks are supported (this one is nbformat ${String(nb.nbformat)}).`);
    }
    const language = notebookLanguage(nb);
    const data = new vscode.NotebookData((nb.cells ?? []).map((cell) => toCellData(cell, language)));
    data.metadata = { nbformat: nb.nbformat, nbformat_minor: nb.nbformat_minor, metadata: nb.metadata ?? {} };
    return data;
  }

  serializeNotebook(data: vscode.NotebookData): Uint8Array {
    const meta = (data.metadata ?? {}) as { nbformat_minor?: number; metadata?: Record<string, unknown> };
    const minor = meta.nbformat_minor ?? 5;
    const nb: Nb = {
      nbformat: 4,
      nbformat_minor: minor,
      metadata: meta.metadata ?? { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
      cells: data.cells.map((cell) => fromCellData(cell, minor >= 5)),
    };
    return encoder.encode(JSON.stringify(nb, null, 1) + '\n');
  }
}

function notebookLanguage(nb: Nb): string {
  const info = nb.metadata?.language_info as { name?: string } | undefined;
  const spec = nb.metadata?.kernelspec as { language?: string } | undefined;
  return info?.name ?? spec?.language ?? 'python';
}

function joinSource(source: MultilineString | undefined): string {
  return Array.isArray(source) ? source.join('') : (source ?? '');
}

/** nbformat's multiline form: lines keep their newline, the last one has none. */
function splitSource(text: string): string[] {
  return text.split(/(?<=\n)/).filter((line) => line.length > 0);
}

function toCellData(cell: NbCell, language: string): vscode.NotebookCellData {
  const source = joinSource(cell.source);
  const kind = cell.cell_type === 'markdown' ? vscode.NotebookCellKind.Markup : vscode.NotebookCellKind.Code;
  const languageId = cell.cell_type === 'markdown' ? 'markdown' : cell.cell_type === 'raw' ? 'raw' : language;
  const data = new vscode.NotebookCellData(kind, source, languageId);
  data.metadata = {
    cellType: cell.cell_type,
    ...(cell.id ? { id: cell.id } : {}),
    metadata: cell.metadata ?? {},
    ...(cell.attachments ? { attachments: cell.attachments } : {}),
  };
  if (cell.cell_type === 'code') {
    data.outputs = (cell.outputs ?? []).map(toCellOutput);
    if (typeof cell.execution_count === 'number') {
      data.executionSummary = { executionOrder: cell.execution_count };
    }
  }
  return data;
}

function toCellOutput(output: NbOutput): vscode.NotebookCellOutput {
  switch (output.output_type) {
    case 'stream': {
      const text = joinSource(output.text);
      const item = output.name === 'stderr' ? vscode.NotebookCellOutputItem.stderr(text) : vscode.NotebookCellOutputItem.stdout(text);
      return new vscode.NotebookCellOutput([item], { outputType: 'stream' });
    }
    case 'error': {
      const error = { name: output.ename, message: output.evalue, stack: (output.traceback ?? []).join('\n') };
      return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error(error)], {
        outputType: 'error',
        originalError: output,
      });
    }
    default: {
      const items = Object.entries(output.data ?? {}).map(([mime, value]) => dataItem(mime, value));
      return new vscode.NotebookCellOutput(items, {
        outputType: output.output_type,
        metadata: output.metadata ?? {},
        ...(output.output_type === 'execute_result' ? { executionCount: output.execution_count ?? null } : {}),
      });
    }
  }
}

function dataItem(mime: string, value: unknown): vscode.NotebookCellOutputItem {
  if (mime.startsWith('image/') && mime !== 'image/svg+xml' && typeof value === 'string') {
    return new vscode.NotebookCellOutputItem(Buffer.from(value.replace(/\s/g, ''), 'base64'), mime);
  }
  if (isJsonMime(mime) && typeof value !== 'string') {
    return vscode.NotebookCellOutputItem.text(JSON.stringify(value), mime);
  }
  return vscode.NotebookCellOutputItem.text(joinSource(value as MultilineString), mime);
}

function fromCellData(cell: vscode.NotebookCellData, withIds: boolean): NbCell {
  const meta = (cell.metadata ?? {}) as { cellType?: string; id?: string; metadata?: Record<string, unknown>; attachments?: unknown };
  const cellType =
    cell.kind === vscode.NotebookCellKind.Markup ? 'markdown' : meta.cellType === 'raw' || cell.languageId === 'raw' ? 'raw' : 'code';
  const nbCell: NbCell = {
    cell_type: cellType,
    // nbformat 4.5 requires an id on every cell; cells added in the editor have none yet.
    ...(meta.id ? { id: meta.id } : withIds ? { id: randomUUID().replace(/-/g, '').slice(0, 12) } : {}),
    metadata: meta.metadata ?? {},
    source: splitSource(cell.value),
  };
  if (meta.attachments) {
    nbCell.attachments = meta.attachments;
  }
  if (cellType === 'code') {
    nbCell.execution_count = cell.executionSummary?.executionOrder ?? null;
    nbCell.outputs = (cell.outputs ?? []).flatMap(fromCellOutput);
  }
  return nbCell;
}

function fromCellOutput(output: vscode.NotebookCellOutput): NbOutput[] {
  const stream = output.items.filter((item) => item.mime === STDOUT_MIME || item.mime === STDERR_MIME);
  if (stream.length > 0) {
    return stream.map((item) => ({
      output_type: 'stream',
      name: item.mime === STDERR_MIME ? 'stderr' : 'stdout',
      text: splitSource(decoder.decode(item.data)),
    }));
  }
  const error = output.items.find((item) => item.mime === ERROR_MIME);
  if (error) {
    const original = output.metadata?.originalError as NbOutputError | undefined;
    if (original) {
      return [original];
    }
    const value = JSON.parse(decoder.decode(error.data)) as { name?: string; message?: string; stack?: string };
    return [{ output_type: 'error', ename: value.name ?? 'Error', evalue: value.message ?? '', traceback: (value.stack ?? '').split('\n') }];
  }
  const data: Record<string, unknown> = {};
  for (const item of output.items) {
    if (item.mime.startsWith('image/') && item.mime !== 'image/svg+xml') {
      data[item.mime] = Buffer.from(item.data).toString('base64');
    } else if (isJsonMime(item.mime)) {
      data[item.mime] = JSON.parse(decoder.decode(item.data)) as unknown;
    } else {
      data[item.mime] = splitSource(decoder.decode(item.data));
    }
  }
  const outputType = output.metadata?.outputType === 'execute_result' ? 'execute_result' : 'display_data';
  const metadata = (output.metadata?.metadata as Record<string, unknown> | undefined) ?? {};
  return [
    outputType === 'execute_result'
      ? { output_type: outputType, data, metadata, execution_count: (output.metadata?.executionCount as number | null) ?? null }
      : { output_type: outputType, data, metadata },
  ];
}

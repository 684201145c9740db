// Turns the headless kernel's outputs into notebook cell outputs, shaped like the ones the real
// Jupyter extension makes (and hands to API callers): one output per Jupyter message, PNG as bytes,
// Plotly as JSON, errors as NotebookCellOutputItem.error.
import * as vscode from 'vscode';
import type { ExecutionResult, KernelError, KernelOutput } from '../../../../src/kernel/kernel.js';
import { PLOTLY_MIME } from './mimes.js';

export function cellOutputs(result: ExecutionResult): vscode.NotebookCellOutput[] {
  const outputs = result.outputs.map(cellOutput);
  // A timeout, crash or cancel has no error message from Python; show the kernel's own explanation.
  if (result.status !== 'ok' && result.error && !result.outputs.some((o) => o.kind === 'error')) {
    outputs.push(errorOutput(result.error));
  }
  return outputs;
}

function cellOutput(output: KernelOutput): vscode.NotebookCellOutput {
  switch (output.kind) {
    case 'stream': {
      const item = output.name === 'stderr' ? vscode.NotebookCellOutputItem.stderr(output.text) : vscode.NotebookCellOutputItem.stdout(output.text);
      return new vscode.NotebookCellOutput([item], { outputType: 'stream' });
    }
    case 'image':
      return new vscode.NotebookCellOutput([new vscode.NotebookCellOutputItem(Buffer.from(output.data, 'base64'), 'image/png')], {
        outputType: 'display_data',
      });
    case 'plotly':
      return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.json(output.figure, PLOTLY_MIME)], {
        outputType: 'display_data',
      });
    case 'text':
      return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.text(output.text, output.mime)], {
        outputType: 'display_data',
      });
    case 'error':
      return errorOutput(output.error);
  }
}

function errorOutput(error: KernelError): vscode.NotebookCellOutput {
  const item = vscode.NotebookCellOutputItem.error({ name: error.ename, message: error.evalue, stack: error.traceback.join('\n') });
  return new vscode.NotebookCellOutput([item], {
    outputType: 'error',
    originalError: { output_type: 'error', ename: error.ename, evalue: error.evalue, traceback: error.traceback },
  });
}

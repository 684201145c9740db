// The kernel interface the engine, the benchmark and the extension share. Implementations: the headless
// Jupyter kernel (CLI, benchmark) and, in the extension, the notebook's own kernel.
import type { MatplotlibFigureSummary } from './figureSummary.js';

export interface KernelError {
  ename: string;
  evalue: string;
  /** Traceback lines with ANSI colour codes removed. */
  traceback: string[];
}

export type KernelOutput =
  | { kind: 'stream'; name: 'stdout' | 'stderr'; text: string }
  /** A PNG image, base64 as Jupyter sends it. */
  | { kind: 'image'; data: string }
  /** A Plotly figure as `application/vnd.plotly.v1+json` ({data, layout, ...}). */
  | { kind: 'plotly'; figure: PlotlyFigureJson }
  /** Any other rich output, by MIME type (text/plain, text/html, ...). */
  | { kind: 'text'; mime: string; text: string }
  | { kind: 'error'; error: KernelError };

export interface PlotlyFigureJson {
  data?: unknown[];
  layout?: Record<string, unknown>;
  [key: string]: unknown;
}

export type ExecutionStatus = 'ok' | 'error' | 'timeout' | 'died' | 'cancelled';

export interface ExecutionResult {
  status: ExecutionStatus;
  outputs: KernelOutput[];
  /** Set when status is 'error' (a Python exception), and for 'timeout'/'died'/'cancelled' with a readable message. */
  error?: KernelError;
  /** Wall time from sending the request to having every output, measured in Node. */
  durationMs: number;
  /** Time the user's code took, measured inside Python (undefined where the kernel cannot say). */
  kernelMs?: number;
  /** True when the kernel was restarted to recover (a timeout it ignored, or a crash): its state is gone. */
  restarted: boolean;
  /** What each Matplotlib figure the code drew contains (figure_summary.py); absent where the kernel cannot say. */
  figures?: MatplotlibFigureSummary[];
}

export interface ExecuteOptions {
  /** Interrupt after this long; restart the kernel if the interrupt does not stop it. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * After the code, display figures it created but never showed (open Matplotlib figures, figures
   * only passed to savefig, Plotly figures left in variables). Default true.
   */
  captureFigures?: boolean;
  /**
   * Summarize every Matplotlib figure drawn (`ExecutionResult.figures`, for plot lint and structure
   * scores). Default true; false leaves `figures` out and saves about a tenth of a small plot's time.
   */
  summarizeFigures?: boolean;
}

export interface CodeKernel {
  /** The kernel's working directory. */
  readonly cwd: string;
  execute(code: string, options?: ExecuteOptions): Promise<ExecutionResult>;
  /** A fresh interpreter in the same working directory. */
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

export function imageOutputs(result: ExecutionResult): string[] {
  return result.outputs.flatMap((o) => (o.kind === 'image' ? [o.data] : []));
}

export function plotlyOutputs(result: ExecutionResult): PlotlyFigureJson[] {
  return result.outputs.flatMap((o) => (o.kind === 'plotly' ? [o.figure] : []));
}

/** What the code printed to one stream, in order. */
export function streamText(outputs: readonly KernelOutput[], name: 'stdout' | 'stderr' = 'stdout'): string {
  return outputs.map((o) => (o.kind === 'stream' && o.name === name ? o.text : '')).join('');
}

export function hasPlot(result: ExecutionResult): boolean {
  return result.outputs.some((o) => o.kind === 'image' || o.kind === 'plotly');
}

/** Time the runner added on top of the kernel's own work (durationMs − kernelMs); undefined without kernelMs. */
export function runnerOverheadMs(result: ExecutionResult): number | undefined {
  return result.kernelMs === undefined ? undefined : result.durationMs - result.kernelMs;
}

// A kernel holding one DataFrame for a plotting session: loads it, describes it, and gives every
// attempt a fresh copy so that one attempt's mutations cannot leak into the next.
import {
  describeCode,
  parseDescription,
  type DataFrameDescription,
  type DescriptorMode,
  type DescribeLimits,
} from '../core/describe.js';
import type { AttemptRunner } from '../core/plotEngine.js';
import { formatKernelError } from '../core/plotEngine.js';
import { pythonString } from '../core/pythonString.js';
import { streamText, type CodeKernel, type ExecutionResult, type KernelError } from './kernel.js';

/** Where the loaded frame is kept, so that each attempt starts from a copy of it. */
export const ORIGINAL_FRAME = '_plotwright_original_frame';
const ORIGINAL = ORIGINAL_FRAME;

/** Python that gives an attempt a fresh copy of the frame and closes figures left by an earlier one. */
export function resetAttemptCode(variable: string): string {
  return (
    `${variable} = ${ORIGINAL}.copy()\n` +
    `import sys as _plotwright_sys\n` +
    `if "matplotlib.pyplot" in _plotwright_sys.modules:\n    _plotwright_sys.modules["matplotlib.pyplot"].close("all")\n` +
    `del _plotwright_sys`
  );
}

export class SetupError extends Error {
  constructor(
    message: string,
    readonly traceback?: string,
    /** The Python exception, when the setup code raised one. */
    readonly kernelError?: KernelError,
  ) {
    super(message);
  }
}


export { pythonString } from '../core/pythonString.js';

export function readCsvSetup(csvPath: string, variable = 'df'): string {
  return `import pandas as pd\n${variable} = pd.read_csv(${pythonString(csvPath)})`;
}

export class DataFrameSession implements AttemptRunner {
  private loaded = false;

  constructor(
    readonly kernel: CodeKernel,
    private readonly setupCode: string,
    readonly variable = 'df',
    private readonly setupTimeoutMs = 120_000,
  ) {}

  /** Runs the setup code and checks that it created the DataFrame. */
  async load(signal?: AbortSignal): Promise<void> {
    const result = await this.kernel.execute(this.setupCode, { timeoutMs: this.setupTimeoutMs, signal, captureFigures: false });
    if (result.status !== 'ok') {
      const detail = result.error ? formatKernelError(result.error, 2000) : result.status;
      const last = result.error ? `${result.error.ename}: ${result.error.evalue}` : result.status;
      throw new SetupError(`Loading the data failed: ${last}`, detail, result.error);
    }
    const check = await this.kernel.execute(
      `import pandas as _plotwright_pd\n` +
        `if not isinstance(globals().get(${pythonString(this.variable)}), _plotwright_pd.DataFrame):\n` +
        `    raise TypeError(${pythonString(`the setup code did not create a pandas DataFrame named '${this.variable}'`)})\n` +
        `${ORIGINAL} = ${this.variable}\ndel _plotwright_pd`,
      { timeoutMs: 30_000, signal, captureFigures: false },
    );
    if (check.status !== 'ok') {
      throw new SetupError(check.error ? check.error.evalue : `the setup check ended with status ${check.status}`);
    }
    this.loaded = true;
  }

  async describe(mode: DescriptorMode, options: { sampleRows?: boolean; limits?: DescribeLimits; signal?: AbortSignal } = {}): Promise<DataFrameDescription> {
    await this.ensureLoaded(options.signal);
    const result = await this.kernel.execute(describeCode(this.variable, mode, options), {
      timeoutMs: 60_000,
      signal: options.signal,
      captureFigures: false,
    });
    if (result.status !== 'ok') {
      throw new Error(`Describing '${this.variable}' failed: ${result.error ? formatKernelError(result.error, 1000) : result.status}`);
    }
    return parseDescription(streamText(result.outputs), this.variable, mode);
  }

  async run(code: string, _attempt: number, options: { timeoutMs: number; signal?: AbortSignal }): Promise<ExecutionResult> {
    await this.ensureLoaded(options.signal);
    // A fresh copy of the frame and no figures left from an earlier attempt.
    const reset = await this.kernel.execute(resetAttemptCode(this.variable), {
      timeoutMs: 30_000,
      signal: options.signal,
      captureFigures: false,
    });
    if (reset.status !== 'ok') {
      this.loaded = false;
      await this.ensureLoaded(options.signal);
    }
    const result = await this.kernel.execute(code, { timeoutMs: options.timeoutMs, signal: options.signal });
    if (result.restarted) {
      // The interpreter was replaced: the next attempt loads the data again.
      this.loaded = false;
    }
    return result;
  }

  private async ensureLoaded(signal?: AbortSignal): Promise<void> {
    if (!this.loaded) {
      await this.load(signal);
    }
  }
}

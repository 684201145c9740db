// A notebook cell runner that also brings back what the Matplotlib figures it drew contain, so plot lint
// sees Matplotlib and Seaborn figures in the notebook as it does in the CLI. Lint is advice: a failure
// here is logged and the cell's result is returned as it is.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AttemptRunner } from '../core/plotEngine.js';
import { collectFiguresCode, installFigureHookCode, parseCollectedFigures } from '../core/figureHookQueries.js';
import { findBridgeScript } from '../kernel/headlessKernel.js';
import { hasPlot, imageOutputs, streamText, type CodeKernel, type ExecutionResult } from '../kernel/kernel.js';
import type { PlotCellRunner } from './plotFlowPorts.js';

let figureSummarySource: string | undefined;

function figureSummaryCode(): string {
  figureSummarySource ??= readFileSync(join(dirname(findBridgeScript()), 'figure_summary.py'), 'utf8');
  return figureSummarySource;
}

export class FigureLintRunner implements PlotCellRunner {
  // Streaming passes through: only a runner that can show code as it arrives gets it.
  readonly stream?: (code: string, round: number) => void;
  readonly settle?: () => Promise<void>;

  constructor(
    private readonly inner: PlotCellRunner,
    private readonly kernel: () => Promise<CodeKernel>,
    private readonly queryTimeoutMs: number,
    private readonly log: { info(message: string): void },
  ) {
    if (inner.stream) {
      this.stream = (code, round) => inner.stream?.(code, round);
    }
    if (inner.settle) {
      this.settle = async () => inner.settle?.();
    }
  }

  get cell() {
    return this.inner.cell;
  }

  async run(code: string, attempt: number, options: Parameters<AttemptRunner['run']>[2]): Promise<ExecutionResult> {
    // The install prints nothing: '' is success, undefined a failure.
    const installed = (await this.query(installFigureHookCode(figureSummaryCode()), options.signal)) !== undefined;
    const result = await this.inner.run(code, attempt, options);
    if (!installed || result.status !== 'ok' || !hasPlot(result) || imageOutputs(result).length === 0) {
      return result;
    }
    const printed = await this.query(collectFiguresCode, options.signal);
    if (printed === undefined) {
      return result;
    }
    try {
      const figures = parseCollectedFigures(printed);
      this.log.info(`Plot lint: ${figures.length} Matplotlib figure(s) read from the kernel after attempt ${attempt}.`);
      return { ...result, figures };
    } catch (error) {
      this.log.info(`Plot lint: ${error instanceof Error ? error.message : String(error)}`);
      return result;
    }
  }

  /** The query's stdout, or undefined (logged) when it did not run cleanly. */
  private async query(code: string, signal?: AbortSignal): Promise<string | undefined> {
    if (signal?.aborted) {
      return undefined;
    }
    try {
      const kernel = await this.kernel();
      const result = await kernel.execute(code, { signal, timeoutMs: this.queryTimeoutMs, captureFigures: false });
      if (result.status !== 'ok') {
        this.log.info(`Plot lint: the figure query ended ${result.status}${result.error ? ` (${result.error.ename}: ${result.error.evalue})` : ''}.`);
        return undefined;
      }
      return streamText(result.outputs);
    } catch (error) {
      this.log.info(`Plot lint: the figure query failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }
}

// Refine Plot: a follow-up instruction changes a Plotwright cell's code in place. The request carries the
// cell's code as it is now, its last error (or plot-check findings), the DataFrame's description and the
// instruction; the answer streams into the same cell, asks the same consent and goes through the same
// repair loop. The cell's metadata keeps the text each refinement replaced (for Undo Refine).
// No vscode import at runtime: the ports come from PlotFlowDeps.
import type * as vscode from 'vscode';
import { CellConsent } from '../core/cellConsent.js';
import { formatDescription } from '../core/describe.js';
import { generatePlot, type PlotOutcome, type PlotStage } from '../core/plotEngine.js';
import { plotProvenance, previousFromCell, withRefinement, type PlotProvenance } from '../core/refinement.js';
import type { KernelOutput } from '../kernel/kernel.js';
import { NotRunError } from './flowErrors.js';
import { outcomeSummary } from './outcomeSummary.js';
import { toKernelOutputs } from './outputs.js';
import { kernelVersions, streamInto, type PlotFlow, type PlotRequestOptions } from './plotFlow.js';
import type { PlotFlowDeps } from './plotFlowPorts.js';
import { signalFrom } from './signal.js';
import { explainVisualCheckOff, visualCheckRounds } from './visualCheckSetting.js';

export interface RefineOptions {
  cell: vscode.NotebookCell;
  /** Asked for when absent. */
  instruction?: string;
  token: PlotRequestOptions['token'];
  progress?: (message: string) => void;
}

export interface RefineOutcome {
  cell: vscode.NotebookCell;
  instruction: string;
  outcome?: PlotOutcome;
  /** ok · failed after N repairs · inserted, not run · unchanged */
  summary: string;
  /** False when the cell kept its text (the model gave no code). */
  changed: boolean;
}

/** The cell Refine Plot was asked for is not one Plotwright made. */
export class NotAPlotCellError extends Error {
  constructor(index: number) {
    super(`Cell ${index + 1} was not made by Plotwright: Refine Plot changes cells that Plot DataFrame… or @plot inserted.`);
  }
}

export class RefineFlow {
  constructor(
    private readonly flow: PlotFlow,
    private readonly deps: PlotFlowDeps,
    /** Asks what to change; undefined when the user backed out. */
    private readonly askInstruction: (cellIndex: number, provenance: PlotProvenance) => Promise<string | undefined>,
  ) {}

  async refine(options: RefineOptions): Promise<RefineOutcome | undefined> {
    const { cell, token } = options;
    const notebook = cell.notebook;
    const provenance = plotProvenance(cell.metadata);
    if (!provenance) {
      throw new NotAPlotCellError(cell.index);
    }
    const instruction = (options.instruction ?? (await this.askInstruction(cell.index, provenance)))?.trim();
    if (!instruction) {
      return undefined;
    }
    const report = options.progress ?? (() => undefined);
    const signal = signalFrom(token);
    const settings = this.deps.settings(notebook);
    const kernel = await this.deps.kernels.kernelFor(notebook);
    const variable = await this.flow.pickDataFrame(kernel, provenance.variable, signal);
    if (!variable) {
      return undefined;
    }
    report('Describing the DataFrame…');
    const description = await this.flow.describe(kernel, variable, settings, signal);
    const environment = await this.flow.environment(notebook, kernel, signal);
    // Read now, as the user left it: edits since the plot was made are what gets refined.
    const original = cell.document.getText();
    const lastError = outputsOf(cell).find((o): o is Extract<KernelOutput, { kind: 'error' }> => o.kind === 'error')?.error;
    const previous = previousFromCell(original, lastError, provenance.lint);
    const model = await this.flow.modelFor(notebook, settings);
    const library = provenance.library;
    const refinements = withRefinement(provenance.refinements, { instruction, previousSource: original, at: new Date().toISOString() });
    const consent = new CellConsent<vscode.NotebookCell>(settings.runGeneratedCode, (target) =>
      this.deps.prompts.askRunConsent(`Plotwright rewrote cell ${target.index + 1} ("${clip(instruction)}"). Run it in your kernel? Its repairs will run too.`),
    );
    const cellRunner = this.deps.cells.runner({
      notebook,
      insertAt: cell.index,
      target: cell,
      header: { task: provenance.task, model: model.model, library, refinements: refinements.map((r) => r.instruction) },
      consent: settings.runGeneratedCode,
      askToRun: (target) => consent.mayRun(target),
    });
    // The same plot checks as a first plot: lint in the notebook and, when on, the visual check.
    const runner = this.flow.lintingRunner(cellRunner, notebook, library, undefined);
    const stageText: Record<PlotStage, string> = {
      'asking-model': `Asking ${model.model} to refine cell ${cell.index + 1}…`,
      running: 'Running the cell…',
      repairing: 'Repairing from the error…',
      'checking-figure': 'Showing the figure to the model…',
    };
    let outcome: PlotOutcome | undefined;
    let summary: string;
    try {
      outcome = await generatePlot(model, this.flow.templates, runner, {
        library,
        task: instruction,
        previous,
        variable,
        dataDescription: formatDescription(description),
        versions: kernelVersions(environment, library),
        maxRepairs: settings.maxRepairs,
        timeoutMs: this.deps.timeouts.runMs,
        visualCheckRounds: visualCheckRounds(settings),
        signal,
        onProgress: (stage, attempt) => report(`${stageText[stage]}${attempt > 0 ? ` (round ${attempt})` : ''}`),
        onCode: streamInto(runner),
      }).finally(() => runner.settle?.());
      explainVisualCheckOff(settings, outcome);
      summary = outcomeSummary(outcome);
    } catch (error) {
      if (!(error instanceof NotRunError)) {
        throw error;
      }
      summary = 'inserted, not run';
    }
    const target = runner.cell ?? cell;
    const changed = target.document.getText() !== original;
    if (!changed) {
      return { cell: target, instruction, outcome, summary: outcome ? `unchanged: ${summary}` : summary, changed };
    }
    const extra = { task: provenance.task, refinements };
    if (outcome) {
      await this.flow.recordProvenance(target, { task: provenance.task, model: model.model, library, variable, outcome }, extra);
    } else {
      // Not run: nothing new to record but the instruction and the text it replaced.
      const { lint: _unchecked, ...kept } = provenance;
      await this.deps.cells.recordProvenance(target, { ...kept, variable, model: model.model, ...extra });
    }
    return { cell: target, instruction, outcome, summary, changed };
  }
}

function outputsOf(cell: vscode.NotebookCell): KernelOutput[] {
  return cell.outputs.flatMap((output) => toKernelOutputs(output.items));
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 60 ? `${flat.slice(0, 59)}…` : flat;
}

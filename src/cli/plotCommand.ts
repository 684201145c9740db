// `plotwright plot`: a data file and a task in, a PNG and the code that drew it out.
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatDescription, type DescriptorMode } from '../core/describe.js';
import { formatKernelError, generatePlot, shortenTask, type PlotOutcome, type PlotStage } from '../core/plotEngine.js';
import type { LintFinding } from '../core/plotLint.js';
import type { VisualCheckReport } from '../core/visualCheck.js';
import { loadPromptTemplates, PLOT_LIBRARIES, TASK_DETAILS, type PlotLibrary, type PreviousCode, type TaskDetail } from '../core/prompts.js';
import { delimitedText, sniffTable, UnreadableFileError, type TableFormat } from '../core/tableFormat.js';
import { checkedRecords, describeReading, explainLoadError, pandasLoadCode } from '../core/tableReaders.js';
import { DataFrameSession, SetupError } from '../kernel/dataFrameSession.js';
import { HeadlessKernel } from '../kernel/headlessKernel.js';
import { imageOutputs, plotlyOutputs } from '../kernel/kernel.js';
import { PlotlyRenderer } from '../kernel/plotlyRenderer.js';
import { resolvePython } from '../kernel/python.js';
import type { TokenUsage } from '../llm/chatModel.js';
import { LlmError } from '../llm/errors.js';
import { createChatModel } from '../llm/openaiClient.js';
import { oneOf, positiveNumber, UsageError } from './usageError.js';

export const DEFAULT_MODEL = 'gpt-4o-mini';

const HELP = `Usage: plotwright plot --data <file> --task "<what to plot>" [--from-code <file.py>] [options]

  --data FILE            the data, loaded into \`df\` unless --setup is given: CSV, TSV or other delimited
                         text (delimiter, encoding and header row are detected), JSON lines, JSON, Parquet
  --task TEXT            what to plot, in words; with --from-code, the change to make
  --from-code FILE       refine this code (a plot made earlier, maybe edited) by --task instead of
                         starting afresh; it is run first, so the model also sees its error
  --setup FILE           Python code that creates \`df\` (default: the pandas call for the detected format)
  --library NAME         matplotlib | seaborn | plotly (default matplotlib)
  --detail LEVEL         full (the task as written) | short (2–3 sentences) | single (one sentence):
                         short and single first ask the model to shorten the task
  --descriptor MODE      how the data is described to the model: head | rich | none (default head)
  --model NAME           model name (default $PLOTWRIGHT_MODEL or ${DEFAULT_MODEL})
  --base-url URL         OpenAI-compatible endpoint (default $OPENAI_BASE_URL or OpenAI's)
  --api-key KEY          prefer $OPENAI_API_KEY: a key on the command line lands in shell history
  --max-repairs N        rounds of repair from the traceback (default 2); one of them may go to
                         plot-lint findings (an empty axes, an all-NaN series, overlapping labels ...)
  --visual-check         after the plot renders, show the model its PNG with the task: it accepts the
                         plot or answers with corrected code (needs a model that takes images)
  --visual-check-rounds N  how many times the model may look and correct (default 1)
  --timeout SECONDS      per execution of the code (default 60)
  --request-timeout S    per model request (default 120)
  --python PATH          Python with ipykernel, matplotlib, pandas (default $PLOTWRIGHT_PYTHON or python3)
  --out FILE             the plot (default plot.png); further figures get -2, -3 ... suffixes
  --code-out FILE        also write the final code there
  --json                 print one JSON object instead of text (plot-lint findings in "lint")
  -h, --help

Exit status: 0 when a plot was produced, 1 when none was, 2 for a usage error.`;

export interface PlotCommandResult {
  ok: boolean;
  library: PlotLibrary;
  model: string;
  task: string;
  code: string;
  attempts: Array<{ kind?: 'visual-check'; visualVerdict?: string; code: string; error?: string; traceback?: string; hasPlot: boolean; lint?: LintFinding[] }>;
  /** What the visual self-check did, when --visual-check was given and a plot rendered. */
  visualCheck?: VisualCheckReport;
  pngPath?: string;
  pngPaths?: string[];
  wrongLibrary?: boolean;
  usage: TokenUsage;
  timings: { llmMs: number; execMs: number };
  promptVersion?: string;
  /** How the data file was read, when not as plain UTF-8 comma-separated text with a header. */
  reading?: string;
  error?: string;
  /** Plot-lint findings on the final figure. */
  lint: LintFinding[];
  /** The last attempt's traceback, when its code raised (also when the figure raised while it was drawn). */
  traceback?: string;
  /** Where it failed when it did: the model, running the code, or turning a figure into PNG (not the code's fault). */
  stage?: 'generation' | 'execution' | 'rendering';
}

/** Files up to this size are checked whole before the kernel reads them; larger ones by their start. */
const MAX_CHECKED_BYTES = 256 * 1024 * 1024;
const SNIFF_BYTES = 4 * 1024 * 1024;

/** How pandas should read `path`, checked in full when the file is not huge. Throws UnreadableFileError. */
function readDataFormat(path: string, label: string): TableFormat {
  const size = statSync(path).size;
  let bytes: Buffer;
  if (size <= MAX_CHECKED_BYTES) {
    bytes = readFileSync(path);
  } else {
    bytes = Buffer.alloc(SNIFF_BYTES);
    const fd = openSync(path, 'r');
    try {
      readSync(fd, bytes, 0, SNIFF_BYTES, 0);
    } finally {
      closeSync(fd);
    }
  }
  const format = sniffTable(bytes, label);
  if (format.kind === 'delimited' && size <= MAX_CHECKED_BYTES) {
    checkedRecords(delimitedText(bytes, format), label, format);
  }
  return format;
}

function suffixed(path: string, index: number): string {
  return index === 0 ? path : path.replace(/(\.png)?$/i, `-${index + 1}.png`);
}

async function writeFigures(outcome: PlotOutcome, outPath: string, renderer: PlotlyRenderer): Promise<string[]> {
  // The attempt whose code is the answer (a lint-driven repair that lost the plot is not it).
  const last = [...outcome.attempts].reverse().find((a) => a.hasPlot && a.code === outcome.code) ?? outcome.attempts[outcome.attempts.length - 1];
  if (!last?.result) {
    return [];
  }
  const pngs: Buffer[] = imageOutputs(last.result).map((b64) => Buffer.from(b64, 'base64'));
  for (const figure of plotlyOutputs(last.result)) {
    pngs.push(await renderer.render(figure));
  }
  return pngs.map((png, index) => {
    const path = suffixed(outPath, index);
    writeFileSync(path, png);
    return path;
  });
}

export async function runPlotCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      data: { type: 'string' },
      task: { type: 'string' },
      'from-code': { type: 'string' },
      setup: { type: 'string' },
      library: { type: 'string' },
      detail: { type: 'string' },
      descriptor: { type: 'string' },
      model: { type: 'string' },
      'base-url': { type: 'string' },
      'api-key': { type: 'string' },
      'max-repairs': { type: 'string' },
      'visual-check': { type: 'boolean', default: false },
      'visual-check-rounds': { type: 'string' },
      timeout: { type: 'string' },
      'request-timeout': { type: 'string' },
      python: { type: 'string' },
      out: { type: 'string' },
      'code-out': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!values.data) {
    throw new UsageError('--data is required');
  }
  if (!values.task?.trim()) {
    throw new UsageError('--task is required');
  }
  const library = oneOf<PlotLibrary>('library', values.library, PLOT_LIBRARIES, 'matplotlib');
  const detail = oneOf<TaskDetail>('detail', values.detail, TASK_DETAILS, 'full');
  const descriptor = oneOf<DescriptorMode>('descriptor', values.descriptor, ['head', 'rich', 'none'], 'head');
  const maxRepairs = positiveNumber('max-repairs', values['max-repairs'], 2, { integer: true });
  const visualCheckRounds = values['visual-check'] ? positiveNumber('visual-check-rounds', values['visual-check-rounds'], 1, { integer: true }) : 0;
  if (values['visual-check-rounds'] !== undefined && !values['visual-check']) {
    throw new UsageError('--visual-check-rounds needs --visual-check');
  }
  const timeoutMs = positiveNumber('timeout', values.timeout, 60) * 1000;
  const requestTimeoutMs = positiveNumber('request-timeout', values['request-timeout'], 120) * 1000;
  const dataPath = resolve(values.data);
  const model = values.model ?? process.env.PLOTWRIGHT_MODEL ?? DEFAULT_MODEL;
  const outPath = resolve(values.out ?? 'plot.png');
  const json = values.json;

  const result: PlotCommandResult = {
    ok: false,
    library,
    model,
    task: values.task,
    code: '',
    attempts: [],
    usage: { promptTokens: 0, completionTokens: 0 },
    timings: { llmMs: 0, execMs: 0 },
    lint: [],
  };
  const report = (): number => {
    if (json) {
      console.log(JSON.stringify(result, null, 2));
    } else if (result.ok) {
      console.log(`Plot written to ${result.pngPaths?.join(', ')}`);
      if (result.wrongLibrary) {
        console.log(`Warning: ${result.error}`);
      }
      for (const finding of result.lint) {
        console.log(`Note (${finding.rule}): ${finding.message}`);
      }
      if (result.visualCheck) {
        console.log(`Visual check: ${result.visualCheck.message}`);
      }
    } else {
      console.error(`plotwright plot: ${result.error}`);
      if (result.traceback) {
        console.error(result.traceback);
      }
    }
    return result.ok ? 0 : 1;
  };
  const progress = (message: string) => {
    if (!json) {
      console.error(message);
    }
  };

  if (!existsSync(dataPath) || !statSync(dataPath).isFile()) {
    result.error = `The data file ${dataPath} does not exist.`;
    return report();
  }
  let format: TableFormat | undefined;
  if (!values.setup) {
    try {
      format = readDataFormat(dataPath, values.data);
    } catch (error) {
      if (!(error instanceof UnreadableFileError)) {
        throw error;
      }
      result.error = error.message;
      return report();
    }
    result.reading = describeReading(format);
    if (result.reading) {
      progress(`Reading ${values.data}: ${result.reading}.`);
    }
  }
  let previousCode: string | undefined;
  if (values['from-code']) {
    const codePath = resolve(values['from-code']);
    if (!existsSync(codePath) || !statSync(codePath).isFile()) {
      result.error = `The code file ${codePath} does not exist.`;
      return report();
    }
    previousCode = readFileSync(codePath, 'utf8');
    if (!previousCode.trim()) {
      throw new UsageError(`--from-code ${values['from-code']} is empty: give the code to change`);
    }
  }
  const setupCode = values.setup ? readFileSync(resolve(values.setup), 'utf8') : pandasLoadCode(dataPath, format!);
  const templates = loadPromptTemplates();
  result.promptVersion = templates.version;

  let chat;
  try {
    chat = createChatModel({ baseUrl: values['base-url'], apiKey: values['api-key'], model, timeoutMs: requestTimeoutMs });
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    return report();
  }

  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error('Interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const workDir = mkdtempSync(join(tmpdir(), 'plotwright-run-'));
  let kernel: HeadlessKernel | undefined;
  const renderer = new PlotlyRenderer();
  if (library === 'plotly') {
    // Starting Chromium and loading plotly.js takes seconds: do it while the model thinks.
    renderer.warmUp().catch(() => undefined);
  }
  try {
    const python = await resolvePython({ explicit: values.python });
    progress(`Starting a Python kernel (${python.path})…`);
    // Its own PID namespace (where Linux allows): /proc does not show this process, whose environment holds the key.
    kernel = await HeadlessKernel.start({ python: python.path, cwd: workDir, containment: { hidePaths: [], keepNetwork: true } });
    const session = new DataFrameSession(kernel, setupCode);
    progress('Loading and describing the data…');
    const description = await session.describe(descriptor, { signal: controller.signal });

    let task = values.task;
    if (detail !== 'full') {
      progress(`Shortening the task (${detail})…`);
      const shortened = await shortenTask(chat, templates, task, detail, controller.signal);
      task = shortened.task;
      result.task = task;
      result.usage.promptTokens += shortened.usage.promptTokens;
      result.usage.completionTokens += shortened.usage.completionTokens;
      result.timings.llmMs += shortened.llmMs;
    }

    let previous: PreviousCode | undefined;
    if (previousCode) {
      progress('Running the code to refine…');
      previous = { code: previousCode, ...(await lastRunError(session, previousCode, timeoutMs, controller.signal)) };
    }

    const stageText: Record<PlotStage, string> = {
      'asking-model': `Asking ${model}…`,
      running: 'Running the code…',
      repairing: 'Repairing…',
      'checking-figure': 'Showing the figure to the model for a visual check…',
    };
    const outcome = await generatePlot(chat, templates, session, {
      library,
      task,
      variable: session.variable,
      dataDescription: formatDescription(description),
      previous,
      versions: Object.fromEntries(Object.entries(python.versions)),
      maxRepairs,
      timeoutMs,
      visualCheckRounds,
      renderFigure: (figure) => renderer.render(figure),
      signal: controller.signal,
      onProgress: (stage, attempt) => progress(`${stageText[stage]}${attempt > 0 ? ` (round ${attempt})` : ''}`),
    });
    result.code = outcome.code;
    result.attempts = outcome.attempts.map((a) => ({
      ...(a.kind ? { kind: a.kind } : {}),
      ...(a.visualVerdict ? { visualVerdict: a.visualVerdict } : {}),
      code: a.code,
      ...(a.error ? { error: a.error } : {}),
      ...(a.result?.error && a.result.status !== 'ok' ? { traceback: formatKernelError(a.result.error) } : {}),
      hasPlot: a.hasPlot,
      ...(a.lint && a.lint.length > 0 ? { lint: a.lint } : {}),
    }));
    const lastTraceback = result.attempts[result.attempts.length - 1]?.traceback;
    if (lastTraceback) {
      result.traceback = lastTraceback;
    }
    result.usage.promptTokens += outcome.usage.promptTokens;
    result.usage.completionTokens += outcome.usage.completionTokens;
    result.timings.llmMs += outcome.timings.llmMs;
    result.timings.execMs += outcome.timings.execMs;
    result.wrongLibrary = outcome.wrongLibrary;
    result.lint = outcome.lint;
    if (outcome.visualCheck) {
      result.visualCheck = outcome.visualCheck;
    }
    if (outcome.error) {
      result.error = outcome.ok ? outcome.error : `No plot after ${outcome.attempts.length} attempt(s): ${outcome.error}`;
    }
    if (values['code-out'] && outcome.code) {
      writeFileSync(resolve(values['code-out']), outcome.code);
    }
    if (!outcome.ok) {
      result.stage = outcome.attempts[outcome.attempts.length - 1]?.code ? 'execution' : 'generation';
    } else {
      // ok only once the PNG exists: a figure the renderer could not draw is a failure, and not the code's.
      let paths: string[] = [];
      try {
        paths = await writeFigures(outcome, outPath, renderer);
      } catch (renderError) {
        result.stage = 'rendering';
        result.error = `The code drew a figure, but turning it into PNG failed (not an error in the code): ${renderError instanceof Error ? renderError.message : String(renderError)}`;
      }
      if (paths.length > 0) {
        result.ok = true;
        result.pngPaths = paths;
        result.pngPath = paths[0];
      } else if (!result.stage) {
        result.stage = 'rendering';
        result.error = 'The code drew a figure but it could not be saved.';
      }
    }
  } catch (error) {
    const explained = error instanceof SetupError && error.kernelError && format ? explainLoadError(values.data, format, error.kernelError) : undefined;
    result.error = explained ?? describeFailure(error);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await Promise.all([kernel?.dispose(), renderer.close()]);
    rmSync(workDir, { recursive: true, force: true });
  }
  return report();
}

/** Runs the code to refine on a fresh copy of the data: its error, if any, goes into the prompt. */
async function lastRunError(session: DataFrameSession, code: string, timeoutMs: number, signal: AbortSignal): Promise<{ error?: string }> {
  const run = await session.run(code, 0, { timeoutMs, signal });
  if (run.status === 'ok') {
    return {};
  }
  if (run.error) {
    return { error: formatKernelError(run.error) };
  }
  return { error: run.status === 'timeout' ? `It did not finish within ${timeoutMs / 1000} seconds.` : `The kernel ${run.status === 'died' ? 'died while running it' : `stopped it (${run.status})`}.` };
}

function describeFailure(error: unknown): string {
  if (error instanceof SetupError) {
    return `${error.message}${error.traceback ? `\n${error.traceback}` : ''}`;
  }
  if (error instanceof LlmError) {
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}


// `plotwright bench` and `plotwright bench compare`: PandasPlotBench runs from the terminal. The
// runner does the work; this file parses flags, prints progress on stderr and the tables on stdout.
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { agreement, AgreementError, agreementMarkdown } from '../../benchmark/agreement.js';
import { runCompare, VISUAL_CHECK_MODES, type CompareCell, type CompareGrid, type VisualCheckMode } from '../../benchmark/compare.js';
import { TASK_VARIANTS, type TaskVariant } from '../../benchmark/dataset.js';
import { JUDGE_KINDS, type JudgeKind } from '../../benchmark/judge.js';
import { summaryMarkdown } from '../../benchmark/report.js';
import { mergeRuns } from '../../benchmark/merge.js';
import { BenchmarkConfigError, DEFAULT_CONCURRENCY, runBenchmark, type BenchmarkOptions, type BenchmarkProgress } from '../../benchmark/runner.js';
import { parseShard, type Shard } from '../../benchmark/shard.js';
import type { DescriptorMode } from '../core/describe.js';
import { PLOT_LIBRARIES, type PlotLibrary } from '../core/prompts.js';
import { judgeEndpoint } from '../llm/judgeEndpoint.js';
import { createChatModel } from '../llm/openaiClient.js';
import { DEFAULT_MODEL } from './plotCommand.js';
import { oneOf, positiveNumber, UsageError } from './usageError.js';

const DESCRIPTORS: readonly DescriptorMode[] = ['head', 'rich', 'none'];

const COMMON = `  --dataset SRC          hf | hf:<owner>/<name> | path.parquet | path.jsonl | path.json | a folder of
                         collected tasks, e.g. .plotwright/tasks (required)
  --ids 3,7,12           only these item ids          --limit N     only the first N items
  --library NAME         matplotlib | seaborn | plotly (default matplotlib)
  --task-variant V       full | no-style | short | single | none (default full)
  --descriptor MODE      head | rich | none: how df is described to the model (default head)
  --model M              generator (default $PLOTWRIGHT_MODEL or ${DEFAULT_MODEL})
  --base-url URL         generator endpoint (default $OPENAI_BASE_URL or OpenAI's)
  --api-key KEY          prefer $OPENAI_API_KEY (a key on the command line lands in shell history)
  --judge-model J        judge (default: the generator's model)
  --judge-base-url URL   judge endpoint (default: the generator's)
  --judge-api-key KEY    the judge's key (or $PLOTWRIGHT_JUDGE_API_KEY); the generator's key
                         goes to the judge only when both are the same host and port
  --judges LIST          visual,task (default both; 'none' for no judge)
  --judge-repeats R      ask the judge R times per score and run; records each score and the spread (default 1)
  --position-check P     on a deterministic share P (0-1, e.g. 0.2) of the items, also ask the visual judge with
                         the generated chart first; summary reports the mean score difference (default 0)
  --concurrency N        model requests in flight, generation and judging (default 8); halved on 429 and raised again
  --kernels K            kernels running generated code (default: the number of CPU cores)
  --shard k/n            only the k-th of n deterministic shares of the items (also: --shard n or auto, with the
                         index from JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID or PLOTWRIGHT_SHARD_INDEX)
  --repeats R            runs per item (default 1)
  --timeout S            per execution of generated code (default 60)
  --self-debug N         repair rounds from the traceback (default 0)
  --visual-check         after a plot renders the model sees its PNG and accepts it or corrects the code
                         (a mode of the run: --resume refuses to mix runs with and without it)
  --visual-check-rounds N  looks per item with --visual-check or --visual-checks on (default 1)
  --request-timeout S    per model request (default 120)
  --memory-mb N          address-space limit per kernel (default 4096)
  --python PATH          Python with ipykernel, pandas, matplotlib (default $PLOTWRIGHT_PYTHON or python3)
  --out DIR              results folder (default bench-results)
  --resume               skip items already in DIR/results.jsonl (refused when any setting of the run differs)
  --cache-dir DIR        response cache (default DIR/../.plotwright-cache)
  --no-cache             ask the models every time
  -h, --help`;

const HELP = `Usage: plotwright bench --dataset <src> [options]
       plotwright bench compare (--models a,b | --libraries a,b | --task-variants a,b | --descriptors a,b | --visual-checks off,on) [options]
       plotwright bench merge --out DIR RESULTS_DIR...
       plotwright bench agreement A B [--json]

Runs PandasPlotBench: per item the model writes plotting code for the item's DataFrame, the code runs
in an isolated warm Jupyter kernel, and a multimodal judge scores the plot against the ground truth
(visual) and the task (task). Writes DIR/results.jsonl (one line per item as it finishes),
DIR/summary.json, DIR/summary.md and DIR/report.html.

${COMMON}

compare runs one sub-folder per grid cell under --out and writes DIR/compare.md:
  --models LIST  --libraries LIST  --task-variants LIST  --descriptors LIST
  --visual-checks off,on   the same items without and with the visual self-check, side by side

merge combines result folders of one configuration (e.g. the shards of a run) into DIR, with one
summary and report; folders run with other settings are refused.

agreement reports Pearson and Spearman correlation, with n, of each score A and B share: A is a
results folder, B another results folder of the same plots (another judge) or a CSV of id,score
(human scores; id,repeat,score to match repeats). Pairs are matched by item id and repeat.

Every item × repeat gets one record, also when it failed (the stage and reason are in the record and
summary.json's "failures"). Exit status: 0 when the run finished, 1 when it stopped (a wrong key, an
unreachable model, a kernel that does not start), 2 for a usage error, 130 when interrupted (the
partial summary is still written).`;

const OPTIONS = {
  dataset: { type: 'string' },
  ids: { type: 'string' },
  limit: { type: 'string' },
  library: { type: 'string' },
  'task-variant': { type: 'string' },
  descriptor: { type: 'string' },
  model: { type: 'string' },
  'base-url': { type: 'string' },
  'api-key': { type: 'string' },
  'judge-model': { type: 'string' },
  'judge-base-url': { type: 'string' },
  'judge-api-key': { type: 'string' },
  judges: { type: 'string' },
  'judge-repeats': { type: 'string' },
  'position-check': { type: 'string' },
  concurrency: { type: 'string' },
  kernels: { type: 'string' },
  shard: { type: 'string' },
  repeats: { type: 'string' },
  timeout: { type: 'string' },
  'self-debug': { type: 'string' },
  'visual-check': { type: 'boolean', default: false },
  'visual-check-rounds': { type: 'string' },
  'visual-checks': { type: 'string' },
  'request-timeout': { type: 'string' },
  'memory-mb': { type: 'string' },
  python: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'boolean', default: false },
  'cache-dir': { type: 'string' },
  'no-cache': { type: 'boolean', default: false },
  models: { type: 'string' },
  libraries: { type: 'string' },
  'task-variants': { type: 'string' },
  descriptors: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function list(value: string | undefined): string[] | undefined {
  if (value === undefined) {
    return undefined;
  }
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return items.length > 0 ? items : undefined;
}

function listOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T[] | undefined {
  return list(value)?.map((v) => oneOf<T>(flag, v, allowed, allowed[0]));
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export function progressLine(p: BenchmarkProgress, prefix = ''): string | undefined {
  const width = String(p.total).length;
  const head = `${prefix}[${String(p.done).padStart(width)}/${p.total}]`;
  const eta = p.etaMs === null ? '' : `  ETA ${formatDuration(p.etaMs)}`;
  if (p.message) {
    return `${head} ${p.message}${p.skipped > 0 ? ` (${p.skipped} already done)` : ''}`;
  }
  const item = p.item;
  if (!item) {
    return undefined;
  }
  const name = `item ${item.id}${item.repeat > 0 ? ` #${item.repeat}` : ''}`;
  if (item.failure && !item.hasPlot) {
    return `${head} ${name}: failed at ${item.failure.split('\n')[0]}${eta}`;
  }
  const score = (label: string, v: number | null) => (v === null ? '' : `  ${label} ${v}`);
  const what = !item.hasPlot ? 'no plot' : item.wrongLibrary ? 'wrong library' : 'plot';
  const judged = `${score('visual', item.scores.visual)}${score('task', item.scores.task)}${score('pixel', item.scores.pixel)}`;
  const errors = item.judgeErrors > 0 ? `  judge errors ${item.judgeErrors}` : '';
  return `${head} ${name}: ${what}${judged}${errors}${eta}`;
}

export async function runBenchCommand(args: string[]): Promise<number> {
  if (args[0] === 'merge') {
    return runMergeCommand(args.slice(1));
  }
  if (args[0] === 'agreement') {
    return runAgreementCommand(args.slice(1));
  }
  const compare = args[0] === 'compare';
  const { values } = parseArgs({ args: compare ? args.slice(1) : args, options: OPTIONS, strict: true, allowPositionals: false });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!values.dataset) {
    throw new UsageError('--dataset is required');
  }
  const library = oneOf<PlotLibrary>('library', values.library, PLOT_LIBRARIES, 'matplotlib');
  const taskVariant = oneOf<TaskVariant>('task-variant', values['task-variant'], TASK_VARIANTS, 'full');
  const descriptor = oneOf<DescriptorMode>('descriptor', values.descriptor, DESCRIPTORS, 'head');
  const judgeList = list(values.judges) ?? [...JUDGE_KINDS];
  const judges: JudgeKind[] =
    judgeList.length === 1 && judgeList[0] === 'none' ? [] : judgeList.map((j) => oneOf<JudgeKind>('judges', j, JUDGE_KINDS, 'visual'));
  const ids = list(values.ids)?.map((id) => {
    const n = Number(id);
    if (!Number.isInteger(n) || n < 0) {
      throw new UsageError(`--ids must be whole numbers separated by commas (got '${id}')`);
    }
    return n;
  });
  if (ids && values.limit !== undefined) {
    throw new UsageError('use either --ids or --limit');
  }
  const limit = values.limit === undefined ? undefined : positiveNumber('limit', values.limit, 0, { integer: true });
  const concurrency = Math.max(1, positiveNumber('concurrency', values.concurrency, DEFAULT_CONCURRENCY, { integer: true }));
  const kernels = values.kernels === undefined ? undefined : Math.max(1, positiveNumber('kernels', values.kernels, 1, { integer: true }));
  let shard: Shard | undefined;
  if (values.shard !== undefined) {
    try {
      shard = parseShard(values.shard);
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
  }
  const repeats = Math.max(1, positiveNumber('repeats', values.repeats, 1, { integer: true }));
  const judgeRepeats = Math.max(1, positiveNumber('judge-repeats', values['judge-repeats'], 1, { integer: true }));
  const positionCheck = positiveNumber('position-check', values['position-check'], 0);
  if (positionCheck > 1) {
    throw new UsageError(`--position-check is a share of the items from 0 to 1 (got '${values['position-check']}')`);
  }
  const timeoutMs = positiveNumber('timeout', values.timeout, 60) * 1000;
  const selfDebug = positiveNumber('self-debug', values['self-debug'], 0, { integer: true });
  const visualChecks = listOf<VisualCheckMode>('visual-checks', values['visual-checks'], VISUAL_CHECK_MODES);
  if (visualChecks && !compare) {
    throw new UsageError('--visual-checks is for bench compare; a single run takes --visual-check');
  }
  if (values['visual-check-rounds'] !== undefined && !values['visual-check'] && !visualChecks?.includes('on')) {
    throw new UsageError('--visual-check-rounds needs --visual-check (or --visual-checks with on)');
  }
  const visualCheckRounds = Math.max(1, positiveNumber('visual-check-rounds', values['visual-check-rounds'], 1, { integer: true }));
  const visualCheck = values['visual-check'] || visualChecks?.includes('on') ? visualCheckRounds : 0;
  const requestTimeoutMs = positiveNumber('request-timeout', values['request-timeout'], 120) * 1000;
  const memoryLimitMb = positiveNumber('memory-mb', values['memory-mb'], 4096, { integer: true });
  const model = values.model ?? process.env.PLOTWRIGHT_MODEL ?? DEFAULT_MODEL;
  const outDir = resolve(values.out ?? 'bench-results');
  const cacheDir = values['no-cache'] ? null : values['cache-dir'] ? resolve(values['cache-dir']) : undefined;

  const makeModel = (name: string) =>
    createChatModel({ baseUrl: values['base-url'], apiKey: values['api-key'], model: name, timeoutMs: requestTimeoutMs });
  const judgeModel =
    judges.length > 0
      ? judgeModelFor(values, values['judge-model'] ?? model, requestTimeoutMs)
      : undefined;

  const base: Omit<BenchmarkOptions, 'model'> = {
    dataset: values.dataset,
    ...(ids ? { ids } : {}),
    ...(limit !== undefined ? { limit } : {}),
    library,
    taskVariant,
    descriptor,
    ...(judgeModel ? { judgeModel } : {}),
    judges,
    concurrency,
    ...(kernels !== undefined ? { kernels } : {}),
    ...(shard ? { shard } : {}),
    repeats,
    ...(judgeRepeats > 1 ? { judgeRepeats } : {}),
    ...(positionCheck > 0 ? { positionCheck } : {}),
    timeoutMs,
    selfDebug,
    visualCheck,
    outDir,
    resume: values.resume,
    ...(cacheDir !== undefined ? { cacheDir } : {}),
    ...(values.python ? { python: values.python } : {}),
    memoryLimitMb,
  };

  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (): void => {
    interrupts++;
    if (interrupts > 1) {
      process.exit(130);
    }
    console.error('plotwright bench: interrupted; finishing the summary (press Ctrl-C again to quit at once)');
    controller.abort(new Error('Interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const print = (line: string | undefined): void => {
    if (line) {
      console.error(line);
    }
  };

  try {
    if (compare) {
      const grid: CompareGrid = {
        ...(list(values.models) ? { models: list(values.models) } : {}),
        ...(values.libraries ? { libraries: listOf<PlotLibrary>('libraries', values.libraries, PLOT_LIBRARIES) } : {}),
        ...(values['task-variants'] ? { taskVariants: listOf<TaskVariant>('task-variants', values['task-variants'], TASK_VARIANTS) } : {}),
        ...(values.descriptors ? { descriptors: listOf<DescriptorMode>('descriptors', values.descriptors, DESCRIPTORS) } : {}),
        ...(visualChecks ? { visualChecks } : {}),
      };
      if (!grid.models && !grid.libraries && !grid.taskVariants && !grid.descriptors && !grid.visualChecks) {
        throw new UsageError('compare needs --models, --libraries, --task-variants, --descriptors or --visual-checks');
      }
      const result = await runCompare(
        { ...base, grid, makeModel, defaultModel: model },
        {
          signal: controller.signal,
          onProgress: (cell: CompareCell, index, cells, progress) => print(progressLine(progress, `${cell.dir} (${index + 1}/${cells}) `)),
        },
      );
      console.log(result.table);
      console.error(`plotwright bench compare: table written to ${join(outDir, 'compare.md')}`);
      return result.cancelled ? 130 : 0;
    }
    const result = await runBenchmark(
      { ...base, model: makeModel(model) },
      { signal: controller.signal, onProgress: (progress) => print(progressLine(progress)) },
    );
    console.log(summaryMarkdown(result.summary));
    for (const failure of result.failures) {
      console.error(`plotwright bench: item ${failure.id} (repeat ${failure.repeat}) failed at ${failure.stage}: ${failure.message.split('\n')[0]}`);
    }
    if (result.rateLimited > 0) {
      console.error(`plotwright bench: the endpoint rate limited ${result.rateLimited} request(s); requests in flight were reduced and the requests asked again`);
    }
    console.error(`plotwright bench: results in ${outDir} (results.jsonl, summary.json, summary.md, report.html)`);
    return result.cancelled ? 130 : 0;
  } catch (error) {
    if (error instanceof BenchmarkConfigError) {
      throw new UsageError(error.message);
    }
    console.error(`plotwright bench: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function runMergeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } }, strict: true, allowPositionals: true });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!values.out) {
    throw new UsageError('bench merge needs --out DIR (a new folder for the merged run)');
  }
  if (positionals.length === 0) {
    throw new UsageError('bench merge needs the results folders to merge');
  }
  try {
    const result = await mergeRuns(positionals, values.out);
    console.log(summaryMarkdown(result.summary));
    if (result.missing.length > 0) {
      const shown = result.missing.slice(0, 10).map((k) => `${k.id}#${k.repeat}`).join(', ');
      console.error(`plotwright bench merge: ${result.missing.length} of ${result.expected} item × repeat runs are in no folder (${shown}${result.missing.length > 10 ? ', …' : ''}): a shard is missing or unfinished`);
    }
    console.error(`plotwright bench merge: ${result.records} records merged into ${result.outDir}`);
    return 0;
  } catch (error) {
    if (error instanceof BenchmarkConfigError) {
      console.error(`plotwright bench merge: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function runAgreementCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length !== 2) {
    throw new UsageError(`bench agreement needs two arguments, a results folder A and a results folder or CSV of id,score B (got ${positionals.length})`);
  }
  try {
    const result = agreement(positionals[0]!, positionals[1]!);
    console.log(values.json ? JSON.stringify(result, null, 2) : agreementMarkdown(result));
    return 0;
  } catch (error) {
    if (error instanceof AgreementError) {
      console.error(`plotwright bench agreement: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

/** The generator's key (flag or environment) reaches the judge only on the generator's host and port. */
function judgeModelFor(values: { 'base-url'?: string; 'api-key'?: string; 'judge-base-url'?: string; 'judge-api-key'?: string }, model: string, timeoutMs: number) {
  const judge = judgeEndpoint(
    { baseUrl: values['base-url'], apiKey: values['api-key'] },
    { baseUrl: values['judge-base-url'], apiKey: values['judge-api-key'] ?? process.env.PLOTWRIGHT_JUDGE_API_KEY },
    process.env,
  );
  return createChatModel({
    ...(judge.baseUrl ? { baseUrl: judge.baseUrl } : {}),
    ...(judge.apiKey ? { apiKey: judge.apiKey } : {}),
    ...(judge.sameOrigin ? {} : { env: {} }),
    model,
    timeoutMs,
  });
}

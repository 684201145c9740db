// `npm run bench:runner`: throughput of the benchmark runner against the original PandasPlotBench
// way of running items (one notebook, every item a cell, `jupyter nbconvert --execute`, no timeout,
// state shared between cells), on the same code for the same 19 real items, with a zero-latency mock
// model and judge. The original's cells are built as its runner builds them (JetBrains-Research
// PandasPlotBench, plotting_benchmark/vis_generator.py, generate_code): an id comment,
// `%matplotlib inline`, code_data reading the unpacked data-<id>.csv, the generated code, then
// `plt.rcParams.update(plt.rcParamsDefault)` and `%reset -f`. Bare cells (data and code only) are
// measured too, as the cheapest notebook one could write. Ours runs twice: with one model request and
// one kernel at a time (the fair comparison: the original runs one item at a time), and with the
// defaults. A second part measures scaling against a model with latency: 19 items × 3 repeats with a
// 2 s mock model (generation and task judge) at --concurrency 1, 2, 8, 16, 32, against the
// latency-bound ideal. Writes its section of docs/performance.md (between the bench:runner markers,
// report.ts), tables and prose alike, so the section is never edited by hand; BENCH_ONLY=latency or
// BENCH_ONLY=compare measures one part and only prints it.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { loadDataset } from '../../benchmark/dataset.js';
import { isolateCode, PRELOAD } from '../../benchmark/itemKernel.js';
import { readResults } from '../../benchmark/metrics.js';
import { runBenchmark } from '../../benchmark/runner.js';
import { describeCode } from '../../src/core/describe.js';
import { HeadlessKernel } from '../../src/kernel/headlessKernel.js';
import { createChatModel } from '../../src/llm/openaiClient.js';
import { startMockOpenAI } from '../../test/support/mockOpenAI.js';
import { writeSection } from './report.js';

const PYTHON = process.env.PLOTWRIGHT_PYTHON ?? '/usr/bin/python3';
const SAMPLE = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'plotbench-sample', 'items.jsonl');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 2000);
const LATENCY_REPEATS = 3;
const LATENCY_CONCURRENCY = (process.env.BENCH_LATENCY_CONCURRENCY ?? '1,2,8,16,32').split(',').map(Number);
// The highest concurrency is the one the target is hardest at, and the most sensitive to load: measured
// this many times (the row gives the median), the other rows once.
const TOP_RUNS = Number(process.env.BENCH_LATENCY_TOP_RUNS ?? 3);
const ONLY = process.env.BENCH_ONLY;
const run = promisify(execFile);

// The same plotting code for every item: what a model might answer, and what both methods run.
const CODE = `import matplotlib.pyplot as plt
num = df.select_dtypes("number")
fig, ax = plt.subplots(figsize=(6, 4))
if num.shape[1] >= 2:
    ax.plot(num.iloc[:, 0], num.iloc[:, 1], "o", ms=2)
elif num.shape[1] == 1:
    ax.hist(num.iloc[:, 0].dropna(), bins=20)
else:
    df.iloc[:, 0].astype(str).value_counts().head(20).plot.bar(ax=ax)
ax.set_title("item")
plt.show()`;

const { items } = await loadDataset(SAMPLE);
const fence = '```';
const mock = await startMockOpenAI({
  responder: (body) => {
    const judge = (body.messages ?? []).some((m) => Array.isArray(m.content));
    return { content: judge ? 'Fine.\nFINAL SCORE: 50' : `${fence}python\n${CODE}\n${fence}` };
  },
});

type NotebookMethod = 'original' | 'bare';

/** A notebook with one cell per item and repeat, as `method` builds its cells; CSVs unpacked beside it. */
function buildNotebook(dir: string, repeats: number, method: NotebookMethod): string {
  for (const item of items) {
    writeFileSync(join(dir, `data-${item.id}.csv`), item.data_csv);
  }
  const cellSource = (item: (typeof items)[number]): string => {
    const csv = join(dir, `data-${item.id}.csv`);
    if (method === 'bare') {
      return `${item.code_data.replaceAll('data.csv', csv)}\n${CODE}`;
    }
    return [
      `# id = ${item.id}`,
      '%matplotlib inline',
      item.code_data.replaceAll('data.csv', csv),
      CODE,
      'plt.rcParams.update(plt.rcParamsDefault)',
      '%reset -f',
    ].join('\n');
  };
  const cells = Array.from({ length: repeats }, () => items).flat().map((item) => ({
    cell_type: 'code',
    execution_count: null,
    metadata: {},
    outputs: [],
    source: cellSource(item),
  }));
  const notebook = {
    cells,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  const path = join(dir, 'bench.ipynb');
  writeFileSync(path, JSON.stringify(notebook));
  return path;
}

async function timeNbconvert(repeats: number, method: NotebookMethod): Promise<{ ms: number; plots: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'pw-bench-nb-'));
  try {
    const started = performance.now();
    const notebook = buildNotebook(dir, repeats, method);
    await run(PYTHON, ['-m', 'nbconvert', '--to', 'notebook', '--execute', '--allow-errors', notebook, '--output', 'out.ipynb'], {
      cwd: dir,
      env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
      maxBuffer: 64 * 1024 * 1024,
    });
    const ms = performance.now() - started;
    const out = JSON.parse(readFileSync(join(dir, 'out.ipynb'), 'utf8')) as { cells: Array<{ outputs?: Array<{ data?: Record<string, unknown> }> }> };
    const plots = out.cells.filter((c) => (c.outputs ?? []).some((o) => o.data?.['image/png'])).length;
    return { ms, plots };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function timeRunner(
  repeats: number,
  setup: { concurrency: number; kernels?: number; baseUrl?: string; judges?: Array<'visual' | 'task'> },
): Promise<{ ms: number; plots: number; failed: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'pw-bench-runner-'));
  try {
    const model = createChatModel({ baseUrl: setup.baseUrl ?? mock.baseUrl, apiKey: 'sk-bench', model: 'mock-model' });
    const started = performance.now();
    await runBenchmark({
      dataset: SAMPLE,
      items,
      library: 'matplotlib',
      taskVariant: 'full',
      descriptor: 'head',
      model,
      judgeModel: model,
      judges: setup.judges ?? ['visual', 'task'],
      concurrency: setup.concurrency,
      ...(setup.kernels ? { kernels: setup.kernels } : {}),
      repeats,
      timeoutMs: 60_000,
      outDir: join(dir, 'out'),
      cacheDir: null,
      python: PYTHON,
    });
    const ms = performance.now() - started;
    const { records } = await readResults(join(dir, 'out', 'results.jsonl'));
    return { ms, plots: records.filter((r) => r.hasPlot).length, failed: records.filter((r) => r.failure).length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU time of a process, from /proc (Linux): user + system, in ms. */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

interface PhaseCosts {
  kernelStartCpuMs: number;
  isolateMs: number;
  prepareMs: number;
  codeMs: number;
  originalExtrasMs: number;
}

/** Where a run's time goes inside one warm kernel: kernel CPU per phase, mean over the items. */
async function probePhases(): Promise<PhaseCosts> {
  const dir = mkdtempSync(join(tmpdir(), 'pw-bench-probe-'));
  const kernel = await HeadlessKernel.start({ cwd: dir, python: PYTHON, preload: PRELOAD });
  try {
    const pid = kernel.pid;
    if (pid === undefined) {
      throw new Error('the kernel reported no pid');
    }
    const kernelStartCpuMs = processCpuMs(pid);
    type Item = (typeof items)[number];
    // `load` runs first, unmeasured, so the measured step finds the item's df.
    const perItem = async (step: (item: Item, folder: string) => string, capture = false, load?: (item: Item, folder: string) => string): Promise<number> => {
      let total = 0;
      for (const item of items) {
        const folder = join(dir, String(item.id));
        mkdirSync(folder, { recursive: true });
        writeFileSync(join(folder, 'data.csv'), item.data_csv);
        if (load) {
          await kernel.execute(load(item, folder), { timeoutMs: 60_000, captureFigures: false });
        }
        const before = processCpuMs(pid);
        const result = await kernel.execute(step(item, folder), { timeoutMs: 60_000, captureFigures: capture });
        if (result.status !== 'ok') {
          throw new Error(`probe step failed: ${result.error?.ename ?? result.status}: ${result.error?.evalue ?? ''}`);
        }
        total += processCpuMs(pid) - before;
      }
      return total / items.length;
    };
    // The first isolate records the baseline state; measure the ones after it.
    await perItem((_item, folder) => isolateCode(folder, 0));
    const isolateMs = await perItem((_item, folder) => isolateCode(folder, 0));
    const prepareMs = await perItem((item, folder) => [isolateCode(folder, 0), item.code_data, describeCode('df', 'head')].join('\n'));
    const load = (item: Item, folder: string) => `import os\nos.chdir(${JSON.stringify(folder)})\ndel os\n${item.code_data}`;
    const codeMs = await perItem(() => CODE, true, load);
    const extras = `${CODE}\n%matplotlib inline\nplt.rcParams.update(plt.rcParamsDefault)\n%reset -f`;
    const originalExtrasMs = (await perItem(() => extras, true, load)) - codeMs;
    return { kernelStartCpuMs, isolateMs, prepareMs, codeMs, originalExtrasMs };
  } finally {
    await kernel.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (s: number) => s.toFixed(1);

const METHODS = ['fair', 'original', 'bare', 'ours'] as const;
type Method = (typeof METHODS)[number];
const SIZES = (process.env.BENCH_REPEATS ?? '1,3,9').split(',').map(Number);

interface Measured {
  repeats: number;
  ms: Record<Method, number[]>;
  plots: Record<Method, number>;
}

const measure = (method: Method, repeats: number) =>
  method === 'fair'
    ? timeRunner(repeats, { concurrency: 1, kernels: 1 })
    : method === 'ours'
      ? timeRunner(repeats, { concurrency: CONCURRENCY })
      : timeNbconvert(repeats, method);

/** Wall time of 19 × 3 against a model that takes LATENCY_MS per answer, at each concurrency. */
async function measureLatency(): Promise<{ kernelStartMs: number; floorMs: number; rows: Array<{ concurrency: number; ms: number; runsMs: number[]; plots: number; failed: number }> }> {
  const slow = await startMockOpenAI({
    responder: (body) => {
      const judge = (body.messages ?? []).some((m) => Array.isArray(m.content));
      return { content: judge ? 'Fine.\nFINAL SCORE: 50' : `${fence}python\n${CODE}\n${fence}`, delayMs: LATENCY_MS };
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'pw-bench-start-'));
  try {
    const started = performance.now();
    const kernel = await HeadlessKernel.start({ cwd: dir, python: PYTHON, preload: PRELOAD });
    const kernelStartMs = performance.now() - started;
    await kernel.dispose();
    // The same runs against the zero-latency mock: what the CPU alone costs on this machine now.
    const floorMs = (await timeRunner(LATENCY_REPEATS, { concurrency: Math.max(...LATENCY_CONCURRENCY), judges: ['task'] })).ms;
    console.error(`zero latency, concurrency ${Math.max(...LATENCY_CONCURRENCY)}: ${fmt(floorMs / 1000)} s`);
    const rows = [];
    const top = Math.max(...LATENCY_CONCURRENCY);
    for (const concurrency of LATENCY_CONCURRENCY) {
      const runs: Array<Awaited<ReturnType<typeof timeRunner>>> = [];
      for (let i = 0; i < (concurrency === top ? Math.max(1, TOP_RUNS) : 1); i++) {
        const result = await timeRunner(LATENCY_REPEATS, { concurrency, baseUrl: slow.baseUrl, judges: ['task'] });
        console.error(`latency ${LATENCY_MS} ms, concurrency ${concurrency}: ${fmt(result.ms / 1000)} s (${result.plots} plots, ${result.failed} failed)`);
        runs.push(result);
      }
      const mid = runs.find((r) => r.ms === median(runs.map((x) => x.ms))) ?? runs[0];
      rows.push({ concurrency, ...mid, runsMs: runs.map((r) => r.ms) });
    }
    return { kernelStartMs, floorMs, rows };
  } finally {
    await slow.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const configs: Measured[] = SIZES.map((repeats) => ({
  repeats,
  ms: { fair: [], ours: [], original: [], bare: [] },
  plots: { fair: 0, ours: 0, original: 0, bare: 0 },
}));
let latency: Awaited<ReturnType<typeof measureLatency>> | undefined;
try {
  if (ONLY !== 'compare') {
    latency = await measureLatency();
  }
  // Alternate the methods so a change in machine load hits all alike.
  for (let round = 0; ONLY !== 'latency' && round < ROUNDS; round++) {
    for (const config of configs) {
      const line: string[] = [];
      for (const method of METHODS) {
        const result = await measure(method, config.repeats);
        config.ms[method].push(result.ms);
        config.plots[method] = result.plots;
        line.push(`${method} ${fmt(result.ms / 1000)} s (${result.plots} plots)`);
      }
      console.error(`round ${round + 1}, ${items.length}×${config.repeats}: ${line.join(', ')}`);
    }
  }
} finally {
  await mock.close();
}

const n = items.length;
const load = loadavg()[0].toFixed(1);
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'})`;

function latencySection(measured: NonNullable<typeof latency>): string {
  const runs = n * LATENCY_REPEATS;
  // Every run waits for two answers (generation, task judge) one after the other.
  const ideal = (c: number) => (runs * 2 * LATENCY_MS) / c / 1000;
  const startS = measured.kernelStartMs / 1000;
  const rows = measured.rows.map((r) => {
    const s = r.ms / 1000;
    const target = 1.5 * ideal(r.concurrency) + startS;
    return `| ${r.concurrency} | ${fmt(s)} | ${fmt(ideal(r.concurrency))} | ${(s / ideal(r.concurrency)).toFixed(2)}× | ${fmt(target)} | ${s <= target ? 'meets' : '**misses**'} | ${r.plots}/${runs} | ${r.runsMs.map((ms) => fmt(ms / 1000)).join(', ')} |`;
  });
  return `### Scaling with a model that takes ${fmt(LATENCY_MS / 1000)} s per answer

${n} items × ${LATENCY_REPEATS} repeats = ${runs} runs, each waiting for two answers of a mock model that takes ${fmt(LATENCY_MS / 1000)} s
(generation and the task judge), the same plotting code as below, ${machine}, load average ${load} at the end.
\`--concurrency N\` is the number of model requests in flight; \`--kernels\` stays at its default (one per core),
so generated code runs in ${cpus().length} kernels whatever N is. The latency-bound ideal is ${runs} × 2 answers × ${fmt(LATENCY_MS / 1000)} s / N;
the target is 1.5 × that ideal plus one kernel start (${fmt(startS)} s measured here, pandas, NumPy and Matplotlib imported).
Each run has up to 2 × N + ${cpus().length} item runs in progress (\`benchmark/runner.ts\`, \`runsInProgress\`), so runs waiting for a kernel
leave no request slot idle; kernels boot ${Math.max(1, Math.floor(cpus().length / 2))} at a time and each is used as soon as it is up, so the first
items go to the model while the others boot. One run per row, except ${TOP_RUNS} at the highest concurrency (the row shows the
median; all runs in the last column). The same ${runs} runs against a model that answers at once take ${fmt(measured.floorMs / 1000)} s here: the
CPU-bound floor, which no concurrency gets under (the machine was shared; load average ${load}).

| --concurrency | wall time, s | latency-bound ideal, s | × ideal | target, s | | plots | all runs, s |
| ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |
${rows.join('\n')}
`;
}

function compareSection(): string {
  const LABEL: Record<Method, string> = {
    fair: '`plotwright bench --concurrency 1 --kernels 1` (one model request and one kernel at a time, like the original)',
    original: "one notebook, the original's cells, `nbconvert --execute`",
    bare: 'one notebook, bare cells, `nbconvert --execute`',
    ours: `\`plotwright bench\`, defaults (--concurrency ${CONCURRENCY}, ${cpus().length} kernels)`,
  };
  const seconds = (c: Measured, m: Method) => median(c.ms[m]) / 1000;
  const rows = configs.flatMap((c) => {
    const runs = n * c.repeats;
    return METHODS.map((m) => {
      const s = seconds(c, m);
      const vsOriginal = m === 'original' ? '1.00×' : `**${(seconds(c, 'original') / s).toFixed(2)}×**`;
      const vsBare = m === 'bare' ? '1.00×' : `${(seconds(c, 'bare') / s).toFixed(2)}×`;
      return `| ${n} × ${c.repeats} | ${LABEL[m]} | ${fmt(s)} | ${fmt((runs / s) * 60)} | ${c.plots[m]}/${runs} | ${vsOriginal} | ${vsBare} | ${c.ms[m].map((x) => fmt(x / 1000)).join(', ')} |`;
    });
  });
  const small = configs[0];
  const large = configs[configs.length - 1];
  const marginal = (m: Method) => ((large.repeats - small.repeats) * n) / (seconds(large, m) - seconds(small, m));
  const marginalRows =
    configs.length > 1
      ? METHODS.map(
          (m) => `| ${LABEL[m]} | ${fmt(marginal(m) * 60)} | ${(1000 / marginal(m)).toFixed(0)} | ${m === 'original' ? '1.00×' : `**${(marginal(m) / marginal('original')).toFixed(2)}×**`} |`,
        )
      : [];
  return `### Against the original runner, zero-latency model

The same code for every item (a scatter, histogram or bar chart depending on the columns), a zero-latency mock
model and judge. Wall time includes start-up; ${ROUNDS === 1 ? "one round" : `median of ${ROUNDS} rounds`}, the methods alternating. ${machine},
load average ${load} at the end.

The fair comparison comes first: ours with one model request and one kernel at a time does what the original
does, one item after another, but each item in its own folder, with a cleaned namespace and library state, a
60 s timeout, the describe step, both judges (mock) and the PNG files; the original puts every item in a cell of
one notebook, built as PandasPlotBench's runner builds it (\`plotting_benchmark/vis_generator.py\`: an id
comment, \`%matplotlib inline\`, the item's code_data, the generated code, \`plt.rcParams.update(plt.rcParamsDefault)\`,
\`%reset -f\`), run by \`python3 -m nbconvert --to notebook --execute --allow-errors\`: no timeout, one process for
all items. Bare cells are the cheapest notebook one could write (every item sees the state of the ones before
it). The last row of each size is ours with its defaults, using every core.

| items × repeats | method | wall time, s | runs/min | plots | throughput vs the original | vs bare cells | all rounds, s |
| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |
${rows.join('\n')}
${
  marginalRows.length > 0
    ? `
Steady state: the ${(large.repeats - small.repeats) * n} runs that ${n} × ${large.repeats} adds over ${n} × ${small.repeats}, divided by the time they add.

| method | runs/min | ms per run | throughput vs the original |
| --- | ---: | ---: | ---: |
${marginalRows.join('\n')}
`
    : ''
}`;
}

const probeLoad = loadavg()[0].toFixed(1);
const phases = ONLY ? undefined : await probePhases();
const phaseSection = phases
  ? `
Where the time goes, measured in one warm kernel (its CPU time from \`/proc\`, mean over the ${n} items; one pass, load
average ${probeLoad} when it started):

| step | kernel CPU, ms |
| --- | ---: |
| start a kernel with pandas, NumPy and Matplotlib imported (once per kernel; the bridge process not counted) | ${phases.kernelStartCpuMs.toFixed(0)} |
| put the kernel back to its start-up state (ours, per item) | ${phases.isolateMs.toFixed(1)} |
| that, plus load the item's data and describe \`df\` for the prompt (ours, per item) | ${phases.prepareMs.toFixed(1)} |
| the plotting code with the inline backend's PNG (every method, per run) | ${phases.codeMs.toFixed(1)} |
| the original's per-cell extras: \`%matplotlib inline\`, rcParams reset, \`%reset -f\` (per run) | ${phases.originalExtrasMs.toFixed(1)} |
`
  : '';

const md = `## Benchmark runner throughput (\`npm run bench:runner\`)

${n} real PandasPlotBench items (\`../shared/plotbench-sample\`), an in-process mock OpenAI server as model and judge.
Measured ${new Date().toISOString().slice(0, 10)}.

${latency ? latencySection(latency) : ''}
${ONLY === 'latency' ? '' : compareSection()}${phaseSection}`;
if (ONLY) {
  console.log(md);
} else {
  writeSection('runner', md);
  console.log(md);
}

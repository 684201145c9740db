// `plotwright drawings`: hand drawings → traces (infer), traces → programs (synth), and both scored (eval).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { inferTraces } from '../drawings/infer/inferTrace.js';
import { toMatplotlib } from '../drawings/matplotlib.js';
import {
  formatCount,
  measureInference,
  measureSynthesis,
  type InferenceItem,
  type InferenceSummary,
  type InferFunction,
  type SynthesisItem,
  type SynthesisSummary,
} from '../drawings/measure.js';
import { printProgram } from '../drawings/print.js';
import { synthesize } from '../drawings/synthesize.js';
import { toTikz } from '../drawings/tikz.js';
import { loadDrawings, type Primitive, type Trace } from '../drawings/trace.js';
import { oneOf, positiveNumber, UsageError } from './usageError.js';

const HELP = `Usage: plotwright drawings <synth|infer|eval> [options]

  synth --trace FILE       a trace (JSON list of primitives, or an object with "primitives") → the
                           lowest-cost program that redraws it; prints {program, cost, ms, exact, optimal}
        --timeout MS       search time limit (default 20000)
        --matplotlib FILE  also write Matplotlib code for the program (keeps loops and reflections)
        --tikz FILE        also write a TikZ picture of the program
        --allow-skip-only-loops
                           allow loops whose whole body is in if (i > 0) (cheaper, less natural)
  infer --image FILE.png   a hand drawing → its most likely traces; prints {traces: [{primitives, score}], ms}
        --top N            how many traces (default 5)
  eval  --dir DIR          a folder with drawings.json and images/ → scores
        --task T           synth | infer | both (default both)
        --top N            traces per drawing for the top-N score (default 5)
        --timeout MS       synthesis time limit per drawing (default 20000)
        --json             print one JSON object instead of a table
  -h, --help

Exit status: 0 on success, 1 on failure, 2 for a usage error.`;

type Infer = InferFunction;

/** What the command needs from the outside; tests pass fakes. */
export interface DrawingsCommandDeps {
  infer: Infer;
  log: (line: string) => void;
}

const defaultDeps: DrawingsCommandDeps = {
  infer: inferTraces,
  log: (line) => console.log(line),
};

export async function runDrawingsCommand(args: string[], deps: DrawingsCommandDeps = defaultDeps): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    deps.log(HELP);
    return sub === undefined ? 2 : 0;
  }
  switch (sub) {
    case 'synth':
      return runSynth(rest, deps);
    case 'infer':
      return runInfer(rest, deps);
    case 'eval':
      return runEval(rest, deps);
    default:
      throw new UsageError(`unknown subcommand '${sub}' (expected synth, infer or eval)`);
  }
}

type Flags = Record<string, string | boolean | undefined>;

function str(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function parse(args: string[], options: Record<string, { type: 'string' | 'boolean' }>): Flags {
  try {
    const parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: false,
    });
    return parsed.values as Flags;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function runSynth(args: string[], deps: DrawingsCommandDeps): Promise<number> {
  const values = parse(args, {
    trace: { type: 'string' },
    timeout: { type: 'string' },
    matplotlib: { type: 'string' },
    tikz: { type: 'string' },
    'allow-skip-only-loops': { type: 'boolean' },
  });
  if (values.help) {
    deps.log(HELP);
    return 0;
  }
  if (typeof values.trace !== 'string') {
    throw new UsageError('synth needs --trace FILE');
  }
  const trace = readTraceFile(values.trace);
  const timeoutMs = positiveNumber('timeout', str(values.timeout), 20_000);
  const result = await synthesize(trace, { timeoutMs, allowSkipOnlyLoops: values['allow-skip-only-loops'] === true });
  if (typeof values.matplotlib === 'string') {
    writeFileSync(values.matplotlib, toMatplotlib(result.program));
  }
  if (typeof values.tikz === 'string') {
    writeFileSync(values.tikz, toTikz(result.program, { standalone: true }));
  }
  deps.log(
    JSON.stringify(
      {
        program: printProgram(result.program),
        cost: result.cost,
        ms: Math.round(result.ms),
        exact: result.exact,
        optimal: result.optimal,
      },
      null,
      2,
    ),
  );
  return 0;
}

async function runInfer(args: string[], deps: DrawingsCommandDeps): Promise<number> {
  const values = parse(args, { image: { type: 'string' }, top: { type: 'string' } });
  if (values.help) {
    deps.log(HELP);
    return 0;
  }
  if (typeof values.image !== 'string') {
    throw new UsageError('infer needs --image FILE.png');
  }
  if (!existsSync(values.image)) {
    throw new UsageError(`no such image: ${values.image}`);
  }
  const top = Math.max(1, positiveNumber('top', str(values.top), 5, { integer: true }));
  let result: Awaited<ReturnType<Infer>>;
  try {
    result = await deps.infer(resolve(values.image), { top });
  } catch (error) {
    console.error(`plotwright drawings infer: ${(error as Error).message}`);
    return 1;
  }
  deps.log(JSON.stringify({ traces: result.traces, ms: Math.round(result.ms) }, null, 2));
  return 0;
}

async function runEval(args: string[], deps: DrawingsCommandDeps): Promise<number> {
  const values = parse(args, {
    dir: { type: 'string' },
    task: { type: 'string' },
    top: { type: 'string' },
    timeout: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    deps.log(HELP);
    return 0;
  }
  if (typeof values.dir !== 'string') {
    throw new UsageError('eval needs --dir DIR (a folder with drawings.json and images/)');
  }
  const jsonPath = join(values.dir, 'drawings.json');
  if (!existsSync(jsonPath)) {
    throw new UsageError(`no drawings.json in ${values.dir}`);
  }
  const task = oneOf('task', str(values.task), ['synth', 'infer', 'both'] as const, 'both');
  const top = Math.max(1, positiveNumber('top', str(values.top), 5, { integer: true }));
  const timeoutMs = positiveNumber('timeout', str(values.timeout), 20_000);
  const drawings = loadDrawings(jsonPath);
  const json = values.json === true;

  let synth: { items: SynthesisItem[]; summary: SynthesisSummary } | null = null;
  let infer: { items: InferenceItem[]; summary: InferenceSummary } | null = null;
  if (task !== 'infer') {
    synth = await measureSynthesis(drawings, { timeoutMs });
  }
  if (task !== 'synth') {
    infer = await measureInference(drawings, deps.infer, { top });
  }
  if (json) {
    deps.log(
      JSON.stringify(
        {
          drawings: drawings.length,
          synth: synth?.summary ?? null,
          infer: infer?.summary ?? null,
          items: drawings.map((d) => ({
            id: d.id,
            synth: synth?.items.find((item) => item.id === d.id) ?? null,
            infer: infer?.items.find((item) => item.id === d.id) ?? null,
          })),
        },
        null,
        2,
      ),
    );
  } else {
    deps.log(formatTable(drawings.map((d) => d.id), synth, infer));
  }
  const failed = synth !== null && synth.summary.exact.n < synth.summary.exact.of;
  return failed ? 1 : 0;
}

function formatTable(
  ids: string[],
  synth: { items: SynthesisItem[]; summary: SynthesisSummary } | null,
  infer: { items: InferenceItem[]; summary: InferenceSummary } | null,
): string {
  const header = ['drawing'];
  if (synth) {
    header.push('prims', 'cost', 'ref', 'exact', 'synth ms');
  }
  if (infer) {
    header.push('top1', `top${infer.summary.top}`, 'P', 'R', 'infer ms');
  }
  const rows = ids.map((id) => {
    const row = [id];
    const s = synth?.items.find((item) => item.id === id);
    if (synth) {
      row.push(
        String(s?.primitives ?? ''),
        String(s?.cost ?? ''),
        s?.referenceCost === null || s === undefined ? '—' : String(s.referenceCost),
        s?.exact ? 'yes' : 'NO',
        String(s?.ms ?? ''),
      );
    }
    const f = infer?.items.find((item) => item.id === id);
    if (infer) {
      row.push(
        f?.top1Exact ? 'yes' : 'no',
        f?.topKExact ? 'yes' : 'no',
        f === undefined || f.predicted === 0 ? '—' : (f.matched / f.predicted).toFixed(2),
        f === undefined || f.actual === 0 ? '—' : (f.matched / f.actual).toFixed(2),
        String(f?.ms ?? ''),
      );
    }
    return row;
  });
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const line = (cells: string[]): string => cells.map((c, k) => c.padEnd(widths[k])).join('  ').trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ''];
  if (synth) {
    const s = synth.summary;
    out.push(
      `synth: exact ${formatCount(s.exact)}, cost ≤ reference ${formatCount(s.costLeqReference)}, ` +
        `cost < reference ${formatCount(s.costBelowReference)}, time limit hit ${formatCount(s.timeouts)}, ` +
        `median ${s.medianMs} ms, max ${s.maxMs} ms`,
    );
  }
  if (infer) {
    const f = infer.summary;
    out.push(
      `infer: top-1 exact ${formatCount(f.top1Exact)}, top-${f.top} exact ${formatCount(f.top5Exact)}, ` +
        `precision ${f.precision.toFixed(3)}, recall ${f.recall.toFixed(3)}, median ${f.medianMs} ms, max ${f.maxMs} ms`,
    );
  }
  return out.join('\n');
}

/** Reads a trace: a JSON list of primitives or an object with `primitives`; checks every field. */
export function readTraceFile(path: string): Trace {
  if (!existsSync(path)) {
    throw new UsageError(`no such trace file: ${path}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`${path} is not JSON: ${(error as Error).message}`);
  }
  const list = Array.isArray(raw) ? raw : (raw as { primitives?: unknown } | null)?.primitives;
  if (!Array.isArray(list)) {
    throw new UsageError(`${path}: expected a list of primitives or an object with "primitives"`);
  }
  return list.map((item, index) => toPrimitive(item, `${path}: primitive ${index}`));
}

function toPrimitive(item: unknown, where: string): Primitive {
  const p = item as Record<string, unknown>;
  const int = (name: string): number => {
    const v = p?.[name];
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw new UsageError(`${where}: "${name}" must be an integer`);
    }
    return v;
  };
  switch (p?.type) {
    case 'circle':
      if (p.r !== undefined && p.r !== 1) {
        throw new UsageError(`${where}: only circles of radius 1 are supported`);
      }
      return { type: 'circle', x: int('x'), y: int('y'), r: 1 };
    case 'rectangle':
      return { type: 'rectangle', x1: int('x1'), y1: int('y1'), x2: int('x2'), y2: int('y2') };
    case 'line':
      return {
        type: 'line',
        x1: int('x1'),
        y1: int('y1'),
        x2: int('x2'),
        y2: int('y2'),
        arrow: p.arrow === true,
        solid: p.solid !== false,
      };
    default:
      throw new UsageError(`${where}: "type" must be circle, rectangle or line`);
  }
}

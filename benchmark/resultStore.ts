// The result store of one run folder: run.json (the run's configuration), results.jsonl (one record
// per item × repeat, appended and synced as each finishes, so a crash loses nothing), the resume
// check, and the summary written from the records only (summary.json, summary.md, report.html).
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PlotBenchItem } from './dataset.js';
import type { JudgeKind } from './judge.js';
import { readResults, summarize, type ItemRecord, type Summary } from './metrics.js';
import { summaryMarkdown } from './report.js';
import { writeReportHtml } from './reportWriter.js';

/** Extra fields each results.jsonl line carries beyond ItemRecord (readResults drops them). */
export interface RecordExtras {
  /** The task text the model got. */
  task: string;
  attempts: number;
  /** Why there is no plot or score when it was not an exception (no code, no figure, wrong library, render failure). */
  note: string | null;
  /** The last attempt's traceback as the model saw it (also for an error raised while the figure was drawn). */
  traceback: string | null;
  /** `plots/<id>-<repeat>.png`, relative to the results folder. */
  plot: string | null;
  judgeAnswers: Partial<Record<JudgeKind, string>>;
}

export type ResultLine = ItemRecord & Partial<RecordExtras>;

export class BenchmarkConfigError extends Error {}

/** Everything that decides a run's numbers; --resume and `bench merge` refuse to mix runs that differ in any of it. */
export interface RunConfig {
  dataset: string;
  /** Hash of the selected items' ids, tasks, data and ground truth. */
  datasetHash: string;
  /** The selected item ids, in order (before sharding). */
  itemIds: number[];
  library: string;
  taskVariant: string;
  descriptor: string;
  model: string;
  endpoint: string | null;
  judgeModel: string | null;
  judgeEndpoint: string | null;
  judges: string[];
  selfDebug: number;
  /** Visual self-check rounds (0: off). Absent in runs made before it existed, which is 0. */
  visualCheck?: number;
  timeoutS: number;
  judgeTimeoutS: number | null;
  promptVersion: string;
  repeats: number;
  /** "k/n" for a shard of the items, else null (merge ignores it; resume does not). */
  shard: string | null;
  /** Judge asks per score and run; absent when 1, so older run.json files still match. */
  judgeRepeats?: number;
  /** Share of items whose visual judge is asked again with the images swapped; absent when 0. */
  positionCheck?: number;
}

export const RUN_CONFIG_KEYS: ReadonlyArray<keyof RunConfig> = [
  'dataset',
  'datasetHash',
  'itemIds',
  'library',
  'taskVariant',
  'descriptor',
  'model',
  'endpoint',
  'judgeModel',
  'judgeEndpoint',
  'judges',
  'selfDebug',
  'visualCheck',
  'timeoutS',
  'judgeTimeoutS',
  'promptVersion',
  'repeats',
  'shard',
  'judgeRepeats',
  'positionCheck',
];

export function datasetHash(items: readonly PlotBenchItem[]): string {
  const hash = createHash('sha256');
  for (const item of items) {
    const fields: unknown[] = [item.id, item.code_data, item.data_csv, item.task__plot_description, item.task__plot_style, item.plots_gt];
    // The ground-truth code decides the structure scores; left out when empty so older hashes still match.
    if (item.code_plot.trim() !== '') {
      fields.push(item.code_plot);
    }
    hash.update(JSON.stringify(fields));
  }
  return hash.digest('hex').slice(0, 16);
}

/** What a key missing from an older run.json meant. */
const CONFIG_DEFAULTS: Partial<RunConfig> = { visualCheck: 0 };

/** The differences between two configurations, one phrase each ("model "a" → "b""). */
export function configDifferences(before: Partial<RunConfig>, after: Partial<RunConfig>, ignore: ReadonlyArray<keyof RunConfig> = []): string[] {
  const show = (value: unknown): string => {
    const text = JSON.stringify(value ?? null);
    return text.length > 60 ? `${text.slice(0, 57)}…` : text;
  };
  const value = (config: Partial<RunConfig>, key: keyof RunConfig): unknown => config[key] ?? CONFIG_DEFAULTS[key] ?? null;
  return RUN_CONFIG_KEYS.filter((key) => !ignore.includes(key) && JSON.stringify(value(before, key)) !== JSON.stringify(value(after, key))).map(
    (key) => `${key} ${show(value(before, key))} → ${show(value(after, key))}`,
  );
}

export function resultsPath(outDir: string): string {
  return join(outDir, 'results.jsonl');
}

export function readRunConfig(outDir: string): Partial<RunConfig> | undefined {
  try {
    return JSON.parse(readFileSync(join(outDir, 'run.json'), 'utf8')) as Partial<RunConfig>;
  } catch {
    return undefined;
  }
}

/** A kill in the middle of a write leaves a cut-off last line: drop it so the next append starts a line. */
function repairTail(path: string): void {
  if (!existsSync(path)) {
    return;
  }
  const text = readFileSync(path, 'utf8');
  if (text === '' || text.endsWith('\n')) {
    return;
  }
  truncateSync(path, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1), 'utf8'));
}

export interface SummaryMetaInput {
  model: string;
  taskVariant: string;
  descriptor: string;
  library: string;
  /** Visual self-check rounds (0 or unset: off). */
  visualCheck?: number;
}

export class ResultStore {
  private fd: number | undefined;
  private readonly done: Set<string>;

  private constructor(
    readonly outDir: string,
    readonly config: RunConfig,
    existing: readonly ItemRecord[],
  ) {
    this.done = new Set(existing.map((r) => `${r.id}:${r.repeat}`));
  }

  /**
   * Opens a run folder. A folder that already holds records needs `resume`, and run.json there must
   * match `config` exactly; the error names every difference.
   */
  static async open(outDir: string, config: RunConfig, resume: boolean, extras: Record<string, unknown> = {}): Promise<ResultStore> {
    const dir = resolve(outDir);
    mkdirSync(join(dir, 'plots'), { recursive: true });
    mkdirSync(join(dir, 'gt'), { recursive: true });
    const path = resultsPath(dir);
    const existing = existsSync(path) ? (await readResults(path)).records : [];
    if (existing.length > 0) {
      if (!resume) {
        throw new BenchmarkConfigError(`${path} already holds ${existing.length} record(s): pass --resume to continue that run, or choose another --out`);
      }
      const differences = configDifferences(readRunConfig(dir) ?? {}, config);
      if (differences.length > 0) {
        throw new BenchmarkConfigError(`cannot resume ${dir}: its run had other settings (${differences.join('; ')}); choose another --out`);
      }
    }
    writeFileSync(join(dir, 'run.json'), `${JSON.stringify({ ...config, ...extras, startedAt: new Date().toISOString() }, null, 2)}\n`);
    const store = new ResultStore(dir, config, existing);
    repairTail(path);
    store.fd = openSync(path, 'a');
    return store;
  }

  has(id: number, repeat: number): boolean {
    return this.done.has(`${id}:${repeat}`);
  }

  /** One JSON line with a single write, synced to disk. */
  append(line: ResultLine): void {
    if (this.fd === undefined) {
      throw new Error('the result store is closed');
    }
    writeSync(this.fd, `${JSON.stringify(line)}\n`);
    fsyncSync(this.fd);
    this.done.add(`${line.id}:${line.repeat}`);
  }

  close(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}

/** summary.json, summary.md and report.html over the records of the selected items and repeats (valid after a partial run too). */
export async function writeSummary(outDir: string, meta: SummaryMetaInput, items: readonly PlotBenchItem[], repeats: number): Promise<Summary> {
  const path = resultsPath(outDir);
  const ids = new Set(items.map((item) => item.id));
  const records = existsSync(path) ? (await readResults(path)).records.filter((r) => ids.has(r.id) && r.repeat < repeats) : [];
  return writeSummaryOf(outDir, records, meta);
}

export function writeSummaryOf(outDir: string, records: readonly ItemRecord[], meta: SummaryMetaInput): Summary {
  const summary = summarize(records, meta);
  writeFileSync(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(join(outDir, 'summary.md'), summaryMarkdown(summary));
  writeReportHtml(outDir);
  return summary;
}

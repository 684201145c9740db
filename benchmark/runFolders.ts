// Results folders of benchmark runs and comparisons: the default name of a new one, and the finished
// or partial runs and comparisons under a folder (newest first) for "Open Benchmark Report".
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Summary } from './metrics.js';

export const RESULTS_ROOT = 'bench-results';

function stamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace(/:/g, '-');
}

/** `2026-11-24T06-10-05-gpt-4o-mini-seaborn`: sorts by time, safe on every file system. */
export function runFolderName(date: Date, model: string, library: string): string {
  const safe = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
  return `${stamp(date)}-${safe(model)}-${safe(library)}`;
}

/** `2026-11-24T06-10-05-compare-libraries`: a comparison along one dimension (its plural). */
export function compareFolderName(date: Date, dimension: string): string {
  return `${stamp(date)}-compare-${dimension}`;
}

export interface RunFolder {
  kind: 'run' | 'compare';
  path: string;
  name: string;
  modifiedMs: number;
  /** summary.json when it exists and parses (a run). */
  summary?: Summary;
  /** The cells' summaries that parse (a comparison). */
  cells?: Summary[];
}

const COMPARE_MD = 'compare.md';

/** A folder holds a run when it has results.jsonl or summary.json. */
export function isRunFolder(dir: string): boolean {
  return existsSync(join(dir, 'results.jsonl')) || existsSync(join(dir, 'summary.json'));
}

/** A folder holds a comparison (`bench compare`, "Compare on PandasPlotBench…") when it has compare.md. */
export function isCompareFolder(dir: string): boolean {
  return existsSync(join(dir, COMPARE_MD));
}

/** The cell folders compare.md lists that hold a run, in its order. */
export function compareCellDirs(dir: string): string[] {
  let text: string;
  try {
    text = readFileSync(join(dir, COMPARE_MD), 'utf8');
  } catch {
    return [];
  }
  const listed = [...text.matchAll(/^- `([^`/]+)\/`$/gm)].map((m) => m[1] as string);
  return listed.filter((name) => !name.startsWith('.') && isRunFolder(join(dir, name)));
}

/** compare.md says the comparison was cancelled. */
export function isPartialCompare(dir: string): boolean {
  try {
    return /^# .*\(cancelled: partial\)/m.test(readFileSync(join(dir, COMPARE_MD), 'utf8'));
  } catch {
    return false;
  }
}

/** Runs and comparisons directly under `root` and one level deeper (compare's cells), newest first. */
export function listRunFolders(root: string, limit = 30): RunFolder[] {
  const found: RunFolder[] = [];
  const visit = (dir: string, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      if (name.startsWith('.') || !statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
        continue;
      }
      if (isRunFolder(path)) {
        found.push({ kind: 'run', path, name: depth === 0 ? name : `${dir.slice(root.length + 1)}/${name}`, modifiedMs: modified(path), ...readSummary(path) });
      } else if (depth === 0) {
        if (isCompareFolder(path)) {
          const cells = compareCellDirs(path).flatMap((cell) => readSummary(join(path, cell)).summary ?? []);
          found.push({ kind: 'compare', path, name, modifiedMs: statSync(join(path, COMPARE_MD)).mtimeMs, cells });
        }
        visit(path, 1);
      }
    }
  };
  visit(root, 0);
  return found.sort((a, b) => b.modifiedMs - a.modifiedMs).slice(0, limit);
}

function modified(dir: string): number {
  const times = ['results.jsonl', 'summary.json'].map((f) => statSync(join(dir, f), { throwIfNoEntry: false })?.mtimeMs ?? 0);
  return Math.max(...times);
}

export function readSummary(dir: string): { summary?: Summary } {
  try {
    return { summary: JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary };
  } catch {
    return {};
  }
}

// Results folders of benchmark runs: the default name of a new one, and the finished or partial runs
// under a folder (newest first) for "Open Benchmark Report".
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Summary } from './metrics.js';

export const RESULTS_ROOT = 'bench-results';

/** `2026-11-24T06-10-05-gpt-4o-mini-seaborn`: sorts by time, safe on every file system. */
export function runFolderName(date: Date, model: string, library: string): string {
  const stamp = date.toISOString().slice(0, 19).replace(/:/g, '-');
  const safe = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
  return `${stamp}-${safe(model)}-${safe(library)}`;
}

export interface RunFolder {
  path: string;
  name: string;
  modifiedMs: number;
  /** summary.json when it exists and parses. */
  summary?: Summary;
}

/** A folder holds a run when it has results.jsonl or summary.json. */
export function isRunFolder(dir: string): boolean {
  return existsSync(join(dir, 'results.jsonl')) || existsSync(join(dir, 'summary.json'));
}

/** Runs directly under `root` and one level deeper (compare's cells), newest first. */
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
        found.push({ path, name: depth === 0 ? name : `${dir.slice(root.length + 1)}/${name}`, modifiedMs: modified(path), ...readSummary(path) });
      } else if (depth === 0) {
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

function readSummary(dir: string): { summary?: Summary } {
  try {
    return { summary: JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary };
  } catch {
    return {};
  }
}

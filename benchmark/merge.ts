// `plotwright bench merge`: result folders of one run configuration (shards of it, or runs on several
// machines) combined into one folder with one summary and report. Folders whose run.json differs in
// anything but the shard are refused, naming the difference; two records of the same item × repeat
// are refused too (they would be counted twice or hide each other).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readResults, type Summary } from './metrics.js';
import { BenchmarkConfigError, configDifferences, readRunConfig, resultsPath, writeSummaryOf, type ResultLine, type RunConfig } from './resultStore.js';

export interface MergeResult {
  summary: Summary;
  outDir: string;
  records: number;
  /** item × repeat runs the configuration asks for (itemIds × repeats). */
  expected: number;
  /** The ones no folder has. */
  missing: Array<{ id: number; repeat: number }>;
}

function linesOf(dir: string): ResultLine[] {
  const path = resultsPath(dir);
  // Later lines win for the same item × repeat within one folder, as in readResults.
  const byKey = new Map<string, ResultLine>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') {
      continue;
    }
    try {
      const record = JSON.parse(line) as ResultLine;
      byKey.set(`${record.id}:${record.repeat}`, record);
    } catch {
      // A cut-off last line (a crash mid-write) is no record.
    }
  }
  return [...byKey.values()];
}

export async function mergeRuns(dirs: readonly string[], outDir: string): Promise<MergeResult> {
  if (dirs.length === 0) {
    throw new BenchmarkConfigError('bench merge needs at least one results folder');
  }
  const out = resolve(outDir);
  const folders = dirs.map((d) => resolve(d));
  if (folders.includes(out)) {
    throw new BenchmarkConfigError(`--out ${out} is one of the folders to merge: choose a new folder`);
  }
  let reference: { dir: string; config: Partial<RunConfig> } | undefined;
  for (const dir of folders) {
    if (!existsSync(resultsPath(dir))) {
      throw new BenchmarkConfigError(`${dir} holds no results.jsonl`);
    }
    const config = readRunConfig(dir);
    if (!config) {
      throw new BenchmarkConfigError(`${dir} has no readable run.json, so its configuration cannot be checked`);
    }
    if (!reference) {
      reference = { dir, config };
      continue;
    }
    const differences = configDifferences(reference.config, config, ['shard']);
    if (differences.length > 0) {
      throw new BenchmarkConfigError(`${dir} was run with other settings than ${reference.dir} (${differences.join('; ')}): only runs of one configuration merge`);
    }
  }
  const config = (reference as { config: Partial<RunConfig> }).config;
  const seen = new Map<string, string>();
  const records: ResultLine[] = [];
  for (const dir of folders) {
    await readResults(resultsPath(dir)); // validates the file (throws on a missing one)
    for (const record of linesOf(dir)) {
      const key = `${record.id}:${record.repeat}`;
      const other = seen.get(key);
      if (other) {
        throw new BenchmarkConfigError(`item ${record.id} repeat ${record.repeat} is in both ${other} and ${dir}: merge folders of disjoint shards`);
      }
      seen.set(key, dir);
      records.push(record);
    }
  }
  records.sort((a, b) => a.id - b.id || a.repeat - b.repeat);
  mkdirSync(join(out, 'plots'), { recursive: true });
  mkdirSync(join(out, 'gt'), { recursive: true });
  if (existsSync(resultsPath(out))) {
    throw new BenchmarkConfigError(`${out} already holds results.jsonl: merge into a new folder`);
  }
  for (const dir of folders) {
    for (const sub of ['plots', 'gt']) {
      const from = join(dir, sub);
      if (existsSync(from)) {
        for (const name of readdirSync(from)) {
          copyFileSync(join(from, name), join(out, sub, name));
        }
      }
    }
  }
  writeFileSync(resultsPath(out), records.map((r) => JSON.stringify(r)).join('\n') + (records.length > 0 ? '\n' : ''));
  writeFileSync(join(out, 'run.json'), `${JSON.stringify({ ...config, shard: null, mergedFrom: folders, startedAt: undefined }, null, 2)}\n`);
  const parsed = (await readResults(resultsPath(out))).records;
  const summary = writeSummaryOf(out, parsed, {
    model: config.model ?? '',
    taskVariant: config.taskVariant ?? '',
    descriptor: config.descriptor ?? '',
    library: config.library ?? '',
    visualCheck: config.visualCheck ?? 0,
  });
  const repeats = config.repeats ?? 1;
  const missing = (config.itemIds ?? []).flatMap((id) => Array.from({ length: repeats }, (_, repeat) => ({ id, repeat }))).filter((k) => !seen.has(`${k.id}:${k.repeat}`));
  return { summary, outDir: out, records: records.length, expected: (config.itemIds?.length ?? 0) * repeats, missing };
}

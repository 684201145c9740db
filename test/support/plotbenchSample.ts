// Real PandasPlotBench tasks and CSVs from ../shared (read in place, never copied into the project).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const SHARED_DIR = resolve(import.meta.dirname, '..', '..', '..', 'shared');
export const SAMPLE_PATH = join(SHARED_DIR, 'plotbench-sample', 'items.jsonl');

export interface SampleItem {
  id: number;
  data_csv: string;
  task__plot_description: string;
  task__plot_style: string;
  _task__plot_description_short: string;
  _task__plot_description_short_single: string;
}

export function sampleItems(): SampleItem[] {
  if (!existsSync(SAMPLE_PATH)) {
    throw new Error(`The PandasPlotBench sample is missing: expected ${SAMPLE_PATH} (../shared beside the repository)`);
  }
  return readFileSync(SAMPLE_PATH, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as SampleItem);
}

export function sampleItem(id: number): SampleItem {
  const item = sampleItems().find((i) => i.id === id);
  if (!item) {
    throw new Error(`item ${id} is not in the sample`);
  }
  return item;
}

/** Writes the item's CSV into a fresh temporary folder and returns its path. */
export function writeSampleCsv(item: SampleItem): string {
  const dir = mkdtempSync(join(tmpdir(), `pw-item-${item.id}-`));
  const path = join(dir, 'data.csv');
  writeFileSync(path, item.data_csv);
  return path;
}

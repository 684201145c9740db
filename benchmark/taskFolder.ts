// The user's own benchmark: a folder of tasks collected from accepted Plotwright cells
// (`.plotwright/tasks/` of a workspace), each a PandasPlotBench item, so `plotwright bench --dataset
// <folder>` and the palette's comparison run on it with the same judges and scores.
//   task-0001/item.json   the PandasPlotBench row (what the benchmark reads)
//   task-0001/meta.json   where it came from and how the snapshot was capped (the folder's index)
//   task-0001/plot.png    the ground-truth plot, to look at (item.json holds it too)
// Ids are claimed by creating the task's folder, so two writers never share one; item.json is written
// last, by rename, so a reader never sees half a task.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { snapshotLoaderCode, type DataFrameSnapshot } from '../src/core/dataFrameSnapshot.js';
import type { DatasetRowError, PlotBenchItem } from './dataset.js';

/** Where a workspace keeps its collected tasks, relative to the workspace folder. */
export const TASKS_FOLDER = '.plotwright/tasks';
export const TASK_ITEM_FILE = 'item.json';
export const TASK_META_FILE = 'meta.json';

const TASK_DIR = /^task-(\d+)$/;

export interface CollectedTask {
  /** The user's sentence. */
  task: string;
  /** What the model got when the task was shortened first; default the task. */
  shortTask?: string;
  /** The accepted cell's source, as the user kept it. */
  cellSource: string;
  /** The notebook's name for the DataFrame. */
  variable: string;
  snapshot: DataFrameSnapshot;
  /** The cell's plot; undefined when it has none as PNG (the task then has no visual reference). */
  png?: Buffer;
  model: string;
  library: string;
  /** The notebook it came from (a path or URI), for the user's reference. */
  notebook?: string;
  created?: Date;
}

/** The index entry of one task (meta.json). */
export interface TaskMeta {
  id: number;
  task: string;
  model: string;
  library: string;
  notebook: string | null;
  created: string;
  variable: string;
  rows: number;
  columns: number;
  keptRows: number;
  bytes: number;
  /** Why rows were left out; null when the snapshot holds every row. */
  capNote: string | null;
  hasPng: boolean;
  /** sha256 of task, code and data: the same task collected twice has the same one. */
  fingerprint: string;
}

export interface WrittenTask {
  id: number;
  dir: string;
  meta: TaskMeta;
  /** An earlier task with the same task text, code and data (this one still gets its own id). */
  duplicateOf?: number;
}

/** The cell's code without Plotwright's header comments (the task and model lines it writes on top). */
export function stripPlotwrightHeader(source: string): string {
  const lines = source.split('\n');
  let start = 0;
  while (start < lines.length && /^#\s*(Plotwright:|model:)/.test(lines[start])) {
    start++;
  }
  return lines.slice(start).join('\n').trim();
}

/** `code_plot`: the accepted code, run where the item's loader has made `df`. */
export function groundTruthCode(cellSource: string, variable: string): string {
  const code = stripPlotwrightHeader(cellSource);
  // The benchmark loads the data as `df`: the notebook's own name points at it.
  return variable === 'df' ? code : `${variable} = df\n${code}`;
}

export function taskItem(id: number, task: CollectedTask): PlotBenchItem {
  const short = (task.shortTask ?? task.task).trim();
  return {
    id,
    code_plot: groundTruthCode(task.cellSource, task.variable),
    code_data: snapshotLoaderCode(task.snapshot),
    data_csv: task.snapshot.csv,
    task__plot_description: task.task.trim(),
    task__plot_style: '',
    _task__plot_description_short: short,
    _task__plot_description_short_single: short,
    plots_gt: task.png ? [task.png.toString('base64')] : [],
  };
}

function fingerprint(item: PlotBenchItem): string {
  return createHash('sha256').update(JSON.stringify([item.task__plot_description, item.code_plot, item.code_data, item.data_csv])).digest('hex');
}

function taskDirName(id: number): string {
  return `task-${String(id).padStart(4, '0')}`;
}

/** The folder's index: the meta.json of every complete task (one with item.json), by id. */
export function listTasks(root: string): TaskMeta[] {
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    return [];
  }
  const tasks: TaskMeta[] = [];
  for (const name of readdirSync(root)) {
    if (!TASK_DIR.test(name) || !existsSync(join(root, name, TASK_ITEM_FILE))) {
      continue;
    }
    try {
      tasks.push(JSON.parse(readFileSync(join(root, name, TASK_META_FILE), 'utf8')) as TaskMeta);
    } catch {
      // A task without a readable meta.json still counts for the benchmark, not for the index.
    }
  }
  return tasks.sort((a, b) => a.id - b.id);
}

/** Ids taken by a folder, complete or not (a claimed id is never reused). */
function takenIds(root: string): number[] {
  return existsSync(root)
    ? readdirSync(root)
        .map((name) => TASK_DIR.exec(name)?.[1])
        .filter((id): id is string => id !== undefined)
        .map(Number)
    : [];
}

async function writeAtomic(path: string, data: string | Buffer): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

const FOLDER_README = `# Plotwright tasks

Each \`task-NNNN/\` folder is a plot you accepted in a notebook while \`plotwright.collectTasks\` was on:
\`item.json\` is a PandasPlotBench item (the task, a capped CSV snapshot of the DataFrame, the accepted code
as \`code_plot\` and its PNG as \`plots_gt\`), \`meta.json\` says where it came from and whether the snapshot
was capped, \`plot.png\` is the plot to look at. Nothing here leaves your machine unless you send it.

Benchmark models on these tasks with \`plotwright bench --dataset .plotwright/tasks\` or
"Plotwright: Compare on PandasPlotBench…" → "My tasks". Delete a folder to drop a task.
`;

/** Writes a new task with the next free id; the same task collected again gets a new id and names the first. */
export async function writeTask(root: string, task: CollectedTask): Promise<WrittenTask> {
  await mkdir(root, { recursive: true });
  if (!existsSync(join(root, 'README.md'))) {
    await writeFile(join(root, 'README.md'), FOLDER_README);
  }
  const existing = listTasks(root);
  let id = Math.max(0, ...takenIds(root)) + 1;
  let dir = join(root, taskDirName(id));
  for (;;) {
    try {
      await mkdir(dir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
      id++;
      dir = join(root, taskDirName(id));
    }
  }
  const item = taskItem(id, task);
  const meta: TaskMeta = {
    id,
    task: item.task__plot_description,
    model: task.model,
    library: task.library,
    notebook: task.notebook ?? null,
    created: (task.created ?? new Date()).toISOString(),
    variable: task.variable,
    rows: task.snapshot.rows,
    columns: task.snapshot.columns,
    keptRows: task.snapshot.keptRows,
    bytes: task.snapshot.bytes,
    capNote: task.snapshot.capNote ?? null,
    hasPng: task.png !== undefined,
    fingerprint: fingerprint(item),
  };
  try {
    if (task.png) {
      await writeFile(join(dir, 'plot.png'), task.png);
    }
    await writeFile(join(dir, TASK_META_FILE), `${JSON.stringify(meta, null, 2)}\n`);
    await writeAtomic(join(dir, TASK_ITEM_FILE), `${JSON.stringify(item)}\n`);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const duplicateOf = existing.find((other) => other.fingerprint === meta.fingerprint)?.id;
  return { id, dir, meta, ...(duplicateOf === undefined ? {} : { duplicateOf }) };
}

/** The rows of a task folder for the dataset loader: every task-NNNN/item.json, by id. */
export async function readTaskFolder(root: string): Promise<{ rows: Array<{ index: number; row: unknown }>; errors: DatasetRowError[] }> {
  const names = readdirSync(root)
    .filter((name) => TASK_DIR.test(name) && existsSync(join(root, name, TASK_ITEM_FILE)))
    .sort((a, b) => Number(TASK_DIR.exec(a)?.[1]) - Number(TASK_DIR.exec(b)?.[1]));
  const rows: Array<{ index: number; row: unknown }> = [];
  const errors: DatasetRowError[] = [];
  for (const [index, name] of names.entries()) {
    const path = join(root, name, TASK_ITEM_FILE);
    try {
      rows.push({ index, row: JSON.parse(await readFile(path, 'utf8')) });
    } catch (error) {
      errors.push({ index, message: `${path}: invalid JSON (${(error as Error).message})` });
    }
  }
  return { rows, errors };
}

// PandasPlotBench dataset: row schema, loaders for the Hub / parquet / jsonl / json, and task texts.
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { z } from 'zod';
import { readTaskFolder } from './taskFolder.js';

export const DEFAULT_HF_REPO = 'JetBrains-Research/PandasPlotBench';
export const DEFAULT_HF_ENDPOINT = 'https://huggingface.co';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];
const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Parquet int64 arrives as bigint; the sample and the json exports use plain numbers. */
const idSchema = z.preprocess(
  (v) => (typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= 0n ? Number(v) : v),
  z.number().int().nonnegative(),
);

/** A ground-truth image: base64 text. Raw bytes from a binary parquet column are accepted too. */
const imageSchema = z.preprocess((v) => {
  if (v instanceof Uint8Array) {
    const isPng = PNG_SIGNATURE.every((b, i) => v[i] === b);
    return isPng ? Buffer.from(v).toString('base64') : utf8.decode(v);
  }
  return v;
}, z.string());

const textSchema = z.preprocess((v) => (v instanceof Uint8Array ? utf8.decode(v) : v), z.string());

export const plotBenchItemSchema = z.object({
  id: idSchema,
  code_plot: textSchema,
  code_data: textSchema,
  data_csv: textSchema,
  task__plot_description: textSchema,
  task__plot_style: textSchema,
  _task__plot_description_short: textSchema,
  _task__plot_description_short_single: textSchema,
  plots_gt: z.array(imageSchema),
});

export type PlotBenchItem = z.infer<typeof plotBenchItemSchema>;

export interface DatasetRowError {
  /** 0-based position of the row in the source (line index for jsonl). */
  index: number;
  id?: number;
  message: string;
}

export interface LoadedDataset {
  items: PlotBenchItem[];
  errors: DatasetRowError[];
  /** The local file that was read (for `hf`: the cached parquet). */
  path: string;
}

export interface LoadDatasetOptions {
  /** Root of the download cache; default `$XDG_CACHE_HOME/plotwright/datasets` or `~/.cache/plotwright/datasets`. */
  cacheDir?: string;
  fetch?: typeof globalThis.fetch;
  signal?: AbortSignal;
  /** Hub endpoint; default `HF_ENDPOINT` or https://huggingface.co (as huggingface_hub does). */
  endpoint?: string;
  /** Bearer token; default `HF_TOKEN` (or the legacy `HUGGING_FACE_HUB_TOKEN`). */
  token?: string;
  /** Download again even when the cache holds the file. */
  refresh?: boolean;
  /** Progress lines (download URL, cache path). */
  log?: (message: string) => void;
}

export type DatasetSource =
  | { kind: 'hf'; repo: string }
  | { kind: 'parquet' | 'jsonl' | 'json'; path: string }
  /** A folder of collected tasks (benchmark/taskFolder.ts), e.g. a workspace's .plotwright/tasks. */
  | { kind: 'folder'; path: string };

/** `hf`, `hf:<owner/name>`, a path ending in .parquet, .jsonl or .json, or a folder of collected tasks. */
export function parseDatasetSource(source: string): DatasetSource {
  if (source === 'hf') {
    return { kind: 'hf', repo: DEFAULT_HF_REPO };
  }
  if (source.startsWith('hf:')) {
    const repo = source.slice(3).trim();
    if (!/^[\w.-]+\/[\w.-]+$/.test(repo)) {
      throw new Error(`invalid dataset source "${source}": expected hf:<owner>/<name>`);
    }
    return { kind: 'hf', repo };
  }
  if (existsSync(source) && statSync(source).isDirectory()) {
    return { kind: 'folder', path: resolve(source) };
  }
  const ext = extname(source).toLowerCase();
  if (ext === '.parquet' || ext === '.jsonl' || ext === '.json') {
    return { kind: ext.slice(1) as 'parquet' | 'jsonl' | 'json', path: resolve(source) };
  }
  throw new Error(`unsupported dataset source "${source}": use hf, hf:<owner>/<name>, a .parquet, .jsonl or .json file, or a folder of collected tasks`);
}

export async function loadDataset(source: string, options: LoadDatasetOptions = {}): Promise<LoadedDataset> {
  const parsed = parseDatasetSource(source);
  if (parsed.kind === 'hf') {
    const files = await ensureHubParquet(parsed.repo, options);
    const rows: unknown[] = [];
    for (const file of files) {
      rows.push(...(await readParquetRows(file)));
    }
    return { ...validateRows(rows.map((row, index) => ({ index, row }))), path: files[0] };
  }
  if (!existsSync(parsed.path)) {
    throw new Error(`dataset file not found: ${parsed.path}`);
  }
  if (parsed.kind === 'folder') {
    const { rows, errors } = await readTaskFolder(parsed.path);
    return { ...validateRows(rows, errors), path: parsed.path };
  }
  if (parsed.kind === 'parquet') {
    const rows = await readParquetRows(parsed.path);
    return { ...validateRows(rows.map((row, index) => ({ index, row }))), path: parsed.path };
  }
  const text = await readFile(parsed.path, 'utf8');
  if (parsed.kind === 'jsonl') {
    return { ...parseJsonl(text), path: parsed.path };
  }
  return { ...parseJsonDocument(text, parsed.path), path: parsed.path };
}

// ---------------------------------------------------------------------------------------------
// Validation

interface RawRow {
  index: number;
  row: unknown;
}

function validateRows(rows: RawRow[], preErrors: DatasetRowError[] = []): Omit<LoadedDataset, 'path'> {
  const items: PlotBenchItem[] = [];
  const errors = [...preErrors];
  for (const { index, row } of rows) {
    const result = plotBenchItemSchema.safeParse(row);
    if (result.success) {
      items.push(result.data);
    } else {
      const id = rowId(row);
      errors.push({ index, ...(id === undefined ? {} : { id }), message: describeIssues(result.error.issues, row) });
    }
  }
  errors.sort((a, b) => a.index - b.index);
  return { items, errors };
}

function rowId(row: unknown): number | undefined {
  if (row === null || typeof row !== 'object') {
    return undefined;
  }
  const id = (row as Record<string, unknown>).id;
  if (typeof id === 'number' && Number.isFinite(id)) {
    return id;
  }
  if (typeof id === 'bigint') {
    return Number(id);
  }
  return undefined;
}

function typeName(v: unknown): string {
  if (v === null) {
    return 'null';
  }
  if (Array.isArray(v)) {
    return 'array';
  }
  if (v instanceof Uint8Array) {
    return 'bytes';
  }
  return typeof v;
}

function valueAt(row: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = row;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') {
      return undefined;
    }
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}

/** One readable sentence per problem: which field, what was expected, what was found. */
function describeIssues(issues: readonly z.core.$ZodIssue[], row: unknown): string {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    return `row is ${typeName(row)}, expected an object with the PandasPlotBench fields`;
  }
  return issues
    .map((issue) => {
      const field = formatPath(issue.path) || '(row)';
      const actual = valueAt(row, issue.path);
      if (actual === undefined && issue.code === 'invalid_type') {
        // Parquet readers leave a null column value as an own property set to undefined.
        const parent = valueAt(row, issue.path.slice(0, -1));
        const present = parent !== null && typeof parent === 'object' && Object.hasOwn(parent, issue.path[issue.path.length - 1]);
        return present ? `field "${field}": expected ${issue.expected}, got null` : `field "${field}" is missing`;
      }
      if (issue.code === 'invalid_type') {
        return `field "${field}": expected ${issue.expected}, got ${typeName(actual)}`;
      }
      return `field "${field}": ${issue.message}`;
    })
    .join('; ');
}

// ---------------------------------------------------------------------------------------------
// Local formats

function parseJsonl(text: string): Omit<LoadedDataset, 'path'> {
  const rows: RawRow[] = [];
  const errors: DatasetRowError[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') {
      return;
    }
    try {
      rows.push({ index, row: JSON.parse(line) });
    } catch (e) {
      errors.push({ index, message: `line ${index + 1}: invalid JSON (${(e as Error).message})` });
    }
  });
  return validateRows(rows, errors);
}

/** A JSON array of rows, `{rows|data: [...]}`, or a pandas-style column object (`{col: [...]}` / `{col: {idx: v}}`). */
function parseJsonDocument(text: string, path: string): Omit<LoadedDataset, 'path'> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: invalid JSON (${(e as Error).message})`);
  }
  if (Array.isArray(doc)) {
    return validateRows(doc.map((row, index) => ({ index, row })));
  }
  if (doc !== null && typeof doc === 'object') {
    const obj = doc as Record<string, unknown>;
    for (const key of ['rows', 'data', 'items']) {
      if (Array.isArray(obj[key])) {
        return validateRows((obj[key] as unknown[]).map((row, index) => ({ index, row })));
      }
    }
    const columns = Object.entries(obj);
    if (columns.length > 0 && columns.every(([, v]) => v !== null && typeof v === 'object')) {
      return validateRows(columnsToRows(columns as [string, object][]).map((row, index) => ({ index, row })));
    }
  }
  throw new Error(`${path}: expected a JSON array of rows or an object of columns`);
}

function columnsToRows(columns: [string, object][]): Record<string, unknown>[] {
  const keys = new Set<string>();
  for (const [, col] of columns) {
    for (const k of Object.keys(col)) {
      keys.add(k);
    }
  }
  const order = [...keys].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  return order.map((k) => Object.fromEntries(columns.map(([name, col]) => [name, (col as Record<string, unknown>)[k]])));
}

async function readParquetRows(path: string): Promise<unknown[]> {
  const buf = await readFile(path);
  const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  try {
    // utf8: false keeps unannotated BYTE_ARRAY (e.g. raw PNG bytes) as bytes; string columns still decode.
    return await parquetReadObjects({ file, compressors, rowFormat: 'object', utf8: false });
  } catch (e) {
    throw new Error(`could not read parquet file ${path}: ${(e as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Hugging Face Hub download with a visible cache

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.trim() !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'plotwright', 'datasets');
}

/** Where `hf:<repo>` is cached: `<cacheDir>/<owner>/<name>/test.parquet`. */
export function hubCachePath(repo: string, cacheDir = defaultCacheDir()): string {
  return join(cacheDir, ...repo.split('/'), 'test.parquet');
}

const OFFLINE_HINT = 'pass a local --dataset path.parquet/.jsonl';

class HubHttpError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    statusText: string,
  ) {
    super(`HTTP ${status} ${statusText}`.trim());
  }
}

/** Returns the local parquet files of the test split, downloading them once. */
export async function ensureHubParquet(repo: string, options: LoadDatasetOptions = {}): Promise<string[]> {
  const target = hubCachePath(repo, options.cacheDir ?? defaultCacheDir());
  const folder = dirname(target);
  const manifest = join(folder, 'test.shards.json');
  const log = options.log ?? (() => undefined);
  if (!options.refresh) {
    if (existsSync(target)) {
      log(`dataset: using cached ${target}`);
      return [target];
    }
    const paths = (await readManifest(manifest)).map((name) => join(folder, name));
    if (paths.length > 0 && paths.every((p) => existsSync(p))) {
      log(`dataset: using cached ${paths.join(', ')}`);
      return paths;
    }
  }

  const endpoint = (options.endpoint ?? process.env.HF_ENDPOINT ?? DEFAULT_HF_ENDPOINT).replace(/\/+$/, '');
  const token = options.token ?? process.env.HF_TOKEN ?? process.env.HUGGING_FACE_HUB_TOKEN;
  const http: HubHttp = { endpoint, token, fetch: options.fetch ?? globalThis.fetch, signal: options.signal };

  const urls = await resolveParquetUrls(repo, http);
  await mkdir(folder, { recursive: true });
  if (urls.length === 1) {
    log(`dataset: downloading ${urls[0]} -> ${target}`);
    await downloadAtomic(urls[0], target, http);
    return [target];
  }
  const names = urls.map((_, i) => `test-${String(i).padStart(5, '0')}.parquet`);
  for (let i = 0; i < urls.length; i++) {
    log(`dataset: downloading ${urls[i]} -> ${join(folder, names[i])}`);
    await downloadAtomic(urls[i], join(folder, names[i]), http);
  }
  await writeAtomic(manifest, Buffer.from(JSON.stringify(names)));
  return names.map((n) => join(folder, n));
}

/** Shard names of a multi-file split; an unreadable manifest means "not cached". */
async function readManifest(path: string): Promise<string[]> {
  try {
    const names: unknown = JSON.parse(await readFile(path, 'utf8'));
    return Array.isArray(names) && names.every((n) => typeof n === 'string' && !n.includes('/') && !n.includes('\\'))
      ? names
      : [];
  } catch {
    return [];
  }
}

interface HubHttp {
  endpoint: string;
  token?: string;
  fetch: typeof globalThis.fetch;
  signal?: AbortSignal;
}

function offlineError(url: string, cause: unknown): Error {
  const reason =
    cause instanceof HubHttpError
      ? cause.status === 401 || cause.status === 403
        ? `${cause.message} (set HF_TOKEN if the dataset needs a login)`
        : cause.message
      : describeFetchFailure(cause);
  return new Error(`could not download ${url}: ${reason}; ${OFFLINE_HINT}`, { cause });
}

function describeFetchFailure(e: unknown): string {
  if (!(e instanceof Error)) {
    return String(e);
  }
  const cause = (e as Error & { cause?: unknown }).cause;
  const detail = cause instanceof Error ? ` (${(cause as NodeJS.ErrnoException).code ?? cause.message})` : '';
  return `${e.message}${detail}`;
}

async function hubGet(url: string, http: HubHttp): Promise<Response> {
  const headers: Record<string, string> = { 'user-agent': 'plotwright' };
  // Send the token only to the Hub itself, never to a host a listed URL points elsewhere.
  if (http.token && new URL(url).origin === new URL(http.endpoint).origin) {
    headers.authorization = `Bearer ${http.token}`;
  }
  const response = await http.fetch(url, { headers, signal: http.signal, redirect: 'follow' });
  if (!response.ok) {
    throw new HubHttpError(url, response.status, response.statusText);
  }
  return response;
}

function isAbort(e: unknown, signal?: AbortSignal): boolean {
  return Boolean(signal?.aborted) || (e instanceof Error && e.name === 'AbortError');
}

/** The datasets-server listing first; the `refs/convert/parquet` branch path if the listing is unavailable. */
async function resolveParquetUrls(repo: string, http: HubHttp): Promise<string[]> {
  const apiUrl = `${http.endpoint}/api/datasets/${repo}/parquet/default/test`;
  try {
    const response = await hubGet(apiUrl, http);
    const body: unknown = await response.json();
    const urls = Array.isArray(body) ? body.filter((u): u is string => typeof u === 'string' && u.length > 0) : [];
    if (urls.length > 0) {
      return urls;
    }
  } catch (e) {
    if (isAbort(e, http.signal)) {
      throw e;
    }
    if (!(e instanceof HubHttpError) && !(e instanceof SyntaxError)) {
      // The host is unreachable: the fallback URL would fail the same way.
      throw offlineError(apiUrl, e);
    }
    if (e instanceof HubHttpError && (e.status === 401 || e.status === 403)) {
      throw offlineError(apiUrl, e);
    }
  }
  return [`${http.endpoint}/datasets/${repo}/resolve/${encodeURIComponent('refs/convert/parquet')}/default/test/0000.parquet`];
}

async function downloadAtomic(url: string, dest: string, http: HubHttp): Promise<void> {
  let bytes: Buffer;
  try {
    const response = await hubGet(url, http);
    bytes = Buffer.from(await response.arrayBuffer());
  } catch (e) {
    if (isAbort(e, http.signal)) {
      throw e;
    }
    throw offlineError(url, e);
  }
  if (!isParquet(bytes)) {
    throw new Error(`could not download ${url}: the response is not a parquet file (${bytes.length} bytes); ${OFFLINE_HINT}`);
  }
  await writeAtomic(dest, bytes);
}

function isParquet(bytes: Uint8Array): boolean {
  const magic = 'PAR1';
  if (bytes.length < 12) {
    return false;
  }
  const head = Buffer.from(bytes.subarray(0, 4)).toString('latin1');
  const tail = Buffer.from(bytes.subarray(bytes.length - 4)).toString('latin1');
  return head === magic && tail === magic;
}

/** Write to a temporary sibling and rename, so a crash never leaves a half file under the real name. */
async function writeAtomic(dest: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${dest}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, dest);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Task texts

export type TaskVariant = 'full' | 'no-style' | 'short' | 'single' | 'none';
export const TASK_VARIANTS: readonly TaskVariant[] = ['full', 'no-style', 'short', 'single', 'none'];

/** What the benchmark's TaskShortner sends for the "empty" variant: no description at all. */
export const EMPTY_TASK_TEXT = 'Plot a given dataframe';

/**
 * The plot task of an item for one of the paper's task variants. The published strings often start
 * with a space or end with a newline; parts are trimmed and joined by a newline. As in the reference
 * TaskShortner, only `full` keeps the style description.
 */
export function taskText(item: PlotBenchItem, variant: TaskVariant): string {
  switch (variant) {
    case 'full':
      return [item.task__plot_description, item.task__plot_style]
        .map((s) => s.trim())
        .filter((s) => s !== '')
        .join('\n');
    case 'no-style':
      return item.task__plot_description.trim();
    case 'short':
      return item._task__plot_description_short.trim();
    case 'single':
      return item._task__plot_description_short_single.trim();
    case 'none':
      return EMPTY_TASK_TEXT;
  }
}

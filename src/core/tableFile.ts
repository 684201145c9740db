// A data file read without a kernel: sniffed once, described with arquero, and the pandas cell that
// loads it the same way in the kernel. The single entry point for Plot CSV File.
import { describeCsvText, describeRawColumns, type CsvDescribeOptions } from './csvDescription.js';
import type { DataFrameDescription } from './describe.js';
import { decodeText, sniffTable, UnreadableFileError, type JsonFormat, type TableFormat } from './tableFormat.js';
import { arqueroCsvInput, describeReading, explainLoadError, pandasLoadCode } from './tableReaders.js';

export interface TableFile {
  format: TableFormat;
  description: DataFrameDescription;
  /** The Python cell that loads the file into the variable. */
  loadCode: string;
  /** "read as Windows-1252, separated by semicolons", when the reading is not the default one. */
  reading?: string;
  /** One sentence for the Python error the load cell raised, or undefined when it is not a known one. */
  explainLoadError(error: { ename: string; evalue: string }): string | undefined;
}

/** Reads `bytes` (the whole file at `path`) and describes it as pandas will load it. Throws UnreadableFileError. */
export function readTableFile(bytes: Uint8Array, path: string, options: CsvDescribeOptions = {}): TableFile {
  const format = sniffTable(bytes, path);
  const variable = options.variable ?? 'df';
  let description: DataFrameDescription;
  if (format.kind === 'delimited') {
    const input = arqueroCsvInput(bytes, path, format);
    description = describeCsvText(input.text, { ...options, csv: input.options });
  } else if (format.kind === 'json') {
    const text = decodeText(bytes, format.encoding);
    description = describeJsonRows(parseJsonRows(text, path, format), text, path, options);
  } else {
    throw new UnreadableFileError(
      `${path} is a Parquet file, which Plot CSV File cannot describe before a kernel has loaded it: load it in a notebook with pd.read_parquet (needs pyarrow or fastparquet) and use Plot DataFrame… there.`,
    );
  }
  if (description.rows === 0) {
    throw new UnreadableFileError(`${path} has no rows of data: there is nothing to plot until rows are added.`);
  }
  return {
    format,
    description,
    loadCode: pandasLoadCode(path, format, variable),
    reading: describeReading(format),
    explainLoadError: (error) => explainLoadError(path, format, error),
  };
}

function parseJsonRows(text: string, path: string, format: JsonFormat): unknown[] {
  if (!format.lines) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new UnreadableFileError(`${path} is not valid JSON (${(error as Error).message}): fix the file or export it as CSV.`);
    }
    if (!Array.isArray(parsed)) {
      throw new UnreadableFileError(`${path} holds one JSON value, not an array of records: write it as [{...}, {...}] or as JSON lines (one object per line).`);
    }
    return parsed;
  }
  const rows: unknown[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) {
      return;
    }
    try {
      rows.push(JSON.parse(line));
    } catch {
      throw new UnreadableFileError(`${path}: line ${i + 1} is not one JSON object: JSON lines needs exactly one complete object per line.`);
    }
  });
  return rows;
}

/** The dtype pandas gives a column built from JSON values (read_json with dtype=False). */
export function jsonDtype(values: unknown[]): string {
  let ints = 0;
  let floats = 0;
  let bools = 0;
  let nulls = 0;
  let others = 0;
  for (const v of values) {
    if (v === null || v === undefined) {
      nulls++;
    } else if (typeof v === 'number') {
      if (Number.isInteger(v)) {
        ints++;
      } else {
        floats++;
      }
    } else if (typeof v === 'boolean') {
      bools++;
    } else {
      others++;
    }
  }
  if (others > 0 || (bools > 0 && (ints + floats + nulls > 0)) || nulls === values.length) {
    return 'object';
  }
  if (bools > 0) {
    return 'bool';
  }
  return floats > 0 || nulls > 0 ? 'float64' : 'int64';
}

function rawText(value: unknown): string | null {
  if (value === null || value === undefined) {
    return null;
  }
  if (typeof value === 'boolean') {
    return value ? 'True' : 'False';
  }
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/**
 * True when the JSON text writes some value of `key` as a float literal (1.0, 2e3): Python parses those
 * as floats where JavaScript sees integers.
 */
function writtenAsFloat(text: string, key: string): boolean {
  const name = JSON.stringify(key).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`${name}\\s*:\\s*-?\\d+(\\.\\d*|[eE][+-]?\\d+)`).test(text);
}

function describeJsonRows(rows: unknown[], text: string, path: string, options: CsvDescribeOptions): DataFrameDescription {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw new UnreadableFileError(`${path} holds a JSON record that is not an object: write each record as an object of column names to values, like {"x": 1, "y": 2}.`);
    }
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        names.push(key);
      }
    }
  }
  const values = names.map((name) => rows.map((row) => (row as Record<string, unknown>)[name]));
  const dtypes = values.map(jsonDtype).map((dtype, i) => (dtype === 'int64' && writtenAsFloat(text, names[i]) ? 'float64' : dtype));
  return describeRawColumns(
    names,
    values.map((column) => column.map(rawText)),
    dtypes,
    options,
  );
}

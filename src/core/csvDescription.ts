// Describes a CSV file the way the kernel would describe `pd.read_csv(path)`, before any kernel exists,
// so that the first prompt of "Plot CSV File" needs none. Types follow pandas' default inference.
import { fromCSV } from 'arquero';
import { DEFAULT_DESCRIBE_LIMITS, type ColumnSummary, type DataFrameDescription, type DescribeLimits, type DescriptorMode } from './describe.js';

// pandas' default missing-value markers.
const NA_VALUES = new Set(['', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN', '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null']);
const INTEGER = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|inf|Infinity)$/i;
const BOOLEAN = /^(True|False|TRUE|FALSE|true|false)$/;

export function isMissing(raw: string | null | undefined): boolean {
  return raw === null || raw === undefined || NA_VALUES.has(raw.trim());
}

/** The dtype pandas' read_csv gives a column of raw strings (its default inference, no date parsing). */
export function pandasDtype(values: ArrayLike<string | null | undefined>, decimal: '.' | ',' = '.'): string {
  let ints = 0;
  let floats = 0;
  let bools = 0;
  let nulls = 0;
  for (let i = 0; i < values.length; i++) {
    const raw = values[i];
    if (isMissing(raw)) {
      nulls++;
      continue;
    }
    const text = (raw as string).trim();
    // With decimal=',' a point is no number's part: "1.5" stays text, "1,5" is 1.5.
    const v = decimal === ',' ? (text.includes('.') ? '\u0000' : text.replace(',', '.')) : text;
    if (INTEGER.test(v)) {
      ints++;
    } else if (FLOAT.test(v)) {
      floats++;
    } else if (BOOLEAN.test(v)) {
      bools++;
    } else {
      return 'object';
    }
  }
  if (bools > 0) {
    return ints + floats > 0 || nulls > 0 ? 'object' : 'bool';
  }
  if (floats > 0 || nulls > 0) {
    return 'float64';
  }
  return ints > 0 ? 'int64' : 'float64';
}

/** Floats as pandas prints a column: scientific when any value is huge or tiny, else as many decimals as needed (≤ 6). */
export function formatFloatColumn(numbers: number[]): string[] {
  const finite = numbers.filter(Number.isFinite);
  const scientific = finite.some((n) => Math.abs(n) >= 1e6 || (n !== 0 && Math.abs(n) < 1e-6));
  if (scientific) {
    return numbers.map((n) =>
      Number.isFinite(n) ? n.toExponential(6).replace(/e([+-])(\d)$/, 'e$10$2') : 'NaN',
    );
  }
  const decimals = Math.max(1, ...finite.map((n) => (String(Number(n.toFixed(6))).split('.')[1] ?? '').length));
  return numbers.map((n) => (Number.isFinite(n) ? n.toFixed(decimals) : 'NaN'));
}

/**
 * A table as pandas' DataFrame.to_string() lays it out: an index column, every cell with a leading space
 * (a sign slot for numbers), columns right-aligned and joined by one space.
 */
export function formatTable(columns: string[], rows: string[][], numeric: boolean[] = columns.map(() => false)): string {
  const index = rows.map((_, i) => String(i));
  const indexWidth = Math.max(0, ...index.map((s) => s.length));
  const cells = rows.map((r) => r.map((cell) => (cell.startsWith('-') ? cell : ` ${cell}`)));
  // A numeric column's header keeps the sign slot too.
  const widths = columns.map((name, c) => Math.max(name.length + (numeric[c] ? 1 : 0), ...cells.map((r) => r[c].length)));
  const line = (first: string, values: string[]) =>
    [first.padEnd(indexWidth), ...values.map((cell, c) => cell.padStart(widths[c]))].join(' ');
  return [line('', columns), ...cells.map((r, i) => line(index[i], r))].join('\n');
}

/** pandas' to_string shows tabs and newlines inside a cell as escapes, keeping one row per line. */
function escapeControls(text: string): string {
  return text.replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

export interface CsvDescribeOptions {
  variable?: string;
  mode?: DescriptorMode;
  sampleRows?: boolean;
  limits?: DescribeLimits;
  /** arquero parse options (delimiter, names, rows to skip) from the file sniffer; default: comma-separated with a header. */
  csv?: { delimiter?: string; header?: boolean; names?: string[]; skip?: number; decimal?: '.' | ',' };
}

export function describeCsvText(text: string, options: CsvDescribeOptions = {}): DataFrameDescription {
  if (!text.trim()) {
    throw new Error('The CSV file is empty.');
  }
  // Raw strings: pandas' inference is applied below, not arquero's (which parses dates, and reads "0.0" as an integer).
  const table = fromCSV(text, { ...options.csv, autoType: false });
  const names = table.columnNames();
  const raw = names.map((name) => Array.from(table.array(name) as ArrayLike<string | null | undefined>, (v) => v ?? null));
  const decimal = options.csv?.decimal ?? '.';
  const dtypes = raw.map((column) => pandasDtype(column, decimal));
  // Numbers with decimal commas are read as pandas reads them: 1,5 is 1.5.
  const columns = raw.map((column, i) =>
    decimal === ',' && (dtypes[i] === 'float64' || dtypes[i] === 'int64') ? column.map((v) => v?.replace(',', '.') ?? null) : column,
  );
  return describeRawColumns(names, columns, dtypes, options);
}

/**
 * A description from columns of raw text values (null for missing) and their pandas dtypes: the layout
 * `describe.py` gives in the kernel.
 */
export function describeRawColumns(
  names: string[],
  columns: Array<Array<string | null>>,
  columnDtypes: string[],
  options: CsvDescribeOptions = {},
): DataFrameDescription {
  const variable = options.variable ?? 'df';
  const mode = options.mode ?? 'head';
  const limits = options.limits ?? DEFAULT_DESCRIBE_LIMITS;
  const rowCount = columns[0]?.length ?? 0;
  const shown = names.slice(0, limits.maxColumns);
  const dtypeCounts: Record<string, number> = {};
  const summaries: ColumnSummary[] = [];
  const dtypes = new Map<string, string>();
  const valuesOf = new Map<string, Array<string | null>>();
  names.forEach((name, i) => {
    const values = columns[i];
    const dtype = columnDtypes[i];
    dtypes.set(name, dtype);
    valuesOf.set(name, values);
    dtypeCounts[dtype] = (dtypeCounts[dtype] ?? 0) + 1;
    if (i >= limits.maxColumns) {
      return;
    }
    const summary: ColumnSummary = { name, dtype };
    // Statistics are values of the data: with sample rows off only the schema leaves the machine.
    if (mode === 'rich' && options.sampleRows !== false) {
      let nulls = 0;
      const distinct = new Set<unknown>();
      let min: number | undefined;
      let max: number | undefined;
      const numeric = dtype === 'int64' || dtype === 'float64';
      for (let r = 0; r < values.length; r++) {
        const raw = values[r];
        if (isMissing(raw)) {
          nulls++;
          continue;
        }
        const v = numeric ? Number(raw) : (raw as string);
        distinct.add(v);
        if (typeof v === 'number') {
          min = min === undefined ? v : Math.min(min, v);
          max = max === undefined ? v : Math.max(max, v);
        }
      }
      summary.nulls = nulls;
      summary.unique = distinct.size;
      if ((dtype === 'int64' || dtype === 'float64') && min !== undefined && max !== undefined) {
        summary.min = dtype === 'float64' ? String(min) : String(Math.round(min));
        summary.max = dtype === 'float64' ? String(max) : String(Math.round(max));
      }
    }
    summaries.push(summary);
  });

  let head: string | undefined;
  if (mode !== 'none' && options.sampleRows !== false) {
    const count = Math.min(5, rowCount);
    const clip = (s: string) => (s.length <= limits.maxCellChars ? s : `${s.slice(0, limits.maxCellChars - 1)}…`);
    const cells = shown.map((name) => {
      const dtype = dtypes.get(name);
      const raw = (valuesOf.get(name) ?? []).slice(0, count);
      if (dtype === 'float64') {
        const numbers = raw.map((v) => (isMissing(v) ? NaN : Number(v)));
        return formatFloatColumn(numbers);
      }
      return raw.map((v) => (isMissing(v) ? 'NaN' : escapeControls(clip(v as string))));
    });
    const rows = Array.from({ length: count }, (_, r) => cells.map((column) => column[r]));
    // pandas keeps a sign slot in the header of numeric and bool columns alike.
    const numeric = shown.map((name) => ['int64', 'float64', 'bool'].includes(dtypes.get(name) ?? ''));
    head = formatTable(shown, rows, numeric);
    if (head.length > limits.maxHeadChars) {
      head = `${head.slice(0, limits.maxHeadChars)}\n…`;
    }
  }
  return {
    variable,
    rows: rowCount,
    columns: names.length,
    columnSummaries: summaries,
    head,
    dtypeCounts,
    mode,
  };
}

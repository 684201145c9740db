// A size-capped CSV snapshot of a live DataFrame, asked of the user's kernel (the data stays on the
// machine): the rows are capped in the kernel, so a large frame never crosses the kernel channel whole.
// Capping keeps evenly spaced rows (first and last included), so the shape of the data survives better
// than with the first rows only. The loader code reads the CSV back with the same index and date columns.
const SNAPSHOT = '__PLOTWRIGHT_SNAPSHOT__';

export interface SnapshotLimits {
  /** At most this many data rows. */
  maxRows: number;
  /** At most this many bytes of CSV (UTF-8), header included. */
  maxBytes: number;
}

export const DEFAULT_SNAPSHOT_LIMITS: SnapshotLimits = { maxRows: 10_000, maxBytes: 1_000_000 };

export interface DataFrameSnapshot {
  csv: string;
  /** Rows of the DataFrame. */
  rows: number;
  columns: number;
  /** Rows in the CSV. */
  keptRows: number;
  bytes: number;
  /** 0-based CSV column positions holding dates (the index's included), for read_csv's parse_dates. */
  dateColumns: number[];
  /** Index levels written as the CSV's first columns; 0 for a default RangeIndex (not written). */
  indexLevels: number;
  /** Why rows were left out; undefined when the snapshot holds every row. */
  capNote?: string;
}

/** Thrown when the kernel's answer says no snapshot can be made (e.g. one row alone is over the byte cap). */
export class SnapshotError extends Error {}

/** Python that prints one marked JSON line with the snapshot of `variable`, and leaves no names behind. */
export function snapshotCode(variable: string, limits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS): string {
  return `def _plotwright_snapshot(frame, max_rows, max_bytes):
    import pandas as pd
    total = int(frame.shape[0])
    index = frame.index
    default_index = isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
    levels = 0 if default_index else int(index.nlevels)
    def pick(n):
        if n >= total:
            return frame
        if n <= 1:
            return frame.iloc[:1]
        positions = sorted({round(i * (total - 1) / (n - 1)) for i in range(n)})
        return frame.iloc[positions]
    n = min(total, max_rows)
    while True:
        text = pick(n).to_csv(index=not default_index)
        size = len(text.encode("utf-8"))
        if size <= max_bytes or n <= 1:
            break
        n = max(1, min(n - 1, int(n * max_bytes / size * 0.95)))
    if size > max_bytes:
        return {"error": "even one row makes %d bytes of CSV, over the %d-byte cap" % (size, max_bytes)}
    dates = []
    if levels:
        for level in range(levels):
            if pd.api.types.is_datetime64_any_dtype(index.get_level_values(level)):
                dates.append(level)
    for position, dtype in enumerate(frame.dtypes):
        if pd.api.types.is_datetime64_any_dtype(dtype):
            dates.append(levels + position)
    return {"csv": text, "rows": total, "columns": int(frame.shape[1]), "keptRows": min(n, total), "bytes": size,
            "dateColumns": dates, "indexLevels": levels}
try:
    print(${JSON.stringify(SNAPSHOT)} + __import__("json").dumps(_plotwright_snapshot(${checkedVariable(variable)}, ${Math.max(1, Math.floor(limits.maxRows))}, ${Math.max(1, Math.floor(limits.maxBytes))})))
finally:
    del _plotwright_snapshot
`;
}

/** The snapshot from the query's stdout; the note says what the cap left out. */
export function parseSnapshot(stdout: string, limits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS): DataFrameSnapshot {
  const line = stdout.split('\n').find((l) => l.startsWith(SNAPSHOT));
  if (!line) {
    throw new SnapshotError('the kernel did not answer the snapshot query');
  }
  const answer = JSON.parse(line.slice(SNAPSHOT.length)) as Omit<DataFrameSnapshot, 'capNote'> & { error?: string };
  if (answer.error) {
    throw new SnapshotError(answer.error);
  }
  const snapshot: DataFrameSnapshot = { ...answer };
  if (answer.keptRows < answer.rows) {
    const cap = answer.keptRows < Math.min(answer.rows, limits.maxRows) ? `${limits.maxBytes.toLocaleString('en-US')}-byte` : `${limits.maxRows.toLocaleString('en-US')}-row`;
    snapshot.capNote =
      `The DataFrame has ${answer.rows.toLocaleString('en-US')} rows; the snapshot keeps ${answer.keptRows.toLocaleString('en-US')} evenly spaced rows ` +
      `(${cap} cap), while the ground-truth plot was drawn from all of them.`;
  }
  return snapshot;
}

/** The item's `code_data`: reads data.csv back into `df` with the snapshot's index and date columns. */
export function snapshotLoaderCode(snapshot: Pick<DataFrameSnapshot, 'indexLevels' | 'dateColumns'>): string {
  const args = ['"data.csv"'];
  if (snapshot.indexLevels === 1) {
    args.push('index_col=0');
  } else if (snapshot.indexLevels > 1) {
    args.push(`index_col=[${Array.from({ length: snapshot.indexLevels }, (_, i) => i).join(', ')}]`);
  }
  if (snapshot.dateColumns.length > 0) {
    args.push(`parse_dates=[${snapshot.dateColumns.join(', ')}]`);
  }
  return `import pandas as pd\ndf = pd.read_csv(${args.join(', ')})`;
}

/** The variable as Python source: a name that is not an identifier is refused before any code runs. */
function checkedVariable(variable: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
    throw new SnapshotError(`'${variable}' is not a Python variable name`);
  }
  return variable;
}

// DataFrame description: Python that runs in the kernel where the frame lives (so only a bounded
// summary leaves it), and the text the prompt shows.

export type DescriptorMode = 'head' | 'rich' | 'none';

export interface ColumnSummary {
  name: string;
  dtype: string;
  /** rich mode only */
  nulls?: number;
  unique?: number;
  min?: string;
  max?: string;
}

export interface DataFrameDescription {
  variable: string;
  rows: number;
  columns: number;
  /** At most `maxColumns` entries; `columns` says how many there are. */
  columnSummaries: ColumnSummary[];
  /** df.head(5) as text, or undefined when sample rows are not sent. */
  head?: string;
  /** dtype → count over all columns, for frames wider than maxColumns. */
  dtypeCounts: Record<string, number>;
  mode: DescriptorMode;
}

export interface DescribeLimits {
  /** Columns listed one by one and shown in head(5). */
  maxColumns: number;
  /** Characters of a single cell in head(5). */
  maxCellChars: number;
  /** Characters of the whole head(5) text. */
  maxHeadChars: number;
}

export const DEFAULT_DESCRIBE_LIMITS: DescribeLimits = { maxColumns: 40, maxCellChars: 40, maxHeadChars: 4000 };

const MARKER = '__PLOTWRIGHT_DESCRIPTION__';

/**
 * Python that prints one marked JSON line describing `variable`. It defines nothing in the
 * user's namespace: everything lives inside a function that deletes itself.
 */
export function describeCode(
  variable: string,
  mode: DescriptorMode,
  options: { sampleRows?: boolean; limits?: DescribeLimits } = {},
): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
    throw new Error(`'${variable}' is not a Python variable name`);
  }
  const limits = options.limits ?? DEFAULT_DESCRIBE_LIMITS;
  const args = JSON.stringify({
    mode,
    sample: options.sampleRows ?? true,
    maxColumns: limits.maxColumns,
    maxCellChars: limits.maxCellChars,
    maxHeadChars: limits.maxHeadChars,
  });
  return `def _plotwright_describe(frame, args):
    import json as _json
    try:
        import pandas as _pd
    except ImportError:
        return {"error": "pandas is not installed in this kernel"}
    if not isinstance(frame, _pd.DataFrame):
        return {"error": "'${variable}' is a " + type(frame).__name__ + ", not a pandas DataFrame"}
    limit = args["maxColumns"]
    dtypes = frame.dtypes
    counts = {}
    for dt in frame.dtypes:
        counts[str(dt)] = counts.get(str(dt), 0) + 1
    cols = []
    for position, name in enumerate(frame.columns[:limit]):
        col = {"name": str(name), "dtype": str(dtypes.iloc[position])}
        # Statistics are values of the data: with sample rows off only the schema leaves the machine.
        if args["mode"] == "rich" and args["sample"]:
            series = frame.iloc[:, position]
            col["nulls"] = int(series.isna().sum())
            try:
                col["unique"] = int(series.nunique(dropna=True))
            except TypeError:
                pass
            if _pd.api.types.is_numeric_dtype(series) or _pd.api.types.is_datetime64_any_dtype(series):
                try:
                    col["min"] = str(series.min())
                    col["max"] = str(series.max())
                except (TypeError, ValueError):
                    pass
        cols.append(col)
    out = {"rows": int(frame.shape[0]), "columns": int(frame.shape[1]), "columnSummaries": cols, "dtypeCounts": counts}
    if args["sample"] and args["mode"] != "none":
        cell = args["maxCellChars"]
        def clip(value):
            text = str(value)
            return text if len(text) <= cell else text[: cell - 1] + "…"
        # Slice rows first: only five rows are ever copied, however long the frame is.
        head = frame.iloc[:5, :limit]
        clipped = head.map(clip) if hasattr(_pd.DataFrame, "map") else head.applymap(clip)
        with _pd.option_context("display.width", 10000, "display.max_columns", limit, "display.max_colwidth", cell):
            text = clipped.to_string()
        if len(text) > args["maxHeadChars"]:
            text = text[: args["maxHeadChars"]] + "\\n…"
        out["head"] = text
    return out
try:
    print(${JSON.stringify(MARKER)} + __import__("json").dumps(_plotwright_describe(${variable}, __import__("json").loads(${JSON.stringify(args)}))))
finally:
    del _plotwright_describe
`;
}

/** Reads the marked JSON line out of the kernel's stdout. */
export function parseDescription(stdout: string, variable: string, mode: DescriptorMode): DataFrameDescription {
  const line = stdout.split('\n').find((l) => l.startsWith(MARKER));
  if (!line) {
    throw new Error(`Could not describe '${variable}': the kernel printed no description.`);
  }
  const parsed = JSON.parse(line.slice(MARKER.length)) as Partial<DataFrameDescription> & { error?: string };
  if (parsed.error) {
    throw new Error(`Could not describe '${variable}': ${parsed.error}.`);
  }
  return {
    variable,
    rows: parsed.rows ?? 0,
    columns: parsed.columns ?? 0,
    columnSummaries: parsed.columnSummaries ?? [],
    head: parsed.head,
    dtypeCounts: parsed.dtypeCounts ?? {},
    mode,
  };
}

const count = (n: number) => n.toLocaleString('en-US');

/** The data part of the prompt. */
export function formatDescription(d: DataFrameDescription): string {
  if (d.mode === 'none') {
    return `The DataFrame is in the variable \`${d.variable}\`.`;
  }
  const lines = [`The DataFrame \`${d.variable}\` has ${count(d.rows)} rows and ${count(d.columns)} columns.`];
  // Rich statistics are absent when sample rows are off (only the schema is sent).
  const rich = d.mode === 'rich' && d.columnSummaries.some((c) => c.nulls !== undefined);
  lines.push('Columns (name: dtype' + (rich ? '; nulls; distinct values; range' : '') + '):');
  for (const c of d.columnSummaries) {
    let text = `- ${c.name}: ${c.dtype}`;
    if (rich && c.nulls !== undefined) {
      const facts = [`${count(c.nulls ?? 0)} nulls`];
      if (c.unique !== undefined) {
        facts.push(`${count(c.unique)} distinct`);
      }
      if (c.min !== undefined && c.max !== undefined) {
        facts.push(`range ${c.min} to ${c.max}`);
      }
      text += `; ${facts.join('; ')}`;
    }
    lines.push(text);
  }
  const hidden = d.columns - d.columnSummaries.length;
  if (hidden > 0) {
    const byType = Object.entries(d.dtypeCounts)
      .map(([dtype, n]) => `${count(n)} ${dtype}`)
      .join(', ');
    lines.push(`- … and ${count(hidden)} more columns (all columns by dtype: ${byType})`);
  }
  if (d.head !== undefined) {
    lines.push('', `First rows (${d.variable}.head(5)${hidden > 0 ? `, first ${d.columnSummaries.length} columns` : ''}):`, d.head);
  }
  return lines.join('\n');
}

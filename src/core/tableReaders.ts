// One sniffed TableFormat, two readers: the pandas call the kernel runs and the arquero input the
// extension describes before any kernel exists. Also what the user is told about them.
import {
  delimitedText,
  DELIMITER_NAMES,
  ENCODING_NAMES,
  splitRecords,
  UnreadableFileError,
  type DelimitedFormat,
  type RawRecord,
  type TableFormat,
} from './tableFormat.js';

/** A Python string literal (JSON string syntax is valid Python). */
function py(text: string): string {
  return JSON.stringify(text);
}

/** The pandas expression that reads `path` as `format` says, with only the arguments that differ from pandas' defaults. */
export function pandasReadCall(path: string, format: TableFormat): string {
  if (format.kind === 'parquet') {
    return `pd.read_parquet(${py(path)})`;
  }
  const encoding = format.encoding === 'utf-8' ? '' : `, encoding=${py(format.encoding)}`;
  if (format.kind === 'json') {
    // Values keep their JSON types: no guessing numbers from strings or dates from column names.
    return `pd.read_json(${py(path)}${format.lines ? ', lines=True' : ''}${encoding}, dtype=False, convert_dates=False)`;
  }
  const sep = format.delimiter === ',' ? '' : `, sep=${py(format.delimiter)}`;
  const header = format.header ? '' : `, header=None, names=[${format.columns.map(py).join(', ')}]`;
  const decimal = format.decimal === ',' ? ', decimal=","' : '';
  const skip = format.sepLine ? ', skiprows=1' : '';
  return `pd.read_csv(${py(path)}${sep}${encoding}${skip}${header}${decimal})`;
}

/** The cell that loads the file into `variable`. */
export function pandasLoadCode(path: string, format: TableFormat, variable = 'df'): string {
  return `import pandas as pd\n${variable} = ${pandasReadCall(path, format)}`;
}

/** What to tell the user about a reading that is not plain UTF-8, comma-separated with a header; undefined otherwise. */
export function describeReading(format: TableFormat): string | undefined {
  if (format.kind === 'parquet') {
    return undefined;
  }
  const parts: string[] = [];
  if (format.encoding !== 'utf-8') {
    parts.push(`as ${ENCODING_NAMES[format.encoding]}`);
  }
  if (format.kind === 'json') {
    return parts.length ? `read ${parts[0]}` : undefined;
  }
  if (format.delimiter !== ',') {
    parts.push(`separated by ${DELIMITER_NAMES[format.delimiter]}`);
  }
  if (format.decimal === ',') {
    parts.push('with decimal commas');
  }
  if (!format.header) {
    const names = format.columns.length > 2 ? `${format.columns[0]} … ${format.columns[format.columns.length - 1]}` : format.columns.join(', ');
    parts.push(`without a header row (columns named ${names})`);
  }
  return parts.length ? `read ${parts.join(', ')}` : undefined;
}

export interface ArqueroCsvInput {
  /** The decoded text without a BOM and without blank lines (pandas skips them; arquero would make rows of them). */
  text: string;
  options: { delimiter: string; header: false; names: string[]; skip: number; autoType: false; decimal: '.' | ',' };
}

/**
 * The decoded file and arquero options that give the rows and columns pandas gives: names come from the
 * sniffer (pandas' renaming of blanks and repeats), the header record is skipped. Throws for a record
 * with more fields than there are columns, which pandas refuses too.
 */
export function arqueroCsvInput(bytes: Uint8Array, file: string, format: DelimitedFormat): ArqueroCsvInput {
  const text = delimitedText(bytes, format);
  const records = checkedRecords(text, file, format);
  // Blank lines out, quoted newlines kept: only the lines some record spans.
  const contiguous = records.every((r, i) => r.line === (i === 0 ? 1 : records[i - 1].endLine + 1));
  let kept: string;
  if (contiguous) {
    kept = text.replace(/[\r\n]+$/, '');
  } else {
    const lines = text.split(/\r\n|\r|\n/);
    kept = records.flatMap((r) => lines.slice(r.line - 1, r.endLine)).join('\n');
  }
  return {
    text: kept,
    options: { delimiter: format.delimiter, header: false, names: format.columns, skip: format.header ? 1 : 0, autoType: false, decimal: format.decimal },
  };
}

/**
 * The records of a whole delimited file, refusing what pandas would refuse or read as nothing: no data
 * rows, or a record with more fields than there are columns.
 */
export function checkedRecords(text: string, file: string, format: DelimitedFormat): RawRecord[] {
  const { records } = splitRecords(text, format.delimiter);
  if (records.length <= (format.header ? 1 : 0)) {
    throw new UnreadableFileError(`${file} has no rows of data: there is nothing to plot until rows are added${format.header ? ' under the header' : ''}.`);
  }
  const ragged = records.find((r) => r.fields.length > format.columns.length);
  if (ragged) {
    throw raggedLine(file, format, ragged.line, ragged.fields.length);
  }
  return records;
}

function raggedLine(file: string, format: DelimitedFormat, line: number, fields: number): UnreadableFileError {
  const sep = DELIMITER_NAMES[format.delimiter];
  return new UnreadableFileError(
    `${file}: line ${line} has ${fields} fields separated by ${sep} but the ${format.header ? 'header has' : 'first rows have'} ${format.columns.length}: put quotes around values that contain ${sep === 'tabs' ? 'a tab' : `'${format.delimiter}'`}, or fix that line.`,
  );
}

/**
 * One sentence for a failure of the kernel's pandas call on `file`, or undefined when the error is not
 * one of the known ones (the caller then shows it as it is).
 */
export function explainLoadError(file: string, format: TableFormat, error: { ename: string; evalue: string }): string | undefined {
  const { ename, evalue } = error;
  if (format.kind === 'parquet' && ename === 'ImportError' && /pyarrow|fastparquet/.test(evalue)) {
    return `${file} is a Parquet file, and pandas reads Parquet only with pyarrow or fastparquet, neither of which the kernel's Python has: install one there (python3 -m pip install pyarrow; Debian 12 packages neither) or save the file as CSV.`;
  }
  if (ename === 'UnicodeDecodeError') {
    const at = /position (\d+)/.exec(evalue)?.[1];
    return `${file} is not valid ${format.kind !== 'parquet' ? ENCODING_NAMES[format.encoding] : 'text'}${at ? ` (byte ${at})` : ''}: it mixes text encodings; save it again as UTF-8 and plot that file.`;
  }
  const fields = /Expected (\d+) fields in line (\d+), saw (\d+)/.exec(evalue);
  if (fields && format.kind === 'delimited') {
    return raggedLine(file, format, Number(fields[2]), Number(fields[3])).message;
  }
  if (ename === 'EmptyDataError') {
    return `${file} has no columns to read: write a header row and at least one row of data into it.`;
  }
  if (ename === 'ValueError' && format.kind === 'json') {
    return `${file} is not valid ${format.lines ? 'JSON lines (one object per line)' : 'JSON (an array of objects)'}: ${evalue.split('\n')[0]}; fix the file or export it as CSV.`;
  }
  if (ename === 'FileNotFoundError' || ename === 'PermissionError') {
    return `The kernel cannot open ${file} (${ename}): check that the path exists and is readable from the kernel's machine.`;
  }
  return undefined;
}

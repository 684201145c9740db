// Sniffs how a data file is written (container, text encoding, delimiter, header row) from its bytes,
// so that the kernel-free description (arquero) and the kernel's pandas call read it the same way.
import { basename, extname } from 'node:path';

/** Python codec names, as passed to pandas' `encoding=`. */
export type TextEncoding = 'utf-8' | 'utf-8-sig' | 'utf-16' | 'cp1252' | 'latin-1';
export type Delimiter = ',' | ';' | '\t' | '|';

export interface DelimitedFormat {
  kind: 'delimited';
  encoding: TextEncoding;
  delimiter: Delimiter;
  /** False when the first record is data: the columns are then named `column_1`, `column_2`, … */
  header: boolean;
  /** ',' for files written with decimal commas (`1,5`), as spreadsheets in much of Europe save them. */
  decimal: '.' | ',';
  /** The column names pandas will give the frame. */
  columns: string[];
  /** The first line is Excel's `sep=;` hint, not part of the table. */
  sepLine?: true;
}

export interface JsonFormat {
  kind: 'json';
  encoding: TextEncoding;
  /** One object per line (JSON lines) rather than one array of objects. */
  lines: boolean;
}

export interface ParquetFormat {
  kind: 'parquet';
}

export type TableFormat = DelimitedFormat | JsonFormat | ParquetFormat;

/** A file Plotwright cannot read as a table; the message is one sentence naming the file, the problem and the fix. */
export class UnreadableFileError extends Error {
  override name = 'UnreadableFileError';
}

export const DELIMITERS: readonly Delimiter[] = [',', ';', '\t', '|'];

export const DELIMITER_NAMES: Record<Delimiter, string> = { ',': 'commas', ';': 'semicolons', '\t': 'tabs', '|': 'pipes' };

export const ENCODING_NAMES: Record<TextEncoding, string> = {
  'utf-8': 'UTF-8',
  'utf-8-sig': 'UTF-8 with a byte-order mark',
  'utf-16': 'UTF-16',
  cp1252: 'Windows-1252',
  'latin-1': 'Latin-1 (ISO-8859-1)',
};

/** Records looked at to choose the delimiter and the header. */
const SNIFF_RECORDS = 200;

export interface RawRecord {
  fields: string[];
  /** 1-based line where the record starts, as pandas counts lines in its errors. */
  line: number;
  /** The line where it ends (later than `line` when a quoted field holds newlines). */
  endLine: number;
}

/**
 * Splits delimited text into records the way pandas' C tokenizer does: a quote opens a quoted field only
 * at the start of a field, `""` inside quotes is one quote, newlines inside quotes belong to the field,
 * and blank lines are skipped. `complete` is false when `limit` stopped the split early.
 */
export function splitRecords(text: string, delimiter: string, limit = Infinity): { records: RawRecord[]; complete: boolean } {
  const QUOTE = 34;
  const LF = 10;
  const CR = 13;
  const delim = delimiter.charCodeAt(0);
  const n = text.length;
  const records: RawRecord[] = [];
  let fields: string[] = [];
  let line = 1;
  let recordLine = 1;
  let i = 0;
  // One field per pass, read by slicing (not char by char: files run to hundreds of megabytes).
  while (i < n) {
    let field: string;
    let c = text.charCodeAt(i);
    if (c === QUOTE) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close < 0) {
          // Unclosed: the rest of the text is the field, as pandas reads it.
          value += text.slice(from);
          i = n;
          break;
        }
        value += text.slice(from, close);
        if (text.charCodeAt(close + 1) === QUOTE) {
          value += '"';
          from = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
      line += countNewlines(value);
      // Characters after the closing quote, up to the delimiter, belong to the field.
      let j = i;
      while (j < n && (c = text.charCodeAt(j)) !== delim && c !== LF && c !== CR) {
        j++;
      }
      field = value + text.slice(i, j);
      i = j;
    } else {
      let j = i;
      while (j < n && (c = text.charCodeAt(j)) !== delim && c !== LF && c !== CR) {
        j++;
      }
      field = text.slice(i, j);
      i = j;
    }
    fields.push(field);
    if (i < n && text.charCodeAt(i) === delim) {
      i++;
      if (i === n) {
        fields.push('');
      } else {
        continue;
      }
    }
    // End of record: a newline (CRLF counts once) or the end of the text.
    if (!(fields.length === 1 && fields[0] === '')) {
      records.push({ fields, line: recordLine, endLine: line });
    }
    fields = [];
    if (i < n) {
      i += text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
    }
    recordLine = line;
    if (records.length >= limit && i < n) {
      return { records, complete: false };
    }
  }
  return { records, complete: true };
}

function countNewlines(text: string): number {
  let count = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 10 || (c === 13 && text.charCodeAt(k + 1) !== 10)) {
      count++;
    }
  }
  return count;
}

const NUMBER = /^\s*[+-]?(\d+([.,]\d*)?([eE][+-]?\d+)?|[.,]\d+([eE][+-]?\d+)?)\s*$/;
const MISSING = new Set(['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', 'None', '-', '#N/A']);

function looksNumeric(value: string): boolean {
  return NUMBER.test(value);
}

function mode(counts: number[]): { value: number; share: number } {
  const tally = new Map<number, number>();
  for (const n of counts) {
    tally.set(n, (tally.get(n) ?? 0) + 1);
  }
  let best = 0;
  let bestCount = 0;
  for (const [n, count] of tally) {
    if (count > bestCount || (count === bestCount && n > best)) {
      best = n;
      bestCount = count;
    }
  }
  return { value: best, share: counts.length ? bestCount / counts.length : 0 };
}

interface DelimiterScore {
  delimiter: Delimiter;
  /** Share of records with the most common field count. */
  consistency: number;
  fields: number;
  /** Share of fields that read as numbers: breaks ties such as `1,5;2,5` (decimal commas, semicolons). */
  numeric: number;
}

function scoreDelimiter(text: string, delimiter: Delimiter): DelimiterScore {
  const { records, complete } = splitRecords(text, delimiter, SNIFF_RECORDS);
  // A record cut by the sample's end says nothing.
  const whole = complete ? records : records.slice(0, -1);
  const counts = whole.map((r) => r.fields.length);
  const { value, share } = mode(counts);
  const values = whole.slice(1).flatMap((r) => r.fields);
  const numeric = values.length ? values.filter(looksNumeric).length / values.length : 0;
  return { delimiter, consistency: share, fields: value, numeric };
}

/** The delimiter whose records have the same number of fields (two or more) most consistently. */
export function sniffDelimiter(text: string, fileName = ''): Delimiter {
  const ext = extname(fileName).toLowerCase();
  const preferred: Delimiter = ext === '.tsv' || ext === '.tab' ? '\t' : ext === '.psv' ? '|' : ',';
  const order = [preferred, ...DELIMITERS.filter((d) => d !== preferred)];
  const scores = order.map((d) => scoreDelimiter(text, d)).filter((s) => s.fields >= 2);
  if (scores.length === 0) {
    return preferred;
  }
  const better = (a: DelimiterScore, b: DelimiterScore) =>
    a.consistency !== b.consistency ? a.consistency > b.consistency : a.numeric > b.numeric + 1e-9;
  return scores.reduce((best, s) => (better(s, best) ? s : best)).delimiter;
}

/** Consecutive years (1800–2100) across the numeric cells of a row: wide tables name their columns so. */
function yearColumns(cells: string[]): boolean {
  const years = cells.filter((c) => /^\s*(18|19|20)\d\d\s*$/.test(c)).map(Number);
  return years.length >= 2 && years.length === cells.filter(looksNumeric).length && years.every((y, i) => i === 0 || y === years[i - 1] + 1);
}

/**
 * True unless the first record reads as data: some column whose other values are all numbers has a
 * number in the first record too, and no such column has a word there. A file of words only keeps its
 * first record as the header, as pandas does; so does a first record of consecutive years.
 */
export function sniffHeader(records: RawRecord[]): boolean {
  if (records.length < 2) {
    return true;
  }
  const [first, ...rest] = records;
  if (yearColumns(first.fields)) {
    return true;
  }
  let dataVotes = 0;
  let headerVotes = 0;
  first.fields.forEach((cell, c) => {
    const values = rest.map((r) => r.fields[c]).filter((v): v is string => v !== undefined && !MISSING.has(v.trim()));
    if (values.length === 0 || !values.every(looksNumeric)) {
      return;
    }
    if (looksNumeric(cell)) {
      dataVotes++;
    } else if (cell.trim() !== '') {
      headerVotes++;
    }
  });
  return !(dataVotes > 0 && headerVotes === 0);
}

const DECIMAL_COMMA = /^\s*[+-]?\d+,\d+\s*$/;
const DECIMAL_POINT = /^\s*[+-]?\d*\.\d+\s*$/;
const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;

/**
 * ',' when some column holds numbers written with a decimal comma (and only those, integers and missing
 * values) and no value anywhere is written with a decimal point; a comma-separated file never has them.
 */
export function sniffDecimal(rows: RawRecord[], delimiter: Delimiter): '.' | ',' {
  if (delimiter === ',' || rows.length === 0) {
    return '.';
  }
  const width = Math.max(...rows.map((r) => r.fields.length));
  let commaColumns = 0;
  for (let c = 0; c < width; c++) {
    const values = rows.map((r) => r.fields[c]).filter((v): v is string => v !== undefined && !MISSING.has(v.trim()));
    if (values.some((v) => DECIMAL_POINT.test(v))) {
      return '.';
    }
    if (values.some((v) => DECIMAL_COMMA.test(v)) && values.every((v) => DECIMAL_COMMA.test(v) || INTEGER_TEXT.test(v))) {
      commaColumns++;
    }
  }
  return commaColumns > 0 ? ',' : '.';
}

/** Column names as pandas makes them from a header row: `Unnamed: i` for blanks, `.1`, `.2` for repeats. */
export function pandasColumnNames(header: string[]): string[] {
  const named = header.map((name, i) => (name === '' ? `Unnamed: ${i}` : name));
  const seen = new Map<string, number>();
  const taken = new Set(named);
  return named.map((name) => {
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    if (count === 0) {
      return name;
    }
    let suffix = count;
    let candidate = `${name}.${suffix}`;
    while (taken.has(candidate)) {
      candidate = `${name}.${++suffix}`;
    }
    taken.add(candidate);
    seen.set(name, suffix + 1);
    return candidate;
  });
}

/** Bytes that Python's cp1252 codec rejects: a file with any of them can only be Latin-1. */
const CP1252_UNDEFINED = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

/** The text encoding: a BOM says so; else UTF-8 when every byte sequence is valid; else Windows-1252 or Latin-1. */
export function sniffEncoding(bytes: Uint8Array): TextEncoding {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return 'utf-8-sig';
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return 'utf-16';
  }
  try {
    // stream: a multi-byte character cut by the end of a sample is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return 'utf-8';
  } catch {
    let c1 = false;
    for (const b of bytes) {
      if (CP1252_UNDEFINED.has(b)) {
        return 'latin-1';
      }
      c1 ||= b >= 0x80 && b <= 0x9f;
    }
    // Without bytes 0x80–0x9F the two agree; Latin-1 is the name people know.
    return c1 ? 'cp1252' : 'latin-1';
  }
}

/** Windows-1252's characters for bytes 0x80–0x9F (0: undefined). Node's TextDecoder decodes this label as Latin-1. */
const CP1252_C1 = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
  0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
  0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
  0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** The text as Python decodes it with `encoding` (no BOM). */
export function decodeText(bytes: Uint8Array, encoding: TextEncoding): string {
  switch (encoding) {
    case 'utf-8':
      return new TextDecoder('utf-8').decode(bytes);
    case 'utf-8-sig':
      return new TextDecoder('utf-8', { ignoreBOM: false }).decode(bytes);
    case 'utf-16':
      return new TextDecoder(bytes[0] === 0xfe ? 'utf-16be' : 'utf-16le').decode(bytes);
    case 'cp1252':
      return latin1(bytes).replace(/[\u0080-\u009f]/g, (c) => String.fromCharCode(CP1252_C1[c.charCodeAt(0) - 0x80] || c.charCodeAt(0)));
    case 'latin-1':
      return latin1(bytes);
  }
}

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/** Containers that are not text tables, with the fix for each. */
function refuseContainer(bytes: Uint8Array, file: string): void {
  const ext = extname(file).toLowerCase();
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0])) {
    const what = ext === '.xlsx' || ext === '.xls' || ext === '.ods' ? 'a spreadsheet workbook' : 'a ZIP archive or spreadsheet workbook';
    throw new UnreadableFileError(`${file} is ${what}, not a text table: save the sheet as CSV (in Excel: Save As › CSV UTF-8) and plot that file.`);
  }
  if (startsWith(bytes, [0x1f, 0x8b])) {
    throw new UnreadableFileError(`${file} is gzip-compressed: decompress it first (gunzip ${basename(file)}) and plot the file inside.`);
  }
  const probe = bytes.subarray(0, 4096);
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (!utf16 && probe.includes(0)) {
    throw new UnreadableFileError(`${file} contains binary data (NUL bytes), not text: export it as CSV, TSV or JSON lines and plot that file.`);
  }
}

function parsesAsObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** JSON lines or a JSON array of records; undefined for anything else. */
function looksLikeJson(text: string, ext: string, file: string): { lines: boolean } | undefined {
  if (ext === '.jsonl' || ext === '.ndjson') {
    return { lines: true };
  }
  const start = text.trimStart();
  if (/^\[\s*[{\]]/.test(start)) {
    return { lines: false };
  }
  if (start.startsWith('{')) {
    if (parsesAsObject(start.split(/\r?\n/, 1)[0])) {
      return { lines: true };
    }
    if (ext === '.json' || parsesAsObject(start)) {
      throw new UnreadableFileError(
        `${file} is one JSON object spread over several lines, not a list of records: write it as an array of objects ([{"x": 1}, …]) or as JSON lines, one object per line.`,
      );
    }
  }
  if (ext === '.json') {
    throw new UnreadableFileError(`${file} is not a JSON array of records: write it as [{"x": 1, "y": 2}, …] or as JSON lines, one object per line.`);
  }
  return undefined;
}

/**
 * How to read `bytes`, the start of (or the whole) `file`. Throws UnreadableFileError for what no
 * reader here can turn into a table.
 */
export function sniffTable(bytes: Uint8Array, file: string): TableFormat {
  if (bytes.length === 0) {
    throw new UnreadableFileError(`${file} is empty: write a header row and at least one row of data into it.`);
  }
  if (startsWith(bytes, [0x50, 0x41, 0x52, 0x31])) {
    return { kind: 'parquet' };
  }
  refuseContainer(bytes, file);
  const encoding = sniffEncoding(bytes);
  const text = decodeText(bytes, encoding);
  if (!text.trim()) {
    throw new UnreadableFileError(`${file} holds only blank lines: write a header row and at least one row of data into it.`);
  }
  const json = looksLikeJson(text, extname(file).toLowerCase(), file);
  if (json) {
    return { kind: 'json', encoding, lines: json.lines };
  }
  const hint = SEP_LINE.exec(text);
  const table = hint ? blankFirstLine(text) : text;
  const delimiter = hint ? (hint[1] as Delimiter) : sniffDelimiter(table, file);
  const { records } = splitRecords(table, delimiter, SNIFF_RECORDS);
  if (records.length === 0) {
    throw new UnreadableFileError(`${file} holds only the line "${hint?.[0].trim()}": write a header row and at least one row of data under it.`);
  }
  const header = sniffHeader(records);
  const width = Math.max(...records.map((r) => r.fields.length));
  const columns = header ? pandasColumnNames(records[0].fields) : Array.from({ length: width }, (_, i) => `column_${i + 1}`);
  const decimal = sniffDecimal(header ? records.slice(1) : records, delimiter);
  return { kind: 'delimited', encoding, delimiter, header, decimal, columns, ...(hint ? { sepLine: true as const } : {}) };
}

/** Excel's hint line naming the delimiter, e.g. `sep=;`. */
const SEP_LINE = /^sep=([,;\t|])[ \t]*(?:\r\n|\r|\n|$)/;

/** The first line emptied, so that line numbers stay those of the file and the splitter skips it. */
function blankFirstLine(text: string): string {
  const end = text.search(/\r\n|\r|\n/);
  return end < 0 ? '' : text.slice(end);
}

/** The text of a delimited file as the readers see it: decoded, without Excel's hint line. */
export function delimitedText(bytes: Uint8Array, format: DelimitedFormat): string {
  const text = decodeText(bytes, format.encoding);
  return format.sepLine ? blankFirstLine(text) : text;
}

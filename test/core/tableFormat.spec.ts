// The file sniffer: encoding, delimiter, header and container of each kind of file, the ambiguous
// cases, and the pandas call and arquero options its decision gives.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import {
  decodeText,
  pandasColumnNames,
  sniffDecimal,
  sniffDelimiter,
  sniffEncoding,
  sniffHeader,
  sniffTable,
  splitRecords,
  UnreadableFileError,
  type TableFormat,
} from '../../src/core/tableFormat.js';
import { pandasDtype } from '../../src/core/csvDescription.js';
import { arqueroCsvInput, describeReading, explainLoadError, pandasLoadCode, pandasReadCall } from '../../src/core/tableReaders.js';

import { describeCsvText } from '../../src/core/csvDescription.js';
import { readTableFile } from '../../src/core/tableFile.js';
import { sampleItems } from '../support/plotbenchSample.js';

const FIXTURES = resolve(import.meta.dirname, '..', 'fixtures', 'tables');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));
const bytes = (text: string, encoding: BufferEncoding = 'utf8') => Buffer.from(text, encoding);
const records = (text: string, delimiter = ',') => splitRecords(text, delimiter).records;

describe('sniffTable on each kind of file', () => {
  const cases: Array<[string, TableFormat]> = [
    ['semicolon-latin1.csv', { kind: 'delimited', encoding: 'latin-1', delimiter: ';', header: true, decimal: '.', columns: ['Stadt', 'Monat', 'Umsatz', 'Anteil'] }],
    ['windows1252.csv', { kind: 'delimited', encoding: 'cp1252', delimiter: ',', header: true, decimal: '.', columns: ['product', 'price_eur', 'note'] }],
    ['tab-separated.tsv', { kind: 'delimited', encoding: 'utf-8', delimiter: '\t', header: true, decimal: '.', columns: ['region', 'year', 'sales', 'active'] }],
    ['pipe-separated.txt', { kind: 'delimited', encoding: 'utf-8', delimiter: '|', header: true, decimal: '.', columns: ['id', 'name', 'score'] }],
    ['utf8-bom.csv', { kind: 'delimited', encoding: 'utf-8-sig', delimiter: ',', header: true, decimal: '.', columns: ['city', 'temp_c'] }],
    ['quoted-newlines.csv', { kind: 'delimited', encoding: 'utf-8', delimiter: ',', header: true, decimal: '.', columns: ['id', 'comment', 'rating'] }],
    ['no-header.csv', { kind: 'delimited', encoding: 'utf-8', delimiter: ',', header: false, decimal: '.', columns: ['column_1', 'column_2', 'column_3'] }],
    ['no-header-pipe.psv', { kind: 'delimited', encoding: 'utf-8', delimiter: '|', header: false, decimal: '.', columns: ['column_1', 'column_2', 'column_3'] }],
    ['duplicate-names.csv', { kind: 'delimited', encoding: 'utf-8', delimiter: ',', header: true, decimal: '.', columns: ['Unnamed: 0', 'value', 'value.1', 'label'] }],
    ['semicolon-decimal-comma.csv', { kind: 'delimited', encoding: 'utf-8', delimiter: ';', header: true, decimal: ',', columns: ['Datum', 'Wert', 'Menge'] }],
    ['single-column.csv', { kind: 'delimited', encoding: 'utf-8', delimiter: ',', header: true, decimal: '.', columns: ['value'] }],
    ['excel-unicode.txt', { kind: 'delimited', encoding: 'utf-16', delimiter: '\t', header: true, decimal: '.', columns: ['Land', 'Einwohner', 'Fläche'] }],
    ['excel-sep-line.csv', { kind: 'delimited', encoding: 'latin-1', delimiter: ';', header: true, decimal: ',', columns: ['Artikel', 'Größe', 'Preis'], sepLine: true }],
    ['records.jsonl', { kind: 'json', encoding: 'utf-8', lines: true }],
    ['records.json', { kind: 'json', encoding: 'utf-8', lines: false }],
  ];
  for (const [name, expected] of cases) {
    it(name, () => {
      assert.deepEqual(sniffTable(fixture(name), name), expected);
    });
  }

  it('knows Parquet by its magic bytes, whatever the name', () => {
    assert.deepEqual(sniffTable(Buffer.concat([bytes('PAR1'), Buffer.alloc(8), bytes('PAR1')]), 'data.bin'), { kind: 'parquet' });
  });

  it('takes JSON lines without the extension when the first line is an object', () => {
    assert.deepEqual(sniffTable(bytes('{"a": 1}\n{"a": 2}\n'), 'export.txt'), { kind: 'json', encoding: 'utf-8', lines: true });
    // A CSV whose first field starts with a brace or bracket is still a CSV.
    assert.equal(sniffTable(bytes('{a},b\n1,2\n'), 'odd.csv').kind, 'delimited');
    assert.equal(sniffTable(bytes('[a],b\n1,2\n'), 'odd.csv').kind, 'delimited');
    assert.deepEqual(sniffTable(bytes('[\n  {"a": 1}\n]\n'), 'export.txt'), { kind: 'json', encoding: 'utf-8', lines: false });
  });
});

describe('plain CSV files stay plain', () => {
  it('reads every real PandasPlotBench sample CSV with pandas\' defaults and the same description as before', () => {
    for (const item of sampleItems()) {
      const name = `item-${item.id}.csv`;
      const table = readTableFile(bytes(item.data_csv), name);
      assert.equal(table.loadCode, `import pandas as pd\ndf = pd.read_csv(${JSON.stringify(name)})`, `item ${item.id}`);
      assert.equal(table.reading, undefined, `item ${item.id}`);
      assert.deepEqual(table.description, describeCsvText(item.data_csv), `item ${item.id}`);
    }
  });
});

describe('what cannot be read gets one sentence with the file, the problem and the fix', () => {
  const refuse = (data: Uint8Array, name: string, pattern: RegExp) => {
    assert.throws(
      () => sniffTable(data, name),
      (error: unknown) => error instanceof UnreadableFileError && error.message.startsWith(name) && pattern.test(error.message),
    );
  };
  it('an empty or blank file', () => {
    refuse(new Uint8Array(), 'empty.csv', /is empty: write a header row/);
    refuse(bytes('\n\n  \n'), 'blank.csv', /only blank lines/);
  });
  it('a spreadsheet, a gzip file, binary data', () => {
    refuse(Buffer.concat([bytes('PK\u0003\u0004'), Buffer.alloc(40)]), 'book.xlsx', /is a spreadsheet workbook, not a text table: save the sheet as CSV/);
    refuse(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), 'old.xls', /spreadsheet workbook/);
    refuse(Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0]), 'data.csv.gz', /gzip-compressed: decompress it first \(gunzip data\.csv\.gz\)/);
    refuse(Buffer.from([0x41, 0x00, 0x42, 0x2c, 0x00]), 'dump.dat', /binary data \(NUL bytes\)/);
  });
  it('an Excel sep= line with nothing under it', () => {
    refuse(bytes('sep=;\r\n'), 'hint.csv', /holds only the line "sep=;": write a header row/);
  });
  it('JSON that is not records', () => {
    refuse(bytes('{\n  "a": [1, 2],\n  "b": [3, 4]\n}\n'), 'columns.json', /is one JSON object spread over several lines, not a list of records/);
    refuse(bytes('"just a string"'), 'value.json', /is not a JSON array of records/);
  });
  it('a record with more fields than the header, naming its line', () => {
    const format = sniffTable(fixture('ragged.csv'), 'ragged.csv');
    assert.equal(format.kind, 'delimited');
    assert.throws(
      () => arqueroCsvInput(fixture('ragged.csv'), 'ragged.csv', format as Extract<TableFormat, { kind: 'delimited' }>),
      /^UnreadableFileError: ragged\.csv: line 3 has 4 fields separated by commas but the header has 3: put quotes around values that contain ',', or fix that line\.$/,
    );
  });
  it('errors pandas raises in the kernel', () => {
    const csv: TableFormat = { kind: 'delimited', encoding: 'utf-8', delimiter: ';', header: true, decimal: '.', columns: ['a', 'b'] };
    assert.equal(
      explainLoadError('x.csv', csv, { ename: 'ParserError', evalue: 'Error tokenizing data. C error: Expected 2 fields in line 7, saw 3\n' }),
      "x.csv: line 7 has 3 fields separated by semicolons but the header has 2: put quotes around values that contain ';', or fix that line.",
    );
    assert.match(
      explainLoadError('x.csv', csv, { ename: 'UnicodeDecodeError', evalue: "'utf-8' codec can't decode byte 0xfc in position 1041: invalid start byte" }) ?? '',
      /^x\.csv is not valid UTF-8 \(byte 1041\): it mixes text encodings; save it again as UTF-8/,
    );
    assert.match(
      explainLoadError('x.parquet', { kind: 'parquet' }, { ename: 'ImportError', evalue: "Unable to find a usable engine; tried using: 'pyarrow', 'fastparquet'." }) ?? '',
      /^x\.parquet is a Parquet file, and pandas reads Parquet only with pyarrow or fastparquet/,
    );
    assert.equal(explainLoadError('x.csv', csv, { ename: 'MemoryError', evalue: '' }), undefined);
  });
});

describe('sniffEncoding', () => {
  it('reads byte-order marks', () => {
    assert.equal(sniffEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x61])), 'utf-8-sig');
    assert.equal(sniffEncoding(Buffer.from([0xff, 0xfe, 0x61, 0x00])), 'utf-16');
    assert.equal(decodeText(Buffer.from([0xff, 0xfe, 0x61, 0x00, 0x2c, 0x00]), 'utf-16'), 'a,');
    assert.equal(decodeText(Buffer.from([0xef, 0xbb, 0xbf, 0x61]), 'utf-8-sig'), 'a');
  });
  it('keeps UTF-8 when every sequence is valid, even one cut by the end of a sample', () => {
    assert.equal(sniffEncoding(bytes('naïve,Zürich')), 'utf-8');
    assert.equal(sniffEncoding(bytes('abc €').subarray(0, 5)), 'utf-8');
  });
  it('tells Windows-1252 from Latin-1 by the bytes 0x80–0x9F', () => {
    assert.equal(sniffEncoding(bytes('Zürich', 'latin1')), 'latin-1');
    assert.equal(sniffEncoding(Buffer.from([0x80, 0x20, 0x35])), 'cp1252');
    assert.equal(decodeText(Buffer.from([0x80, 0x93, 0x94, 0xfc]), 'cp1252'), '€“”ü');
    // 0x81 has no Windows-1252 character: Python's cp1252 would fail, Latin-1 cannot.
    assert.equal(sniffEncoding(Buffer.from([0x80, 0x81])), 'latin-1');
    assert.equal(decodeText(Buffer.from([0x80, 0xe9]), 'latin-1'), '\u0080é');
  });
});

describe('sniffDelimiter', () => {
  it('finds each delimiter', () => {
    assert.equal(sniffDelimiter('a,b,c\n1,2,3\n'), ',');
    assert.equal(sniffDelimiter('a;b;c\n1;2;3\n'), ';');
    assert.equal(sniffDelimiter('a\tb\n1\t2\n'), '\t');
    assert.equal(sniffDelimiter('a|b\n1|2\n'), '|');
  });
  it('ignores delimiters inside quotes, even across lines', () => {
    assert.equal(sniffDelimiter('name;note\n"a, b, c";1\n"x,\ny";2\n'), ';');
    assert.equal(sniffDelimiter('a,b\n"1;2;3",4\n"5;6;7",8\n'), ',');
  });
  it('is not fooled by decimal commas in a semicolon file', () => {
    assert.equal(sniffDelimiter('x;y\n1,5;2,5\n3,25;4\n'), ';');
    // Ambiguous without a header: both give two fields a row; the reading with numbers wins.
    assert.equal(sniffDelimiter('1,5;2,5\n3,5;4,5\n'), ';');
  });
  it('prefers the consistent split to the one with more fields', () => {
    assert.equal(sniffDelimiter('city,comment\nParis,"ok; fine; good"\nRome,bad;worse\nOslo,x\n'), ',');
  });
  it('falls back to the extension for a single column', () => {
    assert.equal(sniffDelimiter('value\n1\n2\n', 'a.csv'), ',');
    assert.equal(sniffDelimiter('value\n1\n2\n', 'a.tsv'), '\t');
    // Ambiguous: one field per row either way, and the extension says tab.
    assert.equal(sniffDelimiter('a,b\tc\n1,2\t3\n', 'a.tsv'), '\t');
  });
});

describe('sniffHeader', () => {
  it('sees a header over numbers and data that starts at once', () => {
    assert.equal(sniffHeader(records('year,value\n2020,1.5\n2021,2\n')), true);
    assert.equal(sniffHeader(records('2020,1.5\n2021,2\n')), false);
    assert.equal(sniffHeader(records('north,2020,1.5\nsouth,2021,2\n')), false);
  });
  it('keeps the first row of a file of words (pandas would too) and of a lone row', () => {
    assert.equal(sniffHeader(records('alice,paris\nbob,rome\n')), true);
    assert.equal(sniffHeader(records('a,b\n')), true);
  });
  it('reads a blank first name (a saved index) and consecutive years as a header', () => {
    assert.equal(sniffHeader(records(',value\n0,1\n1,2\n')), true);
    assert.equal(sniffHeader(records('country,2019,2020,2021\nFR,1,2,3\nDE,4,5,6\n')), true);
    // Not consecutive: numbers like these are data.
    assert.equal(sniffHeader(records('FR,2019,2025\nDE,2000,2001\n')), false);
  });
  it('ignores missing values when deciding whether a column is numeric', () => {
    assert.equal(sniffHeader(records('a,b\n1,NA\n2,\n3,4\n')), true);
    assert.equal(sniffHeader(records('1,2\n3,NA\n5,6\n')), false);
  });
});

describe('sniffDecimal', () => {
  const decimal = (text: string, delimiter: ';' | ',' | '\t' = ';') => sniffDecimal(records(text, delimiter).slice(1), delimiter);
  it('finds decimal commas in a file not separated by commas', () => {
    assert.equal(decimal('x;y\n1,5;a\n2;b\n'), ',');
    assert.equal(decimal('x\ty\n-0,25\t3\n\t4\n', '\t'), ',');
  });
  it('keeps the point when any value uses one, when there are only integers, and in comma-separated files', () => {
    assert.equal(decimal('x;y\n1,5;2.5\n'), '.');
    assert.equal(decimal('x;y\n1;2\n'), '.');
    assert.equal(decimal('x,y\n"1,5",2\n', ','), '.');
    // Thousands or a list, not a number: "1,5,7".
    assert.equal(decimal('x;y\n1,5,7;a\n'), '.');
  });
  it('gives pandas dtypes for decimal-comma values', () => {
    assert.equal(pandasDtype(['1,5', '2', ''], ','), 'float64');
    assert.equal(pandasDtype(['1', '2'], ','), 'int64');
    assert.equal(pandasDtype(['1.5', '2,5'], ','), 'object');
  });
});

describe('splitRecords', () => {
  it('splits like pandas: quotes only at a field start, doubled quotes, CRLF, blank lines skipped', () => {
    const split = records('a,b\r\n"x ""y""",z"w\r\n\r\n"multi\r\nline",2\r\n');
    assert.deepEqual(
      split.map((r) => [r.fields, r.line, r.endLine]),
      [
        [['a', 'b'], 1, 1],
        [['x "y"', 'z"w'], 2, 2],
        [['multi\r\nline', '2'], 4, 5],
      ],
    );
  });
  it('stops at a limit and says whether the text ended', () => {
    assert.deepEqual(splitRecords('a\nb\nc\n', ',', 2).complete, false);
    assert.deepEqual(splitRecords('a\nb\n', ',', 2).complete, true);
  });
});

describe('the two readers the decision gives', () => {
  it('pandas: only the arguments that differ from the defaults', () => {
    assert.equal(pandasReadCall('d.csv', sniffTable(bytes('a,b\n1,2\n'), 'd.csv')), 'pd.read_csv("d.csv")');
    assert.equal(pandasReadCall('t.tsv', sniffTable(fixture('tab-separated.tsv'), 't.tsv')), 'pd.read_csv("t.tsv", sep="\\t")');
    assert.equal(pandasReadCall('s.csv', sniffTable(fixture('semicolon-latin1.csv'), 's.csv')), 'pd.read_csv("s.csv", sep=";", encoding="latin-1")');
    assert.equal(
      pandasReadCall('n.csv', sniffTable(fixture('no-header.csv'), 'n.csv')),
      'pd.read_csv("n.csv", header=None, names=["column_1", "column_2", "column_3"])',
    );
    assert.equal(
      pandasReadCall('d.csv', sniffTable(fixture('semicolon-decimal-comma.csv'), 'd.csv')),
      'pd.read_csv("d.csv", sep=";", decimal=",")',
    );
    assert.equal(
      pandasReadCall('e.csv', sniffTable(fixture('excel-sep-line.csv'), 'e.csv')),
      'pd.read_csv("e.csv", sep=";", encoding="latin-1", skiprows=1, decimal=",")',
    );
    assert.equal(pandasReadCall('r.jsonl', { kind: 'json', encoding: 'utf-8', lines: true }), 'pd.read_json("r.jsonl", lines=True, dtype=False, convert_dates=False)');
    assert.equal(pandasReadCall('p.parquet', { kind: 'parquet' }), 'pd.read_parquet("p.parquet")');
    assert.equal(pandasLoadCode('C:\\data\\"q".csv', sniffTable(bytes('a,b\n1,2\n'), 'q.csv')), 'import pandas as pd\ndf = pd.read_csv("C:\\\\data\\\\\\"q\\".csv")');
  });
  it('arquero: decoded text without BOM or blank lines, the sniffed names, the header skipped', () => {
    const format = sniffTable(fixture('quoted-newlines.csv'), 'q.csv') as Extract<TableFormat, { kind: 'delimited' }>;
    const input = arqueroCsvInput(fixture('quoted-newlines.csv'), 'q.csv', format);
    assert.equal(input.text, 'id,comment,rating\n1,"Great, really\ngreat",5\n2,"She said ""hi""\nthen left\n\nlater",3\n3,plain,4');
    assert.deepEqual(input.options, { delimiter: ',', header: false, names: ['id', 'comment', 'rating'], skip: 1, autoType: false, decimal: '.' });
    const bom = arqueroCsvInput(fixture('utf8-bom.csv'), 'b.csv', sniffTable(fixture('utf8-bom.csv'), 'b.csv') as Extract<TableFormat, { kind: 'delimited' }>);
    assert.ok(bom.text.startsWith('city,'));
  });
  it('tells the user what it chose only when it is not the default', () => {
    assert.equal(describeReading(sniffTable(bytes('a,b\n1,2\n'), 'd.csv')), undefined);
    assert.equal(describeReading(sniffTable(fixture('no-header-pipe.psv'), 'x.psv')), 'read separated by pipes, without a header row (columns named column_1 … column_3)');
    assert.equal(describeReading({ kind: 'json', encoding: 'cp1252', lines: true }), 'read as Windows-1252');
  });
  it('names columns as pandas does', () => {
    assert.deepEqual(pandasColumnNames(['a', 'a', '', 'a', 'a.1']), ['a', 'a.2', 'Unnamed: 2', 'a.3', 'a.1']);
  });
});

// The awkward files of test/fixtures/tables read both ways: arquero in the extension host (no kernel)
// and the generated pandas call in a real kernel must give the same frame.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DataFrameSession, SetupError } from '../../src/kernel/dataFrameSession.js';
import { HeadlessKernel } from '../../src/kernel/headlessKernel.js';
import { streamText } from '../../src/kernel/kernel.js';
import { resolvePython } from '../../src/kernel/python.js';
import { readTableFile } from '../../src/core/tableFile.js';
import { sniffTable, UnreadableFileError, type TableFormat } from '../../src/core/tableFormat.js';
import { explainLoadError, pandasLoadCode } from '../../src/core/tableReaders.js';
import { writeParquet } from '../benchmark/helpers/parquetWriter.js';
import { makeTempDir } from '../support/kernelFixtures.js';

const FIXTURES = resolve(import.meta.dirname, '..', 'fixtures', 'tables');
/** Files that must be refused with one sentence instead of being read. */
const UNREADABLE = new Set(['empty.csv', 'header-only.csv', 'ragged.csv']);
const readable = readdirSync(FIXTURES)
  .filter((name) => !UNREADABLE.has(name) && !name.endsWith('.md'))
  .sort();

interface PandasFrame {
  columns: string[];
  dtypes: string[];
  rows: number;
  head: string;
}

const PRINT_FRAME =
  'import json as _j\nprint(_j.dumps({"columns": [str(c) for c in df.columns], "dtypes": [str(t) for t in df.dtypes], "rows": len(df), "head": df.head(5).to_string()}))\ndel _j';

describe('awkward files: the arquero description and the kernel agree', () => {
  let kernel: HeadlessKernel;
  const temp = makeTempDir('pw-tables-');

  before(async () => {
    const python = await resolvePython({});
    kernel = await HeadlessKernel.start({ python: python.path, cwd: temp.path });
  });
  after(async () => {
    await kernel.dispose();
    temp.remove();
  });

  async function loadInKernel(code: string): Promise<PandasFrame> {
    const result = await kernel.execute(`${code}\n${PRINT_FRAME}`, { timeoutMs: 60_000, captureFigures: false });
    assert.equal(result.status, 'ok', `${code}\n${result.error?.ename}: ${result.error?.evalue}`);
    return JSON.parse(streamText(result.outputs)) as PandasFrame;
  }

  it('has a sample of each kind of file', () => {
    assert.ok(readable.length >= 14, readable.join(', '));
  });

  for (const name of readable) {
    it(`reads ${name} the same way in both`, async () => {
      const path = join(FIXTURES, name);
      const table = readTableFile(readFileSync(path), path);
      const pandas = await loadInKernel(table.loadCode);
      assert.deepEqual(table.description.columnSummaries.map((c) => c.name), pandas.columns);
      assert.deepEqual(table.description.columnSummaries.map((c) => c.dtype), pandas.dtypes);
      assert.equal(table.description.rows, pandas.rows);
      assert.ok(pandas.columns.length > 1 || name === 'single-column.csv', `${name} read as one column`);
    });
  }

  it('lays out the head of the CSV samples exactly as pandas does', async () => {
    for (const name of readable.filter((n) => !n.startsWith('records'))) {
      const path = join(FIXTURES, name);
      const table = readTableFile(readFileSync(path), path);
      const pandas = await loadInKernel(table.loadCode);
      assert.equal(table.description.head, pandas.head, name);
    }
  });

  it('says which encoding, delimiter and header it used when they are not the defaults', () => {
    const reading = (name: string) => readTableFile(readFileSync(join(FIXTURES, name)), name).reading;
    assert.equal(reading('semicolon-latin1.csv'), 'read as Latin-1 (ISO-8859-1), separated by semicolons');
    assert.equal(reading('windows1252.csv'), 'read as Windows-1252');
    assert.equal(reading('utf8-bom.csv'), 'read as UTF-8 with a byte-order mark');
    assert.equal(reading('tab-separated.tsv'), 'read separated by tabs');
    assert.equal(reading('no-header.csv'), 'read without a header row (columns named column_1 … column_3)');
    assert.equal(reading('semicolon-decimal-comma.csv'), 'read separated by semicolons, with decimal commas');
    assert.equal(reading('excel-unicode.txt'), 'read as UTF-16, separated by tabs');
    assert.equal(reading('crlf-utf8.csv'), undefined);
    assert.equal(reading('records.jsonl'), undefined);
  });

  it('refuses empty, header-only and ragged files with one sentence naming the file and the fix', () => {
    for (const name of UNREADABLE) {
      let message = '';
      try {
        readTableFile(readFileSync(join(FIXTURES, name)), name);
      } catch (error) {
        assert.ok(error instanceof UnreadableFileError, `${name}: ${String(error)}`);
        message = error.message;
      }
      assert.ok(message.startsWith(name), message);
      assert.equal(message.split(/\.\s/).length, 1, `one sentence: ${message}`);
      assert.ok(message.length < 240, message);
    }
    assert.throws(
      () => readTableFile(readFileSync(join(FIXTURES, 'ragged.csv')), 'ragged.csv'),
      /^UnreadableFileError: ragged\.csv: line 3 has 4 fields separated by commas but the header has 3/,
    );
  });

  it('turns the error pandas raises in the kernel into the same sentence for a ragged line past what was sniffed', async () => {
    // 300 good rows, then a bad one: the sniffer only looks at the first 200 records.
    const path = join(temp.path, 'late-ragged.csv');
    writeFileSync(path, `a,b\n${'1,2\n'.repeat(300)}3,4,5\n`);
    const format = sniffTable(readFileSync(path), path);
    const result = await kernel.execute(pandasLoadCode(path, format), { timeoutMs: 60_000, captureFigures: false });
    assert.equal(result.status, 'error');
    assert.equal(
      explainLoadError(path, format, result.error!),
      `${path}: line 302 has 3 fields separated by commas but the header has 2: put quotes around values that contain ',', or fix that line.`,
    );
  });

  it('explains a file that is not in the encoding it was read with', async () => {
    const path = join(FIXTURES, 'semicolon-latin1.csv');
    const wrong: TableFormat = { ...(sniffTable(readFileSync(path), path) as Extract<TableFormat, { kind: 'delimited' }>), encoding: 'utf-8' };
    const session = new DataFrameSession(kernel, pandasLoadCode(path, wrong));
    const error = await session.load().then(
      () => assert.fail('loaded'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof SetupError && error.kernelError, String(error));
    assert.match(explainLoadError(path, wrong, error.kernelError) ?? '', /^\S+semicolon-latin1\.csv is not valid UTF-8 \(byte \d+\): it mixes text encodings; save it again as UTF-8/);
  });

  it('reads Parquet when the kernel has pyarrow or fastparquet, and otherwise says what to install', async () => {
    const path = join(temp.path, 'sales.parquet');
    writeFileSync(
      path,
      writeParquet(
        [
          { name: 'id', kind: 'int64' },
          { name: 'region', kind: 'string' },
        ],
        [
          { id: 1, region: 'north' },
          { id: 2, region: 'south' },
        ],
      ),
    );
    const format = sniffTable(readFileSync(path), path);
    assert.deepEqual(format, { kind: 'parquet' });
    const engines = await kernel.execute(
      'import importlib.util as _u\nprint(bool(_u.find_spec("pyarrow") or _u.find_spec("fastparquet")))\ndel _u',
      { timeoutMs: 30_000, captureFigures: false },
    );
    const result = await kernel.execute(`${pandasLoadCode(path, format)}\n${PRINT_FRAME}`, { timeoutMs: 60_000, captureFigures: false });
    if (streamText(engines.outputs).trim() === 'True') {
      assert.equal(result.status, 'ok');
      assert.deepEqual((JSON.parse(streamText(result.outputs)) as PandasFrame).columns, ['id', 'region']);
    } else {
      assert.equal(result.status, 'error');
      assert.equal(
        explainLoadError(path, format, result.error!),
        `${path} is a Parquet file, and pandas reads Parquet only with pyarrow or fastparquet, neither of which the kernel's Python has: install one there (python3 -m pip install pyarrow; Debian 12 packages neither) or save the file as CSV.`,
      );
    }
  });
});

// The kernel-free CSV description against what pandas itself says about the same real files.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { describeCsvText, formatFloatColumn, formatTable, pandasDtype } from '../../src/core/csvDescription.js';
import { sampleItems, writeSampleCsv } from '../support/plotbenchSample.js';

interface PandasView {
  dtypes: string[];
  rows: number;
  head: string;
}

/** What pandas itself says about each sample CSV (one Python process for all of them). */
function pandasViews(paths: string[]): PandasView[] {
  const script = `import json, sys, pandas as pd
out = []
for path in json.loads(sys.argv[1]):
    df = pd.read_csv(path)
    out.append({"dtypes": [str(t) for t in df.dtypes], "rows": len(df), "head": df.head(5).to_string()})
print(json.dumps(out))`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, JSON.stringify(paths)], { encoding: 'utf8' })) as PandasView[];
}

const items = sampleItems();
const views = pandasViews(items.map(writeSampleCsv));

describe('describeCsvText', () => {
  it('infers the dtypes and row count pandas does, on every real sample CSV', () => {
    items.forEach((item, i) => {
      const description = describeCsvText(item.data_csv);
      const pandas = views[i];
      assert.equal(description.rows, pandas.rows, `item ${item.id}`);
      assert.deepEqual(description.columnSummaries.map((c) => c.dtype), pandas.dtypes.slice(0, 40), `item ${item.id}`);
    });
  });

  it('lays the head out exactly like pandas on every real sample CSV', () => {
    items.forEach((item, i) => {
      assert.equal(describeCsvText(item.data_csv).head, views[i].head, `item ${item.id}`);
    });
    assert.equal(formatTable(['a', 'name'], [['1', 'x'], ['-10', 'long']], [true, false]), '    a  name\n0   1     x\n1 -10  long');
  });

  it('maps values to pandas dtypes', () => {
    assert.equal(pandasDtype(['1', '2', '-3']), 'int64');
    assert.equal(pandasDtype(['1', '', '3']), 'float64');
    assert.equal(pandasDtype(['1', 'NA', '3']), 'float64');
    assert.equal(pandasDtype(['0.0', '2']), 'float64');
    assert.equal(pandasDtype(['1e5', '2']), 'float64');
    assert.equal(pandasDtype(['a', '1']), 'object');
    assert.equal(pandasDtype(['True', 'False']), 'bool');
    assert.equal(pandasDtype(['True', null]), 'object');
    assert.equal(pandasDtype(['2020-01-01']), 'object');
    assert.equal(pandasDtype([null, null]), 'float64');
  });

  it('formats floats as pandas does', () => {
    assert.deepEqual(formatFloatColumn([0.1, 0.25, NaN]), ['0.10', '0.25', 'NaN']);
    assert.deepEqual(formatFloatColumn([6515454.688835, 1.5]), ['6.515455e+06', '1.500000e+00']);
    assert.deepEqual(formatFloatColumn([2, 3]), ['2.0', '3.0']);
  });

  it('gives rich facts and refuses an empty file', () => {
    const rich = describeCsvText('x,g\n1,a\n,b\n5,a\n', { mode: 'rich' });
    assert.deepEqual(rich.columnSummaries[0], { name: 'x', dtype: 'float64', nulls: 1, unique: 2, min: '1', max: '5' });
    assert.deepEqual(rich.columnSummaries[1], { name: 'g', dtype: 'object', nulls: 0, unique: 2 });
    assert.throws(() => describeCsvText('  \n'), /empty/);
  });
});

describe('describeCsvText without sample rows', () => {
  it('sends only the schema in rich mode: no value, minimum, maximum or count', async () => {
    const { formatDescription } = await import('../../src/core/describe.js');
    const csv = 'salary,who\n987654321,SECRET-NAME\n123456789,other\n,third\n';
    const text = formatDescription(describeCsvText(csv, { mode: 'rich', sampleRows: false }));
    for (const leaked of ['987654321', '123456789', 'SECRET-NAME', 'range', 'nulls', 'distinct']) {
      assert.ok(!text.includes(leaked), `${leaked} in:\n${text}`);
    }
    assert.match(text, /- salary: float64/);
    assert.match(formatDescription(describeCsvText(csv, { mode: 'rich' })), /range 123456789 to 987654321/);
  });
});

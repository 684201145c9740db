import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeCode, formatDescription, parseDescription, type DataFrameDescription } from '../../src/core/describe.js';

const base: DataFrameDescription = {
  variable: 'df',
  rows: 1234567,
  columns: 2,
  columnSummaries: [
    { name: 'price', dtype: 'float64', nulls: 3, unique: 100, min: '0.5', max: '99.0' },
    { name: 'region', dtype: 'object', nulls: 0, unique: 4 },
  ],
  head: '   price region\n0    1.0  north',
  dtypeCounts: { float64: 1, object: 1 },
  mode: 'head',
};

describe('formatDescription', () => {
  it('shows shape, columns with dtypes and the head', () => {
    const text = formatDescription(base);
    assert.match(text, /has 1,234,567 rows and 2 columns/);
    assert.match(text, /- price: float64\n- region: object/);
    assert.match(text, /df\.head\(5\)\):\n {3}price region/);
    assert.doesNotMatch(text, /nulls/);
  });

  it('adds nulls, distinct counts and ranges in rich mode', () => {
    const text = formatDescription({ ...base, mode: 'rich' });
    assert.match(text, /- price: float64; 3 nulls; 100 distinct; range 0\.5 to 99\.0/);
    assert.match(text, /- region: object; 0 nulls; 4 distinct$/m);
  });

  it('names only the variable in none mode', () => {
    assert.equal(formatDescription({ ...base, mode: 'none' }), 'The DataFrame is in the variable `df`.');
  });

  it('summarises the columns it does not list', () => {
    const text = formatDescription({ ...base, columns: 10000, dtypeCounts: { float64: 9999, object: 1 } });
    assert.match(text, /… and 9,998 more columns \(all columns by dtype: 9,999 float64, 1 object\)/);
    assert.match(text, /first 2 columns/);
  });

  it('leaves the rows out when sample rows are not sent', () => {
    assert.doesNotMatch(formatDescription({ ...base, head: undefined }), /head/);
  });
});

describe('describeCode and parseDescription', () => {
  it('refuses a name that is not a Python identifier', () => {
    assert.throws(() => describeCode('df; import os', 'head'), /not a Python variable name/);
  });

  it('parses the marked line and reports kernel-side errors', () => {
    const marker = '__PLOTWRIGHT_DESCRIPTION__';
    const parsed = parseDescription(`noise\n${marker}{"rows":2,"columns":1,"columnSummaries":[],"dtypeCounts":{}}\n`, 'df', 'head');
    assert.equal(parsed.rows, 2);
    assert.throws(() => parseDescription(`${marker}{"error":"'s' is a Series, not a pandas DataFrame"}`, 's', 'head'), /Series/);
    assert.throws(() => parseDescription('nothing', 'df', 'head'), /printed no description/);
  });
});

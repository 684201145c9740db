import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assignsName, plotCellIndex, type CellOverview } from '../../src/core/plotCellPosition.js';

const md = (source: string): CellOverview => ({ kind: 'markup', source });
const code = (source: string, executionOrder?: number): CellOverview => ({ kind: 'code', source, executionOrder });

describe('assignsName', () => {
  it('finds the statements that bind the name', () => {
    for (const source of ['df = pd.read_csv("x.csv")', 'a, df = 1, 2', '(df, b) = f()', 'df: pd.DataFrame = g()', 'df += 1', 'x = 1\n  df = y', 'for df in frames:', 'with open(p) as df:']) {
      assert.ok(assignsName(source, 'df'), source);
    }
  });

  it('ignores uses, comparisons and longer names', () => {
    for (const source of ['print(df)', 'df == other', 'df2 = df', 'my_df = 1', 'df["x"] = 1', '# df = 1 in a comment? no: starts with #', 'df.plot()']) {
      assert.ok(!assignsName(source, 'df'), source);
    }
  });
});

describe('plotCellIndex', () => {
  const opened = [md('# Sales by region'), code("df = pd.DataFrame({'a': [1]})"), code('df.plot()')];

  it('goes below the cell that defines the DataFrame, not below a selected markdown title', () => {
    assert.equal(plotCellIndex(opened, 'df', 0), 2);
  });

  it('prefers the definition that ran last', () => {
    const cells = [code('df = load(1)', 5), code('df = load(2)', 3), code('print(df)', 6)];
    assert.equal(plotCellIndex(cells, 'df', undefined), 1);
    assert.equal(plotCellIndex([code('df = load(1)'), code('df = load(2)'), code('x = 1')], 'df', undefined), 2);
  });

  it('falls back to below the selected code cell, then to the end', () => {
    const cells = [md('title'), code('x = 1'), code('y = 2')];
    assert.equal(plotCellIndex(cells, 'df', 1), 2);
    assert.equal(plotCellIndex(cells, 'df', 0), 3);
    assert.equal(plotCellIndex(cells, undefined, undefined), 3);
    assert.equal(plotCellIndex(cells, 'df', 17), 3);
  });
});

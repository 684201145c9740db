// The DataFrame description computed in a real kernel, on real PandasPlotBench CSVs and on extreme frames.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatDescription } from '../../src/core/describe.js';
import { DataFrameSession, readCsvSetup } from '../../src/kernel/dataFrameSession.js';
import { HeadlessKernel } from '../../src/kernel/headlessKernel.js';
import { streamText } from '../../src/kernel/kernel.js';
import { resolvePython } from '../../src/kernel/python.js';
import { sampleItems, writeSampleCsv } from '../support/plotbenchSample.js';

describe('describing DataFrames in a real kernel', () => {
  let kernel: HeadlessKernel;

  before(async () => {
    const python = await resolvePython({});
    kernel = await HeadlessKernel.start({ python: python.path, cwd: mkdtempSync(join(tmpdir(), 'pw-describe-')) });
  });
  after(async () => {
    await kernel.dispose();
  });

  it('describes every real PandasPlotBench sample CSV with its header and first rows', async () => {
    for (const item of sampleItems()) {
      const session = new DataFrameSession(kernel, readCsvSetup(writeSampleCsv(item)));
      const description = await session.describe('head');
      const header = item.data_csv.split('\n')[0].split(',');
      const dataRows = item.data_csv.trim().split('\n').length - 1;
      assert.equal(description.rows, dataRows, `item ${item.id}`);
      assert.deepEqual(description.columnSummaries.map((c) => c.name), header.map((h) => h.replace(/^"|"$/g, '')), `item ${item.id}`);
      const text = formatDescription(description);
      assert.ok(text.length < 4000, `item ${item.id}: ${text.length} characters`);
      const headLines = (description.head ?? '').split('\n');
      assert.equal(headLines.length, Math.min(5, dataRows) + 1, `item ${item.id}`);
    }
  });

  it('keeps a 10,000-column frame to a bounded prompt', async () => {
    const session = new DataFrameSession(
      kernel,
      'import numpy as np, pandas as pd\ndf = pd.DataFrame(np.arange(50 * 10000).reshape(50, 10000), columns=[f"col_{i}" for i in range(10000)])\ndf["label"] = "x"',
    );
    const description = await session.describe('head');
    assert.equal(description.columns, 10001);
    assert.equal(description.columnSummaries.length, 40);
    const text = formatDescription(description);
    assert.ok(text.length < 8000, `${text.length} characters`);
    assert.match(text, /… and 9,961 more columns \(all columns by dtype: 10,000 int64, 1 object\)/);
  });

  it('sends only five rows of a 1,000,000-row frame, and rich facts computed in the kernel', async () => {
    const session = new DataFrameSession(
      kernel,
      'import numpy as np, pandas as pd\nn = 1_000_000\ndf = pd.DataFrame({"x": np.arange(n), "y": np.where(np.arange(n) % 4 == 0, np.nan, 1.5), "g": np.array(["a", "b"])[np.arange(n) % 2]})',
    );
    const head = await session.describe('head');
    assert.equal(head.rows, 1_000_000);
    assert.equal((head.head ?? '').split('\n').length, 6);
    const rich = await session.describe('rich');
    const [x, y, g] = rich.columnSummaries;
    assert.deepEqual([x.nulls, x.unique, x.min, x.max], [0, 1_000_000, '0', '999999']);
    assert.deepEqual([y.nulls, y.unique], [250_000, 1]);
    assert.deepEqual([g.nulls, g.unique, g.min], [0, 2, undefined]);
    assert.match(formatDescription(rich), /- y: float64; 250,000 nulls; 1 distinct; range 1\.5 to 1\.5/);
  });

  it('clips long cells, leaves sample rows out on request, and leaves no globals behind', async () => {
    const session = new DataFrameSession(kernel, 'import pandas as pd\ndf = pd.DataFrame({"text": ["x" * 500, "short"]})');
    await session.load();
    const namesBefore = await kernel.execute('print(sorted(k for k in globals() if not k.startswith("_")))');
    const described = await session.describe('head');
    assert.ok(!(described.head ?? '').includes('x'.repeat(100)));
    assert.match(described.head ?? '', /x…/);
    const schemaOnly = await session.describe('head', { sampleRows: false });
    assert.equal(schemaOnly.head, undefined);
    const namesAfter = await kernel.execute('print(sorted(k for k in globals() if not k.startswith("_")))');
    const text = (r: typeof namesAfter) => streamText(r.outputs);
    assert.equal(text(namesAfter), text(namesBefore));
    assert.doesNotMatch(text(namesAfter), /json|_plotwright_describe/);
  });

  it('with sample rows off, the rich description sends only the schema: no value, minimum, maximum or count', async () => {
    const session = new DataFrameSession(
      kernel,
      'import pandas as pd\ndf = pd.DataFrame({"salary": [987654321, 123456789, None], "who": ["SECRET-NAME", "other", "third"]})',
    );
    await session.load();
    const text = formatDescription(await session.describe('rich', { sampleRows: false }));
    for (const leaked of ['987654321', '123456789', '9.87654321e', 'SECRET-NAME', 'range', 'nulls', 'distinct']) {
      assert.ok(!text.includes(leaked), `${leaked} in:\n${text}`);
    }
    assert.match(text, /- salary: float64/);
    assert.match(text, /3 rows and 2 columns/);
    // With rows allowed the same frame does send its range.
    assert.match(formatDescription(await session.describe('rich')), /range 123456789\.0 to 987654321\.0/);
  });

  it('says what is wrong when the variable is not a DataFrame', async () => {
    const session = new DataFrameSession(kernel, 'import pandas as pd\ndf = pd.DataFrame({"a": [1]})\ns = df["a"]');
    await session.load();
    await assert.rejects(
      new DataFrameSession(kernel, 's = 1', 's').load(),
      /did not create a pandas DataFrame named 's'/,
    );
  });
});

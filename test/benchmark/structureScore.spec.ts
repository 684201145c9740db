// Structure scores on real figures: ground truths written here (the shared sample has no code_plot),
// run with the generated code on the same state of a real kernel.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { structureInKernel, type StructureRun } from '../../benchmark/structureRun.js';
import { multisetF1, STRUCTURE_PARTS, valueSimilarity } from '../../benchmark/structureScore.js';
import { DataFrameSession, readCsvSetup } from '../../src/kernel/dataFrameSession.js';
import { HeadlessKernel } from '../../src/kernel/headlessKernel.js';
import { makeTempDir } from '../support/kernelFixtures.js';

const CSV = `region,year,sales,cost
North,2020,120,80
South,2020,90,70
East,2020,150,95
West,2020,60,40
North,2021,130,85
South,2021,100,72
East,2021,160,99
West,2021,75,50
`;

const MPL = 'import matplotlib.pyplot as plt\nimport pandas as pd\n';
const BAR = `${MPL}totals = df.groupby('region')['sales'].sum()
fig, ax = plt.subplots()
ax.bar(totals.index, totals.values, color='tab:blue', label='sales')
ax.set_title('Sales by region')
ax.set_xlabel('Region')
ax.set_ylabel('Sales')
ax.legend()
plt.show()`;
const LINE_FOR_BAR = BAR.replace("ax.bar(totals.index, totals.values, color='tab:blue', label='sales')", "ax.plot(totals.index, totals.values, color='tab:blue', label='sales')");
const TWO_ROWS = `${MPL}fig, (top, bottom) = plt.subplots(2, 1)
top.plot(df.year[df.region == 'North'], df.sales[df.region == 'North'], label='North')
bottom.scatter(df.sales, df.cost, color='tab:orange')
top.set_title('North')
bottom.set_xlabel('Sales')
plt.show()`;
const SEABORN = `import seaborn as sns
import matplotlib.pyplot as plt
ax = sns.barplot(data=df, x='region', y='sales', hue='year', errorbar=None)
ax.set_title('Sales per year')
plt.show()`;
const PIE = `${MPL}totals = df.groupby('region')['cost'].sum()
plt.pie(totals.values, labels=totals.index, autopct='%1.0f%%')
plt.title('Cost share')
plt.show()`;
const PLOTLY_BAR = `import plotly.express as px
totals = df.groupby('region', as_index=False)['sales'].sum()
fig = px.bar(totals, x='region', y='sales', title='Sales by region', labels={'region': 'Region', 'sales': 'Sales'})
fig.show()`;
const PLOTLY_SUBPLOTS = `import plotly.graph_objects as go
from plotly.subplots import make_subplots
fig = make_subplots(rows=1, cols=2, subplot_titles=('Sales', 'Cost'))
fig.add_trace(go.Bar(x=df.region, y=df.sales, name='sales', marker_color='#1f77b4'), row=1, col=1)
fig.add_trace(go.Scatter(x=df.year, y=df.cost, mode='markers', name='cost', marker_color='#ff7f0e'), row=1, col=2)
fig.show()`;

describe('structure scores in a real kernel', { timeout: 300_000 }, () => {
  const dir = makeTempDir('pw-structure-');
  let kernel: HeadlessKernel;
  let session: DataFrameSession;

  before(async () => {
    const csv = join(dir.path, 'sales.csv');
    writeFileSync(csv, CSV);
    kernel = await HeadlessKernel.start({ cwd: dir.path });
    session = new DataFrameSession(kernel, readCsvSetup(csv));
  });
  after(async () => {
    await kernel?.dispose();
    dir.remove();
  });

  const run = (truth: string, generated: string): Promise<StructureRun> =>
    structureInKernel(session, truth, generated, { timeoutMs: 60_000 });

  const assertAllHundred = (outcome: StructureRun, parts: readonly string[] = STRUCTURE_PARTS) => {
    assert.equal(outcome.truth.error, undefined);
    assert.ok(outcome.scores, 'no scores');
    for (const part of parts) {
      assert.equal(outcome.scores[part as keyof typeof outcome.scores], 100, `${part}: ${JSON.stringify(outcome.scores)}`);
    }
    assert.equal(outcome.scores.combined, 100);
  };

  it('scores a program identical to the ground truth 100 on every part (Matplotlib, Seaborn, subplots, pie)', async () => {
    for (const code of [BAR, TWO_ROWS, SEABORN, PIE]) {
      assertAllHundred(await run(code, code));
    }
  });

  it('scores an identical Plotly program 100 on every part', async () => {
    for (const code of [PLOTLY_BAR, PLOTLY_SUBPLOTS]) {
      const outcome = await run(code, code);
      assertAllHundred(outcome);
      assert.ok(outcome.scores!.skipped.some((s) => /tick text/.test(s)));
    }
  });

  it('runs both programs on the same state: the ground truth changing df does not leak into the generated run', async () => {
    const mutating = `df['sales'] = df['sales'] * 10\n${BAR}`;
    assertAllHundred(await run(mutating, mutating));
  });

  it('a line chart where a bar chart was asked loses on chart type, not on data', async () => {
    const { scores } = await run(BAR, LINE_FOR_BAR);
    assert.equal(scores!.chartType, 0);
    assert.equal(scores!.data, 100);
    assert.equal(scores!.layout, 100);
    assert.ok(scores!.combined! < 100);
  });

  it('loses on layout, text, data and colour when those differ', async () => {
    const sideBySide = TWO_ROWS.replace('plt.subplots(2, 1)', 'plt.subplots(1, 2)');
    assert.ok((await run(TWO_ROWS, sideBySide)).scores!.layout! < 100);
    const retitled = BAR.replace("'Sales by region'", "'Revenue'").replace("'Region'", "'Area'");
    const text = (await run(BAR, retitled)).scores!;
    assert.ok(text.text! < 100 && text.text! > 0, JSON.stringify(text));
    assert.equal(text.data, 100);
    const doubled = BAR.replace('totals.values,', 'totals.values * 2,');
    assert.equal((await run(BAR, doubled)).scores!.data, 0);
    const recoloured = BAR.replace("color='tab:blue'", "color='tab:red'");
    assert.equal((await run(BAR, recoloured)).scores!.color, 0);
  });

  it('compares a Plotly answer with a Matplotlib ground truth where it can, and says what it skipped', async () => {
    const { scores } = await run(BAR, PLOTLY_BAR);
    assert.equal(scores!.chartType, 100);
    assert.equal(scores!.data, 100);
    assert.equal(scores!.layout, 100);
    // Title and axis labels agree; the Matplotlib legend entry has no Plotly counterpart.
    assert.ok(scores!.text! >= 80 && scores!.text! < 100, JSON.stringify(scores));
    assert.ok(scores!.skipped.some((s) => /tick text/.test(s)));
  });

  it('skips what Plotly leaves to the browser: histogram bins, and colours it does not set', async () => {
    const histogram = "import plotly.express as px\npx.histogram(df, x='sales').show()";
    const hist = (await run(histogram, histogram)).scores!;
    assert.equal(hist.data, null);
    assert.ok(hist.skipped.some((s) => /histograms/.test(s)));
    assert.equal(hist.chartType, 100);
    const plain = "import plotly.graph_objects as go\ngo.Figure(go.Scatter(x=df.year, y=df.sales)).show()";
    const scatter = (await run(plain, plain)).scores!;
    assert.equal(scatter.color, null);
    assert.ok(scatter.skipped.some((s) => /colour/.test(s)));
    assert.equal(scatter.data, 100);
    assert.equal(scatter.combined, 100);
  });

  it('gives no scores when the ground truth fails, and zeros when the answer draws nothing', async () => {
    const broken = await run('raise ValueError("no truth")', BAR);
    assert.equal(broken.scores, null);
    assert.match(broken.truth.error ?? '', /ValueError: no truth/);
    const nothing = await run(BAR, 'print(df.shape)');
    assert.equal(nothing.generated.error, 'the code drew no figure');
    for (const part of STRUCTURE_PARTS) {
      assert.equal(nothing.scores![part], 0);
    }
  });
});

describe('structure score arithmetic', () => {
  it('multisetF1 counts repeated keys once each', () => {
    assert.equal(multisetF1([], []), 1);
    assert.equal(multisetF1(['a', 'a', 'b'], ['a', 'b']), 0.8);
    assert.equal(multisetF1(['a'], ['b']), 0);
  });

  it('valueSimilarity compares in order when lengths agree, else as multisets', () => {
    assert.equal(valueSimilarity([1, 2, null], [1, 2, null]), 1);
    assert.equal(valueSimilarity([1, 2, 3, 4], [1, 2, 30, 40]), 0.5);
    assert.equal(valueSimilarity([3, 1, 2], [1, 2, 3, 4]), 0.75);
  });
});

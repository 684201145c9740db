// Structure scores through a whole `bench` run: real kernels, the mock model answering each item with
// its own ground truth (`code_plot`), so every structure part must score 100; a line chart answered
// for a bar-chart item must lose on chart type. One run per library, as the benchmark runs them.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PlotLibrary } from '../../src/core/prompts.js';
import { runBenchmark, type ResultLine } from '../../benchmark/runner.js';
import { mergeRuns } from '../../benchmark/merge.js';
import { STRUCTURE_SUMMARY_PARTS, type Summary } from '../../benchmark/metrics.js';
import { compareTable } from '../../benchmark/report.js';
import { startMockOpenAI, type MockOpenAI } from '../support/mockOpenAI.js';
import { benchResponder, buildDataset, mockModels, PYTHON, readRecords, type FixtureItem } from './benchFixtures.js';

const CSV = 'region,year,sales,cost\nNorth,2020,120,80\nSouth,2020,90,70\nEast,2020,150,95\nWest,2020,60,40\nNorth,2021,130,85\nSouth,2021,100,72\nEast,2021,160,99\nWest,2021,75,50\n';

const BAR = `import matplotlib.pyplot as plt
totals = df.groupby('region')['sales'].sum()
fig, ax = plt.subplots()
ax.bar(totals.index, totals.values, color='tab:blue', label='sales')
ax.set_title('Sales by region')
ax.set_xlabel('Region')
ax.set_ylabel('Sales')
ax.legend()
plt.show()`;
const TWO_PANELS = `import matplotlib.pyplot as plt
fig, (left, right) = plt.subplots(1, 2)
left.plot(df.year[df.region == 'North'], df.sales[df.region == 'North'], color='tab:green', label='North')
right.scatter(df.sales, df.cost, color='tab:orange')
left.set_title('North')
right.set_xlabel('Sales')
plt.show()`;
const SEABORN = `import seaborn as sns
import matplotlib.pyplot as plt
ax = sns.barplot(data=df, x='region', y='sales', hue='year', errorbar=None)
ax.set_title('Sales per year')
plt.show()`;
const SEABORN_SCATTER = `import seaborn as sns
import matplotlib.pyplot as plt
ax = sns.scatterplot(data=df, x='sales', y='cost', color='tab:purple')
ax.set_title('Cost against sales')
plt.show()`;
const PLOTLY = `import plotly.express as px
totals = df.groupby('region', as_index=False)['sales'].sum()
fig = px.bar(totals, x='region', y='sales', title='Sales by region', labels={'region': 'Region', 'sales': 'Sales'})
fig.show()`;
const LINE_FOR_BAR = BAR.replace("ax.bar(totals.index, totals.values, color='tab:blue', label='sales')", "ax.plot(totals.index, totals.values, color='tab:blue', label='sales')");

const item = (id: number, codePlot: string, answer = codePlot): FixtureItem => ({ id, code: answer, codePlot, csv: CSV });

const RUNS: Record<PlotLibrary, FixtureItem[]> = {
  matplotlib: [item(1, BAR), item(2, TWO_PANELS), item(3, BAR, LINE_FOR_BAR), item(4, "raise ValueError('broken ground truth')", BAR)],
  seaborn: [item(11, SEABORN), item(12, SEABORN_SCATTER)],
  plotly: [item(21, PLOTLY)],
};
const ALL = Object.values(RUNS).flat();


describe('structure scores in a bench run', { timeout: 600_000 }, () => {
  let mock: MockOpenAI;
  let dataset: string;
  const root = mkdtempSync(join(tmpdir(), 'pw-structure-bench-'));
  const results = new Map<PlotLibrary, { lines: ResultLine[]; summary: Summary; outDir: string }>();

  before(async () => {
    mock = await startMockOpenAI({ responder: benchResponder(ALL, { taskScore: 90 }) });
    dataset = buildDataset(ALL);
    for (const library of Object.keys(RUNS) as PlotLibrary[]) {
      const outDir = join(root, library);
      const { summary } = await runBenchmark({
        dataset,
        ids: RUNS[library].map((i) => i.id),
        library,
        taskVariant: 'full',
        descriptor: 'head',
        ...mockModels(mock.baseUrl),
        judges: ['task'],
        concurrency: 2,
        kernels: 1,
        timeoutMs: 30_000,
        python: PYTHON,
        outDir,
        cacheDir: null,
      });
      results.set(library, { lines: readRecords(outDir), summary, outDir });
    }
  });
  after(async () => {
    await mock?.close();
  });

  it('scores 100 on every structure part for every item answered with its own code_plot (Matplotlib, Seaborn, Plotly)', () => {
    const identical = ALL.filter((i) => i.code === i.codePlot);
    assert.equal(identical.length, 5);
    for (const fixture of identical) {
      const library = (Object.keys(RUNS) as PlotLibrary[]).find((l) => RUNS[l].includes(fixture))!;
      const line = results.get(library)!.lines.find((r) => r.id === fixture.id);
      assert.ok(line, `item ${fixture.id} has no record`);
      assert.equal(line.hasPlot, true, `item ${fixture.id}: ${line.error ?? line.note}`);
      assert.equal(line.structureError, null, `item ${fixture.id}`);
      const structure = line.scores.structure;
      assert.ok(structure, `item ${fixture.id} has no structure scores`);
      for (const part of STRUCTURE_SUMMARY_PARTS) {
        assert.equal(structure[part], 100, `item ${fixture.id} (${library}), ${part}: ${JSON.stringify(structure)}`);
      }
    }
  });

  it('a line chart answered for a bar-chart item loses on chart type, not on data or layout', () => {
    const line = results.get('matplotlib')!.lines.find((r) => r.id === 3)!;
    const structure = line.scores.structure!;
    assert.equal(structure.chartType, 0);
    assert.equal(structure.data, 100);
    assert.equal(structure.layout, 100);
    assert.ok(structure.combined! < 100, JSON.stringify(structure));
  });

  it('records a ground truth that cannot be run as a structure error, not as a score', () => {
    const line = results.get('matplotlib')!.lines.find((r) => r.id === 4)!;
    assert.equal(line.hasPlot, true);
    assert.equal(line.scores.structure, null);
    assert.match(line.structureError ?? '', /ground truth .*ValueError: broken ground truth/);
  });

  it('keeps the structure scores through bench merge and in the compare table', async () => {
    const { summary, outDir } = results.get('matplotlib')!;
    const merged = await mergeRuns([outDir], join(root, 'merged'));
    assert.deepEqual(merged.summary.structure, summary.structure);
    const table = compareTable([summary, results.get('seaborn')!.summary, results.get('plotly')!.summary], 'library');
    assert.match(table.split('\n')[0]!, /structure chart type \| structure layout \| structure text \| structure data \| structure colour \| structure combined \|$/);
    assert.match(table, /\| seaborn \|.*\| 100\.0 \| 100\.0 \| 100\.0 \| 100\.0 \| 100\.0 \| 100\.0 \|$/m);
  });

  it('aggregates the parts in summary.json and shows them in summary.md and report.html', () => {
    const { summary, outDir } = results.get('matplotlib')!;
    const parts = summary.structure!.parts;
    assert.equal(parts.chartType.n, 3);
    // Items 1 and 2 score 100, item 3 scores 0 on chart type.
    assert.equal(parts.chartType.mean, 66.7);
    assert.equal(parts.data.mean, 100);
    assert.equal(summary.structure!.errors, 1);
    const saved = JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8')) as Summary;
    assert.deepEqual(saved.structure, summary.structure);
    const markdown = readFileSync(join(outDir, 'summary.md'), 'utf8');
    assert.match(markdown, /## Structure scores/);
    assert.match(markdown, /\| chart type \| 66\.7 \|/);
    // Three runs have a structure and a task score: too few for a correlation.
    assert.match(markdown, /\| chart type \| task \| n too small \(n = 3, at least 5 needed\) \|/);
    const html = readFileSync(join(outDir, 'report.html'), 'utf8');
    assert.match(html, /<h2>Structure scores<\/h2>/);
    assert.match(html, /chart type 0\.0, layout 100\.0/);
    const plotly = results.get('plotly')!.summary.structure!;
    assert.equal(plotly.parts.combined.mean, 100);
    assert.ok(Object.keys(plotly.skipped).some((reason) => /tick text/.test(reason)), JSON.stringify(plotly.skipped));
  });
});

// Each plot-lint rule on real figures drawn in a real kernel: one figure that trips it, one that does not.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lintFigures, requestedLabels, type LintRule } from '../../src/core/plotLint.js';
import { figureSummaries } from '../../src/kernel/figureSummary.js';
import { HeadlessKernel } from '../../src/kernel/headlessKernel.js';
import { makeTempDir } from '../support/kernelFixtures.js';

const SETUP = `import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots
df = pd.DataFrame({'x': [1, 2, 3, 4], 'y': [3.0, 1.0, 4.0, 1.5], 'g': ['a', 'b', 'a', 'b']})`;

describe('plot lint on real figures', { timeout: 300_000 }, () => {
  const dir = makeTempDir('pw-lint-');
  let kernel: HeadlessKernel;

  before(async () => {
    kernel = await HeadlessKernel.start({ cwd: dir.path });
    const setup = await kernel.execute(SETUP, { timeoutMs: 60_000 });
    assert.equal(setup.status, 'ok', JSON.stringify(setup.error));
  });
  after(async () => {
    await kernel?.dispose();
    dir.remove();
  });

  async function rules(code: string, task = ''): Promise<LintRule[]> {
    const result = await kernel.execute(code, { timeoutMs: 60_000 });
    assert.equal(result.status, 'ok', JSON.stringify(result.error));
    const figures = figureSummaries(result);
    assert.ok(figures.length > 0, 'the code drew no figure');
    return lintFigures(figures, { task }).map((finding) => finding.rule);
  }

  const trips = async (rule: LintRule, code: string, task?: string) => {
    const found = await rules(code, task);
    assert.ok(found.includes(rule), `expected ${rule}, got [${found.join(', ')}]`);
  };
  const passes = async (rule: LintRule, code: string, task?: string) => {
    const found = await rules(code, task);
    assert.ok(!found.includes(rule), `did not expect ${rule}, got [${found.join(', ')}]`);
  };

  it('no-data: an axes with nothing on it (Matplotlib and Plotly)', async () => {
    await trips('no-data', "fig, ax = plt.subplots()\nax.set_title('Sales')\nplt.show()");
    await trips('no-data', "empty = df[df.x > 100]\nplt.plot(empty.x, empty.y)\nplt.show()");
    await trips('no-data', "go.Figure(go.Bar(x=[], y=[])).show()");
    await passes('no-data', 'plt.plot(df.x, df.y)\nplt.show()');
    await passes('no-data', "px.bar(df, x='g', y='y').show()");
  });

  it('empty-subplot: a grid with a subplot left empty', async () => {
    await trips('empty-subplot', 'fig, axs = plt.subplots(2, 2)\naxs[0, 0].plot(df.x, df.y)\naxs[0, 1].bar(df.g, df.y)\naxs[1, 0].scatter(df.x, df.y)\nplt.show()');
    await trips('empty-subplot', 'fig = make_subplots(rows=1, cols=2)\nfig.add_trace(go.Scatter(x=df.x, y=df.y), row=1, col=1)\nfig.show()');
    await trips('empty-subplot', "fig = make_subplots(rows=1, cols=2, subplot_titles=('Sales', 'Cost'))\nfig.add_trace(go.Bar(x=df.g, y=df.y), row=1, col=2)\nfig.show()");
    await passes('empty-subplot', 'fig, axs = plt.subplots(2, 2)\nfor ax in axs.flat:\n    ax.plot(df.x, df.y)\nplt.show()');
    // A subplot deliberately turned off is not "left empty".
    await passes('empty-subplot', "fig, axs = plt.subplots(1, 3)\naxs[0].plot(df.x, df.y)\naxs[1].bar(df.g, df.y)\naxs[2].axis('off')\nplt.show()");
  });

  it('all-nan-series: a series with no numbers', async () => {
    await trips('all-nan-series', "df2 = df.assign(z=pd.to_numeric(df.g, errors='coerce'))\nplt.plot(df2.x, df2.z, label='z')\nplt.plot(df2.x, df2.y, label='y')\nplt.legend()\nplt.show()");
    await trips('all-nan-series', "px.line(x=df.x, y=[np.nan] * 4).show()");
    await passes('all-nan-series', "plt.plot(df.x, [1.0, np.nan, 2.0, np.nan])\nplt.show()");
    // Categories on the value axis are values, not NaN.
    await passes('all-nan-series', "px.scatter(df, x='y', y='g').show()");
    // One value per bar: Seaborn draws NaN error bars, which are not series.
    await passes('all-nan-series', "import seaborn as sns\nsns.barplot(x=['a', 'b'], y=[1, 2])\nplt.show()");
  });

  it('missing-labels: only when the task asks for labels or a title', async () => {
    const task = "Plot y against x. Label the x-axis 'X' and the y-axis 'Y', and add the title 'Growth'.";
    await trips('missing-labels', 'plt.plot(df.x, df.y)\nplt.show()', task);
    await trips('missing-labels', "fig, ax = plt.subplots()\nax.plot(df.x, df.y)\nax.set_xlabel('X')\nax.set_ylabel('Y')\nplt.show()", task);
    await trips('missing-labels', "go.Figure(go.Scatter(x=df.x, y=df.y)).show()", task);
    await passes('missing-labels', "plt.plot(df.x, df.y)\nplt.xlabel('X')\nplt.ylabel('Y')\nplt.title('Growth')\nplt.show()", task);
    await passes('missing-labels', "px.line(df, x='x', y='y', title='Growth').show()", task);
    await passes('missing-labels', "fig, axs = plt.subplots(1, 2, sharey=True)\nfor ax in axs:\n    ax.plot(df.x, df.y)\nfig.supxlabel('X')\nfig.supylabel('Y')\nfig.suptitle('Growth')\nplt.show()", task);
    await passes('missing-labels', 'plt.plot(df.x, df.y)\nplt.show()', 'Plot y against x.');
  });

  it('tick-overlap: long tick labels crowd each other; rotated ones do not', async () => {
    const labels = "names = [f'Region number {i} of the north' for i in range(12)]";
    await trips('tick-overlap', `${labels}\nplt.bar(names, range(12))\nplt.show()`);
    await passes('tick-overlap', `${labels}\nplt.figure(figsize=(8, 6))\nplt.bar(names, range(12))\nplt.xticks(rotation=45, ha='right')\nplt.show()`);
    await passes('tick-overlap', `${labels}\nplt.barh(names, range(12))\nplt.show()`);
  });

  it('crowded-categories: hundreds of categories on one axis', async () => {
    const many = "cats = [f'item {i:03d}' for i in range(300)]";
    await trips('crowded-categories', `${many}\nplt.bar(cats, range(300))\nplt.xticks(rotation=90)\nplt.show()`);
    await passes('crowded-categories', `${many}\nplt.bar(cats[:20], range(20))\nplt.xticks(rotation=90)\nplt.show()`);
    // Many numeric ticks are not categories.
    await passes('crowded-categories', 'plt.plot(range(300), range(300))\nplt.show()');
  });

  it('clipped-text: a figure saved without a tight box cuts its labels off', async () => {
    const code = (bbox: string) =>
      `fig, ax = plt.subplots(figsize=(3, 2))\nax.bar(['a rather long category name', 'another long category'], [1, 2])\nax.tick_params(axis='x', rotation=90)\nfig.savefig('clip.png'${bbox})\nplt.close(fig)`;
    await trips('clipped-text', code(''));
    await passes('clipped-text', code(", bbox_inches='tight'"));
  });

  it('empty-legend: a legend with no entries', async () => {
    await trips('empty-legend', 'plt.plot(df.x, df.y)\nplt.legend()\nplt.show()');
    await trips('empty-legend', "fig = go.Figure(go.Scatter(x=df.x, y=df.y, showlegend=False))\nfig.update_layout(showlegend=True)\nfig.show()");
    await passes('empty-legend', "plt.plot(df.x, df.y, label='y')\nplt.legend()\nplt.show()");
    await passes('empty-legend', "px.line(df, x='x', y='y', color='g').show()");
  });

  it('a clean chart has no findings', async () => {
    const found = await rules(
      "fig, ax = plt.subplots()\nfor name, part in df.groupby('g'):\n    ax.plot(part.x, part.y, label=name)\nax.set_xlabel('X')\nax.set_ylabel('Y')\nax.set_title('Growth')\nax.legend()\nplt.show()",
      "Plot y against x per group with axis labels and the title 'Growth'.",
    );
    assert.deepEqual(found, []);
  });
});

describe('requestedLabels', () => {
  it('reads which labels a task asks for', () => {
    assert.deepEqual(requestedLabels('Label the axes and add a title.'), { title: true, x: true, y: true });
    assert.deepEqual(requestedLabels("Label the y-axis as 'Count'."), { title: false, x: false, y: true });
    assert.deepEqual(requestedLabels('Plot the x axis label and y-axis label clearly.'), { title: false, x: true, y: true });
    assert.deepEqual(requestedLabels('Draw a bar chart of sales by region.'), { title: false, x: false, y: false });
  });
});

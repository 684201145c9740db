// Figure summaries as the kernel returns them (figure_summary.py) and as Plotly's JSON gives them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { figureSummaries, summarizePlotly } from '../../src/kernel/figureSummary.js';
import { HeadlessKernel } from '../../src/kernel/headlessKernel.js';
import { imageOutputs, streamText } from '../../src/kernel/kernel.js';
import { makeTempDir } from '../support/kernelFixtures.js';

describe('figure summaries from a real kernel', { timeout: 180_000 }, () => {
  const dir = makeTempDir('pw-summary-');
  let kernel: HeadlessKernel;

  before(async () => {
    kernel = await HeadlessKernel.start({ cwd: dir.path });
  });
  after(async () => {
    await kernel?.dispose();
    dir.remove();
  });

  it('summarizes each figure a cell drew, in order, with what it shows', async () => {
    const result = await kernel.execute(
      "import matplotlib.pyplot as plt\nimport numpy as np\n" +
        "fig1, ax = plt.subplots()\nax.bar(['a', 'b', 'c'], [3, 1, 2], color='#ff0000', label='counts')\nax.set_title('Bars')\nax.set_xlabel('letter')\nax.legend()\n" +
        "fig2, axs = plt.subplots(1, 2)\naxs[0].plot([1, 2, 3], [1.5, np.nan, 2.5])\naxs[1].scatter([1, 2], [3, 4])\nfig2.suptitle('Two')\nplt.show()",
    );
    assert.equal(result.status, 'ok', JSON.stringify(result.error));
    assert.equal(imageOutputs(result).length, 2);
    const [bars, two] = figureSummaries(result);
    assert.equal(bars!.library, 'matplotlib');
    assert.equal(bars!.axes.length, 1);
    const axes = bars!.axes[0]!;
    assert.equal(axes.title, 'Bars');
    assert.equal(axes.x.label, 'letter');
    assert.equal(axes.x.categorical, true);
    assert.deepEqual(axes.x.tickLabels, ['a', 'b', 'c']);
    assert.deepEqual(axes.legend, { entries: ['counts'] });
    assert.deepEqual(
      axes.artists.map((a) => [a.type, a.label, a.color, a.values]),
      [['bar', 'counts', '#ff0000', [3, 1, 2]]],
    );
    assert.equal(two!.title, 'Two');
    assert.equal(two!.axes.length, 2);
    assert.ok(two!.axes[0]!.bounds[0] < two!.axes[1]!.bounds[0], 'left subplot first');
    const line = two!.axes[0]!.artists[0]!;
    assert.deepEqual([line.type, line.points, line.finite, line.values], ['line', 3, 2, [1.5, null, 2.5]]);
    assert.equal(two!.axes[1]!.artists[0]!.type, 'scatter');
  });

  it('summarizes a figure that was only saved, and marks a save without a tight box', async () => {
    const result = await kernel.execute("import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2])\nfig.savefig('only.png')\nplt.close(fig)");
    assert.equal(result.status, 'ok');
    assert.equal(imageOutputs(result).length, 1);
    const figures = figureSummaries(result);
    assert.equal(figures.length, 1);
    assert.equal(figures[0]!.savedWithoutTightBox, true);
  });

  it('starts every cell afresh and leaves no names in the user namespace', async () => {
    const result = await kernel.execute("print(sorted(n for n in globals() if 'plotwright' in n or 'summar' in n))");
    assert.equal(result.status, 'ok');
    assert.equal(result.figures?.length ?? 0, 0);
    assert.equal(streamText(result.outputs).trim(), '[]');
  });

  it('keeps a figure of many long series to a bounded summary', async () => {
    const result = await kernel.execute("import matplotlib.pyplot as plt\nimport numpy as np\nfor i in range(100):\n    plt.plot(np.arange(5000) + i)\nplt.show()");
    assert.equal(result.status, 'ok');
    const artists = figureSummaries(result)[0]!.axes[0]!.artists;
    assert.equal(artists.length, 100);
    assert.ok(artists.every((a) => a.points === 5000 && a.finite === 5000 && a.values.length === 500 && a.values[499] === 499 + artists.indexOf(a)));
  });

  it('summarizeFigures: false still shows the figure but leaves summaries out, for that cell only', async () => {
    const code = "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2])\nax.set_title('t')\nplt.show()";
    const without = await kernel.execute(code, { summarizeFigures: false });
    assert.equal(without.status, 'ok');
    assert.equal(imageOutputs(without).length, 1);
    assert.equal(without.figures, undefined);
    const saved = await kernel.execute("import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2])\nfig.savefig('off.png')\nplt.close(fig)", { summarizeFigures: false });
    assert.equal(imageOutputs(saved).length, 1);
    assert.equal(saved.figures, undefined);
    const again = await kernel.execute(code);
    assert.equal(figureSummaries(again)[0]?.axes[0]?.title, 't');
  });

  it('returns no summaries for a cell that failed', async () => {
    const result = await kernel.execute("import matplotlib.pyplot as plt\nplt.plot([1, 2])\nraise ValueError('late')");
    assert.equal(result.status, 'error');
    assert.equal(figureSummaries(result).length, 0);
  });
});

describe('summarizePlotly', () => {
  it("decodes Plotly 6's typed arrays and finds subplots, titles and the legend", () => {
    const values = Buffer.from(new Float64Array([1, Number.NaN, 3]).buffer).toString('base64');
    const summary = summarizePlotly({
      data: [
        { type: 'bar', name: 'left', x: ['a', 'b', 'c'], y: { dtype: 'f8', bdata: values }, marker: { color: '#123456' } },
        { type: 'scatter', mode: 'markers', name: 'right', x: [1, 2], y: [5, 6], xaxis: 'x2', yaxis: 'y2' },
      ],
      layout: {
        title: { text: 'Both' },
        xaxis: { domain: [0, 0.45], anchor: 'y', title: { text: 'letter' } },
        yaxis: { domain: [0, 1], anchor: 'x' },
        xaxis2: { domain: [0.55, 1], anchor: 'y2' },
        yaxis2: { domain: [0, 1], anchor: 'x2' },
        annotations: [{ text: 'note' }],
      },
    });
    assert.equal(summary.title, 'Both');
    assert.deepEqual(summary.texts, ['note']);
    assert.equal(summary.axes.length, 2);
    const [left, right] = summary.axes;
    assert.deepEqual(left!.bounds, [0, 0, 0.45, 1]);
    assert.equal(left!.x.label, 'letter');
    assert.equal(left!.x.categorical, true);
    assert.deepEqual(left!.artists[0], { type: 'bar', label: 'left', color: '#123456', points: 3, finite: 2, x: [null, null, null], values: [1, null, 3] });
    assert.equal(right!.artists[0]!.type, 'scatter');
    assert.deepEqual(summary.legends, [{ entries: ['left', 'right'] }]);
  });
});

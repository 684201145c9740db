// Structure scores through the benchmark's own item kernel (ItemKernel/ItemSession, as a grader would
// call them) on real PandasPlotBench sample items, with ground truths written here: the sample leaves
// code_plot empty.
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ItemKernel, ItemSession } from '../../benchmark/itemKernel.js';
import { structureInKernel } from '../../benchmark/structureRun.js';
import { STRUCTURE_PARTS } from '../../benchmark/structureScore.js';
import { sampleItem, writeSampleCsv } from '../support/plotbenchSample.js';

const CODE_DATA = "import pandas as pd\ndf = pd.read_csv('data.csv')";

// Ground truths in the style of PandasPlotBench's code_plot, for three items of the shared sample.
const TRUTHS: Record<number, string> = {
  5: "import matplotlib.pyplot as plt\nfig, ax1 = plt.subplots()\nax1.plot(df['Distance'], df['Density'], color='tab:blue')\nax1.set_xlabel('Distance')\nax1.set_ylabel('Density')\nax2 = ax1.twinx()\nax2.plot(df['Distance'], df['Temperature'], color='tab:red')\nax2.set_ylabel('Temperature')\nplt.title('Density and temperature')\nplt.show()",
  20: "import matplotlib.pyplot as plt\ndf[['A', 'B', 'C']].plot(kind='bar')\nplt.title('Values')\nplt.show()",
  80: "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.pie(df['sizes'], labels=df['labels'], autopct='%1.1f%%')\nax.set_title('Shares')\nplt.show()",
};

describe('structure scores on sample items in the benchmark item kernel', { timeout: 300_000 }, () => {
  const kernels = new ItemKernel({ hidePaths: [] });

  before(async () => {
    await kernels.warmUp();
  });
  after(async () => {
    await kernels.dispose();
  });

  const session = (id: number) => new ItemSession(kernels, dirname(writeSampleCsv(sampleItem(id))), CODE_DATA, 'head');

  it('an answer identical to the ground truth scores 100 on every part, item after item in one kernel', async () => {
    for (const [id, truth] of Object.entries(TRUTHS)) {
      const items = session(Number(id));
      await items.prepare();
      const { scores, truth: ran } = await structureInKernel(items, truth, truth, { timeoutMs: 60_000 });
      assert.equal(ran.error, undefined, `item ${id}`);
      for (const part of STRUCTURE_PARTS) {
        assert.equal(scores![part], 100, `item ${id}, ${part}: ${JSON.stringify(scores)}`);
      }
      assert.equal(scores!.combined, 100);
    }
  });

  it('a line chart answered for the bar-chart item loses on chart type', async () => {
    const items = session(20);
    await items.prepare();
    const line = TRUTHS[20]!.replace("kind='bar'", "kind='line'");
    const { scores } = await structureInKernel(items, TRUTHS[20]!, line, { timeoutMs: 60_000 });
    assert.equal(scores!.chartType, 0);
    assert.equal(scores!.data, 100);
    assert.ok(scores!.combined! < 100);
  });
});

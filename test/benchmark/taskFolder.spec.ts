// The user's own tasks: a DataFrame snapshot asked of a real kernel (capped by rows and by bytes, read
// back with its index and dates), the task folder writer (ids, duplicates, the index), and the round
// trip: what the writer puts in a folder loads as PandasPlotBench items and runs through the benchmark
// runner, with real kernels, a mock model and a mock judge.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadDataset, parseDatasetSource, taskText } from '../../benchmark/dataset.js';
import { runBenchmark, type ResultLine } from '../../benchmark/runner.js';
import { groundTruthCode, listTasks, stripPlotwrightHeader, writeTask, type CollectedTask } from '../../benchmark/taskFolder.js';
import { parseSnapshot, snapshotCode, snapshotLoaderCode, SnapshotError, type DataFrameSnapshot, type SnapshotLimits } from '../../src/core/dataFrameSnapshot.js';
import { HeadlessKernel } from '../../src/kernel/headlessKernel.js';
import { imageOutputs, streamText } from '../../src/kernel/kernel.js';
import { makeTempDir } from '../support/kernelFixtures.js';
import { startMockOpenAI, type ChatRequestBody, type MockOpenAI } from '../support/mockOpenAI.js';
import { isJudgeRequest, mockModels, PYTHON } from './benchFixtures.js';

const fence = '```';

describe('collected tasks', { timeout: 300_000 }, () => {
  let kernel: HeadlessKernel;
  const temp = makeTempDir('pw-tasks-');

  before(async () => {
    kernel = await HeadlessKernel.start({ python: PYTHON, cwd: temp.path });
    await kernel.execute(
      [
        'import pandas as pd',
        'import matplotlib.pyplot as plt',
        'sales = pd.DataFrame({"region": ["north", "south", "east", "west"], "sales": [120, 95, 143, 88], "city": ["Köln", "Málaga", "Zürich", "Łódź"]})',
        'ts = pd.DataFrame({"value": range(50_000)}, index=pd.date_range("2024-01-01", periods=50_000, freq="min"))',
        'ts.index.name = "when"',
        'ts["stamp"] = ts.index + pd.Timedelta(days=1)',
        'wide = pd.DataFrame([["x" * 5000] * 10])',
      ].join('\n'),
    );
  });

  after(async () => {
    await kernel.dispose();
    temp.remove();
  });

  async function snapshot(variable: string, limits?: SnapshotLimits): Promise<DataFrameSnapshot> {
    const result = await kernel.execute(snapshotCode(variable, limits), { captureFigures: false });
    assert.equal(result.status, 'ok', JSON.stringify(result.error));
    return parseSnapshot(streamText(result.outputs), limits);
  }

  /** Runs `code` with `df` loaded from the snapshot by its own loader, in a fresh folder of the same kernel. */
  async function loadBack(s: DataFrameSnapshot, probe: string): Promise<string> {
    const dir = join(temp.path, `load-${Math.random().toString(36).slice(2)}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'data.csv'), s.csv);
    const result = await kernel.execute(`import os\n_cwd = os.getcwd()\nos.chdir(${JSON.stringify(dir)})\n${snapshotLoaderCode(s)}\nos.chdir(_cwd)\n${probe}`, { captureFigures: false });
    assert.equal(result.status, 'ok', JSON.stringify(result.error));
    return streamText(result.outputs);
  }

  it('snapshots a small DataFrame whole, UTF-8 and without its default index', async () => {
    const s = await snapshot('sales');
    assert.equal(s.capNote, undefined);
    assert.deepEqual([s.rows, s.keptRows, s.columns, s.indexLevels], [4, 4, 3, 0]);
    assert.equal(s.csv, 'region,sales,city\nnorth,120,Köln\nsouth,95,Málaga\neast,143,Zürich\nwest,88,Łódź\n');
    assert.equal(s.bytes, Buffer.byteLength(s.csv));
    assert.equal(snapshotLoaderCode(s), 'import pandas as pd\ndf = pd.read_csv("data.csv")');
  });

  it('caps a long DataFrame to evenly spaced rows, first and last kept, and says so; the loader restores the index and dates', async () => {
    const s = await snapshot('ts', { maxRows: 1000, maxBytes: 10_000_000 });
    assert.deepEqual([s.rows, s.keptRows, s.indexLevels, s.dateColumns], [50_000, 1000, 1, [0, 2]]);
    assert.match(s.capNote ?? '', /^The DataFrame has 50,000 rows; the snapshot keeps 1,000 evenly spaced rows \(1,000-row cap\)/);
    const lines = s.csv.trimEnd().split('\n');
    assert.equal(lines.length, 1001);
    assert.equal(lines[0], 'when,value,stamp');
    assert.match(lines[1], /^2024-01-01 00:00:00,0,2024-01-02/);
    assert.match(lines[1000], /,49999,/);
    const back = await loadBack(s, 'print(df.index.dtype, df.index.name, df["stamp"].dtype, df["value"].dtype, len(df))');
    assert.equal(back.trim(), 'datetime64[ns] when datetime64[ns] int64 1000');
  });

  it('caps by bytes when the rows fit but the text does not, and refuses a row wider than the cap', async () => {
    const s = await snapshot('ts', { maxRows: 50_000, maxBytes: 20_000 });
    assert.ok(s.bytes <= 20_000, `${s.bytes} bytes`);
    assert.ok(s.keptRows > 100 && s.keptRows < 50_000, `${s.keptRows} rows`);
    assert.match(s.capNote ?? '', /\(20,000-byte cap\)/);
    await assert.rejects(snapshot('wide', { maxRows: 100, maxBytes: 10_000 }), (error: unknown) => error instanceof SnapshotError && /even one row makes \d+ bytes of CSV, over the 10000-byte cap/.test(error.message));
    assert.throws(() => snapshotCode('df; import os'), SnapshotError);
  });

  it('strips the header comments, points the notebook name at df, and writes tasks with new ids (a duplicate too)', async () => {
    const source = '# Plotwright: Bar chart of sales per region\n# model: m · library: matplotlib\nimport matplotlib.pyplot as plt\nplt.bar(sales["region"], sales["sales"])\nplt.show()\n';
    assert.equal(stripPlotwrightHeader(source), 'import matplotlib.pyplot as plt\nplt.bar(sales["region"], sales["sales"])\nplt.show()');
    assert.match(groundTruthCode(source, 'sales'), /^sales = df\nimport matplotlib/);
    assert.doesNotMatch(groundTruthCode(source.replace(/sales\[/g, 'df['), 'df'), /= df/);

    const root = join(temp.path, 'ids', '.plotwright', 'tasks');
    assert.deepEqual(listTasks(root), []);
    const s = await snapshot('sales');
    const task: CollectedTask = { task: 'Bar chart of sales per region', cellSource: source, variable: 'sales', snapshot: s, png: Buffer.from('not really a png'), model: 'm', library: 'matplotlib', notebook: '/w/sales.ipynb' };
    const first = await writeTask(root, task);
    const second = await writeTask(root, { ...task, task: 'Sales as a line' });
    // A folder claimed by a writer that never finished: skipped by the index, its id never reused.
    mkdirSync(join(root, 'task-0003'));
    const again = await writeTask(root, task);
    assert.deepEqual([first.id, second.id, again.id], [1, 2, 4]);
    assert.equal(first.duplicateOf, undefined);
    assert.equal(again.duplicateOf, 1);
    assert.deepEqual(listTasks(root).map((t) => [t.id, t.task, t.keptRows, t.capNote]), [
      [1, 'Bar chart of sales per region', 4, null],
      [2, 'Sales as a line', 4, null],
      [4, 'Bar chart of sales per region', 4, null],
    ]);
    assert.deepEqual(readdirSync(join(root, 'task-0001')).sort(), ['item.json', 'meta.json', 'plot.png']);
    assert.ok(existsSync(join(root, 'README.md')));
    const loaded = await loadDataset(root);
    assert.deepEqual(loaded.errors, []);
    assert.deepEqual(loaded.items.map((i) => i.id), [1, 2, 4]);
    assert.deepEqual(parseDatasetSource(root), { kind: 'folder', path: root });
  });

  describe('round trip through the benchmark runner', () => {
    let mock: MockOpenAI;
    before(async () => {
      mock = await startMockOpenAI();
    });
    after(() => mock.close());

    it('loads two collected tasks as PandasPlotBench items and benchmarks a model on them with both judges', async () => {
      const root = join(temp.path, 'workspace', '.plotwright', 'tasks');
      // Two accepted cells: the code ran in the kernel on the user's frame and drew the PNG kept as ground truth.
      const accepted = [
        { task: 'Bar chart of sales per region', variable: 'sales', code: 'import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.bar(sales["region"], sales["sales"])\nax.set_title("sales")\nplt.show()' },
        { task: 'Value over time as a line', variable: 'ts', code: 'import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot(ts.index, ts["value"])\nplt.show()' },
      ];
      const limits = { maxRows: 500, maxBytes: 1_000_000 };
      for (const a of accepted) {
        const run = await kernel.execute(a.code);
        const [png] = imageOutputs(run);
        assert.ok(png, 'the accepted cell drew a PNG');
        await writeTask(root, {
          task: a.task,
          cellSource: `# Plotwright: ${a.task}\n# model: collector · library: matplotlib\n${a.code}\n`,
          variable: a.variable,
          snapshot: await snapshot(a.variable, limits),
          png: Buffer.from(png, 'base64'),
          model: 'collector',
          library: 'matplotlib',
        });
      }
      const { items, errors } = await loadDataset(root);
      assert.deepEqual(errors, []);
      assert.deepEqual(items.map((i) => [i.id, taskText(i, 'full'), i.plots_gt.length]), [
        [1, 'Bar chart of sales per region', 1],
        [2, 'Value over time as a line', 1],
      ]);
      assert.equal(items[1].code_data, 'import pandas as pd\ndf = pd.read_csv("data.csv", index_col=0, parse_dates=[0, 2])');
      assert.match(items[1].code_plot, /^ts = df\n/);
      assert.equal(JSON.parse(readFileSync(join(root, 'task-0002', 'meta.json'), 'utf8')).keptRows, 500);

      // The generator answers each task in terms of df; the judge scores against the collected PNG and the task.
      const judged: string[] = [];
      mock.setResponder((body: ChatRequestBody) => {
        const prompt = JSON.stringify(body.messages);
        if (isJudgeRequest(body)) {
          judged.push(prompt.includes('REFERENCE chart') ? 'visual' : 'task');
          return { content: prompt.includes('REFERENCE chart') ? 'Close to the reference.\nFINAL SCORE: 70' : 'As asked.\nFINAL SCORE: 90' };
        }
        const code = prompt.includes('Bar chart of sales')
          ? 'import matplotlib.pyplot as plt\nplt.bar(df["region"], df["sales"])\nplt.show()'
          : 'import matplotlib.pyplot as plt\nplt.plot(df.index, df["value"])\nplt.show()';
        return { content: `${fence}python\n${code}\n${fence}` };
      });
      const outDir = join(temp.path, 'workspace', 'bench-results', 'my-tasks');
      const result = await runBenchmark({
        dataset: root,
        library: 'matplotlib',
        taskVariant: 'full',
        descriptor: 'head',
        ...mockModels(mock.baseUrl),
        judges: ['visual', 'task'],
        concurrency: 1,
        kernels: 1,
        outDir,
        cacheDir: null,
        python: PYTHON,
      });
      const records = readFileSync(join(outDir, 'results.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as ResultLine);
      assert.deepEqual(records.map((r) => [r.id, r.hasPlot, r.scores.visual, r.scores.task, r.failure]), [
        [1, true, 70, 90, null],
        [2, true, 70, 90, null],
      ]);
      assert.ok(records.every((r) => r.scores.pixel !== null), 'the pixel score compares with the collected PNG');
      assert.deepEqual(judged.sort(), ['task', 'task', 'visual', 'visual']);
      assert.equal(result.summary.items, 2);
      assert.deepEqual(readdirSync(join(outDir, 'gt')).sort(), ['1.png', '2.png']);
      // The prompt described the snapshot as df: 4 rows for the sales task.
      const prompts = mock.chatRequests().filter((r) => !isJudgeRequest(r.body ?? {})).map((r) => JSON.stringify(r.body?.messages));
      assert.ok(prompts.some((p) => p.includes('has 4 rows and 3 columns')), prompts.join('\n').slice(0, 500));
      assert.ok(prompts.some((p) => p.includes('has 500 rows')), 'the capped frame is described with its kept rows');
    });
  });
});

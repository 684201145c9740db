// The built `plotwright plot` command, end to end: mock model over HTTP, real Python kernel, real files.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { resolvePython } from '../../src/kernel/python.js';
import { writeParquet } from '../benchmark/helpers/parquetWriter.js';
import { startMockOpenAI, type MockOpenAI } from '../support/mockOpenAI.js';
import { sampleItem, writeSampleCsv } from '../support/plotbenchSample.js';

const CLI = resolve(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const run = promisify(execFile);
const fence = '```';
const answer = (code: string) => `Here is the code.\n${fence}python\n${code}\n${fence}`;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json?: {
    ok: boolean;
    library: string;
    code: string;
    task: string;
    attempts: Array<{ code: string; error?: string; traceback?: string; hasPlot: boolean; lint?: Array<{ rule: string; message: string }> }>;
    lint: Array<{ rule: string; message: string }>;
    traceback?: string;
    stage?: string;
    pngPath?: string;
    usage: { promptTokens: number; completionTokens: number };
    timings: { llmMs: number; execMs: number };
    error?: string;
  };
}

async function plotwright(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      env: { ...process.env, OPENAI_API_KEY: 'sk-test-key-123', ...env },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr, json: args.includes('--json') ? JSON.parse(stdout) : undefined };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    let json;
    try {
      json = args.includes('--json') ? JSON.parse(e.stdout) : undefined;
    } catch {
      json = undefined;
    }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr, json };
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function assertPng(path: string | undefined): void {
  assert.ok(path && existsSync(path), `no PNG at ${path}`);
  const bytes = readFileSync(path);
  assert.deepEqual(bytes.subarray(0, 8), PNG_SIGNATURE);
  assert.ok(bytes.length > 5000, `PNG of only ${bytes.length} bytes`);
}

describe('plotwright plot', () => {
  let mock: MockOpenAI;
  let out: string;
  // Item 5: Distance, Density, Temperature; a twin-axis line plot.
  const item = sampleItem(5);
  const csv = writeSampleCsv(item);
  const task = item.task__plot_description.trim();

  before(async () => {
    mock = await startMockOpenAI();
    out = mkdtempSync(join(tmpdir(), 'pw-cli-'));
  });
  beforeEach(() => {
    // A reply left over by a failed test must not answer the next one.
    mock.reset();
  });
  after(async () => {
    await mock.close();
  });

  it('repairs a first answer that raises and writes the PNG and the code', async () => {
    mock.enqueue(
      { content: answer('import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot(df["distance"], df["Density"])\nplt.show()') },
      {
        content: answer(
          'import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot(df["Distance"], df["Density"], color="tab:blue")\n' +
            'ax2 = ax.twinx()\nax2.plot(df["Distance"], df["Temperature"], color="tab:red")\nplt.show()',
        ),
      },
    );
    const before = mock.chatRequests().length;
    const result = await plotwright([
      'plot', '--data', csv, '--task', task, '--model', 'mock-model', '--base-url', mock.baseUrl,
      '--out', join(out, 'twin.png'), '--code-out', join(out, 'twin.py'), '--json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const json = result.json!;
    assert.equal(json.ok, true);
    assert.equal(json.library, 'matplotlib');
    assert.equal(json.attempts.length, 2);
    assert.match(json.attempts[0].error ?? '', /KeyError/);
    assert.equal(json.attempts[1].hasPlot, true);
    assertPng(json.pngPath);
    assert.equal(readFileSync(join(out, 'twin.py'), 'utf8'), json.code);
    assert.ok(json.usage.promptTokens > 0 && json.usage.completionTokens > 0);
    assert.ok(json.timings.execMs > 0);

    const sent = mock.chatRequests().slice(before);
    assert.equal(sent.length, 2);
    const prompt = String(sent[0].body?.messages?.[1].content);
    // The data part: shape, dtypes and head(5) of the real CSV, and the installed versions.
    assert.match(prompt, /has 3 rows and 3 columns/);
    assert.match(prompt, /- Distance: int64\n- Density: int64\n- Temperature: int64/);
    assert.match(prompt, /Distance\s+Density\s+Temperature\n0\s+0\s+0\s+0/);
    assert.match(prompt, /pandas 1\.\d+\.\d+/);
    assert.ok(prompt.includes(task));
    assert.equal(sent[0].body?.temperature, 0);
    const repair = String(sent[1].body?.messages?.[3].content);
    assert.match(repair, /KeyError: 'distance'/);
  });

  it('reports plot-lint findings in --json after one lint-driven repair', async () => {
    const emptyLegend = answer('import matplotlib.pyplot as plt\nplt.plot(df["Distance"], df["Density"])\nplt.legend()\nplt.show()');
    mock.enqueue({ content: emptyLegend }, { content: emptyLegend });
    const result = await plotwright([
      'plot', '--data', csv, '--task', task, '--base-url', mock.baseUrl, '--out', join(out, 'lint.png'), '--json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const json = result.json!;
    assert.equal(json.ok, true);
    assert.equal(json.attempts.length, 2);
    assert.deepEqual(json.attempts[0].lint?.map((f) => f.rule), ['empty-legend']);
    assert.deepEqual(json.lint.map((f) => f.rule), ['empty-legend']);
    assert.match(json.lint[0].message, /legend with no entries/);
    assertPng(json.pngPath);
  });

  it('draws with plotly and renders the figure to PNG', async () => {
    mock.enqueue({
      content: answer('import plotly.express as px\nfig = px.line(df, x="Distance", y=["Density", "Temperature"])\nfig.show()'),
    });
    const result = await plotwright([
      'plot', '--data', csv, '--task', task, '--library', 'plotly', '--base-url', mock.baseUrl, '--out', join(out, 'plotly.png'), '--json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.json!.attempts.length, 1);
    assertPng(result.json!.pngPath);
    assert.match(String(mock.chatRequests().at(-1)?.body?.messages?.[1].content), /Plotly only/);
  });

  it('reports an error raised while the figure is drawn, with its traceback, not "drew no figure"', async () => {
    const drawError = [
      'import matplotlib.pyplot as plt, matplotlib.ticker as mticker',
      'from mpl_toolkits.axisartist import Axes',
      'from mpl_toolkits.axisartist.grid_helper_curvelinear import GridHelperCurveLinear',
      'helper = GridHelperCurveLinear((lambda x, y: (x, y), lambda x, y: (x, y)), grid_locator1=mticker.MaxNLocator(5))',
      'fig = plt.figure()',
      'ax = fig.add_subplot(1, 1, 1, axes_class=Axes, grid_helper=helper)',
      'ax.plot(df["Distance"], df["Density"])',
    ].join('\n');
    mock.enqueue({ content: answer(drawError) });
    const result = await plotwright([
      'plot', '--data', csv, '--task', task, '--base-url', mock.baseUrl, '--max-repairs', '0', '--out', join(out, 'drawn.png'), '--json',
    ]);
    assert.equal(result.code, 1);
    const json = result.json!;
    assert.equal(json.ok, false);
    assert.equal(json.stage, 'execution');
    assert.match(json.error ?? '', /TypeError: MaxNLocator.__call__\(\) takes 1 positional argument but 3 were given/);
    assert.doesNotMatch(json.error ?? '', /drew no figure/);
    assert.match(json.traceback ?? '', /Traceback[\s\S]*TypeError: MaxNLocator/);
    assert.equal(json.attempts[0].traceback, json.traceback);

    mock.enqueue({ content: answer(drawError) });
    const text = await plotwright(['plot', '--data', csv, '--task', task, '--base-url', mock.baseUrl, '--max-repairs', '0', '--out', join(out, 'drawn.png')]);
    assert.equal(text.code, 1);
    assert.match(text.stderr, /plotwright plot: No plot after 1 attempt\(s\): TypeError: MaxNLocator[\s\S]*Traceback/);
  });

  it('a figure the renderer cannot turn into PNG is a rendering failure, never ok', async () => {
    mock.enqueue({ content: answer('import plotly.express as px\nfig = px.line(df, x="Distance", y="Density")\nfig.show()') });
    const result = await plotwright(
      ['plot', '--data', csv, '--task', task, '--library', 'plotly', '--base-url', mock.baseUrl, '--out', join(out, 'unrendered.png'), '--json'],
      { PLOTWRIGHT_CHROMIUM: '/nonexistent/chromium' },
    );
    assert.equal(result.code, 1);
    assert.equal(result.json!.ok, false, 'no ok: true beside an error');
    assert.equal(result.json!.stage, 'rendering');
    assert.match(result.json!.error ?? '', /not an error in the code.*Chromium was not found/);
    assert.equal(result.json!.attempts[0].hasPlot, true);
    assert.equal(existsSync(join(out, 'unrendered.png')), false);
  });

  it('fails clearly when the model never returns code', async () => {
    mock.enqueue(
      { content: 'I cannot see your data.' },
      { content: 'Still no code, sorry.' },
    );
    const result = await plotwright([
      'plot', '--data', csv, '--task', task, '--base-url', mock.baseUrl, '--max-repairs', '1', '--out', join(out, 'none.png'), '--json',
    ]);
    assert.equal(result.code, 1);
    assert.equal(result.json!.ok, false);
    assert.equal(result.json!.attempts.length, 2);
    assert.match(result.json!.error ?? '', /No plot after 2 attempt\(s\): The model returned no code/);
    assert.equal(existsSync(join(out, 'none.png')), false);
  });

  it('shortens the task first with --detail single', async () => {
    mock.enqueue(
      { content: 'A twin-axis line plot of Density and Temperature against Distance.' },
      { content: answer('import matplotlib.pyplot as plt\nplt.plot(df["Distance"], df["Density"])\nplt.show()') },
    );
    const result = await plotwright([
      'plot', '--data', csv, '--task', task, '--detail', 'single', '--base-url', mock.baseUrl, '--out', join(out, 'single.png'), '--json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.json!.task, 'A twin-axis line plot of Density and Temperature against Distance.');
    const [shorten, plot] = mock.chatRequests().slice(-2);
    assert.match(String(shorten.body?.messages?.[1].content), /one sentence:\n\nPlot Description/);
    assert.match(String(plot.body?.messages?.[1].content), /The chart to draw:\nA twin-axis line plot/);
  });

  it('loads the data with --setup code instead of the CSV reader', async () => {
    const setup = join(out, 'setup.py');
    writeFileSync(setup, 'import pandas as pd\ndf = pd.DataFrame({"year": [2020, 2021, 2022], "visitors": [5, 9, 4]})\n');
    mock.enqueue({ content: answer('import matplotlib.pyplot as plt\nplt.bar(df["year"], df["visitors"])\nplt.show()') });
    const result = await plotwright([
      'plot', '--data', csv, '--setup', setup, '--task', 'visitors per year', '--base-url', mock.baseUrl, '--out', join(out, 'setup.png'), '--json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(String(mock.chatRequests().at(-1)?.body?.messages?.[1].content), /- year: int64\n- visitors: int64/);
  });

  it('reports a malformed CSV in one sentence before asking the model', async () => {
    const bad = join(out, 'bad.csv');
    writeFileSync(bad, 'a,b\n1,2\n3,4,5,6\n"unclosed\n');
    const before = mock.chatRequests().length;
    const result = await plotwright(['plot', '--data', bad, '--task', 'x', '--base-url', mock.baseUrl, '--json']);
    assert.equal(result.code, 1);
    assert.equal(
      result.json!.error,
      `${bad}: line 3 has 4 fields separated by commas but the header has 2: put quotes around values that contain ',', or fix that line.`,
    );
    assert.equal(mock.chatRequests().length, before);
  });

  it('refines existing code by a follow-up, with the data description, the code and the instruction', async () => {
    const existing = join(out, 'bars.py');
    // As the user left it: edited after generation (the colour).
    writeFileSync(existing, 'import matplotlib.pyplot as plt\nplt.bar(df["Distance"], df["Density"], color="teal")\nplt.title("Density")\nplt.show()\n');
    mock.enqueue({
      content: answer('import matplotlib.pyplot as plt\nplt.barh(df["Distance"], df["Density"], color="teal")\nplt.title("Density")\nplt.show()'),
    });
    const before = mock.chatRequests().length;
    const result = await plotwright([
      'plot', '--data', csv, '--from-code', existing, '--task', 'Make the bars horizontal', '--base-url', mock.baseUrl,
      '--out', join(out, 'refined.png'), '--json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.json!.attempts.length, 1);
    assert.match(result.json!.code, /plt\.barh/);
    assertPng(result.json!.pngPath);
    const [sent] = mock.chatRequests().slice(before);
    const prompt = String(sent.body?.messages?.[1].content);
    assert.match(prompt, /- Distance: int64\n- Density: int64\n- Temperature: int64/);
    assert.ok(prompt.includes('```python\nimport matplotlib.pyplot as plt\nplt.bar(df["Distance"], df["Density"], color="teal")\nplt.title("Density")\nplt.show()\n```'), prompt);
    assert.match(prompt, /Change it as follows:\nMake the bars horizontal/);
    assert.doesNotMatch(prompt, /When it last ran, it failed/);
    assert.doesNotMatch(prompt, /The chart to draw:/);
  });

  it('refines code that fails: the model sees its error, and a failing answer is still repaired', async () => {
    const broken = join(out, 'broken.py');
    writeFileSync(broken, 'import matplotlib.pyplot as plt\nplt.plot(df["distance"], df["Density"])\nplt.show()\n');
    mock.enqueue(
      { content: answer('import matplotlib.pyplot as plt\nplt.plot(df["Distance"], df["Density"])\nplt.yscale("logg")\nplt.show()') },
      { content: answer('import matplotlib.pyplot as plt\nplt.plot(df["Distance"], df["Density"])\nplt.yscale("symlog")\nplt.show()') },
    );
    const before = mock.chatRequests().length;
    const result = await plotwright([
      'plot', '--data', csv, '--from-code', broken, '--task', 'log scale on y', '--base-url', mock.baseUrl,
      '--out', join(out, 'refined-broken.png'), '--json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.json!.attempts.length, 2);
    assert.match(result.json!.attempts[0].error ?? '', /ValueError/);
    assertPng(result.json!.pngPath);
    const sent = mock.chatRequests().slice(before);
    assert.equal(sent.length, 2);
    assert.match(String(sent[0].body?.messages?.[1].content), /When it last ran, it failed:\n\n```\n[\s\S]*KeyError: 'distance'[\s\S]*```\n\nChange it as follows:\nlog scale on y/);
    assert.match(String(sent[1].body?.messages?.[3].content), /Running your code failed:[\s\S]*logg/);
  });

  it('names a missing or empty --from-code file', async () => {
    const missing = await plotwright(['plot', '--data', csv, '--from-code', join(out, 'nope.py'), '--task', 'x', '--base-url', mock.baseUrl]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /The code file .*nope\.py does not exist\./);
    const empty = join(out, 'empty.py');
    writeFileSync(empty, '\n');
    const usage = await plotwright(['plot', '--data', csv, '--from-code', empty, '--task', 'x', '--base-url', mock.baseUrl]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--from-code .*empty\.py is empty: give the code to change/);
  });

  it('plots a semicolon-separated Latin-1 file, saying how it read it', async () => {
    const data = resolve(import.meta.dirname, '..', 'fixtures', 'tables', 'semicolon-latin1.csv');
    mock.enqueue({ content: answer('import matplotlib.pyplot as plt\nplt.bar(df["Stadt"], df["Umsatz"])\nplt.show()') });
    const result = await plotwright(['plot', '--data', data, '--task', 'Umsatz per Stadt as bars', '--base-url', mock.baseUrl, '--out', join(out, 'latin1.png')]);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.stderr.includes(`Reading ${data}: read as Latin-1 (ISO-8859-1), separated by semicolons.`), result.stderr);
    assertPng(join(out, 'latin1.png'));
    const prompt = String(mock.chatRequests().at(-1)?.body?.messages?.[1].content);
    assert.match(prompt, /has 4 rows and 4 columns/);
    assert.match(prompt, /- Stadt: object\n- Monat: object\n- Umsatz: int64\n- Anteil: float64/);
    assert.match(prompt, /München\s+Jan\s+1200/);
  });

  it('names the file, the problem and the fix in one line for a file it cannot read', async () => {
    const workbook = join(out, 'sales.xlsx');
    writeFileSync(workbook, Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(64)]));
    const before = mock.chatRequests().length;
    const result = await plotwright(['plot', '--data', workbook, '--task', 'x', '--base-url', mock.baseUrl]);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      `plotwright plot: ${workbook} is a spreadsheet workbook, not a text table: save the sheet as CSV (in Excel: Save As › CSV UTF-8) and plot that file.\n`,
    );
    assert.equal(mock.chatRequests().length, before);
  });

  it('reads Parquet when the kernel can, and otherwise says what to install', async () => {
    const parquet = join(out, 'sales.parquet');
    writeFileSync(parquet, writeParquet([{ name: 'month', kind: 'int64' }, { name: 'region', kind: 'string' }], [{ month: 1, region: 'north' }, { month: 2, region: 'south' }]));
    const python = await resolvePython({});
    const canRead = execFileSync(python.path, ['-c', 'import importlib.util as u; print(bool(u.find_spec("pyarrow") or u.find_spec("fastparquet")))'], { encoding: 'utf8' }).trim() === 'True';
    mock.enqueue({ content: answer('import matplotlib.pyplot as plt\nplt.bar(df["region"], df["month"])\nplt.show()') });
    const before = mock.chatRequests().length;
    const result = await plotwright(['plot', '--data', parquet, '--task', 'month per region', '--base-url', mock.baseUrl, '--out', join(out, 'parquet.png'), '--json']);
    if (canRead) {
      assert.equal(result.code, 0, result.stderr);
      assertPng(result.json!.pngPath);
    } else {
      assert.equal(result.code, 1);
      assert.equal(
        result.json!.error,
        `${parquet} is a Parquet file, and pandas reads Parquet only with pyarrow or fastparquet, neither of which the kernel's Python has: install one there (python3 -m pip install pyarrow; Debian 12 packages neither) or save the file as CSV.`,
      );
      assert.equal(mock.chatRequests().length, before);
    }
  });

  it("generated code finds no API key, token, secret or password in its environment", async () => {
    // The attack: code from the model reads os.environ; finding anything fails the run, so it shows in the result.
    const steal =
      'import os\nfound = sorted(k for k, v in os.environ.items() if "sk-test-key" in v or "pw-secret" in v or any(w in k.upper() for w in ("KEY", "TOKEN", "SECRET", "PASSWORD")))\n' +
      // ...and through /proc, the environment of any other process (the CLI's own holds the key).
      'for pid in (p for p in os.listdir("/proc") if p.isdigit()):\n' +
      '    try:\n        environ = open(f"/proc/{pid}/environ", "rb").read()\n    except OSError:\n        continue\n' +
      '    if b"sk-test-key" in environ or b"pw-secret" in environ:\n        found.append("/proc/" + pid)\n' +
      'if found:\n    raise RuntimeError("LEAKED " + " ".join(found))\n' +
      'import matplotlib.pyplot as plt\nplt.plot(df["Distance"], df["Density"])\nplt.show()';
    mock.enqueue({ content: answer(steal) });
    const result = await plotwright(
      ['plot', '--data', csv, '--task', task, '--model', 'mock-model', '--base-url', mock.baseUrl, '--out', join(out, 'env.png'), '--json'],
      { AZURE_OPENAI_API_KEY: 'pw-secret-azure', HF_TOKEN: 'pw-secret-hf', DB_PASSWORD: 'pw-secret-db' },
    );
    assert.equal(result.code, 0, `${result.stderr}\n${JSON.stringify(result.json?.attempts)}`);
    assert.equal(result.json!.attempts.length, 1);
    assert.equal(result.json!.attempts[0].error, undefined);
  });

  it('names a missing data file, and rejects bad options with exit 2', async () => {
    const missing = await plotwright(['plot', '--data', join(out, 'nope.csv'), '--task', 'x', '--base-url', mock.baseUrl]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nope\.csv does not exist/);
    const badLibrary = await plotwright(['plot', '--data', csv, '--task', 'x', '--library', 'ggplot']);
    assert.equal(badLibrary.code, 2);
    assert.match(badLibrary.stderr, /--library must be one of matplotlib, seaborn, plotly/);
    const noTask = await plotwright(['plot', '--data', csv]);
    assert.equal(noTask.code, 2);
  });

  it('explains a rejected key without printing it', async () => {
    mock.enqueue({ status: 401 });
    const result = await plotwright(['plot', '--data', csv, '--task', 'x', '--base-url', mock.baseUrl, '--json']);
    assert.equal(result.code, 1);
    assert.match(result.json!.error ?? '', /401/);
    assert.doesNotMatch(result.stdout + result.stderr, /sk-test-key-123/);
  });
});

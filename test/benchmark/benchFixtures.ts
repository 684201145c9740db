// A tiny PandasPlotBench dataset the runner tests build themselves (ground truth drawn by Matplotlib
// in /usr/bin/python3), and a mock OpenAI responder that plays both the generator and the judge.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlotBenchItem } from '../../benchmark/dataset.js';
import type { ResultLine } from '../../benchmark/runner.js';
import { createChatModel } from '../../src/llm/openaiClient.js';
import type { ChatRequestBody, MockReply, MockResponder } from '../support/mockOpenAI.js';

export const PYTHON = '/usr/bin/python3';
const fence = '```';

export interface FixtureItem {
  id: number;
  /** What the mock generator answers with. */
  code: string;
  /** Ground truth drawn with this Matplotlib code (df loaded); none when undefined. */
  gtCode?: string;
  /** The item's ground-truth program (`code_plot`, run in the kernel for the structure scores); '' when undefined. */
  codePlot?: string;
  csv?: string;
  /** What the mock task judge answers ('score' gives FINAL SCORE: taskScore). */
  taskAnswer?: string;
}

const CSV = 'x,y,group\n' + Array.from({ length: 20 }, (_, i) => `${i},${(i * 7) % 11},${i % 2 ? 'a' : 'b'}`).join('\n') + '\n';

export const GOOD_CODE = 'import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot(df["x"], df["y"])\nax.set_title("y by x")\nplt.show()';
export const GT_CODE = 'fig, ax = plt.subplots()\nax.plot(df["x"], df["y"])\nax.set_title("reference")';

export function marker(id: number): string {
  return `[item-${id}]`;
}

export interface GroundTruthJob {
  id: number;
  csv: string;
  /** Matplotlib code that draws from `df` (no show/save needed). */
  code: string;
}

/** Draws each job's figure with Matplotlib (Agg) in `python` and returns base64 PNGs by id. */
export function renderGroundTruth(jobs: GroundTruthJob[], dir: string, python = PYTHON): Record<string, string> {
  const script = [
    'import json, sys, io, base64',
    'import matplotlib',
    'matplotlib.use("Agg")',
    'import matplotlib.pyplot as plt',
    'import pandas as pd',
    'jobs = json.load(open(sys.argv[1]))',
    'out = {}',
    'for job in jobs:',
    '    df = pd.read_csv(io.StringIO(job["csv"]))',
    '    exec(job["code"], {"df": df, "plt": plt, "pd": pd})',
    '    buf = io.BytesIO()',
    '    plt.gcf().savefig(buf, format="png", dpi=60)',
    '    plt.close("all")',
    '    out[str(job["id"])] = base64.b64encode(buf.getvalue()).decode()',
    'json.dump(out, open(sys.argv[2], "w"))',
  ].join('\n');
  writeFileSync(join(dir, 'gt.py'), script);
  writeFileSync(join(dir, 'jobs.json'), JSON.stringify(jobs));
  execFileSync(python, [join(dir, 'gt.py'), join(dir, 'jobs.json'), join(dir, 'gt.json')], { env: { ...process.env, MPLBACKEND: 'Agg' } });
  return JSON.parse(readFileSync(join(dir, 'gt.json'), 'utf8')) as Record<string, string>;
}

/** Writes dataset.jsonl (with ground-truth PNGs) into a fresh folder; returns its path. */
export function buildDataset(items: FixtureItem[], dir = mkdtempSync(join(tmpdir(), 'pw-bench-data-'))): string {
  mkdirSync(dir, { recursive: true });
  const jobs = items.filter((i) => i.gtCode).map((i) => ({ id: i.id, csv: i.csv ?? CSV, code: i.gtCode as string }));
  const gts = renderGroundTruth(jobs, dir);
  const rows: PlotBenchItem[] = items.map((item) => ({
    id: item.id,
    // gtCode relies on the plt the PNG script passes in, so it is not a program the kernel could run.
    code_plot: item.codePlot ?? '',
    code_data: 'import pandas as pd\ndf = pd.read_csv("data.csv")',
    data_csv: item.csv ?? CSV,
    task__plot_description: ` Draw y against x as a line ${marker(item.id)}.`,
    task__plot_style: ' Use a title.\n',
    _task__plot_description_short: `Line of y over x ${marker(item.id)}.`,
    _task__plot_description_short_single: `Line of y over x ${marker(item.id)}.`,
    plots_gt: gts[String(item.id)] ? [gts[String(item.id)]] : [],
  }));
  const path = join(dir, 'dataset.jsonl');
  writeFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return path;
}

function text(body: ChatRequestBody): string {
  return (body.messages ?? [])
    .map((m) => (typeof m.content === 'string' ? m.content : (m.content as Array<{ type: string; text?: string }>).map((p) => p.text ?? '').join('\n')))
    .join('\n');
}

export function isJudgeRequest(body: ChatRequestBody): boolean {
  return (body.messages ?? []).some((m) => Array.isArray(m.content) && (m.content as Array<{ type: string }>).some((p) => p.type === 'image_url'));
}

export interface ResponderOptions {
  visualScore?: number;
  taskScore?: number;
  /** Delay of generator answers (for the kill test). */
  generateDelayMs?: number;
}

/** The generator answers with the item's code (found by the marker in the task); the judge with fixed scores. */
export function benchResponder(items: FixtureItem[], options: ResponderOptions = {}): MockResponder {
  return (body): MockReply => {
    const prompt = text(body);
    const item = items.find((i) => prompt.includes(marker(i.id)));
    if (isJudgeRequest(body)) {
      if (prompt.includes('REFERENCE chart')) {
        return { content: `Same chart type and data.\nFINAL SCORE: ${options.visualScore ?? 80}` };
      }
      return { content: item?.taskAnswer ?? `Does what was asked.\n**FINAL SCORE:** ${options.taskScore ?? 90}` };
    }
    if (!item) {
      return { content: 'no idea' };
    }
    return { content: `Here you go.\n${fence}python\n${item.code}\n${fence}`, ...(options.generateDelayMs ? { delayMs: options.generateDelayMs } : {}) };
  };
}

/** The mock server as the generator ('gen-model') and as the judge ('judge-model'): the runner tests' pair. */
export function mockModels(baseUrl: string): { model: ReturnType<typeof createChatModel>; judgeModel: ReturnType<typeof createChatModel> } {
  return {
    model: createChatModel({ baseUrl, apiKey: 'sk-test', model: 'gen-model' }),
    judgeModel: createChatModel({ baseUrl, apiKey: 'sk-test', model: 'judge-model' }),
  };
}

/** The records a run appended to results.jsonl, in order. */
export function readRecords(outDir: string): ResultLine[] {
  return readFileSync(join(outDir, 'results.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as ResultLine);
}

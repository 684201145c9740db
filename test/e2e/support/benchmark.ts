// Steps the PandasPlotBench journeys share (benchmark.e2e.spec.ts, compare.e2e.spec.ts): a
// three-item dataset built from real PandasPlotBench tasks (ground truth drawn by Matplotlib from
// code written here), the mock model's answers per item and library, the quick picks, and the
// report webview's frame.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Locator } from 'playwright-core';
import { isJudgeRequest, renderGroundTruth } from '../../benchmark/benchFixtures.js';
import { startMockOpenAI, type ChatRequestBody, type MockOpenAI } from '../../support/mockOpenAI.js';
import { sampleItem } from '../../support/plotbenchSample.js';
import { startCodeServer, type CodeServerSession } from './codeServer.js';
import { packagePlotwright, realJupyter } from './extensions.js';
import { tearDown } from './journeys.js';

const fence = '```';

/** Per sample item: the ground truth's Matplotlib code and what the mock model answers (Matplotlib, and Seaborn). */
export const ITEMS = [
  {
    id: 5,
    gt: 'fig, ax = plt.subplots()\nax.plot(df["Distance"], df["Density"], marker="o")\nax.set_title("Density")',
    answer: 'import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot(df["Distance"], df["Density"], marker="o")\nax.set_title("Density by distance")\nplt.show()',
    seaborn: 'import matplotlib.pyplot as plt\nimport seaborn as sns\nsns.lineplot(data=df, x="Distance", y="Density", marker="o")\nplt.title("Density by distance")\nplt.show()',
  },
  {
    id: 20,
    gt: 'df[["A", "B", "C"]].plot(kind="bar")',
    // Raises: the item has no plot and shows its error in the report.
    answer: 'import matplotlib.pyplot as plt\ndf.plot(kind="bar", y="Missing")\nplt.show()',
    seaborn: 'import matplotlib.pyplot as plt\nimport seaborn as sns\nsns.barplot(data=df[["A", "B", "C"]])\nplt.show()',
  },
  {
    id: 80,
    gt: 'fig, ax = plt.subplots()\nax.pie(df["sizes"], labels=df["labels"])',
    answer: 'import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.pie(df["sizes"], labels=df["labels"], autopct="%1.0f%%")\nplt.show()',
    seaborn: 'import matplotlib.pyplot as plt\nimport seaborn as sns\nsns.barplot(x=df["labels"], y=df["sizes"])\nplt.show()',
  },
];

/** Writes dataset.jsonl in the PandasPlotBench schema, with ground-truth PNGs drawn by /usr/bin/python3. */
export function buildDataset(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const samples = ITEMS.map((item) => ({ item, sample: sampleItem(item.id) }));
  const gts = renderGroundTruth(samples.map(({ item, sample }) => ({ id: item.id, csv: sample.data_csv, code: item.gt })), dir, '/usr/bin/python3');
  const rows = samples.map(({ item, sample }) => ({
    ...sample,
    // item.gt relies on the plt the PNG script passes in, so it is no code_plot the kernel could run;
    // structure scores are tested in test/benchmark/structureBench.spec.ts.
    code_plot: '',
    code_data: 'import pandas as pd\ndf = pd.read_csv("data.csv")',
    plots_gt: [gts[String(item.id)]],
  }));
  const path = join(dir, 'dataset.jsonl');
  writeFileSync(path, rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
  return path;
}

export interface BenchSession {
  session: CodeServerSession;
  mock: MockOpenAI;
  workspace: string;
  /** dataset.jsonl, outside the workspace: it is picked with the file dialog. */
  datasetPath: string;
  close(): Promise<void>;
}

/**
 * The mock model, an empty workspace, the dataset, and code-server with the packaged extension pointed
 * at the mock. If any step fails, what was already started is closed before the error is rethrown:
 * the suite's after() gets no session to close, and an open mock server would keep the test process alive.
 */
export async function startBenchSession(name: string): Promise<BenchSession> {
  const mock = await startMockOpenAI();
  const folders: string[] = [];
  try {
    const workspace = mkdtempSync(join(tmpdir(), `pw-e2e-${name}-`));
    folders.push(workspace);
    writeFileSync(join(workspace, 'README.md'), '# benchmark workspace\n');
    const dataDir = mkdtempSync(join(tmpdir(), `pw-e2e-${name}-data-`));
    folders.push(dataDir);
    const datasetPath = buildDataset(dataDir);
    const session = await startCodeServer({
      workspace,
      extensions: [await packagePlotwright(), realJupyter()],
      name,
      settings: { 'plotwright.baseUrl': mock.baseUrl, 'plotwright.model': 'mock-model' },
      viewport: { width: 1400, height: 1000 },
    });
    return { session, mock, workspace, datasetPath, close: () => tearDown([session, mock], folders) };
  } catch (error) {
    await tearDown([mock], folders);
    throw error;
  }
}

export function promptText(body: ChatRequestBody): string {
  return (body.messages ?? [])
    .map((m) => (typeof m.content === 'string' ? m.content : (m.content as Array<{ text?: string }>).map((p) => p.text ?? '').join('\n')))
    .join('\n');
}

/** The prompt asks for this item (found by its task's opening words). */
export function asksFor(body: ChatRequestBody, id: number): boolean {
  return promptText(body).includes(sampleItem(id).task__plot_description.trim().slice(0, 80));
}

/**
 * The generator answers with the item's code, in Seaborn when the prompt asks for Seaborn; the judge
 * with fixed scores.
 */
export function responder(body: ChatRequestBody) {
  const prompt = promptText(body);
  if (isJudgeRequest(body)) {
    return { content: prompt.includes('REFERENCE chart') ? 'Same chart type and data.\nFINAL SCORE: 80' : 'Does what was asked.\nFINAL SCORE: 90' };
  }
  const item = ITEMS.find((i) => asksFor(body, i.id));
  const code = item && (prompt.includes('Plotting library: Seaborn') ? item.seaborn : item.answer);
  return { content: code ? `Here you go.\n${fence}python\n${code}\n${fence}` : 'no idea' };
}

export function quickInput(s: CodeServerSession, title: string): Locator {
  return s.page.locator('.quick-input-widget', { hasText: title });
}

/** Waits for the quick pick titled `title` and clicks the row holding `row`. */
export async function choose(s: CodeServerSession, title: string, row: string): Promise<void> {
  // The mouse where the last list was clicked would rest on a row of this one, whose hover then covers the next row.
  await s.page.mouse.move(0, 0);
  await quickInput(s, title).waitFor({ state: 'visible', timeout: 60_000 });
  await s.page.locator('.quick-input-list .monaco-list-row', { hasText: row }).first().click();
}

/** Answers code-server's file dialog (a quick input holding a path) titled `title` with `path`. */
export async function answerFileDialog(s: CodeServerSession, title: string, path: string): Promise<void> {
  const dialog = quickInput(s, title);
  await dialog.waitFor({ state: 'visible', timeout: 30_000 });
  const input = dialog.locator('.quick-input-box input');
  // The dialog fills in its starting folder after it appears: type once that has happened.
  for (let i = 0; i < 20 && (await input.inputValue()) !== path; i++) {
    await s.page.waitForTimeout(500);
    await input.fill(path);
  }
  await s.page.waitForTimeout(500);
  assert.equal(await input.inputValue(), path);
  await s.screenshot('bench-file-dialog');
  await s.page.keyboard.press('Enter');
}

/**
 * Follows a run in its notifications: the progress (titled `title`, cancellable) until it shows
 * `progress`, then the final message holding `done`, which it returns. Screenshots `<name>-progress`
 * and `<name>-done`.
 */
export async function followRun(s: CodeServerSession, o: { title: string | RegExp; progress: RegExp; done: string; name: string; timeoutMs: number }): Promise<Locator> {
  const toast = s.page.locator('.notification-toast', { hasText: o.title });
  await toast.waitFor({ state: 'visible', timeout: 60_000 });
  await s.page.locator('.notification-toast', { hasText: o.progress }).waitFor({ state: 'visible', timeout: o.timeoutMs });
  await s.screenshot(`${o.name}-progress`);
  assert.ok(await toast.getByRole('button', { name: 'Cancel' }).count(), 'the progress notification can be cancelled');
  const done = s.page.locator('.notification-toast', { hasText: o.done });
  await done.waitFor({ state: 'visible', timeout: o.timeoutMs });
  await s.screenshot(`${o.name}-done`);
  assert.ok(await done.getByRole('button', { name: 'Open Report' }).count(), 'the message offers the report');
  return done;
}

/** Clicks Cancel on the progress notification `progress` (screenshot `<name>-cancel`) and waits until `path` exists. */
export async function cancelRun(s: CodeServerSession, progress: Locator, path: string, name: string): Promise<void> {
  await progress.hover();
  await s.screenshot(`${name}-cancel`);
  await progress.getByRole('button', { name: 'Cancel' }).click();
  for (const deadline = Date.now() + 60_000; !existsSync(path); ) {
    assert.ok(Date.now() < deadline, `no ${path} after cancel`);
    await s.page.waitForTimeout(250);
  }
}

/** After a cancel: no error and no final message (`final`) shows, and the progress goes away (screenshot `<name>-cancelled`). */
export async function expectSilentCancel(s: CodeServerSession, progress: Locator, final: RegExp, name: string): Promise<void> {
  await s.page.waitForTimeout(2_000);
  await s.screenshot(`${name}-cancelled`);
  assert.equal(await s.page.locator('.notification-toast', { hasText: final }).count(), 0);
  assert.equal(await s.page.locator('.notification-toast', { hasText: 'Plotwright:' }).count(), 0);
  await progress.waitFor({ state: 'hidden', timeout: 30_000 });
}

/**
 * A report webview's content frame (webviews are iframes inside an iframe in code-server): the page
 * titled `title` for which `text` is in the body.
 */
export async function reportFrame(s: CodeServerSession, title = 'PandasPlotBench report', text = ''): Promise<Frame> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    for (const frame of s.page.frames()) {
      const isReport = await frame
        .evaluate(([t, x]) => document.title === t && (document.getElementById('items') ?? document.getElementById('compare')) !== null && document.body.innerText.includes(x as string), [title, text])
        .catch(() => false);
      if (isReport) {
        return frame;
      }
    }
    if (Date.now() > deadline) {
      await s.screenshot('bench-report-missing');
      throw new Error(`no webview frame shows "${title}"${text ? ` with "${text}"` : ''}`);
    }
    await s.page.waitForTimeout(500);
  }
}

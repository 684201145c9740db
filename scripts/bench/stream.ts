// `npm run bench:stream`: how soon the first line of code is visible when the answer streams, against a
// mock model that takes ~2 s to send a typical answer (prose, then the code block) in many small chunks.
// The path is the extension's: OpenAIChatModel over HTTP → generatePlot's code-so-far callback → the
// 100 ms throttle that writes the cell. The cell edit itself (an IPC round trip in VS Code) is not in it.
// Writes its section of docs/performance.md.
import { cpus, loadavg } from 'node:os';
import { LatestThrottle } from '../../src/core/latestThrottle.js';
import { generatePlot } from '../../src/core/plotEngine.js';
import { loadPromptTemplates } from '../../src/core/prompts.js';
import type { ExecutionResult } from '../../src/kernel/kernel.js';
import { createChatModel } from '../../src/llm/openaiClient.js';
import { splitIntoDeltas, startMockOpenAI } from '../../test/support/mockOpenAI.js';
import { STREAM_EDIT_INTERVAL_MS } from '../../src/core/plotCellSource.js';
import { writeSection } from './report.js';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 7);
const TOTAL_MS = 2_000;
const fence = '```';
const CODE = [
  'import matplotlib.pyplot as plt',
  'import seaborn as sns',
  '',
  'fig, ax = plt.subplots(figsize=(8, 5))',
  'totals = df.groupby("region", as_index=False)["sales"].sum().sort_values("sales", ascending=False)',
  'sns.barplot(data=totals, x="region", y="sales", ax=ax, color="#4C72B0")',
  'for bar, value in zip(ax.patches, totals["sales"]):',
  '    ax.annotate(f"{value:,.0f}", (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom")',
  'ax.set_title("Total sales per region")',
  'ax.set_xlabel("Region")',
  'ax.set_ylabel("Sales")',
  'ax.spines[["top", "right"]].set_visible(False)',
  'plt.tight_layout()',
  'plt.show()',
].join('\n');
const ANSWER =
  'Here is a bar chart of total sales per region, sorted from the largest, with each bar labelled by its value.\n\n' +
  `${fence}python\n${CODE}\n${fence}\n\nThe bars are sorted so the largest region comes first; the labels make exact values readable.`;
const deltas = splitIntoDeltas(ANSWER).length;
const chunkDelayMs = TOTAL_MS / deltas;

const mock = await startMockOpenAI();
// Not streamed, the same answer arrives whole after the same time.
mock.setResponder((body) => (body.stream ? { content: ANSWER, chunkDelayMs } : { content: ANSWER, delayMs: TOTAL_MS }));
const model = createChatModel({ model: 'mock-model', baseUrl: mock.baseUrl, apiKey: 'sk-bench', env: {}, maxRetries: 0 });
const templates = loadPromptTemplates();
const plotted: ExecutionResult = { status: 'ok', outputs: [{ kind: 'image', data: 'iVBORw0KGgo=' }], durationMs: 0, restarted: false };

/** ms from sending the request to the first cell write with code in it (streaming) and to the whole answer. */
async function once(stream: boolean): Promise<{ firstCode: number; answer: number }> {
  const started = performance.now();
  let firstCode = Number.NaN;
  let answer = Number.NaN;
  const cellWrites = new LatestThrottle<string>(async (code) => {
    if (Number.isNaN(firstCode) && code.trim() !== '') {
      firstCode = performance.now() - started;
    }
  }, STREAM_EDIT_INTERVAL_MS);
  await generatePlot(
    model,
    templates,
    {
      run: () => {
        answer = performance.now() - started;
        return Promise.resolve(plotted);
      },
    },
    {
      library: 'seaborn',
      task: 'total sales per region',
      variable: 'df',
      dataDescription: 'The DataFrame `df` has 4 rows and 2 columns: region (object), sales (int64).',
      maxRepairs: 0,
      maxLintRepairs: 0,
      timeoutMs: 10_000,
      ...(stream ? { onCode: (code: string) => cellWrites.push(code) } : {}),
    },
  );
  await cellWrites.stop();
  // Without streaming the cell is first written with the whole answer.
  return { firstCode: stream ? firstCode : answer, answer };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rows: string[] = [];
for (const stream of [true, false]) {
  await once(stream); // warm-up: connection, JIT
  const runs: Array<{ firstCode: number; answer: number }> = [];
  for (let i = 0; i < REPEATS; i++) {
    runs.push(await once(stream));
  }
  const first = runs.map((r) => r.firstCode);
  const whole = runs.map((r) => r.answer);
  rows.push(
    `| ${stream ? 'streamed into the cell' : 'not streamed'} | ${median(first).toFixed(0)} ms (${Math.min(...first).toFixed(0)}–${Math.max(...first).toFixed(0)}) | ${median(whole).toFixed(0)} ms |`,
  );
  console.log(rows.at(-1));
}
await mock.close();

const prose = ANSWER.slice(0, ANSWER.indexOf(fence));
const markdown = `## Streaming: time to first visible code (\`npm run bench:stream\`)

Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}; load average ${loadavg()[0].toFixed(1)} at the end).
A mock model sends a ${ANSWER.length}-character answer (${prose.length} characters of prose, then a ${CODE.split('\n').length}-line code block, then prose)
in ${deltas} chunks ${chunkDelayMs.toFixed(0)} ms apart (~${(TOTAL_MS / 1000).toFixed(1)} s in all; not streamed, whole after ${(TOTAL_MS / 1000).toFixed(1)} s), over HTTP to the real client. "First code" is when the
throttled cell writer (one write per ${STREAM_EDIT_INTERVAL_MS} ms, the extension's) first gets code; without streaming the cell gets its code when the
whole answer is in. Medians of ${REPEATS} requests after a warm-up (range in brackets). The notebook edit itself is not included.
A streamed answer ends later than the time it is paced at because each of the mock's chunk timers fires a little late;
what streaming changes is the first column.

| answer | first code | whole answer |
|---|---|---|
${rows.join('\n')}
`;
writeSection('stream', markdown);
console.log(markdown);

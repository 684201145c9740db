// `npm run demo`: runs `plotwright plot` end to end against a MOCK model that runs on this machine.
// The mock is not an LLM: it writes simple, generic plotting code from the column list in the prompt,
// and its first answer has a deliberate bug so that the repair loop shows itself. Point the CLI at a
// real endpoint (OPENAI_API_KEY / OPENAI_BASE_URL, --model) for real plots of real tasks.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startMockOpenAI } from '../test/support/mockOpenAI.js';

interface Message {
  role: string;
  content: unknown;
}

function demoCsv(): string {
  const regions = ['North', 'South', 'East', 'West'];
  const rows = ['month,region,sales,units'];
  for (let m = 1; m <= 12; m++) {
    regions.forEach((region, r) => {
      const sales = 100 + 12 * m + 25 * r + 15 * Math.sin((m + r) / 2);
      rows.push(`2025-${String(m).padStart(2, '0')},${region},${sales.toFixed(1)},${Math.round(sales / 4)}`);
    });
  }
  return rows.join('\n') + '\n';
}

/** Generic code for the columns the prompt lists; `bug` misspells a column on purpose. */
function mockCode(prompt: string, bug: boolean): string {
  const columns = [...prompt.matchAll(/^- (\S+): (\S+)/gm)].map((m) => ({ name: m[1], dtype: m[2] }));
  const x = columns[0]?.name ?? 'index';
  const y = columns.find((c) => /int|float/.test(c.dtype))?.name ?? x;
  const group = columns.find((c) => c.dtype === 'object' && c.name !== x)?.name;
  const yRef = bug ? y.charAt(0).toUpperCase() + y.slice(1) + 's' : y;
  if (/Plotly only/.test(prompt)) {
    return [
      'import plotly.express as px',
      `fig = px.line(df, x="${x}", y="${yRef}"${group ? `, color="${group}"` : ''}, markers=True, title="${y} by ${x}")`,
      'fig.show()',
    ].join('\n');
  }
  const lines = ['import matplotlib.pyplot as plt', 'fig, ax = plt.subplots(figsize=(8, 5))'];
  if (group) {
    lines.push(`for key, part in df.groupby("${group}"):`, `    ax.plot(part["${x}"], part["${yRef}"], marker="o", label=key)`);
    lines.push(`ax.legend(title="${group}")`);
  } else {
    lines.push(`ax.plot(df["${x}"], df["${yRef}"], marker="o")`);
  }
  lines.push(`ax.set_title("${y} by ${x}")`, `ax.set_xlabel("${x}")`, `ax.set_ylabel("${y}")`);
  lines.push('plt.xticks(rotation=45)', 'plt.tight_layout()', 'plt.show()');
  return lines.join('\n');
}

const mock = await startMockOpenAI();
mock.setResponder((body) => {
  const messages = (body as { messages: Message[] }).messages;
  const first = String(messages[1]?.content ?? '');
  const isRepair = messages.length > 2;
  const fence = '```';
  return { content: `Here is the code (mock model).\n${fence}python\n${mockCode(first, !isRepair)}\n${fence}\n` };
});

const dir = mkdtempSync(join(tmpdir(), 'plotwright-demo-'));
const csv = join(dir, 'sales.csv');
writeFileSync(csv, demoCsv());
const out = resolve(process.argv[2] ?? join(dir, 'plot.png'));

console.log('Plotwright demo: the model below is a MOCK served on 127.0.0.1, not a real LLM.');
console.log(`Data: ${csv}\n`);
// Asynchronous: the mock model answers from this same process while the CLI runs.
const run = await new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
  execFile(
  process.execPath,
  [
    join(import.meta.dirname, '..', 'dist', 'cli.js'),
    'plot',
    '--data', csv,
    '--task', 'Line chart of monthly sales for each region, with markers and a legend.',
    '--model', 'mock-model',
    '--base-url', mock.baseUrl,
    '--out', out,
    '--code-out', out.replace(/\.png$/, '.py'),
    '--json',
  ],
  { encoding: 'utf8', env: { ...process.env, OPENAI_API_KEY: 'mock-key' } },
    (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
  );
});
await mock.close();
process.stderr.write(run.stderr);
const result = JSON.parse(run.stdout) as { ok: boolean; attempts: Array<{ error?: string; hasPlot: boolean }>; pngPath?: string; error?: string };
result.attempts.forEach((a, i) => console.log(`attempt ${i + 1}: ${a.error ? `failed (${a.error}), repaired from the traceback` : 'drew the plot'}`));
console.log(result.ok ? `\nPlot: ${result.pngPath}\nCode: ${out.replace(/\.png$/, '.py')}` : `\nFailed: ${result.error}`);
process.exitCode = run.status ?? 1;

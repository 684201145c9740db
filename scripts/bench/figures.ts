// `npm run bench:figures`: what taking a figure summary (src/kernel/figure_summary.py, the input of plot
// lint and structure scores) adds to drawing a figure, per kind of figure, measured inside the kernel.
// Writes its section of docs/performance.md.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadlessKernel } from '../../src/kernel/headlessKernel.js';
import { streamText } from '../../src/kernel/kernel.js';
import { resolvePython } from '../../src/kernel/python.js';
import { writeSection } from './report.js';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 7);

// Each builds `fig` on a fresh random frame.
const FIGURES: Record<string, string> = {
  'line, 1,000 points': "fig, ax = plt.subplots()\nax.plot(np.arange(1000), rng.random(1000))",
  'bar, 20 categories': "fig, ax = plt.subplots()\nax.bar([f'c{i}' for i in range(20)], rng.random(20))",
  'scatter, 100,000 points': "fig, ax = plt.subplots()\nax.scatter(rng.random(100_000), rng.random(100_000), s=1)",
  'bar, 300 categories': "fig, ax = plt.subplots()\nax.bar([f'item {i}' for i in range(300)], rng.random(300))",
  'Seaborn 2×2 grid': "g = sns.relplot(data=frame, x='a', y='b', col='g', col_wrap=2)\nfig = g.figure",
  'Seaborn heatmap with colour bar': "fig, ax = plt.subplots()\nsns.heatmap(rng.random((20, 20)), ax=ax)",
};

const python = await resolvePython({});
const dir = mkdtempSync(join(tmpdir(), 'pw-bench-figures-'));
const kernel = await HeadlessKernel.start({ python: python.path, cwd: dir });
const setup = await kernel.execute(
  `import io, json, statistics, time, sys
import matplotlib.pyplot as plt, numpy as np, pandas as pd, seaborn as sns
rng = np.random.default_rng(0)
frame = pd.DataFrame({'a': rng.random(400), 'b': rng.random(400), 'g': list('wxyz') * 100})
summary = sys.modules['_plotwright_figures'].summarize
def measure(build, repeats):
    renders, summaries = [], []
    for _ in range(repeats + 1):
        fig = build()
        started = time.perf_counter()
        fig.savefig(io.BytesIO(), format='png', bbox_inches='tight')  # the inline display's render, summary included
        rendered = time.perf_counter()
        summary(fig)
        renders.append((rendered - started) * 1000)
        summaries.append((time.perf_counter() - rendered) * 1000)
        plt.close(fig)
    return json.dumps({'render': statistics.median(renders[1:]), 'summary': statistics.median(summaries[1:])})`,
  { timeoutMs: 120_000, captureFigures: false },
);
if (setup.status !== 'ok') {
  throw new Error(`setup failed: ${setup.error?.evalue}`);
}
const rows: string[] = [];
for (const [name, code] of Object.entries(FIGURES)) {
  const build = `def build():\n${code.split('\n').map((line) => `    ${line}`).join('\n')}\n    return fig\nprint(measure(build, ${REPEATS}))`;
  const result = await kernel.execute(build, { timeoutMs: 600_000, captureFigures: false });
  if (result.status !== 'ok') {
    throw new Error(`${name}: ${result.error?.evalue}`);
  }
  const { render, summary } = JSON.parse(streamText(result.outputs)) as { render: number; summary: number };
  rows.push(`| ${name} | ${render.toFixed(0)} ms | ${summary.toFixed(1)} ms | ${((100 * summary) / render).toFixed(0)} % |`);
  console.log(rows.at(-1));
}
await kernel.dispose();
rmSync(dir, { recursive: true, force: true });

const markdown = `## Figure summaries (\`npm run bench:figures\`)

Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}; load average ${loadavg()[0].toFixed(1)} at the end),
Python at ${python.path} (matplotlib ${python.versions.matplotlib}, seaborn ${python.versions.seaborn}). Medians of ${REPEATS} figures after one warm-up, timed inside the kernel.
"Render" is a PNG render as the inline display does it (\`bbox_inches='tight'\`), which already includes taking the summary
once (the kernel's hook); "summary" is taking it again on the drawn figure, i.e. what the hook adds to every render.

| figure | render (summary included) | summary | share of the render |
|---|---|---|---|
${rows.join('\n')}
`;
writeSection('figures', markdown);
console.log(markdown);

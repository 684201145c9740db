// `npm run bench:drawings`: synthesis (and trace inference) over ../shared/drawings, written to
// docs/performance.md beside the numbers of Ellis et al. (NeurIPS 2018).
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import {
  formatCount,
  measureInference,
  measureSynthesis,
  type InferenceSummary,
  type InferFunction,
  type SynthesisItem,
  type SynthesisSummary,
} from '../../src/drawings/measure.js';
import { loadDrawings } from '../../src/drawings/trace.js';
import { writeSection } from './report.js';

const DEFAULT_DIR = join(import.meta.dirname, '..', '..', '..', 'shared', 'drawings');
const TIMEOUT_MS = 30_000;

function argValue(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

async function loadInfer(): Promise<InferFunction | null> {
  try {
    const module = (await import('../../src/drawings/infer/inferTrace.js')) as { inferTraces?: InferFunction };
    return module.inferTraces ?? null;
  } catch {
    return null;
  }
}

function percent(n: number, of: number): string {
  return of === 0 ? '—' : `${((100 * n) / of).toFixed(0)}%`;
}

function synthesisMarkdown(summary: SynthesisSummary, items: SynthesisItem[]): string[] {
  const beaten = items.filter((item) => item.referenceCost !== null && item.cost < item.referenceCost);
  const unsolved = items.filter((item) => item.referenceCost === null);
  return [
    '### Trace → program (ground-truth traces)',
    '',
    '| | Plotwright | paper: Sketch solver | paper: learned search policy |',
    '|---|---|---|---|',
    `| median time per drawing | ${summary.medianMs} ms | 274 s | 28 s |`,
    `| slowest drawing | ${(summary.maxMs / 1000).toFixed(1)} s | — | — |`,
    `| timeouts | ${formatCount(summary.timeouts)} (limit ${TIMEOUT_MS / 1000} s) | 27% (limit 1 h) | 2% |`,
    `| programs that redraw their trace exactly | ${formatCount(summary.exact)} | — | — |`,
    `| cost ≤ the paper's program | ${formatCount(summary.costLeqReference)} | (reference) | — |`,
    `| cost < the paper's program | ${formatCount(summary.costBelowReference)} | — | — |`,
    '',
    'Cost is the paper\'s objective (3 per statement plus coefficient penalties, see ../shared/drawings/README.md); ' +
      'the paper\'s times are from its own hardware and its whole 100-drawing test set, ours from the even 50.',
    unsolved.length === 0
      ? ''
      : `Drawings where the paper's solver timed out (no reference): ${unsolved
          .map((item) => `${item.id} (cost ${item.cost}, ${item.ms} ms)`)
          .join(', ')}.`,
    '',
    `Lower cost than the paper's program on ${beaten.length} drawings: ` +
      beaten.map((item) => `${item.id} ${item.cost} vs ${item.referenceCost}`).join(', ') +
      '.',
  ];
}

function inferenceMarkdown(summary: InferenceSummary): string[] {
  return [
    '### Image → trace',
    '',
    '| | Plotwright | paper |',
    '|---|---|---|',
    `| top-1 trace exact | ${formatCount(summary.top1Exact)} | 63% |`,
    `| ground truth among the top ${summary.top} | ${formatCount(summary.top5Exact)} | 70% (top 5) |`,
    `| per-primitive precision / recall (top-1) | ${summary.precision.toFixed(3)} / ${summary.recall.toFixed(3)} | — |`,
    `| median / slowest time per drawing | ${summary.medianMs} ms / ${(summary.maxMs / 1000).toFixed(1)} s | — |`,
  ];
}

async function main(): Promise<void> {
  const dir = argValue('dir') ?? DEFAULT_DIR;
  const loadAtStart = loadavg()[0];
  const drawings = loadDrawings(join(dir, 'drawings.json'));
  const synth = await measureSynthesis(drawings, {
    timeoutMs: TIMEOUT_MS,
    onItem: (item) =>
      console.log(
        `${item.id}: cost ${item.cost} (reference ${item.referenceCost ?? '—'}) ${item.exact ? 'exact' : 'NOT EXACT'} ${item.ms} ms`,
      ),
  });
  const loose = await measureSynthesis(drawings, { timeoutMs: TIMEOUT_MS, allowSkipOnlyLoops: true });
  const infer = process.argv.includes('--synth-only') ? null : await loadInfer();
  const inference =
    infer === null
      ? null
      : await measureInference(drawings, infer, {
          top: 5,
          onItem: (item) => console.log(`${item.id}: top-1 ${item.top1Exact ? 'exact' : 'wrong'} ${item.ms} ms`),
        });
  const cpu = cpus();
  const markdown = [
    '## Drawings: hand drawing → trace → graphics program',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ` +
      `Node ${process.version}, load average ${loadAtStart.toFixed(1)} at the start, ` +
      `over the ${drawings.length} drawings of ../shared/drawings ` +
      '(Ellis, Ritchie, Solar-Lezama & Tenenbaum, NeurIPS 2018). `npm run bench:drawings`.',
    '',
    ...synthesisMarkdown(synth.summary, synth.items),
    '',
    'With `allowSkipOnlyLoops` (loops whose whole body is in `if (i > 0)`, which the cost function allows but ' +
      'which only dodge the extra cost of a loop bound of 2): cost ≤ reference ' +
      `${formatCount(loose.summary.costLeqReference)}, cost < reference ${formatCount(loose.summary.costBelowReference)}, ` +
      `median ${loose.summary.medianMs} ms, slowest ${(loose.summary.maxMs / 1000).toFixed(1)} s.`,
    '',
    ...(inference === null ? ['Trace inference was not measured in this run.'] : inferenceMarkdown(inference.summary)),
  ].join('\n');
  writeSection('drawings', markdown);
  console.log(`\nsynth: exact ${formatCount(synth.summary.exact)}, cost ≤ reference ${formatCount(synth.summary.costLeqReference)}, ` +
    `median ${synth.summary.medianMs} ms, max ${synth.summary.maxMs} ms`);
  if (inference !== null) {
    console.log(`infer: top-1 ${formatCount(inference.summary.top1Exact)}, top-5 ${formatCount(inference.summary.top5Exact)} ` +
      `(${percent(inference.summary.top1Exact.n, inference.summary.top1Exact.of)})`);
  }
}

await main();

// `npm run bench:drawings`: synthesis over ../shared/drawings, written to docs/performance.md beside
// the numbers of Ellis et al. (NeurIPS 2018); trace inference, cross-validated and in-sample, plus a
// fixed synthetic test set, written to docs/drawings.md. `--infer-only` skips synthesis.
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
import { renderHandDrawn } from '../../src/drawings/handStyle.js';
import { assignFolds, FOLD_COUNT } from '../../src/drawings/infer/folds.js';
import { FITTED } from '../../src/drawings/infer/fittedParams.js';
import { inferTracesFromRaster } from '../../src/drawings/infer/inferTrace.js';
import type { InferParams } from '../../src/drawings/infer/params.js';
import { readRaster } from '../../src/drawings/raster.js';
import { sampleScene } from '../../src/drawings/sampler.js';
import { loadDrawings, type DrawingRecord } from '../../src/drawings/trace.js';
import { writeSection } from './report.js';

const DRAWINGS_DOC = join(import.meta.dirname, '..', '..', 'docs', 'drawings.md');
/** The fixed synthetic test set: these sampler/hand-style seeds, never used by any fit. */
const SYNTHETIC_SEEDS = { first: 1000, count: 100 };

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

function inferenceRow(label: string, summary: InferenceSummary): string {
  return (
    `| ${label} | ${formatCount(summary.top1Exact)} | ${formatCount(summary.top5Exact)} | ` +
    `${summary.precision.toFixed(3)} / ${summary.recall.toFixed(3)} | ${summary.medianMs} ms / ${(summary.maxMs / 1000).toFixed(1)} s |`
  );
}

/** Each drawing read with the knobs fitted on the other folds (fittedParams.ts), checked against folds.ts. */
function heldOutParams(drawings: DrawingRecord[]): Map<string, InferParams> {
  const folds = assignFolds(drawings.map((d) => d.id), FOLD_COUNT);
  if (FITTED.folds.length !== FOLD_COUNT) {
    throw new Error(`fittedParams.ts has ${FITTED.folds.length} folds, not ${FOLD_COUNT}: run scripts/drawings/fitParams.ts.`);
  }
  const out = new Map<string, InferParams>();
  FITTED.folds.forEach((fold, f) => {
    const expected = drawings.filter((d) => folds.get(d.id) === f).map((d) => d.id);
    if (expected.join(' ') !== fold.heldOut.join(' ')) {
      throw new Error(`fittedParams.ts was fitted on other folds than folds.ts deals out (fold ${f}): run scripts/drawings/fitParams.ts.`);
    }
    for (const id of fold.heldOut) {
      out.set(id, fold.params);
    }
  });
  return out;
}

async function measureInferenceBoth(drawings: DrawingRecord[]): Promise<{ heldOut: InferenceSummary; inSample: InferenceSummary }> {
  const byPath = new Map(drawings.map((d) => [d.imagePath, d.id]));
  const heldOutParamsById = heldOutParams(drawings);
  const heldOutInfer: InferFunction = async (imagePath, options) => {
    const start = performance.now();
    const raster = readRaster(imagePath);
    const result = inferTracesFromRaster(raster, options, heldOutParamsById.get(byPath.get(imagePath) ?? ''));
    return { traces: result.traces, ms: Math.round(performance.now() - start) };
  };
  const heldOut = await measureInference(drawings, heldOutInfer, {
    top: 5,
    onItem: (item) => console.log(`held out ${item.id}: top-1 ${item.top1Exact ? 'exact' : item.topKExact ? 'in top 5' : 'wrong'} ${item.ms} ms`),
  });
  const infer = await loadInfer();
  if (infer === null) {
    throw new Error('src/drawings/infer/inferTrace.ts did not load.');
  }
  const inSample = await measureInference(drawings, infer, {
    top: 5,
    onItem: (item) => console.log(`in sample ${item.id}: top-1 ${item.top1Exact ? 'exact' : item.topKExact ? 'in top 5' : 'wrong'} ${item.ms} ms`),
  });
  return { heldOut: heldOut.summary, inSample: inSample.summary };
}

async function measureSynthetic(): Promise<InferenceSummary> {
  const scenes = Array.from({ length: SYNTHETIC_SEEDS.count }, (_, i) => SYNTHETIC_SEEDS.first + i).map((seed) => ({
    id: `synthetic-${seed}`,
    trace: sampleScene(seed),
    seed,
  }));
  const bySeed = new Map(scenes.map((s) => [s.id, s]));
  const records = scenes.map((s) => ({ id: s.id, imagePath: s.id, primitives: s.trace, reference: null })) as unknown as DrawingRecord[];
  const infer: InferFunction = async (id, options) => {
    const scene = bySeed.get(id);
    if (!scene) {
      throw new Error(`no synthetic scene ${id}`);
    }
    const result = inferTracesFromRaster(renderHandDrawn(scene.trace, scene.seed), options);
    return { traces: result.traces, ms: result.ms };
  };
  return (await measureInference(records, infer, { top: 5 })).summary;
}

function inferenceMarkdown(both: { heldOut: InferenceSummary; inSample: InferenceSummary }, synthetic: InferenceSummary, loadAtStart: number): string[] {
  const cpu = cpus();
  return [
    '## Measured: image → trace',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ` +
      `Node ${process.version}, load average ${loadAtStart.toFixed(1)} at the start. \`npm run bench:drawings\`.`,
    '',
    '| | top-1 exact | ground truth in the top 5 | precision / recall (top-1, per primitive) | median / slowest time |',
    '|---|---|---|---|---|',
    inferenceRow(`**cross-validated**: each of the ${both.heldOut.top1Exact.of} drawings read with knobs fitted on the other ${FOLD_COUNT - 1} folds`, both.heldOut),
    inferenceRow('in-sample: knobs fitted on all 50 and scored on them (the shipped model)', both.inSample),
    inferenceRow(`synthetic test set: seeds ${SYNTHETIC_SEEDS.first}–${SYNTHETIC_SEEDS.first + SYNTHETIC_SEEDS.count - 1}, shipped model`, synthetic),
    '',
    'The cross-validated row is the one measured against the target (≥ 75 % top-1, ≥ 85 % top-5); the in-sample ' +
      'row is optimistic, since the knobs were fitted on the very drawings it scores. The paper reports 63 % top-1 ' +
      'and 70 % top-5 on its test set.',
  ];
}

async function main(): Promise<void> {
  const dir = argValue('dir') ?? DEFAULT_DIR;
  const loadAtStart = loadavg()[0];
  const drawings = loadDrawings(join(dir, 'drawings.json'));
  if (!process.argv.includes('--synth-only')) {
    const both = await measureInferenceBoth(drawings);
    const synthetic = await measureSynthetic();
    writeSection('drawings-inference', inferenceMarkdown(both, synthetic, loadAtStart).join('\n'), DRAWINGS_DOC);
    const line = (label: string, s: InferenceSummary): string =>
      `${label}: top-1 ${formatCount(s.top1Exact)}, top-5 ${formatCount(s.top5Exact)}, precision ${s.precision.toFixed(3)}, ` +
      `recall ${s.recall.toFixed(3)}, median ${s.medianMs} ms, slowest ${s.maxMs} ms`;
    console.log(`\n${line('infer, cross-validated', both.heldOut)}\n${line('infer, in-sample', both.inSample)}\n${line('infer, synthetic', synthetic)}`);
  }
  if (process.argv.includes('--infer-only')) {
    return;
  }
  const synth = await measureSynthesis(drawings, {
    timeoutMs: TIMEOUT_MS,
    onItem: (item) =>
      console.log(
        `${item.id}: cost ${item.cost} (reference ${item.referenceCost ?? '—'}) ${item.exact ? 'exact' : 'NOT EXACT'} ${item.ms} ms`,
      ),
  });
  const loose = await measureSynthesis(drawings, { timeoutMs: TIMEOUT_MS, allowSkipOnlyLoops: true });
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
    'Image → trace (cross-validated and in-sample): see [drawings.md](drawings.md#measured-image--trace).',
  ].join('\n');
  writeSection('drawings', markdown);
  console.log(`\nsynth: exact ${formatCount(synth.summary.exact)}, cost ≤ reference ${formatCount(synth.summary.costLeqReference)}, ` +
    `median ${synth.summary.medianMs} ms, max ${synth.summary.maxMs} ms`);
}

await main();

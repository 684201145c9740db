// Runs trace inference over the hand drawings and prints exactness, precision/recall and timing.
// Usage: npx tsx scripts/drawings/benchInference.ts [drawings.json] [--only id,id] [--verbose]
import { loadDrawings, traceKeys } from '../../src/drawings/trace.js';
import { evaluateInference } from '../../src/drawings/infer/evaluate.js';

const args = process.argv.slice(2);
const jsonPath = args.find((a) => a.endsWith('.json')) ?? '../shared/drawings/drawings.json';
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? new Set(args[onlyIndex + 1].split(',')) : undefined;
const verbose = args.includes('--verbose');
const records = loadDrawings(jsonPath).filter((r) => !only || only.has(r.id));
const truth = new Map(records.map((r) => [r.id, r.primitives]));

const result = await evaluateInference(records, {
  top: 5,
  onDrawing: (d) => {
    const mark = d.top1Exact ? 'OK ' : d.exactRank ? `#${d.exactRank} ` : 'XX ';
    console.log(`${mark} ${d.id.padEnd(10)} ${String(d.ms).padStart(5)} ms  tp ${d.truePositives}/${d.actual} pred ${d.predicted}`);
    if (verbose && !d.top1Exact) {
      const t = new Set(traceKeys(truth.get(d.id) ?? []));
      const p = new Set(traceKeys(d.best));
      console.log('   missing:', [...t].filter((k) => !p.has(k)).join(' '));
      console.log('   extra:  ', [...p].filter((k) => !t.has(k)).join(' '));
    }
  },
});
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
console.log(
  `n=${result.count} top1 ${pct(result.top1Exact)} top5 ${pct(result.top5Exact)} precision ${pct(result.precision)} recall ${pct(result.recall)} median ${result.medianMs} ms max ${result.maxMs} ms`,
);

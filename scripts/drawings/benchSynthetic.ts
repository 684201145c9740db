// Trace inference on synthetic hand-style scenes (sampler.ts + handStyle.ts): a check that does not
// depend on the 50 real drawings. Usage: npx tsx scripts/drawings/benchSynthetic.ts [count] [firstSeed] [--png dir]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { renderHandDrawn } from '../../src/drawings/handStyle.js';
import { writeRaster } from '../../src/drawings/raster.js';
import { sampleScene } from '../../src/drawings/sampler.js';
import { traceKeys } from '../../src/drawings/trace.js';
import { evaluateOne, summarize, type DrawingEvaluation } from '../../src/drawings/infer/evaluate.js';
import { inferTracesFromRaster } from '../../src/drawings/infer/inferTrace.js';

const args = process.argv.slice(2);
const count = Number(args[0] ?? 100);
const first = Number(args[1] ?? 1000);
const pngIndex = args.indexOf('--png');
const pngDir = pngIndex >= 0 ? args[pngIndex + 1] : undefined;
if (pngDir) {
  mkdirSync(pngDir, { recursive: true });
}
const per: DrawingEvaluation[] = [];
for (let seed = first; seed < first + count; seed++) {
  const trace = sampleScene(seed);
  const raster = renderHandDrawn(trace, seed);
  if (pngDir) {
    writeRaster(join(pngDir, `synthetic-${seed}.png`), raster);
  }
  const result = inferTracesFromRaster(raster, { top: 5 });
  const d = evaluateOne(`synthetic-${seed}`, trace, result.traces.map((t) => t.primitives), result.ms);
  per.push(d);
  if (!d.top1Exact && args.includes('--verbose')) {
    const t = new Set(traceKeys(trace));
    const p = new Set(traceKeys(d.best));
    console.log(`${d.id} rank ${d.exactRank ?? '-'} missing ${[...t].filter((k) => !p.has(k)).join(' ')} extra ${[...p].filter((k) => !t.has(k)).join(' ')}`);
  }
}
const r = summarize(per, 5);
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
console.log(
  `synthetic n=${r.count} top1 ${pct(r.top1Exact)} top5 ${pct(r.top5Exact)} precision ${pct(r.precision)} recall ${pct(r.recall)} median ${r.medianMs} ms max ${r.maxMs} ms`,
);

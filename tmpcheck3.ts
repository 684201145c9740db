import { loadDrawings, sameTrace } from './src/drawings/trace.js';
import { evaluateProgram } from './src/drawings/evaluate.js';
import { synthesize } from './src/drawings/synthesize.js';
const ds = loadDrawings('/work/shared/drawings/drawings.json');
let worse = 0, better = 0; const times: number[] = [];
for (const d of ds) {
  const r = await synthesize(d.primitives, { timeoutMs: 30000, allowSkipOnlyLoops: false });
  const l = await synthesize(d.primitives, { timeoutMs: 30000 });
  const ok = sameTrace(evaluateProgram(r.program), d.primitives);
  const ref = d.reference?.cost ?? null;
  if (ref !== null && r.cost > ref) worse++;
  if (ref !== null && r.cost < ref) better++;
  times.push(r.ms);
  console.log(d.id, 'strict', r.cost, 'loose', l.cost, 'ref', ref, ok ? 'exact' : 'WRONG', r.optimal ? 'opt' : 'TIMEOUT', Math.round(r.ms) + 'ms', ref !== null && r.cost > ref ? 'WORSE' : '');
}
times.sort((a, b) => a - b);
console.log('worse', worse, 'better', better, 'median', times[Math.floor(times.length / 2)], 'max', times[times.length - 1]);

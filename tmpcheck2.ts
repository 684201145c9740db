import { loadDrawings, sameTrace } from './src/drawings/trace.js';
import { printProgram } from './src/drawings/print.js';
import { evaluateProgram } from './src/drawings/evaluate.js';
import { synthesize } from './src/drawings/synthesize.js';
const ds = loadDrawings('/work/shared/drawings/drawings.json');
const only = process.argv[2];
let worse = 0; const times: number[] = [];
for (const d of ds) {
  if (only && d.id !== only) continue;
  const r = await synthesize(d.primitives, { timeoutMs: 30000 });
  const ok = sameTrace(evaluateProgram(r.program), d.primitives);
  const ref = d.reference?.cost ?? null;
  if (ref !== null && r.cost > ref) worse++;
  times.push(r.ms);
  console.log(d.id, d.primitives.length, 'cost', r.cost, 'ref', ref, ok ? 'exact' : 'WRONG', r.optimal ? 'opt' : 'TIMEOUT', Math.round(r.ms) + 'ms', ref !== null && r.cost > ref ? 'WORSE' : ref !== null && r.cost < ref ? 'better' : '');
  if (only) console.log(printProgram(r.program));
}
times.sort((a, b) => a - b);
console.log('worse', worse, 'median', times[Math.floor(times.length / 2)], 'max', times[times.length - 1]);

import { loadDrawings, sameTrace } from './src/drawings/trace.js';
import { parseProgram } from './src/drawings/parse.js';
import { printProgram } from './src/drawings/print.js';
import { evaluateProgram, sameTraceUpToTranslation } from './src/drawings/evaluate.js';
import { programCost } from './src/drawings/cost.js';
const ds = loadDrawings('/work/shared/drawings/drawings.json');
for (const d of ds) {
  if (!d.reference) continue;
  const p = parseProgram(d.reference.program);
  const c = programCost(p);
  const t = evaluateProgram(p);
  const p2 = parseProgram(printProgram(p));
  const ok = sameTrace(evaluateProgram(p2), t) && JSON.stringify(p2) === JSON.stringify(p);
  console.log(d.id, c.cost, d.reference.cost, c.statements, d.reference.statements, sameTraceUpToTranslation(t, d.primitives), d.reference.reproducesTrace, ok);
}

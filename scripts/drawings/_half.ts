import { loadDrawings } from '../../src/drawings/trace.js';
import { evaluateInference } from '../../src/drawings/infer/evaluate.js';
const half = loadDrawings('../shared/drawings/drawings.json').filter((_, i) => i % 2 === 0);
const r = await evaluateInference(half, { top: 5 });
console.log(r.top1Exact, r.top5Exact, r.precision, r.recall, r.medianMs, r.maxMs, r.perDrawing.filter((d) => d.top1Exact).map((d) => d.id).join(' '));

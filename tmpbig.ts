import { synthesize } from './src/drawings/synthesize.js';
import { sameTrace, type Trace } from './src/drawings/trace.js';
import { evaluateProgram } from './src/drawings/evaluate.js';
import { printProgram } from './src/drawings/print.js';
let seed = 7; const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
const cases: Record<string, Trace> = {};
const grid: Trace = [];
for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) grid.push({ type: 'circle', x: 2 * i + 1, y: 2 * j + 1, r: 1 });
cases.grid36 = grid;
const random: Trace = [];
for (let k = 0; k < 40; k++) { const t = rnd(3); const x = rnd(14), y = rnd(14);
  random.push(t === 0 ? { type: 'circle', x: x + 1, y: y + 1, r: 1 } : t === 1 ? { type: 'rectangle', x1: x, y1: y, x2: x + 1 + rnd(3), y2: y + 1 + rnd(3) } : { type: 'line', x1: x, y1: y, x2: rnd(15), y2: rnd(15), arrow: rnd(2) === 0, solid: true }); }
cases.random40 = random;
const big: Trace = [];
for (let i = 0; i < 10; i++) for (let j = 0; j < 8; j++) big.push({ type: 'circle', x: 2 * i + 1, y: 2 * j + 1, r: 1 });
cases.grid80 = big;
for (const [name, t] of Object.entries(cases)) {
  const r = await synthesize(t, { timeoutMs: 10000 });
  console.log(name, t.length, r.cost, Math.round(r.ms), r.optimal, sameTrace(evaluateProgram(r.program), t));
  if (name === 'grid36') console.log(printProgram(r.program));
}

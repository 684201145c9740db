import { loadDrawings } from '../../src/drawings/trace.js';
import { readRaster, gridToPixel, primitiveSegments } from '../../src/drawings/raster.js';
import { buildInkMap } from '../../src/drawings/infer/inkMap.js';
import { tipSurplus, expectedInk } from '../../src/drawings/infer/attributes.js';
const recs = loadDrawings('/work/shared/drawings/drawings.json').filter(r => !['expert-80','expert-82','expert-84'].includes(r.id));
const rows: Array<{ arrow: boolean; eb: number; ea: number }> = [];
for (const r of recs) {
  const map = buildInkMap(readRaster(r.imagePath), 0.3);
  const all = r.primitives.flatMap((q) => primitiveSegments(q.type === 'line' ? { ...q, arrow: false, solid: true } : q));
  const exp = expectedInk(all, 256, 256, 2.5);
  r.primitives.forEach((p) => {
    if (p.type !== 'line') return;
    const a = gridToPixel(p.x1, p.y1), b = gridToPixel(p.x2, p.y2);
    rows.push({ arrow: p.arrow, eb: tipSurplus(map, exp, a.px, a.py, b.px, b.py), ea: tipSurplus(map, exp, b.px, b.py, a.px, a.py) });
  });
}
// label: 0 none, 1 head at b (for arrow rows b is the head)
let results: Array<[number, string]> = [];
for (let t1 = -4; t1 <= 8; t1 += 1) for (let d = 0; d <= 16; d += 2) for (let t2 = -10; t2 <= t1; t2 += 2) {
  let ok = 0;
  for (const r of rows) {
    const decide = (x: number, y: number) => x >= t1 || (x - y >= d && x >= t2);
    let pred: 'a' | 'b' | 'none' = 'none';
    const db = decide(r.eb, r.ea), da = decide(r.ea, r.eb);
    if (db && (!da || r.eb >= r.ea)) pred = 'b'; else if (da) pred = 'a';
    if ((r.arrow && pred === 'b') || (!r.arrow && pred === 'none')) ok++;
  }
  results.push([ok, `t1=${t1} d=${d} t2=${t2}`]);
}
results.sort((x, y) => y[0] - x[0]);
console.log(rows.length, results.slice(0, 8));
const base = results.find(r => r[1] === 't1=2 d=16 t2=2'); console.log('current-ish', base);

import { loadDrawings } from '../../src/drawings/trace.js';
import { readRaster, gridToPixel, primitiveSegments } from '../../src/drawings/raster.js';
import { buildInkMap } from '../../src/drawings/infer/inkMap.js';
import { tipSurplus, expectedInk } from '../../src/drawings/infer/attributes.js';
const recs = loadDrawings('/work/shared/drawings/drawings.json').filter(r => !['expert-80','expert-82','expert-84'].includes(r.id));
const maps = recs.map(r => buildInkMap(readRaster(r.imagePath), 0.3));
for (const [radius, back, shifts] of [[10, 3, [0]], [10, 3, [0, 3]], [10, 3, [0, 2, 4, 6]], [10, 2, [0, 3, 6]], [8, 3, [0, 2, 4, 6]]] as Array<[number, number, number[]]>) {
  const yes: number[] = [], no: number[] = [];
  let pairOk = 0, pairs = 0;
  recs.forEach((r, ri) => {
    const map = maps[ri];
    const all = r.primitives.flatMap((q) => primitiveSegments(q.type === 'line' ? { ...q, arrow: false, solid: true } : q));
    const exp = expectedInk(all, 256, 256, 2.5);
    r.primitives.forEach((p) => {
      if (p.type !== 'line') return;
      const a = gridToPixel(p.x1, p.y1), b = gridToPixel(p.x2, p.y2);
      const eb = tipSurplus(map, exp, a.px, a.py, b.px, b.py, radius, back, shifts);
      const ea = tipSurplus(map, exp, b.px, b.py, a.px, a.py, radius, back, shifts);
      if (p.arrow) { yes.push(eb); no.push(ea); pairs++; if (eb > ea) pairOk++; } else { no.push(ea, eb); }
    });
  });
  const h = (xs: number[]) => { const b = new Array(14).fill(0); xs.forEach(x => b[Math.max(0, Math.min(13, Math.floor((x + 12) / 4)))]++); return b.join(' '); };
  console.log(radius, back, shifts.join(','), 'yes', h(yes), '| no', h(no), pairOk, pairs);
}

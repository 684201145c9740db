import { loadDrawings } from '../../src/drawings/trace.js';
import { readRaster, gridToPixel, primitiveSegments } from '../../src/drawings/raster.js';
import { buildInkMap } from '../../src/drawings/infer/inkMap.js';
import { headInk, expectedInk } from '../../src/drawings/infer/attributes.js';
const recs = loadDrawings('/work/shared/drawings/drawings.json');
const combos: Record<string, (h: {left: number; right: number}) => number> = {
  sum: (h) => h.left + h.right,
  sumpos: (h) => Math.max(0, h.left) + Math.max(0, h.right),
  max: (h) => Math.max(h.left, h.right),
};
for (const [reach, cl, sw] of [[11, 2.5, 2.5], [11, 2.5, 3], [9, 2.5, 3]]) {
  for (const [name, f] of Object.entries(combos)) {
  const yes: number[] = [], no: number[] = [];
  let pairs = 0, pairOk = 0;
  for (const r of recs) {
    const map = buildInkMap(readRaster(r.imagePath), 0.3);
    const all = r.primitives.flatMap((q) => primitiveSegments(q.type === 'line' ? { ...q, arrow: false, solid: true } : q));
    const exp = expectedInk(all, 256, 256, sw);
    r.primitives.forEach((p) => {
      if (p.type !== 'line') return;
      const a = gridToPixel(p.x1, p.y1), b = gridToPixel(p.x2, p.y2);
      const eb = f(headInk(map, exp, a.px, a.py, b.px, b.py, reach, cl));
      const ea = f(headInk(map, exp, b.px, b.py, a.px, a.py, reach, cl));
      (p.arrow ? yes : no).push(eb); no.push(ea);
      if (p.arrow) { pairs++; if (eb > ea) pairOk++; }
    });
  }
  const h = (xs: number[]) => { const b = new Array(16).fill(0); xs.forEach(x => b[Math.max(0, Math.min(15, Math.floor(x / 4)))]++); return b.join(' '); };
  console.log(reach, cl, sw, name.padEnd(6), 'yes', h(yes), '| no', h(no), 'pairOk', pairOk, '/', pairs);
  }
}

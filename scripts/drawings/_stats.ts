import { loadDrawings } from '../../src/drawings/trace.js';
import { readRaster, gridToPixel } from '../../src/drawings/raster.js';
import { buildInkMap } from '../../src/drawings/infer/inkMap.js';
import { arrowEvidence, strokeRuns } from '../../src/drawings/infer/evidence.js';
const recs = loadDrawings('/work/shared/drawings/drawings.json');
const arrowYes: number[] = [], arrowNo: number[] = [];
for (const r of recs) {
  const map = buildInkMap(readRaster(r.imagePath), 0.3);
  for (const p of r.primitives) {
    if (p.type !== 'line') continue;
    const a = gridToPixel(p.x1, p.y1), b = gridToPixel(p.x2, p.y2);
    const eb = arrowEvidence(map, a.px, a.py, b.px, b.py);
    const ea = arrowEvidence(map, b.px, b.py, a.px, a.py);
    (p.arrow ? arrowYes : arrowNo).push(eb); arrowNo.push(ea);
    const runs = strokeRuns(map, { x1: a.px, y1: a.py, x2: b.px, y2: b.py }, 3, 0.3, 4);
    const len = Math.hypot(b.px - a.px, b.py - a.py);
    if (!p.solid || runs.gaps > 0) console.log(r.id, p.solid ? 'SOLID' : 'DASH', len.toFixed(0), runs.coverage.toFixed(2), runs.gaps, runs.longestGap);
  }
}
const h = (xs: number[]) => { const b = new Array(11).fill(0); xs.forEach(x => b[Math.round(x * 10)]++); return b.join(' '); };
console.log('arrow yes', h(arrowYes)); console.log('arrow no ', h(arrowNo));

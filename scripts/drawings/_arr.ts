import { loadDrawings } from '../../src/drawings/trace.js';
import { readRaster, gridToPixel, primitiveSegments } from '../../src/drawings/raster.js';
import { buildInkMap } from '../../src/drawings/infer/inkMap.js';
import { tipSurplus, expectedInk } from '../../src/drawings/infer/attributes.js';
const ids = process.argv.slice(2);
for (const r of loadDrawings('/work/shared/drawings/drawings.json').filter((d) => ids.includes(d.id))) {
  const map = buildInkMap(readRaster(r.imagePath), 0.3);
  const all = r.primitives.flatMap((q) => primitiveSegments(q.type === 'line' ? { ...q, arrow: false, solid: true } : q));
  const exp = expectedInk(all, 256, 256, 3);
  for (const p of r.primitives) {
    if (p.type !== 'line') continue;
    const a = gridToPixel(p.x1, p.y1), b = gridToPixel(p.x2, p.y2);
    console.log(r.id, JSON.stringify(p), 'atB', tipSurplus(map, exp, a.px, a.py, b.px, b.py), 'atA', tipSurplus(map, exp, b.px, b.py, a.px, a.py));
  }
}

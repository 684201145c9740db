import { loadDrawings, primitiveKey } from '../../src/drawings/trace.js';
import { readRaster } from '../../src/drawings/raster.js';
import { buildInkMap } from '../../src/drawings/infer/inkMap.js';
import { enumerateCandidates } from '../../src/drawings/infer/candidates.js';
import { searchTraces, energyOf } from '../../src/drawings/infer/search.js';
import { DEFAULT_PARAMS } from '../../src/drawings/infer/params.js';
const ids = process.argv.slice(2);
for (const r of loadDrawings('/work/shared/drawings/drawings.json').filter((d) => ids.includes(d.id))) {
  const map = buildInkMap(readRaster(r.imagePath), DEFAULT_PARAMS.inkThreshold);
  const cands = enumerateCandidates(map, DEFAULT_PARAMS);
  const key = (p: any) => primitiveKey(p.type === 'line' ? { ...p, arrow: false, solid: true } : p);
  const idx = new Map(cands.map((c, i) => [key(c.primitive), i]));
  const truthSel: number[] = [];
  for (const p of r.primitives) {
    const i = idx.get(key(p));
    if (i === undefined) console.log(r.id, 'NO CANDIDATE', key(p)); else truthSel.push(i);
  }
  const res = searchTraces(cands, map.inkPixels.length, 65536, { neighbours: 0 });
  console.log(r.id, 'cands', cands.length, 'ink', map.inkPixels.length, 'found E', res.energy.toFixed(1), 'truth E', energyOf(cands, truthSel, map.inkPixels.length, 65536).toFixed(1));
  for (const k of res.selected) console.log('  found', key(cands[k].primitive), cands[k].intrinsic.toFixed(1));
  for (const k of truthSel) console.log('  truth', key(cands[k].primitive), cands[k].intrinsic.toFixed(1));
}

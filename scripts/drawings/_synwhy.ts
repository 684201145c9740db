import { primitiveKey } from '../../src/drawings/trace.js';
import { renderHandDrawn } from '../../src/drawings/handStyle.js';
import { sampleScene } from '../../src/drawings/sampler.js';
import { buildInkMap } from '../../src/drawings/infer/inkMap.js';
import { enumerateCandidates } from '../../src/drawings/infer/candidates.js';
import { searchTraces, energyOf } from '../../src/drawings/infer/search.js';
import { DEFAULT_PARAMS } from '../../src/drawings/infer/params.js';
const miss: Record<string, number> = {}, tot: Record<string, number> = {};
let searchFail = 0, modelFail = 0, ok = 0;
for (let seed = 1000; seed < 1040; seed++) {
  const trace = sampleScene(seed);
  const map = buildInkMap(renderHandDrawn(trace, seed), DEFAULT_PARAMS.inkThreshold);
  const cands = enumerateCandidates(map, DEFAULT_PARAMS);
  const key = (p: any) => primitiveKey(p.type === 'line' ? { ...p, arrow: false, solid: true } : p);
  const idx = new Map(cands.map((c, i) => [key(c.primitive), i]));
  const sel: number[] = [];
  let all = true;
  for (const p of trace) { tot[p.type] = (tot[p.type] ?? 0) + 1; const i = idx.get(key(p)); if (i === undefined) { miss[p.type] = (miss[p.type] ?? 0) + 1; all = false; } else sel.push(i); }
  if (!all) continue;
  const res = searchTraces(cands, map.inkPixels.length, 65536, { neighbours: 0 });
  const te = energyOf(cands, sel, map.inkPixels.length, 65536);
  const same = new Set(res.selected.map(k => key(cands[k].primitive))); const want = new Set(trace.map(key));
  if ([...want].every(k => same.has(k)) && same.size === want.size) ok++; else if (te < res.energy - 1e-6) searchFail++; else modelFail++;
}
console.log('missing candidates', miss, 'of', tot, 'structure ok', ok, 'searchFail', searchFail, 'modelFail', modelFail);

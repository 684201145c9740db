// Fits every knob of trace inference (knobs.ts) to ../shared/drawings by coordinate descent, once on
// all drawings (the shipped model) and once per cross-validation fold on the other four folds, and
// writes src/drawings/infer/fittedParams.ts. `npm run bench:drawings` then scores each fold's fit on
// the drawings it was not fitted on.
// Usage: nice -n 10 node --import tsx scripts/drawings/fitParams.ts [--dir ../shared/drawings] [--passes 2]
//        [--combinations 2] [--without knob,knob]
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRaster, type Raster } from '../../src/drawings/raster.js';
import { shiftRaster } from '../../src/drawings/infer/alignment.js';
import { buildInkMap } from '../../src/drawings/infer/inkMap.js';
import { loadDrawings, traceKeys } from '../../src/drawings/trace.js';
import { fitParams, type ItemReading } from '../../src/drawings/infer/fit.js';
import { assignFolds, FOLD_COUNT } from '../../src/drawings/infer/folds.js';
import { readStructures, rankReadings, type ViewReading } from '../../src/drawings/infer/inferTrace.js';
import { KNOBS, stageKey } from '../../src/drawings/infer/knobs.js';
import { HAND_SET_PARAMS, type InferParams } from '../../src/drawings/infer/params.js';

const root = join(import.meta.dirname, '..', '..');
const argValue = (name: string): string | undefined => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const dir = argValue('dir') ?? join(root, '..', 'shared', 'drawings');
const passes = Number(argValue('passes') ?? 2);
const maxCombinations = Number(argValue('combinations') ?? 2);
// `--without a,b` leaves those knobs at their hand-set values (to measure the method without them).
const without = new Set((argValue('without') ?? '').split(',').filter((n) => n !== ''));
const knobs = KNOBS.filter((k) => !without.has(k.name));
const records = loadDrawings(join(dir, 'drawings.json'));
const ids = records.map((r) => r.id);
const rasters = new Map<string, Raster>(records.map((r) => [r.id, readRaster(r.imagePath)]));
const truth = new Map(records.map((r) => [r.id, traceKeys(r.primitives).join('|')]));

// Geometry readings (the slow half) are memoised on disk under a hash of the code that makes them,
// so an interrupted fit resumes and a change to arrow heads or dashes refits in minutes.
const inferDir = join(root, 'src', 'drawings', 'infer');
const codeHash = createHash('sha256');
const GEOMETRY_FILES = ['alignment.ts', 'candidates.ts', 'evidence.ts', 'inferTrace.ts', 'inkMap.ts', 'search.ts'];
for (const name of GEOMETRY_FILES) {
  codeHash.update(readFileSync(join(inferDir, name)));
}
for (const name of ['raster.ts', 'trace.ts']) {
  codeHash.update(readFileSync(join(root, 'src', 'drawings', name)));
}
const memoPath = join(tmpdir(), `plotwright-fit-geometry-${codeHash.digest('hex').slice(0, 16)}.json`);
const geometryMemo = new Map<string, Record<string, ViewReading[]>>(
  existsSync(memoPath) ? (Object.entries(JSON.parse(readFileSync(memoPath, 'utf8'))) as Array<[string, Record<string, ViewReading[]>]>) : [],
);
const rankMemo = new Map<string, Record<string, ItemReading>>();
let geometryReads = 0;
let mapsFor = '';

function readAll(params: InferParams): Record<string, ItemReading> {
  const key = JSON.stringify(params);
  const known = rankMemo.get(key);
  if (known) {
    return known;
  }
  const geometry = stageKey(params, 'geometry');
  let views = geometryMemo.get(geometry);
  if (!views) {
    const start = performance.now();
    views = Object.fromEntries(ids.map((id) => [id, readStructures(rasters.get(id) as Raster, { top: 5 }, params)]));
    geometryMemo.set(geometry, views);
    geometryReads++;
    writeFileSync(memoPath, JSON.stringify(Object.fromEntries(geometryMemo), (k, v: unknown) => (k === 'map' ? undefined : v)));
    console.log(`  geometry read in ${((performance.now() - start) / 1000).toFixed(1)} s: ${geometry}`);
  }
  if (mapsFor !== geometry) {
    // Ink maps depend on geometry knobs only: build them once per geometry, not once per attribute trial.
    for (const id of ids) {
      for (const view of views[id]) {
        view.map = buildInkMap(shiftRaster(rasters.get(id) as Raster, view.shift.dx, view.shift.dy), params.inkThreshold);
      }
    }
    for (const other of geometryMemo.values()) {
      if (other !== views) {
        Object.values(other).forEach((vs) => vs.forEach((v) => delete v.map));
      }
    }
    mapsFor = geometry;
  }
  const out: Record<string, ItemReading> = {};
  for (const id of ids) {
    const traces = rankReadings(rasters.get(id) as Raster, views[id], 5, params);
    const at = traces.findIndex((t) => traceKeys(t.primitives).join('|') === truth.get(id));
    out[id] = { rank: at < 0 ? null : at + 1 };
  }
  rankMemo.set(key, out);
  return out;
}

const read = (params: InferParams, subset: string[]): Map<string, ItemReading> => {
  const all = readAll(params);
  return new Map(subset.map((id) => [id, all[id]]));
};
const top1 = (readings: Map<string, ItemReading>): number => [...readings.values()].filter((r) => r.rank === 1).length;

const folds = assignFolds(ids, FOLD_COUNT);
const fitted: Array<{ heldOut: string[]; params: InferParams }> = [];
let heldOutTop1 = 0;
for (let f = 0; f < FOLD_COUNT; f++) {
  const heldOut = ids.filter((id) => folds.get(id) === f);
  const train = ids.filter((id) => folds.get(id) !== f);
  console.log(`fold ${f}: fitting on ${train.length}, holding out ${heldOut.join(' ')}`);
  const fit = fitParams(HAND_SET_PARAMS, train, read, { knobs, passes, maxCombinations, onStep: (m) => console.log(`  ${m}`) });
  const scored = top1(read(fit.params, heldOut));
  heldOutTop1 += scored;
  console.log(`fold ${f}: train top-1 ${Math.floor(fit.score / 1000)}/${train.length}, held-out top-1 ${scored}/${heldOut.length}`);
  fitted.push({ heldOut, params: fit.params });
}
console.log('all drawings: fitting the shipped model');
const all = fitParams(HAND_SET_PARAMS, ids, read, { knobs, passes, maxCombinations, onStep: (m) => console.log(`  ${m}`) });
const handSet = read(HAND_SET_PARAMS, ids);
console.log(
  `hand-set knobs: in-sample top-1 ${top1(handSet)}/${ids.length}; fitted: in-sample ${Math.floor(all.score / 1000)}/${ids.length}, ` +
    `cross-validated ${heldOutTop1}/${ids.length} (${geometryReads} new geometry reads, ${rankMemo.size} parameter sets scored)`,
);

const body = [
  '// Generated by scripts/drawings/fitParams.ts from ../shared/drawings; do not edit by hand.',
  '// `all` is fitted on every drawing (the model the CLI and the extension use); `folds[f]` on every',
  '// drawing but `heldOut` (folds.ts), for the cross-validated figure of `npm run bench:drawings`.',
  "import type { InferParams } from './params.js';",
  '',
  `export const FITTED: { all: InferParams; folds: Array<{ heldOut: string[]; params: InferParams }> } = ${JSON.stringify({ all: all.params, folds: fitted }, null, 2)};`,
  '',
  'export const DEFAULT_PARAMS: InferParams = FITTED.all;',
  '',
].join('\n');
writeFileSync(join(inferDir, 'fittedParams.ts'), body);
console.log('wrote src/drawings/infer/fittedParams.ts');

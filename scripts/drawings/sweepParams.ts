// Tunes the few global inference parameters: prints top-1/top-5 exactness over a drawings file for
// each override given as JSON on the command line, e.g. '{"arrowThreshold":7}'.
import { loadDrawings, traceKeys } from '../../src/drawings/trace.js';
import { readRaster } from '../../src/drawings/raster.js';
import { inferTracesFromRaster } from '../../src/drawings/infer/inferTrace.js';
import { DEFAULT_PARAMS } from '../../src/drawings/infer/fittedParams.js';
import type { InferParams } from '../../src/drawings/infer/params.js';

const overrides = process.argv.slice(2).map((a) => JSON.parse(a) as Partial<InferParams>);
const records = loadDrawings('../shared/drawings/drawings.json');
const rasters = records.map((r) => readRaster(r.imagePath));
for (const o of overrides.length > 0 ? overrides : [{}]) {
  const params = { ...DEFAULT_PARAMS, ...o };
  let top1 = 0;
  let top5 = 0;
  const failed: string[] = [];
  records.forEach((r, i) => {
    const truth = traceKeys(r.primitives).join('|');
    const result = inferTracesFromRaster(rasters[i], { top: 5 }, params);
    const rank = result.traces.findIndex((t) => traceKeys(t.primitives).join('|') === truth);
    top1 += rank === 0 ? 1 : 0;
    if (rank !== 0) {
      failed.push(r.id.replace('expert-', ''));
    }
    top5 += rank >= 0 ? 1 : 0;
  });
  console.log(JSON.stringify(o), 'top1', top1, 'top5', top5, 'of', records.length, 'failed', failed.join(' '));
}

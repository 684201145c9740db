import { loadDrawings } from './src/drawings/trace.js';
import { synthesizeNow } from './src/drawings/synthesize.js';
const ds = loadDrawings('/work/shared/drawings/drawings.json');
const d = ds.find((x) => x.id === process.argv[2])!;
const t = performance.now();
synthesizeNow(d.primitives, () => performance.now() - t > 10000);
console.log(performance.now() - t);

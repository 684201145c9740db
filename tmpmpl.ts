import { loadDrawings } from './src/drawings/trace.js';
import { parseProgram } from './src/drawings/parse.js';
import { toMatplotlib } from './src/drawings/matplotlib.js';
import { toTikz } from './src/drawings/tikz.js';
import { writeFileSync } from 'node:fs';
const ds = loadDrawings('/work/shared/drawings/drawings.json');
for (const id of ['expert-80', 'expert-6', 'expert-4']) {
  const d = ds.find((x) => x.id === id)!;
  const p = parseProgram(d.reference!.program);
  writeFileSync(`/tmp/${id}.py`, toMatplotlib(p, { savePath: `/tmp/${id}.png` }));
  if (id === 'expert-6') console.log(toTikz(p));
}

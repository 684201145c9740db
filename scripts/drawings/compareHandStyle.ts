// Compares the strokes of the scans in ../shared/drawings with synthetic hand-style drawings
// (handStyle.ts) of sampled scenes, statistic by statistic (strokeStats.ts), and writes the table
// to docs/drawings.md. Usage: node --import tsx scripts/drawings/compareHandStyle.ts [--count 100]
import { join } from 'node:path';
import { renderHandDrawn } from '../../src/drawings/handStyle.js';
import { readRaster } from '../../src/drawings/raster.js';
import { sampleScene } from '../../src/drawings/sampler.js';
import { meanStats, STROKE_STAT_NAMES, strokeStats, type StrokeStats } from '../../src/drawings/strokeStats.js';
import { loadDrawings } from '../../src/drawings/trace.js';
import { writeSection } from '../bench/report.js';

const root = join(import.meta.dirname, '..', '..');
const countAt = process.argv.indexOf('--count');
const count = countAt >= 0 ? Number(process.argv[countAt + 1]) : 100;
/** Seeds of the scenes compared here; the bench's synthetic test set uses 1000 onwards. */
const FIRST_SEED = 5000;

const records = loadDrawings(join(root, '..', 'shared', 'drawings', 'drawings.json'));
const real = meanStats(records.map((r) => strokeStats(readRaster(r.imagePath), r.primitives)));
const synthetic = meanStats(
  Array.from({ length: count }, (_, i) => {
    const trace = sampleScene(FIRST_SEED + i);
    return strokeStats(renderHandDrawn(trace, FIRST_SEED + i), trace);
  }),
);

const describe: Record<keyof StrokeStats, string> = {
  darkness: 'median ink amount of ink pixels (0–1)',
  width: 'ink px per px of ideal stroke (≈ stroke width)',
  wander: 'RMS distance of ink from the ideal strokes, px',
  gaps: 'points of solid strokes with no ink within 2 px',
  overshoot: 'rectangle corners with an edge running ≥ 3 px past them',
  roundedCorners: 'rectangle corners with no ink within 2 px',
  stray: 'ink px more than 8 px from every ideal stroke',
};
const rows = STROKE_STAT_NAMES.map((k) => `| ${describe[k]} | ${real[k].toFixed(3)} | ${synthetic[k].toFixed(3)} |`);
const markdown = [
  '## Measured: scans vs synthetic hand style',
  '',
  `\`node --import tsx scripts/drawings/compareHandStyle.ts\`: means over the ${records.length} scans (strokes compared with their ` +
    `true traces) and over ${count} synthetic drawings of sampled scenes (seeds ${FIRST_SEED}–${FIRST_SEED + count - 1}).`,
  '',
  `| statistic | scans | synthetic |`,
  '|---|---|---|',
  ...rows,
].join('\n');
writeSection('hand-style', markdown, join(root, 'docs', 'drawings.md'));
console.log(markdown);

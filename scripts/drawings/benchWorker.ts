// How responsive the calling thread stays while a drawing is read: inference on the thread itself vs
// in a worker (what the extension does). `npx tsx scripts/drawings/benchWorker.ts [../shared/drawings]`
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { watchEventLoop } from '../../src/drawings/infer/eventLoopWatch.js';
import { inferTracesFromRaster } from '../../src/drawings/infer/inferTrace.js';
import { inferInWorker } from '../../src/drawings/infer/workerClient.js';
import { median } from '../../src/drawings/measure.js';
import { readRaster } from '../../src/drawings/raster.js';
import { loadDrawings } from '../../src/drawings/trace.js';

const dir = process.argv[2] ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'drawings');
const tmp = mkdtempSync(join(tmpdir(), 'pw-bench-worker-'));
const workerFile = join(tmp, 'inferWorker.cjs');
await build({ entryPoints: ['src/drawings/infer/worker.ts'], bundle: true, platform: 'node', format: 'cjs', outfile: workerFile, logLevel: 'warning' });

/** Runs `work` while a 20 ms timer ticks; returns the wall time and how late the timer fired at worst. */
async function watch(work: () => Promise<unknown>): Promise<{ wallMs: number; lateMs: number }> {
  const period = 20;
  const lag = watchEventLoop(period);
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, period * 2));
  await work();
  const wallMs = performance.now() - started - period * 2;
  await new Promise((resolve) => setTimeout(resolve, period * 2));
  lag.stop();
  return { wallMs, lateMs: lag.maxLateMs() };
}

const rows: Array<{ id: string; inline: { wallMs: number; lateMs: number }; worker: { wallMs: number; lateMs: number } }> = [];
for (const drawing of loadDrawings(join(dir, 'drawings.json'))) {
  const raster = readRaster(drawing.imagePath);
  const inline = await watch(async () => inferTracesFromRaster(raster, { top: 5 }));
  const worker = await watch(() => inferInWorker(workerFile, raster, { top: 5 }));
  rows.push({ id: drawing.id, inline, worker });
}
rmSync(tmp, { recursive: true, force: true });
const stat = (values: number[]) => `median ${Math.round(median(values))} ms, max ${Math.round(Math.max(...values))} ms`;
console.log(`${rows.length} drawings, top 5`);
console.log(`on the thread: wall ${stat(rows.map((r) => r.inline.wallMs))}; timer late ${stat(rows.map((r) => r.inline.lateMs))}`);
console.log(`in a worker:   wall ${stat(rows.map((r) => r.worker.wallMs))}; timer late ${stat(rows.map((r) => r.worker.lateMs))}`);

// Trace inference in a worker thread: the search is synchronous and takes up to a few seconds, which
// would freeze the VS Code extension host (and every other extension) if run on its thread.
import { parentPort } from 'node:worker_threads';
import { inferTracesFromRaster } from './inferTrace.js';
import type { WorkerRequest, WorkerResponse } from './workerClient.js';

parentPort?.on('message', (request: WorkerRequest) => {
  let response: WorkerResponse;
  try {
    const { traces, ms } = inferTracesFromRaster(request.raster, { top: request.top, budgetMs: request.budgetMs });
    response = { ok: true, traces, ms };
  } catch (error) {
    response = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(response);
});

// Runs trace inference in a worker thread (worker.ts, bundled as dist/inferWorker.cjs) so the calling
// thread stays responsive; an abort terminates the worker, which stops the search at once.
import { Worker } from 'node:worker_threads';
import type { Raster } from '../raster.js';
import type { InferResult, ScoredTrace } from './inferTrace.js';

export interface WorkerRequest {
  raster: Raster;
  top: number;
  budgetMs?: number;
}

export type WorkerResponse = { ok: true; traces: ScoredTrace[]; ms: number } | { ok: false; message: string };

export interface WorkerInferOptions {
  top: number;
  budgetMs?: number;
  signal?: AbortSignal;
}

/** Infers traces from a raster in a fresh worker started from `workerFile`; rejects with the signal's reason on abort. */
export function inferInWorker(workerFile: string | URL, raster: Raster, options: WorkerInferOptions): Promise<InferResult> {
  const { signal } = options;
  signal?.throwIfAborted();
  return new Promise<InferResult>((resolve, reject) => {
    const worker = new Worker(workerFile);
    let settled = false;
    const settle = (finish: () => void): void => {
      if (settled) {
        return;
      }
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      finish();
    };
    const onAbort = (): void => settle(() => reject(signal?.reason ?? new Error('Cancelled')));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (response: WorkerResponse) =>
      settle(() => (response.ok ? resolve({ traces: response.traces, ms: response.ms }) : reject(new Error(response.message)))),
    );
    worker.on('error', (error) => settle(() => reject(error)));
    worker.on('exit', (code) => settle(() => reject(new Error(`The inference worker stopped (exit code ${code}).`))));
    const request: WorkerRequest = { raster, top: options.top, budgetMs: options.budgetMs };
    worker.postMessage(request);
  });
}

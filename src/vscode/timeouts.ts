// How long Plotwright waits for the kernel. The environment may shorten them (the end-to-end tests do,
// to see a timeout in seconds through the same code path). No vscode import.

export interface FlowTimeouts {
  /** One of Plotwright's own queries (list DataFrames, describe, versions), from when Jupyter let it through. */
  queryMs: number;
  /** One generated cell, before it is interrupted. */
  runMs: number;
}

export const DEFAULT_TIMEOUTS: FlowTimeouts = { queryMs: 60_000, runMs: 120_000 };

export function timeoutsFromEnv(env: Record<string, string | undefined>): FlowTimeouts {
  const read = (name: string, fallback: number): number => {
    const value = Number(env[name]);
    return Number.isFinite(value) && value > 0 ? value : fallback;
  };
  return {
    queryMs: read('PLOTWRIGHT_QUERY_TIMEOUT_MS', DEFAULT_TIMEOUTS.queryMs),
    runMs: read('PLOTWRIGHT_RUN_TIMEOUT_MS', DEFAULT_TIMEOUTS.runMs),
  };
}

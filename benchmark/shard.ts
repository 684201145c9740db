// --shard: a deterministic share of a run's items, so a grid too big for one machine (rate limits,
// hours) runs as n jobs whose folders `bench merge` combines. Items are dealt round-robin in dataset
// order (item i goes to shard i mod n), so every shard gets a similar mix, and all repeats of an item
// stay in one shard.
import type { PlotBenchItem } from './dataset.js';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export class ShardError extends Error {}

function whole(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*\d+\s*$/.test(text)) {
    return undefined;
  }
  return Number(text);
}

/**
 * `k/n` (1-based k), or `n` / `auto` with the index from a batch engine: Kubernetes Indexed Jobs'
 * JOB_COMPLETION_INDEX (0-based), a Slurm array's SLURM_ARRAY_TASK_ID (from SLURM_ARRAY_TASK_MIN, with
 * SLURM_ARRAY_TASK_COUNT as n for `auto`), or PLOTWRIGHT_SHARD_INDEX (0-based).
 */
export function parseShard(value: string, env: Record<string, string | undefined> = process.env): Shard {
  const text = value.trim();
  const pair = /^(\d+)\s*\/\s*(\d+)$/.exec(text);
  let index: number | undefined;
  let count: number | undefined;
  if (pair) {
    index = Number(pair[1]);
    count = Number(pair[2]);
  } else if (text === 'auto' || whole(text) !== undefined) {
    count = text === 'auto' ? whole(env.SLURM_ARRAY_TASK_COUNT) : whole(text);
    if (count === undefined) {
      throw new ShardError('--shard auto needs SLURM_ARRAY_TASK_COUNT; elsewhere give the number of shards (--shard 4) or k/n');
    }
    const zeroBased =
      whole(env.JOB_COMPLETION_INDEX) ??
      (whole(env.SLURM_ARRAY_TASK_ID) !== undefined ? (whole(env.SLURM_ARRAY_TASK_ID) as number) - (whole(env.SLURM_ARRAY_TASK_MIN) ?? 0) : undefined) ??
      whole(env.PLOTWRIGHT_SHARD_INDEX);
    if (zeroBased === undefined) {
      throw new ShardError(`--shard ${text} needs the shard's index: set JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID or PLOTWRIGHT_SHARD_INDEX, or give it as k/n`);
    }
    index = zeroBased + 1;
  } else {
    throw new ShardError(`--shard must be k/n (e.g. 2/4), a number of shards, or auto (got '${value}')`);
  }
  if (count < 1 || index < 1 || index > count) {
    throw new ShardError(`--shard ${index}/${count} is out of range: k must be between 1 and n`);
  }
  return { index, count };
}

export function shardItems<T extends Pick<PlotBenchItem, 'id'>>(items: readonly T[], shard: Shard | undefined): T[] {
  return shard ? items.filter((_, position) => position % shard.count === shard.index - 1) : [...items];
}

export function shardText(shard: Shard | undefined): string | null {
  return shard ? `${shard.index}/${shard.count}` : null;
}

// The position-bias check of the visual judge: on a deterministic share of the items the judge is also
// asked with the generated chart first, and the summary reports how much the order moved the score.
import { createHash } from 'node:crypto';
import type { ItemRecord } from './metrics.js';

/** True for about `share` (0–1) of item ids, the same ids on every run and machine. */
export function positionCheckSelected(id: number, share: number): boolean {
  if (share <= 0) {
    return false;
  }
  if (share >= 1) {
    return true;
  }
  const hash = createHash('sha256').update(`position-check:${id}`).digest();
  return hash.readUInt32BE(0) / 2 ** 32 < share;
}

export interface PositionBias {
  /** Runs with both the usual and the swapped visual score. */
  n: number;
  /** Mean of swapped − usual. */
  meanDifference: number;
  meanAbsDifference: number;
}

/** Undefined when no run has both scores. */
export function positionBias(records: readonly ItemRecord[]): PositionBias | undefined {
  const differences = records.flatMap((r) => {
    const check = r.positionCheck;
    return check && check.difference !== null ? [check.difference] : [];
  });
  if (differences.length === 0) {
    return undefined;
  }
  const mean = (values: number[]) => Math.round((values.reduce((s, v) => s + v, 0) / values.length) * 10) / 10;
  return { n: differences.length, meanDifference: mean(differences), meanAbsDifference: mean(differences.map(Math.abs)) };
}

export function positionBiasLine(bias: PositionBias | undefined): string[] {
  if (!bias) {
    return [];
  }
  const signed = `${bias.meanDifference > 0 ? '+' : ''}${bias.meanDifference.toFixed(1)}`;
  return [`- position check of the visual judge (images swapped): mean difference swapped − usual ${signed}, mean absolute difference ${bias.meanAbsDifference.toFixed(1)} (n = ${bias.n})`];
}

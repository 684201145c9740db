// Pearson and Spearman correlation of paired scores, for checking which deterministic scores track the
// judge (summary.md) and how two judges, or a judge and a human, agree (`bench agreement`).

/** Below this many pairs a correlation is reported as "n too small" instead of a number. */
export const MIN_CORRELATION_N = 5;

export interface Correlation {
  n: number;
  /** Null when n is below MIN_CORRELATION_N or one side has no spread (the coefficient is undefined). */
  pearson: number | null;
  spearman: number | null;
}

/** Pearson's r; null when either side is constant or there are fewer than two pairs. */
export function pearson(x: readonly number[], y: readonly number[]): number | null {
  const n = Math.min(x.length, y.length);
  if (n < 2) {
    return null;
  }
  const mx = x.slice(0, n).reduce((s, v) => s + v, 0) / n;
  const my = y.slice(0, n).reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) {
    return null;
  }
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Ranks from 1, ties sharing their average rank. */
export function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const result = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.v === order[start]!.v) {
      end++;
    }
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) {
      result[order[k]!.i] = rank;
    }
    start = end + 1;
  }
  return result;
}

/** Spearman's rho: Pearson's r of the ranks (ties averaged). */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
  return pearson(ranks(x), ranks(y));
}

function rounded(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1000) / 1000;
}

/** Both coefficients over the pairs, or only n when there are too few pairs. */
export function correlate(pairs: ReadonlyArray<readonly [number, number]>): Correlation {
  const n = pairs.length;
  if (n < MIN_CORRELATION_N) {
    return { n, pearson: null, spearman: null };
  }
  const x = pairs.map((p) => p[0]);
  const y = pairs.map((p) => p[1]);
  return { n, pearson: rounded(pearson(x, y)), spearman: rounded(spearman(x, y)) };
}

/** "r = 0.812, ρ = 0.790 (n = 40)", or why there is no number. */
export function correlationText(c: Correlation): string {
  if (c.n < MIN_CORRELATION_N) {
    return `n too small (n = ${c.n}, at least ${MIN_CORRELATION_N} needed)`;
  }
  if (c.pearson === null || c.spearman === null) {
    return `undefined: one of the scores does not vary (n = ${c.n})`;
  }
  return `Pearson ${c.pearson.toFixed(3)}, Spearman ${c.spearman.toFixed(3)} (n = ${c.n})`;
}

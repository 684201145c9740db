// Branch and bound over the candidates: the cheapest set of members that together draw exactly the trace.
import { bitsCount, type Member, type Problem } from './candidates.js';
import { bitIndices, nodeOverhead, popcount, WORD, type Bits, type ContextNode } from './model.js';

export interface Solution {
  members: Member[];
  cost: number;
}

function penalty(mask: number): number {
  return Math.max(0, popcount(mask) - 1);
}

export class CoverSearch {
  private readonly candidates: Member[][];
  private readonly order: number[];
  /** 1 / (largest member covering the element): a bound that holds whatever contexts are open. */
  private readonly weight: number[];
  private readonly weightSums: number[][];
  private readonly overhead: number[];
  /** Elements some member under each context can draw; its overhead is spread over them. */
  private readonly reach: number[];
  private readonly open: number[];
  private readonly hashA: number[];
  private readonly hashB: number[];
  private openA = 0;
  private openB = 0;
  private readonly boundCache = new Map<number, Float64Array>();
  private readonly memberElements: number[][];
  private readonly chosen: Member[] = [];
  best: Solution;
  visited = 0;

  constructor(
    private readonly problem: Problem,
    private readonly members: Member[],
    nodes: ContextNode[][],
    initial: Solution,
    private readonly allowSkipOnlyLoops: boolean,
  ) {
    const n = problem.elements.length;
    this.candidates = Array.from({ length: n }, () => []);
    this.memberElements = members.map((m) => bitIndices(m.cover));
    members.forEach((m, k) => {
      for (const e of this.memberElements[k]) {
        this.candidates[e].push(m);
      }
    });
    for (const list of this.candidates) {
      list.sort((a, b) => b.size - a.size || a.nodes.length - b.nodes.length);
    }
    this.weight = this.candidates.map((list) => 1 / Math.max(...list.map((m) => m.size)));
    this.weightSums = this.candidates.map((list) =>
      list.map((m) => bitIndices(m.cover).reduce((sum, e) => sum + this.weight[e], 0)),
    );
    this.order = Array.from({ length: n }, (_, k) => k).sort(
      (a, b) => this.candidates[a].length - this.candidates[b].length || a - b,
    );
    this.overhead = nodes.map((path) => nodeOverhead(path[path.length - 1]));
    const reachBits = nodes.map(() => ({ lo: 0, hi: 0 }));
    for (const m of members) {
      for (const node of m.nodes) {
        reachBits[node].lo |= m.cover.lo;
        reachBits[node].hi |= m.cover.hi;
      }
    }
    this.reach = reachBits.map(bitsCount);
    this.open = nodes.map(() => 0);
    // Deterministic pseudo-random node hashes identify the set of open contexts.
    let seed = 0x2545f491;
    const next = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return seed >>> 0;
    };
    this.hashA = nodes.map(() => next());
    this.hashB = nodes.map(() => next() & 0xfffff);
    this.best = initial;
  }

  /** False when some loop draws nothing at index 0 (its whole body sits in `if (v > 0)`). */
  private everyLoopRunsFromZero(): boolean {
    const anchored = new Set<number>();
    for (const m of this.chosen) {
      m.anchors.forEach((node) => anchored.add(node));
    }
    return this.chosen.every((m) => m.loops.every((node) => anchored.has(node)));
  }

  /** The whole search; yields every so often so that a caller can stop it or let other work run. */
  *steps(): Generator<void, void, void> {
    let remaining = 0;
    for (const w of this.weight) {
      remaining += w;
    }
    yield* this.dfs(0, 0, 0, 0, 0, remaining);
  }

  /**
   * Per element, a lower bound on what covering it costs given the open contexts: a member's statement
   * spread over the elements it draws, plus each closed context's overhead spread over all it can reach.
   */
  private contextBound(): Float64Array {
    const key = this.openA * 0x100000 + this.openB;
    let bound = this.boundCache.get(key);
    if (bound !== undefined) {
      return bound;
    }
    bound = new Float64Array(this.problem.elements.length).fill(Infinity);
    this.members.forEach((m, k) => {
      let c = 1 / m.size;
      for (const node of m.nodes) {
        if (this.open[node] === 0) {
          c += this.overhead[node] / this.reach[node];
        }
      }
      for (const e of this.memberElements[k]) {
        if (c < (bound as Float64Array)[e]) {
          (bound as Float64Array)[e] = c;
        }
      }
    });
    if (this.boundCache.size > 200_000) {
      this.boundCache.clear();
    }
    this.boundCache.set(key, bound);
    return bound;
  }

  /** Sum of `weights` over the elements in `lo`/`hi`. */
  private weightOf(weights: ArrayLike<number>, lo: number, hi: number): number {
    let sum = 0;
    while (lo !== 0) {
      const low = lo & -lo;
      sum += weights[31 - Math.clz32(low)];
      lo ^= low;
    }
    while (hi !== 0) {
      const low = hi & -hi;
      sum += weights[WORD + 31 - Math.clz32(low)];
      hi ^= low;
    }
    return sum;
  }

  private toggle(node: number): void {
    this.openA ^= this.hashA[node];
    this.openB ^= this.hashB[node];
  }

  private *dfs(
    lo: number,
    hi: number,
    statements: number,
    xMask: number,
    yMask: number,
    remaining: number,
  ): Generator<void, void, void> {
    this.visited += 1;
    if ((this.visited & 1023) === 0) {
      yield;
    }
    const full = this.problem.full;
    if (lo === full.lo && hi === full.hi) {
      const cost = 3 * statements + penalty(xMask) + penalty(yMask);
      if (cost < this.best.cost && (this.allowSkipOnlyLoops || this.everyLoopRunsFromZero())) {
        this.best = { members: [...this.chosen], cost };
      }
      return;
    }
    const penalties = penalty(xMask) + penalty(yMask);
    const contextWeights = this.contextBound();
    const uncoveredLo = full.lo & ~lo;
    const uncoveredHi = full.hi & ~hi;
    const contextRemaining = this.weightOf(contextWeights, uncoveredLo, uncoveredHi);
    if (3 * (statements + Math.ceil(contextRemaining - 1e-9)) + penalties >= this.best.cost) {
      return;
    }
    let element = -1;
    for (const e of this.order) {
      const covered = e < WORD ? lo & (1 << e) : hi & (1 << (e - WORD));
      if (!covered) {
        element = e;
        break;
      }
    }
    const list = this.candidates[element];
    const sums = this.weightSums[element];
    for (let k = 0; k < list.length; k++) {
      const m = list[k];
      let extra = 1;
      for (const node of m.nodes) {
        if (this.open[node] === 0) {
          extra += this.overhead[node];
        }
      }
      const nx = xMask | m.xMask;
      const ny = yMask | m.yMask;
      const fixed = 3 * (statements + extra) + penalty(nx) + penalty(ny);
      // Quick reject with the member's whole weight, then the exact bound with what it newly covers.
      if (fixed + 3 * Math.ceil(remaining - sums[k] - 1e-9) >= this.best.cost) {
        continue;
      }
      const newLo = m.cover.lo & ~lo;
      const newHi = m.cover.hi & ~hi;
      const left = remaining - this.weightOf(this.weight, newLo, newHi);
      if (fixed + 3 * Math.ceil(left - 1e-9) >= this.best.cost) {
        continue;
      }
      if (extra === 1) {
        // No context opens, so the context-aware bound of this node still holds.
        const contextLeft = contextRemaining - this.weightOf(contextWeights, newLo, newHi);
        if (fixed + 3 * Math.ceil(contextLeft - 1e-9) >= this.best.cost) {
          continue;
        }
      }
      for (const node of m.nodes) {
        if (this.open[node] === 0) {
          this.toggle(node);
        }
        this.open[node] += 1;
      }
      this.chosen.push(m);
      yield* this.dfs(lo | newLo, hi | newHi, statements + extra, nx, ny, left);
      this.chosen.pop();
      for (const node of m.nodes) {
        this.open[node] -= 1;
        if (this.open[node] === 0) {
          this.toggle(node);
        }
      }
    }
  }
}

/** A quick first answer: repeatedly take the member that covers most per statement it adds. */
export function greedy(problem: Problem, members: Member[], nodes: ContextNode[][]): Solution {
  const open = new Set<number>();
  let covered: Bits = { lo: 0, hi: 0 };
  const chosen: Member[] = [];
  const full = problem.full;
  while (covered.lo !== full.lo || covered.hi !== full.hi) {
    let best: Member | null = null;
    let bestRatio = -1;
    for (const m of members) {
      const gain = bitsCount({ lo: m.cover.lo & ~covered.lo, hi: m.cover.hi & ~covered.hi });
      if (gain === 0) {
        continue;
      }
      let cost = 1;
      for (const node of m.nodes) {
        if (!open.has(node)) {
          cost += nodeOverhead(nodes[node][nodes[node].length - 1]);
        }
      }
      const ratio = gain / cost;
      if (ratio > bestRatio) {
        best = m;
        bestRatio = ratio;
      }
    }
    if (best === null) {
      break;
    }
    chosen.push(best);
    best.nodes.forEach((n) => open.add(n));
    covered = { lo: covered.lo | best.cover.lo, hi: covered.hi | best.cover.hi };
  }
  let statements = chosen.length;
  for (const node of open) {
    statements += nodeOverhead(nodes[node][nodes[node].length - 1]);
  }
  const xMask = chosen.reduce((mask, m) => mask | m.xMask, 0);
  const yMask = chosen.reduce((mask, m) => mask | m.yMask, 0);
  return { members: chosen, cost: 3 * statements + penalty(xMask) + penalty(yMask) };
}

// Which set of candidates best explains the ink: greedy additions, then add/remove/swap local search.
//
// Energy of a set S (lower is better):
//   Σ over ink pixels of the smallest residual any member leaves there (1 when no member is near)
// + Σ over members of their intrinsic cost (model drawn off the ink, complexity)
// + Σ over pairs of members of how many px of one's stroke run along the other or inside a circle,
//   times the other's haloCost (the drawings do not stack strokes; line ends may touch anything).
import { segmentDistance } from '../raster.js';
import type { Candidate } from './candidates.js';

export interface SearchResult {
  selected: number[];
  energy: number;
  /** Single-move neighbours of the optimum (different sets), with their energies. */
  neighbours: Array<{ selected: number[]; energy: number }>;
}

export interface SearchOptions {
  neighbours: number;
  maxSteps?: number;
  signal?: AbortSignal;
  /** performance.now() after which the local search stops improving and returns what it has. */
  deadline?: number;
}

/** What a set of members puts on the page: coverage of the ink, and stroke/halo counts per pixel. */
class Canvas {
  readonly cov: Float32Array;
  readonly strokes: Int16Array;
  readonly halos: Float32Array;

  constructor(
    private readonly candidates: Candidate[],
    inkCount: number,
    pixelCount: number,
    members: number[],
  ) {
    this.cov = new Float32Array(inkCount).fill(1);
    this.strokes = new Int16Array(pixelCount);
    this.halos = new Float32Array(pixelCount);
    for (const k of members) {
      this.add(k);
    }
  }

  add(k: number): void {
    const { pixels, residual, stroke, halo, haloCost } = this.candidates[k];
    for (let i = 0; i < pixels.length; i++) {
      if (residual[i] < this.cov[pixels[i]]) {
        this.cov[pixels[i]] = residual[i];
      }
    }
    for (const p of stroke) {
      this.strokes[p] += 1;
    }
    if (haloCost > 0) {
      for (const p of halo) {
        this.halos[p] += haloCost;
      }
    }
  }

  /** Overlap cost between candidate k and the members (each pair counted both ways, halved). */
  overlap(k: number): number {
    const { stroke, halo, haloCost } = this.candidates[k];
    let o = 0;
    for (const p of stroke) {
      o += this.halos[p];
    }
    if (haloCost > 0) {
      let n = 0;
      for (const p of halo) {
        n += this.strokes[p];
      }
      o += haloCost * n;
    }
    return o / 2;
  }

  /** Change in the explanation term if candidate k joined. */
  explainDelta(k: number): number {
    const { pixels, residual } = this.candidates[k];
    let d = 0;
    for (let i = 0; i < pixels.length; i++) {
      const diff = residual[i] - this.cov[pixels[i]];
      if (diff < 0) {
        d += diff;
      }
    }
    return d;
  }

  explainTotal(): number {
    let s = 0;
    for (let i = 0; i < this.cov.length; i++) {
      s += this.cov[i];
    }
    return s;
  }
}

export function energyOf(candidates: Candidate[], selected: number[], inkCount: number, pixelCount: number): number {
  const canvas = new Canvas(candidates, inkCount, pixelCount, []);
  let e = 0;
  for (const k of selected) {
    e += candidates[k].intrinsic + canvas.overlap(k);
    canvas.add(k);
  }
  return e + canvas.explainTotal();
}

interface Move {
  remove: number;
  add: number;
  delta: number;
}

function addCost(candidates: Candidate[], canvas: Canvas, k: number, withOverlap: boolean): number {
  return canvas.explainDelta(k) + candidates[k].intrinsic + (withOverlap ? canvas.overlap(k) : 0);
}

/** Adds the candidate with the largest drop in energy while anything helps (never those in `banned`). */
function greedyFill(
  candidates: Candidate[],
  selected: number[],
  inkCount: number,
  pixelCount: number,
  withOverlap: boolean,
  banned: Set<number>,
  signal?: AbortSignal,
): void {
  const inSet = new Set(selected);
  const canvas = new Canvas(candidates, inkCount, pixelCount, selected);
  for (;;) {
    signal?.throwIfAborted();
    let best = -1;
    let bestDelta = -1e-9;
    for (let k = 0; k < candidates.length; k++) {
      if (inSet.has(k) || banned.has(k)) {
        continue;
      }
      const delta = addCost(candidates, canvas, k, withOverlap);
      if (delta < bestDelta) {
        bestDelta = delta;
        best = k;
      }
    }
    if (best < 0) {
      return;
    }
    selected.push(best);
    inSet.add(best);
    canvas.add(best);
  }
}

/** Every single move from `selected`: add one, remove one, or swap one for another. */
function singleMoves(candidates: Candidate[], selected: number[], inkCount: number, pixelCount: number): Move[] {
  const inSet = new Set(selected);
  const all = new Canvas(candidates, inkCount, pixelCount, selected);
  const base = all.explainTotal();
  const moves: Move[] = [];
  for (let k = 0; k < candidates.length; k++) {
    if (!inSet.has(k)) {
      moves.push({ remove: -1, add: k, delta: addCost(candidates, all, k, true) });
    }
  }
  for (const r of selected) {
    const rest = selected.filter((k) => k !== r);
    const without = new Canvas(candidates, inkCount, pixelCount, rest);
    const removeDelta = without.explainTotal() - base - candidates[r].intrinsic - without.overlap(r);
    moves.push({ remove: r, add: -1, delta: removeDelta });
    // Swaps only between neighbours: a far-away candidate is better judged as an addition.
    for (let k = 0; k < candidates.length; k++) {
      if (!inSet.has(k) && boxesMeet(candidates[r], candidates[k])) {
        moves.push({ remove: r, add: k, delta: removeDelta + addCost(candidates, without, k, true) });
      }
    }
  }
  return moves;
}

/** Candidates that explain most of what candidate r explains (r included): r's stand-ins. */
function lookalikes(candidates: Candidate[], r: number, inkCount: number): Set<number> {
  const mark = new Uint8Array(inkCount);
  for (const q of candidates[r].pixels) {
    mark[q] = 1;
  }
  const total = candidates[r].pixels.length;
  const out = new Set<number>([r]);
  candidates.forEach((c, k) => {
    let shared = 0;
    for (const q of c.pixels) {
      shared += mark[q];
    }
    if (shared >= 0.6 * total) {
      out.add(k);
    }
  });
  return out;
}

const boxCache = new WeakMap<Candidate, [number, number, number, number]>();

function boxOf(c: Candidate): [number, number, number, number] {
  const cached = boxCache.get(c);
  if (cached) {
    return cached;
  }
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const s of c.segments) {
    x0 = Math.min(x0, s.x1, s.x2);
    y0 = Math.min(y0, s.y1, s.y2);
    x1 = Math.max(x1, s.x1, s.x2);
    y1 = Math.max(y1, s.y1, s.y2);
  }
  const box: [number, number, number, number] = [x0, y0, x1, y1];
  boxCache.set(c, box);
  return box;
}

/** Do the two candidates' bounding boxes meet (within 3 px)? */
function boxesMeet(a: Candidate, b: Candidate): boolean {
  const p = boxOf(a);
  const q = boxOf(b);
  return p[0] - 3 <= q[2] && q[0] - 3 <= p[2] && p[1] - 3 <= q[3] && q[1] - 3 <= p[3];
}

/** Do the two candidates' strokes come within a few px of each other? */
function touching(a: Candidate, b: Candidate): boolean {
  for (const s of a.segments) {
    for (const t of b.segments) {
      const ends = [
        segmentDistance(s.x1, s.y1, t),
        segmentDistance(s.x2, s.y2, t),
        segmentDistance(t.x1, t.y1, s),
        segmentDistance(t.x2, t.y2, s),
      ];
      if (Math.min(...ends) <= 3) {
        return true;
      }
    }
  }
  return false;
}

function applyMove(selected: number[], m: Move): number[] {
  return [...selected.filter((k) => k !== m.remove), ...(m.add >= 0 ? [m.add] : [])];
}

export function searchTraces(candidates: Candidate[], inkCount: number, pixelCount: number, options: SearchOptions): SearchResult {
  const energy = (sel: number[]): number => energyOf(candidates, sel, inkCount, pixelCount);
  let selected: number[] = [];
  // The first pass ignores overlaps: otherwise a large early mistake (a box spanning several boxes)
  // would push the right primitives out through the overlap cost and block its own removal.
  greedyFill(candidates, selected, inkCount, pixelCount, false, new Set(), options.signal);
  let current = energy(selected);
  const maxSteps = options.maxSteps ?? 60;
  const late = (): boolean => options.deadline !== undefined && performance.now() > options.deadline;
  for (let step = 0; step < maxSteps && !late(); step++) {
    options.signal?.throwIfAborted();
    // Best single move (add, remove, swap).
    let best: Move | undefined;
    for (const m of singleMoves(candidates, selected, inkCount, pixelCount)) {
      if (best === undefined || m.delta < best.delta) {
        best = m;
      }
    }
    if (best !== undefined && best.delta < -1e-6) {
      selected = applyMove(selected, best);
      current = energy(selected);
      continue;
    }
    // Compound move: drop one member and refill greedily without it or its stand-ins (splits a
    // merged line in two, or a spurious rectangle into the lines it was made of).
    let improved = false;
    for (const r of selected) {
      if (late()) {
        break;
      }
      const variants: Array<{ drop: Set<number>; banned: Set<number> }> = [
        { drop: new Set([r]), banned: new Set([r]) },
        { drop: new Set([r]), banned: lookalikes(candidates, r, inkCount) },
        // Also clear away what was built around r.
        { drop: new Set([r, ...selected.filter((k) => k !== r && boxesMeet(candidates[r], candidates[k]))]), banned: new Set([r]) },
      ];
      for (const { drop, banned } of variants) {
        const trial = selected.filter((k) => !drop.has(k));
        greedyFill(candidates, trial, inkCount, pixelCount, true, banned, options.signal);
        const e = energy(trial);
        if (e < current - 1e-6) {
          selected = trial;
          current = e;
          improved = true;
          break;
        }
      }
      if (improved) {
        break;
      }
    }
    // Compound move: drop two neighbouring members and refill (merges a line split in two).
    for (let i = 0; i < selected.length && !improved && !late(); i++) {
      for (let j = i + 1; j < selected.length && !improved; j++) {
        const [a, b] = [selected[i], selected[j]];
        if (!touching(candidates[a], candidates[b])) {
          continue;
        }
        const trial = selected.filter((k) => k !== a && k !== b);
        greedyFill(candidates, trial, inkCount, pixelCount, true, new Set([a, b]), options.signal);
        const e = energy(trial);
        if (e < current - 1e-6) {
          selected = trial;
          current = e;
          improved = true;
        }
      }
    }
    if (!improved) {
      break;
    }
  }
  const moves = singleMoves(candidates, selected, inkCount, pixelCount);
  moves.sort((a, b) => a.delta - b.delta);
  const neighbours = moves.slice(0, options.neighbours).map((m) => ({ selected: applyMove(selected, m), energy: current + m.delta }));
  return { selected: [...selected], energy: current, neighbours };
}

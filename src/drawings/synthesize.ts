// Trace → lowest-cost program (candidates in synth/candidates.ts, search in synth/coverSearch.ts).
//
// A program is seen as a set of "members": one primitive statement each, inside a context, the chain of
// loops and reflections around it (root; `for i`; `for i { for j < n or a*i+b }`; up to two nested
// reflections, outside or inside the loops; `if (v > 0)` on the innermost loop costs nothing). Members
// with the same context share its loop or reflection statement, so a program costs
//   3 · (members + overheads of the distinct contexts used) + coefficient penalties,
// exactly the README's cost. Candidate members are enumerated from the trace (arithmetic sequences of
// primitives, 2-D grids and triangles, mirror images that are in the trace), dominated ones dropped, and
// a branch and bound picks the cheapest set whose drawings together are exactly the trace. Its bound
// spreads each member's statement over the primitives it draws and each unopened context's overhead over
// every primitive that context can reach. The answer is rebuilt as a program, evaluated and checked.
import { programCost } from './cost.js';
import { evaluateProgram } from './evaluate.js';
import { constant, type Affine, type Program, type Statement } from './program.js';
import { buildMembers, Problem, type Member } from './synth/candidates.js';
import { CoverSearch, greedy, type Solution } from './synth/coverSearch.js';
import {
  keyOf,
  LOOP_VARIABLES,
  MAX_EXACT_ELEMENTS,
  nodeKey,
  tagOf,
  vectorOf,
  type ContextNode,
  type Tag,
} from './synth/model.js';
import { sameTrace, type Primitive, type Trace } from './trace.js';

export interface SynthesisOptions {
  /** Stop the search after this long and return the best program found so far (default 20 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Allow a loop whose whole body sits in `if (i > 0)`. Default false: the README's cost allows it, but
   * `for (i < 3){ if (i > 0){…} }` is just a two-iteration loop that dodges the extra cost of a bound of 2.
   */
  allowSkipOnlyLoops?: boolean;
}

export interface SynthesisResult {
  program: Program;
  cost: number;
  ms: number;
  /** Always true: every returned program is checked to redraw the trace exactly. */
  exact: true;
  /** True when the search finished, so no cheaper program exists in the search space. */
  optimal: boolean;
}

// ---------------------------------------------------------------------------------------------
// Members → program.

interface TrieNode {
  node: ContextNode | null;
  key: string;
  direct: Statement[];
  skipped: Statement[];
  children: TrieNode[];
}

function primitiveStatement(tag: Tag, coords: Affine[]): Statement {
  if (tag === 'c') {
    return { kind: 'circle', x: coords[0], y: coords[1] };
  }
  const [x1, y1, x2, y2] = coords;
  if (tag === 'r') {
    return { kind: 'rectangle', x1, y1, x2, y2 };
  }
  return { kind: 'line', x1, y1, x2, y2, arrow: tag[1] === 'a', solid: tag[2] === 's' };
}

function buildProgram(members: Member[]): Program {
  const root: TrieNode = { node: null, key: '', direct: [], skipped: [], children: [] };
  for (const m of members) {
    let at = root;
    for (const node of m.path) {
      const key = nodeKey(node);
      let child = at.children.find((c) => c.key === key);
      if (child === undefined) {
        child = { node, key, direct: [], skipped: [], children: [] };
        at.children.push(child);
      }
      at = child;
    }
    (m.skip ? at.skipped : at.direct).push(primitiveStatement(m.tag, m.coords));
  }
  const emit = (trie: TrieNode, depth: number): Statement[] => {
    const body: Statement[] = [...trie.direct];
    if (trie.skipped.length > 0) {
      body.unshift({ kind: 'if', variable: LOOP_VARIABLES[depth - 1], body: trie.skipped });
    }
    for (const child of trie.children) {
      const node = child.node as ContextNode;
      if (node.kind === 'loop') {
        body.push({ kind: 'loop', variable: LOOP_VARIABLES[depth], bound: node.bound, body: emit(child, depth + 1) });
      } else {
        body.push({ kind: 'reflect', axis: node.axis, at: node.at, body: emit(child, depth) });
      }
    }
    return body;
  };
  return { body: emit(root, 0) };
}

function flatProgram(trace: Trace): Program {
  return {
    body: trace.map((p) => primitiveStatement(tagOf(p), vectorOf(p).map((x) => constant(x)))),
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * Searches for the lowest-cost program that draws exactly `trace`. Deterministic when the search finishes
 * within the time limit; otherwise returns the best program found so far (still exact, `optimal: false`).
 * Traces of more than PART_SIZE distinct primitives are split into parts searched one after the other.
 * The search yields to the event loop every few milliseconds, so an abort of `signal` stops it; the
 * promise then rejects with the signal's reason.
 */
export async function synthesize(trace: Trace, options: SynthesisOptions = {}): Promise<SynthesisResult> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 20_000;
  options.signal?.throwIfAborted();
  checkRadii(trace);
  const parts = splitTrace(trace);
  const runs: SynthesisRun[] = [];
  let finished = true;
  let lastPause = performance.now();
  for (const [k, part] of parts.entries()) {
    // Each part may use an equal share of the time that is left.
    const deadline = started + ((k + 1) * timeoutMs) / parts.length;
    // Candidate generation may use up to half of the part's share.
    const generationEnd = performance.now() + (deadline - performance.now()) / 2;
    const run = startSynthesis(part, options.allowSkipOnlyLoops ?? false, () => performance.now() > generationEnd);
    runs.push(run);
    for (const _ of run.search?.steps() ?? []) {
      const now = performance.now();
      if (now > deadline) {
        finished = false;
        break;
      }
      if (now - lastPause > 20) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        options.signal?.throwIfAborted();
        lastPause = performance.now();
      }
    }
  }
  return { ...finishSynthesis(trace, runs, finished), ms: performance.now() - started };
}

/** The synchronous form of synthesize: `shouldStop` is asked every thousand or so search nodes. */
export function synthesizeNow(
  trace: Trace,
  shouldStop: () => boolean = () => false,
  allowSkipOnlyLoops = false,
): Omit<SynthesisResult, 'ms'> {
  checkRadii(trace);
  const runs: SynthesisRun[] = [];
  let finished = true;
  for (const part of splitTrace(trace)) {
    const run = startSynthesis(part, allowSkipOnlyLoops, shouldStop);
    runs.push(run);
    for (const _ of run.search?.steps() ?? []) {
      if (shouldStop()) {
        finished = false;
        break;
      }
    }
  }
  return finishSynthesis(trace, runs, finished);
}

/** The DSL draws circles of radius 1 only (as does the data set). */
function checkRadii(trace: Trace): void {
  const other = trace.find((p) => p.type === 'circle' && p.r !== 1);
  if (other !== undefined) {
    throw new RangeError('the drawing DSL has circles of radius 1 only');
  }
}

/** Above this many distinct primitives the candidates grow too fast: the trace is searched in parts. */
const PART_SIZE = 32;

/** Distinct primitives, in parts of at most PART_SIZE: by kind, then left to right. Deterministic. */
function splitTrace(trace: Trace): Trace[] {
  const byKey = new Map<string, Primitive>();
  for (const p of trace) {
    const key = keyOf(tagOf(p), vectorOf(p));
    if (!byKey.has(key)) {
      byKey.set(key, p);
    }
  }
  const distinct = [...byKey.values()];
  if (distinct.length <= PART_SIZE) {
    return [distinct];
  }
  const groups = new Map<Tag, Primitive[]>();
  for (const p of distinct) {
    groups.set(tagOf(p), [...(groups.get(tagOf(p)) ?? []), p]);
  }
  const parts: Trace[] = [];
  for (const tag of [...groups.keys()].sort()) {
    const group = (groups.get(tag) as Primitive[]).sort((a, b) => {
      const va = vectorOf(a);
      const vb = vectorOf(b);
      for (let k = 0; k < va.length; k++) {
        if (va[k] !== vb[k]) {
          return va[k] - vb[k];
        }
      }
      return 0;
    });
    const count = Math.ceil(group.length / PART_SIZE);
    const size = Math.ceil(group.length / count);
    for (let k = 0; k < group.length; k += size) {
      parts.push(group.slice(k, k + size));
    }
  }
  return parts;
}

interface SynthesisRun {
  trace: Trace;
  /** Null when there is nothing to search (empty trace) or too much for the exact search. */
  search: CoverSearch | null;
  greedy: Solution | null;
  /** Candidate generation was cut short by the time limit. */
  truncated: boolean;
}

function startSynthesis(trace: Trace, allowSkipOnlyLoops: boolean, timeUp: () => boolean): SynthesisRun {
  const problem = new Problem(trace);
  if (problem.elements.length === 0) {
    return { trace, search: null, greedy: null, truncated: false };
  }
  const { members, nodes, truncated } = buildMembers(problem, timeUp);
  // Without `if` members every loop runs from index 0, so that greedy answer is valid either way.
  const first = greedy(problem, allowSkipOnlyLoops ? members : members.filter((m) => !m.skip), nodes);
  const search =
    problem.elements.length <= MAX_EXACT_ELEMENTS
      ? new CoverSearch(problem, members, nodes, first, allowSkipOnlyLoops)
      : null;
  return { trace, search, greedy: first, truncated };
}

/** Joins the parts' best programs; falls back to the flat program if that is not cheaper and exact. */
function finishSynthesis(trace: Trace, runs: SynthesisRun[], finished: boolean): Omit<SynthesisResult, 'ms'> {
  let program = flatProgram(trace);
  const body: Statement[] = [];
  for (const run of runs) {
    const best = run.search?.best ?? run.greedy;
    body.push(...(best === null ? flatProgram(run.trace).body : buildProgram(best.members).body));
  }
  const candidate: Program = { body };
  if (programCost(candidate).cost < programCost(program).cost && sameTrace(evaluateProgram(candidate), trace)) {
    program = candidate;
  }
  const optimal =
    finished && runs.length <= 1 && runs.every((run) => !run.truncated && (run.search !== null || run.greedy === null));
  return { program, cost: programCost(program).cost, exact: true, optimal };
}

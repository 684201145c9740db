// Candidate statements ("members") for a trace: every primitive statement, in every context, whose drawing
// lies inside the trace; dominated candidates are dropped.
import { affine, constant, type Affine } from '../program.js';
import type { Trace } from '../trace.js';
import {
  applyTransform,
  bitIndices,
  bitOf,
  isXCoordinate,
  keyOf,
  LOOP_VARIABLES,
  loopShapes,
  makeShape,
  nodeKey,
  popcount,
  reflectionTransforms,
  tagOf,
  variantsOf,
  vectorOf,
  type Bits,
  type ContextNode,
  type Element,
  type LoopShape,
  type ReflectNode,
  type Tag,
} from './model.js';

interface LoopMember {
  shape: LoopShape;
  skip: boolean;
  tag: Tag;
  coords: Affine[];
  /** Elements the statement draws before any reflection. */
  cover: Bits;
}

export interface Member {
  path: ContextNode[];
  /** Node ids of every prefix of the path (the contexts this member needs). */
  nodes: number[];
  skip: boolean;
  tag: Tag;
  coords: Affine[];
  cover: Bits;
  size: number;
  xMask: number;
  yMask: number;
  /** Loop contexts of the path, and those it runs through from index 0 (all but a skipped innermost one). */
  loops: number[];
  anchors: number[];
}

class CoefficientIndex {
  private readonly index = new Map<number, number>();
  mask(values: number[]): number | null {
    let mask = 0;
    for (const v of values) {
      let k = this.index.get(v);
      if (k === undefined) {
        if (this.index.size >= 30) {
          return null;
        }
        k = this.index.size;
        this.index.set(v, k);
      }
      mask |= 1 << k;
    }
    return mask;
  }
}

function coefficientValues(coords: Affine[], x: boolean): number[] {
  const out: number[] = [];
  coords.forEach((c, k) => {
    if (isXCoordinate(k) === x && c.variable !== null && c.coef !== 0) {
      out.push(c.coef);
    }
  });
  return out;
}

export class Problem {
  readonly elements: Element[] = [];
  private readonly indexByKey = new Map<string, number>();
  readonly full: Bits;

  constructor(trace: Trace) {
    for (const p of trace) {
      const tag = tagOf(p);
      const v = vectorOf(p);
      const key = keyOf(tag, v);
      if (!this.indexByKey.has(key)) {
        this.indexByKey.set(key, this.elements.length);
        this.elements.push({ tag, variants: variantsOf(p) });
      }
    }
    let full: Bits = { lo: 0, hi: 0 };
    this.elements.forEach((_, k) => {
      const b = bitOf(k);
      full = { lo: full.lo | b.lo, hi: full.hi | b.hi };
    });
    this.full = full;
  }

  lookup(tag: Tag, v: number[]): number | undefined {
    return this.indexByKey.get(keyOf(tag, v));
  }
}

/** Evaluates `coords` over `cells`; the set of elements drawn, or null if something is not in the trace. */
function drawCells(problem: Problem, tag: Tag, coords: Affine[], cells: number[][]): Bits | null {
  let lo = 0;
  let hi = 0;
  const v = new Array<number>(coords.length);
  for (const cell of cells) {
    for (let k = 0; k < coords.length; k++) {
      const c = coords[k];
      v[k] = c.variable === null ? c.offset : c.coef * cell[c.variable === 'i' ? 0 : 1] + c.offset;
    }
    const e = problem.lookup(tag, v);
    if (e === undefined) {
      return null;
    }
    const b = bitOf(e);
    lo |= b.lo;
    hi |= b.hi;
  }
  return { lo, hi };
}

/** Sequences v0, v0 + d, …, v0 + (L−1)·d of one tag inside the trace, for L = 2..4. */
function arithmeticSequences(problem: Problem, length: number): { tag: Tag; v0: number[]; d: number[] }[] {
  const out: { tag: Tag; v0: number[]; d: number[] }[] = [];
  const elements = problem.elements;
  for (let a = 0; a < elements.length; a++) {
    for (const va of elements[a].variants) {
      for (let b = 0; b < elements.length; b++) {
        if (b === a || elements[b].tag !== elements[a].tag) {
          continue;
        }
        for (const vb of elements[b].variants) {
          const d = vb.map((x, k) => x - va[k]);
          let ok = true;
          for (let s = 2; s < length && ok; s++) {
            ok = problem.lookup(elements[a].tag, va.map((x, k) => x + s * d[k])) !== undefined;
          }
          if (ok) {
            out.push({ tag: elements[a].tag, v0: va, d });
          }
        }
      }
    }
  }
  return out;
}

function contiguousRange(values: number[]): { lo: number; length: number } | null {
  const distinct = [...new Set(values)].sort((a, b) => a - b);
  if (distinct.length < 2 || distinct[distinct.length - 1] - distinct[0] !== distinct.length - 1) {
    return null;
  }
  return { lo: distinct[0], length: distinct.length };
}

/** Members that vary with one loop variable of the shape. */
function oneVariableMembers(
  problem: Problem,
  shape: LoopShape,
  sequences: Map<number, { tag: Tag; v0: number[]; d: number[] }[]>,
): LoopMember[] {
  const out: LoopMember[] = [];
  for (const skip of [false, true]) {
    const cells = skip ? shape.skippedCells : shape.cells;
    for (let level = 0; level < shape.loops.length; level++) {
      const range = contiguousRange(cells.map((c) => c[level]));
      if (range === null || range.length > 4) {
        continue;
      }
      const variable = LOOP_VARIABLES[level];
      for (const seq of sequences.get(range.length) ?? []) {
        const coords = seq.v0.map((x, k) =>
          seq.d[k] === 0 ? constant(x) : affine(seq.d[k], variable, x - range.lo * seq.d[k]),
        );
        const cover = drawCells(problem, seq.tag, coords, cells);
        if (cover !== null) {
          out.push({ shape, skip, tag: seq.tag, coords, cover });
        }
      }
    }
  }
  return out;
}

/** Members of a nested shape whose coordinates use both loop variables (grids and triangles). */
function twoVariableMembers(
  problem: Problem,
  shape: LoopShape,
  skip: boolean,
  cache: Map<string, GridTemplate[]>,
): LoopMember[] {
  const cells = skip ? shape.skippedCells : shape.cells;
  if (cells.length < 3) {
    return [];
  }
  const c0 = cells[0];
  const c1 = cells.find((c) => c[0] !== c0[0] && c[1] === c0[1]) ?? cells.find((c) => c[0] !== c0[0]);
  const c2 = cells.find((c) => c[1] !== c0[1] && c[0] === c0[0]) ?? cells.find((c) => c[1] !== c0[1] && c !== c1);
  if (c1 === undefined || c2 === undefined) {
    return [];
  }
  // Shapes whose three anchor cells agree share the same templates; only the drawn cells differ.
  const key = [c0, c1, c2].map((c) => c.join(',')).join('|');
  let templates = cache.get(key);
  if (templates === undefined) {
    templates = gridTemplates(problem, c0, c1, c2);
    cache.set(key, templates);
  }
  const out: LoopMember[] = [];
  for (const { tag, coords } of templates) {
    const cover = drawCells(problem, tag, coords, cells);
    if (cover !== null) {
      out.push({ shape, skip, tag, coords, cover });
    }
  }
  return out;
}

interface GridTemplate {
  tag: Tag;
  coords: Affine[];
}

/** Statements using both loop variables that put trace primitives on three anchor cells. */
function gridTemplates(problem: Problem, c0: number[], c1: number[], c2: number[]): GridTemplate[] {
  const di1 = c1[0] - c0[0];
  const dj1 = c1[1] - c0[1];
  const di2 = c2[0] - c0[0];
  const dj2 = c2[1] - c0[1];
  const out: GridTemplate[] = [];
  const seen = new Set<string>();
  const elements = problem.elements;
  const byTag = new Map<Tag, number[]>();
  elements.forEach((e, k) => byTag.set(e.tag, [...(byTag.get(e.tag) ?? []), k]));
  for (const [tag, members] of byTag) {
    if (members.length < 3) {
      continue;
    }
    for (const a of members) {
      for (const va of elements[a].variants) {
        for (const b of members) {
          if (b === a) {
            continue;
          }
          for (const vb of elements[b].variants) {
            for (const c of members) {
              if (c === a || c === b) {
                continue;
              }
              for (const vc of elements[c].variants) {
                // Per coordinate: constant, affine in i, or affine in j; collect every consistent choice.
                const options: Affine[][] = [];
                let feasible = true;
                for (let k = 0; k < va.length && feasible; k++) {
                  const v0 = va[k];
                  const e1 = vb[k] - v0;
                  const e2 = vc[k] - v0;
                  const choices: Affine[] = [];
                  if (e1 === 0 && e2 === 0) {
                    choices.push(constant(v0));
                  } else {
                    if (di1 !== 0 && e1 % di1 === 0) {
                      const coef = e1 / di1;
                      if (coef !== 0 && coef * di2 === e2) {
                        choices.push(affine(coef, 'i', v0 - coef * c0[0]));
                      }
                    }
                    const jStep = dj2 !== 0 ? { e: e2, d: dj2, other: e1, otherD: dj1 } : { e: e1, d: dj1, other: e2, otherD: dj2 };
                    if (jStep.d !== 0 && jStep.e % jStep.d === 0) {
                      const coef = jStep.e / jStep.d;
                      if (coef !== 0 && coef * jStep.otherD === jStep.other) {
                        choices.push(affine(coef, 'j', v0 - coef * c0[1]));
                      }
                    }
                  }
                  if (choices.length === 0) {
                    feasible = false;
                  }
                  options.push(choices);
                }
                if (!feasible) {
                  continue;
                }
                for (const coords of product(options)) {
                  if (!coords.some((x) => x.variable === 'i') || !coords.some((x) => x.variable === 'j')) {
                    continue;
                  }
                  const id = `${tag}|${coords.map((x) => `${x.coef}${x.variable}${x.offset}`).join(',')}`;
                  if (seen.has(id)) {
                    continue;
                  }
                  seen.add(id);
                  out.push({ tag, coords });
                }
              }
            }
          }
        }
      }
    }
  }
  return out;
}

function product<T>(options: T[][]): T[][] {
  let out: T[][] = [[]];
  for (const choices of options) {
    out = out.flatMap((prefix) => choices.map((c) => [...prefix, c]));
  }
  return out;
}

function singleMembers(problem: Problem): LoopMember[] {
  const shape = makeShape([]);
  return problem.elements.map((e, k) => ({
    shape,
    skip: false,
    tag: e.tag,
    coords: e.variants[0].map((x) => constant(x)),
    cover: bitOf(k),
  }));
}

/** Reflection axes that map at least one primitive of the trace onto another one. */
function reflectionAxes(problem: Problem): ReflectNode[] {
  const candidates = new Map<string, { node: ReflectNode; pairs: number }>();
  const elements = problem.elements;
  for (const axis of ['x', 'y'] as const) {
    for (let a = 0; a < elements.length; a++) {
      for (let b = a + 1; b < elements.length; b++) {
        if (elements[a].tag !== elements[b].tag) {
          continue;
        }
        const va = elements[a].variants[0];
        const first = axis === 'x' ? 0 : 1;
        const ats = new Set<number>();
        for (const vb of elements[b].variants) {
          ats.add(va[first] + vb[first]);
        }
        for (const at of ats) {
          const node: ReflectNode = { kind: 'reflect', axis, at };
          const mirrored = applyTransform(reflectionTransforms([node])[1], va);
          if (problem.lookup(elements[a].tag, mirrored) === b) {
            const key = nodeKey(node);
            const entry = candidates.get(key) ?? { node, pairs: 0 };
            entry.pairs += 1;
            candidates.set(key, entry);
          }
        }
      }
    }
  }
  return [...candidates.values()]
    .sort((p, q) => q.pairs - p.pairs || nodeKey(p.node).localeCompare(nodeKey(q.node)))
    .map((entry) => entry.node);
}

interface ReflectionGroup {
  reflections: ReflectNode[];
  /** Per element: the elements its mirror images are, or null if one falls outside the trace. */
  closure: (Bits | null)[];
}

function reflectionGroup(problem: Problem, reflections: ReflectNode[]): ReflectionGroup {
  const transforms = reflectionTransforms(reflections);
  const closure = problem.elements.map((e) => {
    let lo = 0;
    let hi = 0;
    for (const t of transforms) {
      const k = problem.lookup(e.tag, applyTransform(t, e.variants[0]));
      if (k === undefined) {
        return null;
      }
      const b = bitOf(k);
      lo |= b.lo;
      hi |= b.hi;
    }
    return { lo, hi };
  });
  return { reflections, closure };
}

function closureOf(group: ReflectionGroup, cover: Bits): Bits | null {
  let lo = 0;
  let hi = 0;
  for (const k of bitIndices(cover)) {
    const c = group.closure[k];
    if (c === null) {
      return null;
    }
    lo |= c.lo;
    hi |= c.hi;
  }
  return { lo, hi };
}

export function bitsCount(b: Bits): number {
  return popcount(b.lo) + popcount(b.hi);
}

function subset(a: Bits, b: Bits): boolean {
  return (a.lo & ~b.lo) === 0 && (a.hi & ~b.hi) === 0;
}

/** Every candidate member, deduplicated, with dominated ones removed. */
/**
 * `timeUp` cuts generation short on very regular traces (the single primitives always come first, so
 * the members are still enough to draw the trace).
 */
export function buildMembers(
  problem: Problem,
  timeUp: () => boolean,
): { members: Member[]; nodes: ContextNode[][]; truncated: boolean } {
  const sequences = new Map<number, { tag: Tag; v0: number[]; d: number[] }[]>();
  for (const length of [2, 3, 4]) {
    sequences.set(length, arithmeticSequences(problem, length));
  }
  const shapes = loopShapes();
  const singles = singleMembers(problem);
  const loopMembersByShape: { shape: LoopShape; members: LoopMember[] }[] = [];
  for (const shape of shapes.single) {
    loopMembersByShape.push({ shape, members: oneVariableMembers(problem, shape, sequences) });
  }
  const gridCache = new Map<string, GridTemplate[]>();
  let truncated = false;
  for (const shape of shapes.nested) {
    if (timeUp()) {
      truncated = true;
      break;
    }
    const grid = [
      ...twoVariableMembers(problem, shape, false, gridCache),
      ...twoVariableMembers(problem, shape, true, gridCache),
    ];
    if (grid.length === 0) {
      continue;
    }
    loopMembersByShape.push({ shape, members: [...grid, ...oneVariableMembers(problem, shape, sequences)] });
  }

  // Reflection groups: single axes, and nests of two axes that give four distinct images of something.
  const axes = reflectionAxes(problem).slice(0, 24);
  const groups: ReflectionGroup[] = [{ reflections: [], closure: [] }];
  for (const axis of axes) {
    groups.push(reflectionGroup(problem, [axis]));
  }
  for (const outer of axes.slice(0, 12)) {
    for (const inner of axes.slice(0, 12)) {
      if (nodeKey(outer) === nodeKey(inner)) {
        continue;
      }
      const group = reflectionGroup(problem, [outer, inner]);
      const useful = group.closure.filter((c) => c !== null && bitsCount(c) === 4).length;
      if (useful >= 4) {
        groups.push(group);
      }
    }
  }

  const nodeIds = new Map<string, number>();
  const nodePaths: ContextNode[][] = [];
  const coefficientX = new CoefficientIndex();
  const coefficientY = new CoefficientIndex();
  const members: Member[] = [];
  const seen = new Set<string>();

  interface PathInfo {
    path: ContextNode[];
    key: string;
    nodes: number[];
  }
  const pathInfo = (path: ContextNode[]): PathInfo => {
    const nodes: number[] = [];
    for (let k = 1; k <= path.length; k++) {
      const prefixKey = path.slice(0, k).map(nodeKey).join('/');
      let nodeId = nodeIds.get(prefixKey);
      if (nodeId === undefined) {
        nodeId = nodePaths.length;
        nodeIds.set(prefixKey, nodeId);
        nodePaths.push(path.slice(0, k));
      }
      nodes.push(nodeId);
    }
    return { path, key: path.map(nodeKey).join('/'), nodes };
  };
  const masks = new Map<LoopMember, { x: number; y: number } | null>();
  const addMember = (info: PathInfo, lm: LoopMember, cover: Bits): void => {
    let mask = masks.get(lm);
    if (mask === undefined) {
      const x = coefficientX.mask(coefficientValues(lm.coords, true));
      const y = coefficientY.mask(coefficientValues(lm.coords, false));
      mask = x === null || y === null ? null : { x, y };
      masks.set(lm, mask);
    }
    if (mask === null) {
      return;
    }
    const id = `${info.key}|${cover.lo},${cover.hi}|${mask.x},${mask.y}`;
    if (seen.has(id)) {
      return;
    }
    seen.add(id);
    const loops = info.nodes.filter((_, k) => info.path[k].kind === 'loop');
    members.push({
      path: info.path,
      nodes: info.nodes,
      loops,
      anchors: lm.skip ? loops.slice(0, -1) : loops,
      skip: lm.skip,
      tag: lm.tag,
      coords: lm.coords,
      cover,
      size: bitsCount(cover),
      xMask: mask.x,
      yMask: mask.y,
    });
  };

  const root = pathInfo([]);
  for (const single of singles) {
    addMember(root, single, single.cover);
  }
  for (const group of groups) {
    if (group.reflections.length > 0 && timeUp()) {
      truncated = true;
      break;
    }
    const reflections = group.reflections;
    let valid: Bits = { lo: 0, hi: 0 };
    group.closure.forEach((c, k) => {
      if (c !== null) {
        const b = bitOf(k);
        valid = { lo: valid.lo | b.lo, hi: valid.hi | b.hi };
      }
    });
    if (reflections.length > 0) {
      const info = pathInfo(reflections);
      for (const single of singles) {
        const cover = closureOf(group, single.cover);
        if (cover !== null && bitsCount(cover) > 1) {
          addMember(info, single, cover);
        }
      }
    }
    for (const { shape, members: loopMembers } of loopMembersByShape) {
      if (reflections.length === 0) {
        const info = pathInfo(shape.loops);
        for (const lm of loopMembers) {
          addMember(info, lm, lm.cover);
        }
        continue;
      }
      if (reflections.length > 1 && shape.loops.length > 1) {
        continue;
      }
      let outer: PathInfo | null = null;
      let inner: PathInfo | null = null;
      for (const lm of loopMembers) {
        if (!subset(lm.cover, valid)) {
          continue;
        }
        const cover = closureOf(group, lm.cover);
        if (cover === null || bitsCount(cover) <= bitsCount(lm.cover)) {
          continue;
        }
        outer ??= pathInfo([...reflections, ...shape.loops]);
        inner ??= pathInfo([...shape.loops, ...reflections]);
        addMember(outer, lm, cover);
        addMember(inner, lm, cover);
      }
    }
  }
  return { members: pruneDominated(members), nodes: nodePaths, truncated };
}

/** Drops a member when another covers a superset, needs a subset of its contexts and no new coefficients. */
function pruneDominated(members: Member[]): Member[] {
  const order = members
    .map((m, k) => ({ m, k }))
    .sort((p, q) => q.m.size - p.m.size || p.m.nodes.length - q.m.nodes.length || p.k - q.k)
    .map((p) => p.m);
  // A dominator's path is a prefix of the member's path and it covers the member's first element.
  const index = new Map<string, Member[]>();
  const kept: Member[] = [];
  for (const m of order) {
    const first = bitIndices(m.cover)[0];
    let dominated = false;
    for (let depth = 0; depth <= m.nodes.length && !dominated; depth++) {
      const bucket = index.get(`${depth === 0 ? -1 : m.nodes[depth - 1]}|${first}`) ?? [];
      dominated = bucket.some(
        (o) => subset(m.cover, o.cover) && (o.xMask & ~m.xMask) === 0 && (o.yMask & ~m.yMask) === 0,
      );
    }
    if (dominated) {
      continue;
    }
    kept.push(m);
    const last = m.nodes.length === 0 ? -1 : m.nodes[m.nodes.length - 1];
    for (const e of bitIndices(m.cover)) {
      const key = `${last}|${e}`;
      const bucket = index.get(key);
      if (bucket === undefined) {
        index.set(key, [m]);
      } else {
        bucket.push(m);
      }
    }
  }
  return kept;
}

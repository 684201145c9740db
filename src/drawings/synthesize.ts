// Trace → lowest-cost program: candidate statements ("members") under loop/reflection contexts, then an
// exact branch-and-bound set cover over them. Members that share a context share its loop or reflection, so a
// program's cost is (members + overheads of the contexts used) · 3 plus the coefficient penalty.
import { programCost } from './cost.js';
import { evaluateProgram } from './evaluate.js';
import { affine, constant, type Affine, type Program, type Statement } from './program.js';
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
// Elements: the distinct primitives of the trace as tagged integer vectors.

type Tag = string; // 'c' circle, 'r' rectangle, 'l' + arrow + solid for lines

interface Element {
  tag: Tag;
  /** Ways to write the primitive as a vector (rectangle corners, a plain line's two directions). */
  variants: number[][];
}

function tagOf(p: Primitive): Tag {
  return p.type === 'circle' ? 'c' : p.type === 'rectangle' ? 'r' : `l${p.arrow ? 'a' : '-'}${p.solid ? 's' : 'd'}`;
}

function vectorOf(p: Primitive): number[] {
  return p.type === 'circle' ? [p.x, p.y] : [p.x1, p.y1, p.x2, p.y2];
}

/** A canonical key per tagged vector; equal for the variants of one primitive. */
function keyOf(tag: Tag, v: number[]): string {
  if (tag === 'c') {
    return `c${v[0]},${v[1]}`;
  }
  if (tag === 'r') {
    return `r${Math.min(v[0], v[2])},${Math.min(v[1], v[3])},${Math.max(v[0], v[2])},${Math.max(v[1], v[3])}`;
  }
  if (tag[1] === '-') {
    const forward = v[0] < v[2] || (v[0] === v[2] && v[1] <= v[3]);
    return forward ? `${tag}${v[0]},${v[1]},${v[2]},${v[3]}` : `${tag}${v[2]},${v[3]},${v[0]},${v[1]}`;
  }
  return `${tag}${v[0]},${v[1]},${v[2]},${v[3]}`;
}

function variantsOf(p: Primitive): number[][] {
  const v = vectorOf(p);
  const out: number[][] = [v];
  if (p.type === 'rectangle') {
    out.push([v[2], v[1], v[0], v[3]], [v[0], v[3], v[2], v[1]], [v[2], v[3], v[0], v[1]]);
  } else if (p.type === 'line' && !p.arrow) {
    out.push([v[2], v[3], v[0], v[1]]);
  }
  const seen = new Set<string>();
  return out.filter((w) => {
    const k = w.join(',');
    if (seen.has(k)) {
      return false;
    }
    seen.add(k);
    return true;
  });
}

function isXCoordinate(index: number): boolean {
  return index % 2 === 0;
}

// ---------------------------------------------------------------------------------------------
// Bit sets over at most 62 elements: two 31-bit words.

const WORD = 31;
const MAX_EXACT_ELEMENTS = 2 * WORD;

interface Bits {
  lo: number;
  hi: number;
}

function bitOf(index: number): Bits {
  return index < WORD ? { lo: 1 << index, hi: 0 } : { lo: 0, hi: 1 << (index - WORD) };
}

function popcount(x: number): number {
  let n = x - ((x >>> 1) & 0x55555555);
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (((n + (n >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

function bitIndices(bits: Bits): number[] {
  const out: number[] = [];
  for (let k = 0; k < WORD; k++) {
    if (bits.lo & (1 << k)) {
      out.push(k);
    }
  }
  for (let k = 0; k < WORD; k++) {
    if (bits.hi & (1 << k)) {
      out.push(WORD + k);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Contexts: the loops and reflections a member sits in, outermost first.

interface LoopNode {
  kind: 'loop';
  /** Constant bound, or `coef * (outer loop variable) + offset` for an inner loop. */
  bound: Affine;
}

interface ReflectNode {
  kind: 'reflect';
  axis: 'x' | 'y';
  at: number;
}

type ContextNode = LoopNode | ReflectNode;

const LOOP_VARIABLES = ['i', 'j'];

function nodeKey(node: ContextNode): string {
  if (node.kind === 'reflect') {
    return `R${node.axis}${node.at}`;
  }
  return node.bound.variable === null ? `L${node.bound.offset}` : `L${node.bound.coef}i+${node.bound.offset}`;
}

function nodeOverhead(node: ContextNode): number {
  if (node.kind === 'reflect') {
    return 1;
  }
  return node.bound.variable === null && node.bound.offset === 2 ? 2 : 1;
}

/** The loop structure of a context: its loops' bounds and the index cells they visit. */
interface LoopShape {
  loops: LoopNode[];
  /** Visited index tuples, and the same with the innermost loop's first iteration skipped. */
  cells: number[][];
  skippedCells: number[][];
  key: string;
}

function shapeCells(loops: LoopNode[], skip: boolean): number[][] {
  if (loops.length === 0) {
    return [[]];
  }
  const outer = loops[0].bound.offset;
  const out: number[][] = [];
  for (let i = 0; i < outer; i++) {
    if (loops.length === 1) {
      if (!(skip && i === 0)) {
        out.push([i]);
      }
      continue;
    }
    const inner = loops[1].bound;
    const m = inner.variable === null ? inner.offset : inner.coef * i + inner.offset;
    for (let j = 0; j < m; j++) {
      if (!(skip && j === 0)) {
        out.push([i, j]);
      }
    }
  }
  return out;
}

function makeShape(loops: LoopNode[]): LoopShape {
  return {
    loops,
    cells: shapeCells(loops, false),
    skippedCells: shapeCells(loops, true),
    key: loops.map(nodeKey).join('/'),
  };
}

function loopShapes(): { single: LoopShape[]; nested: LoopShape[] } {
  const single = [2, 3, 4].map((n) => makeShape([{ kind: 'loop', bound: constant(n) }]));
  const nested: LoopShape[] = [];
  for (const n of [2, 3, 4]) {
    const inners: Affine[] = [constant(2), constant(3), constant(4)];
    for (const a of [1, -1]) {
      for (let b = 0; b <= 4; b++) {
        const values = Array.from({ length: n }, (_, i) => a * i + b);
        if (Math.max(...values) <= 4 && Math.max(...values) >= 2) {
          inners.push(affine(a, 'i', b));
        }
      }
    }
    for (const inner of inners) {
      nested.push(makeShape([{ kind: 'loop', bound: constant(n) }, { kind: 'loop', bound: inner }]));
    }
  }
  return { single, nested };
}

/** x ↦ sx·x + tx, y ↦ sy·y + ty: a composition of reflections. */
interface Transform {
  sx: number;
  tx: number;
  sy: number;
  ty: number;
}

function applyTransform(t: Transform, v: number[]): number[] {
  return v.map((value, k) => (isXCoordinate(k) ? t.sx * value + t.tx : t.sy * value + t.ty));
}

/** All transforms a nest of reflections (outermost first) draws its body with. */
function reflectionTransforms(reflections: ReflectNode[]): Transform[] {
  let transforms: Transform[] = [{ sx: 1, tx: 0, sy: 1, ty: 0 }];
  for (let k = reflections.length - 1; k >= 0; k--) {
    const r = reflections[k];
    const mirrored = transforms.map((t) =>
      r.axis === 'x' ? { ...t, sx: -t.sx, tx: r.at - t.tx } : { ...t, sy: -t.sy, ty: r.at - t.ty },
    );
    transforms = [...transforms, ...mirrored];
  }
  return transforms;
}

// ---------------------------------------------------------------------------------------------
// Members: one primitive statement in a context.

interface LoopMember {
  shape: LoopShape;
  skip: boolean;
  tag: Tag;
  coords: Affine[];
  /** Elements the statement draws before any reflection. */
  cover: Bits;
}

interface Member {
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

class Problem {
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
function twoVariableMembers(problem: Problem, shape: LoopShape, skip: boolean): LoopMember[] {
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
  const di1 = c1[0] - c0[0];
  const dj1 = c1[1] - c0[1];
  const di2 = c2[0] - c0[0];
  const dj2 = c2[1] - c0[1];
  const out: LoopMember[] = [];
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
                let usesI = false;
                let usesJ = false;
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
                  usesI = coords.some((x) => x.variable === 'i');
                  usesJ = coords.some((x) => x.variable === 'j');
                  if (!usesI || !usesJ) {
                    continue;
                  }
                  const id = `${tag}|${coords.map((x) => `${x.coef}${x.variable}${x.offset}`).join(',')}`;
                  if (seen.has(id)) {
                    continue;
                  }
                  seen.add(id);
                  const cover = drawCells(problem, tag, coords, cells);
                  if (cover !== null) {
                    out.push({ shape, skip, tag, coords, cover });
                  }
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

function bitsCount(b: Bits): number {
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
function buildMembers(problem: Problem, timeUp: () => boolean): { members: Member[]; nodes: ContextNode[][] } {
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
  for (const shape of shapes.nested) {
    if (timeUp()) {
      break;
    }
    const grid = [...twoVariableMembers(problem, shape, false), ...twoVariableMembers(problem, shape, true)];
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
    if (timeUp()) {
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
  return { members: pruneDominated(members), nodes: nodePaths };
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

// ---------------------------------------------------------------------------------------------
// Branch and bound.

interface Solution {
  members: Member[];
  cost: number;
}

function penalty(mask: number): number {
  return Math.max(0, popcount(mask) - 1);
}

class CoverSearch {
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
function greedy(problem: Problem, members: Member[], nodes: ContextNode[][]): Solution {
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
  return { members: chosen, cost: programCost(buildProgram(chosen)).cost };
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
}

function startSynthesis(trace: Trace, allowSkipOnlyLoops: boolean, timeUp: () => boolean): SynthesisRun {
  const problem = new Problem(trace);
  if (problem.elements.length === 0) {
    return { trace, search: null, greedy: null };
  }
  const { members, nodes } = buildMembers(problem, timeUp);
  // Without `if` members every loop runs from index 0, so that greedy answer is valid either way.
  const first = greedy(problem, allowSkipOnlyLoops ? members : members.filter((m) => !m.skip), nodes);
  const search =
    problem.elements.length <= MAX_EXACT_ELEMENTS
      ? new CoverSearch(problem, members, nodes, first, allowSkipOnlyLoops)
      : null;
  return { trace, search, greedy: first };
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
  const optimal = finished && runs.length <= 1 && runs.every((run) => run.search !== null || run.greedy === null);
  return { program, cost: programCost(program).cost, exact: true, optimal };
}

// The synthesizer's encoding: trace primitives as tagged integer vectors, bit sets over them, and the
// contexts (loops, reflections) a statement can sit in.
import { affine, constant, type Affine } from '../program.js';
import type { Primitive } from '../trace.js';

// Elements: the distinct primitives of the trace as tagged integer vectors.

export type Tag = string; // 'c' circle, 'r' rectangle, 'l' + arrow + solid for lines

export interface Element {
  tag: Tag;
  /** Ways to write the primitive as a vector (rectangle corners, a plain line's two directions). */
  variants: number[][];
}

export function tagOf(p: Primitive): Tag {
  return p.type === 'circle' ? 'c' : p.type === 'rectangle' ? 'r' : `l${p.arrow ? 'a' : '-'}${p.solid ? 's' : 'd'}`;
}

export function vectorOf(p: Primitive): number[] {
  return p.type === 'circle' ? [p.x, p.y] : [p.x1, p.y1, p.x2, p.y2];
}

/** A canonical key per tagged vector; equal for the variants of one primitive. */
export function keyOf(tag: Tag, v: number[]): string {
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

export function variantsOf(p: Primitive): number[][] {
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

export function isXCoordinate(index: number): boolean {
  return index % 2 === 0;
}

// ---------------------------------------------------------------------------------------------
// Bit sets over at most 62 elements: two 31-bit words.

export const WORD = 31;
export const MAX_EXACT_ELEMENTS = 2 * WORD;

export interface Bits {
  lo: number;
  hi: number;
}

export function bitOf(index: number): Bits {
  return index < WORD ? { lo: 1 << index, hi: 0 } : { lo: 0, hi: 1 << (index - WORD) };
}

export function popcount(x: number): number {
  let n = x - ((x >>> 1) & 0x55555555);
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (((n + (n >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export function bitIndices(bits: Bits): number[] {
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

export interface ReflectNode {
  kind: 'reflect';
  axis: 'x' | 'y';
  at: number;
}

export type ContextNode = LoopNode | ReflectNode;

export const LOOP_VARIABLES = ['i', 'j'];

export function nodeKey(node: ContextNode): string {
  if (node.kind === 'reflect') {
    return `R${node.axis}${node.at}`;
  }
  return node.bound.variable === null ? `L${node.bound.offset}` : `L${node.bound.coef}i+${node.bound.offset}`;
}

export function nodeOverhead(node: ContextNode): number {
  if (node.kind === 'reflect') {
    return 1;
  }
  return node.bound.variable === null && node.bound.offset === 2 ? 2 : 1;
}

/** The loop structure of a context: its loops' bounds and the index cells they visit. */
export interface LoopShape {
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

export function makeShape(loops: LoopNode[]): LoopShape {
  return {
    loops,
    cells: shapeCells(loops, false),
    skippedCells: shapeCells(loops, true),
    key: loops.map(nodeKey).join('/'),
  };
}

export function loopShapes(): { single: LoopShape[]; nested: LoopShape[] } {
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

export function applyTransform(t: Transform, v: number[]): number[] {
  return v.map((value, k) => (isXCoordinate(k) ? t.sx * value + t.tx : t.sy * value + t.ty));
}

/** All transforms a nest of reflections (outermost first) draws its body with. */
export function reflectionTransforms(reflections: ReflectNode[]): Transform[] {
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

// A trace is the set of primitives a drawing shows, on the integer grid of the drawings data set.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface Circle {
  type: 'circle';
  x: number;
  y: number;
  r: number;
}

export interface Rectangle {
  type: 'rectangle';
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface Line {
  type: 'line';
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  arrow: boolean;
  solid: boolean;
}

export type Primitive = Circle | Rectangle | Line;
export type Trace = Primitive[];

/** A canonical string per primitive, so that traces compare as sets regardless of corner or end order. */
export function primitiveKey(p: Primitive): string {
  switch (p.type) {
    case 'circle':
      return `c:${p.x},${p.y},${p.r}`;
    case 'rectangle':
      return `r:${Math.min(p.x1, p.x2)},${Math.min(p.y1, p.y2)},${Math.max(p.x1, p.x2)},${Math.max(p.y1, p.y2)}`;
    case 'line': {
      const style = `${p.arrow ? 'a' : '-'}${p.solid ? 's' : 'd'}`;
      // A line without an arrow is the same line either way round.
      const forward = `${p.x1},${p.y1},${p.x2},${p.y2}`;
      const backward = `${p.x2},${p.y2},${p.x1},${p.y1}`;
      const ends = p.arrow || forward <= backward ? forward : backward;
      return `l:${ends}:${style}`;
    }
  }
}

export function traceKeys(trace: Trace): string[] {
  return [...new Set(trace.map(primitiveKey))].sort();
}

export function sameTrace(a: Trace, b: Trace): boolean {
  const ka = traceKeys(a);
  const kb = traceKeys(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i]);
}

export interface ReferenceProgram {
  program: string;
  cost: number;
  statements: number;
  reproducesTrace: boolean;
}

export interface DrawingRecord {
  id: string;
  /** Absolute path of the drawing's PNG. */
  imagePath: string;
  primitives: Trace;
  reference: ReferenceProgram | null;
}

/** Reads a drawings.json (the format of ../shared/drawings) and resolves image paths next to it. */
export function loadDrawings(jsonPath: string): DrawingRecord[] {
  const raw = JSON.parse(readFileSync(jsonPath, 'utf8')) as Array<{
    id: string;
    image: string;
    primitives: Trace;
    reference: ReferenceProgram | null;
  }>;
  const base = dirname(resolve(jsonPath));
  return raw.map((d) => ({
    id: d.id,
    imagePath: resolve(base, d.image),
    primitives: d.primitives,
    reference: d.reference ?? null,
  }));
}

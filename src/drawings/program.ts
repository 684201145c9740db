// The graphics DSL of Ellis et al. (NeurIPS 2018): primitives, loops, `if (v > 0)` and reflections.

/** `coef * variable + offset`; a constant when `variable` is null (then `coef` is 0). */
export interface Affine {
  coef: number;
  variable: string | null;
  offset: number;
}

export interface CircleStmt {
  kind: 'circle';
  x: Affine;
  y: Affine;
}

export interface RectangleStmt {
  kind: 'rectangle';
  x1: Affine;
  y1: Affine;
  x2: Affine;
  y2: Affine;
}

export interface LineStmt {
  kind: 'line';
  x1: Affine;
  y1: Affine;
  x2: Affine;
  y2: Affine;
  arrow: boolean;
  solid: boolean;
}

/** `for (variable < bound){ body }`: runs variable = 0..bound-1; the bound may use an enclosing loop variable. */
export interface LoopStmt {
  kind: 'loop';
  variable: string;
  bound: Affine;
  body: Statement[];
}

/** `if (variable > 0){ body }`: skips the first iteration of the loop over `variable`. */
export interface IfStmt {
  kind: 'if';
  variable: string;
  body: Statement[];
}

/** `reflect(axis = at){ body }`: draws the body as is and mirrored (x ↦ at − x, or y ↦ at − y). */
export interface ReflectStmt {
  kind: 'reflect';
  axis: 'x' | 'y';
  at: number;
  body: Statement[];
}

export type PrimitiveStmt = CircleStmt | RectangleStmt | LineStmt;
export type Statement = PrimitiveStmt | LoopStmt | IfStmt | ReflectStmt;

export interface Program {
  body: Statement[];
}

export function constant(value: number): Affine {
  return { coef: 0, variable: null, offset: value };
}

export function affine(coef: number, variable: string | null, offset: number): Affine {
  return coef === 0 || variable === null ? constant(offset) : { coef, variable, offset };
}

/** The coordinates of a primitive statement, tagged by the axis each one lies on. */
export function coordinatesOf(stmt: PrimitiveStmt): { axis: 'x' | 'y'; value: Affine }[] {
  if (stmt.kind === 'circle') {
    return [
      { axis: 'x', value: stmt.x },
      { axis: 'y', value: stmt.y },
    ];
  }
  return [
    { axis: 'x', value: stmt.x1 },
    { axis: 'y', value: stmt.y1 },
    { axis: 'x', value: stmt.x2 },
    { axis: 'y', value: stmt.y2 },
  ];
}

export function isPrimitiveStmt(stmt: Statement): stmt is PrimitiveStmt {
  return stmt.kind === 'circle' || stmt.kind === 'rectangle' || stmt.kind === 'line';
}

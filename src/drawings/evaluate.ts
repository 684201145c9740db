// Runs a program: the set of primitives it draws.
import type { Affine, Program, Statement } from './program.js';
import { primitiveKey, type Primitive, type Trace } from './trace.js';

export class EvaluationError extends Error {
  override name = 'EvaluationError';
}

type Env = ReadonlyMap<string, number>;

function valueOf(value: Affine, env: Env): number {
  if (value.variable === null) {
    return value.offset;
  }
  const bound = env.get(value.variable);
  if (bound === undefined) {
    throw new EvaluationError(`loop variable '${value.variable}' is not defined here`);
  }
  return value.coef * bound + value.offset;
}

/** The primitive mirrored about x = at or y = at (an arrow head stays on the same end). */
export function reflectPrimitive(p: Primitive, axis: 'x' | 'y', at: number): Primitive {
  const fx = (x: number): number => (axis === 'x' ? at - x : x);
  const fy = (y: number): number => (axis === 'y' ? at - y : y);
  switch (p.type) {
    case 'circle':
      return { ...p, x: fx(p.x), y: fy(p.y) };
    case 'rectangle':
    case 'line':
      return { ...p, x1: fx(p.x1), y1: fy(p.y1), x2: fx(p.x2), y2: fy(p.y2) };
  }
}

function run(statements: Statement[], env: Env, out: Primitive[], depth: number): void {
  for (const stmt of statements) {
    switch (stmt.kind) {
      case 'circle':
        out.push({ type: 'circle', x: valueOf(stmt.x, env), y: valueOf(stmt.y, env), r: 1 });
        break;
      case 'rectangle':
        out.push({
          type: 'rectangle',
          x1: valueOf(stmt.x1, env),
          y1: valueOf(stmt.y1, env),
          x2: valueOf(stmt.x2, env),
          y2: valueOf(stmt.y2, env),
        });
        break;
      case 'line':
        out.push({
          type: 'line',
          x1: valueOf(stmt.x1, env),
          y1: valueOf(stmt.y1, env),
          x2: valueOf(stmt.x2, env),
          y2: valueOf(stmt.y2, env),
          arrow: stmt.arrow,
          solid: stmt.solid,
        });
        break;
      case 'loop': {
        if (depth > 8) {
          throw new EvaluationError('loops nested too deeply');
        }
        const bound = valueOf(stmt.bound, env);
        for (let k = 0; k < bound; k++) {
          run(stmt.body, new Map(env).set(stmt.variable, k), out, depth + 1);
        }
        break;
      }
      case 'if': {
        const value = env.get(stmt.variable);
        if (value === undefined) {
          throw new EvaluationError(`loop variable '${stmt.variable}' is not defined here`);
        }
        if (value > 0) {
          run(stmt.body, env, out, depth);
        }
        break;
      }
      case 'reflect': {
        const inner: Primitive[] = [];
        run(stmt.body, env, inner, depth);
        for (const p of inner) {
          out.push(p, reflectPrimitive(p, stmt.axis, stmt.at));
        }
        break;
      }
    }
  }
}

/** The trace a program draws, without duplicates, in drawing order. */
export function evaluateProgram(program: Program): Trace {
  const out: Primitive[] = [];
  run(program.body, new Map(), out, 0);
  const seen = new Set<string>();
  return out.filter((p) => {
    const key = primitiveKey(p);
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}

/** The smallest x and y a trace uses (a circle uses its centre minus its radius). */
export function traceOrigin(trace: Trace): { x: number; y: number } {
  let x = Infinity;
  let y = Infinity;
  for (const p of trace) {
    if (p.type === 'circle') {
      x = Math.min(x, p.x - p.r);
      y = Math.min(y, p.y - p.r);
    } else {
      x = Math.min(x, p.x1, p.x2);
      y = Math.min(y, p.y1, p.y2);
    }
  }
  return { x: Number.isFinite(x) ? x : 0, y: Number.isFinite(y) ? y : 0 };
}

export function translateTrace(trace: Trace, dx: number, dy: number): Trace {
  return trace.map((p) =>
    p.type === 'circle'
      ? { ...p, x: p.x + dx, y: p.y + dy }
      : { ...p, x1: p.x1 + dx, y1: p.y1 + dy, x2: p.x2 + dx, y2: p.y2 + dy },
  );
}

/** The trace moved so that its smallest x and y are 0 (how the paper's reference programs are placed). */
export function translateToOrigin(trace: Trace): Trace {
  const origin = traceOrigin(trace);
  return translateTrace(trace, -origin.x, -origin.y);
}

export function sameTraceUpToTranslation(a: Trace, b: Trace): boolean {
  const ka = new Set(translateToOrigin(a).map(primitiveKey));
  const kb = new Set(translateToOrigin(b).map(primitiveKey));
  return ka.size === kb.size && [...ka].every((k) => kb.has(k));
}

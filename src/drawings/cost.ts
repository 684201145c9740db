// The paper's objective: cost = 3·S + max(0, X − 1) + max(0, Y − 1) (see ../shared/drawings/README.md).
import { coordinatesOf, isPrimitiveStmt, type Program, type Statement } from './program.js';

export interface ProgramCost {
  cost: number;
  /** Statements: 1 per primitive, 1 per loop (2 when its bound is the constant 2) and per reflection, plus bodies. */
  statements: number;
  /** Distinct non-zero loop-variable coefficients used in x coordinates, ascending. */
  xCoefficients: number[];
  yCoefficients: number[];
}

function countStatements(statements: Statement[], xs: Set<number>, ys: Set<number>): number {
  let count = 0;
  for (const stmt of statements) {
    if (isPrimitiveStmt(stmt)) {
      count += 1;
      for (const { axis, value } of coordinatesOf(stmt)) {
        if (value.variable !== null && value.coef !== 0) {
          (axis === 'x' ? xs : ys).add(value.coef);
        }
      }
      continue;
    }
    switch (stmt.kind) {
      case 'loop': {
        const constantTwo = (stmt.bound.variable === null || stmt.bound.coef === 0) && stmt.bound.offset === 2;
        count += 1 + (constantTwo ? 1 : 0) + countStatements(stmt.body, xs, ys);
        break;
      }
      case 'if':
        count += countStatements(stmt.body, xs, ys);
        break;
      case 'reflect':
        count += 1 + countStatements(stmt.body, xs, ys);
        break;
    }
  }
  return count;
}

export function programCost(program: Program): ProgramCost {
  const xs = new Set<number>();
  const ys = new Set<number>();
  const statements = countStatements(program.body, xs, ys);
  return {
    cost: 3 * statements + Math.max(0, xs.size - 1) + Math.max(0, ys.size - 1),
    statements,
    xCoefficients: [...xs].sort((a, b) => a - b),
    yCoefficients: [...ys].sort((a, b) => a - b),
  };
}

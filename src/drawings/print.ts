// Prints a program in the paper's listing syntax (what parseProgram reads back).
import type { Affine, Program, Statement } from './program.js';

export function printAffine(value: Affine): string {
  if (value.variable === null || value.coef === 0) {
    return String(value.offset);
  }
  const term = `${value.coef} * ${value.variable}`;
  return value.offset === 0 ? term : `${term} + ${value.offset}`;
}

function printBound(value: Affine): string {
  if (value.variable === null || value.coef === 0) {
    return String(value.offset);
  }
  return `(${value.coef}*${value.variable} + ${value.offset})`;
}

function printBool(value: boolean): string {
  return value ? 'True' : 'False';
}

function printStatements(statements: Statement[], indent: string): string[] {
  const lines: string[] = [];
  statements.forEach((stmt, index) => {
    const last = index === statements.length - 1;
    const end = last ? '' : ';';
    const inner = `${indent}  `;
    switch (stmt.kind) {
      case 'circle':
        lines.push(`${indent}circle(${printAffine(stmt.x)},${printAffine(stmt.y)})${end}`);
        break;
      case 'rectangle':
        lines.push(
          `${indent}rectangle(${[stmt.x1, stmt.y1, stmt.x2, stmt.y2].map(printAffine).join(',')})${end}`,
        );
        break;
      case 'line':
        lines.push(
          `${indent}line(${[stmt.x1, stmt.y1, stmt.x2, stmt.y2].map(printAffine).join(',')},` +
            `arrow = ${printBool(stmt.arrow)},solid = ${printBool(stmt.solid)})${end}`,
        );
        break;
      case 'loop':
        lines.push(`${indent}for (${stmt.variable} < ${printBound(stmt.bound)}){`);
        lines.push(...printStatements(stmt.body, inner));
        lines.push(`${indent}}${end}`);
        break;
      case 'if':
        lines.push(`${indent}if (${stmt.variable} > 0){`);
        lines.push(...printStatements(stmt.body, inner));
        lines.push(`${indent}}${end}`);
        break;
      case 'reflect':
        lines.push(`${indent}reflect(${stmt.axis} = ${stmt.at}){`);
        lines.push(...printStatements(stmt.body, inner));
        lines.push(`${indent}}${end}`);
        break;
    }
  });
  return lines;
}

/** The program in the paper's syntax, one statement per line, two-space indents. */
export function printProgram(program: Program): string {
  return printStatements(program.body, '').join('\n');
}

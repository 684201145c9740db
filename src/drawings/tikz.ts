// Program → TikZ: loops become \foreach, `if` becomes \ifnum, reflections are drawn as mirrored copies.
import type { Affine, Program, Statement } from './program.js';

export interface TikzOptions {
  /** Wrap the picture in a compilable `standalone` document. */
  standalone?: boolean;
}

/** x ↦ sx·x + tx and y ↦ sy·y + ty: the reflections enclosing a statement. */
interface Mirror {
  sx: number;
  tx: number;
  sy: number;
  ty: number;
}

const IDENTITY: Mirror = { sx: 1, tx: 0, sy: 1, ty: 0 };

function mapped(value: Affine, scale: number, shift: number): Affine {
  return { coef: value.coef * scale, variable: value.variable, offset: value.offset * scale + shift };
}

function tikzAffine(value: Affine): string {
  if (value.variable === null || value.coef === 0) {
    return String(value.offset);
  }
  const term = `${value.coef}*\\${value.variable}`;
  if (value.offset === 0) {
    return term;
  }
  return value.offset > 0 ? `${term}+${value.offset}` : `${term}${value.offset}`;
}

function point(x: Affine, y: Affine, m: Mirror): string {
  return `({${tikzAffine(mapped(x, m.sx, m.tx))}},{${tikzAffine(mapped(y, m.sy, m.ty))}})`;
}

function tikzStatements(statements: Statement[], mirrors: Mirror[], indent: string, depth: number): string[] {
  const lines: string[] = [];
  const inner = `${indent}  `;
  for (const stmt of statements) {
    switch (stmt.kind) {
      case 'circle':
        for (const m of mirrors) {
          lines.push(`${indent}\\draw ${point(stmt.x, stmt.y, m)} circle (1);`);
        }
        break;
      case 'rectangle':
        for (const m of mirrors) {
          lines.push(`${indent}\\draw ${point(stmt.x1, stmt.y1, m)} rectangle ${point(stmt.x2, stmt.y2, m)};`);
        }
        break;
      case 'line': {
        const style = [stmt.arrow ? '->' : '', stmt.solid ? '' : 'dashed'].filter((s) => s !== '').join(', ');
        const options = style === '' ? '' : `[${style}]`;
        for (const m of mirrors) {
          lines.push(`${indent}\\draw${options} ${point(stmt.x1, stmt.y1, m)} -- ${point(stmt.x2, stmt.y2, m)};`);
        }
        break;
      }
      case 'loop': {
        const v = `\\${stmt.variable}`;
        if (stmt.bound.variable === null || stmt.bound.coef === 0) {
          if (stmt.bound.offset <= 0) {
            break;
          }
          lines.push(`${indent}\\foreach ${v} in {0,...,${stmt.bound.offset - 1}} {`);
          lines.push(...tikzStatements(stmt.body, mirrors, inner, depth + 1));
          lines.push(`${indent}}`);
        } else {
          // The bound depends on an outer variable: compute the last index, and skip an empty range.
          const last = `\\last${stmt.variable}`;
          lines.push(`${indent}\\pgfmathtruncatemacro{${last}}{${tikzAffine(stmt.bound)}-1}`);
          lines.push(`${indent}\\ifnum${last}>-1`);
          lines.push(`${indent}\\foreach ${v} in {0,...,${last}} {`);
          lines.push(...tikzStatements(stmt.body, mirrors, inner, depth + 1));
          lines.push(`${indent}}`);
          lines.push(`${indent}\\fi`);
        }
        break;
      }
      case 'if':
        lines.push(`${indent}\\ifnum\\${stmt.variable}>0`);
        lines.push(...tikzStatements(stmt.body, mirrors, inner, depth));
        lines.push(`${indent}\\fi`);
        break;
      case 'reflect': {
        const images = mirrors.map((m) =>
          stmt.axis === 'x' ? { ...m, sx: -m.sx, tx: m.sx * stmt.at + m.tx } : { ...m, sy: -m.sy, ty: m.sy * stmt.at + m.ty },
        );
        lines.push(`${indent}% reflect(${stmt.axis} = ${stmt.at})`);
        lines.push(...tikzStatements(stmt.body, [...mirrors, ...images], indent, depth));
        break;
      }
    }
  }
  return lines;
}

/** A tikzpicture drawing the program (one grid unit = 0.5 cm). */
export function toTikz(program: Program, options: TikzOptions = {}): string {
  const picture = [
    '\\begin{tikzpicture}[x=0.5cm, y=0.5cm, thick]',
    ...tikzStatements(program.body, [IDENTITY], '  ', 0),
    '\\end{tikzpicture}',
  ].join('\n');
  if (!options.standalone) {
    return `${picture}\n`;
  }
  return ['\\documentclass[tikz]{standalone}', '\\begin{document}', picture, '\\end{document}', ''].join('\n');
}

// Program → standalone Matplotlib code that keeps the program's loops, ifs and reflections.
import { pythonString } from '../core/pythonString.js';
import type { Affine, Program, Statement } from './program.js';

export interface MatplotlibOptions {
  /** Save the figure to this path (with the Agg backend this is how to get a PNG); otherwise plt.show(). */
  savePath?: string;
}

function pyAffine(value: Affine): string {
  if (value.variable === null || value.coef === 0) {
    return String(value.offset);
  }
  const term = value.coef === 1 ? value.variable : value.coef === -1 ? `-${value.variable}` : `${value.coef} * ${value.variable}`;
  if (value.offset === 0) {
    return term;
  }
  return value.offset > 0 ? `${term} + ${value.offset}` : `${term} - ${-value.offset}`;
}

function pyBool(value: boolean): string {
  return value ? 'True' : 'False';
}


const PRELUDE = `import matplotlib.pyplot as plt
from contextlib import contextmanager
from matplotlib.patches import Circle, Rectangle

fig, ax = plt.subplots(figsize=(4, 4))
_mirrors = []  # enclosing reflections, outermost first


@contextmanager
def reflect(axis, at):
    """Draws the body as is and mirrored: x -> at - x (axis 'x') or y -> at - y (axis 'y')."""
    _mirrors.append((axis, at))
    try:
        yield
    finally:
        _mirrors.pop()


def _images(points):
    images = [points]
    for axis, at in reversed(_mirrors):
        images = images + [[(at - x, y) if axis == 'x' else (x, at - y) for x, y in pts] for pts in images]
    return images


def circle(x, y):
    for [(cx, cy)] in _images([(x, y)]):
        ax.add_patch(Circle((cx, cy), 1, fill=False, edgecolor='black', linewidth=2))


def rectangle(x1, y1, x2, y2):
    for [(ax1, ay1), (ax2, ay2)] in _images([(x1, y1), (x2, y2)]):
        ax.add_patch(Rectangle((min(ax1, ax2), min(ay1, ay2)), abs(ax2 - ax1), abs(ay2 - ay1),
                               fill=False, edgecolor='black', linewidth=2))


def line(x1, y1, x2, y2, arrow=False, solid=True):
    style = '-' if solid else '--'
    for [(ax1, ay1), (ax2, ay2)] in _images([(x1, y1), (x2, y2)]):
        if arrow:
            ax.annotate('', xy=(ax2, ay2), xytext=(ax1, ay1),
                        arrowprops=dict(arrowstyle='->', color='black', linewidth=2, linestyle=style,
                                        shrinkA=0, shrinkB=0))
        else:
            ax.plot([ax1, ax2], [ay1, ay2], color='black', linewidth=2, linestyle=style)

`;

function pyStatements(statements: Statement[], indent: string): string[] {
  if (statements.length === 0) {
    return [`${indent}pass`];
  }
  const lines: string[] = [];
  const inner = `${indent}    `;
  for (const stmt of statements) {
    switch (stmt.kind) {
      case 'circle':
        lines.push(`${indent}circle(${pyAffine(stmt.x)}, ${pyAffine(stmt.y)})`);
        break;
      case 'rectangle':
        lines.push(`${indent}rectangle(${[stmt.x1, stmt.y1, stmt.x2, stmt.y2].map(pyAffine).join(', ')})`);
        break;
      case 'line':
        lines.push(
          `${indent}line(${[stmt.x1, stmt.y1, stmt.x2, stmt.y2].map(pyAffine).join(', ')}, ` +
            `arrow=${pyBool(stmt.arrow)}, solid=${pyBool(stmt.solid)})`,
        );
        break;
      case 'loop':
        lines.push(`${indent}for ${stmt.variable} in range(${pyAffine(stmt.bound)}):`);
        lines.push(...pyStatements(stmt.body, inner));
        break;
      case 'if':
        lines.push(`${indent}if ${stmt.variable} > 0:`);
        lines.push(...pyStatements(stmt.body, inner));
        break;
      case 'reflect':
        lines.push(`${indent}with reflect(${pythonString(stmt.axis)}, ${stmt.at}):`);
        lines.push(...pyStatements(stmt.body, inner));
        break;
    }
  }
  return lines;
}

/** Python source that draws the program with Matplotlib; runs standalone. */
export function toMatplotlib(program: Program, options: MatplotlibOptions = {}): string {
  const finish = [
    '',
    "ax.set_aspect('equal')",
    'ax.autoscale_view()',
    'ax.margins(0.05)',
    "ax.axis('off')",
    options.savePath === undefined ? 'plt.show()' : `fig.savefig(${pythonString(options.savePath)}, dpi=100)`,
  ];
  const body = program.body.length === 0 ? [] : pyStatements(program.body, '');
  return `${PRELUDE}\n${[...body, ...finish].join('\n')}\n`;
}

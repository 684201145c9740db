// Where a generated plot cell goes in a notebook: it must run after the cell that made its DataFrame,
// so that Run All works. Pure: the notebook is described by its cells.

export interface CellOverview {
  kind: 'code' | 'markup';
  source: string;
  /** The execution count shown on the cell, when it ran in this kernel session. */
  executionOrder?: number;
}

/** True when the source binds `name` at the start of a statement (`df = …`, `a, df = …`, `df: T = …`, `df += …`). */
export function assignsName(source: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const target = String.raw`[A-Za-z_]\w*`;
  const assignment = new RegExp(
    String.raw`^[ \t]*(?:\(?(?:${target}[ \t]*,[ \t]*)*)${escaped}(?:[ \t]*,[ \t]*${target})*\)?[ \t]*(?::[^=\n]+)?(?:[-+*/%|&^]|//|\*\*)?=(?!=)`,
    'm',
  );
  const loopOrWith = new RegExp(String.raw`^[ \t]*(?:for[ \t]+${escaped}[ \t]+in\b|with\b.*\bas[ \t]+${escaped}[ \t]*:)`, 'm');
  return assignment.test(source) || loopOrWith.test(source);
}

/**
 * Index for the new cell: below the cell that last defined `variable` (the one that ran last, else the
 * last one in the notebook), else below the selected code cell, else at the end.
 */
export function plotCellIndex(cells: readonly CellOverview[], variable: string | undefined, selected: number | undefined): number {
  if (variable) {
    const definers = cells.flatMap((cell, index) => (cell.kind === 'code' && assignsName(cell.source, variable) ? [{ cell, index }] : []));
    const ran = definers.filter((d) => d.cell.executionOrder !== undefined);
    const last = ran.length > 0 ? ran.reduce((a, b) => ((b.cell.executionOrder ?? 0) > (a.cell.executionOrder ?? 0) ? b : a)) : definers.at(-1);
    if (last) {
      return last.index + 1;
    }
  }
  if (selected !== undefined && selected >= 0 && selected < cells.length && cells[selected].kind === 'code') {
    return selected + 1;
  }
  return cells.length;
}

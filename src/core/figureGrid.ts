// Where each subplot sits: row and column indices recovered from the axes' bounds, the same way for
// Matplotlib (subplots, GridSpec, add_axes) and Plotly (axis domains).
import type { AxesSummary } from '../kernel/figureSummary.js';

export interface GridCell {
  row: number;
  col: number;
}

/** Edges closer than this (a fraction of the figure) are one row or column. */
const EDGE_TOLERANCE = 0.02;

function ranks(edges: number[], descending: boolean): number[] {
  const distinct: number[] = [];
  for (const edge of [...edges].sort((a, b) => (descending ? b - a : a - b))) {
    if (distinct.length === 0 || Math.abs(distinct[distinct.length - 1]! - edge) > EDGE_TOLERANCE) {
      distinct.push(edge);
    }
  }
  return edges.map((edge) => distinct.findIndex((d) => Math.abs(d - edge) <= EDGE_TOLERANCE));
}

/** Row (top first) and column (left first) of each axes, from its top and left edges. */
export function gridCells(axes: readonly AxesSummary[]): GridCell[] {
  const rows = ranks(
    axes.map((a) => a.bounds[3]),
    true,
  );
  const cols = ranks(
    axes.map((a) => a.bounds[0]),
    false,
  );
  return axes.map((_, i) => ({ row: rows[i]!, col: cols[i]! }));
}

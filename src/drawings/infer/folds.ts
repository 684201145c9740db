// The cross-validation folds of a drawings data set: fixed, so every fit and every report uses the
// same split. Drawings are ordered by the number in their id (expert-0, expert-2, …) and dealt out
// in turn, so each fold gets every fifth drawing.

export const FOLD_COUNT = 5;

function idOrder(a: string, b: string): number {
  const na = Number(/(\d+)$/.exec(a)?.[1] ?? NaN);
  const nb = Number(/(\d+)$/.exec(b)?.[1] ?? NaN);
  if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) {
    return na - nb;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Fold (0 … folds − 1) of every id. */
export function assignFolds(ids: string[], folds = FOLD_COUNT): Map<string, number> {
  if (new Set(ids).size !== ids.length) {
    throw new Error('Drawing ids must be unique to be split into folds.');
  }
  const sorted = [...ids].sort(idOrder);
  return new Map(sorted.map((id, i) => [id, i % folds]));
}

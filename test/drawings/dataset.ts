// The shared drawings data set (../shared/drawings beside the repository); tests read it in place.
import { join } from 'node:path';
import { loadDrawings, type DrawingRecord } from '../../src/drawings/trace.js';

export const DRAWINGS_DIR = join(import.meta.dirname, '..', '..', '..', 'shared', 'drawings');

let cached: DrawingRecord[] | null = null;

export function drawings(): DrawingRecord[] {
  cached ??= loadDrawings(join(DRAWINGS_DIR, 'drawings.json'));
  return cached;
}

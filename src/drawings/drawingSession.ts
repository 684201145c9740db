// The state of one "Figure from Drawing" panel and its edits, with undo: a sketch (freehand strokes
// and exact shapes) and, once inferred, the trace the user corrects. Pure: the panel applies the
// webview's gestures here and sends the resulting state back.
import { hitTest, shapeFromDrag, snapStroke, type PixelPoint, type ShapeTool, type Stroke } from './sketch.js';
import { primitiveKey, type Trace } from './trace.js';

export type DrawingMode = 'sketch' | 'trace';

export interface Alternative {
  primitives: Trace;
  score: number;
}

export interface DrawingState {
  mode: DrawingMode;
  /** Freehand strokes of the sketch, grid-snapped at their ends. */
  strokes: Stroke[];
  /** Exact primitives placed in the sketch with the shape tools. */
  shapes: Trace;
  /** The trace being corrected (trace mode). */
  trace: Trace;
  /** What inference proposed, best first. */
  alternatives: Alternative[];
  /** The alternative the trace started from. */
  chosen: number | undefined;
}

const EMPTY: DrawingState = { mode: 'sketch', strokes: [], shapes: [], trace: [], alternatives: [], chosen: undefined };

const HISTORY_LIMIT = 200;

export class DrawingSession {
  private history: DrawingState[] = [];

  constructor(private current: DrawingState = EMPTY) {}

  get state(): DrawingState {
    return this.current;
  }

  get canUndo(): boolean {
    return this.history.length > 0;
  }

  /** A freehand stroke in the sketch; returns false when it is too short to keep. */
  addStroke(stroke: Stroke): boolean {
    const snapped = snapStroke(stroke);
    if (snapped.length < 2 || this.current.mode !== 'sketch') {
      return false;
    }
    this.commit({ ...this.current, strokes: [...this.current.strokes, snapped] });
    return true;
  }

  /** A shape drawn by a drag: into the sketch, or added to the trace being corrected. */
  addShape(tool: ShapeTool, from: PixelPoint, to: PixelPoint): boolean {
    const shape = shapeFromDrag(tool, from, to);
    if (!shape) {
      return false;
    }
    const key = primitiveKey(shape);
    const target = this.current.mode === 'sketch' ? this.current.shapes : this.current.trace;
    if (target.some((p) => primitiveKey(p) === key)) {
      return false;
    }
    this.commit(
      this.current.mode === 'sketch' ? { ...this.current, shapes: [...target, shape] } : { ...this.current, trace: [...target, shape] },
    );
    return true;
  }

  /** Deletes the primitive under a click (trace mode, or a shape in the sketch); returns its index. */
  deleteAt(at: PixelPoint): number | undefined {
    const field = this.current.mode === 'sketch' ? 'shapes' : 'trace';
    const list = this.current[field];
    const index = hitTest(list, at);
    if (index === undefined) {
      return undefined;
    }
    this.commit({ ...this.current, [field]: list.filter((_, k) => k !== index) });
    return index;
  }

  /** Clears the sketch, or the trace in trace mode. */
  clear(): void {
    const s = this.current;
    if (s.mode === 'sketch' ? s.strokes.length + s.shapes.length > 0 : s.trace.length > 0) {
      this.commit(s.mode === 'sketch' ? { ...s, strokes: [], shapes: [] } : { ...s, trace: [] });
    }
  }

  /** Inference's answer: the best trace becomes the one to correct. Undo goes back to the sketch. */
  setInference(alternatives: Alternative[]): void {
    this.commit({ ...this.current, mode: 'trace', alternatives, chosen: 0, trace: alternatives[0]?.primitives ?? [] });
  }

  /** Starts over from another of inference's alternatives. */
  chooseAlternative(index: number): boolean {
    const alternative = this.current.alternatives[index];
    if (!alternative) {
      return false;
    }
    this.commit({ ...this.current, chosen: index, trace: alternative.primitives });
    return true;
  }

  /** Back to the sketch to draw more (sketches only; the trace is kept for undo). */
  backToSketch(): void {
    if (this.current.mode === 'trace') {
      this.commit({ ...this.current, mode: 'sketch' });
    }
  }

  undo(): boolean {
    const previous = this.history.pop();
    if (!previous) {
      return false;
    }
    this.current = previous;
    return true;
  }

  /** Forgets the history: what is on screen now cannot be undone (e.g. the first inference of a picked image). */
  resetHistory(): void {
    this.history = [];
  }

  private commit(next: DrawingState): void {
    this.history.push(this.current);
    if (this.history.length > HISTORY_LIMIT) {
      this.history.shift();
    }
    this.current = next;
  }
}

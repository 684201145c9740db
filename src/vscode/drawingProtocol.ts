// Messages between the "Figure from Drawing" webview (media/drawing.js) and the extension. Whatever
// the webview sends is checked here before the extension acts on it; no vscode import, so it is unit-tested.
import { z } from 'zod';
import type { DrawingMode } from '../drawings/drawingSession.js';
import type { Stroke } from '../drawings/sketch.js';
import type { Trace } from '../drawings/trace.js';

/** Raster pixels, with some slack outside the 256×256 raster for a pointer that leaves the canvas. */
const coordinate = z.number().finite().min(-256).max(512);
const point = z.tuple([coordinate, coordinate]);
const shapeTool = z.enum(['circle', 'rectangle', 'line', 'dashed', 'arrow', 'dashedArrow']);

/** Base64 of 256·256 grayscale bytes: the webview's decoding of a JPEG. */
const RASTER_BASE64_LENGTH = Math.ceil((256 * 256) / 3) * 4;

export const webviewMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('stroke'), points: z.array(point).min(1).max(10_000) }),
  z.object({ type: z.literal('shape'), tool: shapeTool, from: point, to: point }),
  z.object({ type: z.literal('erase'), at: point }),
  z.object({ type: z.literal('undo') }),
  z.object({ type: z.literal('clear') }),
  z.object({ type: z.literal('infer') }),
  z.object({ type: z.literal('backToSketch') }),
  z.object({ type: z.literal('choose'), index: z.number().int().min(0).max(20) }),
  z.object({ type: z.literal('insert') }),
  z.object({ type: z.literal('copyTikz') }),
  z.object({ type: z.literal('decoded'), pixels: z.string().length(RASTER_BASE64_LENGTH).regex(/^[A-Za-z0-9+/]*={0,2}$/) }),
  z.object({ type: z.literal('decodeFailed'), message: z.string().max(500) }),
]);

export type WebviewMessage = z.infer<typeof webviewMessage>;

/** Parses a message from the webview; undefined (and the reason) when it is not one of ours. */
export function parseWebviewMessage(raw: unknown): { message?: WebviewMessage; error?: string } {
  const result = webviewMessage.safeParse(raw);
  return result.success ? { message: result.data } : { error: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
}

export interface ProgramView {
  text: string;
  cost: number;
  /** False when the search stopped at its time limit (still exact). */
  optimal: boolean;
}

/** What the webview draws: sent after every change. */
export interface DrawingView {
  source: 'image' | 'sketch';
  mode: DrawingMode;
  strokes: Stroke[];
  shapes: Trace;
  trace: Trace;
  alternatives: Array<{ primitives: number; score: number }>;
  chosen: number | undefined;
  canUndo: boolean;
  /** The program for the trace; null while it is being synthesized or when the trace is empty. */
  program: ProgramView | null;
  /** What the extension is doing ('Inferring…', 'Synthesizing…'), or empty. */
  status: string;
  busy: boolean;
}

export type ExtensionMessage =
  | { type: 'state'; view: DrawingView }
  | { type: 'background'; dataUrl: string }
  /** Asks the webview to decode an image the extension cannot (JPEG) into 256×256 grayscale. */
  | { type: 'decode'; dataUrl: string };

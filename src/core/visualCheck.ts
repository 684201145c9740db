// The visual self-check: after a plot renders, the model sees its PNG with the task and either accepts
// it or answers with corrected code. This module builds that message and reads the answer.
import type { ExecutionResult, PlotlyFigureJson } from '../kernel/kernel.js';
import { imageOutputs, plotlyOutputs } from '../kernel/kernel.js';
import type { ChatMessage, ContentPart } from '../llm/chatModel.js';
import { LlmError } from '../llm/errors.js';
import { extractCode } from './extractCode.js';
import { fillTemplate, type PromptTemplates } from './prompts.js';

/** Turns a Plotly figure into PNG bytes; throws when it cannot. */
export type FigureRenderFunction = (figure: PlotlyFigureJson) => Promise<Buffer>;

export type VisualCheckVerdict =
  /** The model accepted the figure. */
  | 'accepted'
  /** The model's corrected code drew the final figure. */
  | 'corrected'
  /** The correction (and any repair of it) failed: the figure from before the check is kept. */
  | 'correction-failed'
  /** The model answered neither ACCEPT nor code: the figure is kept. */
  | 'unclear'
  /** The model does not take images: the figure is kept. */
  | 'unsupported'
  /** The check's request failed for another reason, or no PNG could be made: the figure is kept. */
  | 'skipped';

export interface VisualCheckReport {
  verdict: VisualCheckVerdict;
  /** One sentence for the user. */
  message: string;
}

export type VisualCheckAnswer = { kind: 'accept' } | { kind: 'correct'; code: string } | { kind: 'unclear' };

/** The ACCEPT form: the answer is the word ACCEPT alone (any case, optional punctuation or markup). */
const ACCEPT = /^[\s*_`"'.]*accept(ed)?[\s*_`"'.!]*$/i;

export function parseVisualCheckAnswer(text: string, variable: string): VisualCheckAnswer {
  if (ACCEPT.test(text)) {
    return { kind: 'accept' };
  }
  const extracted = extractCode(text, variable);
  if (extracted.ok) {
    return { kind: 'correct', code: extracted.code };
  }
  // A model that explains before accepting: ACCEPT on a line of its own, and no code.
  if (text.split('\n').some((line) => ACCEPT.test(line))) {
    return { kind: 'accept' };
  }
  return { kind: 'unclear' };
}

/** The user message of the check: the task in text and the figure as a data URL. */
export function buildVisualCheckMessage(templates: PromptTemplates, task: string, pngBase64: string): ChatMessage {
  const content: ContentPart[] = [
    { type: 'text', text: fillTemplate(templates.get('visual-check'), { task: task.trim() }) },
    { type: 'image_url', image_url: { url: `data:image/png;base64,${pngBase64}` } },
  ];
  return { role: 'user', content };
}

/** The same message for provenance: the image's bytes left out (they would bloat every stored result). */
export function withoutImageData(message: ChatMessage): ChatMessage {
  if (typeof message.content === 'string') {
    return message;
  }
  return {
    ...message,
    content: message.content.map((part) =>
      part.type === 'image_url' ? { type: 'image_url', image_url: { url: `data:image/png;base64,… (${part.image_url.url.length} characters left out)` } } : part,
    ),
  };
}

/** The first figure of a run as base64 PNG: a Matplotlib image as it is, a Plotly figure rendered. */
export async function firstFigurePng(result: ExecutionResult, render?: FigureRenderFunction): Promise<string | undefined> {
  const image = imageOutputs(result)[0];
  if (image !== undefined) {
    return image;
  }
  const figure = plotlyOutputs(result)[0];
  if (figure === undefined || !render) {
    return undefined;
  }
  return (await render(figure)).toString('base64');
}

/** A 400-type refusal because the request carried an image: the model is not multimodal. */
export function isImageRejection(error: unknown): boolean {
  return error instanceof LlmError && error.kind === 'bad-request' && /image|vision|multimodal|multi-modal/i.test(error.message);
}

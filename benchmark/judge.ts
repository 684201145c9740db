// The grader: a multimodal model that scores a generated plot against the ground-truth image
// (visual) or against the task text (task). It is just another ChatModel; a reply whose score
// cannot be read, or a request that fails, is a judge error, never a silent 0.
import { fillTemplate, type PromptTemplates } from '../src/core/prompts.js';
import type { ChatMessage, ChatModel, ContentPart, TokenUsage } from '../src/llm/chatModel.js';
import { addUsage } from '../src/llm/chatModel.js';
import { LlmError } from '../src/llm/errors.js';

export type JudgeKind = 'visual' | 'task';
export const JUDGE_KINDS: readonly JudgeKind[] = ['visual', 'task'];

export interface JudgeVerdict {
  kind: JudgeKind;
  /** 0–100, or null with `error` set. */
  score: number | null;
  error?: string;
  /** The judge's whole answer (empty when the request failed). */
  answer: string;
  usage: TokenUsage;
  ms: number;
}

const NO_USAGE: TokenUsage = { promptTokens: 0, completionTokens: 0 };

/**
 * The score on the judge's final "FINAL SCORE: N" line. Tolerates markdown (`**FINAL SCORE:** 85`),
 * brackets (`[FINAL SCORE]: 85`), `85/100`, `85%` and a trailing period; when the line appears more
 * than once the last one counts. Anything else, or a number outside 0–100, is null.
 */
export function parseJudgeScore(answer: string): number | null {
  const pattern = /final[\s_*]*score[\s*\]]*(?:[:=\-–]|is)?[\s*]*(-?\d+(?:\.\d+)?)\s*(?:\/\s*100|%|points?)?[\s*.]*$/gim;
  let last: string | undefined;
  for (const match of answer.matchAll(pattern)) {
    last = match[1];
  }
  if (last === undefined) {
    return null;
  }
  const value = Number(last);
  if (!Number.isFinite(value) || value < 0 || value > 100) {
    return null;
  }
  return value;
}

export function pngDataUrl(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
}

function image(png: Uint8Array): ContentPart {
  return { type: 'image_url', image_url: { url: pngDataUrl(png) } };
}

export function visualJudgeMessages(templates: PromptTemplates, generated: Uint8Array, groundTruth: Uint8Array): ChatMessage[] {
  return [
    {
      role: 'user',
      content: [
        { type: 'text', text: templates.get('judge-visual') },
        { type: 'text', text: 'REFERENCE chart:' },
        image(groundTruth),
        { type: 'text', text: 'GENERATED chart:' },
        image(generated),
      ],
    },
  ];
}

/**
 * The visual judge with the images in the other order (the position-bias check): the generated chart
 * first, and a prompt (judge-visual-swapped.txt) that says so.
 */
export function visualSwappedJudgeMessages(templates: PromptTemplates, generated: Uint8Array, groundTruth: Uint8Array): ChatMessage[] {
  return [
    {
      role: 'user',
      content: [
        { type: 'text', text: templates.get('judge-visual-swapped') },
        { type: 'text', text: 'GENERATED chart:' },
        image(generated),
        { type: 'text', text: 'REFERENCE chart:' },
        image(groundTruth),
      ],
    },
  ];
}

export function taskJudgeMessages(templates: PromptTemplates, generated: Uint8Array, task: string): ChatMessage[] {
  return [
    {
      role: 'user',
      content: [{ type: 'text', text: fillTemplate(templates.get('judge-task'), { task: task.trim() }) }, { type: 'text', text: 'The chart:' }, image(generated)],
    },
  ];
}

export interface JudgeOptions {
  /** Per judge request; the client's default otherwise. */
  timeoutMs?: number;
  maxTokens?: number;
}

export class PlotJudge {
  constructor(
    readonly model: ChatModel,
    private readonly templates: PromptTemplates,
    private readonly options: JudgeOptions = {},
  ) {}

  visual(generated: Uint8Array, groundTruth: Uint8Array, signal?: AbortSignal): Promise<JudgeVerdict> {
    return this.ask('visual', visualJudgeMessages(this.templates, generated, groundTruth), signal);
  }

  /** The visual score with the generated chart shown first (the position-bias check). */
  visualSwapped(generated: Uint8Array, groundTruth: Uint8Array, signal?: AbortSignal): Promise<JudgeVerdict> {
    return this.ask('visual', visualSwappedJudgeMessages(this.templates, generated, groundTruth), signal);
  }

  task(generated: Uint8Array, task: string, signal?: AbortSignal): Promise<JudgeVerdict> {
    return this.ask('task', taskJudgeMessages(this.templates, generated, task), signal);
  }

  private async ask(kind: JudgeKind, messages: ChatMessage[], signal?: AbortSignal): Promise<JudgeVerdict> {
    const started = performance.now();
    let usage = NO_USAGE;
    try {
      const response = await this.model.complete(messages, {
        temperature: 0,
        signal,
        ...(this.options.timeoutMs === undefined ? {} : { timeoutMs: this.options.timeoutMs }),
        ...(this.options.maxTokens === undefined ? {} : { maxTokens: this.options.maxTokens }),
      });
      usage = addUsage(usage, response.usage);
      const score = parseJudgeScore(response.text);
      const ms = performance.now() - started;
      if (score === null) {
        const tail = response.text.trim().split('\n').slice(-1)[0] ?? '';
        return {
          kind,
          score: null,
          error: `unparsable judge answer: no "FINAL SCORE: <0-100>" line (last line: ${JSON.stringify(tail.slice(0, 160))})`,
          answer: response.text,
          usage,
          ms,
        };
      }
      return { kind, score, answer: response.text, usage, ms };
    } catch (error) {
      if (signal?.aborted) {
        throw error;
      }
      const message = error instanceof LlmError ? `judge request failed (${error.kind}): ${error.message}` : `judge request failed: ${errorText(error)}`;
      return { kind, score: null, error: message, answer: '', usage, ms: performance.now() - started };
    }
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

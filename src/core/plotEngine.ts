// The loop at the heart of Plotwright: ask the model, run its code, repair from the traceback.
import type { ExecutionResult, KernelError } from '../kernel/kernel.js';
import { hasPlot, imageOutputs, plotlyOutputs } from '../kernel/kernel.js';
import type { ChatMessage, ChatModel, TokenUsage } from '../llm/chatModel.js';
import { addUsage } from '../llm/chatModel.js';
import { extractCode } from './extractCode.js';
import { codeSoFar } from './partialCode.js';
import { checkLibrary, type LibraryVerdict } from './libraryCheck.js';
import { figureSummaries } from '../kernel/figureSummary.js';
import { formatLintFindings, lintFigures, type LintFinding } from './plotLint.js';
import {
  buildVisualCheckMessage,
  firstFigurePng,
  isImageRejection,
  parseVisualCheckAnswer,
  withoutImageData,
  type FigureRenderFunction,
  type VisualCheckReport,
} from './visualCheck.js';
import {
  buildPlotMessages,
  buildShortenMessages,
  fillTemplate,
  type PlotLibrary,
  type PlotPromptInput,
  type PromptTemplates,
} from './prompts.js';

/** Runs one attempt's code where the plot should appear: a headless kernel, or a notebook cell. */
export interface AttemptRunner {
  run(code: string, attempt: number, options: { timeoutMs: number; signal?: AbortSignal }): Promise<ExecutionResult>;
}

export type PlotStage = 'asking-model' | 'running' | 'repairing' | 'checking-figure';

export interface PlotRequest extends PlotPromptInput {
  maxRepairs: number;
  timeoutMs: number;
  /** Repair rounds spent on plot-lint findings (within maxRepairs). Default 1; 0 reports findings without repairing. */
  maxLintRepairs?: number;
  /** Visual self-check rounds after a plot renders (the model sees the PNG); 0 or unset: off. */
  visualCheckRounds?: number;
  /** Plotly figures to PNG for the visual check; without it Plotly plots go unchecked. */
  renderFigure?: FigureRenderFunction;
  signal?: AbortSignal;
  onProgress?: (stage: PlotStage, attempt: number) => void;
  /** The code so far while an answer streams (first round and repairs); unset, requests do not stream. */
  onCode?: (code: string, round: number) => void;
}

export interface Attempt {
  /** 'visual-check': the model looked at the previous attempt's figure (accepting it, or with this corrected code). */
  kind?: 'visual-check';
  visualVerdict?: 'accepted' | 'corrected' | 'unclear';
  /** Empty when the model returned no code. */
  code: string;
  error?: string;
  hasPlot: boolean;
  library?: LibraryVerdict;
  usedLibraries?: PlotLibrary[];
  llmMs: number;
  execMs: number;
  usage: TokenUsage;
  /** The kernel's result, kept for callers that need the figures. */
  result?: ExecutionResult;
  /** Plot-lint findings on the figures this attempt drew. */
  lint?: LintFinding[];
  /** The answer came from the response cache. */
  cached?: boolean;
}

export interface PlotOutcome {
  ok: boolean;
  library: PlotLibrary;
  /** The last attempt's code. */
  code: string;
  attempts: Attempt[];
  usage: TokenUsage;
  timings: { llmMs: number; execMs: number };
  /** Why the last attempt failed; unset on success. */
  error?: string;
  /** Plot-lint findings on the final figure: advice, never a failure. */
  lint: LintFinding[];
  /** What the visual self-check did, when it was on and a plot rendered. */
  visualCheck?: VisualCheckReport;
  /** The last attempt's traceback as the model saw it, when its code raised (also while its figure was drawn). */
  traceback?: string;
  /** True when the final plot was drawn with another library than the one asked for. */
  wrongLibrary: boolean;
  promptVersion: string;
  /** Every message sent, for provenance and debugging. */
  messages: ChatMessage[];
}

const MAX_ERROR_CHARS = 3000;

export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
}

/**
 * Plotly's "Invalid property" error lists every valid property with its documentation (~6 KB) between
 * the message and its "Did you mean" hint: the list goes, the message and the hint stay.
 */
export function cutPropertyDocs(text: string): string {
  const start = text.indexOf('Valid properties:');
  if (start < 0) {
    return text;
  }
  const hint = text.lastIndexOf('Did you mean');
  const path = text.lastIndexOf('Bad property path:');
  const resume = hint > start ? hint : path > start ? path : -1;
  if (resume < 0) {
    return text;
  }
  const lineStart = text.lastIndexOf('\n', start) + 1;
  return `${text.slice(0, lineStart)}    (the list of valid properties is cut)\n${text.slice(resume)}`;
}

/**
 * The traceback the model sees: ANSI-free, property documentation cut, and when it is still long the
 * exception's own message and the end kept (the cause is at the end), frames from the middle cut.
 */
export function formatKernelError(error: KernelError, maxChars = MAX_ERROR_CHARS): string {
  const text = stripAnsi(error.traceback.length > 0 ? error.traceback.join('\n') : `${error.ename}: ${error.evalue}`);
  const full = cutPropertyDocs(text.includes(error.ename) ? text : `${text}\n${error.ename}: ${error.evalue}`);
  if (full.length <= maxChars) {
    return full;
  }
  // The exception line ("ValueError: ...") may sit before a long explanation: keep its first lines.
  const messageAt = full.lastIndexOf(`\n${error.ename}`);
  const message = messageAt >= 0 ? full.slice(messageAt + 1, messageAt + 1 + Math.floor(maxChars * 0.25)) : '';
  const budget = maxChars - message.length;
  const head = full.slice(0, Math.floor(budget * 0.2));
  const tail = full.slice(full.length - Math.floor(budget * 0.8));
  const keepMessage = message !== '' && !tail.includes(message);
  const cut = full.length - head.length - tail.length - (keepMessage ? message.length : 0);
  return `${head}\n… (${cut} characters cut) …\n${keepMessage ? `${message}\n…\n` : ''}${tail}`;
}

/** A short name for what went wrong with an attempt, for counting: the exception's name, or what was missing. */
export function attemptErrorType(attempt: Attempt): string | null {
  if (attempt.hasPlot && attempt.library !== 'wrong-library') {
    return null;
  }
  if (attempt.code === '') {
    return 'no code';
  }
  const error = attempt.result?.error;
  if (attempt.result && attempt.result.status !== 'ok' && error) {
    return error.ename;
  }
  return attempt.hasPlot ? 'wrong library' : 'no figure';
}

function outputExcerpt(result: ExecutionResult): string {
  const text = result.outputs
    .flatMap((o) => (o.kind === 'stream' ? [o.text] : o.kind === 'text' ? [o.text] : []))
    .join('')
    .trim();
  if (!text) {
    return '';
  }
  return `\nIt printed:\n\`\`\`\n${text.length > 1500 ? `${text.slice(0, 1500)}\n…` : text}\n\`\`\``;
}

const SHOW_CALL: Record<PlotLibrary, string> = {
  matplotlib: 'plt.show()',
  seaborn: 'plt.show()',
  plotly: 'fig.show()',
};

/** Turns the streamed answer into code-so-far callbacks, once per change. */
function streamingFor(request: PlotRequest, round: number): { onText?: (textSoFar: string) => void } {
  const onCode = request.onCode;
  if (!onCode) {
    return {};
  }
  let shown: string | undefined;
  return {
    onText: (textSoFar) => {
      const code = codeSoFar(textSoFar);
      if (code !== undefined && code !== shown) {
        shown = code;
        onCode(code, round);
      }
    },
  };
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) {
    throw signal.reason instanceof Error ? signal.reason : new Error('Cancelled');
  }
}

export async function generatePlot(
  model: ChatModel,
  templates: PromptTemplates,
  runner: AttemptRunner,
  request: PlotRequest,
): Promise<PlotOutcome> {
  const initial = buildPlotMessages(templates, request);
  const sent: ChatMessage[] = [...initial];
  const attempts: Attempt[] = [];
  let conversation = initial;
  let usage: TokenUsage = { promptTokens: 0, completionTokens: 0 };
  const timings = { llmMs: 0, execMs: 0 };
  let repairsLeft = request.maxRepairs;
  let lintRepairsLeft = request.maxLintRepairs ?? 1;
  let visualChecksLeft = request.visualCheckRounds ?? 0;
  // The last plot that worked: the answer if a later lint repair or visual correction loses it.
  let fallbackPlot: Attempt | undefined;
  // The plot the request in flight is a visual check of.
  let checking: Attempt | undefined;
  let checkedPlot: Attempt | undefined;
  let visualCheck: VisualCheckReport | undefined;

  for (let round = 0; ; round++) {
    throwIfAborted(request.signal);
    const checked = checking;
    checking = undefined;
    request.onProgress?.(checked ? 'checking-figure' : round === 0 ? 'asking-model' : 'repairing', round);
    const started = Date.now();
    let answer;
    try {
      answer = await model.complete(conversation, { signal: request.signal, ...streamingFor(request, round) });
    } catch (error) {
      if (request.signal?.aborted) {
        throw error;
      }
      if (checked) {
        const why = isImageRejection(error)
          ? `${model.model} does not accept images, so the visual check was skipped and the plot is kept.`
          : `The visual check's request failed (${error instanceof Error ? error.message : String(error)}), so the plot is kept unchecked.`;
        visualCheck = { verdict: isImageRejection(error) ? 'unsupported' : 'skipped', message: why };
        return finish(true, checked);
      }
      // A failed request after a working plot (a lint-driven repair) never costs that plot.
      if (fallbackPlot) {
        return finish(false);
      }
      throw error;
    }
    const llmMs = Date.now() - started;
    timings.llmMs += llmMs;
    usage = addUsage(usage, answer.usage);
    const assistant: ChatMessage = { role: 'assistant', content: answer.text };

    let correction: string | undefined;
    if (checked) {
      const verdict = parseVisualCheckAnswer(answer.text, request.variable);
      if (verdict.kind === 'correct') {
        correction = verdict.code;
      } else {
        // The check is recorded as an attempt of its own that keeps the checked figure.
        attempts.push({ ...checked, kind: 'visual-check', visualVerdict: verdict.kind === 'accept' ? 'accepted' : 'unclear', llmMs, execMs: 0, usage: answer.usage, cached: answer.cached === true });
        visualCheck =
          verdict.kind === 'accept'
            ? { verdict: 'accepted', message: 'The model looked at the figure and accepted it.' }
            : { verdict: 'unclear', message: 'The visual check answered neither ACCEPT nor code, so the plot is kept as it was.' };
        return finish(true);
      }
    }
    const extracted = correction !== undefined ? { ok: true as const, code: correction } : extractCode(answer.text, request.variable);
    const kind = correction !== undefined ? { kind: 'visual-check' as const, visualVerdict: 'corrected' as const } : {};
    let followUp: string;
    if (!extracted.ok) {
      attempts.push({ code: '', error: extracted.reason, hasPlot: false, llmMs, execMs: 0, usage: answer.usage, cached: answer.cached === true });
      followUp = templates.get('repair-no-code');
    } else {
      throwIfAborted(request.signal);
      request.onProgress?.('running', round);
      const result = await runner.run(extracted.code, round, { timeoutMs: request.timeoutMs, signal: request.signal });
      timings.execMs += result.durationMs;
      const plotted = hasPlot(result);
      const library = checkLibrary(extracted.code, request.library, {
        images: imageOutputs(result).length,
        plotlyFigures: plotlyOutputs(result).length,
      });
      const attempt: Attempt = {
        ...kind,
        code: extracted.code,
        hasPlot: plotted,
        library: library.verdict,
        usedLibraries: library.used,
        llmMs,
        execMs: result.durationMs,
        usage: answer.usage,
        result,
        cached: answer.cached === true,
      };
      attempts.push(attempt);
      if (result.status === 'cancelled') {
        throwIfAborted(request.signal);
      }
      if (result.status !== 'ok' && result.error) {
        attempt.error = `${result.error.ename}: ${result.error.evalue}`;
        followUp = fillTemplate(templates.get('repair-error'), { error: formatKernelError(result.error) });
      } else if (!plotted) {
        attempt.error = 'The code ran but drew no figure.';
        followUp = fillTemplate(templates.get('repair-no-plot'), {
          output: outputExcerpt(result),
          show: SHOW_CALL[request.library],
        });
      } else if (library.verdict === 'wrong-library') {
        const used = library.used.filter((name) => name !== request.library).join(' and ') || 'another library';
        attempt.error = `The code draws with ${used}, not ${request.library}.`;
        followUp = fillTemplate(templates.get('repair-wrong-library'), { used, library: request.library });
      } else {
        attempt.lint = lintFigures(figureSummaries(result), { task: request.task });
        if (attempt.lint.length > 0 && lintRepairsLeft > 0 && repairsLeft > 0) {
          lintRepairsLeft--;
          fallbackPlot = attempt;
          followUp = fillTemplate(templates.get('repair-lint'), { findings: formatLintFindings(attempt.lint) });
        } else if (visualChecksLeft > 0) {
          let png: string | undefined;
          try {
            png = await firstFigurePng(result, request.renderFigure);
          } catch (error) {
            throwIfAborted(request.signal);
            visualCheck = { verdict: 'skipped', message: `The figure could not be turned into PNG for the visual check (${error instanceof Error ? error.message : String(error)}), so it is kept unchecked.` };
            return finish(true);
          }
          if (png === undefined) {
            visualCheck = { verdict: 'skipped', message: 'There was no PNG of the figure to check, so it is kept unchecked.' };
            return finish(true);
          }
          // A check does not spend a repair round: it has its own budget.
          visualChecksLeft--;
          fallbackPlot = attempt;
          checkedPlot = attempt;
          checking = attempt;
          const check = buildVisualCheckMessage(templates, request.task, png);
          conversation = [...initial, assistant, check];
          sent.push(assistant, withoutImageData(check));
          continue;
        } else {
          return finish(true);
        }
      }
    }
    if (repairsLeft === 0) {
      break;
    }
    repairsLeft--;
    const repair: ChatMessage = { role: 'user', content: followUp };
    // Keep the prompt small: the original request, the last answer and what went wrong with it.
    conversation = [...initial, assistant, repair];
    sent.push(assistant, repair);
  }
  return finish(false);

  function finish(ok: boolean, answerAttempt?: Attempt): PlotOutcome {
    let last = answerAttempt ?? attempts[attempts.length - 1];
    if (!ok && !last?.hasPlot && fallbackPlot) {
      // A lint-driven repair or a visual correction lost the plot: keep the plot that worked, findings and all.
      last = fallbackPlot;
      ok = true;
      if (fallbackPlot === checkedPlot && visualCheck === undefined) {
        const what = attempts[attempts.length - 1]?.error ?? 'it drew no figure';
        visualCheck = { verdict: 'correction-failed', message: `The visual check's corrected code failed (${what}), so the plot from before the check is kept.` };
      }
    }
    if (ok && checkedPlot && visualCheck === undefined) {
      visualCheck = { verdict: 'corrected', message: 'The model looked at the figure and corrected the code; the corrected plot is shown.' };
    }
    const anyPlot = last?.hasPlot ?? false;
    const raised = !ok && last?.result && last.result.status !== 'ok' ? last.result.error : undefined;
    return {
      ...(raised ? { traceback: formatKernelError(raised) } : {}),
      ...(visualCheck ? { visualCheck } : {}),
      ok: ok || anyPlot,
      library: request.library,
      code: last?.code ?? '',
      attempts,
      usage,
      timings,
      error: ok ? undefined : last?.error,
      lint: last?.lint ?? [],
      wrongLibrary: anyPlot && last?.library === 'wrong-library',
      promptVersion: templates.version,
      messages: sent,
    };
  }
}

/** The attempt whose figure is the outcome's answer (not a later attempt that lost it). */
export function answerAttempt(outcome: PlotOutcome): Attempt | undefined {
  return [...outcome.attempts].reverse().find((a) => a.hasPlot && a.code === outcome.code) ?? outcome.attempts[outcome.attempts.length - 1];
}

/** Turns a detailed task into two or three sentences, or one, with the model. */
export async function shortenTask(
  model: ChatModel,
  templates: PromptTemplates,
  task: string,
  detail: 'short' | 'single',
  signal?: AbortSignal,
): Promise<{ task: string; usage: TokenUsage; llmMs: number }> {
  const answer = await model.complete(buildShortenMessages(templates, task, detail), { signal });
  const shortened = answer.text
    .trim()
    .replace(/^["'“]+|["'”]+$/g, '')
    .trim();
  if (!shortened) {
    throw new Error('The model returned an empty shortened task.');
  }
  return { task: shortened, usage: answer.usage, llmMs: answer.latencyMs };
}

// The grader: scores one sample. A pixel score against the ground truth, and the judge model's visual
// and task scores. No plot or the wrong library scores 0 without asking the judge (as in the paper);
// a rendering failure is not scored at all; a judge that fails or answers without a score is a
// judging failure of that score (left out of the mean, counted).
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TokenUsage } from '../src/llm/chatModel.js';
import { taskText } from './dataset.js';
import type { JudgeKind, JudgeVerdict, PlotJudge } from './judge.js';
import type { ItemRecord, JudgeError, RunFailure } from './metrics.js';
import { pixelScore } from './pixelScore.js';
import type { ResultLine, RecordExtras } from './resultStore.js';
import type { Sample, SampleTask } from './sampler.js';

const NO_USAGE: TokenUsage = { promptTokens: 0, completionTokens: 0 };

export interface GraderOptions {
  library: string;
  /** Undefined: no judge scores. */
  judge: PlotJudge | undefined;
  judges: readonly JudgeKind[];
  /** Results folder: plots/<id>-<repeat>.png and gt/<id>.png go there. */
  outDir: string;
}

export class Grader {
  constructor(private readonly options: GraderOptions) {}

  async grade(task: SampleTask, sample: Sample, signal: AbortSignal): Promise<ResultLine> {
    const { item, repeat } = task;
    const { judge, judges, outDir } = this.options;
    const outcome = sample.outcome;
    const hasPlot = sample.png !== undefined;
    const wrongLibrary = hasPlot && (outcome?.wrongLibrary ?? false);
    let plot: string | null = null;
    if (sample.png) {
      plot = `plots/${item.id}-${repeat}.png`;
      writeFileSync(join(outDir, plot), sample.png);
    }
    const gtBase64 = item.plots_gt[0];
    const gt = gtBase64 ? Buffer.from(gtBase64, 'base64') : undefined;
    if (gt) {
      const gtPath = join(outDir, 'gt', `${item.id}.png`);
      if (!existsSync(gtPath)) {
        writeFileSync(gtPath, gt);
      }
    }
    const useVisual = judges.includes('visual') && gt !== undefined && judge !== undefined;
    const useTask = judges.includes('task') && judge !== undefined;
    const scores: ItemRecord['scores'] = { visual: null, task: null, pixel: null };
    const judgeErrors: JudgeError[] = [];
    const judgeAnswers: RecordExtras['judgeAnswers'] = {};
    let judgeUsage: TokenUsage | null = null;
    let judgeMs: number | null = null;
    let failure: RunFailure | null = sample.failure;
    if (failure?.stage === 'rendering') {
      // Not the model's fault: no score of any kind (see effectiveScore).
    } else if (!hasPlot || wrongLibrary) {
      scores.visual = useVisual ? 0 : null;
      scores.task = useTask ? 0 : null;
      scores.pixel = gt ? 0 : null;
    } else {
      const png = sample.png as Buffer;
      if (gt) {
        try {
          scores.pixel = Math.round(pixelScore(png, gt) * 10) / 10;
        } catch {
          scores.pixel = null;
        }
      }
      const asks: Array<Promise<JudgeVerdict>> = [];
      if (useVisual) {
        asks.push(judge.visual(png, gt as Buffer, signal));
      }
      if (useTask) {
        // Whatever variant the model got, the task judge grades against the full task, so variants compare.
        asks.push(judge.task(png, taskText(item, 'full'), signal));
      }
      const settled = await Promise.allSettled(asks);
      if (signal.aborted) {
        throw signal.reason instanceof Error ? signal.reason : new Error('Cancelled');
      }
      const kinds: JudgeKind[] = [...(useVisual ? (['visual'] as const) : []), ...(useTask ? (['task'] as const) : [])];
      settled.forEach((result, index) => {
        if (result.status === 'rejected') {
          judgeErrors.push({ score: kinds[index], message: `judging failed: ${result.reason instanceof Error ? result.reason.message : String(result.reason)}` });
          return;
        }
        const verdict = result.value;
        judgeUsage = {
          promptTokens: (judgeUsage?.promptTokens ?? 0) + verdict.usage.promptTokens,
          completionTokens: (judgeUsage?.completionTokens ?? 0) + verdict.usage.completionTokens,
        };
        judgeMs = Math.max(judgeMs ?? 0, verdict.ms);
        if (verdict.answer) {
          judgeAnswers[verdict.kind] = verdict.answer;
        }
        if (verdict.score === null) {
          judgeErrors.push({ score: verdict.kind, message: verdict.error ?? 'no score' });
        } else {
          scores[verdict.kind] = verdict.score;
        }
      });
      if (judgeErrors.length > 0 && failure === null) {
        failure = { stage: 'judging', reason: judgeErrors.map((e) => `${e.score}: ${e.message}`).join('; ') };
      }
    }
    const executed = outcome?.attempts.some((a) => a.result) ?? false;
    return {
      id: item.id,
      repeat,
      library: this.options.library,
      code: outcome?.code ?? '',
      hasPlot,
      error: sample.error,
      wrongLibrary,
      timings: {
        generateMs: Math.round(outcome?.timings.llmMs ?? 0),
        executeMs: outcome && executed ? Math.round(outcome.timings.execMs) : null,
        judgeMs: judgeMs === null ? null : Math.round(judgeMs),
      },
      usage: { generate: outcome?.usage ?? { ...NO_USAGE }, judge: judgeUsage },
      scores,
      judgeErrors,
      outcome: failure ? 'failed' : 'ok',
      failure,
      cached: sample.cached,
      attemptErrors: sample.attemptErrors,
      ...(sample.visualCheck ? { visualCheck: sample.visualCheck } : {}),
      task: sample.task,
      attempts: outcome?.attempts.length ?? 0,
      note: sample.note,
      traceback: sample.traceback,
      plot,
      judgeAnswers,
    };
  }
}

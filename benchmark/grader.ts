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
import { positionCheckSelected } from './positionCheck.js';
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
  /** Share (0–1) of items whose visual judge is also asked with the images swapped. */
  positionCheck?: number;
  /** Judges asked again (--judge-repeats R: R - 1 of them), each under its own cache namespace. */
  repeatJudges?: readonly PlotJudge[];
}

/** The swapped verdict beside the usual visual score; a failed swapped ask is recorded, not scored. */
async function positionCheckOf(swapped: Promise<JudgeVerdict>, usual: number | null): Promise<NonNullable<ItemRecord['positionCheck']>> {
  try {
    const verdict = await swapped;
    const score = verdict.score;
    return {
      swapped: score,
      usual,
      difference: score === null || usual === null ? null : Math.round((score - usual) * 10) / 10,
      ...(verdict.error ? { error: verdict.error } : {}),
    };
  } catch (error) {
    return { swapped: null, usual, difference: null, error: `judging failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * The mean of the repeats' scores that parsed (one decimal), their population standard deviation and
 * range; null when none parsed. A repeat that failed stays null in the list.
 */
export function judgeSpread(repeatScores: ReadonlyArray<number | null>): { mean: number | null; stdev: number | null; range: number | null } {
  const valid = repeatScores.filter((v): v is number => v !== null);
  if (valid.length === 0) {
    return { mean: null, stdev: null, range: null };
  }
  const mean = valid.reduce((sum, v) => sum + v, 0) / valid.length;
  const stdev = Math.sqrt(valid.reduce((sum, v) => sum + (v - mean) ** 2, 0) / valid.length);
  const round = (v: number) => Math.round(v * 10) / 10;
  return { mean: round(mean), stdev: round(stdev), range: Math.max(...valid) - Math.min(...valid) };
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
    const judgeRepeats: NonNullable<ItemRecord['judgeRepeats']> = {};
    let positionCheck: ItemRecord['positionCheck'];
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
      // Each kind is asked of every judge of the panel (one per judge repeat, each with its own cache namespace).
      const panel = judge ? [judge, ...(this.options.repeatJudges ?? [])] : [];
      const kinds: JudgeKind[] = [...(useVisual ? (['visual'] as const) : []), ...(useTask ? (['task'] as const) : [])];
      const asks = kinds.flatMap((kind) =>
        panel.map((member) =>
          kind === 'visual'
            ? member.visual(png, gt as Buffer, signal)
            : // Whatever variant the model got, the task judge grades against the full task, so variants compare.
              member.task(png, taskText(item, 'full'), signal),
        ),
      );
      const swapped =
        useVisual && positionCheckSelected(item.id, this.options.positionCheck ?? 0) ? judge.visualSwapped(png, gt as Buffer, signal) : undefined;
      const settled = await Promise.allSettled(asks);
      if (signal.aborted) {
        throw signal.reason instanceof Error ? signal.reason : new Error('Cancelled');
      }
      kinds.forEach((kind, kindIndex) => {
        const results = settled.slice(kindIndex * panel.length, (kindIndex + 1) * panel.length);
        const repeatScores: Array<number | null> = [];
        const errors: string[] = [];
        results.forEach((result, repeat) => {
          const prefix = panel.length > 1 ? `repeat ${repeat}: ` : '';
          if (result.status === 'rejected') {
            errors.push(`${prefix}judging failed: ${result.reason instanceof Error ? result.reason.message : String(result.reason)}`);
            repeatScores.push(null);
            return;
          }
          const verdict = result.value;
          judgeUsage = {
            promptTokens: (judgeUsage?.promptTokens ?? 0) + verdict.usage.promptTokens,
            completionTokens: (judgeUsage?.completionTokens ?? 0) + verdict.usage.completionTokens,
          };
          judgeMs = Math.max(judgeMs ?? 0, verdict.ms);
          if (verdict.answer && judgeAnswers[kind] === undefined) {
            judgeAnswers[kind] = verdict.answer;
          }
          repeatScores.push(verdict.score);
          if (verdict.score === null) {
            errors.push(`${prefix}${verdict.error ?? 'no score'}`);
          }
        });
        const spread = judgeSpread(repeatScores);
        if (panel.length > 1) {
          judgeRepeats[kind] = { scores: repeatScores, ...spread };
        }
        if (spread.mean === null) {
          judgeErrors.push({ score: kind, message: errors.join('; ') });
        } else {
          scores[kind] = spread.mean;
        }
      });
      if (swapped) {
        positionCheck = await positionCheckOf(swapped, scores.visual);
        if (signal.aborted) {
          throw signal.reason instanceof Error ? signal.reason : new Error('Cancelled');
        }
      }
      if (judgeErrors.length > 0 && failure === null) {
        failure = { stage: 'judging', reason: judgeErrors.map((e) => `${e.score}: ${e.message}`).join('; ') };
      }
    }
    if (sample.structure) {
      scores.structure = sample.structure.scores;
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
      ...(Object.keys(judgeRepeats).length > 0 ? { judgeRepeats } : {}),
      ...(positionCheck ? { positionCheck } : {}),
      ...(sample.structure ? { structureError: sample.structure.error } : {}),
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

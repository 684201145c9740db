// Short texts about a run for a progress notification and the final message (the palette command;
// the CLI prints its own lines).
import type { Summary } from './metrics.js';
import { DIMENSION_HEADER, failureText, type CompareDimension } from './report.js';
import type { BenchmarkProgress } from './runner.js';

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** "2/10 items · ETA 1:05" (plus a phase message or the last item's outcome). */
export function progressText(p: BenchmarkProgress): string {
  const parts = [`${p.done}/${p.total} items`];
  if (p.etaMs !== null) {
    parts.push(`ETA ${formatDuration(p.etaMs)}`);
  }
  if (p.failed > 0) {
    parts.push(`${p.failed} failed`);
  }
  if (p.message) {
    parts.push(p.message);
  } else if (p.item) {
    const what = p.item.failure && !p.item.hasPlot ? `failed at ${p.item.failure.split(':')[0]}` : !p.item.hasPlot ? 'no plot' : p.item.wrongLibrary ? 'wrong library' : 'plot';
    parts.push(`item ${p.item.id}: ${what}`);
  }
  return parts.join(' · ');
}

/** "cell 2/3 (seaborn) · 1/10 items · ETA 0:40". */
export function compareProgressText(index: number, cells: number, value: string, p: BenchmarkProgress): string {
  return `cell ${index + 1}/${cells} (${value}) · ${progressText(p)}`;
}

/**
 * "best library: seaborn (visual 80.0) · matplotlib 53.3": ranked by the visual mean, or by the task
 * mean when no run has a visual score (no ground truth or no visual judge).
 */
export function compareHeadline(summaries: readonly Summary[], dimension: CompareDimension): string {
  const kind = summaries.some((s) => s.visual.mean !== null) ? 'visual' : summaries.some((s) => s.task.mean !== null) ? 'task' : undefined;
  if (!kind) {
    return `${summaries.length} run${summaries.length === 1 ? '' : 's'}, no visual or task scores`;
  }
  const ranked = summaries.filter((s) => s[kind].mean !== null).sort((a, b) => (b[kind].mean as number) - (a[kind].mean as number));
  const [best, ...rest] = ranked as [Summary, ...Summary[]];
  const others = rest.map((s) => `${s[dimension]} ${score(s[kind].mean)}`);
  return [`best ${DIMENSION_HEADER[dimension]}: ${best[dimension]} (${kind} ${score(best[kind].mean)})`, ...others].join(' · ');
}

function score(value: number | null): string {
  return value === null ? '–' : value.toFixed(1);
}

/** The headline numbers of a summary in one line. */
export function headline(summary: Summary): string {
  const parts = [
    summary.repeats > 1 ? `${summary.items} run${summary.items === 1 ? '' : 's'} (repeats ${summary.repeats})` : `${summary.items} item${summary.items === 1 ? '' : 's'}`,
    `no plot ${score(summary.incorrectCodePct)} %`,
    `visual ${score(summary.visual.mean)}`,
    `task ${score(summary.task.mean)}`,
    `pixel ${score(summary.pixel.mean)}`,
  ];
  if (summary.wrongLibrary > 0) {
    parts.push(`wrong library ${summary.wrongLibrary}`);
  }
  if (summary.judgeErrors > 0) {
    parts.push(`judge errors ${summary.judgeErrors}`);
  }
  const failed = summary.failures ? Object.values(summary.failures).reduce((a, b) => a + b, 0) : 0;
  if (failed > 0) {
    parts.push(`failed ${failed} (${failureText(summary.failures)})`);
  }
  return parts.join(' · ');
}

/** "3, 7,12" → [3, 7, 12]; undefined when a part is not a whole number. */
export function parseIdList(text: string): number[] | undefined {
  const parts = text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0) {
    return undefined;
  }
  const ids = parts.map(Number);
  return ids.every((n) => Number.isInteger(n) && n >= 0) ? [...new Set(ids)] : undefined;
}

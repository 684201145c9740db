// Short texts about a run for a progress notification and the final message (the palette command;
// the CLI prints its own lines).
import type { Summary } from './metrics.js';
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
    parts.push(`${p.failed} not run`);
  }
  if (p.message) {
    parts.push(p.message);
  } else if (p.item) {
    const what = p.item.failure ? 'not run' : !p.item.hasPlot ? 'no plot' : p.item.wrongLibrary ? 'wrong library' : 'plot';
    parts.push(`item ${p.item.id}: ${what}`);
  }
  return parts.join(' · ');
}

function score(value: number | null): string {
  return value === null ? '–' : value.toFixed(1);
}

/** The headline numbers of a summary in one line. */
export function headline(summary: Summary): string {
  const parts = [
    `${summary.items} item${summary.items === 1 ? '' : 's'}${summary.repeats > 1 ? ` × ${summary.repeats}` : ''}`,
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

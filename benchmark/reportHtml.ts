// One HTML page for a results folder: the summary tables and one row per item and repeat (ground
// truth | generated | scores | code | error), filterable. By default self-contained (report.html):
// media/report.css and media/report.js inline, images as data URLs of the PNGs the runner saved
// (plots/<id>-<repeat>.png, gt/<id>.png). A webview passes `webview` instead: stylesheet, script
// and images are then URIs it may load, and the CSP allows exactly those. Style and script carry
// a `{{nonce}}` placeholder for the caller to fill (withRandomNonce).
//
// results.jsonl and summary.json are input, not trusted: an image is embedded only from
// plots/*.png or gt/*.png inside the results folder (symlinks resolved) and only if it is a PNG,
// and every field is escaped.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, realpathSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { packageRoot } from '../src/core/packageRoot.js';
import { effectiveScore, effectiveStructure, itemRecordSchema, type ItemRecord, type Summary } from './metrics.js';
import { positionBiasLine } from './positionCheck.js';
import { failureText, judgeSpreadLines } from './report.js';
import { STRUCTURE_PART_NAMES, structureRows } from './structureReport.js';
import type { ResultLine } from './resultStore.js';

export const NONCE_PLACEHOLDER = '{{nonce}}';

/** How a webview loads the page's resources. */
export interface WebviewResources {
  /** The webview's `cspSource` (the origin of the URIs below). */
  cspSource: string;
  styleUri: string;
  scriptUri: string;
  /** A URI for a file of the results folder, from its path relative to the folder. */
  imageUri: (relativePath: string) => string;
}

export interface ReportHtmlOptions {
  webview?: WebviewResources;
}

function mediaText(name: string): string {
  return readFileSync(join(packageRoot(), 'media', name), 'utf8');
}

/** The placeholder replaced by a fresh random nonce (a constant one would let injected markup run). */
export function withRandomNonce(html: string): string {
  return html.replaceAll(NONCE_PLACEHOLDER, randomBytes(18).toString('base64'));
}

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const IMAGE_PATH = /^(plots|gt)\/[\w.-]+\.png$/;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function startsLikePng(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(PNG_SIGNATURE.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(PNG_SIGNATURE);
  } finally {
    closeSync(fd);
  }
}

/**
 * The absolute path of an image of the results folder, or undefined when `relativePath` is not
 * plots/<name>.png or gt/<name>.png, leaves the folder (also through a symlink), or is not a PNG.
 */
export function confinedImagePath(resultsDir: string, relativePath: unknown): string | undefined {
  if (typeof relativePath !== 'string' || !IMAGE_PATH.test(relativePath)) {
    return undefined;
  }
  try {
    const root = realpathSync(resultsDir);
    const real = realpathSync(join(root, relativePath));
    const inside = relative(root, real);
    if (inside.startsWith('..') || inside.startsWith(sep) || inside !== relativePath.split('/').join(sep)) {
      return undefined;
    }
    return startsLikePng(real) ? real : undefined;
  } catch {
    return undefined;
  }
}

function dataUrl(path: string | undefined): string | undefined {
  return path ? `data:image/png;base64,${readFileSync(path).toString('base64')}` : undefined;
}

/** Extras are not validated by the record schema: keep only strings. */
function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** Every parsable record line (later lines win for the same id and repeat), extras kept. */
function readLines(dir: string): ResultLine[] {
  const path = join(dir, 'results.jsonl');
  if (!existsSync(path)) {
    return [];
  }
  const byKey = new Map<string, ResultLine>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') {
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    if (!itemRecordSchema.safeParse(value).success) {
      continue;
    }
    const raw = value as ResultLine;
    const record: ResultLine = { ...raw, task: stringOrNull(raw.task) ?? undefined, note: stringOrNull(raw.note), plot: stringOrNull(raw.plot) };
    const key = `${record.id}:${record.repeat}`;
    byKey.delete(key);
    byKey.set(key, record);
  }
  return [...byKey.values()].sort((a, b) => a.id - b.id || a.repeat - b.repeat);
}

function fmt(v: unknown, digits = 1): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '–';
}

function summaryTable(s: Summary): string {
  const rows = (['visual', 'task', 'pixel'] as const)
    .map((k) => `<tr><th>${k}</th><td>${fmt(s[k]?.mean)}</td><td>${fmt(s[k]?.std)}</td><td>${fmt(s[k]?.goodRatio, 2)}</td></tr>`)
    .join('');
  return `<table class="summary">
<tr><th>model</th><td>${escapeHtml(s.model)}</td><th>library</th><td>${escapeHtml(s.library)}</td><th>task variant</th><td>${escapeHtml(s.taskVariant)}</td><th>descriptor</th><td>${escapeHtml(s.descriptor)}</td></tr>
<tr><th>items</th><td>${escapeHtml(s.items)}</td><th>repeats</th><td>${escapeHtml(s.repeats)}</td><th>incorrect code</th><td>${fmt(s.incorrectCodePct)} %</td><th>code raised</th><td>${fmt(s.errorPct)} %</td></tr>
<tr><th>wrong library</th><td>${escapeHtml(s.wrongLibrary)}</td><th>judge errors</th><td>${escapeHtml(s.judgeErrors)}</td><th>time per item</th><td>${fmt(s.timePerItemS)} s</td><th>from cache</th><td>${escapeHtml(s.cachedRuns ?? 0)}</td></tr>
<tr><th>failed runs</th><td colspan="7" class="failures">${escapeHtml(failureText(s.failures))}</td></tr>
</table>
<table class="scores"><tr><th>score</th><th>mean</th><th>std</th><th>good (≥ 75)</th></tr>${rows}</table>
${calibrationHtml(s)}${structureHtml(s)}${selfDebugHtml(s)}`;
}

/** Judge spread (--judge-repeats) and position bias (--position-check), as summary.md words them. */
function calibrationHtml(s: Summary): string {
  const lines = [...judgeSpreadLines(s), ...positionBiasLine(s.positionBias)].map((line) => `<li>${escapeHtml(line.replace(/^- /, ''))}</li>`);
  return lines.length > 0 ? `<ul class="calibration">${lines.join('')}</ul>\n` : '';
}

/** The structure scores' table, when the run has them. */
function structureHtml(s: Summary): string {
  if (!s.structure) {
    return '';
  }
  const rows = structureRows(s.structure)
    .map(([part, ...values]) => `<tr><th>${escapeHtml(part)}</th>${values.map((v) => `<td>${escapeHtml(v)}</td>`).join('')}</tr>`)
    .join('');
  return `<h2>Structure scores</h2>
<table class="structure"><tr><th>part</th><th>mean</th><th>std</th><th>good (≥ 75)</th><th>items</th></tr>${rows}</table>
<p>Structure scores that could not be computed: ${escapeHtml(s.structure.errors)}.</p>
`;
}

/** Pass rate after each attempt and error types before and after repair, when the run repaired. */
function selfDebugHtml(s: Summary): string {
  const debug = s.selfDebug;
  if (!debug || debug.passAfterAttempt.length < 2) {
    return '';
  }
  const head = debug.passAfterAttempt.map((_, k) => `<th>after attempt ${k}</th>`).join('');
  const pass = debug.passAfterAttempt.map((v) => `<td>${fmt(v)} %</td>`).join('');
  const types = [...new Set([...Object.keys(debug.errorsBefore), ...Object.keys(debug.errorsAfter)])];
  const typeRows = types
    .map((t) => `<tr><th>${escapeHtml(t)}</th><td>${escapeHtml(debug.errorsBefore[t] ?? 0)}</td><td>${escapeHtml(debug.errorsAfter[t] ?? 0)}</td></tr>`)
    .join('');
  return `<h2>Self-debug</h2>
<table class="self-debug"><tr><th>runs with a plot</th>${head}</tr><tr><th>share</th>${pass}</tr></table>
${types.length > 0 ? `<table class="error-types"><tr><th>error type</th><th>before repair</th><th>after repair</th></tr>${typeRows}</table>` : ''}`;
}

function image(src: string | undefined, alt: string): string {
  return src ? `<img src="${escapeHtml(src)}" alt="${escapeHtml(alt)}" loading="lazy">` : `<div class="none">${escapeHtml(alt)}</div>`;
}

function scoreCell(record: ItemRecord): string {
  const lines = (['visual', 'task', 'pixel'] as const).map((k) => {
    const raw = record.scores[k];
    const eff = effectiveScore(record, k);
    const error = record.judgeErrors.find((e) => e.score === k);
    const text = error ? `<span class="err" title="${escapeHtml(error.message)}">judge error</span>` : fmt(eff ?? raw);
    return `<div><b>${k}</b> ${text}</div>`;
  });
  const structure = record.scores.structure;
  const structureError = record.structureError;
  if (structure) {
    const parts = (['chartType', 'layout', 'text', 'data', 'color', 'combined'] as const).map((part) => `${STRUCTURE_PART_NAMES[part]} ${fmt(effectiveStructure(record, part))}`);
    const skipped = structure.skipped.length > 0 ? ` title="skipped: ${escapeHtml(structure.skipped.join('; '))}"` : '';
    lines.push(`<div class="structure"${skipped}><b>structure</b> ${escapeHtml(parts.join(', '))}</div>`);
  } else if (typeof structureError === 'string') {
    lines.push(`<div><b>structure</b> <span class="err" title="${escapeHtml(structureError)}">not computed</span></div>`);
  }
  const flags = [
    record.failure ? `failed at ${record.failure.stage}` : !record.hasPlot ? 'no plot' : '',
    record.wrongLibrary ? 'wrong library' : '',
    record.cached ? 'answer from cache' : '',
  ].filter(Boolean);
  return lines.join('') + (flags.length ? `<div class="flag">${flags.join(', ')}</div>` : '');
}

type ImageSource = (relativePath: string) => string | undefined;

function itemRow(record: ResultLine, imageSrc: ImageSource, gtCache: Map<number, string | undefined>): string {
  if (!gtCache.has(record.id)) {
    gtCache.set(record.id, imageSrc(`gt/${record.id}.png`));
  }
  const gt = gtCache.get(record.id);
  const plot = imageSrc(record.plot ?? `plots/${record.id}-${record.repeat}.png`);
  const best = Math.max(...(['visual', 'task', 'pixel'] as const).map((k) => effectiveScore(record, k) ?? -1));
  const stage = record.failure && record.failure.reason !== record.error && record.failure.reason !== record.note ? `${record.failure.stage}: ${record.failure.reason}` : undefined;
  const problem = [stage, record.traceback ?? record.error, record.note].filter((t): t is string => Boolean(t)).join('\n');
  const search = [String(record.id), record.task ?? '', record.code, problem].join(' ').toLowerCase();
  const attrs = [
    `data-library="${escapeHtml(record.library)}"`,
    `data-plot="${record.hasPlot ? 'yes' : 'no'}"`,
    `data-stage="${escapeHtml(record.failure?.stage ?? '')}"`,
    `data-visual="${escapeHtml(effectiveScore(record, 'visual') ?? '')}"`,
    `data-task="${escapeHtml(effectiveScore(record, 'task') ?? '')}"`,
    `data-pixel="${escapeHtml(effectiveScore(record, 'pixel') ?? '')}"`,
    `data-best="${escapeHtml(best)}"`,
    `data-text="${escapeHtml(search)}"`,
  ].join(' ');
  return `<tr class="item" ${attrs}>
<td class="id">${escapeHtml(record.id)}${record.repeat > 0 ? `<br>#${escapeHtml(record.repeat)}` : ''}</td>
<td class="img">${image(gt, 'no ground truth')}</td>
<td class="img">${image(plot, 'no plot')}</td>
<td class="sc">${scoreCell(record)}</td>
<td class="code">${record.task ? `<details><summary>task</summary><p>${escapeHtml(record.task)}</p></details>` : ''}<pre>${escapeHtml(record.code || '(no code)')}</pre></td>
<td class="error"><pre>${escapeHtml(problem)}</pre>${record.judgeErrors.map((e) => `<pre class="err">${escapeHtml(`${e.score} judge: ${e.message}`)}</pre>`).join('')}</td>
</tr>`;
}



/** The report page for a results folder; `{{nonce}}` is left for the caller to fill. */
export function renderReportHtml(resultsDir: string, options: ReportHtmlOptions = {}): string {
  const summaryPath = join(resultsDir, 'summary.json');
  const summary = existsSync(summaryPath) ? (JSON.parse(readFileSync(summaryPath, 'utf8')) as Summary) : undefined;
  const records = readLines(resultsDir);
  const libraries = [...new Set(records.map((r) => r.library))].sort();
  const gtCache = new Map<number, string | undefined>();
  const web = options.webview;
  const imageSrc: ImageSource = web
    ? (relativePath) => (confinedImagePath(resultsDir, relativePath) ? web.imageUri(relativePath) : undefined)
    : (relativePath) => dataUrl(confinedImagePath(resultsDir, relativePath));
  const rows = records.map((r) => itemRow(r, imageSrc, gtCache)).join('\n');
  return reportPage(
    'PandasPlotBench report',
    `${summary ? summaryTable(summary) : '<p>No summary.json yet.</p>'}
<p>Every item × repeat has one record. Items without a plot (failed at generation or execution) or drawn with the wrong library score 0; a figure that could not be rendered to PNG is not scored; a judge error is excluded from the means. Failures are counted by stage.</p>
<div class="filters">
<label>library <select id="f-lib"><option value="">all</option>${libraries.map((l) => `<option>${escapeHtml(l)}</option>`).join('')}</select></label>
<label>plot <select id="f-plot"><option value="">all</option><option value="yes">has plot</option><option value="no">no plot</option></select></label>
<label>score <select id="f-kind"><option value="visual">visual</option><option value="task">task</option><option value="pixel">pixel</option><option value="best">best</option></select></label>
<label>from <input id="f-min" type="number" min="0" max="100" size="4"></label>
<label>to <input id="f-max" type="number" min="0" max="100" size="4"></label>
<label>text <input id="f-text" type="search" placeholder="id, task, code, error"></label>
<span id="count"></span>
</div>
<table id="items"><thead><tr><th>id</th><th>ground truth</th><th>generated</th><th>scores</th><th>code</th><th>error</th></tr></thead>
<tbody>
${rows}
</tbody></table>`,
    options,
  );
}

/** A page of the report (h1 = title) with media/report.css and media/report.js, under the CSP for `options`. */
export function reportPage(title: string, body: string, options: ReportHtmlOptions): string {
  const web = options.webview;
  const n = NONCE_PLACEHOLDER;
  const csp = web
    ? `default-src 'none'; img-src ${web.cspSource} data:; style-src ${web.cspSource}; script-src 'nonce-${n}';`
    : `default-src 'none'; img-src data:; style-src 'nonce-${n}'; script-src 'nonce-${n}';`;
  const style = web ? `<link rel="stylesheet" href="${escapeHtml(web.styleUri)}">` : `<style nonce="${n}">${mediaText('report.css')}</style>`;
  const script = web
    ? `<script nonce="${n}" src="${escapeHtml(web.scriptUri)}"></script>`
    : `<script nonce="${n}">${mediaText('report.js')}</script>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
${style}</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
${script}
</body></html>
`;
}

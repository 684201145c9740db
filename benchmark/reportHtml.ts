// One self-contained HTML page for a results folder: the summary tables and one row per item and
// repeat (ground truth | generated | scores | code | error), filterable. No external resources: CSS
// and script are inline and carry a `{{nonce}}` placeholder for a webview's Content-Security-Policy;
// images are data URLs of the PNGs the runner saved (plots/<id>-<repeat>.png, gt/<id>.png).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { effectiveScore, itemRecordSchema, type ItemRecord, type Summary } from './metrics.js';
import type { ResultLine } from './runner.js';

export const NONCE_PLACEHOLDER = '{{nonce}}';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function dataUrl(path: string): string | undefined {
  return existsSync(path) ? `data:image/png;base64,${readFileSync(path).toString('base64')}` : undefined;
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
    const record = value as ResultLine;
    const key = `${record.id}:${record.repeat}`;
    byKey.delete(key);
    byKey.set(key, record);
  }
  return [...byKey.values()].sort((a, b) => a.id - b.id || a.repeat - b.repeat);
}

function fmt(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined ? '–' : v.toFixed(digits);
}

function summaryTable(s: Summary): string {
  const rows = (['visual', 'task', 'pixel'] as const)
    .map((k) => `<tr><th>${k}</th><td>${fmt(s[k].mean)}</td><td>${fmt(s[k].std)}</td><td>${fmt(s[k].goodRatio, 2)}</td></tr>`)
    .join('');
  return `<table class="summary">
<tr><th>model</th><td>${escapeHtml(s.model)}</td><th>library</th><td>${escapeHtml(s.library)}</td><th>task variant</th><td>${escapeHtml(s.taskVariant)}</td><th>descriptor</th><td>${escapeHtml(s.descriptor)}</td></tr>
<tr><th>items</th><td>${s.items}</td><th>repeats</th><td>${s.repeats}</td><th>incorrect code</th><td>${fmt(s.incorrectCodePct)} %</td><th>code raised</th><td>${fmt(s.errorPct)} %</td></tr>
<tr><th>wrong library</th><td>${s.wrongLibrary}</td><th>judge errors</th><td>${s.judgeErrors}</td><th>time per item</th><td>${fmt(s.timePerItemS)} s</td><td></td><td></td></tr>
</table>
<table class="scores"><tr><th>score</th><th>mean</th><th>std</th><th>good (≥ 75)</th></tr>${rows}</table>`;
}

function image(src: string | undefined, alt: string): string {
  return src ? `<img src="${src}" alt="${escapeHtml(alt)}">` : `<div class="none">${escapeHtml(alt)}</div>`;
}

function scoreCell(record: ItemRecord): string {
  const lines = (['visual', 'task', 'pixel'] as const).map((k) => {
    const raw = record.scores[k];
    const eff = effectiveScore(record, k);
    const error = record.judgeErrors.find((e) => e.score === k);
    const text = error ? `<span class="err" title="${escapeHtml(error.message)}">judge error</span>` : fmt(eff ?? raw);
    return `<div><b>${k}</b> ${text}</div>`;
  });
  const flags = [!record.hasPlot ? 'no plot' : '', record.wrongLibrary ? 'wrong library' : ''].filter(Boolean);
  return lines.join('') + (flags.length ? `<div class="flag">${flags.join(', ')}</div>` : '');
}

function itemRow(dir: string, record: ResultLine, gtCache: Map<number, string | undefined>): string {
  if (!gtCache.has(record.id)) {
    gtCache.set(record.id, dataUrl(join(dir, 'gt', `${record.id}.png`)));
  }
  const gt = gtCache.get(record.id);
  const plot = dataUrl(join(dir, record.plot ?? `plots/${record.id}-${record.repeat}.png`));
  const best = Math.max(...(['visual', 'task', 'pixel'] as const).map((k) => effectiveScore(record, k) ?? -1));
  const problem = [record.error, record.note].filter((t): t is string => Boolean(t)).join('\n');
  const search = [String(record.id), record.task ?? '', record.code, problem].join(' ').toLowerCase();
  const attrs = [
    `data-library="${escapeHtml(record.library)}"`,
    `data-plot="${record.hasPlot ? 'yes' : 'no'}"`,
    `data-visual="${effectiveScore(record, 'visual') ?? ''}"`,
    `data-task="${effectiveScore(record, 'task') ?? ''}"`,
    `data-pixel="${effectiveScore(record, 'pixel') ?? ''}"`,
    `data-best="${best}"`,
    `data-text="${escapeHtml(search)}"`,
  ].join(' ');
  return `<tr class="item" ${attrs}>
<td class="id">${record.id}${record.repeat > 0 ? `<br>#${record.repeat}` : ''}</td>
<td class="img">${image(gt, 'no ground truth')}</td>
<td class="img">${image(plot, 'no plot')}</td>
<td class="sc">${scoreCell(record)}</td>
<td class="code">${record.task ? `<details><summary>task</summary><p>${escapeHtml(record.task)}</p></details>` : ''}<pre>${escapeHtml(record.code || '(no code)')}</pre></td>
<td class="error"><pre>${escapeHtml(problem)}</pre>${record.judgeErrors.map((e) => `<pre class="err">${escapeHtml(`${e.score} judge: ${e.message}`)}</pre>`).join('')}</td>
</tr>`;
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:16px;color:#222;background:#fff}
h1{font-size:20px}table{border-collapse:collapse}
.summary td,.summary th,.scores td,.scores th{border:1px solid #ccc;padding:3px 8px;text-align:left}
.scores{margin:8px 0 16px}
.filters{display:flex;flex-wrap:wrap;gap:12px;align-items:center;margin:12px 0;padding:8px;background:#f4f4f4}
#items{width:100%}#items th{position:sticky;top:0;background:#eee;padding:4px;text-align:left}
#items td{border-top:1px solid #ddd;padding:6px;vertical-align:top}
td.img img{max-width:280px;max-height:220px;border:1px solid #ddd}
td.code pre,td.error pre{max-width:420px;max-height:220px;overflow:auto;white-space:pre-wrap;font-size:12px;margin:0}
.none{width:200px;height:60px;display:flex;align-items:center;justify-content:center;color:#888;border:1px dashed #ccc}
.err{color:#b00}.flag{color:#b60;font-weight:bold}.hidden{display:none}
#count{color:#555}
`;

const SCRIPT = `
(function(){
  var q=function(id){return document.getElementById(id);};
  function apply(){
    var lib=q('f-lib').value, plot=q('f-plot').value, kind=q('f-kind').value;
    var lo=parseFloat(q('f-min').value), hi=parseFloat(q('f-max').value), text=q('f-text').value.trim().toLowerCase();
    var rows=document.querySelectorAll('tr.item'), shown=0;
    for(var i=0;i<rows.length;i++){
      var r=rows[i], ok=true;
      if(lib&&r.getAttribute('data-library')!==lib){ok=false;}
      if(plot&&r.getAttribute('data-plot')!==plot){ok=false;}
      var raw=r.getAttribute('data-'+kind), v=raw===''?NaN:parseFloat(raw);
      if((!isNaN(lo)||!isNaN(hi))&&isNaN(v)){ok=false;}
      if(!isNaN(lo)&&v<lo){ok=false;}
      if(!isNaN(hi)&&v>hi){ok=false;}
      if(text&&r.getAttribute('data-text').indexOf(text)<0){ok=false;}
      r.classList.toggle('hidden',!ok); if(ok){shown++;}
    }
    q('count').textContent=shown+' of '+rows.length+' shown';
  }
  ['f-lib','f-plot','f-kind','f-min','f-max','f-text'].forEach(function(id){q(id).addEventListener('input',apply);});
  apply();
})();
`;

/** The report page for a results folder; `{{nonce}}` is left for the caller to fill. */
export function renderReportHtml(resultsDir: string): string {
  const summaryPath = join(resultsDir, 'summary.json');
  const summary = existsSync(summaryPath) ? (JSON.parse(readFileSync(summaryPath, 'utf8')) as Summary) : undefined;
  const records = readLines(resultsDir);
  const libraries = [...new Set(records.map((r) => r.library))].sort();
  const gtCache = new Map<number, string | undefined>();
  const rows = records.map((r) => itemRow(resultsDir, r, gtCache)).join('\n');
  const n = NONCE_PLACEHOLDER;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'nonce-${n}'; script-src 'nonce-${n}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PandasPlotBench report</title>
<style nonce="${n}">${STYLE}</style></head>
<body>
<h1>PandasPlotBench report</h1>
${summary ? summaryTable(summary) : '<p>No summary.json yet.</p>'}
<p>Items without a plot or drawn with the wrong library score 0. A judge error is excluded from the means and counted.</p>
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
</tbody></table>
<script nonce="${n}">${SCRIPT}</script>
</body></html>
`;
}

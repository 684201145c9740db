// `plotwright bench agreement A B`: how far two sets of scores of the same results agree: two judges
// (two results folders of the same plots), or a judge and human scores (B a CSV of id,score). Pairs
// are matched by item id and repeat (by id alone when the CSV has no repeat column, the folder's
// repeats then averaged per item). Runs without a plot or with the wrong library are left out: their
// 0 is the benchmark's rule, not anyone's judgment.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { correlate, MIN_CORRELATION_N, type Correlation } from './correlation.js';
import { parseResults, STRUCTURE_SUMMARY_PARTS, type ItemRecord } from './metrics.js';
import { readRunConfig, resultsPath } from './resultStore.js';

export class AgreementError extends Error {}

export interface AgreementRow extends Correlation {
  /** The score of A ("visual", "task", "pixel", "structure.text", …); for a CSV, compared with B's score. */
  score: string;
}

export interface AgreementResult {
  a: string;
  b: string;
  /** 'id and repeat', or 'id' for a CSV without a repeat column. */
  matchedBy: 'id and repeat' | 'id';
  rows: AgreementRow[];
  /** Matched runs left out because their code differs (two folders of different plots). */
  differentCode: number;
}

type Scores = Map<string, number>;

function scoresOf(record: ItemRecord): Scores {
  const scores: Scores = new Map();
  if (!record.hasPlot || record.wrongLibrary) {
    return scores;
  }
  for (const kind of ['visual', 'task', 'pixel'] as const) {
    const value = record.scores[kind];
    if (value !== null) {
      scores.set(kind, value);
    }
  }
  for (const part of STRUCTURE_SUMMARY_PARTS) {
    const value = record.scores.structure?.[part];
    if (value !== null && value !== undefined) {
      scores.set(`structure.${part}`, value);
    }
  }
  return scores;
}

function readFolder(dir: string, name: string): ItemRecord[] {
  if (!existsSync(dir)) {
    throw new AgreementError(`${name} (${dir}) does not exist`);
  }
  if (!statSync(dir).isDirectory()) {
    throw new AgreementError(`${name} (${dir}) is a file: give a results folder of \`plotwright bench\`${name === 'B' ? ' or a CSV of id,score' : ''}`);
  }
  const path = resultsPath(dir);
  if (!existsSync(path)) {
    throw new AgreementError(`${name} (${dir}) holds no results.jsonl: give a results folder of \`plotwright bench\``);
  }
  const { records } = parseResults(readFileSync(path, 'utf8'));
  // Later lines win for the same item × repeat, as in the summary.
  const byKey = new Map<string, ItemRecord>();
  for (const record of records) {
    byKey.set(`${record.id}:${record.repeat}`, record);
  }
  return [...byKey.values()];
}

interface HumanScores {
  hasRepeat: boolean;
  scores: Map<string, number>;
}

/** id,score or id,repeat,score; a header line is optional. */
export function parseScoreCsv(text: string, path: string): HumanScores {
  const lines = text.split(/\r?\n/).map((line, index) => ({ line: line.trim(), number: index + 1 })).filter((l) => l.line !== '');
  if (lines.length === 0) {
    throw new AgreementError(`${path} is empty: expected lines of id,score`);
  }
  const first = lines[0]!.line.split(',').map((c) => c.trim().toLowerCase());
  const header = first.some((c) => /[a-z]/.test(c));
  const columns = header ? first : first.length === 3 ? ['id', 'repeat', 'score'] : ['id', 'score'];
  const idAt = columns.indexOf('id');
  const scoreAt = columns.indexOf('score');
  const repeatAt = columns.indexOf('repeat');
  if (idAt < 0 || scoreAt < 0) {
    throw new AgreementError(`${path}: the header must name the columns id and score (and optionally repeat), got '${lines[0]!.line}'`);
  }
  const scores = new Map<string, number>();
  for (const { line, number } of header ? lines.slice(1) : lines) {
    const cells = line.split(',').map((c) => c.trim());
    const id = Number(cells[idAt]);
    const repeat = repeatAt >= 0 ? Number(cells[repeatAt]) : 0;
    const score = Number(cells[scoreAt]);
    if (cells.length !== columns.length || !Number.isInteger(id) || !Number.isInteger(repeat) || repeat < 0 || cells[scoreAt] === '' || !Number.isFinite(score) || score < 0 || score > 100) {
      throw new AgreementError(`${path} line ${number}: expected ${columns.join(',')} with a whole-number id and a score from 0 to 100, got '${line}'`);
    }
    const key = repeatAt >= 0 ? `${id}:${repeat}` : `${id}`;
    if (scores.has(key)) {
      throw new AgreementError(`${path} line ${number}: item ${repeatAt >= 0 ? `${id} repeat ${repeat}` : id} has a score already`);
    }
    scores.set(key, score);
  }
  return { hasRepeat: repeatAt >= 0, scores };
}

function rowsOf(pairs: Map<string, Array<[number, number]>>): AgreementRow[] {
  return [...pairs.entries()].map(([score, list]) => ({ score, ...correlate(list) }));
}

export function agreement(aPath: string, bPath: string): AgreementResult {
  const a = resolve(aPath);
  const b = resolve(bPath);
  const aRecords = readFolder(a, 'A');
  if (!existsSync(b)) {
    throw new AgreementError(`B (${b}) does not exist`);
  }
  const pairs = new Map<string, Array<[number, number]>>();
  const add = (score: string, x: number, y: number) => {
    const list = pairs.get(score) ?? [];
    list.push([x, y]);
    pairs.set(score, list);
  };

  if (statSync(b).isFile()) {
    const human = parseScoreCsv(readFileSync(b, 'utf8'), b);
    // Per key: A's scores, averaged over the item's repeats when the CSV names items only.
    const sums = new Map<string, Map<string, { sum: number; count: number }>>();
    for (const record of aRecords) {
      const key = human.hasRepeat ? `${record.id}:${record.repeat}` : `${record.id}`;
      const perScore = sums.get(key) ?? new Map<string, { sum: number; count: number }>();
      for (const [score, value] of scoresOf(record)) {
        const entry = perScore.get(score) ?? { sum: 0, count: 0 };
        entry.sum += value;
        entry.count++;
        perScore.set(score, entry);
      }
      sums.set(key, perScore);
    }
    const shared = [...human.scores.keys()].filter((key) => sums.has(key));
    if (shared.length === 0) {
      throw new AgreementError(`no item of ${b} is in ${a}: the CSV's ids must be item ids of that run`);
    }
    for (const key of shared) {
      for (const [score, entry] of sums.get(key)!) {
        add(score, entry.sum / entry.count, human.scores.get(key)!);
      }
    }
    if (pairs.size === 0) {
      throw new AgreementError(`${a} has no judged plot among the items of ${b}: nothing to compare`);
    }
    return { a, b, matchedBy: human.hasRepeat ? 'id and repeat' : 'id', rows: rowsOf(pairs), differentCode: 0 };
  }

  const bRecords = readFolder(b, 'B');
  const aHash = readRunConfig(a)?.datasetHash;
  const bHash = readRunConfig(b)?.datasetHash;
  if (aHash && bHash && aHash !== bHash) {
    throw new AgreementError(`A and B were run on different items (dataset hash ${aHash} against ${bHash}): their ids do not name the same plots`);
  }
  const bByKey = new Map(bRecords.map((r) => [`${r.id}:${r.repeat}`, r]));
  let matched = 0;
  let differentCode = 0;
  for (const record of aRecords) {
    const other = bByKey.get(`${record.id}:${record.repeat}`);
    if (!other) {
      continue;
    }
    matched++;
    if (other.code !== record.code) {
      differentCode++;
      continue;
    }
    const bScores = scoresOf(other);
    for (const [score, value] of scoresOf(record)) {
      const otherValue = bScores.get(score);
      if (otherValue !== undefined) {
        add(score, value, otherValue);
      }
    }
  }
  if (matched === 0) {
    throw new AgreementError(`A and B share no item × repeat: are they results of the same run's items?`);
  }
  if (matched === differentCode) {
    throw new AgreementError(`every shared item × repeat of A and B has different code: they judged different plots (run B with A's generator and cache)`);
  }
  if (pairs.size === 0) {
    throw new AgreementError(`A and B have no score in common on their shared runs with a plot`);
  }
  return { a, b, matchedBy: 'id and repeat', rows: rowsOf(pairs), differentCode };
}

/** The agreement as a Markdown table with a line on how pairs were matched. */
export function agreementMarkdown(result: AgreementResult): string {
  const fixed = (v: number | null) => (v === null ? '–' : v.toFixed(3));
  const lines = [
    `# Agreement`,
    '',
    `A: ${result.a}`,
    `B: ${result.b}`,
    '',
    `Pairs matched by ${result.matchedBy}; runs without a plot or with the wrong library are left out.${result.differentCode > 0 ? ` ${result.differentCode} matched run(s) left out because their code differs.` : ''}`,
    '',
    `| score | n | Pearson | Spearman |`,
    '| --- | ---: | ---: | ---: |',
    ...result.rows.map((r) => `| ${r.score} | ${r.n} | ${r.n < MIN_CORRELATION_N ? 'n too small' : fixed(r.pearson)} | ${r.n < MIN_CORRELATION_N ? 'n too small' : fixed(r.spearman)} |`),
    '',
  ];
  return lines.join('\n');
}


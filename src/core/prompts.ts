// Prompt templates live as text files in prompts/; this module fills them and builds the messages.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ChatMessage } from '../llm/chatModel.js';
import { packageRoot } from './packageRoot.js';

export type PlotLibrary = 'matplotlib' | 'seaborn' | 'plotly';
export const PLOT_LIBRARIES: readonly PlotLibrary[] = ['matplotlib', 'seaborn', 'plotly'];

export type TaskDetail = 'full' | 'short' | 'single';
export const TASK_DETAILS: readonly TaskDetail[] = ['full', 'short', 'single'];

export interface PromptTemplates {
  /** Changes whenever any template's text changes; part of every cache key and of provenance. */
  version: string;
  get(name: string): string;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? listFiles(path) : name.endsWith('.txt') ? [path] : [];
    });
}

const loaded = new Map<string, PromptTemplates>();

export function loadPromptTemplates(dir = join(packageRoot(), 'prompts')): PromptTemplates {
  const existing = loaded.get(dir);
  if (existing) {
    return existing;
  }
  const texts = new Map<string, string>();
  const hash = createHash('sha256');
  for (const file of listFiles(dir)) {
    const name = relative(dir, file).replace(/\\/g, '/').replace(/\.txt$/, '');
    const text = readFileSync(file, 'utf8').trimEnd();
    texts.set(name, text);
    hash.update(name).update('\0').update(text).update('\0');
  }
  const templates: PromptTemplates = {
    version: `prompts-${hash.digest('hex').slice(0, 10)}`,
    get(name) {
      const text = texts.get(name);
      if (text === undefined) {
        throw new Error(`Missing prompt template '${name}.txt' in ${dir}`);
      }
      return text;
    },
  };
  loaded.set(dir, templates);
  return templates;
}

/** Replaces {{name}} placeholders; an unknown placeholder is a programming error. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) {
      throw new Error(`No value for prompt placeholder {{${key}}}`);
    }
    return value;
  });
}

export interface PlotPromptInput {
  library: PlotLibrary;
  task: string;
  /** The data part: formatDescription(...) output. */
  dataDescription: string;
  variable: string;
  /** e.g. { python: '3.11.2', pandas: '1.5.3', matplotlib: '3.6.3' }; omitted when unknown. */
  versions?: Record<string, string | undefined>;
  /** A follow-up: `task` is then the change to make to this code. */
  previous?: PreviousCode;
}

export interface PreviousCode {
  /** The code as it is now, edits included. */
  code: string;
  /** The traceback of its last run, when it failed. */
  error?: string;
  /** What the plot checks found on its last figure, when it ran. */
  lint?: string[];
}

export function formatVersions(versions: Record<string, string | undefined>): string {
  return Object.entries(versions)
    .filter((entry): entry is [string, string] => Boolean(entry[1]))
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
}

export function buildPlotMessages(templates: PromptTemplates, input: PlotPromptInput): ChatMessage[] {
  const parts = [templates.get(`library/${input.library}`)];
  const versions = input.versions ? formatVersions(input.versions) : '';
  if (versions) {
    parts.push(fillTemplate(templates.get('environment'), { versions }));
  }
  parts.push(fillTemplate(templates.get('data'), { variable: input.variable, description: input.dataDescription }));
  if (input.previous) {
    const lint = input.previous.lint?.length ? fillTemplate(templates.get('refine-lint'), { findings: input.previous.lint.map((finding) => `- ${finding}`).join('\n') }) : '';
    const lastRun = input.previous.error
      ? `\n\n${fillTemplate(templates.get('refine-last-error'), { error: input.previous.error })}`
      : lint
        ? `\n\n${lint}`
        : '';
    parts.push(fillTemplate(templates.get('refine'), { code: input.previous.code.trim(), lastRun, instruction: input.task.trim() }));
  } else {
    parts.push(fillTemplate(templates.get('task'), { task: input.task.trim() }));
  }
  return [
    { role: 'system', content: templates.get('system') },
    { role: 'user', content: parts.join('\n\n') },
  ];
}

export function buildShortenMessages(templates: PromptTemplates, task: string, detail: 'short' | 'single'): ChatMessage[] {
  return [
    { role: 'system', content: templates.get('shorten-system') },
    { role: 'user', content: fillTemplate(templates.get(`shorten-${detail}`), { task: task.trim() }) },
  ];
}

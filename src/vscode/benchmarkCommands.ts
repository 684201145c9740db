// "Run PandasPlotBench…" and "Open Benchmark Report": quick picks for the CLI's choices, then the
// same runner as `plotwright bench` in a cancellable progress notification. Thin: the work is in
// benchmark/ (runner, dataset, report) and src/kernel (Python, browser).
import { existsSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { loadDataset, TASK_VARIANTS, type LoadedDataset, type TaskVariant } from '../../benchmark/dataset.js';
import type { JudgeKind } from '../../benchmark/judge.js';
import { renderReportHtml } from '../../benchmark/reportHtml.js';
import { isRunFolder, listRunFolders, RESULTS_ROOT, runFolderName } from '../../benchmark/runFolders.js';
import { BenchmarkConfigError, runBenchmark, type BenchmarkOptions, type BenchmarkResult } from '../../benchmark/runner.js';
import { headline, parseIdList, progressText } from '../../benchmark/runText.js';
import type { DescriptorMode } from '../core/describe.js';
import { loadPromptTemplates, PLOT_LIBRARIES, type PlotLibrary } from '../core/prompts.js';
import { findBrowser } from '../kernel/browserPath.js';
import { DEFAULT_PYTHON_FALLBACKS, PythonNotFoundError, resolvePython, type ResolvedPython } from '../kernel/python.js';
import type { ChatModel } from '../llm/chatModel.js';
import { LlmError } from '../llm/errors.js';
import { createChatModel } from '../llm/openaiClient.js';
import { API_KEY_SECRET, chatModelFromSettings } from './chatModels.js';
import { isCancellation, UserFixableError } from './errorPresenter.js';
import { signalFrom } from './plotFlow.js';
import type { BenchmarkReportPanels } from './reportPanel.js';
import { readSettings, type PlotwrightSettings } from './settings.js';

/** What the quick picks decide; a caller (a button, a test) may pass some of it as the command's argument. */
export interface BenchmarkChoices {
  /** `hf`, a dataset file, or `browse` to ask for a file. */
  dataset?: string;
  library?: PlotLibrary;
  taskVariant?: TaskVariant;
  descriptor?: DescriptorMode;
  outDir?: string;
}

type Pick<T> = vscode.QuickPickItem & { value: T };

const VARIANT_DETAIL: Record<TaskVariant, string> = {
  full: 'The plot description and the style description, as the paper',
  'no-style': 'The plot description without the style',
  short: "The dataset's two- or three-sentence task",
  single: "The dataset's one-sentence task",
  none: 'Only "plot the given DataFrame"',
};

const DESCRIPTOR_DETAIL: Record<DescriptorMode, string> = {
  head: 'Shape, dtypes and the first five rows',
  rich: 'Also null counts, distinct values and numeric ranges',
  none: 'Only the variable name',
};

function openSettings(key: string): { title: string; command: string; args: unknown[] } {
  return { title: 'Open Settings', command: 'workbench.action.openSettings', args: [key] };
}

async function pick<T>(items: Array<Pick<T>>, title: string, placeHolder?: string): Promise<T | undefined> {
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder, ignoreFocusOut: true, matchOnDetail: true });
  return picked?.value;
}

/** The interpreter the Python extension has selected for the folder, when it is installed and answers. */
async function pythonExtensionInterpreter(resource: vscode.Uri | undefined): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (!extension) {
    return undefined;
  }
  try {
    const api = extension.isActive ? extension.exports : await extension.activate();
    const active = api.environments?.getActiveEnvironmentPath(resource);
    if (!active) {
      return undefined;
    }
    const resolved = await api.environments?.resolveEnvironment(active);
    return resolved?.executable.uri?.fsPath ?? active.path;
  } catch {
    return undefined;
  }
}

/** The few members of the Python extension's API used here. */
interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string };
    resolveEnvironment(environment: { id: string; path: string }): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
  };
}

async function findPython(settings: PlotwrightSettings, resource: vscode.Uri | undefined, library: PlotLibrary): Promise<ResolvedPython> {
  const explicit = settings.pythonPath || (await pythonExtensionInterpreter(resource));
  let python: ResolvedPython;
  try {
    python = await resolvePython({ ...(explicit ? { explicit } : {}), fallbacks: DEFAULT_PYTHON_FALLBACKS });
  } catch (error) {
    if (error instanceof PythonNotFoundError) {
      throw new UserFixableError(
        `${error.message.replace('with --python or PLOTWRIGHT_PYTHON', 'with the setting plotwright.pythonPath')}`,
        [openSettings('plotwright.pythonPath')],
      );
    }
    throw error;
  }
  const needed = library === 'matplotlib' ? undefined : library;
  if (needed && python.versions[needed] === undefined) {
    throw new UserFixableError(
      `${needed} is not installed in ${python.path}. Install it (${python.path} -m pip install ${needed}, or sudo apt-get install python3-${needed}) ` +
        'or point plotwright.pythonPath at a Python that has it.',
      [openSettings('plotwright.pythonPath')],
    );
  }
  return python;
}

export function registerBenchmarkCommands(
  context: vscode.ExtensionContext,
  register: (id: string, handler: (...args: unknown[]) => Promise<unknown>) => void,
  reports: BenchmarkReportPanels,
  log: vscode.LogOutputChannel,
): void {
  const workspaceFolder = (): vscode.Uri | undefined => vscode.workspace.workspaceFolders?.[0]?.uri;

  async function pickDatasetSource(preset: string | undefined): Promise<string | undefined> {
    let source = preset;
    if (!source) {
      const files = await vscode.workspace.findFiles('**/*.{parquet,jsonl}', `**/{node_modules,.git,${RESULTS_ROOT}}/**`, 20);
      source = await pick<string>(
        [
          { label: '$(cloud-download) PandasPlotBench from Hugging Face', detail: 'JetBrains-Research/PandasPlotBench, test split (175 items); downloaded once and cached', value: 'hf' },
          ...files.map((uri) => ({ label: `$(file) ${vscode.workspace.asRelativePath(uri)}`, detail: 'A file of this workspace', value: uri.fsPath })),
          { label: '$(folder-opened) Choose a file…', detail: 'A .parquet, .jsonl or .json file in the PandasPlotBench schema', value: 'browse' },
        ],
        'Run PandasPlotBench: dataset',
        'Where the items come from',
      );
    }
    if (source === 'browse') {
      const picked = await vscode.window.showOpenDialog({
        canSelectMany: false,
        filters: { 'PandasPlotBench dataset': ['parquet', 'jsonl', 'json'] },
        title: 'Run PandasPlotBench: dataset file',
        openLabel: 'Use Dataset',
      });
      source = picked?.[0]?.fsPath;
    }
    return source;
  }

  async function loadItems(source: string): Promise<LoadedDataset> {
    let dataset: LoadedDataset;
    try {
      dataset = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: source === 'hf' ? 'PandasPlotBench: downloading the dataset' : 'PandasPlotBench: reading the dataset', cancellable: true },
        (_progress, token) => loadDataset(source, { signal: signalFrom(token), log: (message) => log.info(message) }),
      );
    } catch (error) {
      if (isCancellation(error)) {
        throw error;
      }
      // The loader's hint names the CLI's flag; here the fix is the button.
      const message = (error instanceof Error ? error.message : String(error)).replace(/;\s*pass a local --dataset [^)]*$/, '');
      if (source === 'hf') {
        throw new UserFixableError(
          `Could not download PandasPlotBench from Hugging Face (${message}). Without internet access, pick a local .parquet, .jsonl or .json file in the same schema.`,
          [{ title: 'Pick a Local File', command: 'plotwright.runBenchmark', args: [{ dataset: 'browse' }] }],
        );
      }
      throw new Error(`Could not read the dataset ${source}: ${message}`);
    }
    for (const rowError of dataset.errors) {
      log.warn(`dataset row ${rowError.index}${rowError.id === undefined ? '' : ` (id ${rowError.id})`} skipped: ${rowError.message}`);
    }
    if (dataset.items.length === 0) {
      throw new Error(`${source} has no valid PandasPlotBench rows${dataset.errors[0] ? ` (first problem: ${dataset.errors[0].message})` : ''}.`);
    }
    return dataset;
  }

  async function pickItems(dataset: LoadedDataset): Promise<{ ids?: number[]; limit?: number } | undefined> {
    const n = dataset.items.length;
    const skipped = dataset.errors.length > 0 ? ` (${dataset.errors.length} invalid row(s) skipped; see the log)` : '';
    const how = await pick<'all' | 'first' | 'ids'>(
      [
        { label: `All ${n} items`, detail: `Every valid row${skipped}`, value: 'all' },
        { label: 'The first N items…', value: 'first' },
        { label: 'Only these ids…', detail: `ids ${dataset.items.slice(0, 8).map((i) => i.id).join(', ')}${n > 8 ? ', …' : ''}`, value: 'ids' },
      ],
      'Run PandasPlotBench: items',
    );
    if (how === 'all') {
      return {};
    }
    if (how === 'first') {
      const text = await vscode.window.showInputBox({
        title: 'Run PandasPlotBench: how many items?',
        value: String(Math.min(10, n)),
        ignoreFocusOut: true,
        validateInput: (value) => (/^\d+$/.test(value.trim()) && Number(value) >= 1 ? undefined : `A whole number from 1 to ${n}`),
      });
      return text === undefined ? undefined : { limit: Math.min(n, Number(text.trim())) };
    }
    if (how === 'ids') {
      const known = new Set(dataset.items.map((i) => i.id));
      const text = await vscode.window.showInputBox({
        title: 'Run PandasPlotBench: item ids',
        placeHolder: 'e.g. 3, 7, 12',
        ignoreFocusOut: true,
        validateInput: (value) => {
          const ids = parseIdList(value);
          if (!ids) {
            return 'Whole numbers separated by commas';
          }
          const missing = ids.filter((id) => !known.has(id));
          return missing.length > 0 ? `Not in the dataset: ${missing.join(', ')}` : undefined;
        },
      });
      return text === undefined ? undefined : { ids: parseIdList(text) as number[] };
    }
    return undefined;
  }

  async function judgeModelFor(settings: PlotwrightSettings, judges: JudgeKind[]): Promise<ChatModel | undefined> {
    if (judges.length === 0) {
      return undefined;
    }
    if (settings.provider === 'vscode-lm' && !settings.judgeBaseUrl && !settings.judgeModel) {
      throw new UserFixableError(
        "The judge looks at images, which VS Code's language models do not take here: set plotwright.judgeBaseUrl and plotwright.judgeModel to a multimodal OpenAI-compatible endpoint, or run without a judge.",
        [openSettings('plotwright.judge')],
      );
    }
    return createChatModel({
      model: settings.judgeModel || settings.model,
      baseUrl: settings.judgeBaseUrl || settings.baseUrl || undefined,
      apiKey: (await context.secrets.get(API_KEY_SECRET)) || undefined,
      timeoutMs: settings.requestTimeoutSeconds * 1000,
      logger: log,
    });
  }

  async function defaultOutDir(model: string, library: PlotLibrary): Promise<string | undefined> {
    const root = workspaceFolder()?.fsPath ?? join(homedir(), 'plotwright');
    const suggested = join(root, RESULTS_ROOT, runFolderName(new Date(), model, library));
    return vscode.window.showInputBox({
      title: 'Run PandasPlotBench: results folder',
      prompt: 'results.jsonl, summary.json, summary.md, report.html and the plots go here. A folder that already holds this run is resumed.',
      value: suggested,
      valueSelection: [suggested.length - basename(suggested).length, suggested.length],
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() ? undefined : 'A folder path'),
    });
  }

  register('plotwright.runBenchmark', async (argument) => {
    const preset = (argument && typeof argument === 'object' ? argument : {}) as BenchmarkChoices;
    const resource = workspaceFolder();
    const settings = readSettings(resource);

    const source = await pickDatasetSource(preset.dataset);
    if (!source) {
      return undefined;
    }
    const dataset = await loadItems(source);
    const library =
      preset.library ??
      (await pick<PlotLibrary>(
        PLOT_LIBRARIES.map((l) => ({ label: l, description: l === settings.library ? 'plotwright.library' : undefined, value: l })).sort(
          (a, b) => Number(b.value === settings.library) - Number(a.value === settings.library),
        ),
        'Run PandasPlotBench: library',
        'The plotting library the model must use',
      ));
    if (!library) {
      return undefined;
    }
    const taskVariant =
      preset.taskVariant ?? (await pick<TaskVariant>(TASK_VARIANTS.map((v) => ({ label: v, detail: VARIANT_DETAIL[v], value: v })), 'Run PandasPlotBench: task variant', 'How much of the task the model gets'));
    if (!taskVariant) {
      return undefined;
    }
    const descriptors: DescriptorMode[] = ['head', 'rich', 'none'];
    const descriptor =
      preset.descriptor ??
      (await pick<DescriptorMode>(
        descriptors
          .map((d) => ({ label: d, detail: DESCRIPTOR_DETAIL[d], description: d === settings.dataDescription ? 'plotwright.dataDescription' : undefined, value: d }))
          .sort((a, b) => Number(b.value === settings.dataDescription) - Number(a.value === settings.dataDescription)),
        'Run PandasPlotBench: data descriptor',
        'How df is described to the model',
      ));
    if (!descriptor) {
      return undefined;
    }
    const selection = await pickItems(dataset);
    if (!selection) {
      return undefined;
    }
    const judgeName = settings.judgeModel || settings.model;
    const judges = await pick<JudgeKind[]>(
      [
        { label: 'Visual and task', detail: `${judgeName} scores the plot against the ground truth image and against the task`, value: ['visual', 'task'] },
        { label: 'Visual only', detail: 'Against the ground truth image', value: ['visual'] },
        { label: 'Task only', detail: 'Against the task text', value: ['task'] },
        { label: 'No judge', detail: 'Only the free pixel score against the ground truth', value: [] },
      ],
      'Run PandasPlotBench: judges',
    );
    if (!judges) {
      return undefined;
    }
    const selfDebug = await pick<number>(
      [0, 1, 2, 3].map((n) => ({ label: String(n), detail: n === 0 ? 'No repair, as the paper' : `Up to ${n} repair round(s) from the traceback`, value: n })),
      'Run PandasPlotBench: self-debug rounds',
    );
    if (selfDebug === undefined) {
      return undefined;
    }
    const outDir = (preset.outDir ?? (await defaultOutDir(settings.model, library)))?.trim();
    if (!outDir) {
      return undefined;
    }

    // Checked before the run so a missing Python, package or browser is one clear message.
    const python = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'PandasPlotBench: looking for Python' }, () =>
      findPython(settings, resource, library),
    );
    log.info(`PandasPlotBench: Python ${python.versions.python} at ${python.path}`);
    let browser: string | undefined;
    if (library === 'plotly') {
      browser = findBrowser(settings.browserPath ? { explicit: settings.browserPath } : {});
      if (!browser) {
        throw new UserFixableError(
          settings.browserPath
            ? `plotwright.browserPath points to ${settings.browserPath}, which does not exist. Plotly figures become PNG in a Chromium, Chrome or Edge browser.`
            : 'Plotly figures become PNG in a Chromium, Chrome or Edge browser, and none was found (PLOTWRIGHT_CHROMIUM, chromium, google-chrome, msedge). Install one (Debian/Ubuntu: sudo apt-get install chromium) or set plotwright.browserPath.',
          [openSettings('plotwright.browserPath')],
        );
      }
    }
    const model = await chatModelFromSettings(settings, context.secrets, log);
    const judgeModel = await judgeModelFor(settings, judges);

    const options: BenchmarkOptions = {
      dataset: source,
      items: dataset.items,
      ...selection,
      library,
      taskVariant,
      descriptor,
      model,
      ...(judgeModel ? { judgeModel } : {}),
      judges,
      selfDebug,
      outDir,
      resume: isRunFolder(outDir),
      python: python.path,
      templates: loadPromptTemplates(join(context.extensionPath, 'prompts')),
      ...(browser ? { plotly: { executablePath: browser } } : {}),
    };
    log.info(`PandasPlotBench: ${JSON.stringify({ ...options, items: dataset.items.length, model: model.model, judgeModel: judgeModel?.model, templates: undefined })}`);
    let result: BenchmarkResult;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `PandasPlotBench (${model.model}, ${library})`, cancellable: true },
        async (progress, token) => {
          let reported = 0;
          return runBenchmark(options, {
            signal: signalFrom(token),
            onProgress: (p) => {
              const increment = p.total > 0 ? ((p.done - reported) / p.total) * 100 : 0;
              reported = p.done;
              progress.report({ message: progressText(p), increment });
              if (p.item?.failure) {
                log.warn(`item ${p.item.id}: not run: ${p.item.failure}`);
              }
            },
          });
        },
      );
    } catch (error) {
      // The runner wraps what stopped it; the model's own error carries the fix (key, URL, model).
      if (error instanceof Error && error.cause instanceof LlmError) {
        throw error.cause;
      }
      if (error instanceof BenchmarkConfigError) {
        throw new Error(error.message.replace(/--out/g, 'results folder'));
      }
      throw error;
    }
    try {
      writeFileSync(join(outDir, 'report.html'), renderReportHtml(outDir).replaceAll('{{nonce}}', 'plotwright'));
    } catch (error) {
      log.warn(`could not write report.html: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (result.cancelled) {
      log.info(`PandasPlotBench cancelled; partial summary in ${outDir}`);
      return { outDir, cancelled: true };
    }
    const notRun = result.failures.length > 0 ? ` · ${result.failures.length} not run (see the log)` : '';
    void vscode.window.showInformationMessage(`PandasPlotBench: ${headline(result.summary)}${notRun}`, 'Open Report').then((choice) => {
      if (choice === 'Open Report') {
        reports.show(outDir);
      }
    });
    return { outDir, cancelled: false };
  });

  register('plotwright.openBenchmarkReport', async (argument) => {
    let dir = argument instanceof vscode.Uri ? argument.fsPath : typeof argument === 'string' ? argument : undefined;
    if (!dir) {
      const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => join(f.uri.fsPath, RESULTS_ROOT)).filter((root) => existsSync(root));
      const runs = roots.flatMap((root) => listRunFolders(root)).sort((a, b) => b.modifiedMs - a.modifiedMs);
      dir = await pick<string>(
        [
          ...runs.map((run) => ({
            label: run.name,
            description: new Date(run.modifiedMs).toLocaleString(),
            detail: run.summary ? headline(run.summary) : 'no summary yet',
            value: run.path,
          })),
          { label: '$(folder-opened) Choose a folder…', detail: 'Any folder with results.jsonl (a run of the palette or of plotwright bench)', value: '' },
        ],
        'Open Benchmark Report: results folder',
        runs.length > 0 ? 'Recent runs under bench-results' : 'No runs under bench-results yet',
      );
      if (dir === undefined) {
        return undefined;
      }
      if (dir === '') {
        const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, title: 'Open Benchmark Report: results folder', openLabel: 'Open Report' });
        dir = picked?.[0]?.fsPath;
        if (!dir) {
          return undefined;
        }
      }
    }
    if (!isRunFolder(dir)) {
      throw new Error(`${dir} holds no benchmark results (results.jsonl or summary.json).`);
    }
    reports.show(dir);
    return dir;
  });
}

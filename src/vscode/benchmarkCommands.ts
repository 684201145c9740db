// "Run PandasPlotBench…", "Compare on PandasPlotBench…" and "Open Benchmark Report": quick picks for
// the CLI's choices (one set of steps for both runs), then the same runner as `plotwright bench` and
// `plotwright bench compare` in a cancellable progress notification. Thin: the work is in benchmark/
// (runner, compare, dataset, report) and src/kernel (Python, browser).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { runCompare, type CompareCell, type CompareGrid } from '../../benchmark/compare.js';
import { loadDataset, TASK_VARIANTS, type LoadedDataset, type TaskVariant } from '../../benchmark/dataset.js';
import type { JudgeKind } from '../../benchmark/judge.js';
import { COMPARE_DIMENSIONS, DIMENSION_PLURAL, variedDimension, type CompareDimension } from '../../benchmark/report.js';
import { compareFolderName, isCompareFolder, isRunFolder, listRunFolders, RESULTS_ROOT, runFolderName, type RunFolder } from '../../benchmark/runFolders.js';
import { BenchmarkConfigError, runBenchmark, type BenchmarkOptions, type BenchmarkResult } from '../../benchmark/runner.js';
import { listTasks, TASKS_FOLDER } from '../../benchmark/taskFolder.js';
import { compareHeadline, compareProgressText, headline, parseIdList, progressText } from '../../benchmark/runText.js';
import type { DescriptorMode } from '../core/describe.js';
import { loadPromptTemplates, PLOT_LIBRARIES, type PlotLibrary } from '../core/prompts.js';
import { findBrowser } from '../kernel/browserPath.js';
import { DEFAULT_PYTHON_FALLBACKS, PythonNotFoundError, resolvePython, type ResolvedPython } from '../kernel/python.js';
import type { ChatModel } from '../llm/chatModel.js';
import { LlmError } from '../llm/errors.js';
import { displayUrl } from '../llm/endpoint.js';
import { createChatModel } from '../llm/openaiClient.js';
import { API_KEY_SECRET, availableModels, chatModelFromSettings } from './chatModels.js';
import { isCancellation, UserFixableError } from './errorPresenter.js';
import { signalFrom } from './plotFlow.js';
import { benchmarkConsent } from './benchmarkConsent.js';
import { judgeConnection, JUDGE_API_KEY_SECRET } from './judgeKey.js';
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

/** A comparison's choices: the dimension and its values, then the rest as for one run. */
export interface CompareChoices extends BenchmarkChoices {
  dimension?: CompareDimension;
  values?: string[];
}

type Pick<T> = vscode.QuickPickItem & { value: T };

/** Which command's picks these are: the titles' prefix and the command a "pick again" button runs. */
interface Flow {
  title: string;
  command: string;
}

const RUN_FLOW: Flow = { title: 'Run PandasPlotBench', command: 'plotwright.runBenchmark' };
const COMPARE_FLOW: Flow = { title: 'Compare on PandasPlotBench', command: 'plotwright.compareBenchmark' };

const DESCRIPTORS: readonly DescriptorMode[] = ['head', 'rich', 'none'];

/** The grid key of each dimension. */
const GRID_KEY: Record<CompareDimension, keyof CompareGrid> = { model: 'models', library: 'libraries', taskVariant: 'taskVariants', descriptor: 'descriptors', visualCheck: 'visualChecks' };

/** What every run needs, picked once (for a comparison, all but the compared dimension). */
interface RunPicks {
  source: string;
  dataset: LoadedDataset;
  library: PlotLibrary;
  taskVariant: TaskVariant;
  descriptor: DescriptorMode;
  selection: { ids?: number[]; limit?: number };
  judges: JudgeKind[];
  selfDebug: number;
}

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

async function pickMany<T>(items: Array<Pick<T>>, title: string, placeHolder?: string): Promise<T[] | undefined> {
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder, ignoreFocusOut: true, matchOnDetail: true, canPickMany: true });
  return picked?.map((item) => item.value);
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
  const askJudgeKey = (judgeBaseUrl: string): Promise<string | undefined> =>
    Promise.resolve(
      vscode.window.showInputBox({
        title: 'Plotwright: judge API key',
        prompt: `The judge (${displayUrl(judgeBaseUrl)}) is not the generator's endpoint, so the generator's key is not sent to it. Its own key, kept in secret storage; empty if it needs none.`,
        password: true,
        ignoreFocusOut: true,
      }),
    );
  register('plotwright.setJudgeApiKey', async () => {
    const key = await askJudgeKey(readSettings(workspaceFolder()).judgeBaseUrl || 'the judge endpoint');
    if (key === undefined) {
      return undefined;
    }
    if (key.trim()) {
      await context.secrets.store(JUDGE_API_KEY_SECRET, key.trim());
    } else {
      await context.secrets.delete(JUDGE_API_KEY_SECRET);
    }
    return true;
  });
  const askBenchmarkConsent = (flow: Flow): Promise<boolean> =>
    benchmarkConsent(context.workspaceState, async (choices, placeHolder) =>
      vscode.window.showQuickPick([...choices], { title: `${flow.title}: run generated code?`, placeHolder, ignoreFocusOut: true }),
    );

  /** "My tasks" when the workspace has collected tasks (plotwright.collectTasks). */
  function myTasksItem(): Array<Pick<string>> {
    const folder = workspaceFolder();
    const root = folder?.scheme === 'file' ? join(folder.fsPath, TASKS_FOLDER) : undefined;
    const tasks = root ? listTasks(root) : [];
    if (!root || tasks.length === 0) {
      return [];
    }
    const capped = tasks.filter((t) => t.capNote !== null).length;
    return [
      {
        label: '$(account) My tasks',
        description: TASKS_FOLDER,
        detail: `${tasks.length} task${tasks.length === 1 ? '' : 's'} collected from your accepted plots${capped > 0 ? ` (${capped} with a capped data snapshot)` : ''}`,
        value: root,
      },
    ];
  }

  async function pickDatasetSource(preset: string | undefined, flow: Flow): Promise<string | undefined> {
    let source = preset;
    if (!source) {
      const files = await vscode.workspace.findFiles('**/*.{parquet,jsonl}', `**/{node_modules,.git,${RESULTS_ROOT}}/**`, 20);
      source = await pick<string>(
        [
          ...myTasksItem(),
          { label: '$(cloud-download) PandasPlotBench from Hugging Face', detail: 'JetBrains-Research/PandasPlotBench, test split (175 items); downloaded once and cached', value: 'hf' },
          ...files.map((uri) => ({ label: `$(file) ${vscode.workspace.asRelativePath(uri)}`, detail: 'A file of this workspace', value: uri.fsPath })),
          { label: '$(folder-opened) Choose a file…', detail: 'A .parquet, .jsonl or .json file in the PandasPlotBench schema', value: 'browse' },
        ],
        `${flow.title}: dataset`,
        'Where the items come from (each item runs a program the model writes)',
      );
    }
    if (source === 'browse') {
      const picked = await vscode.window.showOpenDialog({
        canSelectMany: false,
        filters: { 'PandasPlotBench dataset': ['parquet', 'jsonl', 'json'] },
        title: `${flow.title}: dataset file`,
        openLabel: 'Use Dataset',
      });
      source = picked?.[0]?.fsPath;
    }
    return source;
  }

  async function loadItems(source: string, flow: Flow): Promise<LoadedDataset> {
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
          [{ title: 'Pick a Local File', command: flow.command, args: [{ dataset: 'browse' }] }],
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

  async function pickItems(dataset: LoadedDataset, flow: Flow): Promise<{ ids?: number[]; limit?: number } | undefined> {
    const n = dataset.items.length;
    const skipped = dataset.errors.length > 0 ? ` (${dataset.errors.length} invalid row(s) skipped; see the log)` : '';
    const how = await pick<'all' | 'first' | 'ids'>(
      [
        { label: `All ${n} items`, detail: `Every valid row${skipped}`, value: 'all' },
        { label: 'The first N items…', value: 'first' },
        { label: 'Only these ids…', detail: `ids ${dataset.items.slice(0, 8).map((i) => i.id).join(', ')}${n > 8 ? ', …' : ''}`, value: 'ids' },
      ],
      `${flow.title}: items`,
    );
    if (how === 'all') {
      return {};
    }
    if (how === 'first') {
      const text = await vscode.window.showInputBox({
        title: `${flow.title}: how many items?`,
        value: String(Math.min(10, n)),
        ignoreFocusOut: true,
        validateInput: (value) => (/^\d+$/.test(value.trim()) && Number(value) >= 1 ? undefined : `A whole number from 1 to ${n}`),
      });
      return text === undefined ? undefined : { limit: Math.min(n, Number(text.trim())) };
    }
    if (how === 'ids') {
      const known = new Set(dataset.items.map((i) => i.id));
      const text = await vscode.window.showInputBox({
        title: `${flow.title}: item ids`,
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

  function libraryItems(settings: PlotwrightSettings): Array<Pick<PlotLibrary>> {
    return PLOT_LIBRARIES.map((l) => ({ label: l, description: l === settings.library ? 'plotwright.library' : undefined, value: l })).sort(
      (a, b) => Number(b.value === settings.library) - Number(a.value === settings.library),
    );
  }

  function variantItems(): Array<Pick<TaskVariant>> {
    return TASK_VARIANTS.map((v) => ({ label: v, detail: VARIANT_DETAIL[v], value: v }));
  }

  function descriptorItems(settings: PlotwrightSettings): Array<Pick<DescriptorMode>> {
    return DESCRIPTORS.map((d) => ({ label: d, detail: DESCRIPTOR_DETAIL[d], description: d === settings.dataDescription ? 'plotwright.dataDescription' : undefined, value: d })).sort(
      (a, b) => Number(b.value === settings.dataDescription) - Number(a.value === settings.dataDescription),
    );
  }

  /**
   * Dataset, library, task variant, descriptor, items, judges, self-debug rounds. A comparison skips
   * the pick of its dimension (the first compared value stands in for it).
   */
  async function pickRun(preset: BenchmarkChoices, settings: PlotwrightSettings, flow: Flow, compared?: { dimension: CompareDimension; values: string[] }): Promise<RunPicks | undefined> {
    const given = <T>(dimension: CompareDimension, value: T | undefined): T | undefined => (compared?.dimension === dimension ? (compared.values[0] as T) : value);
    const source = await pickDatasetSource(preset.dataset, flow);
    if (!source) {
      return undefined;
    }
    const dataset = await loadItems(source, flow);
    const library = given('library', preset.library) ?? (await pick(libraryItems(settings), `${flow.title}: library`, 'The plotting library the model must use'));
    if (!library) {
      return undefined;
    }
    const taskVariant = given('taskVariant', preset.taskVariant) ?? (await pick(variantItems(), `${flow.title}: task variant`, 'How much of the task the model gets'));
    if (!taskVariant) {
      return undefined;
    }
    const descriptor = given('descriptor', preset.descriptor) ?? (await pick(descriptorItems(settings), `${flow.title}: data descriptor`, 'How df is described to the model'));
    if (!descriptor) {
      return undefined;
    }
    const selection = await pickItems(dataset, flow);
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
      `${flow.title}: judges`,
    );
    if (!judges) {
      return undefined;
    }
    const selfDebug = await pick<number>(
      [0, 1, 2, 3].map((n) => ({ label: String(n), detail: n === 0 ? 'No repair, as the paper' : `Up to ${n} repair round(s) from the traceback`, value: n })),
      `${flow.title}: self-debug rounds`,
    );
    if (selfDebug === undefined) {
      return undefined;
    }
    return { source, dataset, library, taskVariant, descriptor, selection, judges, selfDebug };
  }

  /** The values of the compared dimension: the endpoint's models (plus any typed), or every fixed choice. */
  async function pickCompareValues(dimension: CompareDimension, settings: PlotwrightSettings): Promise<string[] | undefined> {
    const title = `${COMPARE_FLOW.title}: ${DIMENSION_PLURAL[dimension]}`;
    const placeHolder = 'Two or more to compare';
    if (dimension === 'library') {
      return pickMany(libraryItems(settings), title, placeHolder);
    }
    if (dimension === 'taskVariant') {
      return pickMany(variantItems(), title, placeHolder);
    }
    if (dimension === 'descriptor') {
      return pickMany(descriptorItems(settings), title, placeHolder);
    }
    if (dimension === 'visualCheck') {
      return pickMany(
        [
          { label: 'off', detail: 'The plot as the repair loop leaves it', picked: true, value: 'off' },
          { label: 'on', detail: 'The model sees the rendered PNG and accepts it or corrects the code (needs a multimodal model)', picked: true, value: 'on' },
        ],
        title,
        placeHolder,
      );
    }
    const { choices, endpointError } = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'PandasPlotBench: listing models' }, () =>
      availableModels(settings, context.secrets, log),
    );
    if (endpointError) {
      log.warn(`Listing the endpoint's models failed: ${endpointError}`);
    }
    const OTHER = '\0other';
    const listed = await pickMany<string>(
      [
        ...choices
          .filter((choice) => choice.provider === settings.provider)
          .map((choice) => ({ label: choice.id, detail: choice.detail, description: choice.id === settings.model ? 'plotwright.model' : undefined, picked: choice.id === settings.model, value: choice.id })),
        { label: '$(edit) Other models…', detail: endpointError ? `The endpoint did not list its models: ${endpointError}` : 'Type model ids the list does not show', value: OTHER },
      ],
      title,
      placeHolder,
    );
    if (!listed?.includes(OTHER)) {
      return listed;
    }
    const typed = await vscode.window.showInputBox({
      title: `${title}: other model ids`,
      placeHolder: 'e.g. gpt-4o-mini, llama3.1:8b',
      ignoreFocusOut: true,
      validateInput: (value) => (value.split(',').some((id) => id.trim()) ? undefined : 'One or more model ids, separated by commas'),
    });
    if (typed === undefined) {
      return undefined;
    }
    return [...new Set([...listed.filter((id) => id !== OTHER), ...typed.split(',').map((id) => id.trim()).filter(Boolean)])];
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
    const generator = { baseUrl: settings.baseUrl, apiKey: (await context.secrets.get(API_KEY_SECRET)) || undefined };
    const judge = await judgeConnection(context.secrets, generator, settings.judgeBaseUrl, askJudgeKey);
    if (!judge) {
      throw new vscode.CancellationError();
    }
    return createChatModel({
      model: settings.judgeModel || settings.model,
      ...(judge.baseUrl ? { baseUrl: judge.baseUrl } : {}),
      ...(judge.apiKey ? { apiKey: judge.apiKey } : {}),
      // A judge on another host must not fall back to OPENAI_API_KEY from VS Code's environment either.
      ...(judge.sameOrigin ? {} : { env: {} }),
      timeoutMs: settings.requestTimeoutSeconds * 1000,
      logger: log,
    });
  }

  async function askOutDir(flow: Flow, folderName: string, prompt: string): Promise<string | undefined> {
    const root = workspaceFolder()?.fsPath ?? join(homedir(), 'plotwright');
    const suggested = join(root, RESULTS_ROOT, folderName);
    const dir = await vscode.window.showInputBox({
      title: `${flow.title}: results folder`,
      prompt,
      value: suggested,
      valueSelection: [suggested.length - basename(suggested).length, suggested.length],
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() ? undefined : 'A folder path'),
    });
    return dir?.trim() || undefined;
  }

  /** Checked before the run so a missing Python, package or browser is one clear message. */
  async function checkTools(settings: PlotwrightSettings, resource: vscode.Uri | undefined, libraries: PlotLibrary[]): Promise<{ python: ResolvedPython; browser?: string }> {
    let python: ResolvedPython | undefined;
    for (const library of libraries) {
      python = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'PandasPlotBench: looking for Python' }, () => findPython(settings, resource, library));
    }
    if (!python) {
      throw new Error('no plotting library to run');
    }
    log.info(`PandasPlotBench: Python ${python.versions.python} at ${python.path}`);
    if (!libraries.includes('plotly')) {
      return { python };
    }
    const browser = findBrowser(settings.browserPath ? { explicit: settings.browserPath } : {});
    if (!browser) {
      throw new UserFixableError(
        settings.browserPath
          ? `plotwright.browserPath points to ${settings.browserPath}, which does not exist. Plotly figures become PNG in a Chromium, Chrome or Edge browser.`
          : 'Plotly figures become PNG in a Chromium, Chrome or Edge browser, and none was found (PLOTWRIGHT_CHROMIUM, chromium, google-chrome, msedge). Install one (Debian/Ubuntu: sudo apt-get install chromium) or set plotwright.browserPath.',
        [openSettings('plotwright.browserPath')],
      );
    }
    return { python, browser };
  }

  /** The options every cell of a run or comparison shares (all but the sampler and the folder). */
  async function sharedOptions(settings: PlotwrightSettings, resource: vscode.Uri | undefined, picks: RunPicks, libraries: PlotLibrary[]): Promise<Omit<BenchmarkOptions, 'model' | 'outDir'>> {
    const { python, browser } = await checkTools(settings, resource, libraries);
    const judgeModel = await judgeModelFor(settings, picks.judges);
    return {
      dataset: picks.source,
      items: picks.dataset.items,
      ...picks.selection,
      library: picks.library,
      taskVariant: picks.taskVariant,
      descriptor: picks.descriptor,
      ...(judgeModel ? { judgeModel } : {}),
      judges: picks.judges,
      selfDebug: picks.selfDebug,
      python: python.path,
      templates: loadPromptTemplates(join(context.extensionPath, 'prompts')),
      ...(browser ? { plotly: { executablePath: browser } } : {}),
    };
  }

  /** The runner's errors, with the fix the model's own error carries (key, URL, model) and the palette's words. */
  async function withRunErrors<T>(work: () => Thenable<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof Error && error.cause instanceof LlmError) {
        throw error.cause;
      }
      if (error instanceof BenchmarkConfigError) {
        throw new Error(error.message.replace(/--out/g, 'results folder'));
      }
      throw error;
    }
  }

  function offerReport(message: string, dir: string): void {
    void vscode.window.showInformationMessage(message, 'Open Report').then((choice) => {
      if (choice === 'Open Report') {
        reports.show(dir);
      }
    });
  }

  register('plotwright.runBenchmark', async (argument) => {
    if (!(await askBenchmarkConsent(RUN_FLOW))) {
      return undefined;
    }
    const preset = (argument && typeof argument === 'object' ? argument : {}) as BenchmarkChoices;
    const resource = workspaceFolder();
    const settings = readSettings(resource);
    const picks = await pickRun(preset, settings, RUN_FLOW);
    if (!picks) {
      return undefined;
    }
    const outDir =
      preset.outDir?.trim() ||
      (await askOutDir(RUN_FLOW, runFolderName(new Date(), settings.model, picks.library), 'results.jsonl, summary.json, summary.md, report.html and the plots go here. A folder that already holds this run is resumed.'));
    if (!outDir) {
      return undefined;
    }
    const shared = await sharedOptions(settings, resource, picks, [picks.library]);
    const model = await chatModelFromSettings(settings, context.secrets, log);
    const options: BenchmarkOptions = { ...shared, model, outDir, resume: isRunFolder(outDir) };
    log.info(`PandasPlotBench: ${JSON.stringify({ ...options, items: picks.dataset.items.length, model: model.model, judgeModel: shared.judgeModel?.model, templates: undefined })}`);
    const result: BenchmarkResult = await withRunErrors(() =>
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `PandasPlotBench (${model.model}, ${picks.library})`, cancellable: true },
        async (progress, token) => {
          let reported = 0;
          return runBenchmark(options, {
            signal: signalFrom(token),
            onProgress: (p) => {
              const increment = p.total > 0 ? ((p.done - reported) / p.total) * 100 : 0;
              reported = p.done;
              progress.report({ message: progressText(p), increment });
              if (p.item?.failure) {
                log.warn(`item ${p.item.id}: failed at ${p.item.failure}`);
              }
            },
          });
        },
      ),
    );
    if (result.cancelled) {
      log.info(`PandasPlotBench cancelled; partial summary in ${outDir}`);
      return { outDir, cancelled: true };
    }
    offerReport(`PandasPlotBench: ${headline(result.summary)}`, outDir);
    return { outDir, cancelled: false };
  });

  register('plotwright.compareBenchmark', async (argument) => {
    if (!(await askBenchmarkConsent(COMPARE_FLOW))) {
      return undefined;
    }
    const preset = (argument && typeof argument === 'object' ? argument : {}) as CompareChoices;
    const resource = workspaceFolder();
    const settings = readSettings(resource);
    const dimension =
      preset.dimension ??
      (await pick<CompareDimension>(
        COMPARE_DIMENSIONS.map((d) => ({ label: DIMENSION_PLURAL[d], detail: `One run per ${d === 'taskVariant' ? 'task variant' : d}, the rest fixed`, value: d })),
        `${COMPARE_FLOW.title}: compare`,
        'What varies between the runs',
      ));
    if (!dimension) {
      return undefined;
    }
    const values = preset.values ?? (await pickCompareValues(dimension, settings));
    if (!values || values.length === 0) {
      return undefined;
    }
    const picks = await pickRun(preset, settings, COMPARE_FLOW, { dimension, values });
    if (!picks) {
      return undefined;
    }
    const plural = DIMENSION_PLURAL[dimension];
    const outDir =
      preset.outDir?.trim() ||
      (await askOutDir(COMPARE_FLOW, compareFolderName(new Date(), plural.replace(/ /g, '-')), 'One run folder per value, compare.md and report.html go here. Runs already in it are resumed.'));
    if (!outDir) {
      return undefined;
    }
    const grid: CompareGrid = { [GRID_KEY[dimension]]: values };
    const shared = await sharedOptions(settings, resource, picks, grid.libraries ?? [picks.library]);
    const modelNames = grid.models ?? [settings.model];
    const models = new Map<string, ChatModel>();
    for (const name of modelNames) {
      models.set(name, await chatModelFromSettings({ ...settings, model: name }, context.secrets, log));
    }
    log.info(`PandasPlotBench comparison: ${JSON.stringify({ ...shared, items: picks.dataset.items.length, grid, judgeModel: shared.judgeModel?.model, templates: undefined, outDir })}`);
    const result = await withRunErrors(() =>
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `PandasPlotBench comparison (${plural})`, cancellable: true },
        async (progress, token) => {
          let reported = 0;
          return runCompare(
            { ...shared, grid, makeModel: (name) => models.get(name) as ChatModel, defaultModel: settings.model, outDir, resume: existsSync(outDir) },
            {
              signal: signalFrom(token),
              onProgress: (cell: CompareCell, index, cells, p) => {
                const overall = ((index + (p.total > 0 ? p.done / p.total : 0)) / cells) * 100;
                progress.report({ message: compareProgressText(index, cells, cell[dimension], p), increment: overall - reported });
                reported = overall;
                if (p.item?.failure) {
                  log.warn(`${cell.dir}: item ${p.item.id}: failed at ${p.item.failure}`);
                }
              },
            },
          );
        },
      ),
    );
    if (result.cancelled) {
      log.info(`PandasPlotBench comparison cancelled; partial compare.md in ${outDir}`);
      return { outDir, cancelled: true };
    }
    offerReport(`PandasPlotBench comparison: ${compareHeadline(result.summaries, dimension)}`, outDir);
    return { outDir, cancelled: false };
  });

  function recentItem(run: RunFolder): Pick<string> {
    if (run.kind === 'compare') {
      const cells = run.cells ?? [];
      return {
        label: `$(table) ${run.name}`,
        description: `comparison · ${new Date(run.modifiedMs).toLocaleString()}`,
        detail: cells.length > 0 ? compareHeadline(cells, variedDimension(cells)) : 'no cell has a summary yet',
        value: run.path,
      };
    }
    return { label: run.name, description: new Date(run.modifiedMs).toLocaleString(), detail: run.summary ? headline(run.summary) : 'no summary yet', value: run.path };
  }

  register('plotwright.openBenchmarkReport', async (argument) => {
    let dir = argument instanceof vscode.Uri ? argument.fsPath : typeof argument === 'string' ? argument : undefined;
    if (!dir) {
      const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => join(f.uri.fsPath, RESULTS_ROOT)).filter((root) => existsSync(root));
      const runs = roots.flatMap((root) => listRunFolders(root)).sort((a, b) => b.modifiedMs - a.modifiedMs);
      dir = await pick<string>(
        [
          ...runs.map(recentItem),
          { label: '$(folder-opened) Choose a folder…', detail: 'Any folder with results.jsonl or compare.md (a run or comparison of the palette or of plotwright bench)', value: '' },
        ],
        'Open Benchmark Report: results folder',
        runs.length > 0 ? 'Recent runs and comparisons under bench-results' : 'No runs under bench-results yet',
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
    if (!isRunFolder(dir) && !isCompareFolder(dir)) {
      throw new Error(`${dir} holds no benchmark results (results.jsonl, summary.json or compare.md).`);
    }
    reports.show(dir);
    return dir;
  });
}

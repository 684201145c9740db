// Drives a real VS Code (code-server in Debian's chromium through playwright-core) for the
// end-to-end tests. Each session gets fresh user-data and extensions folders, its own port and its
// own results folder (test-results/e2e/<name>/: screenshots, code-server and browser logs, and
// VS Code's own logs, including the extension host's).
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { placeholderExtension } from './extensions.js';
import { CHROMIUM, CODE_SERVER_ENTRY, RESULTS_DIR } from './paths.js';
import { killTree, killTreeOnExit } from './processTree.js';

const execFileAsync = promisify(execFile);

export interface CodeServerOptions {
  /** Folder opened as the workspace. */
  workspace: string;
  /** .vsix files installed into the fresh extensions folder. */
  extensions?: string[];
  /** User settings, on top of the harness defaults (no telemetry, no hot exit, no trust prompt). */
  settings?: Record<string, unknown>;
  /** Built-in extensions to keep from loading (e.g. 'vscode.ipynb'); see placeholderExtension. */
  disableBuiltinExtensions?: string[];
  /** Extension ids allowed to use proposed APIs (code-server's --enable-proposed-api). */
  enableProposedApi?: string[];
  /** Extra environment for code-server and thus the extension host (e.g. PLOTWRIGHT_PYTHON). */
  env?: Record<string, string>;
  /** Names the results folder; defaults to a timestamp. */
  name?: string;
  viewport?: { width: number; height: number };
  /** How long the workbench may take to appear. Default 120 s. */
  startupTimeoutMs?: number;
}

export interface NotebookCellInfo {
  index: number;
  kind: 'code' | 'markup';
  /** The editor's visible text (code cells) or rendered text (markdown cells). */
  text: string;
  /** The number in the execution-order label ("[3]"), when shown. */
  executionOrder?: number;
  /** 'success' | 'error' | 'running' | 'pending' | undefined, read from the status icon. */
  state?: string;
  /** MIME type of each output, from the workbench's side of the cell. */
  outputMimes: string[];
  /** Outputs of this cell as rendered in the notebook's output webview. */
  outputs: NotebookOutputInfo;
}

export interface NotebookOutputInfo {
  /** Number of rendered <img> outputs (matplotlib PNGs, ...). */
  images: number;
  /** Number of rendered Plotly figures (needs a Plotly renderer extension; 0 otherwise). */
  plotly: number;
  /** Visible text of the outputs (streams, text/plain, errors). */
  text: string;
  /** Number of error outputs (NotebookCellOutputItem.error). */
  errors: number;
}

export interface CodeServerSession {
  url: string;
  page: Page;
  /** Folder of this session's screenshots and logs. */
  resultsDir: string;
  /** code-server's --user-data-dir (User/settings.json lives there). */
  userDataDir: string;
  timings: { installExtensionsMs: number; serverStartMs: number; workbenchReadyMs: number };
  runCommand(title: string, options?: { timeoutMs?: number }): Promise<void>;
  openFile(relativePath: string, options?: { timeoutMs?: number }): Promise<void>;
  screenshot(name: string): Promise<string>;
  notebookCells(): Promise<NotebookCellInfo[]>;
  /** Polls notebookCells() until the predicate holds; returns the last value. */
  waitForCells(predicate: (cells: NotebookCellInfo[]) => boolean, options?: { timeoutMs?: number; message?: string }): Promise<NotebookCellInfo[]>;
  close(): Promise<void>;
}

const DEFAULT_SETTINGS: Record<string, unknown> = {
  'files.hotExit': 'off',
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  // The e2e journeys send to a mock model; test/core/requestPreview.spec.ts covers the preview.
  'plotwright.previewRequests': 'never',
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  'window.commandCenter': false,
  'notebook.experimental.generate': false,
  // Jupyter's kernels listen on local ports; code-server would offer to forward each one.
  'remote.autoForwardPorts': false,
};

const BROWSER_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServerSession> {
  if (!existsSync(CODE_SERVER_ENTRY)) {
    throw new Error(`code-server is not installed at ${CODE_SERVER_ENTRY}: run scripts/e2e/install-code-server.sh`);
  }
  const name = options.name ?? new Date().toISOString().replace(/[:.]/g, '-');
  const resultsDir = join(RESULTS_DIR, 'e2e', name);
  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });

  const home = mkdtempSync(join(tmpdir(), 'plotwright-e2e-'));
  const userDataDir = join(home, 'user-data');
  const extensionsDir = join(home, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, ...options.settings }, null, 2));
  const config = join(home, 'config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    // code-server writes logs and a default config under XDG folders; keep them in the session.
    XDG_CONFIG_HOME: join(home, 'xdg-config'),
    XDG_DATA_HOME: join(home, 'xdg-data'),
    // Not inherited from a VS Code terminal the tests may be started from.
    VSCODE_IPC_HOOK_CLI: '',
  };
  const commonArgs = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--config', config];

  let installExtensionsMs = 0;
  const placeholders = await Promise.all((options.disableBuiltinExtensions ?? []).map((id) => placeholderExtension(id)));
  const vsixFiles = [...(options.extensions ?? []), ...placeholders];
  if (vsixFiles.length > 0) {
    const started = performance.now();
    const args = [CODE_SERVER_ENTRY, ...commonArgs, ...vsixFiles.flatMap((vsix) => ['--install-extension', vsix])];
    try {
      await execFileAsync(process.execPath, args, { env, timeout: 120_000 });
    } catch (err) {
      const { stdout, stderr } = err as { stdout?: string; stderr?: string };
      throw new Error(`Installing extensions failed: ${String(err)}\n${stdout ?? ''}\n${stderr ?? ''}`);
    }
    installExtensionsMs = performance.now() - started;
  }

  const serverStarted = performance.now();
  const server = spawn(
    process.execPath,
    [
      CODE_SERVER_ENTRY,
      ...commonArgs,
      '--auth',
      'none',
      '--bind-addr',
      '127.0.0.1:0',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--disable-proxy',
      ...(options.enableProposedApi ?? []).flatMap((id) => ['--enable-proposed-api', id]),
      resolve(options.workspace),
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const unguard = server.pid === undefined ? () => undefined : killTreeOnExit(server.pid);
  const serverLog = createWriteStream(join(resultsDir, 'code-server.log'));
  server.stdout?.pipe(serverLog, { end: false });
  server.stderr?.pipe(serverLog, { end: false });

  let browser: Browser | undefined;
  const cleanup = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    if (server.pid !== undefined && server.exitCode === null) {
      await killTree(server.pid);
    }
    unguard();
    serverLog.end();
    // VS Code's own logs (extension host, renderer, exthost output channels) are the best clue when a test fails.
    const logs = join(userDataDir, 'logs');
    if (existsSync(logs)) {
      cpSync(logs, join(resultsDir, 'vscode-logs'), { recursive: true });
    }
    rmSync(home, { recursive: true, force: true });
  };

  try {
    const url = await listeningUrl(server, options.startupTimeoutMs ?? 120_000);
    const serverStartMs = performance.now() - serverStarted;
    const readyStarted = performance.now();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: BROWSER_ARGS, headless: true });
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    // tsx compiles the callbacks passed to evaluate() with keepNames, which wraps named functions in
    // a __name() helper; give every frame a no-op one.
    await context.addInitScript('globalThis.__name ??= (fn) => fn;');
    const page = await context.newPage();
    const browserLog = createWriteStream(join(resultsDir, 'browser.log'));
    page.on('console', (msg) => browserLog.write(`[${msg.type()}] ${msg.text()}\n`));
    page.on('pageerror', (err) => browserLog.write(`[pageerror] ${err.message}\n`));
    await page.goto(`${url}?folder=${encodeURIComponent(resolve(options.workspace))}`);
    await waitForWorkbench(page, options.startupTimeoutMs ?? 120_000);
    const workbenchReadyMs = performance.now() - readyStarted;
    const session = new Session(page, url, resultsDir, userDataDir, { installExtensionsMs, serverStartMs, workbenchReadyMs }, async () => {
      browserLog.end();
      await cleanup();
    });
    return session;
  } catch (err) {
    await cleanup();
    throw err;
  }
}

function listeningUrl(server: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`code-server did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\/?/.exec(output);
      if (match) {
        done();
        resolvePromise(`${match[1]}/`);
      }
    };
    const onExit = (code: number | null, signal: string | null): void =>
      fail(new Error(`code-server exited (${code ?? signal}) before listening:\n${output}`));
    const done = (): void => {
      clearTimeout(timer);
      server.stdout?.off('data', onData);
      server.stderr?.off('data', onData);
      server.off('exit', onExit);
    };
    const fail = (err: Error): void => {
      done();
      reject(err);
    };
    server.stdout?.on('data', onData);
    server.stderr?.on('data', onData);
    server.on('exit', onExit);
  });
}

async function waitForWorkbench(page: Page, timeoutMs: number): Promise<void> {
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  // The explorer shows the folder once the remote file system answers; extensions start after that.
  await page.locator('.monaco-workbench .part.sidebar .explorer-folders-view, .monaco-workbench .part.activitybar').first().waitFor({
    state: 'visible',
    timeout: timeoutMs,
  });
}

class Session implements CodeServerSession {
  private closed = false;

  constructor(
    readonly page: Page,
    readonly url: string,
    readonly resultsDir: string,
    readonly userDataDir: string,
    readonly timings: CodeServerSession['timings'],
    private readonly cleanup: () => Promise<void>,
  ) {}

  async runCommand(title: string, options: { timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    const rows = this.page.locator('.quick-input-list .monaco-list-row');
    const row = rows.filter({ has: this.page.locator('.label-name', { hasText: exactText(title) }) }).first();
    // A command shows up only once its extension registered it, and a notebook that finishes
    // loading takes the focus (closing the palette): reopen and retype until the command is there.
    for (;;) {
      const input = await this.openQuickInput('>');
      await input.fill(`>${title}`);
      try {
        await row.waitFor({ state: 'visible', timeout: 2_000 });
        await row.click();
        await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
        return;
      } catch (err) {
        if (Date.now() > deadline) {
          const seen = await rows.allInnerTexts().catch(() => []);
          await this.page.keyboard.press('Escape');
          throw new Error(`Command "${title}" not found in the command palette (rows: ${JSON.stringify(seen)}): ${String(err)}`);
        }
      }
    }
  }

  async openFile(relativePath: string, options: { timeoutMs?: number } = {}): Promise<void> {
    const input = await this.openQuickInput('');
    await input.fill(relativePath);
    const name = relativePath.split('/').pop() as string;
    const row = this.page.locator('.quick-input-list .monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: exactText(name) }) });
    await row.first().waitFor({ state: 'visible', timeout: options.timeoutMs ?? 30_000 });
    await row.first().click();
    await this.page
      .locator(`.tabs-container .tab[aria-label*="${name}"], .tabs-container .tab:has-text("${name}")`)
      .first()
      .waitFor({ state: 'visible', timeout: options.timeoutMs ?? 30_000 });
  }

  async screenshot(name: string): Promise<string> {
    const file = join(this.resultsDir, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  async notebookCells(): Promise<NotebookCellInfo[]> {
    // The cell list is virtualised: only cells near the viewport are in the DOM.
    const rows = await this.page.evaluate(() => {
      const list = Array.from(document.querySelectorAll('.notebook-editor .cell-list-container')).find(
        (el) => (el as HTMLElement).offsetParent !== null,
      );
      if (!list) {
        return [];
      }
      return Array.from(list.querySelectorAll('.monaco-list-row'))
        .map((row) => {
          const isCode = row.classList.contains('code-cell-row');
          // Monaco renders lines absolutely positioned, not necessarily in DOM order.
          const lines = Array.from(row.querySelectorAll('.cell-editor-container .view-line')) as HTMLElement[];
          lines.sort((x, y) => parseFloat(x.style.top) - parseFloat(y.style.top));
          const label = (row.querySelector('.execution-count-label') as HTMLElement | null)?.innerText ?? '';
          const order = /\[(\d+)\]/.exec(label);
          const icon = row.querySelector('.cell-status-left .codicon');
          const state = icon ? /codicon-notebook-state-(\w+)/.exec(icon.className)?.[1] : undefined;
          return {
            index: Number(row.getAttribute('data-index') ?? '-1'),
            kind: isCode ? 'code' : 'markup',
            text: lines
              .map((line) => line.textContent ?? '')
              .join('\n')
              .replace(/\u00a0/g, ' '),
            executionOrder: order ? Number(order[1]) : undefined,
            state,
            outputMimes: Array.from(row.querySelectorAll('.output .output-inner-container')).map((el) => el.getAttribute('output-mime-type') ?? ''),
          };
        })
        .sort((x, y) => x.index - y.index);
    });
    const webview = await this.outputWebview();
    // The webview holds one container per cell with outputs (and one preview per rendered markdown
    // cell), positioned like the cells: matched to the cells in order.
    const withOutputs = rows.filter((row) => row.outputMimes.length > 0);
    const markups = rows.filter((row) => row.kind === 'markup');
    return rows.map((row) => {
      const outputs = webview.outputs[withOutputs.indexOf(row)] ?? [];
      const preview = row.kind === 'markup' ? webview.previews[markups.indexOf(row)] : undefined;
      return {
        index: row.index,
        kind: row.kind as 'code' | 'markup',
        text: row.kind === 'markup' && preview !== undefined ? preview : row.text,
        ...(row.executionOrder !== undefined ? { executionOrder: row.executionOrder } : {}),
        ...(row.state ? { state: row.state } : {}),
        outputMimes: row.outputMimes,
        outputs: {
          images: outputs.reduce((n, o) => n + o.images, 0),
          plotly: outputs.reduce((n, o) => n + o.plotly, 0),
          text: outputs.map((o) => o.text).join(''),
          errors: row.outputMimes.filter((mime) => mime === 'application/vnd.code.notebook.error').length,
        },
      };
    });
  }

  async waitForCells(
    predicate: (cells: NotebookCellInfo[]) => boolean,
    options: { timeoutMs?: number; message?: string } = {},
  ): Promise<NotebookCellInfo[]> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    let cells: NotebookCellInfo[] = [];
    for (;;) {
      cells = await this.notebookCells();
      if (predicate(cells)) {
        return cells;
      }
      if (Date.now() > deadline) {
        await this.screenshot(`timeout-${Date.now()}`).catch(() => undefined);
        throw new Error(`${options.message ?? 'Notebook cells did not reach the expected state'}; last seen: ${JSON.stringify(cells, null, 1)}`);
      }
      await this.page.waitForTimeout(500);
    }
  }

  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    await this.cleanup();
  }

  private async openQuickInput(prefix: string) {
    const widget = this.page.locator('.quick-input-widget');
    if (!(await widget.isVisible())) {
      // The palette opens with '>' already typed; quick open (files) is the same box without it.
      await this.page.keyboard.press('F1');
    }
    await widget.waitFor({ state: 'visible', timeout: 10_000 });
    const input = widget.locator('.quick-input-box input');
    await input.fill(prefix);
    return input;
  }

  /** What the visible notebook's output webview shows: per cell with outputs, per output, in cell order. */
  private async outputWebview(): Promise<{ outputs: WebviewOutput[][]; previews: string[] }> {
    for (const frame of this.page.frames()) {
      const isOutputs = await frame
        .evaluate(() => document.getElementById('container')?.classList.contains('widgetarea') === true)
        .catch(() => false);
      if (!isOutputs || !(await isFrameVisible(frame))) {
        continue;
      }
      return frame.evaluate(() => {
        const byTop = (x: Element, y: Element): number =>
          parseFloat((x as HTMLElement).style.top || '0') - parseFloat((y as HTMLElement).style.top || '0');
        const cells = Array.from(document.querySelectorAll('#container > .cell_container')).filter((cell) => cell.querySelector('.output'));
        const previews = Array.from(document.querySelectorAll('#container .markup .preview'));
        return {
          outputs: cells.sort(byTop).map((cell) =>
            Array.from(cell.querySelectorAll('.output'))
              .sort(byTop)
              .map((el) => ({
                images: el.querySelectorAll('img').length,
                plotly: el.querySelectorAll('.js-plotly-plot').length,
                text: (el as HTMLElement).innerText,
              })),
          ),
          // Rendered markdown lives in a shadow root.
          previews: previews.sort(byTop).map((el) => (el.shadowRoot?.querySelector('#preview') ?? el).textContent?.trim() ?? ''),
        };
      });
    }
    return { outputs: [], previews: [] };
  }
}

interface WebviewOutput {
  images: number;
  plotly: number;
  text: string;
}

/** A webview's content frame is visible when the <iframe> the workbench made for it is. */
async function isFrameVisible(frame: Frame): Promise<boolean> {
  let outer = frame;
  while (outer.parentFrame() && outer.parentFrame() !== outer.page().mainFrame()) {
    outer = outer.parentFrame() as Frame;
  }
  const element = await outer.frameElement().catch(() => undefined);
  return element ? element.isVisible() : false;
}

function exactText(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'i');
}

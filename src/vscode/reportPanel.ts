// The benchmark report in a webview: the page of benchmark/reportHtml.ts (a run) or
// benchmark/compareReport.ts (a comparison), its stylesheet and script from media/, images straight
// from the results folder. One panel per folder; it refreshes while a run is still writing, and
// disposes its own watcher and listeners. A comparison's rows ask for a cell's report by message.
//
// Images are served from the results folder (added to localResourceRoots) rather than inlined as
// data URLs: the full dataset has 175 items × 2 PNGs, and inlined they make a 10–20 MB HTML string
// that the extension host builds and sends on every refresh; as files the webview loads them lazily.
import { randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { renderFolderReportHtml } from '../../benchmark/compareReport.js';
import { NONCE_PLACEHOLDER } from '../../benchmark/reportHtml.js';
import { compareCellDirs } from '../../benchmark/runFolders.js';

export class BenchmarkReportPanels implements vscode.Disposable {
  private readonly panels = new Map<string, ReportPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  show(dir: string): void {
    const existing = this.panels.get(dir);
    if (existing) {
      existing.refresh();
      existing.panel.reveal();
      return;
    }
    const panel = new ReportPanel(this.extensionUri, dir, this.log, () => this.panels.delete(dir), (cellDir) => this.show(cellDir));
    this.panels.set(dir, panel);
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) {
      panel.panel.dispose();
    }
  }
}

class ReportPanel {
  readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly media: vscode.Uri;
  private readonly folder: vscode.Uri;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    extensionUri: vscode.Uri,
    private readonly dir: string,
    private readonly log: vscode.LogOutputChannel,
    onDisposed: () => void,
    openCell: (cellDir: string) => void,
  ) {
    this.media = vscode.Uri.joinPath(extensionUri, 'media');
    this.folder = vscode.Uri.file(dir);
    this.panel = vscode.window.createWebviewPanel('plotwright.benchmarkReport', `Benchmark: ${basename(dir)}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [this.media, this.folder],
      retainContextWhenHidden: false,
    });
    // A run still under way appends to results.jsonl and rewrites summary.json at the end; a
    // comparison writes its cells' summaries and then compare.md.
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(this.folder, '{results.jsonl,summary.json,compare.md,*/summary.json}'));
    const later = (): void => this.scheduleRefresh();
    this.disposables.push(watcher, watcher.onDidChange(later), watcher.onDidCreate(later));
    // Only a cell compare.md lists, by its folder name: the page never names a path of its own.
    this.panel.webview.onDidReceiveMessage(
      (message: unknown) => {
        const cell = (message as { type?: unknown; cell?: unknown } | null)?.type === 'openCell' ? (message as { cell?: unknown }).cell : undefined;
        if (typeof cell === 'string' && compareCellDirs(this.dir).includes(cell)) {
          openCell(join(this.dir, cell));
        } else {
          this.log.warn(`report of ${this.dir}: ignored a message from the page: ${JSON.stringify(message)?.slice(0, 200)}`);
        }
      },
      undefined,
      this.disposables,
    );
    this.panel.onDidDispose(
      () => {
        clearTimeout(this.timer);
        for (const d of this.disposables.splice(0)) {
          d.dispose();
        }
        onDisposed();
      },
      undefined,
      this.disposables,
    );
    this.refresh();
  }

  refresh(): void {
    const webview = this.panel.webview;
    const nonce = randomBytes(16).toString('base64');
    try {
      const html = renderFolderReportHtml(this.dir, {
        webview: {
          cspSource: webview.cspSource,
          styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.media, 'report.css')).toString(),
          scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.media, 'report.js')).toString(),
          imageUri: (relativePath) => webview.asWebviewUri(vscode.Uri.joinPath(this.folder, ...relativePath.split('/'))).toString(),
        },
      });
      webview.html = html.replaceAll(NONCE_PLACEHOLDER, nonce);
    } catch (error) {
      this.log.error(`report of ${this.dir}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      webview.html = `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none';"></head><body><p>Could not read the results in this folder.</p></body></html>`;
    }
  }

  private scheduleRefresh(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), 1000);
  }
}

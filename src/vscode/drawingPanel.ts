// "Figure from Drawing": a webview where the user sketches (or sees a picked image), checks and corrects
// the inferred trace, and inserts the synthesized Matplotlib program into a notebook. The state lives in
// a DrawingSession (src/drawings); the webview (media/drawing.js) only draws it and reports gestures.
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { DrawingSession, type Alternative } from '../drawings/drawingSession.js';
import { watchEventLoop } from '../drawings/infer/eventLoopWatch.js';
import { inferInWorker } from '../drawings/infer/workerClient.js';
import { toMatplotlib } from '../drawings/matplotlib.js';
import { printProgram } from '../drawings/print.js';
import { decodePng, RASTER_SIZE, type Raster } from '../drawings/raster.js';
import { rasterizeSketch } from '../drawings/sketch.js';
import { synthesize, type SynthesisResult } from '../drawings/synthesize.js';
import { toTikz } from '../drawings/tikz.js';
import { primitiveKey, traceKeys, type Trace } from '../drawings/trace.js';
import { parseWebviewMessage, type DrawingView, type ExtensionMessage, type WebviewMessage } from './drawingProtocol.js';
import type { ErrorPresenter } from './errorPresenter.js';
import { askRunConsent, insertIndexBelowSelection, NotebookCellRunner, NotRunError } from './notebookCellRunner.js';
import { signalFrom } from './plotFlow.js';
import { readSettings } from './settings.js';

export type DrawingSource = { kind: 'image'; uri: vscode.Uri } | { kind: 'sketch' };

export interface DrawingPanelDeps {
  extensionUri: vscode.Uri;
  /** dist/inferWorker.cjs of the installed extension. */
  workerFile: string;
  log: vscode.LogOutputChannel;
  errors: ErrorPresenter;
}

/** How many traces inference offers. */
const TOP = 5;
/** Synthesis time limit; the answer is exact either way, only maybe not the cheapest. */
const SYNTH_TIMEOUT_MS = 10_000;
const RUN_TIMEOUT_MS = 120_000;
/** The tick of the event-loop watch logged with each inference. */
const EVENT_LOOP_TICK_MS = 50;
/** Images larger than this are refused (the drawings are a few kB; a photo is resampled to 256×256 anyway). */
const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

function nonce(): string {
  return randomBytes(16).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

export class DrawingPanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly session = new DrawingSession();
  private readonly disposables: vscode.Disposable[] = [];
  private program: { key: string; result: SynthesisResult } | undefined;
  private synthesis: AbortController | undefined;
  private inference: AbortController | undefined;
  private imageRaster: Raster | undefined;
  private background: ExtensionMessage | undefined;
  private pendingDecode: { resolve: (raster: Raster) => void; reject: (error: Error) => void } | undefined;
  private status = '';
  private busy = false;
  private disposed = false;
  private readonly ready: Promise<void>;

  static open(
    deps: DrawingPanelDeps,
    source: DrawingSource,
    notebook: vscode.NotebookDocument | undefined,
    onDisposed: () => void = () => undefined,
  ): DrawingPanel {
    return new DrawingPanel(deps, source, notebook, onDisposed);
  }

  private constructor(
    private readonly deps: DrawingPanelDeps,
    private readonly source: DrawingSource,
    /** The notebook that was active when the command ran: the figure goes there. */
    private readonly notebook: vscode.NotebookDocument | undefined,
    private readonly onDisposed: () => void,
  ) {
    const media = vscode.Uri.joinPath(deps.extensionUri, 'media');
    const title = source.kind === 'image' ? `Figure from ${basename(source.uri.fsPath)}` : 'Figure from Sketch';
    // The picked image reaches the webview as a data URL, so its only local resource root stays media/.
    this.panel = vscode.window.createWebviewPanel(
      'plotwright.drawing',
      title,
      notebook ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active,
      // No retainContextWhenHidden: the state lives here, and a webview that is shown again says 'ready' and gets it.
      { enableScripts: true, localResourceRoots: [media] },
    );
    this.panel.webview.html = this.html(media);
    let markReady!: () => void;
    this.ready = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    this.disposables.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.webview.onDidReceiveMessage((raw: unknown) => {
        const { message, error } = parseWebviewMessage(raw);
        if (!message) {
          deps.log.warn(`Figure from Drawing: ignored a malformed webview message (${error ?? 'unknown'})`);
          return;
        }
        if (message.type === 'ready') {
          markReady();
        }
        this.handle(message).catch((e: unknown) => this.deps.errors.present(e, 'plotwright.figureFromDrawing'));
      }),
    );
    if (source.kind === 'image') {
      void this.loadImage(source.uri).catch(async (e: unknown) => {
        await this.deps.errors.present(e, 'plotwright.figureFromDrawing');
        this.setStatus('');
      });
    }
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    this.synthesis?.abort();
    this.inference?.abort();
    this.pendingDecode?.reject(new vscode.CancellationError());
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) {
      d.dispose();
    }
    this.onDisposed();
  }

  private get sourceName(): string {
    return this.source.kind === 'image' ? basename(this.source.uri.fsPath) : 'a sketch';
  }

  private async handle(message: WebviewMessage): Promise<void> {
    const s = this.session;
    let changed = false;
    switch (message.type) {
      case 'ready':
        if (this.background) {
          this.post(this.background);
        }
        this.post(this.viewMessage());
        return;
      case 'stroke':
        changed = s.addStroke(message.points);
        break;
      case 'shape':
        changed = s.addShape(message.tool, message.from, message.to);
        break;
      case 'erase':
        changed = s.deleteAt(message.at) !== undefined;
        break;
      case 'undo':
        changed = s.undo();
        break;
      case 'clear':
        s.clear();
        changed = true;
        break;
      case 'choose':
        changed = s.chooseAlternative(message.index);
        break;
      case 'backToSketch':
        s.backToSketch();
        changed = true;
        break;
      case 'infer':
        await this.infer();
        return;
      case 'insert':
        await this.insert();
        return;
      case 'copyTikz':
        await this.copyTikz();
        return;
      case 'decoded':
        this.pendingDecode?.resolve({ width: RASTER_SIZE, height: RASTER_SIZE, data: new Uint8Array(Buffer.from(message.pixels, 'base64')) });
        this.pendingDecode = undefined;
        return;
      case 'decodeFailed':
        this.pendingDecode?.reject(new Error(`Could not decode ${this.sourceName}: ${message.message}`));
        this.pendingDecode = undefined;
        return;
    }
    if (changed) {
      this.changed();
    }
  }

  /** After every edit: redraw, and synthesize the program of the new trace. */
  private changed(): void {
    this.post(this.viewMessage());
    this.scheduleSynthesis();
  }

  private async loadImage(uri: vscode.Uri): Promise<void> {
    const bytes = Buffer.from(await vscode.workspace.fs.readFile(uri));
    if (bytes.length > MAX_IMAGE_BYTES) {
      throw new Error(`${basename(uri.fsPath)} is ${(bytes.length / 1e6).toFixed(0)} MB; pick a drawing under 20 MB.`);
    }
    const png = bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
    if (!png && !jpeg) {
      throw new Error(`${basename(uri.fsPath)} is neither a PNG nor a JPEG image.`);
    }
    const mime = png ? 'image/png' : 'image/jpeg';
    const dataUrl = `data:${mime};base64,${bytes.toString('base64')}`;
    await this.ready;
    this.background = { type: 'background', dataUrl };
    this.post(this.background);
    if (mime === 'image/png') {
      this.imageRaster = decodePng(bytes);
    } else {
      // The extension ships no JPEG decoder; the webview's browser decodes it into 256×256 grayscale.
      this.setStatus('Decoding the image…');
      this.imageRaster = await new Promise<Raster>((resolve, reject) => {
        this.pendingDecode = { resolve, reject };
        this.post({ type: 'decode', dataUrl });
      });
    }
    await this.infer();
  }

  /** Reads the drawing (the picked image, or the sketch's freehand strokes) in a worker, with progress and cancel. */
  private async infer(): Promise<void> {
    const state = this.session.state;
    const shapes = state.shapes;
    let raster: Raster | undefined;
    if (this.source.kind === 'image') {
      if (!this.imageRaster) {
        throw new Error(`${this.sourceName} has not been read yet (or could not be read); pick it again.`);
      }
      raster = this.imageRaster;
    } else if (state.strokes.length > 0) {
      raster = rasterizeSketch(state.strokes);
    }
    if (!raster) {
      if (shapes.length === 0) {
        void vscode.window.showInformationMessage('Plotwright: draw something first (freehand, or with the shape tools).');
        return;
      }
      // Only exact shapes: nothing to infer.
      this.session.setInference([{ primitives: shapes, score: 0 }]);
      this.changed();
      return;
    }
    const image = raster;
    this.inference?.abort();
    this.setStatus('Inferring the primitives…', true);
    let alternatives: Alternative[] | undefined;
    try {
      alternatives = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Plotwright: reading ${this.sourceName}`, cancellable: true },
        async (progress, token) => {
          progress.report({ message: 'inferring circles, rectangles and lines…' });
          const controller = new AbortController();
          this.inference = controller;
          const fromToken = signalFrom(token);
          fromToken.addEventListener('abort', () => controller.abort(fromToken.reason));
          const started = performance.now();
          const lag = watchEventLoop(EVENT_LOOP_TICK_MS);
          try {
            const result = await inferInWorker(this.deps.workerFile, image, { top: TOP, signal: controller.signal });
            this.deps.log.info(
              `Figure from Drawing: inferred ${result.traces.length} traces of ${this.sourceName} in ${result.ms} ms ` +
                `(${Math.round(performance.now() - started)} ms with the worker's start; ` +
                `the extension host's event loop was late by at most ${Math.round(lag.maxLateMs())} ms meanwhile)`,
            );
            return result.traces;
          } finally {
            lag.stop();
          }
        },
      );
    } catch (error) {
      this.setStatus('');
      throw error;
    }
    // Exact shapes from the tools join every reading of the freehand strokes.
    const merged = alternatives.map((a) => ({ primitives: mergeTraces(shapes, a.primitives), score: a.score }));
    if (merged.length === 0) {
      merged.push({ primitives: shapes, score: 0 });
    }
    const first = this.source.kind === 'image' && this.session.state.mode === 'sketch';
    this.session.setInference(merged);
    if (first) {
      // Nothing before the first reading of a picked image to go back to.
      this.session.resetHistory();
    }
    this.status = '';
    this.busy = false;
    this.changed();
  }

  private scheduleSynthesis(): void {
    const trace = this.session.state.trace;
    const key = traceKeys(trace).join('|');
    if (this.session.state.mode !== 'trace' || this.program?.key === key) {
      return;
    }
    this.synthesis?.abort();
    if (trace.length === 0) {
      return;
    }
    const controller = new AbortController();
    this.synthesis = controller;
    this.setStatus('Synthesizing the program…');
    synthesize(trace, { timeoutMs: SYNTH_TIMEOUT_MS, signal: controller.signal }).then(
      (result) => {
        if (controller.signal.aborted) {
          return;
        }
        this.program = { key, result };
        this.deps.log.info(`Figure from Drawing: program of cost ${result.cost} for ${trace.length} primitives in ${Math.round(result.ms)} ms`);
        this.setStatus('');
      },
      (error: unknown) => {
        if (!controller.signal.aborted) {
          this.deps.log.error(`Figure from Drawing: synthesis failed: ${String(error)}`);
          this.setStatus(`Synthesis failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      },
    );
  }

  /** The program of a trace: the one already synthesized for the panel, or a fresh search. */
  private async programFor(trace: Trace, signal: AbortSignal): Promise<SynthesisResult> {
    const key = traceKeys(trace).join('|');
    if (this.program?.key === key) {
      return this.program.result;
    }
    const result = await synthesize(trace, { timeoutMs: SYNTH_TIMEOUT_MS, signal });
    this.program = { key, result };
    return result;
  }

  private async insert(): Promise<void> {
    const trace = this.session.state.trace;
    if (trace.length === 0) {
      void vscode.window.showWarningMessage('Plotwright: the trace is empty; draw or infer something first.');
      return;
    }
    const summary = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Plotwright: figure from drawing', cancellable: true },
      async (progress, token) => {
        const signal = signalFrom(token);
        progress.report({ message: 'synthesizing the program…' });
        const { program, cost, optimal } = await this.programFor(trace, signal);
        const notebook = await this.targetNotebook();
        const settings = readSettings(notebook.uri);
        const insertAt = insertIndexBelowSelection(notebook);
        const header = {
          lines: [
            `Plotwright: figure from ${this.sourceName}`,
            `program cost ${cost}${optimal ? '' : ' (search stopped at its time limit)'} · ${trace.length} primitives`,
          ],
        };
        const askToRun = (cell: vscode.NotebookCell) =>
          askRunConsent(`Plotwright inserted the figure's code in cell ${cell.index + 1}. Run it in your kernel?`);
        const runner = new NotebookCellRunner(notebook, insertAt, header, settings.runGeneratedCode, askToRun);
        progress.report({ message: 'running the cell…' });
        try {
          const result = await runner.run(toMatplotlib(program), 0, { timeoutMs: RUN_TIMEOUT_MS, signal });
          const cell = (runner.cell?.index ?? insertAt) + 1;
          if (result.status !== 'ok') {
            return { ok: false, text: `the figure's cell ${cell} failed: ${result.error?.ename ?? result.status}: ${result.error?.evalue ?? ''}` };
          }
          return { ok: true, text: `figure inserted in cell ${cell} (program cost ${cost})` };
        } catch (error) {
          if (error instanceof NotRunError) {
            return { ok: true, text: `figure code inserted in cell ${error.cell.index + 1}, not run` };
          }
          throw error;
        }
      },
    );
    if (summary.ok) {
      void vscode.window.showInformationMessage(`Plotwright: ${summary.text}.`);
    } else {
      void vscode.window.showWarningMessage(`Plotwright: ${summary.text}`);
    }
  }

  /** The notebook that was active when the panel opened, else a visible one, else a new one. */
  private async targetNotebook(): Promise<vscode.NotebookDocument> {
    if (this.notebook && !this.notebook.isClosed) {
      return this.notebook;
    }
    const visible = vscode.window.activeNotebookEditor?.notebook ?? vscode.window.visibleNotebookEditors[0]?.notebook;
    if (visible) {
      return visible;
    }
    const created = await vscode.workspace.openNotebookDocument('jupyter-notebook', new vscode.NotebookData([]));
    await vscode.window.showNotebookDocument(created, { viewColumn: vscode.ViewColumn.One, preserveFocus: true });
    return created;
  }

  private async copyTikz(): Promise<void> {
    const trace = this.session.state.trace;
    if (trace.length === 0) {
      void vscode.window.showWarningMessage('Plotwright: the trace is empty; nothing to copy.');
      return;
    }
    const { program } = await this.programFor(trace, new AbortController().signal);
    await vscode.env.clipboard.writeText(toTikz(program));
    void vscode.window.showInformationMessage('Plotwright: TikZ picture copied to the clipboard.');
  }

  private setStatus(status: string, busy = false): void {
    this.status = status;
    this.busy = busy;
    this.post(this.viewMessage());
  }

  private viewMessage(): ExtensionMessage {
    const s = this.session.state;
    const key = traceKeys(s.trace).join('|');
    const program = s.mode === 'trace' && this.program?.key === key && s.trace.length > 0 ? this.program.result : undefined;
    const view: DrawingView = {
      source: this.source.kind,
      mode: s.mode,
      strokes: s.strokes,
      shapes: s.shapes,
      trace: s.trace,
      alternatives: s.alternatives.map((a) => ({ primitives: a.primitives.length, score: a.score })),
      chosen: s.chosen,
      canUndo: this.session.canUndo,
      program: program ? { text: printProgram(program.program), cost: program.cost, optimal: program.optimal } : null,
      status: this.status,
      busy: this.busy,
    };
    return { type: 'state', view };
  }

  private post(message: ExtensionMessage): void {
    if (!this.disposed) {
      void this.panel.webview.postMessage(message);
    }
  }

  private html(media: vscode.Uri): string {
    const webview = this.panel.webview;
    const script = webview.asWebviewUri(vscode.Uri.joinPath(media, 'drawing.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'drawing.css'));
    const n = nonce();
    const csp = [
      "default-src 'none'",
      `img-src ${webview.cspSource} data:`,
      `style-src ${webview.cspSource}`,
      `script-src 'nonce-${n}'`,
    ].join('; ');
    const sketchTools = this.source.kind === 'sketch';
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>Figure from Drawing</title>
</head>
<body data-source="${this.source.kind}">
<div class="toolbar" role="toolbar" aria-label="Drawing tools">
  ${sketchTools ? '<button class="tool" data-tool="draw" data-modes="sketch" title="Freehand strokes, ends snapped to the grid">Draw</button>' : ''}
  <button class="tool" data-tool="line" title="Line (drag between grid points)">Line</button>
  <button class="tool" data-tool="dashed" title="Dashed line">Dashed</button>
  <button class="tool" data-tool="arrow" title="Arrow (head at the end of the drag)">Arrow</button>
  <button class="tool" data-tool="dashedArrow" title="Dashed arrow">Dashed Arrow</button>
  <button class="tool" data-tool="rectangle" title="Rectangle (drag between corners)">Rectangle</button>
  <button class="tool" data-tool="circle" title="Circle of radius 1 (click its centre)">Circle</button>
  <button class="tool" data-tool="erase" title="Click a primitive to delete it">Delete</button>
  <span class="sep"></span>
  <button id="undo" title="Undo (Ctrl+Z)">Undo</button>
  <button id="clear">Clear</button>
  <button id="back" data-modes="trace" ${sketchTools ? '' : 'hidden'}>Back to Sketch</button>
  <button id="infer" class="primary">${sketchTools ? 'Infer' : 'Infer Again'}</button>
</div>
<div class="main">
  <canvas id="drawing-canvas" width="512" height="512" aria-label="Drawing canvas, 16 by 16 grid"></canvas>
  <div class="side">
    <div id="status" role="status"></div>
    <div id="summary"></div>
    <div id="alternatives" data-modes="trace"></div>
    <div class="actions" data-modes="trace">
      <button id="insert" class="primary">Insert into Notebook</button>
      <button id="tikz">Copy as TikZ</button>
    </div>
    <pre id="program" data-modes="trace"></pre>
  </div>
</div>
<script nonce="${n}" src="${script.toString()}"></script>
</body>
</html>`;
  }
}

/** A trace with the primitives of both, each once. */
function mergeTraces(a: Trace, b: Trace): Trace {
  const seen = new Set(a.map(primitiveKey));
  return [...a, ...b.filter((p) => !seen.has(primitiveKey(p)))];
}

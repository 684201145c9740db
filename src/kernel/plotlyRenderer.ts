// Turns Plotly figure JSON into PNG bytes in headless Chromium (kaleido is not available): one
// browser, launched on the first figure, and one page with plotly.js reused for every figure.
//
// The figure JSON comes from generated code, so it is untrusted: the page makes no network request
// at all (plotly.js is inlined; a layout image or font URL is blocked by the page's CSP, by an
// offline context and by a route that aborts every request), the image size is capped, and
// Chromium keeps its sandbox unless the user is root (where Chromium refuses to start with it).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { PlotlyFigureJson } from './kernel.js';

export interface PlotlyRendererOptions {
  /** Chromium binary; default env PLOTWRIGHT_CHROMIUM, else /usr/bin/chromium. */
  executablePath?: string;
  /** Size used when the figure's layout does not set one. Default 700×500. */
  defaultWidth?: number;
  defaultHeight?: number;
  /** Device scale factor of the PNG. Default 1. */
  scale?: number;
  /** Per-figure limit (a figure that misses it gets one more try with twice the time). Default 30 s. */
  timeoutMs?: number;
}

export interface RenderOptions {
  width?: number;
  height?: number;
  scale?: number;
}

/** Larger layouts are drawn at this size: a figure must not make the renderer allocate gigabytes. */
export const MAX_FIGURE_SIDE_PX = 4096;
export const MAX_FIGURE_SCALE = 4;

// What the render page may load: its own inline script and style, and images plotly.js makes itself.
const PAGE_CSP = "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:; connect-src 'none'";

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Chromium's flags: its sandbox stays on unless the user is root (Chromium will not start as root with it). */
export function chromiumArgs(root = isRoot()): string[] {
  return [...(root ? ['--no-sandbox'] : []), ...CHROMIUM_ARGS];
}

const CHROMIUM_ARGS = [
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export class ChromiumMissingError extends Error {
  constructor(path: string) {
    super(
      `Chromium was not found at ${path}; it renders Plotly figures to PNG. ` +
        `Install Debian's chromium: sudo apt-get install chromium, or set PLOTWRIGHT_CHROMIUM to a Chromium binary.`,
    );
    this.name = 'ChromiumMissingError';
  }
}

export class PlotlyRenderer {
  private readonly executablePath: string;
  private browser: Browser | undefined;
  private page: Promise<Page> | undefined;
  /** Requests the render page tried to make (all of them blocked), for tests and logs. */
  blockedRequests = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: PlotlyRendererOptions = {}) {
    this.executablePath = options.executablePath ?? process.env.PLOTWRIGHT_CHROMIUM ?? '/usr/bin/chromium';
  }

  /** PNG bytes of the figure. Renders one figure at a time on the shared page. */
  render(figure: PlotlyFigureJson, options: RenderOptions = {}): Promise<Buffer> {
    const task = this.queue.then(() => this.renderWithRetry(figure, options));
    this.queue = task.then(
      () => undefined,
      () => undefined,
    );
    return task;
  }

  /**
   * Launches Chromium and loads plotly.js now (seconds on a slow machine) instead of on the first
   * figure, e.g. while the model is still answering.
   */
  async warmUp(): Promise<void> {
    if (this.closed) {
      throw new Error('The Plotly renderer has been closed.');
    }
    await this.ensurePage();
  }

  /** The same PNG as base64, the form image outputs use. */
  async renderBase64(figure: PlotlyFigureJson, options: RenderOptions = {}): Promise<string> {
    return (await this.render(figure, options)).toString('base64');
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    // A launch still under way (warmUp) must finish before its browser can be closed.
    await this.page?.catch(() => undefined);
    await this.reset();
  }

  /**
   * A heavy figure can miss the limit on a busy machine, and a page can crash: one more try on a fresh
   * page with twice the time, so only a figure that really cannot be drawn fails.
   */
  private async renderWithRetry(figure: PlotlyFigureJson, options: RenderOptions): Promise<Buffer> {
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    try {
      return await this.renderNow(figure, options, timeoutMs);
    } catch (first) {
      if (this.closed || first instanceof ChromiumMissingError) {
        throw first;
      }
      try {
        return await this.renderNow(figure, options, timeoutMs * 2);
      } catch (second) {
        const reason = (second as Error).message;
        throw new Error(reason === (first as Error).message ? `${reason} (tried twice)` : `${(first as Error).message}; tried again: ${reason}`);
      }
    }
  }

  private async renderNow(figure: PlotlyFigureJson, options: RenderOptions, timeoutMs: number): Promise<Buffer> {
    if (this.closed) {
      throw new Error('The Plotly renderer has been closed.');
    }
    const layout = (figure.layout ?? {}) as Record<string, unknown>;
    const width = Math.min(MAX_FIGURE_SIDE_PX, options.width ?? positive(layout.width) ?? this.options.defaultWidth ?? 700);
    const height = Math.min(MAX_FIGURE_SIDE_PX, options.height ?? positive(layout.height) ?? this.options.defaultHeight ?? 500);
    const scale = Math.min(MAX_FIGURE_SCALE, options.scale ?? this.options.scale ?? 1);
    const page = await this.ensurePage();
    figure = withoutWebGl(figure);
    let timer: NodeJS.Timeout | undefined;
    try {
      const dataUrl = await Promise.race([
        page.evaluate(
          async ({ fig, size }) => {
            const plotly = (globalThis as unknown as { Plotly: PlotlyGlobal }).Plotly;
            return plotly.toImage(
              { data: fig.data ?? [], layout: fig.layout ?? {}, config: { ...(fig.config ?? {}), staticPlot: true } },
              { format: 'png', ...size },
            );
          },
          { fig: figure as FigureArg, size: { width, height, scale } },
        ),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`Rendering a Plotly figure took longer than ${timeoutMs} ms.`)), timeoutMs);
        }),
      ]);
      const comma = dataUrl.indexOf(',');
      if (!dataUrl.startsWith('data:image/png') || comma < 0) {
        throw new Error('Plotly did not return a PNG.');
      }
      return Buffer.from(dataUrl.slice(comma + 1), 'base64');
    } catch (err) {
      // A hung or crashed page is replaced on the next figure.
      await this.reset();
      throw err;
    } finally {
      if (timer) {
        clearTimeout(timer);
      }
    }
  }

  private ensurePage(): Promise<Page> {
    if (!this.page) {
      this.page = this.launch();
      this.page.catch(() => {
        this.page = undefined;
      });
    }
    return this.page;
  }

  private async launch(): Promise<Page> {
    if (!existsSync(this.executablePath)) {
      throw new ChromiumMissingError(this.executablePath);
    }
    // A bundle loads playwright-core as CommonJS through import(): its exports then sit under `default`.
    const playwright = (await import('playwright-core')) as typeof import('playwright-core') & { default?: typeof import('playwright-core') };
    const chromium = playwright.chromium ?? playwright.default?.chromium;
    let browser: Browser;
    try {
      browser = await chromium.launch({ executablePath: this.executablePath, args: chromiumArgs(), headless: true, timeout: 60_000 });
    } catch (err) {
      throw new Error(`Could not start Chromium (${this.executablePath}) to render Plotly figures: ${(err as Error).message}`);
    }
    this.browser = browser;
    browser.on('disconnected', () => {
      if (this.browser === browser) {
        this.browser = undefined;
        this.page = undefined;
      }
    });
    const context = await browser.newContext({ offline: true, serviceWorkers: 'block', acceptDownloads: false });
    await context.route('**/*', (route) => {
      this.blockedRequests++;
      return route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    await page.setContent(`<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${PAGE_CSP}"></head><body></body></html>`);
    await page.addScriptTag({ path: plotlyScriptPath() });
    return page;
  }

  private async reset(): Promise<void> {
    const browser = this.browser;
    this.browser = undefined;
    this.page = undefined;
    if (browser) {
      await browser.close().catch(() => undefined);
    }
  }
}

// WebGL traces with an SVG twin that draws the same picture. Headless Chromium without a GPU draws
// WebGL slowly in software (or not at all), and a static PNG gains nothing from it.
const SVG_TWIN: Record<string, string> = { scattergl: 'scatter', scatterpolargl: 'scatterpolar', heatmapgl: 'heatmap' };

/** The figure with every WebGL trace that has an SVG twin drawn as that twin (3D traces stay WebGL). */
export function withoutWebGl(figure: PlotlyFigureJson): PlotlyFigureJson {
  const data = figure.data;
  if (!Array.isArray(data) || !data.some((trace) => SVG_TWIN[(trace as { type?: string })?.type ?? ''])) {
    return figure;
  }
  return {
    ...figure,
    data: data.map((trace) => {
      const type = (trace as { type?: string })?.type ?? '';
      return SVG_TWIN[type] ? { ...(trace as object), type: SVG_TWIN[type] } : trace;
    }),
  };
}

interface FigureArg {
  data?: unknown[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

interface PlotlyGlobal {
  toImage(figure: FigureArg, options: { format: 'png'; width: number; height: number; scale: number }): Promise<string>;
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** The plotly.js bundle: next to a bundle that ships it (the extension's dist/), else the npm package plotly.js-dist-min. */
export function plotlyScriptPath(): string {
  // In a CommonJS bundle import.meta is empty but __dirname exists; in ESM it is the other way round.
  const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
  const shipped = join(here, 'plotly.min.js');
  return existsSync(shipped) ? shipped : createRequire(import.meta.url).resolve('plotly.js-dist-min');
}

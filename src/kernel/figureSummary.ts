// What a drawn figure contains, in one shape for both libraries: Matplotlib figures are summarized
// inside the kernel as they are drawn (figure_summary.py, which also measures tick-label overlaps),
// Plotly figures here from the figure JSON the kernel displayed. Plot lint and the structure scores
// read only this shape.
import type { ExecutionResult, PlotlyFigureJson } from './kernel.js';
import { plotlyOutputs } from './kernel.js';

/** `rule` is an error bar or reference line; `patch` any other shape. */
export type ArtistType = 'line' | 'scatter' | 'bar' | 'area' | 'pie' | 'heatmap' | 'box' | 'violin' | 'rule' | 'patch' | 'other';

export interface ArtistSummary {
  type: ArtistType;
  /** The legend label; empty when the artist has none. */
  label: string;
  /** '#rrggbb', or null when the figure leaves the colour to the renderer. */
  color: string | null;
  /** Data points (for bars: bars; for heatmaps: cells). */
  points: number;
  /** Points whose coordinates are all finite numbers. */
  finite: number;
  /** Positions along the category/x axis, at most 2000, null for NaN. */
  x: Array<number | null>;
  /** The plotted values (y, bar lengths, pie fractions, cell values), at most 2000, null for NaN. */
  values: Array<number | null>;
  /** False when the renderer computes the plotted values (a Plotly histogram bins in the browser). */
  valuesKnown?: boolean;
}

export interface AxisSummary {
  label: string;
  scale: string;
  categorical: boolean;
  /** Tick label texts as drawn (Matplotlib) or set explicitly (Plotly), at most 300. */
  tickLabels: string[];
  tickCount: number;
  /** Neighbouring tick labels that overlap, measured on the drawn figure. */
  overlaps: number;
  /** How many labels fit along the axis even if turned vertical (axis length ÷ text height). */
  fitsAtMost: number | null;
  /** True when overlaps and fitsAtMost were measured (Matplotlib, rectilinear axes). */
  ticksMeasured: boolean;
}

export interface AxesSummary {
  /** [x0, y0, x1, y1] in fractions of the figure, y up. */
  bounds: [number, number, number, number];
  colorbar: boolean;
  /** False where the plot has no x/y axes (a pie). */
  axisOn: boolean;
  title: string;
  x: AxisSummary;
  y: AxisSummary;
  legend: { entries: string[] } | null;
  /** Annotations and other free text in the axes. */
  texts: string[];
  artists: ArtistSummary[];
}

export interface FigureSummary {
  library: 'matplotlib' | 'plotly';
  /** The figure's own title (suptitle; Plotly's layout title). */
  title: string;
  /** Axis labels shared by the whole figure (Matplotlib's supxlabel and supylabel). */
  xLabel: string;
  yLabel: string;
  /** Free text placed on the figure (Matplotlib's fig.text; Plotly's annotations, subplot titles included). */
  texts: string[];
  /** Width and height in pixels, when known. */
  size: [number, number] | null;
  axes: AxesSummary[];
  /** Figure-level legends (Plotly's one legend; Matplotlib's fig.legend). */
  legends: Array<{ entries: string[] }>;
  /** Texts that extend past the figure's edge. */
  clippedTexts: string[];
  /** True when the figure was written without a tight bounding box, where clipped text is cut off. */
  savedWithoutTightBox: boolean;
  /** Set when the summary could not be taken. */
  error?: string;
}

export type MatplotlibFigureSummary = FigureSummary & { library: 'matplotlib' };

/** Every figure a run drew: Matplotlib summaries from the kernel, then the Plotly figures it displayed. */
export function figureSummaries(result: ExecutionResult): FigureSummary[] {
  return [...(result.figures ?? []), ...plotlyOutputs(result).map(summarizePlotly)];
}

// ---------------------------------------------------------------- Plotly

type Json = Record<string, unknown>;

const DOMAIN_TRACES = new Set(['pie', 'sunburst', 'treemap', 'funnelarea', 'icicle', 'indicator', 'table', 'sankey']);

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function titleText(title: unknown): string {
  if (typeof title === 'string') {
    return title.trim();
  }
  if (isObject(title) && typeof title.text === 'string') {
    return title.text.trim();
  }
  return '';
}

const TYPED_ARRAYS: Record<string, (buffer: ArrayBuffer) => ArrayLike<number>> = {
  f8: (b) => new Float64Array(b),
  f4: (b) => new Float32Array(b),
  i1: (b) => new Int8Array(b),
  u1: (b) => new Uint8Array(b),
  i2: (b) => new Int16Array(b),
  u2: (b) => new Uint16Array(b),
  i4: (b) => new Int32Array(b),
  u4: (b) => new Uint32Array(b),
};

/** A Plotly data array: a JSON list, or Plotly 6's base64 typed array ({dtype, bdata}). */
function plotlyArray(value: unknown): unknown[] {
  if (Array.isArray(value)) {
    return value.flat(Infinity);
  }
  if (isObject(value) && typeof value.bdata === 'string' && typeof value.dtype === 'string') {
    const make = TYPED_ARRAYS[value.dtype];
    if (!make) {
      return [];
    }
    const bytes = Buffer.from(value.bdata, 'base64');
    const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    return Array.from(make(copy));
  }
  return [];
}

function toNumber(value: unknown): number | null {
  const number = typeof value === 'number' ? value : typeof value === 'boolean' ? Number(value) : Number.NaN;
  return Number.isFinite(number) ? number : null;
}

const MAX_VALUES = 2000;

function artistType(trace: Json, type: string): ArtistType {
  switch (type) {
    case 'bar':
    case 'histogram':
    case 'funnel':
    case 'waterfall':
      return 'bar';
    case 'pie':
    case 'sunburst':
    case 'treemap':
    case 'funnelarea':
    case 'icicle':
      return 'pie';
    case 'heatmap':
    case 'heatmapgl':
    case 'histogram2d':
    case 'contour':
    case 'image':
      return 'heatmap';
    case 'box':
      return 'box';
    case 'violin':
      return 'violin';
    case 'scatter':
    case 'scattergl': {
      const fill = typeof trace.fill === 'string' ? trace.fill : 'none';
      if (fill !== 'none' || typeof trace.stackgroup === 'string') {
        return 'area';
      }
      const mode = typeof trace.mode === 'string' ? trace.mode : 'lines';
      return mode.includes('lines') ? 'line' : mode.includes('markers') ? 'scatter' : 'other';
    }
    default:
      return 'other';
  }
}

function traceColor(trace: Json): string | null {
  for (const holder of [trace.marker, trace.line]) {
    if (isObject(holder) && typeof holder.color === 'string') {
      return holder.color;
    }
  }
  return null;
}

function traceArtist(trace: Json, type: string): ArtistSummary {
  const kind = artistType(trace, type);
  const horizontal = trace.orientation === 'h';
  let raw: unknown[];
  let positions: unknown[] = [];
  let valuesKnown = true;
  if (kind === 'pie') {
    raw = plotlyArray(trace.values);
    const numbers = raw.map(toNumber);
    const total = numbers.reduce<number>((sum, v) => sum + (v ?? 0), 0);
    raw = total > 0 ? numbers.map((v) => (v === null ? null : v / total)) : numbers;
  } else if (kind === 'heatmap') {
    raw = plotlyArray(trace.z);
  } else if (type === 'histogram') {
    raw = plotlyArray(horizontal ? trace.y : trace.x);
    valuesKnown = false;
  } else {
    raw = plotlyArray(horizontal ? trace.x : trace.y);
    positions = plotlyArray(horizontal ? trace.y : trace.x);
  }
  const values = raw.map(toNumber);
  // NaN arrives as null; a category or date string is a value too.
  const finite = raw.filter((v) => (typeof v === 'number' ? Number.isFinite(v) : v !== null && v !== undefined)).length;
  return {
    type: kind,
    label: typeof trace.name === 'string' ? trace.name.trim() : '',
    color: traceColor(trace),
    points: raw.length,
    finite,
    x: positions.slice(0, MAX_VALUES).map(toNumber),
    values: valuesKnown ? values.slice(0, MAX_VALUES) : [],
    ...(valuesKnown ? {} : { valuesKnown: false }),
  };
}

function domain(value: unknown): [number, number] {
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) {
    return [value[0] as number, value[1] as number];
  }
  return [0, 1];
}

function plotlyAxis(layoutAxis: Json, values: unknown[][]): AxisSummary {
  const tickText = plotlyArray(layoutAxis.ticktext).map((t) => String(t).trim());
  const categorical = layoutAxis.type === 'category' || values.some((list) => list.some((v) => typeof v === 'string' && toNumber(Number(v)) === null));
  return {
    label: titleText(layoutAxis.title),
    scale: typeof layoutAxis.type === 'string' ? layoutAxis.type : 'linear',
    categorical,
    tickLabels: tickText,
    tickCount: tickText.length,
    overlaps: 0,
    fitsAtMost: null,
    ticksMeasured: false,
  };
}

function axisName(ref: string, letter: 'x' | 'y'): string {
  return `${letter}axis${ref.slice(1)}`;
}

/** A Plotly figure's summary from its JSON (what `fig.to_dict()` returns, as displayed). */
export function summarizePlotly(figure: PlotlyFigureJson): FigureSummary {
  const layout = isObject(figure.layout) ? figure.layout : {};
  const traces = (Array.isArray(figure.data) ? figure.data : []).filter(isObject);
  const pairs = new Map<string, { x: string; y: string; traces: Json[] }>();
  const addPair = (x: string, y: string): { x: string; y: string; traces: Json[] } => {
    const key = `${x}|${y}`;
    let pair = pairs.get(key);
    if (!pair) {
      pair = { x, y, traces: [] };
      pairs.set(key, pair);
    }
    return pair;
  };
  // Axes the layout defines (make_subplots defines one pair per cell, used or not).
  for (const key of Object.keys(layout).sort()) {
    const match = /^xaxis(\d*)$/.exec(key);
    const axis = layout[key];
    if (match && isObject(axis)) {
      const anchor = typeof axis.anchor === 'string' && /^y\d*$/.test(axis.anchor) ? axis.anchor : `y${match[1]}`;
      addPair(`x${match[1]}`, anchor);
    }
  }
  const domainAxes: AxesSummary[] = [];
  for (const trace of traces) {
    const type = typeof trace.type === 'string' ? trace.type : 'scatter';
    if (DOMAIN_TRACES.has(type)) {
      const dom = isObject(trace.domain) ? trace.domain : {};
      const [x0, x1] = domain(dom.x);
      const [y0, y1] = domain(dom.y);
      const noAxis = plotlyAxis({}, []);
      domainAxes.push({
        bounds: [x0, y0, x1, y1],
        colorbar: false,
        axisOn: false,
        title: titleText(trace.title),
        x: noAxis,
        y: noAxis,
        legend: null,
        texts: plotlyArray(trace.labels).map((l) => String(l).trim()),
        artists: [traceArtist(trace, type)],
      });
      continue;
    }
    const x = typeof trace.xaxis === 'string' ? trace.xaxis : 'x';
    const y = typeof trace.yaxis === 'string' ? trace.yaxis : 'y';
    addPair(x, y).traces.push(trace);
  }
  if (pairs.size === 1 && [...pairs.values()][0]!.traces.length === 0 && domainAxes.length > 0) {
    // A pie-only figure: the layout's default axes are not drawn.
    pairs.clear();
  }
  const cartesian: AxesSummary[] = [...pairs.values()].map((pair) => {
    const xAxis = isObject(layout[axisName(pair.x, 'x')]) ? (layout[axisName(pair.x, 'x')] as Json) : {};
    const yAxis = isObject(layout[axisName(pair.y, 'y')]) ? (layout[axisName(pair.y, 'y')] as Json) : {};
    const [x0, x1] = domain(xAxis.domain);
    const [y0, y1] = domain(yAxis.domain);
    return {
      bounds: [x0, y0, x1, y1],
      colorbar: false,
      axisOn: true,
      title: '',
      x: plotlyAxis(xAxis, pair.traces.map((t) => plotlyArray(t.x))),
      y: plotlyAxis(yAxis, pair.traces.map((t) => plotlyArray(t.y))),
      legend: null,
      texts: [],
      artists: pair.traces.map((t) => traceArtist(t, typeof t.type === 'string' ? t.type : 'scatter')),
    };
  });
  const annotations = Array.isArray(layout.annotations) ? layout.annotations.filter(isObject) : [];
  const allAxes = [...cartesian, ...domainAxes];
  const eligible = traces.filter((t) => t.showlegend !== false);
  const pieShown = traces.some((t) => t.type === 'pie');
  const shown = layout.showlegend === true || (layout.showlegend !== false && (eligible.length >= 2 || pieShown));
  const legendEntries = eligible.map((t) => (typeof t.name === 'string' ? t.name.trim() : '')).filter(Boolean);
  const width = toNumber(layout.width);
  const height = toNumber(layout.height);
  return {
    library: 'plotly',
    title: titleText(layout.title),
    xLabel: '',
    yLabel: '',
    texts: annotations.map((a) => (typeof a.text === 'string' ? a.text.trim() : '')).filter(Boolean),
    size: width !== null && height !== null ? [width, height] : null,
    axes: allAxes,
    legends: shown && !pieShown ? [{ entries: legendEntries }] : [],
    clippedTexts: [],
    savedWithoutTightBox: false,
  };
}

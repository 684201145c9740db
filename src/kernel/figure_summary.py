"""What a drawn Matplotlib figure contains, as JSON-ready data, for plot lint and structure scores.

The bridge execs this file into a module registered as ``_plotwright_figures``; kernel_setup.py
patches ``FigureCanvasBase.print_figure`` with ``patch_canvas`` so every render (the inline
backend's display, ``savefig``, Plotwright's own capture) records a summary of the figure as it
was drawn: ticks and their labels exist only after a draw. ``collected()`` returns the summaries of
the current cell, one per figure, in the order they were first drawn.

Facts are measured here (text extents, overlaps, counts); what counts as a problem is decided in
TypeScript (src/core/plotLint.ts, benchmark/structureScore.ts).
"""

import functools
import math
import sys

# Values kept per artist and per figure, and tick labels per axis: enough to compare data, small
# enough for a reply.
MAX_VALUES = 2000
MAX_FIGURE_VALUES = 100_000
MAX_TICK_LABELS = 300
MAX_CLIPPED = 10


class _Recorder:
    def __init__(self):
        self.summaries = {}
        self.order = []
        self.busy = False
        # Off for cells whose caller has no use for summaries: a summary costs about a tenth of
        # drawing a small figure.
        self.enabled = True


_recorder = _Recorder()


def reset(enabled=True):
    """Forgets the previous cell's figures (called at the start of every cell); ``enabled`` says
    whether this cell's figures are summarized."""
    _recorder.summaries = {}
    _recorder.order = []
    _recorder.enabled = enabled


def collected():
    """The cell's summaries; None when the cell was run without them."""
    if not _recorder.enabled:
        return None
    return [_recorder.summaries[key] for key in _recorder.order]


def patch_canvas(module):
    """Post-import hook for matplotlib.backend_bases."""
    canvas_class = module.FigureCanvasBase
    if getattr(canvas_class.print_figure, '_plotwright', False):
        return
    original = canvas_class.print_figure

    @functools.wraps(original)
    def print_figure(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        _record(self.figure, kwargs)
        return result

    print_figure._plotwright = True
    canvas_class.print_figure = print_figure


def _is_tight(kwargs):
    import matplotlib

    bbox = kwargs.get('bbox_inches')
    if bbox is None:
        bbox = matplotlib.rcParams.get('savefig.bbox')
    return bbox == 'tight'


def _record(fig, kwargs):
    if _recorder.busy or not _recorder.enabled or fig is None:
        return
    _recorder.busy = True
    try:
        key = id(fig)
        previous = _recorder.summaries.get(key)
        summary = summarize(fig)
        untight = not _is_tight(kwargs)
        summary['savedWithoutTightBox'] = untight or bool(previous and previous.get('savedWithoutTightBox'))
        if previous is None:
            _recorder.order.append(key)
        _recorder.summaries[key] = summary
    except Exception as error:  # a summary must never break the user's savefig or display
        print(f'plotwright: could not summarize a figure: {error!r}', file=sys.__stderr__)
    finally:
        _recorder.busy = False


# ---------------------------------------------------------------- values

def _number(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _values(array):
    """A flat list of floats (None for NaN, inf and masked), capped, plus the counts."""
    import numpy as np

    try:
        data = np.ma.filled(np.ma.asarray(array, dtype=float), np.nan).ravel()
    except (TypeError, ValueError):
        return {'values': [], 'points': 0, 'finite': 0}
    finite = int(np.isfinite(data).sum())
    head = data[:MAX_VALUES]
    return {
        'values': [float(v) if math.isfinite(v) else None for v in head.tolist()],
        'points': int(data.size),
        'finite': finite,
    }


def _color(value):
    from matplotlib.colors import to_hex

    try:
        import numpy as np

        array = np.asarray(value)
        if array.ndim == 2:
            if len(array) == 0:
                return None
            value = array[0]
        return to_hex(value, keep_alpha=False)
    except (ValueError, TypeError):
        return None


def _text(artist):
    if artist is None or not artist.get_visible():
        return ''
    return artist.get_text().strip()


# ---------------------------------------------------------------- artists

def _line_artist(line):
    xy = line.get_xydata()
    x = _values(xy[:, 0]) if len(xy) else _values([])
    y = _values(xy[:, 1]) if len(xy) else _values([])
    both_finite = 0
    if len(xy):
        import numpy as np

        both_finite = int(np.isfinite(np.asarray(xy, dtype=float)).all(axis=1).sum())
    no_line = str(line.get_linestyle()) in ('None', '', ' ')
    marker = line.get_marker()
    kind = 'scatter' if no_line and marker not in (None, 'None', '', ' ') else 'line'
    label = line.get_label() or ''
    # Error bars and reference lines: two points on one vertical or horizontal line, no legend label.
    if kind == 'line' and y['points'] == 2 and label.startswith('_'):
        xs, ys = x['values'], y['values']
        if (xs[0] is not None and xs[0] == xs[1]) or (ys[0] is not None and ys[0] == ys[1]):
            kind = 'rule'
    return {
        'type': kind,
        'label': '' if label.startswith('_') else label,
        'color': _color(line.get_color()),
        'points': y['points'],
        'finite': both_finite,
        'x': x['values'],
        'values': y['values'],
    }


def _collection_artist(collection):
    from matplotlib.collections import LineCollection, PathCollection, PolyCollection, QuadMesh

    label = collection.get_label() or ''
    base = {'label': '' if label.startswith('_') else label, 'color': _color(collection.get_facecolor())}
    if isinstance(collection, PathCollection):
        offsets = collection.get_offsets()
        import numpy as np

        offsets = np.ma.filled(np.ma.asarray(offsets, dtype=float), np.nan).reshape(-1, 2)
        y = _values(offsets[:, 1])
        return dict(base, type='scatter', points=y['points'],
                    finite=int(np.isfinite(offsets).all(axis=1).sum()),
                    x=_values(offsets[:, 0])['values'], values=y['values'])
    if isinstance(collection, QuadMesh):
        z = _values(collection.get_array())
        return dict(base, type='heatmap', points=z['points'], finite=z['finite'], x=[], values=z['values'])
    if isinstance(collection, PolyCollection):
        ys = [vertex[1] for path in collection.get_paths() for vertex in path.vertices]
        y = _values(ys)
        return dict(base, type='area', points=y['points'], finite=y['finite'], x=[], values=y['values'])
    if isinstance(collection, LineCollection):
        ys = [vertex[1] for segment in collection.get_segments() for vertex in segment]
        y = _values(ys)
        return dict(base, color=_color(collection.get_edgecolor()), type='rule', points=y['points'],
                    finite=y['finite'], x=[], values=y['values'])
    return dict(base, type='other', points=0, finite=0, x=[], values=[])


def _bar_artist(container):
    patches = [p for p in container.patches if p.get_visible()]
    horizontal = getattr(container, 'orientation', None) == 'horizontal'
    datavalues = getattr(container, 'datavalues', None)
    if datavalues is not None and len(datavalues) == len(container.patches):
        heights = [v for v, p in zip(datavalues, container.patches) if p.get_visible()]
    else:
        heights = [p.get_width() if horizontal else p.get_height() for p in patches]
    positions = [p.get_y() + p.get_height() / 2 if horizontal else p.get_x() + p.get_width() / 2 for p in patches]
    y = _values(heights)
    label = container.get_label() or ''
    return {
        'type': 'bar',
        'label': '' if label.startswith('_') else label,
        'color': _color(patches[0].get_facecolor()) if patches else None,
        'points': y['points'],
        'finite': y['finite'],
        'x': _values(positions)['values'],
        'values': y['values'],
    }


def _artists(ax):
    from matplotlib.container import BarContainer
    from matplotlib.patches import Wedge

    artists = []
    for line in ax.get_lines():
        if line.get_visible():
            artists.append(_line_artist(line))
    for collection in ax.collections:
        if collection.get_visible():
            artists.append(_collection_artist(collection))
    in_bars = set()
    for container in ax.containers:
        if isinstance(container, BarContainer):
            in_bars.update(id(p) for p in container.patches)
            artists.append(_bar_artist(container))
    wedges = [p for p in ax.patches if isinstance(p, Wedge) and p.get_visible()]
    if wedges:
        fractions = _values([(w.theta2 - w.theta1) / 360.0 for w in wedges])
        artists.append({
            'type': 'pie', 'label': '', 'color': _color(wedges[0].get_facecolor()),
            'points': fractions['points'], 'finite': fractions['finite'], 'x': [], 'values': fractions['values'],
        })
    others = [p for p in ax.patches if id(p) not in in_bars and not isinstance(p, Wedge) and p.get_visible()]
    if others:
        artists.append({
            'type': 'patch', 'label': '', 'color': _color(others[0].get_facecolor()),
            'points': len(others), 'finite': len(others), 'x': [], 'values': [],
        })
    for table in getattr(ax, 'tables', []):
        if table.get_visible():
            cells = len(table.get_celld())
            artists.append({'type': 'other', 'label': '', 'color': None, 'points': cells, 'finite': cells,
                            'x': [], 'values': []})
    for image in ax.images:
        if image.get_visible():
            z = _values(image.get_array())
            artists.append({'type': 'heatmap', 'label': '', 'color': None, 'points': z['points'],
                            'finite': z['finite'], 'x': [], 'values': z['values']})
    return artists


# ---------------------------------------------------------------- text geometry

def _ink_box(renderer, label):
    """The drawn text as a rectangle: centre (display pixels), width and height before rotation, and
    angle. Blank first or last lines (pandas' two-row date labels) hold no ink and are left out."""
    import warnings

    lines = label.get_text().split('\n')
    props = label.get_fontproperties()
    with warnings.catch_warnings():
        # A glyph missing from the font is the user's business, not a warning from us.
        warnings.simplefilter('ignore')

        def size(text):
            ismath = 'TeX' if label.get_usetex() else (text.count('$') >= 2 and text.count('$') % 2 == 0)
            width, height, _descent = renderer.get_text_width_height_descent(text, props, ismath=ismath)
            return width, height

        inked = [i for i, line in enumerate(lines) if line.strip()]
        first, last = inked[0], inked[-1]
        _w, line_height = size('lp')
        pitch = line_height * getattr(label, '_linespacing', 1.2)  # Text has set_linespacing, no getter
        width = max(size(lines[i])[0] for i in range(first, last + 1))
    height = (last - first) * pitch + line_height
    extent = label.get_window_extent(renderer)
    angle = math.radians(label.get_rotation())
    # Blank lines above the ink push it down the text's own vertical, blank lines below push it up.
    shift = (first - (len(lines) - 1 - last)) * pitch / 2
    cx = (extent.x0 + extent.x1) / 2 - shift * -math.sin(angle)
    cy = (extent.y0 + extent.y1) / 2 - shift * math.cos(angle)
    return cx, cy, width, height, angle


def _overlap(a, b):
    """Two text rectangles of one orientation overlap when their centres are closer than their mean
    size both along the text's direction and across it."""
    ax_, ay, aw, ah, angle = a
    bx, by, bw, bh, _angle = b
    dx, dy = bx - ax_, by - ay
    along = abs(dx * math.cos(angle) + dy * math.sin(angle))
    across = abs(-dx * math.sin(angle) + dy * math.cos(angle))
    return along < (aw + bw) / 2 and across < (ah + bh) / 2


def _outside(extent, fig_bbox):
    return (extent.x0 < fig_bbox.x0 - 1 or extent.y0 < fig_bbox.y0 - 1
            or extent.x1 > fig_bbox.x1 + 1 or extent.y1 > fig_bbox.y1 + 1)


def _is_categorical(axis, texts):
    from matplotlib.category import StrCategoryConverter
    from matplotlib.ticker import FixedFormatter

    if isinstance(getattr(axis, 'converter', None), StrCategoryConverter):
        return True
    if isinstance(axis.get_major_formatter(), FixedFormatter):
        return any(_number(t.replace('\u2212', '-')) is None for t in texts if t)
    return False


def _axis(ax, axis, which, renderer, fig_bbox, clipped):
    try:
        ticks = axis._update_ticks()  # the ticks a draw shows, with their labels set
    except Exception:
        ticks = axis.get_major_ticks()
    labels = [t.label1 for t in ticks if t.label1.get_visible() and t.label1.get_text().strip()]
    texts = [label.get_text().strip() for label in labels]
    summary = {
        'label': _text(axis.label),
        'scale': axis.get_scale(),
        'categorical': _is_categorical(axis, texts),
        'tickLabels': texts[:MAX_TICK_LABELS],
        'tickCount': len(texts),
        'overlaps': 0,
        'fitsAtMost': None,
        'ticksMeasured': False,
    }
    if renderer is None or ax.name != 'rectilinear' or not labels:
        return summary
    length = ax.bbox.width if which == 'x' else ax.bbox.height
    boxes = []
    for label in labels:
        boxes.append(_ink_box(renderer, label))
        if len(clipped) < MAX_CLIPPED and _outside(label.get_window_extent(renderer), fig_bbox):
            clipped.append(label.get_text().strip())
    boxes.sort(key=lambda box: box[0] if which == 'x' else box[1])
    # Labels sit in order along the axis; a label can only reach its next few neighbours.
    crowded = set()
    for i, box in enumerate(boxes):
        for j in range(i + 1, min(i + 4, len(boxes))):
            if _overlap(box, boxes[j]):
                crowded.update((i, j))
    heights = sorted(box[3] for box in boxes)
    line_height = heights[len(heights) // 2]
    summary['overlaps'] = len(crowded)
    summary['fitsAtMost'] = int(length // line_height) if line_height > 0 else None
    summary['ticksMeasured'] = True
    return summary


def _renderer(fig):
    canvas = fig.canvas
    if hasattr(canvas, 'get_renderer'):
        try:
            return canvas.get_renderer()
        except Exception:
            return None
    return None


# ---------------------------------------------------------------- figures

def _legend(legend):
    if legend is None or not legend.get_visible():
        return None
    return {'entries': [t.get_text().strip() for t in legend.get_texts()]}


def _is_colorbar(ax):
    return hasattr(ax, '_colorbar') or ax.get_label() == '<colorbar>'


def _axes(ax, renderer, fig_bbox, clipped):
    position = ax.get_position()
    titles = [ax.get_title(loc).strip() for loc in ('left', 'center', 'right')]
    for title in (ax.title, getattr(ax, '_left_title', None), getattr(ax, '_right_title', None)):
        if renderer is not None and title is not None and title.get_text().strip() and len(clipped) < MAX_CLIPPED:
            if _outside(title.get_window_extent(renderer), fig_bbox):
                clipped.append(title.get_text().strip())
    for label in (ax.xaxis.label, ax.yaxis.label):
        if renderer is not None and label.get_visible() and label.get_text().strip() and len(clipped) < MAX_CLIPPED:
            if _outside(label.get_window_extent(renderer), fig_bbox):
                clipped.append(label.get_text().strip())
    return {
        'bounds': [float(position.x0), float(position.y0), float(position.x1), float(position.y1)],
        'colorbar': _is_colorbar(ax),
        'axisOn': bool(ax.axison),
        'title': ' '.join(t for t in titles if t),
        'x': _axis(ax, ax.xaxis, 'x', renderer, fig_bbox, clipped),
        'y': _axis(ax, ax.yaxis, 'y', renderer, fig_bbox, clipped),
        'legend': _legend(ax.get_legend()),
        'texts': [t.get_text().strip() for t in ax.texts if t.get_visible() and t.get_text().strip()][:MAX_TICK_LABELS],
        'artists': _artists(ax),
    }


def _within_budget(axes):
    """Shortens every artist's value lists alike when a figure holds many long series."""
    artists = [artist for entry in axes for artist in entry['artists']]
    total = sum(len(a['values']) + len(a['x']) for a in artists)
    if total <= MAX_FIGURE_VALUES:
        return
    share = max(50, MAX_FIGURE_VALUES // (2 * len(artists)))
    for artist in artists:
        artist['values'] = artist['values'][:share]
        artist['x'] = artist['x'][:share]


def summarize(fig):
    """A JSON-ready summary of one Matplotlib figure as last drawn."""
    renderer = _renderer(fig)
    fig_bbox = fig.bbox
    clipped = []
    axes = [_axes(ax, renderer, fig_bbox, clipped) for ax in fig.axes if ax.get_visible()]
    _within_budget(axes)
    legends = [_legend(legend) for legend in getattr(fig, 'legends', [])]
    own = [getattr(fig, name, None) for name in ('_suptitle', '_supxlabel', '_supylabel')]
    texts = [t.get_text().strip() for t in fig.texts
             if t.get_visible() and t.get_text().strip() and not any(t is o for o in own)]
    return {
        'library': 'matplotlib',
        'title': _text(own[0]),
        'xLabel': _text(own[1]),
        'yLabel': _text(own[2]),
        'texts': texts[:MAX_TICK_LABELS],
        'size': [float(fig_bbox.width), float(fig_bbox.height)],
        'axes': axes,
        'legends': [legend for legend in legends if legend is not None],
        'clippedTexts': clipped,
        'savedWithoutTightBox': False,
    }

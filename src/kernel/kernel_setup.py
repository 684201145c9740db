"""Plotwright's helpers inside the Jupyter kernel.

The bridge execs this file into a module registered as ``_plotwright_kernel`` in ``sys.modules`` and
calls ``install``; the user's namespace gets no new names. Per cell the bridge reads back
``after_cell`` through ``user_expressions`` and, only when a cell made figures it never showed,
calls ``show_pending`` in a silent execute.
"""

import base64
import functools
import importlib.util
import io
import json
import sys
import time

PLOTLY_MIME = 'application/vnd.plotly.v1+json'


class _State:
    def __init__(self):
        self.cell_started = None
        self.cell_ms = None
        self.capture = True
        # Figures passed to savefig during the current cell (closed ones may need showing).
        self.saved = []
        # Plotly figures bound to user names before the cell: name -> object.
        self.plotly_before = {}
        self.pending_saved = []
        self.pending_plotly = []
        # True while we render a figure ourselves, so our own savefig calls are not recorded.
        self.rendering = False


_state = _State()


def _ipython():
    from IPython import get_ipython

    return get_ipython()


# ---------------------------------------------------------------- post-import hooks

class _PostImportFinder:
    """Runs a patch right after a module executes, so configuration costs nothing until the user
    imports the library (matplotlib and plotly stay out of kernel start time)."""

    def __init__(self, hooks):
        self.hooks = hooks

    def find_spec(self, name, path=None, target=None):
        hook = self.hooks.get(name)
        if hook is None:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, 'find_spec'):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        if loader is None or not hasattr(loader, 'exec_module'):
            return spec
        original_exec = loader.exec_module

        def exec_module(module):
            original_exec(module)
            _run_hook(hook, module)

        # Loaders are per-module objects, so patching this instance affects only this import.
        loader.exec_module = exec_module
        return spec

    def invalidate_caches(self):
        pass


def _run_hook(hook, module):
    try:
        hook(module)
    except Exception as error:  # a failed patch must never break the user's import
        print(f'plotwright: could not configure {module.__name__}: {error}', file=sys.__stderr__)


def _patch_matplotlib_figure(module):
    figure_class = module.Figure
    if getattr(figure_class.savefig, '_plotwright', False):
        return
    original = figure_class.savefig

    @functools.wraps(original)
    def savefig(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        if not _state.rendering and not any(f is self for f in _state.saved):
            _state.saved.append(self)
        return result

    savefig._plotwright = True
    figure_class.savefig = savefig


def _kaleido_available():
    return importlib.util.find_spec('kaleido') is not None


def _patch_plotly_io(module):
    if getattr(module, '_plotwright_patched', False):
        return
    module._plotwright_patched = True
    if not _kaleido_available():
        def write_image(fig, file=None, *args, **kwargs):
            _publish_plotly(fig)
            print(
                f'plotwright: static image export needs the kaleido package, which is not installed; '
                f'the figure was displayed instead of written to {file!r}.',
                file=sys.stderr,
            )

        module.write_image = write_image
        try:
            import plotly.io._kaleido as kaleido_module

            kaleido_module.write_image = write_image
        except Exception:
            pass
    if importlib.util.find_spec('nbformat') is None:
        # plotly.io.show refuses mime rendering without nbformat; publish the bundle ourselves.
        original_show = module.show

        def show(fig, renderer=None, validate=True, **kwargs):
            if renderer is None or 'mimetype' in str(renderer):
                _publish_plotly(fig)
                return None
            return original_show(fig, renderer=renderer, validate=validate, **kwargs)

        module.show = show


def _figures():
    # figure_summary.py, exec'd by the bridge into its own module before this file.
    return sys.modules.get('_plotwright_figures')


def _patch_matplotlib_canvas(module):
    figures = _figures()
    if figures is not None:
        figures.patch_canvas(module)


def _drawn_figures():
    figures = _figures()
    return figures.collected() if figures is not None else []


_HOOKS = {
    'matplotlib.figure': _patch_matplotlib_figure,
    'matplotlib.backend_bases': _patch_matplotlib_canvas,
    'plotly.io': _patch_plotly_io,
}


# ---------------------------------------------------------------- publishing figures

def _publish_matplotlib(fig):
    from IPython.display import publish_display_data

    buffer = io.BytesIO()
    _state.rendering = True
    try:
        fig.savefig(buffer, format='png', bbox_inches='tight')
    finally:
        _state.rendering = False
    publish_display_data({
        'image/png': base64.b64encode(buffer.getvalue()).decode('ascii'),
        'text/plain': repr(fig),
    })


def _publish_plotly(fig):
    from IPython.display import publish_display_data
    import plotly.io as pio

    figure_json = json.loads(pio.to_json(fig, validate=False, remove_uids=False))
    publish_display_data({PLOTLY_MIME: figure_json, 'text/plain': '<plotly figure>'})


def _open_matplotlib_figures():
    if 'matplotlib.pyplot' not in sys.modules:
        return []
    from matplotlib._pylab_helpers import Gcf

    return [manager.canvas.figure for manager in Gcf.get_all_fig_managers()]


def _close_figure(fig):
    import matplotlib.pyplot as plt

    plt.close(fig)


def _plotly_bindings(namespace):
    module = sys.modules.get('plotly.basedatatypes')
    if module is None:
        return {}
    base = module.BaseFigure
    # Names starting with '_' are IPython's output cache (_, __, _5), not the user's variables.
    return {k: v for k, v in list(namespace.items()) if not k.startswith('_') and isinstance(v, base)}


# ---------------------------------------------------------------- cell events

def _request_metadata(ip):
    try:
        kernel = getattr(ip, 'kernel', None)
        parent = kernel.get_parent('shell') if kernel is not None else ip.get_parent()
        return (parent or {}).get('metadata') or {}
    except Exception:
        return {}


def _pre_run_cell(info=None):
    ip = _ipython()
    metadata = _request_metadata(ip)
    _state.capture = metadata.get('plotwright_capture', True) is not False
    _state.saved = []
    _state.pending_saved = []
    _state.pending_plotly = []
    _state.plotly_before = _plotly_bindings(ip.user_ns) if _state.capture else {}
    _state.cell_ms = None
    if _figures() is not None:
        _figures().reset(metadata.get('plotwright_summaries', True) is not False)
    _state.cell_started = time.perf_counter()


def _post_run_cell(result=None):
    if _state.cell_started is not None:
        _state.cell_ms = (time.perf_counter() - _state.cell_started) * 1000
    failed = result is not None and (result.error_before_exec is not None or result.error_in_exec is not None)
    if failed:
        # A failed cell's half-built figures must not show up in the next cell.
        _state.saved = []
        _state.plotly_before = {}
        if _state.capture:
            for fig in _open_matplotlib_figures():
                _close_figure(fig)


def after_cell(capture=True):
    """Called through user_expressions after a successful cell. Shows open Matplotlib figures the
    inline backend did not flush and reports what else is pending, plus the cell's time."""
    pending_saved = 0
    pending_plotly = 0
    if capture:
        shown = []
        for fig in _open_matplotlib_figures():
            try:
                _publish_matplotlib(fig)
            except Exception:
                # A figure whose drawing raises (a bad locator, formatter or transform): the notebook
                # shows that traceback, so the cell's outputs get it too.
                _ipython().showtraceback()
            _close_figure(fig)
            shown.append(fig)
        _state.pending_saved = [f for f in _state.saved if not any(f is s for s in shown)]
        pending_saved = len(_state.pending_saved)
        now = _plotly_bindings(_ipython().user_ns)
        fresh = []
        for name, fig in now.items():
            if _state.plotly_before.get(name) is not fig and not any(fig is f for f in fresh):
                fresh.append(fig)
        _state.pending_plotly = fresh
        pending_plotly = len(fresh)
    _state.saved = []
    _state.plotly_before = {}
    started = _state.cell_started
    ms = (time.perf_counter() - started) * 1000 if started is not None else _state.cell_ms
    return json.dumps({'ms': ms, 'saved': pending_saved, 'plotly': pending_plotly, 'figures': _drawn_figures()})


def show_pending(images=False, plotly=False):
    """Shows figures a cell saved and closed (when it showed no image) and Plotly figures it bound
    to names (when it showed no Plotly figure)."""
    started = time.perf_counter()
    if images:
        for fig in _state.pending_saved:
            try:
                _publish_matplotlib(fig)
            except Exception:
                _ipython().showtraceback()
    if plotly:
        for fig in _state.pending_plotly:
            _publish_plotly(fig)
    _state.pending_saved = []
    _state.pending_plotly = []
    return json.dumps({'ms': (time.perf_counter() - started) * 1000, 'figures': _drawn_figures()})


# ---------------------------------------------------------------- isolation between benchmark items

_WATCHED = ('pandas', 'numpy', 'matplotlib', 'matplotlib.pyplot', 'seaborn', 'plotly', 'plotly.express',
            'plotly.graph_objects', 'plotly.io')
_ROOTS = ('pandas', 'numpy', 'matplotlib', 'seaborn', 'plotly')


class _Baseline:
    """The interpreter's state after start-up, recorded by the first ``isolate`` call."""

    def __init__(self, ip):
        import os
        import warnings

        if 'matplotlib.pyplot' in sys.modules:
            # Draw one figure now so pyplot's lazy set-up is not mistaken for a patch later (and is warm).
            plt = sys.modules['matplotlib.pyplot']
            fig = plt.figure()
            fig.canvas.draw()
            plt.close(fig)
        self.names = set(ip.user_ns)
        self.environ = dict(os.environ)
        self.path = list(sys.path)
        self.filters = list(warnings.filters)
        self.rc = None
        self.modules = {}
        self.plotly = None


_baseline = None


def _public_ids(module):
    # Public names of the module, and of the library's classes it exposes (pd.DataFrame.plot = ...).
    out = {}
    for key, value in list(vars(module).items()):
        if key.startswith('_'):
            continue
        out[key] = id(value)
        if isinstance(value, type) and str(getattr(value, '__module__', '')).startswith(_ROOTS):
            for class_key, class_value in list(vars(value).items()):
                if not class_key.startswith('_'):
                    out[key + '.' + class_key] = id(class_value)
    return out


def isolate(cwd, seed):
    """Puts the interpreter back to its state after start-up before the next benchmark item: user
    names, figures, rcParams, pandas options, Plotly defaults, warnings filters, os.environ,
    sys.path, the working directory, and seeded random generators. Raises
    ``RuntimeError('TAMPERED ...')`` when an item replaced a library's public attribute (a
    monkeypatch that cannot be undone), so the caller restarts the kernel instead."""
    import os
    import random
    import warnings

    global _baseline
    ip = _ipython()
    if _baseline is None:
        _baseline = _Baseline(ip)
    state = _baseline
    for name in _WATCHED:
        module = sys.modules.get(name)
        if module is None:
            continue
        before = state.modules.get(name)
        if before is None:
            state.modules[name] = (id(module), _public_ids(module))
        elif before[0] != id(module):
            raise RuntimeError('TAMPERED ' + name + ': the module was replaced')
        else:
            # Names added since (submodules imported later) are fine; a replaced one is a patch.
            now = _public_ids(module)
            changed = sorted(k for k, v in before[1].items() if now.get(k) != v)
            if changed:
                raise RuntimeError('TAMPERED ' + name + ': ' + ', '.join(changed[:5]))
    for key in list(ip.user_ns):
        if key not in state.names:
            del ip.user_ns[key]
    os.environ.clear()
    os.environ.update(state.environ)
    sys.path[:] = state.path
    warnings.filters[:] = state.filters
    if 'matplotlib' in sys.modules:
        mpl = sys.modules['matplotlib']
        if 'matplotlib.pyplot' in sys.modules:
            sys.modules['matplotlib.pyplot'].close('all')
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            if state.rc is None:
                state.rc = dict(mpl.rcParams)
            else:
                mpl.rcParams.update(state.rc)
    if 'pandas' in sys.modules:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            sys.modules['pandas'].reset_option('all')
    if 'plotly.io' in sys.modules:
        pio = sys.modules['plotly.io']
        if state.plotly is None:
            state.plotly = (pio.templates.default, pio.renderers.default)
        else:
            pio.templates.default, pio.renderers.default = state.plotly
    random.seed(seed)
    if 'numpy' in sys.modules:
        sys.modules['numpy'].random.seed(seed)
    os.chdir(cwd)
    # No gc.collect() here: it costs ~40 ms an item; the collector frees the old figures' cycles anyway.
    print('ISOLATED')


# ---------------------------------------------------------------- install

def _hard_limits(options):
    """Soft and hard limit alike, so the code cannot raise them again (inside a user namespace not
    even as root; see containment.ts)."""
    import resource

    mb = 1024 * 1024
    wanted = [
        (resource.RLIMIT_AS, options.get('memoryLimitMb'), mb),
        (resource.RLIMIT_FSIZE, options.get('maxFileSizeMb'), mb),
        (resource.RLIMIT_NPROC, options.get('maxProcesses'), 1),
    ]
    for kind, value, unit in wanted:
        if not value:
            continue
        limit = int(value) * unit
        _soft, hard = resource.getrlimit(kind)
        if hard != resource.RLIM_INFINITY and hard < limit:
            limit = hard
        resource.setrlimit(kind, (limit, limit))


def install(options_json='{}'):
    options = json.loads(options_json)
    # kernel_launcher.py kept debugpy and jedi out of kernel start; the user may import them.
    sys.meta_path[:] = [f for f in sys.meta_path if not getattr(f, '_plotwright_blocker', False)]
    ip = _ipython()
    ip.events.register('pre_run_cell', _pre_run_cell)
    ip.events.register('post_run_cell', _post_run_cell)
    sys.meta_path.insert(0, _PostImportFinder(_HOOKS))
    for name, hook in _HOOKS.items():
        if name in sys.modules:
            _run_hook(hook, sys.modules[name])

    try:
        import faulthandler

        # A crash (segfault) then leaves a Python traceback on the kernel's real stderr (ipykernel
        # redirects fd 2 into a pipe whose reader dies with the process) for the bridge to report.
        target = getattr(sys.stderr, '_original_stdstream_copy', None)
        faulthandler.enable(file=target if isinstance(target, int) else sys.__stderr__, all_threads=False)
    except Exception:
        pass

    _hard_limits(options)

    preloaded, failed = [], {}
    for name in options.get('preload') or []:
        try:
            importlib.import_module(name)
            preloaded.append(name)
        except Exception as error:
            failed[name] = f'{type(error).__name__}: {error}'
    return json.dumps({'preloaded': preloaded, 'failed': failed})

// Warm kernels for the benchmark, and what keeps one item's code from affecting the next.
//
// Starting a kernel and importing pandas and Matplotlib costs seconds of CPU, more than running most
// items, so each worker keeps one warm kernel and cleans it between items instead of starting a new
// one. Before every item the kernel gets: a user namespace with only its start-up names, every
// figure closed, Matplotlib rcParams, pandas options, Plotly's default template and renderer,
// warnings filters, os.environ, sys.path and the working directory put back to the state after
// start-up, and the random generators seeded. If the item's code replaced a public attribute of an
// already-imported library (a monkeypatch we cannot undo), the kernel is restarted instead; a
// timeout the interrupt does not stop and a crash restart it anyway (the bridge does that).
import { HeadlessKernel, type HeadlessKernelOptions } from '../src/kernel/headlessKernel.js';
import type { CodeKernel } from '../src/kernel/kernel.js';

export const PRELOAD = ['pandas', 'numpy', 'matplotlib.pyplot'];

const STATE_MODULE = '_plotwright_bench_state';

/**
 * Python that records the post-start-up state once (per interpreter) and restores it. Prints
 * `TAMPERED <names>` when a library was monkeypatched, so the caller restarts the kernel instead.
 */
export function isolateCode(cwd: string, seed: number): string {
  return `def _plotwright_isolate(cwd, seed):
    import gc, os, random, sys, types, warnings
    ip = get_ipython()
    watched = ("pandas", "numpy", "matplotlib", "matplotlib.pyplot", "seaborn", "plotly", "plotly.express", "plotly.graph_objects", "plotly.io")
    def public(mod):
        return {k: id(v) for k, v in vars(mod).items() if not k.startswith("_")}
    state = sys.modules.get(${JSON.stringify(STATE_MODULE)})
    if state is None:
        state = types.ModuleType(${JSON.stringify(STATE_MODULE)})
        sys.modules[${JSON.stringify(STATE_MODULE)}] = state
        if "matplotlib.pyplot" in sys.modules:
            # Draw one figure now so pyplot's lazy set-up is not mistaken for a patch later (and is warm).
            plt = sys.modules["matplotlib.pyplot"]
            fig = plt.figure()
            fig.canvas.draw()
            plt.close(fig)
        state.names = set(ip.user_ns) - {"_plotwright_isolate"}
        state.environ = dict(os.environ)
        state.path = list(sys.path)
        state.filters = list(warnings.filters)
        state.rc = None
        state.modules = {}
        state.plotly = None
    for name in watched:
        mod = sys.modules.get(name)
        if mod is None:
            continue
        before = state.modules.get(name)
        if before is None:
            state.modules[name] = (id(mod), public(mod))
        elif before[0] != id(mod):
            print("TAMPERED " + name + ": the module was replaced")
            return
        else:
            # Names added since (submodules imported later) are fine; a replaced one is a patch.
            now = public(mod)
            changed = sorted(k for k, v in before[1].items() if now.get(k) != v)
            if changed:
                print("TAMPERED " + name + ": " + ", ".join(changed[:5]))
                return
    for key in list(ip.user_ns):
        if key not in state.names:
            del ip.user_ns[key]
    os.environ.clear()
    os.environ.update(state.environ)
    sys.path[:] = state.path
    warnings.filters[:] = state.filters
    if "matplotlib" in sys.modules:
        mpl = sys.modules["matplotlib"]
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if state.rc is None:
                state.rc = dict(mpl.rcParams)
            else:
                mpl.rcParams.update(state.rc)
    if "pandas" in sys.modules:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sys.modules["pandas"].reset_option("all")
    if "plotly.io" in sys.modules:
        pio = sys.modules["plotly.io"]
        if state.plotly is None:
            state.plotly = (pio.templates.default, pio.renderers.default)
        else:
            pio.templates.default, pio.renderers.default = state.plotly
    random.seed(seed)
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed(seed)
    os.chdir(cwd)
    gc.collect()
    print("ISOLATED")
try:
    _plotwright_isolate(${JSON.stringify(cwd)}, ${Math.trunc(seed) % 2 ** 31})
finally:
    del _plotwright_isolate
`;
}

export interface ItemKernelOptions extends Omit<HeadlessKernelOptions, 'cwd' | 'preload'> {
  /** Where the kernel process is started; each item then runs in its own folder. */
  homeDir: string;
}

/** One worker's warm kernel. */
export class ItemKernel {
  private kernel: HeadlessKernel | undefined;
  /** Kernel starts and restarts, for the report. */
  starts = 0;

  constructor(private readonly options: ItemKernelOptions) {}

  /** Starts the kernel (imports pandas and Matplotlib) if it is not running. */
  async warmUp(): Promise<void> {
    if (!this.kernel) {
      this.kernel = await HeadlessKernel.start({ ...this.options, cwd: this.options.homeDir, preload: PRELOAD });
      this.starts++;
    }
  }

  /** A kernel in the state after start-up, working in `cwd`. */
  async prepare(cwd: string, seed: number, signal?: AbortSignal): Promise<CodeKernel> {
    await this.warmUp();
    for (let round = 0; round < 2; round++) {
      const kernel = this.kernel as HeadlessKernel;
      const result = await kernel.execute(isolateCode(cwd, seed), { timeoutMs: 60_000, signal, captureFigures: false });
      if (signal?.aborted) {
        throw signal.reason instanceof Error ? signal.reason : new Error('Cancelled');
      }
      const stdout = result.outputs.map((o) => (o.kind === 'stream' && o.name === 'stdout' ? o.text : '')).join('');
      if (result.status === 'ok' && stdout.includes('ISOLATED')) {
        return kernel;
      }
      // Tampered with, or the clean-up itself failed: a new interpreter is the only clean state.
      await this.restart();
    }
    throw new Error('Could not prepare a clean kernel for the item.');
  }

  async restart(): Promise<void> {
    if (!this.kernel) {
      await this.warmUp();
      return;
    }
    try {
      await this.kernel.restart();
      this.starts++;
    } catch {
      await this.discard();
      await this.warmUp();
    }
  }

  /** Forgets a kernel that misbehaves; the next item starts a new one. */
  async discard(): Promise<void> {
    const kernel = this.kernel;
    this.kernel = undefined;
    await kernel?.dispose().catch(() => undefined);
  }

  async dispose(): Promise<void> {
    await this.discard();
  }
}

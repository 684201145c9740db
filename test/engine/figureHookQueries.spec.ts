// The figure hook as the notebook installs it in a user's kernel, run by a real Python with Matplotlib.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { collectFiguresCode, installFigureHookCode, parseCollectedFigures } from '../../src/core/figureHookQueries.js';
import { lintFigures } from '../../src/core/plotLint.js';
import { resolvePython } from '../../src/kernel/python.js';

const SOURCE = readFileSync(join(import.meta.dirname, '..', '..', 'src', 'kernel', 'figure_summary.py'), 'utf8');
const MARK = '__NAMES__';

/** Runs install, the user's cell and collect in one interpreter, as three cells of one kernel would; prints the namespace's names around them. */
async function runCells(cell: string): Promise<{ stdout: string; namesBefore: string[]; namesAfter: string[] }> {
  const python = (await resolvePython({})).path;
  const names = `print(${JSON.stringify(MARK)} + __import__("json").dumps(sorted(k for k in globals() if not k.startswith("__"))))\n`;
  const program = [
    'import matplotlib\nmatplotlib.use("Agg")\n',
    names,
    installFigureHookCode(SOURCE),
    // Twice, as every attempt does: the second install must not stack a second hook.
    installFigureHookCode(SOURCE),
    cell,
    'import io as _io\nimport matplotlib.pyplot as _plt\n_plt.gcf().savefig(_io.BytesIO(), format="png")\ndel _io, _plt\n',
    collectFiguresCode,
    names,
  ].join('\n');
  const stdout = execFileSync(python, ['-c', program], { encoding: 'utf8', env: { ...process.env, MPLBACKEND: 'Agg' } });
  const lists = stdout.split('\n').filter((l) => l.startsWith(MARK)).map((l) => JSON.parse(l.slice(MARK.length)) as string[]);
  return { stdout, namesBefore: lists[0], namesAfter: lists[1] };
}

describe('the figure hook for notebook kernels', () => {
  it('records an empty-axes figure that plot lint flags, and leaves no name behind', async () => {
    const { stdout, namesBefore, namesAfter } = await runCells('import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.set_title("empty")\n');
    const figures = parseCollectedFigures(stdout);
    assert.equal(figures.length, 1);
    assert.deepEqual(lintFigures(figures).map((f) => f.rule), ['no-data']);
    // Only the cell's own names are new.
    assert.deepEqual(namesAfter.filter((n) => !namesBefore.includes(n)).sort(), ['ax', 'fig', 'plt']);
  });

  it('records a figure with data that lint passes', async () => {
    const { stdout } = await runCells('import matplotlib.pyplot as plt\nplt.bar(["a", "b"], [1, 2])\n');
    const figures = parseCollectedFigures(stdout);
    assert.equal(figures.length, 1);
    assert.deepEqual(lintFigures(figures), []);
  });

  it('refuses output that has no summaries', () => {
    assert.throws(() => parseCollectedFigures('hello\n'), /did not print the figure summaries/);
  });
});

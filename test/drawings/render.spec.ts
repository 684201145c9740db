import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { toMatplotlib } from '../../src/drawings/matplotlib.js';
import { parseProgram } from '../../src/drawings/parse.js';
import { toTikz } from '../../src/drawings/tikz.js';
import { drawings } from './dataset.js';

const PYTHON = '/usr/bin/python3';
const hasMatplotlib =
  existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import matplotlib'], { encoding: 'utf8' }).status === 0;

function reference(id: string) {
  return parseProgram(drawings().find((d) => d.id === id)!.reference!.program);
}

describe('drawings renderers', () => {
  it('Matplotlib code keeps loops, ifs and reflections', () => {
    const code = toMatplotlib(reference('expert-6'));
    assert.match(code, /^import matplotlib\.pyplot as plt/m);
    assert.match(code, /^for i in range\(3\):$/m);
    assert.match(code, /^ {4}for j in range\(i \+ 1\):$/m);
    assert.match(code, /^ {8}if j > 0:$/m);
    const mirrored = toMatplotlib(reference('expert-46'));
    assert.match(mirrored, /^with reflect\("y", 9\):$/m);
    assert.match(mirrored, /^ {4}with reflect\("x", 9\):$/m);
    assert.match(toMatplotlib(reference('expert-4')), /linestyle/);
    assert.match(toMatplotlib(reference('expert-4')), /ax\.annotate/);
    assert.match(toMatplotlib(reference('expert-4')), /plt\.show\(\)/);
  });

  it('Matplotlib code runs in Python and writes a PNG', { skip: !hasMatplotlib && 'no matplotlib in /usr/bin/python3' }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'plotwright-drawings-'));
    try {
      for (const id of ['expert-6', 'expert-80', 'expert-4']) {
        const png = join(dir, `${id}.png`);
        const script = join(dir, `${id}.py`);
        writeFileSync(script, toMatplotlib(reference(id), { savePath: png }));
        const run = spawnSync(PYTHON, [script], { encoding: 'utf8', env: { ...process.env, MPLBACKEND: 'Agg' } });
        assert.equal(run.status, 0, run.stderr);
        assert.ok(existsSync(png) && statSync(png).size > 1000, `${id}: no PNG`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('TikZ output is a tikzpicture with \\foreach, \\ifnum and mirrored copies', () => {
    const tikz = toTikz(reference('expert-6'));
    assert.match(tikz, /^\\begin\{tikzpicture\}/);
    assert.match(tikz, /\\end\{tikzpicture\}\n$/);
    assert.match(tikz, /\\foreach \\i in \{0,\.\.\.,2\} \{/);
    assert.match(tikz, /\\ifnum\\j>0/);
    assert.equal((tikz.match(/\{/g) ?? []).length, (tikz.match(/\}/g) ?? []).length);
    // expert-46: two nested reflections draw each of 3 primitives 4 times (the reference draws 8 distinct).
    const mirrored = toTikz(reference('expert-46'));
    assert.equal((mirrored.match(/\\draw/g) ?? []).length, 12);
    assert.match(mirrored, /\\draw \(\{1\},\{1\}\) circle \(1\);/);
    assert.match(toTikz(reference('expert-4')), /\\draw\[->, dashed\]/);
    const doc = toTikz(reference('expert-4'), { standalone: true });
    assert.match(doc, /^\\documentclass\[tikz\]\{standalone\}/);
    assert.match(doc, /\\end\{document\}\n$/);
  });
});

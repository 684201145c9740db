import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runDrawingsCommand, type DrawingsCommandDeps } from '../../src/cli/drawingsCommand.js';
import { UsageError } from '../../src/cli/usageError.js';
import { evaluateProgram } from '../../src/drawings/evaluate.js';
import { parseProgram } from '../../src/drawings/parse.js';
import { sameTrace, type Trace } from '../../src/drawings/trace.js';
import { drawings } from './dataset.js';

const dir = mkdtempSync(join(tmpdir(), 'plotwright-drawings-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function capture(infer?: DrawingsCommandDeps['infer']): { deps: DrawingsCommandDeps; out: string[] } {
  const out: string[] = [];
  return {
    out,
    deps: {
      log: (line) => out.push(line),
      infer:
        infer ??
        (() => {
          throw new Error('not called');
        }),
    },
  };
}

describe('plotwright drawings', () => {
  it('synth prints {program, cost, ms} for a trace file', async () => {
    const d = drawings().find((x) => x.id === 'expert-68')!;
    const traceFile = join(dir, 'trace.json');
    writeFileSync(traceFile, JSON.stringify(d.primitives));
    const py = join(dir, 'out.py');
    const { deps, out } = capture();
    assert.equal(await runDrawingsCommand(['synth', '--trace', traceFile, '--matplotlib', py], deps), 0);
    const result = JSON.parse(out.join('\n')) as { program: string; cost: number; ms: number };
    assert.equal(result.cost, 9);
    assert.equal(typeof result.ms, 'number');
    assert.ok(sameTrace(evaluateProgram(parseProgram(result.program)), d.primitives));
    assert.match(readFileSync(py, 'utf8'), /for i in range/);

    const wrapped = join(dir, 'wrapped.json');
    writeFileSync(wrapped, JSON.stringify({ primitives: d.primitives }));
    const second = capture();
    assert.equal(await runDrawingsCommand(['synth', '--trace', wrapped], second.deps), 0);
    assert.equal((JSON.parse(second.out.join('\n')) as { cost: number }).cost, 9);
  });

  it('synth rejects a missing or malformed trace with a usage error', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ type: 'circle', x: 1.5, y: 2 }]));
    await assert.rejects(runDrawingsCommand(['synth', '--trace', bad], capture().deps), UsageError);
    await assert.rejects(runDrawingsCommand(['synth'], capture().deps), UsageError);
    await assert.rejects(runDrawingsCommand(['bogus'], capture().deps), UsageError);
  });

  it('infer prints the traces the inference returns', async () => {
    const d = drawings()[0];
    let asked = 0;
    const { deps, out } = capture(async (_path, options) => {
      asked = options.top;
      return { traces: [{ primitives: d.primitives, score: -1 }], ms: 5 };
    });
    assert.equal(await runDrawingsCommand(['infer', '--image', d.imagePath, '--top', '3'], deps), 0);
    assert.equal(asked, 3);
    const result = JSON.parse(out.join('\n')) as { traces: { primitives: Trace; score: number }[]; ms: number };
    assert.equal(result.traces.length, 1);
    assert.ok(sameTrace(result.traces[0].primitives, d.primitives));
  });

  it('eval scores synthesis and inference over a folder', async () => {
    const evalDir = join(dir, 'set');
    const subset = drawings().filter((d) => ['expert-0', 'expert-6', 'expert-68'].includes(d.id));
    const records = subset.map((d) => ({ id: d.id, image: d.imagePath, primitives: d.primitives, reference: d.reference }));
    mkdirSync(evalDir, { recursive: true });
    writeFileSync(join(evalDir, 'drawings.json'), JSON.stringify(records));
    // A fake inference: right for expert-0, one primitive short elsewhere.
    const infer: DrawingsCommandDeps['infer'] = async (path) => {
      const d = subset.find((x) => x.imagePath === path)!;
      const primitives = d.id === 'expert-0' ? d.primitives : d.primitives.slice(1);
      return { traces: [{ primitives, score: 0 }, { primitives: d.primitives, score: -1 }], ms: 1 };
    };
    const { deps, out } = capture(infer);
    assert.equal(await runDrawingsCommand(['eval', '--dir', evalDir, '--json'], deps), 0);
    const report = JSON.parse(out.join('\n')) as {
      drawings: number;
      synth: { exact: { n: number; of: number }; costLeqReference: { n: number; of: number }; medianMs: number };
      infer: { top1Exact: { n: number; of: number }; top5Exact: { n: number; of: number }; precision: number; recall: number };
    };
    assert.equal(report.drawings, 3);
    assert.deepEqual(report.synth.exact, { n: 3, of: 3 });
    assert.deepEqual(report.synth.costLeqReference, { n: 3, of: 3 });
    assert.deepEqual(report.infer.top1Exact, { n: 1, of: 3 });
    assert.deepEqual(report.infer.top5Exact, { n: 3, of: 3 });
    assert.equal(report.infer.precision, 1);
    const total = subset.reduce((sum, d) => sum + d.primitives.length, 0);
    assert.equal(report.infer.recall, (total - 2) / total);

    const table = capture(infer);
    assert.equal(await runDrawingsCommand(['eval', '--dir', evalDir, '--task', 'synth'], table.deps), 0);
    assert.match(table.out.join('\n'), /synth: exact 3\/3/);
    assert.ok(existsSync(join(evalDir, 'drawings.json')));
  });
});

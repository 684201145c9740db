import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { programCost } from '../../src/drawings/cost.js';
import { evaluateProgram, sameTraceUpToTranslation } from '../../src/drawings/evaluate.js';
import { parseProgram, ProgramParseError } from '../../src/drawings/parse.js';
import { printProgram } from '../../src/drawings/print.js';
import { sameTrace } from '../../src/drawings/trace.js';
import { drawings } from './dataset.js';

const withReference = drawings().filter((d) => d.reference !== null);

describe('drawings DSL: parser, printer, evaluator, cost', () => {
  it('the data set has 50 drawings, 48 with a reference program', () => {
    assert.equal(drawings().length, 50);
    assert.equal(withReference.length, 48);
  });

  it('parses every reference program', () => {
    for (const d of withReference) {
      assert.doesNotThrow(() => parseProgram(d.reference!.program), d.id);
    }
  });

  it('print then parse gives the same program', () => {
    for (const d of withReference) {
      const program = parseProgram(d.reference!.program);
      const again = parseProgram(printProgram(program));
      assert.deepEqual(again, program, d.id);
      assert.ok(sameTrace(evaluateProgram(again), evaluateProgram(program)), d.id);
    }
  });

  it('reference programs redraw their traces up to translation', () => {
    const reproducing = withReference.filter((d) => d.reference!.reproducesTrace);
    assert.ok(reproducing.length >= 45);
    for (const d of reproducing) {
      const trace = evaluateProgram(parseProgram(d.reference!.program));
      assert.ok(sameTraceUpToTranslation(trace, d.primitives), d.id);
    }
  });

  it('the cost function gives reference.cost and reference.statements for every reference program', () => {
    for (const d of withReference) {
      const cost = programCost(parseProgram(d.reference!.program));
      assert.equal(cost.cost, d.reference!.cost, d.id);
      assert.equal(cost.statements, d.reference!.statements, d.id);
    }
  });

  it('reads both reflection forms, signed offsets, parenthesised bounds and newlines inside calls', () => {
    const a = parseProgram('reflect(reflect(y = 9)){ circle(1,8) }');
    const b = parseProgram('reflect(y = 9){\n circle(1,\n8);\n}');
    assert.deepEqual(a, b);
    assert.deepEqual(evaluateProgram(a), [
      { type: 'circle', x: 1, y: 8, r: 1 },
      { type: 'circle', x: 1, y: 1, r: 1 },
    ]);
    const loops = parseProgram('for (i < 3){ for (j < (1*i + 1)){ if (j > 0){ circle(3 * j + -3, -2*i+4) } } }');
    assert.equal(evaluateProgram(loops).length, 3);
  });

  it('counts a loop of constant bound 2 twice and the coefficients per axis', () => {
    const cost = programCost(parseProgram('for (i < 2){ circle(2 * i + 1, -3 * i + 6); circle(-3 * i + 7, 2 * i + 3) }'));
    assert.equal(cost.statements, 4);
    assert.deepEqual(cost.xCoefficients, [-3, 2]);
    assert.deepEqual(cost.yCoefficients, [-3, 2]);
    assert.equal(cost.cost, 14);
  });

  it('reports parse errors with line and column', () => {
    assert.throws(
      () => parseProgram('circle(1,2);\nrectangle(1,2,3)'),
      (error: unknown) => error instanceof ProgramParseError && error.line === 2 && error.column === 1,
    );
    assert.throws(
      () => parseProgram('for (i < 3){\n  circle(k, 1)\n}'),
      (error: unknown) =>
        error instanceof ProgramParseError && error.line === 2 && error.column === 10 && /loop variable/.test(error.message),
    );
    assert.throws(() => parseProgram('circle(1,2'), ProgramParseError);
    assert.throws(() => parseProgram('line(0,0,1,1, arrow = Maybe)'), /True or False/);
  });
});

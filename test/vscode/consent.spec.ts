// Consent to run generated code: one question per cell in Compare Libraries, and one explicit yes per
// workspace before the benchmark runs many programs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CellConsent } from '../../src/core/cellConsent.js';
import { BENCHMARK_CONSENT_KEY, benchmarkConsent, type ConsentChoice, type ConsentMemento } from '../../src/vscode/benchmarkConsent.js';

describe('CellConsent (Compare Libraries)', () => {
  it('asks for every cell: a Run for the first cell does not cover the next', async () => {
    const asked: string[] = [];
    const consent = new CellConsent<string>('ask', async (cell) => {
      asked.push(cell);
      return cell !== 'plotly cell';
    });
    assert.equal(await consent.mayRun('matplotlib cell'), true);
    assert.equal(await consent.mayRun('matplotlib cell'), true, 'its repairs run without a new question');
    assert.equal(await consent.mayRun('seaborn cell'), true);
    assert.equal(await consent.mayRun('plotly cell'), false);
    assert.deepEqual(asked, ['matplotlib cell', 'seaborn cell', 'plotly cell']);
  });

  it('never asks with always, and never runs with never', async () => {
    let asked = 0;
    const ask = async () => {
      asked++;
      return true;
    };
    assert.equal(await new CellConsent<number>('always', ask).mayRun(1), true);
    assert.equal(await new CellConsent<number>('never', ask).mayRun(1), false);
    assert.equal(asked, 0);
  });
});

class FakeMemento implements ConsentMemento {
  readonly values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.values.set(key, value);
  }
}

describe('benchmarkConsent (palette)', () => {
  it('says that many generated programs run, and asks until an explicit yes, then never again in this workspace', async () => {
    const state = new FakeMemento();
    const placeholders: string[] = [];
    const answers: Array<(choices: readonly ConsentChoice[]) => ConsentChoice | undefined> = [
      () => undefined, // Escape
      (choices) => choices.find((c) => !c.yes),
      (choices) => choices.find((c) => c.yes),
    ];
    const ask = async (choices: readonly ConsentChoice[], placeHolder: string) => {
      placeholders.push(placeHolder);
      return answers.shift()!(choices);
    };
    assert.equal(await benchmarkConsent(state, ask), false);
    assert.equal(await benchmarkConsent(state, ask), false);
    assert.equal(state.get(BENCHMARK_CONSENT_KEY), undefined);
    assert.equal(await benchmarkConsent(state, ask), true);
    assert.equal(state.get(BENCHMARK_CONSENT_KEY), true);
    assert.equal(await benchmarkConsent(state, ask), true);
    assert.equal(placeholders.length, 3, 'no question after the yes');
    assert.match(placeholders[0], /runs many programs a model writes/);
  });
});

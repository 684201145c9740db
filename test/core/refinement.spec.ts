// What Refine Plot sends (the cell's code as it is now, its last error or findings, the data, the
// instruction) and the history Undo Refine reads.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeWithoutHeader, generatingSource, GENERATING_LINE } from '../../src/core/plotCellSource.js';
import { buildPlotMessages, loadPromptTemplates } from '../../src/core/prompts.js';
import {
  lastRefinement,
  plotProvenance,
  previousFromCell,
  REFINEMENT_HISTORY_CAP,
  withRefinement,
  type Refinement,
} from '../../src/core/refinement.js';
import { lastPlottedCell } from '../../src/vscode/chatFollowUp.js';

const CELL =
  '# Plotwright: bars of sales per region\n# refined: horizontal bars\n# model: mock-model · library: matplotlib\n' +
  'import matplotlib.pyplot as plt\n# my own comment\nplt.barh(df["region"], df["sales"])\nplt.show()\n';

describe('Refine Plot: the request', () => {
  it('sends the code as the cell has it, Plotwright header left out and the user\'s own comments kept', () => {
    assert.equal(codeWithoutHeader(CELL), 'import matplotlib.pyplot as plt\n# my own comment\nplt.barh(df["region"], df["sales"])\nplt.show()\n');
    assert.equal(codeWithoutHeader(generatingSource(CELL, 0)), codeWithoutHeader(CELL));
  });

  it('builds one request with the data description, the current code, its last error and the instruction', () => {
    const error = { ename: 'KeyError', evalue: "'Region'", traceback: ['\u001b[31mKeyError\u001b[0m: \'Region\''] };
    const previous = previousFromCell(CELL, error, ['the y axis has no label']);
    assert.deepEqual(Object.keys(previous).sort(), ['code', 'error'], 'an error wins over lint findings');
    const messages = buildPlotMessages(loadPromptTemplates(), {
      library: 'matplotlib',
      task: 'log scale on y',
      variable: 'df',
      dataDescription: 'The DataFrame `df` has 4 rows and 3 columns.',
      previous,
    });
    assert.equal(messages.length, 2);
    const prompt = String(messages[1].content);
    assert.match(prompt, /The DataFrame `df` has 4 rows and 3 columns\./);
    assert.match(prompt, /# my own comment\nplt\.barh/);
    assert.doesNotMatch(prompt, /# Plotwright:/);
    assert.match(prompt, /When it last ran, it failed:\n\n```\nKeyError: 'Region'/);
    assert.ok(!prompt.includes('\u001b'), 'ANSI escapes left in the prompt');
    assert.match(prompt, /Change it as follows:\nlog scale on y/);
    assert.ok(prompt.indexOf('has 4 rows') < prompt.indexOf('plt.barh') && prompt.indexOf('plt.barh') < prompt.indexOf('log scale on y'));
  });

  it('sends the plot checks\' findings when the last run drew the chart', () => {
    const previous = previousFromCell(CELL, undefined, ['the y axis has no label']);
    const prompt = String(
      buildPlotMessages(loadPromptTemplates(), { library: 'matplotlib', task: 'label the axes', variable: 'df', dataDescription: 'df', previous })[1].content,
    );
    assert.match(prompt, /a check of the figure found:\n- the y axis has no label/);
    assert.doesNotMatch(prompt, /it failed/);
    assert.deepEqual(previousFromCell(CELL, undefined, undefined), { code: codeWithoutHeader(CELL) });
  });

  it('marks a streaming cell on its first line, repairs named', () => {
    assert.ok(generatingSource(CELL, 0).startsWith(`${GENERATING_LINE}\n# Plotwright:`));
    assert.match(generatingSource(CELL, 2).split('\n')[0], /rewriting this code \(repair 2\)/);
  });
});

describe('Refine Plot: the history', () => {
  const step = (n: number): Refinement => ({ instruction: `change ${n}`, previousSource: `source ${n}`, at: '2026-12-03T00:00:00Z' });

  it('keeps the last refinements up to the cap, and undo takes the newest', () => {
    let history: Refinement[] | undefined;
    for (let n = 1; n <= REFINEMENT_HISTORY_CAP + 2; n++) {
      history = withRefinement(history, step(n));
    }
    assert.equal(history?.length, REFINEMENT_HISTORY_CAP);
    assert.equal(history?.[0].instruction, 'change 3');
    const undone = lastRefinement(history);
    assert.equal(undone?.last.previousSource, `source ${REFINEMENT_HISTORY_CAP + 2}`);
    assert.equal(undone?.rest.length, REFINEMENT_HISTORY_CAP - 1);
    assert.equal(lastRefinement([]), undefined);
    assert.equal(lastRefinement(undefined), undefined);
  });

  it('reads provenance from the cell metadata only for Plotwright cells', () => {
    assert.equal(plotProvenance({ metadata: {} }), undefined);
    assert.equal(plotProvenance(undefined), undefined);
    const provenance = plotProvenance({ metadata: { plotwright: { task: 't', model: 'm', library: 'plotly', refinements: [step(1)] } } });
    assert.equal(provenance?.library, 'plotly');
    assert.equal(provenance?.refinements?.[0].instruction, 'change 1');
  });
});

describe('@plot follow-ups', () => {
  it('finds the cell the thread last plotted, skipping other participants and turns without a cell', () => {
    const history = [
      { participant: 'plotwright.plot', prompt: 'df: bars', result: { metadata: { notebook: 'nb', cell: 'cell-1' } } },
      { participant: 'plotwright.plot', prompt: 'df: lines', result: { metadata: { notebook: 'nb', cell: 'cell-2' } } },
      { participant: 'plotwright.plot', prompt: 'nothing', result: {} },
      { participant: 'other.participant', result: { metadata: { notebook: 'nb', cell: 'cell-3' } } },
    ];
    assert.deepEqual(lastPlottedCell(history), { notebook: 'nb', cell: 'cell-2' });
    assert.equal(lastPlottedCell([]), undefined);
  });
});

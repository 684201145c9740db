import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  buildPlotMessages,
  buildShortenMessages,
  fillTemplate,
  formatVersions,
  loadPromptTemplates,
  PLOT_LIBRARIES,
} from '../../src/core/prompts.js';

const templates = loadPromptTemplates();

describe('prompt templates', () => {
  it('has a template for every library and every message the engine sends', () => {
    for (const name of [
      'system',
      'environment',
      'data',
      'task',
      'repair-error',
      'repair-no-plot',
      'repair-wrong-library',
      'repair-no-code',
      'shorten-system',
      'shorten-short',
      'shorten-single',
      ...PLOT_LIBRARIES.map((l) => `library/${l}`),
    ]) {
      assert.ok(templates.get(name).length > 20, name);
    }
  });

  it('versions the templates by their text', () => {
    assert.match(templates.version, /^prompts-[0-9a-f]{10}$/);
    const dir = mkdtempSync(join(tmpdir(), 'pw-prompts-'));
    writeFileSync(join(dir, 'system.txt'), 'one');
    const first = loadPromptTemplates(dir).version;
    const other = mkdtempSync(join(tmpdir(), 'pw-prompts-'));
    writeFileSync(join(other, 'system.txt'), 'two');
    assert.notEqual(first, loadPromptTemplates(other).version);
  });

  it('fills placeholders and refuses unknown ones', () => {
    assert.equal(fillTemplate('a {{x}} b', { x: '1' }), 'a 1 b');
    assert.throws(() => fillTemplate('{{missing}}', {}), /missing/);
  });

  it('builds a system and a user message with library, versions, data and task', () => {
    const messages = buildPlotMessages(templates, {
      library: 'plotly',
      task: '  Bar chart of sales by region.  ',
      dataDescription: 'The DataFrame `df` has 3 rows and 2 columns.',
      variable: 'df',
      versions: { python: '3.11.2', pandas: '1.5.3', plotly: '5.4.0', seaborn: undefined },
    });
    assert.equal(messages.length, 2);
    assert.equal(messages[0].role, 'system');
    const user = String(messages[1].content);
    assert.match(user, /Plotly only/);
    assert.match(user, /python 3\.11\.2, pandas 1\.5\.3, plotly 5\.4\.0\./);
    assert.doesNotMatch(user, /seaborn undefined/);
    assert.match(user, /The DataFrame `df` has 3 rows/);
    assert.match(user, /The chart to draw:\nBar chart of sales by region\.$/);
  });

  it('leaves the versions line out when they are unknown', () => {
    const user = String(
      buildPlotMessages(templates, { library: 'matplotlib', task: 't', dataDescription: 'd', variable: 'df' })[1].content,
    );
    assert.doesNotMatch(user, /Installed versions/);
    assert.match(user, /Matplotlib only/);
  });

  it('asks for a change to existing code, with its last error when it failed', () => {
    const refine = (error?: string) =>
      String(
        buildPlotMessages(templates, {
          library: 'seaborn',
          task: ' Make the bars horizontal ',
          dataDescription: 'The DataFrame `df` has 3 rows.',
          variable: 'df',
          previous: { code: 'sns.barplot(data=df, x="a", y="b")\n\n', error },
        })[1].content,
      );
    const ok = refine();
    assert.match(ok, /Seaborn/);
    assert.match(ok, /The DataFrame `df` has 3 rows\./);
    assert.match(ok, /```python\nsns\.barplot\(data=df, x="a", y="b"\)\n```\n\nChange it as follows:\nMake the bars horizontal\n\nKeep everything else/);
    assert.doesNotMatch(ok, /The chart to draw/);
    assert.match(refine('KeyError: \'a\''), /```\n\nWhen it last ran, it failed:\n\n```\nKeyError: 'a'\n```\n\nChange it as follows:/);
  });

  it('formats versions and asks for shortening at two levels', () => {
    assert.equal(formatVersions({ a: '1', b: undefined, c: '2' }), 'a 1, c 2');
    assert.match(String(buildShortenMessages(templates, 'long task', 'short')[1].content), /two or three sentences:\n\nlong task/);
    assert.match(String(buildShortenMessages(templates, 'long task', 'single')[1].content), /one sentence/);
  });
});

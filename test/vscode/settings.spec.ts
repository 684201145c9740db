// The settings module against package.json: same keys, same defaults, same choices, every setting documented.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { effectiveValue, SETTING_CHOICES, SETTING_DEFAULTS, USER_ONLY_SETTINGS, validateSettings, type InspectedSetting, type PlotwrightSettings } from '../../src/vscode/settingsSchema.js';

interface SettingSchema {
  type: string;
  default: unknown;
  description?: string;
  enum?: string[];
  enumDescriptions?: string[];
  scope?: string;
}

const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, SettingSchema> } };
};
const properties = manifest.contributes.configuration.properties;

describe('settings', () => {
  it('declares exactly the settings the module reads', () => {
    assert.deepEqual(
      Object.keys(properties).sort(),
      Object.keys(SETTING_DEFAULTS).map((k) => `plotwright.${k}`).sort(),
    );
  });

  for (const [key, fallback] of Object.entries(SETTING_DEFAULTS)) {
    it(`plotwright.${key}: default, type, choices, description and scope agree`, () => {
      const schema = properties[`plotwright.${key}`];
      assert.deepEqual(schema.default, fallback);
      const expectedType = typeof fallback === 'number' ? ['number', 'integer'] : [typeof fallback];
      assert.ok(expectedType.includes(schema.type), `${key}: type ${schema.type}`);
      assert.ok((schema.description ?? '').length > 20, `${key} needs a description`);
      assert.ok(schema.scope, `${key} needs a scope`);
      const choices = SETTING_CHOICES[key as keyof typeof SETTING_DEFAULTS];
      assert.deepEqual(schema.enum, choices ? [...choices] : undefined);
      if (schema.enum) {
        assert.equal(schema.enumDescriptions?.length, schema.enum.length, `${key}: one description per choice`);
      }
    });
  }

  it('falls back to defaults for malformed values', () => {
    const values: Record<string, unknown> = { library: 'ggplot', maxRepairs: -1, model: 42, runGeneratedCode: 'always', sendSampleRows: false };
    const settings = validateSettings((k) => values[k]);
    assert.equal(settings.library, 'matplotlib');
    assert.equal(settings.maxRepairs, 2);
    assert.equal(settings.model, 'gpt-4o-mini');
    assert.equal(settings.runGeneratedCode, 'always');
    assert.equal(settings.sendSampleRows, false);
  });

  it('a repository cannot set consent, endpoints or programs: those are application or machine scope', () => {
    assert.ok(USER_ONLY_SETTINGS.has('runGeneratedCode'));
    for (const [name, schema] of Object.entries(properties)) {
      const key = name.slice('plotwright.'.length) as keyof PlotwrightSettings;
      const userOnly = schema.scope === 'application' || schema.scope === 'machine';
      assert.equal(userOnly, USER_ONLY_SETTINGS.has(key), `${name}: scope ${schema.scope}`);
    }
  });

  it("ignores a workspace's runGeneratedCode of always, and its endpoints and programs", () => {
    // What vscode's inspect() returns when a cloned repository's .vscode/settings.json sets them.
    const inspected: Partial<Record<keyof PlotwrightSettings, InspectedSetting>> = {
      runGeneratedCode: { defaultValue: 'ask', workspaceValue: 'always', workspaceFolderValue: 'always' },
      baseUrl: { defaultValue: '', globalValue: 'http://127.0.0.1:11434/v1', workspaceValue: 'http://attacker.example/v1' },
      judgeBaseUrl: { defaultValue: '', workspaceFolderValue: 'http://attacker.example/v1' },
      pythonPath: { defaultValue: '', workspaceValue: './evil-python' },
      browserPath: { defaultValue: '', workspaceValue: './evil-browser' },
      library: { defaultValue: 'matplotlib', globalValue: 'seaborn', workspaceValue: 'plotly' },
    };
    const settings = validateSettings((key) => effectiveValue(key, inspected[key] ?? { defaultValue: SETTING_DEFAULTS[key] }));
    assert.equal(settings.runGeneratedCode, 'ask');
    assert.equal(settings.baseUrl, 'http://127.0.0.1:11434/v1');
    assert.equal(settings.judgeBaseUrl, '');
    assert.equal(settings.pythonPath, '');
    assert.equal(settings.browserPath, '');
    // Other settings still follow the workspace.
    assert.equal(settings.library, 'plotly');
    // The user's own choice counts.
    const mine = validateSettings((key) => effectiveValue(key, key === 'runGeneratedCode' ? { defaultValue: 'ask', globalValue: 'always' } : undefined));
    assert.equal(mine.runGeneratedCode, 'always');
  });

  it('a workspace can keep sample rows private but not send rows the user keeps private', () => {
    const read = (inspected: InspectedSetting) => validateSettings((key) => effectiveValue(key, key === 'sendSampleRows' ? inspected : undefined)).sendSampleRows;
    assert.equal(read({ defaultValue: true, globalValue: false, workspaceValue: true }), false);
    assert.equal(read({ defaultValue: true, workspaceFolderValue: false }), false);
    assert.equal(read({ defaultValue: true }), true);
  });
});

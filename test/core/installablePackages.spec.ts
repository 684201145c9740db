// The Install button's pip arguments: only matplotlib, seaborn or plotly ever reach `%pip install`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkInstallRequest } from '../../src/core/installablePackages.js';

describe('checkInstallRequest', () => {
  it('installs the plotting libraries by exact name', () => {
    assert.deepEqual(checkInstallRequest(['seaborn', 'plotly', 'seaborn']), { ok: true, packages: ['seaborn', 'plotly'] });
  });

  for (const attack of [
    ['-r', 'requirements.txt'],
    ['-r'],
    ['-e', '.'],
    ['.'],
    ['matplotlib', '--index-url=http://127.0.0.1:9/simple'],
    ['matplotlib --index-url http://127.0.0.1:9/simple'],
    ['git+https://example.com/evil.git'],
    ['https://example.com/evil.tar.gz'],
    ['./evil'],
    ['matplotlib==0.1'],
    ['Matplotlib'],
    ['pandas'],
    [42],
  ]) {
    it(`refuses ${JSON.stringify(attack)} and installs nothing`, () => {
      const result = checkInstallRequest(attack);
      assert.equal(result.ok, false);
      assert.match(result.ok ? '' : result.message, /installs only matplotlib, seaborn or plotly/);
    });
  }

  it('refuses a request that is not a list', () => {
    assert.equal(checkInstallRequest('-r requirements.txt').ok, false);
    assert.equal(checkInstallRequest(undefined).ok, false);
  });
});

// Finding a Chromium-family browser for Plotly figures.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { browserCandidates, findBrowser } from '../../src/kernel/browserPath.js';

describe('findBrowser', () => {
  const env = { PATH: '/usr/local/bin:/usr/bin' };

  it('tries the explicit path, PLOTWRIGHT_CHROMIUM, then chromium, chrome and edge on the PATH', () => {
    const candidates = browserCandidates({ explicit: '/opt/x/chrome', env: { ...env, PLOTWRIGHT_CHROMIUM: '/opt/c' }, platform: 'linux' });
    assert.deepEqual(candidates.slice(0, 4), ['/opt/x/chrome', '/opt/c', '/usr/local/bin/chromium', '/usr/local/bin/chromium-browser']);
    assert.ok(candidates.includes('/usr/bin/google-chrome'));
    assert.ok(candidates.includes('/usr/bin/msedge'));
    assert.ok(browserCandidates({ env: {}, platform: 'darwin' }).some((c) => c.includes('Google Chrome.app')));
  });

  it('returns the first that exists, and never replaces an explicit path that does not', () => {
    const exists = (path: string) => path === '/usr/bin/google-chrome';
    assert.equal(findBrowser({ env, platform: 'linux', exists }), '/usr/bin/google-chrome');
    assert.equal(findBrowser({ env: {}, platform: 'linux', exists }), undefined);
    assert.equal(findBrowser({ explicit: '/nope/chrome', env, platform: 'linux', exists }), undefined);
  });
});

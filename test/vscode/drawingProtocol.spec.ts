import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWebviewMessage } from '../../src/vscode/drawingProtocol.js';

describe('drawing webview messages', () => {
  it('accepts the gestures the webview sends', () => {
    for (const raw of [
      { type: 'ready' },
      { type: 'stroke', points: [[10, 20], [30.5, 40]] },
      { type: 'shape', tool: 'arrow', from: [16, 16], to: [64, 16] },
      { type: 'erase', at: [32, 32] },
      { type: 'choose', index: 2 },
      { type: 'decoded', pixels: Buffer.alloc(256 * 256, 255).toString('base64') },
    ]) {
      const { message, error } = parseWebviewMessage(raw);
      assert.deepEqual(message, raw, error);
    }
  });

  it('refuses anything else: unknown types, wrong shapes, absurd sizes and coordinates', () => {
    for (const raw of [
      null,
      'undo',
      { type: 'run', code: 'import os' },
      { type: 'stroke', points: [] },
      { type: 'stroke', points: [[1, 2, 3]] },
      { type: 'stroke', points: Array.from({ length: 10_001 }, () => [1, 1]) },
      { type: 'shape', tool: 'triangle', from: [0, 0], to: [1, 1] },
      { type: 'erase', at: [Number.NaN, 0] },
      { type: 'erase', at: [1e9, 0] },
      { type: 'choose', index: 1.5 },
      { type: 'decoded', pixels: 'AAAA' },
    ]) {
      const { message, error } = parseWebviewMessage(raw);
      assert.equal(message, undefined, JSON.stringify(raw).slice(0, 80));
      assert.ok(error);
    }
  });
});

// "Figure from Drawing…" in a real VS Code (code-server) with the packaged .vsix and the Jupyter stand-in:
// a hand drawing picked in the file dialog, its trace corrected by clicking, the program inserted and run
// in a notebook; and a sketch drawn with the mouse in the webview, then inferred.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame } from 'playwright-core';
import { toMatplotlib } from '../../src/drawings/matplotlib.js';
import { synthesize } from '../../src/drawings/synthesize.js';
import { toTikz } from '../../src/drawings/tikz.js';
import { loadDrawings } from '../../src/drawings/trace.js';
import { startCodeServer, type CodeServerSession } from './support/codeServer.js';
import { packagePlotwright, realJupyter } from './support/extensions.js';
import { REPO_ROOT } from './support/paths.js';

const DRAWINGS = join(REPO_ROOT, '..', 'shared', 'drawings');
const RUN_TIMEOUT_MS = 180_000;

describe('Figure from Drawing in VS Code', { timeout: 900_000 }, () => {
  let session: CodeServerSession | undefined;
  let workspace = '';

  before(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'pw-e2e-drawing-'));
    cpSync(join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'workspace'), workspace, { recursive: true });
    session = await startCodeServer({
      workspace,
      extensions: [await packagePlotwright(), realJupyter()],
      name: 'drawing',
      settings: { 'plotwright.runGeneratedCode': 'ask' },
      viewport: { width: 1600, height: 1800 },
    });
  });

  after(async () => {
    await session?.close();
    rmSync(workspace, { recursive: true, force: true });
  });

  /** The drawing panel's content frame (a webview is an iframe inside an iframe). */
  async function panelFrame(s: CodeServerSession, timeoutMs = 60_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const frame of s.page.frames()) {
        if (await frame.evaluate(() => document.getElementById('drawing-canvas') !== null).catch(() => false)) {
          return frame;
        }
      }
      if (Date.now() > deadline) {
        await s.screenshot('no-drawing-panel');
        throw new Error('the drawing panel did not open');
      }
      await s.page.waitForTimeout(250);
    }
  }

  /** Page coordinates of a raster pixel (0..256, row 0 at the top) on the panel's canvas. */
  async function canvasPoint(frame: Frame, px: number, py: number): Promise<{ x: number; y: number }> {
    const box = await frame.locator('#drawing-canvas').boundingBox();
    assert.ok(box, 'the canvas is not on screen');
    return { x: box.x + (px * box.width) / 256, y: box.y + (py * box.height) / 256 };
  }

  /**
   * code-server's file dialog is VS Code's simple dialog: a quick input that takes a path. It fills in
   * the current folder once it has listed it, which can land after our typing: type until the box
   * holds exactly the path.
   */
  async function typeInFileDialog(s: CodeServerSession, path: string, screenshot: string): Promise<void> {
    const dialog = s.page.locator('.quick-input-widget', { hasText: 'pick a hand drawing' });
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    const input = dialog.locator('.quick-input-box input');
    for (let attempt = 0; ; attempt++) {
      await input.fill(path);
      await s.page.waitForTimeout(700);
      if ((await input.inputValue()) === path) {
        break;
      }
      assert.ok(attempt < 10, `the file dialog kept changing the path: ${await input.inputValue()}`);
    }
    await s.screenshot(screenshot);
    await input.press('Enter');
  }

  const grid = (x: number, y: number): [number, number] => [16 * x, 256 - 16 * y];

  async function waitForSummary(frame: Frame, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    const summary = frame.locator('#summary');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = (await summary.textContent()) ?? '';
      if (pattern.test(text)) {
        return text;
      }
      if (Date.now() > deadline) {
        throw new Error(`summary "${text}" never matched ${String(pattern)}; status: ${(await frame.locator('#status').textContent()) ?? ''}`);
      }
      await frame.page().waitForTimeout(200);
    }
  }

  it('reads a picked hand drawing, lets the user delete and restore a primitive, and inserts the running figure', async () => {
    const s = session as CodeServerSession;
    const drawing = loadDrawings(join(DRAWINGS, 'drawings.json')).find((d) => d.id === 'expert-68');
    assert.ok(drawing, 'expert-68 is in the shared drawings');
    await s.openFile('sales.ipynb');
    await s.waitForCells((cells) => cells.length === 3, { message: 'the notebook did not open' });

    await s.runCommand('Plotwright: Figure from Drawing…');
    await s.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Open a Drawing…' }).click({ timeout: 30_000 });
    // code-server's file dialog is VS Code's simple dialog: a quick input that takes a path.
    await typeInFileDialog(s, drawing.imagePath, 'drawing-file-dialog');

    const frame = await panelFrame(s);
    // The ground truth has 6 primitives; the top-1 reading is exact for this drawing.
    await waitForSummary(frame, /^6 primitives · program cost \d+$/, 90_000);
    const shot = await s.screenshot('drawing-overlay');
    const program = (await frame.locator('#program').textContent()) ?? '';
    assert.match(program, /for \(i < 3\)\{/, program);
    assert.match(program, /circle\(-4 \* i \+ 10,14\)|circle\(4 \* i \+ 2,14\)/, program);
    assert.equal(await frame.locator('#alternatives .alternative').count(), 5, 'five readings to choose from');
    assert.ok(shot);

    // Delete the circle at (2, 14) by clicking its centre, then undo with the button and with Ctrl+Z.
    const circle = await canvasPoint(frame, ...grid(2, 14));
    await s.page.mouse.click(circle.x, circle.y);
    await waitForSummary(frame, /^5 primitives/);
    await waitForSummary(frame, /^5 primitives · program cost \d+$/);
    await s.screenshot('drawing-deleted');
    assert.doesNotMatch((await frame.locator('#program').textContent()) ?? '', /for \(i < 3\)\{\s*circle/);
    await frame.locator('#undo').click();
    await waitForSummary(frame, /^6 primitives · program cost \d+$/);
    await s.page.mouse.click(circle.x, circle.y);
    await waitForSummary(frame, /^5 primitives/);
    await s.page.keyboard.press('Control+z');
    await waitForSummary(frame, /^6 primitives · program cost \d+$/);

    // Insert into the notebook; consent is asked (plotwright.runGeneratedCode = ask).
    await frame.locator('#insert').click();
    const toast = s.page.locator('.notification-toast', { hasText: 'Run it in your kernel?' });
    await toast.waitFor({ state: 'visible', timeout: 120_000 });
    await s.screenshot('drawing-consent');
    await toast.getByRole('button', { name: 'Run', exact: true }).click();
    const cells = await s.waitForCells(
      (c) => c.some((cell) => cell.text.includes('# Plotwright: figure from expert-68.png') && cell.outputs.images === 1 && cell.state === 'success'),
      { timeoutMs: RUN_TIMEOUT_MS, message: 'the figure cell never showed its image' },
    );
    await s.page.locator('.notification-toast', { hasText: 'figure inserted in cell' }).waitFor({ timeout: 30_000 });
    await s.screenshot('drawing-inserted');
    const cell = cells.find((c) => c.text.includes('# Plotwright: figure from expert-68.png'));
    assert.ok(cell);
    assert.deepEqual(cell.outputMimes, ['image/png']);

    // The saved cell is exactly the header and the Matplotlib code of the cheapest program for the drawing.
    await s.runCommand('View: Focus First Editor Group');
    await s.runCommand('File: Save');
    const expected = await synthesize(drawing.primitives, { timeoutMs: 10_000 });
    const want =
      `# Plotwright: figure from expert-68.png\n# program cost ${expected.cost} · 6 primitives\n` + toMatplotlib(expected.program);
    let source = '';
    for (let i = 0; i < 100; i++) {
      const saved = JSON.parse(readFileSync(join(workspace, 'sales.ipynb'), 'utf8')) as { cells: Array<{ source: string[] | string }> };
      source = saved.cells.map((c) => [c.source].flat().join('')).find((text) => text.startsWith('# Plotwright: figure')) ?? '';
      if (source) {
        break;
      }
      await s.page.waitForTimeout(100);
    }
    assert.equal(source.trimEnd(), want.trimEnd());
    assert.match(source, /for i in range\(3\):/);
  });

  it('turns strokes drawn with the mouse in the sketch panel into a trace and a program', async () => {
    const s = session as CodeServerSession;
    await s.runCommand('View: Close All Editors');
    await s.runCommand('Plotwright: Figure from Drawing…');
    await s.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Draw a Sketch…' }).click({ timeout: 30_000 });
    const frame = await panelFrame(s);
    await waitForSummary(frame, /^0 strokes · 0 shapes$/);

    const stroke = async (points: Array<[number, number]>): Promise<void> => {
      const first = await canvasPoint(frame, ...points[0]);
      await s.page.mouse.move(first.x, first.y);
      await s.page.mouse.down();
      for (const p of points.slice(1)) {
        const at = await canvasPoint(frame, ...p);
        await s.page.mouse.move(at.x, at.y, { steps: 8 });
      }
      await s.page.mouse.up();
    };
    // A box, a circle next to it and a line between them, freehand (ends a few pixels off the grid).
    await stroke([[34, 209], grid(8, 3), grid(8, 7), grid(2, 7), [33, 206]]);
    const [cx, cy] = grid(12, 5);
    await stroke(Array.from({ length: 25 }, (_, k) => [cx + 16 * Math.cos((2 * Math.PI * k) / 24), cy + 16 * Math.sin((2 * Math.PI * k) / 24)] as [number, number]));
    await stroke([[130, 178], [174, 177]]);
    await waitForSummary(frame, /^3 strokes · 0 shapes$/);
    // An exact arrow with the Arrow tool: drag from (12, 6) up to (12, 10).
    await frame.locator('.tool[data-tool="arrow"]').click();
    await stroke([grid(12, 6), [194, 94]]);
    await waitForSummary(frame, /^3 strokes · 1 shape$/);
    await s.screenshot('sketch-drawn');

    await frame.locator('#infer').click();
    await waitForSummary(frame, /^4 primitives · program cost \d+$/, 90_000);
    await s.screenshot('sketch-inferred');
    const program = (await frame.locator('#program').textContent()) ?? '';
    assert.match(program, /rectangle\(2,3,8,7\)/, program);
    assert.match(program, /circle\(12,5\)/, program);
    assert.match(program, /line\((8,5,11,5|11,5,8,5),arrow = False,solid = True\)/, program);
    assert.match(program, /line\(12,6,12,10,arrow = True,solid = True\)/, program);
  });

  it('reads a JPEG (decoded in the webview) and copies the program as TikZ', async () => {
    const s = session as CodeServerSession;
    const drawing = loadDrawings(join(DRAWINGS, 'drawings.json')).find((d) => d.id === 'expert-68');
    assert.ok(drawing);
    // Chromium turns the PNG into a JPEG (the project has no JPEG encoder either).
    const png = readFileSync(drawing.imagePath).toString('base64');
    const jpeg = await s.page.evaluate(async (b64: string) => {
      const image = new Image();
      image.src = `data:image/png;base64,${b64}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
      ctx.drawImage(image, 0, 0);
      return canvas.toDataURL('image/jpeg', 0.9).split(',')[1];
    }, png);
    const jpegPath = join(workspace, 'expert-68.jpg');
    writeFileSync(jpegPath, Buffer.from(jpeg, 'base64'));
    assert.equal(readFileSync(jpegPath)[0], 0xff);

    await s.runCommand('View: Close All Editors');
    await s.runCommand('Plotwright: Figure from Drawing…');
    await s.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Open a Drawing…' }).click({ timeout: 30_000 });
    await typeInFileDialog(s, jpegPath, 'jpeg-file-dialog');
    const frame = await panelFrame(s);
    await waitForSummary(frame, /^6 primitives · program cost \d+$/, 90_000);
    await s.screenshot('jpeg-overlay');

    await s.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(s.url).origin });
    await frame.locator('#tikz').click();
    await s.page.locator('.notification-toast', { hasText: 'TikZ picture copied' }).waitFor({ timeout: 30_000 });
    const clipboard = await s.page.evaluate(() => navigator.clipboard.readText());
    const expected = await synthesize(drawing.primitives, { timeoutMs: 10_000 });
    assert.equal(clipboard, toTikz(expected.program));
    assert.match(clipboard, /\\foreach/);
  });
});

// Steps the end-to-end journeys share: a workspace with the sample notebook, running it, asking for a
// plot through the palette, and answering the consent prompt.
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Locator } from 'playwright-core';
import type { CodeServerSession } from './codeServer.js';
import { REPO_ROOT } from './paths.js';

/** Kernel start, imports and a repair round on a loaded 2-core machine. */
export const RUN_TIMEOUT_MS = 180_000;

/** Ends a suite: closes code-server and the mock model, removes the temporary folders. */
export async function tearDown(closables: Array<{ close(): Promise<void> } | undefined>, folders: string[]): Promise<void> {
  for (const closable of closables) {
    await closable?.close();
  }
  for (const folder of folders) {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** A temporary copy of test/e2e/fixtures/workspace (sales.ipynb). */
export function copyWorkspace(prefix: string): string {
  const workspace = mkdtempSync(join(tmpdir(), prefix));
  cpSync(join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'workspace'), workspace, { recursive: true });
  return workspace;
}

/**
 * After the first run of a notebook's cells: when Jupyter had not yet chosen the notebook's kernel (it is
 * still starting up), VS Code asks for one, as it would a user. Pick Jupyter's python3 kernelspec then;
 * return once a cell runs.
 */
export async function pickKernelIfAsked(s: CodeServerSession, timeoutMs = 120_000): Promise<void> {
  const picker = s.page.locator('.quick-input-widget', { hasText: 'kernel' });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const cells = await s.notebookCells();
    if (cells.some((c) => c.kind === 'code' && c.state !== undefined && c.state !== 'pending')) {
      return;
    }
    if (await picker.isVisible()) {
      await s.screenshot('kernel-picker');
      const rows = picker.locator('.quick-input-list .monaco-list-row');
      const python = rows.filter({ hasText: 'Python 3' });
      if (await python.count()) {
        await python.first().click();
      } else {
        await rows.filter({ hasText: 'Jupyter Kernel' }).first().click();
      }
    }
    if (Date.now() > deadline) {
      throw new Error('No cell started running, and no kernel picker came up');
    }
    await s.page.waitForTimeout(500);
  }
}

/** Runs every cell of the visible notebook (through the kernel picker, if Jupyter asks). */
export async function runAllCells(s: CodeServerSession): Promise<void> {
  await s.runCommand('Notebook: Run All');
  await pickKernelIfAsked(s);
}

/** Opens sales.ipynb and runs it: `df` exists and the kernel is the notebook's. */
export async function runSalesNotebook(s: CodeServerSession): Promise<void> {
  await s.openFile('sales.ipynb');
  await s.waitForCells((cells) => cells.length === 3, { message: 'the notebook did not open' });
  await runAllCells(s);
  await s.waitForCells((c) => c[2]?.outputs.images === 1, { timeoutMs: RUN_TIMEOUT_MS, message: 'the notebook did not run' });
}

/** Types the task into the box a plotting command opens. */
export async function typeTask(s: CodeServerSession, task: string): Promise<void> {
  await s.page.locator('.quick-input-widget', { hasText: 'What should the plot show?' }).waitFor({ timeout: 60_000 });
  await s.page.locator('.quick-input-widget input.input').fill(task);
  await s.page.keyboard.press('Enter');
}

export async function askForPlot(s: CodeServerSession, task: string, command = 'Plotwright: Plot DataFrame…'): Promise<void> {
  await s.runCommand(command);
  await typeTask(s, task);
}

/** The newest notification that contains the text. */
export function toast(s: CodeServerSession, text: string): Locator {
  return s.page.locator('.notification-toast', { hasText: text }).last();
}

/** Waits for "Run it in your kernel?", saves a screenshot, clicks the button. */
export async function answerConsent(s: CodeServerSession, button: 'Run' | "Don't Run", screenshot: string): Promise<void> {
  const prompt = toast(s, 'Run it in your kernel?');
  await prompt.waitFor({ state: 'visible', timeout: 120_000 });
  await s.screenshot(screenshot);
  await prompt.getByRole('button', { name: button, exact: true }).click();
}

/** Jupyter's modal "Do you want to grant Kernel access to the extension Plotwright?". */
export function kernelAccessDialog(s: CodeServerSession): Locator {
  return s.page.locator('.monaco-dialog-box', { hasText: 'grant Kernel access' });
}

/** Waits for Jupyter's consent dialog (shown on Plotwright's first kernel query), screenshots it, clicks the button. */
export async function answerKernelAccess(
  s: CodeServerSession,
  button: 'Allow' | 'Deny' | 'Cancel',
  screenshot?: string,
  options: { delayMs?: number } = {},
): Promise<void> {
  const dialog = kernelAccessDialog(s);
  await dialog.waitFor({ state: 'visible', timeout: 120_000 });
  if (screenshot) {
    await s.screenshot(screenshot);
  }
  if (options.delayMs) {
    await s.page.waitForTimeout(options.delayMs);
  }
  await dialog.getByRole('button', { name: button, exact: true }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
}

export interface SavedNotebook {
  cells: Array<{ cell_type: string; source: string[] | string; metadata: Record<string, unknown>; outputs?: Array<{ output_type: string; data?: Record<string, unknown> }> }>;
}

/**
 * Saves the active notebook (file `path`, tab `name`) and returns the file as saved: waits for the tab to
 * lose its dirty mark and for the file to change and hold a whole notebook (the serializer writes it in
 * pieces, so a read in between sees half a file).
 */
export async function saveNotebook(s: CodeServerSession, path: string): Promise<SavedNotebook> {
  const before = statSync(path).mtimeMs;
  const dirtyTab = s.page.locator('.tabs-container .tab.dirty', { hasText: basename(path) });
  // Callers have changed the notebook (cells ran): the file must be written again.
  await s.runCommand('File: Save');
  await dirtyTab.waitFor({ state: 'detached', timeout: 30_000 });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (statSync(path).mtimeMs !== before) {
      try {
        return JSON.parse(readFileSync(path, 'utf8')) as SavedNotebook;
      } catch {
        // still being written
      }
    }
    if (Date.now() > deadline) {
      throw new Error(`${path} was not saved`);
    }
    await s.page.waitForTimeout(100);
  }
}

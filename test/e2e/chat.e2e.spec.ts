// Plotwright without an API key, as a Copilot user has it: the model is a VS Code language model
// (vscode.lm), and `@plot` in the Chat view does journey 1. Copilot cannot run here, so the
// mock-lm fixture stands in for it: a language model that forwards to the mock server, and the
// default chat participant without which VS Code 1.100 shows no Chat view (both proposed APIs,
// allowed for the fixture with --enable-proposed-api).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startMockOpenAI, type MockOpenAI } from '../support/mockOpenAI.js';
import { startCodeServer, type CodeServerSession } from './support/codeServer.js';
import { MOCK_LM, MOCK_LM_ID, packageExtension, packagePlotwright, realJupyter } from './support/extensions.js';
import { answerConsent, answerKernelAccess, copyWorkspace, RUN_TIMEOUT_MS, runSalesNotebook, tearDown, toast, typeTask } from './support/journeys.js';

const fence = '```';
const answer = (code: string) => `Here you go.\n${fence}python\n${code}\n${fence}`;

describe('Plotwright with a VS Code language model, and @plot in chat', { timeout: 900_000 }, () => {
  let session: CodeServerSession | undefined;
  let mock: MockOpenAI;
  let workspace = '';

  before(async () => {
    mock = await startMockOpenAI();
    workspace = copyWorkspace('pw-e2e-chat-');
    const extensions = [await packagePlotwright(), realJupyter(), await packageExtension(MOCK_LM)];
    session = await startCodeServer({
      workspace,
      extensions,
      name: 'chat',
      enableProposedApi: [MOCK_LM_ID],
      settings: {
        // No endpoint and no key: only the VS Code language model can answer.
        'plotwright.baseUrl': 'http://127.0.0.1:9/v1',
        'plotwright.runGeneratedCode': 'ask',
        'mockLm.baseUrl': mock.baseUrl,
        'chat.disableAIFeatures': false,
      },
      viewport: { width: 1600, height: 1400 },
    });
    await runSalesNotebook(session);
  });

  beforeEach(() => {
    mock.reset();
  });

  after(() => tearDown([session, mock], [workspace]));

  it('lists VS Code\'s language models in "Select Model" and plots with one, without an API key', async () => {
    const s = session as CodeServerSession;
    await s.runCommand('Plotwright: Select Model');
    const row = s.page.locator('.quick-input-list .monaco-list-row', { hasText: 'VS Code language model' }).filter({ hasText: 'mock-lm' });
    await row.waitFor({ state: 'visible', timeout: 60_000 });
    await s.screenshot('select-model-vscode-lm');
    await row.click();
    const settingsFile = join(s.userDataDir, 'User', 'settings.json');
    for (let i = 0; i < 100 && !readFileSync(settingsFile, 'utf8').includes('"plotwright.model": "mock-lm"'); i++) {
      await s.page.waitForTimeout(100);
    }
    const settings = readFileSync(settingsFile, 'utf8');
    assert.match(settings, /"plotwright\.provider": "vscode-lm"/);
    assert.match(settings, /"plotwright\.model": "mock-lm"/);

    mock.enqueue({ content: answer('import matplotlib.pyplot as plt\nplt.bar(df["region"], df["sales"])\nplt.title("from vscode.lm")\nplt.show()') });
    await s.runCommand('Plotwright: Plot DataFrame…');
    await answerKernelAccess(s, 'Allow');
    await typeTask(s, 'Bars of sales per region');
    await answerConsent(s, 'Run', 'vscode-lm-consent');
    await toast(s, 'plot ready').waitFor({ timeout: RUN_TIMEOUT_MS });
    const cells = await s.waitForCells((c) => c.some((cell) => cell.text.includes('from vscode.lm') && cell.outputs.images === 1), {
      timeoutMs: 60_000,
      message: 'the vscode-lm cell has no plot',
    });
    await s.screenshot('vscode-lm-plot');
    const cell = cells.find((c) => c.text.includes('from vscode.lm'));
    assert.match(cell?.text ?? '', /model: mock-lm · library: matplotlib/);
    // The request went through VS Code's language model API, from Plotwright, and carried the prompt.
    const [request] = mock.chatRequests();
    assert.equal(request.headers['x-vscode-lm-caller'], 'plotwright.plotwright');
    assert.equal(request.headers.authorization, undefined);
    const messages = request.body?.messages ?? [];
    assert.ok(messages.every((m) => m.role === 'user' || m.role === 'assistant'), 'vscode.lm has no system role');
    assert.match(String(messages.map((m) => m.content).join('\n')), /The DataFrame `df` has 4 rows and 3 columns/);
  });

  it('plots from "@plot df: …" in the Chat view and answers in the chat', async () => {
    const s = session as CodeServerSession;
    mock.enqueue({ content: answer('import matplotlib.pyplot as plt\nplt.plot(df["sales"], marker="o")\nplt.title("from chat")\nplt.show()') });
    await s.runCommand('Chat: Focus on Chat View');
    const input = s.page.locator('.interactive-input-part .monaco-editor').first();
    await input.waitFor({ state: 'visible', timeout: 60_000 });
    await s.screenshot('chat-view');
    await input.click();
    await s.page.keyboard.type('@plot df: a line of sales with markers');
    await s.page.keyboard.press('Enter');
    await answerConsent(s, 'Run', 'chat-consent');
    const response = s.page.locator('.interactive-item-container.interactive-response', { hasText: 'matplotlib' }).last();
    await response.waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
    await s.page.locator('.interactive-item-container.interactive-response', { hasText: 'plt.title("from chat")' }).last().waitFor({ timeout: 60_000 });
    const cells = await s.waitForCells((c) => c.some((cell) => cell.text.includes('from chat') && cell.outputs.images === 1), {
      timeoutMs: 60_000,
      message: 'the chat request left no plotted cell',
    });
    await s.screenshot('chat-plot');
    assert.match((await response.textContent()) ?? '', /matplotlib: ok \(cell \d+\)/);
    assert.match(cells.find((c) => c.text.includes('from chat'))?.text ?? '', /# Plotwright: a line of sales with markers/);
  });

  it('answers "@plot" for a DataFrame that does not exist with a message and a button, and changes nothing', async () => {
    const s = session as CodeServerSession;
    const before = (await s.notebookCells()).length;
    const input = s.page.locator('.interactive-input-part .monaco-editor').first();
    // A hover ("Current file context") left over from the last request can cover the input.
    await s.page.mouse.move(5, 5);
    await s.page.keyboard.press('Escape');
    await input.click({ position: { x: 20, y: 8 } });
    await s.page.keyboard.type('@plot sales_2019: bars per region');
    await s.page.keyboard.press('Enter');
    const response = s.page.locator('.interactive-item-container.interactive-response', { hasText: "no DataFrame 'sales_2019'" }).last();
    await response.waitFor({ state: 'visible', timeout: 60_000 });
    await s.screenshot('chat-missing-dataframe');
    assert.ok(await response.getByRole('button', { name: 'Run All Cells' }).isVisible());
    assert.equal((await s.notebookCells()).length, before);
    assert.equal(mock.chatRequests().length, 0);
  });
});

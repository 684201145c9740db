// Refine Plot, streaming and @plot follow-ups in a real VS Code (code-server) with the real Jupyter
// extension and a mock model that streams slowly and can hold its stream open mid-answer.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { splitIntoDeltas, startMockOpenAI, type MockOpenAI } from '../support/mockOpenAI.js';
import { startCodeServer, type CodeServerSession, type NotebookCellInfo } from './support/codeServer.js';
import { MOCK_LM, MOCK_LM_ID, packageExtension, packagePlotwright, realJupyter } from './support/extensions.js';
import { answerConsent, answerKernelAccess, copyWorkspace, RUN_TIMEOUT_MS, runSalesNotebook, saveNotebook, tearDown, toast, typeTask } from './support/journeys.js';

const fence = '```';
const answer = (code: string) => `Here you go.\n${fence}python\n${code}\n${fence}\nThe bars show sales per region.`;
const BARS = 'import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.bar(df["region"], df["sales"])\nax.set_title("streamed bars")\nplt.show()';
const HBARS = 'import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.barh(df["region"], df["sales"])\nax.set_title("horizontal bars")\nplt.show()';
const GENERATING = 'Plotwright is writing this code';

/** The number of content deltas after which the answer's text includes `marker` (the mock holds there). */
function deltasThrough(content: string, marker: string): number {
  const deltas = splitIntoDeltas(content);
  let text = '';
  for (let i = 0; i < deltas.length; i++) {
    text += deltas[i];
    if (text.includes(marker)) {
      return i + 1;
    }
  }
  throw new Error(`${marker} is not in the answer`);
}

function released(): { promise: Promise<void>; release: () => void } {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

const withText = (cells: NotebookCellInfo[], text: string) => cells.find((c) => c.kind === 'code' && c.text.includes(text));

interface SavedCell {
  source: string[] | string;
  metadata: { plotwright?: { task: string; refinements?: Array<{ instruction: string; previousSource: string }> } };
}

describe('Refine Plot, streaming and @plot follow-ups', { timeout: 1_200_000 }, () => {
  let session: CodeServerSession | undefined;
  let mock: MockOpenAI;
  let workspace = '';
  const holds: Array<() => void> = [];

  before(async () => {
    mock = await startMockOpenAI();
    workspace = copyWorkspace('pw-e2e-refine-');
    // The mock language model only gives VS Code its Chat view; Plotwright asks the endpoint.
    const extensions = [await packagePlotwright(), realJupyter(), await packageExtension(MOCK_LM)];
    session = await startCodeServer({
      workspace,
      extensions,
      name: 'refine',
      enableProposedApi: [MOCK_LM_ID],
      settings: {
        'plotwright.baseUrl': mock.baseUrl,
        'plotwright.model': 'mock-model',
        'plotwright.runGeneratedCode': 'ask',
        'plotwright.maxRepairs': 1,
        'mockLm.baseUrl': mock.baseUrl,
        'chat.disableAIFeatures': false,
      },
      viewport: { width: 1600, height: 1800 },
    });
    await runSalesNotebook(session);
  });

  beforeEach(() => {
    mock.reset();
  });

  after(async () => {
    holds.forEach((release) => release());
    await tearDown([session, mock], [workspace]);
  });

  it('streams the code into the new cell while the answer is still arriving, marked as being written', async () => {
    const s = session as CodeServerSession;
    const content = answer(BARS);
    const hold = released();
    holds.push(hold.release);
    mock.enqueue({ content, chunkDelayMs: 20, holdAfterDeltas: deltasThrough(content, 'ax.bar('), release: hold.promise });
    await s.runCommand('Plotwright: Plot DataFrame…');
    await answerKernelAccess(s, 'Allow');
    await typeTask(s, 'Bars of sales per region');
    // The stream is held open after `ax.bar(`: whatever the cell shows now arrived before the answer ended.
    const cells = await s.waitForCells((c) => withText(c, 'ax.bar(') !== undefined, { timeoutMs: 60_000, message: 'no code appeared while the answer streamed' });
    await s.screenshot('streaming-held');
    const streaming = withText(cells, 'ax.bar(') as NotebookCellInfo;
    assert.match(streaming.text.split('\n')[0], new RegExp(GENERATING));
    assert.match(streaming.text, /# Plotwright: Bars of sales per region/);
    assert.doesNotMatch(streaming.text, /streamed bars|Here you go|```/);
    assert.equal(mock.chatRequests()[0].body?.stream, true);
    hold.release();
    await answerConsent(s, 'Run', 'streamed-consent');
    const done = await s.waitForCells((c) => withText(c, 'streamed bars')?.outputs.images === 1, { timeoutMs: RUN_TIMEOUT_MS, message: 'the streamed cell did not plot' });
    await toast(s, 'plot ready').waitFor({ timeout: 60_000 });
    const cell = withText(done, 'streamed bars') as NotebookCellInfo;
    assert.doesNotMatch(cell.text, new RegExp(GENERATING));
    assert.match(cell.text, /^# Plotwright: Bars of sales per region\n# model: mock-model · library: matplotlib\nimport matplotlib/);
  });

  it('leaves no half cell when the request is cancelled mid-stream', async () => {
    const s = session as CodeServerSession;
    const before = (await s.notebookCells()).filter((c) => c.kind === 'code').length;
    const content = answer(BARS.replace('streamed bars', 'cancelled bars'));
    const hold = released();
    holds.push(hold.release);
    mock.enqueue({ content, chunkDelayMs: 20, holdAfterDeltas: deltasThrough(content, 'plt.subplots()'), release: hold.promise });
    await s.runCommand('Plotwright: Plot DataFrame…');
    await typeTask(s, 'Bars that will be cancelled');
    await s.waitForCells((c) => c.some((cell) => cell.text.includes(GENERATING) && cell.text.includes('Bars that will be cancelled')), {
      timeoutMs: 60_000,
      message: 'the cancelled request showed no streaming cell',
    });
    const progress = toast(s, 'Asking mock-model');
    await progress.waitFor({ timeout: 30_000 });
    await s.screenshot('streaming-before-cancel');
    await progress.getByRole('button', { name: 'Cancel' }).click();
    const cells = await s.waitForCells((c) => !c.some((cell) => cell.text.includes(GENERATING)), { timeoutMs: 30_000, message: 'the half cell stayed after Cancel' });
    await s.screenshot('streaming-cancelled');
    assert.equal(cells.filter((c) => c.kind === 'code').length, before);
    assert.ok(!cells.some((c) => c.text.includes('Bars that will be cancelled')));
  });

  it('refines the selected Plotwright cell as the user edited it, keeps the instruction in its metadata, and Undo Refine restores it', async () => {
    const s = session as CodeServerSession;
    const row = s.page.locator('.notebook-editor .cell-list-container .monaco-list-row.code-cell-row', { hasText: 'streamed bars' });
    // The user edits the generated cell: the edit must reach the model.
    await row.locator('.cell-editor-container .view-line', { hasText: 'plt.show()' }).click();
    await s.page.keyboard.press('End');
    await s.page.keyboard.type('  # checked by hand');
    await s.waitForCells((c) => withText(c, '# checked by hand') !== undefined, { message: 'the edit did not land' });
    // The cell toolbar offers Refine Plot on Plotwright's cell only.
    const refineButton = row.locator('.cell-title-toolbar .action-item a[aria-label^="Refine Plot"]');
    await refineButton.waitFor({ state: 'visible', timeout: 30_000 });
    await s.screenshot('refine-toolbar');
    const userRow = s.page.locator('.notebook-editor .cell-list-container .monaco-list-row.code-cell-row', { hasText: "ax.set_title('Sales by region')" });
    await userRow.locator('.cell-editor-container .view-line').first().click();
    assert.equal(await userRow.locator('.cell-title-toolbar .action-item a[aria-label^="Refine Plot"]').count(), 0);
    await row.locator('.cell-editor-container .view-line', { hasText: 'plt.show()' }).click();

    mock.enqueue({ content: answer(HBARS), chunkDelayMs: 10 });
    await s.runCommand('Plotwright: Refine Plot…');
    await s.page.locator('.quick-input-widget', { hasText: 'How should the plot change?' }).waitFor({ timeout: 60_000 });
    await s.page.locator('.quick-input-widget input.input').fill('make the bars horizontal');
    await s.page.keyboard.press('Enter');
    await answerConsent(s, 'Run', 'refine-consent');
    const refined = await s.waitForCells((c) => withText(c, 'horizontal bars')?.outputs.images === 1, { timeoutMs: RUN_TIMEOUT_MS, message: 'the refined cell did not plot' });
    await toast(s, 'refined').waitFor({ timeout: 60_000 });
    await s.screenshot('refined');
    const cell = withText(refined, 'horizontal bars') as NotebookCellInfo;
    assert.match(cell.text, /# Plotwright: Bars of sales per region\n# refined: make the bars horizontal\n# model: mock-model/);
    assert.ok(!withText(refined, 'streamed bars'), 'the old code is still in a cell');

    const [request] = mock.chatRequests();
    const prompt = String(request.body?.messages?.[1].content);
    assert.match(prompt, /The DataFrame `df` has 4 rows and 3 columns/);
    assert.match(prompt, /ax\.bar\(df\["region"\], df\["sales"\]\)/);
    assert.match(prompt, /plt\.show\(\) {2}# checked by hand/);
    assert.match(prompt, /Change it as follows:\nmake the bars horizontal/);
    assert.doesNotMatch(prompt, /# Plotwright:/);

    const path = join(workspace, 'sales.ipynb');
    const saved = (await saveNotebook(s, path)) as { cells: SavedCell[] };
    const savedCell = saved.cells.find((c) => [c.source].flat().join('').includes('horizontal bars'));
    assert.equal(savedCell?.metadata.plotwright?.task, 'Bars of sales per region');
    assert.deepEqual(savedCell?.metadata.plotwright?.refinements?.map((r) => r.instruction), ['make the bars horizontal']);
    assert.match(savedCell?.metadata.plotwright?.refinements?.[0].previousSource ?? '', /streamed bars[\s\S]*# checked by hand/);

    // Undo Refine on the selected cell: the edited code is back, the history is empty again.
    await row.or(s.page.locator('.notebook-editor .monaco-list-row.code-cell-row', { hasText: 'horizontal bars' })).first().locator('.cell-editor-container .view-line').first().click();
    await s.runCommand('Plotwright: Undo Refine');
    const undone = await s.waitForCells((c) => withText(c, 'streamed bars') !== undefined && !withText(c, 'horizontal bars'), { timeoutMs: 30_000, message: 'Undo Refine did not restore the cell' });
    await s.screenshot('undo-refine');
    assert.match(withText(undone, 'streamed bars')?.text ?? '', /plt\.show\(\) {2}# checked by hand/);
    const afterUndo = (await saveNotebook(s, path)) as { cells: SavedCell[] };
    const restored = afterUndo.cells.find((c) => [c.source].flat().join('').includes('streamed bars'));
    assert.deepEqual(restored?.metadata.plotwright?.refinements, []);
  });

  it('leaves the cell as it was when a refinement is cancelled while its answer streams in', async () => {
    const s = session as CodeServerSession;
    const row = s.page.locator('.notebook-editor .cell-list-container .monaco-list-row.code-cell-row', { hasText: 'streamed bars' });
    await row.locator('.cell-editor-container .view-line', { hasText: 'plt.show()' }).click();
    const before = withText(await s.notebookCells(), 'streamed bars') as NotebookCellInfo;
    const content = answer(HBARS.replace('horizontal bars', 'never finished'));
    const hold = released();
    holds.push(hold.release);
    mock.enqueue({ content, chunkDelayMs: 10, holdAfterDeltas: deltasThrough(content, 'ax.barh('), release: hold.promise });
    await s.runCommand('Plotwright: Refine Plot…');
    await s.page.locator('.quick-input-widget', { hasText: 'How should the plot change?' }).waitFor({ timeout: 60_000 });
    await s.page.locator('.quick-input-widget input.input').fill('horizontal, but cancelled');
    await s.page.keyboard.press('Enter');
    // The refinement streams into the same cell, over the old code.
    await s.waitForCells((c) => c.some((cell) => cell.text.includes(GENERATING) && cell.text.includes('ax.barh(')), {
      timeoutMs: 60_000,
      message: 'the refinement did not stream into the cell',
    });
    assert.ok(!withText(await s.notebookCells(), 'streamed bars'), 'the streamed refinement did not replace the code');
    const progress = toast(s, 'to refine cell');
    await progress.waitFor({ timeout: 30_000 });
    await s.screenshot('refine-streaming-before-cancel');
    await progress.getByRole('button', { name: 'Cancel' }).click();
    const after = await s.waitForCells((c) => withText(c, 'streamed bars') !== undefined && !c.some((cell) => cell.text.includes(GENERATING)), {
      timeoutMs: 30_000,
      message: 'Cancel did not put the cell back',
    });
    assert.equal(withText(after, 'streamed bars')?.text, before.text);
    assert.equal(withText(after, 'streamed bars')?.outputs.images, 1);
  });

  it("lets the editor's own undo step back through a refinement as well", async () => {
    const s = session as CodeServerSession;
    const row = s.page.locator('.notebook-editor .cell-list-container .monaco-list-row.code-cell-row', { hasText: 'streamed bars' });
    await row.locator('.cell-editor-container .view-line', { hasText: 'plt.show()' }).click();
    const before = withText(await s.notebookCells(), 'streamed bars') as NotebookCellInfo;
    mock.enqueue({ content: answer(BARS.replace('streamed bars', 'red title').replace(')\nplt.show', ', color="red")\nplt.show')), chunkDelayMs: 10 });
    await s.runCommand('Plotwright: Refine Plot…');
    await s.page.locator('.quick-input-widget', { hasText: 'How should the plot change?' }).waitFor({ timeout: 60_000 });
    await s.page.locator('.quick-input-widget input.input').fill('a red title');
    await s.page.keyboard.press('Enter');
    await answerConsent(s, 'Run', 'editor-undo-consent');
    await s.waitForCells((c) => withText(c, 'red title')?.outputs.images === 1, { timeoutMs: RUN_TIMEOUT_MS, message: 'the refinement did not plot' });
    await toast(s, 'refined').waitFor({ timeout: 60_000 });
    const refinedRow = s.page.locator('.notebook-editor .cell-list-container .monaco-list-row.code-cell-row', { hasText: 'red title' });
    await refinedRow.locator('.cell-editor-container .view-line', { hasText: 'plt.show()' }).click();
    // One undo step per streamed write: press until the old text is back (or give up).
    let cells = await s.notebookCells();
    for (let presses = 0; presses < 80 && !withText(cells, 'streamed bars'); presses++) {
      await s.page.keyboard.press('ControlOrMeta+z');
      await s.page.waitForTimeout(100);
      cells = await s.notebookCells();
    }
    await s.screenshot('editor-undo');
    assert.equal(withText(cells, 'streamed bars')?.text, before.text);
  });

  it('refines the cell a chat thread made when a follow-up message comes in the same thread', async () => {
    const s = session as CodeServerSession;
    mock.enqueue({ content: answer(BARS.replace('streamed bars', 'chat bars')) });
    await s.runCommand('Chat: Focus on Chat View');
    const input = s.page.locator('.interactive-input-part .monaco-editor').first();
    await input.waitFor({ state: 'visible', timeout: 60_000 });
    await input.click();
    await s.page.keyboard.type('@plot df: bars of sales for the chat');
    await s.page.keyboard.press('Enter');
    await answerConsent(s, 'Run', 'chat-first-consent');
    await s.page.locator('.interactive-item-container.interactive-response', { hasText: 'matplotlib: ok' }).last().waitFor({ timeout: RUN_TIMEOUT_MS });
    await s.waitForCells((c) => withText(c, 'chat bars')?.outputs.images === 1, { timeoutMs: 60_000, message: 'the chat request left no plot' });

    mock.enqueue({ content: answer(HBARS.replace('horizontal bars', 'chat horizontal')) });
    await s.page.mouse.move(5, 5);
    await s.page.keyboard.press('Escape');
    await input.click({ position: { x: 20, y: 8 } });
    await s.page.keyboard.press('ControlOrMeta+a');
    await s.page.keyboard.press('Backspace');
    await s.page.keyboard.type('@plot make the bars horizontal');
    await s.page.keyboard.press('Enter');
    await answerConsent(s, 'Run', 'chat-follow-up-consent');
    const response = s.page.locator('.interactive-item-container.interactive-response', { hasText: 'Refined cell' }).last();
    await response.waitFor({ state: 'visible', timeout: RUN_TIMEOUT_MS });
    const cells = await s.waitForCells((c) => withText(c, 'chat horizontal')?.outputs.images === 1, { timeoutMs: 60_000, message: 'the follow-up did not refine the cell' });
    await s.screenshot('chat-follow-up');
    assert.ok(!withText(cells, 'chat bars'), 'the follow-up inserted a new cell instead of refining');
    assert.match(withText(cells, 'chat horizontal')?.text ?? '', /# refined: make the bars horizontal/);
    const requests = mock.chatRequests();
    assert.equal(requests.length, 2);
    const prompt = String(requests[1].body?.messages?.[1].content);
    assert.match(prompt, /ax\.set_title\("chat bars"\)/);
    assert.match(prompt, /Change it as follows:\nmake the bars horizontal/);
    assert.match((await response.textContent()) ?? '', /Refined cell \d+\*?\*?:? ?ok/);
  });
});

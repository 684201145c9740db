// plotwright.visualCheck in a real VS Code (code-server) with the real Jupyter extension: the model sees the
// cell's figure and its corrected code replaces the cell; plot lint's notes reach the notebook user.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startMockOpenAI, type ChatRequestBody, type MockOpenAI } from '../support/mockOpenAI.js';
import { startCodeServer, type CodeServerSession, type NotebookCellInfo } from './support/codeServer.js';
import { packagePlotwright, realJupyter } from './support/extensions.js';
import { answerKernelAccess, copyWorkspace, RUN_TIMEOUT_MS, runSalesNotebook, tearDown, toast, typeTask } from './support/journeys.js';

const fence = '```';
const answer = (code: string) => `Here you go.\n${fence}python\n${code}\n${fence}`;
const LINE = 'import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot(df["region"], df["sales"])\nax.set_title("line (first answer)")\nplt.show()';
const BAR = 'import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.bar(df["region"], df["sales"])\nax.set_title("bars (after the visual check)")\nplt.show()';

// Axes drawn and shown, with nothing in them: the no-data lint rule.
const EMPTY = 'import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.set_title("empty on purpose")\nplt.show()';

const generated = (cells: NotebookCellInfo[], marker: string) => cells.filter((c) => c.kind === 'code' && c.text.includes(marker));

/** The PNG of a chat request's image part, when it carries one. */
function imageIn(body: ChatRequestBody | undefined): Buffer | undefined {
  const part = (body?.messages ?? [])
    .flatMap((m) => (Array.isArray(m.content) ? (m.content as Array<{ type: string; image_url?: { url: string } }>) : []))
    .find((p) => p.type === 'image_url');
  const match = /^data:image\/png;base64,(.+)$/.exec(part?.image_url?.url ?? '');
  return match ? Buffer.from(match[1], 'base64') : undefined;
}

describe('visual self-check and lint notes in VS Code', { timeout: 900_000 }, () => {
  let session: CodeServerSession | undefined;
  let mock: MockOpenAI;
  let workspace = '';

  before(async () => {
    mock = await startMockOpenAI();
    workspace = copyWorkspace('pw-e2e-visual-');
    session = await startCodeServer({
      workspace,
      extensions: [await packagePlotwright(), realJupyter()],
      name: 'visual-check',
      settings: {
        'plotwright.baseUrl': mock.baseUrl,
        'plotwright.model': 'mock-model',
        'plotwright.runGeneratedCode': 'always',
        'plotwright.maxRepairs': 2,
        'plotwright.visualCheck': true,
      },
      viewport: { width: 1400, height: 1800 },
    });
    await runSalesNotebook(session);
  });

  beforeEach(() => {
    mock.reset();
  });

  after(() => tearDown([session, mock], [workspace]));

  it('shows the model the cell\'s figure; its corrected code replaces the cell and runs', async () => {
    const s = session as CodeServerSession;
    mock.setResponder((body) => {
      const png = imageIn(body);
      if (!png) {
        return { content: answer(LINE) };
      }
      const checked = String([...(body.messages ?? [])].reverse().find((m) => m.role === 'assistant')?.content);
      return { content: checked.includes('ax.plot(') ? answer(BAR) : 'ACCEPT' };
    });
    await s.runCommand('Plotwright: Plot DataFrame…');
    await answerKernelAccess(s, 'Allow');
    await typeTask(s, 'Bar chart of sales per region');
    const cells = await s.waitForCells((c) => generated(c, '# Plotwright: Bar chart')[0]?.text.includes('bars (after the visual check)') === true, {
      timeoutMs: RUN_TIMEOUT_MS,
      message: 'the corrected code never replaced the cell',
    });
    const note = toast(s, 'visual check:');
    await note.waitFor({ timeout: RUN_TIMEOUT_MS });
    await s.screenshot('visual-check-corrected');
    assert.match((await note.textContent()) ?? '', /plot ready \(ok after 1 repair\(s\) · visual check: The model looked at the figure and corrected the code/);
    const [cell] = generated(await s.waitForCells((c) => generated(c, '# Plotwright: Bar chart')[0]?.outputs.images === 1, { timeoutMs: RUN_TIMEOUT_MS }), '# Plotwright: Bar chart');
    assert.equal(cell.state, 'success');
    assert.equal(generated(cells, '# Plotwright:').length, 1, 'the correction went into a new cell');

    const requests = mock.chatRequests();
    assert.equal(requests.length, 2);
    // The figure the Jupyter extension rendered in the cell, as a PNG.
    const png = imageIn(requests[1].body);
    assert.ok(png && png.subarray(1, 4).toString() === 'PNG' && png.length > 5000, 'the check did not carry the cell\'s PNG');
    assert.match(JSON.stringify(requests[1].body?.messages?.at(-1)), /Bar chart of sales per region/);
  });

  it('shows the lint note for a Matplotlib figure with empty axes (the lint finding also drove one repair)', async () => {
    const s = session as CodeServerSession;
    let answers = 0;
    mock.setResponder((body) => (imageIn(body) ? { content: 'ACCEPT' } : { content: answer(`${EMPTY}\n# answer ${++answers}`) }));
    await s.runCommand('Plotwright: Plot DataFrame…');
    await typeTask(s, 'Scatter of sales by year');
    // The run's notification: the first toast that is not the previous test's.
    const deadline = Date.now() + RUN_TIMEOUT_MS;
    let text: string | undefined;
    while (text === undefined && Date.now() < deadline) {
      const texts = await s.page.locator('.notification-toast').allTextContents();
      text = texts.find((t) => /Plotwright: (plot ready|failed|wrong library)/.test(t) && !t.includes('corrected the code'));
      await s.page.waitForTimeout(500);
    }
    await s.screenshot('lint-note-empty-axes');
    const sent = mock.chatRequests().map((r) => (imageIn(r.body) ? 'check' : 'code'));
    assert.ok(text, `no notification for the run; requests: ${sent.join(', ')}`);
    assert.match(text, /plot ready \(ok after 1 repair\(s\) · visual check: The model looked at the figure and accepted it\. · note: The figure has no data: its axes are empty/);
    const requests = mock.chatRequests();
    // The lint finding went into the repair prompt too (one round), then the check looked at the figure.
    assert.equal(requests.length, 3);
    assert.match(JSON.stringify(requests[1].body?.messages?.at(-1)), /has no data: its axes are empty/);
    const cells = await s.waitForCells((c) => generated(c, '# Plotwright: Scatter of sales')[0]?.outputs.images === 1, { timeoutMs: RUN_TIMEOUT_MS });
    assert.ok(generated(cells, '# Plotwright: Scatter of sales')[0].text.includes('empty on purpose'));
  });
});

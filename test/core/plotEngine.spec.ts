import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatKernelError, generatePlot, shortenTask, type AttemptRunner } from '../../src/core/plotEngine.js';
import { loadPromptTemplates } from '../../src/core/prompts.js';
import type { ExecutionResult } from '../../src/kernel/kernel.js';
import type { ChatMessage, ChatModel, ChatResponse } from '../../src/llm/chatModel.js';

const templates = loadPromptTemplates();
const fence = '```';
const code = (body: string) => `${fence}python\n${body}\n${fence}`;

/** A model that answers from a script and remembers what it was sent. */
class ScriptedModel implements ChatModel {
  readonly model = 'scripted';
  readonly calls: ChatMessage[][] = [];
  constructor(private readonly answers: string[]) {}
  async complete(messages: ChatMessage[]): Promise<ChatResponse> {
    this.calls.push(messages);
    const text = this.answers.shift();
    if (text === undefined) {
      throw new Error('no scripted answer left');
    }
    return { text, usage: { promptTokens: 10, completionTokens: 5 }, model: this.model, latencyMs: 1, retries: 0 };
  }
}

const image: ExecutionResult = { status: 'ok', outputs: [{ kind: 'image', data: 'iVBOR' }], durationMs: 3, restarted: false };
const plotly: ExecutionResult = { status: 'ok', outputs: [{ kind: 'plotly', figure: { data: [{ type: 'scatter', y: [1, 2] }] } }], durationMs: 3, restarted: false };
const nothing: ExecutionResult = {
  status: 'ok',
  outputs: [{ kind: 'stream', name: 'stdout', text: 'shape is (3, 2)\n' }],
  durationMs: 2,
  restarted: false,
};
const keyError: ExecutionResult = {
  status: 'error',
  outputs: [],
  error: {
    ename: 'KeyError',
    evalue: "'Sales'",
    traceback: ['\u001b[0;31mKeyError\u001b[0m  Traceback (most recent call last)', 'Cell In[1], line 2', "KeyError: 'Sales'"],
  },
  durationMs: 4,
  restarted: false,
};

class ScriptedRunner implements AttemptRunner {
  readonly codes: string[] = [];
  constructor(private readonly results: ExecutionResult[]) {}
  async run(codeToRun: string): Promise<ExecutionResult> {
    this.codes.push(codeToRun);
    const next = this.results.shift();
    if (!next) {
      throw new Error('no scripted result left');
    }
    return next;
  }
}

const request = {
  library: 'matplotlib' as const,
  task: 'Line of sales by month',
  dataDescription: 'The DataFrame `df` has 3 rows and 2 columns.',
  variable: 'df',
  maxRepairs: 2,
  timeoutMs: 1000,
};

describe('generatePlot', () => {
  it('returns the first answer when it draws', async () => {
    const model = new ScriptedModel([code('import matplotlib.pyplot as plt\nplt.plot(df.sales)\nplt.show()')]);
    const outcome = await generatePlot(model, templates, new ScriptedRunner([image]), request);
    assert.equal(outcome.ok, true);
    assert.equal(outcome.attempts.length, 1);
    assert.equal(outcome.error, undefined);
    assert.equal(outcome.promptVersion, templates.version);
    assert.deepEqual(outcome.usage, { promptTokens: 10, completionTokens: 5 });
  });

  it('repairs from the traceback, sending it without colour codes', async () => {
    const model = new ScriptedModel([
      code('import matplotlib.pyplot as plt\nplt.plot(df["Sales"])'),
      code('import matplotlib.pyplot as plt\nplt.plot(df["sales"])'),
    ]);
    const stages: string[] = [];
    const outcome = await generatePlot(model, templates, new ScriptedRunner([keyError, image]), {
      ...request,
      onProgress: (stage, attempt) => stages.push(`${stage}:${attempt}`),
    });
    assert.equal(outcome.ok, true);
    assert.equal(outcome.attempts.length, 2);
    assert.equal(outcome.attempts[0].error, "KeyError: 'Sales'");
    assert.equal(outcome.code, 'import matplotlib.pyplot as plt\nplt.plot(df["sales"])\n');
    const repairCall = model.calls[1];
    assert.equal(repairCall.length, 4);
    assert.equal(repairCall[2].role, 'assistant');
    const repair = String(repairCall[3].content);
    assert.match(repair, /KeyError: 'Sales'/);
    assert.ok(!repair.includes('\u001b'), 'colour codes reached the model');
    assert.deepEqual(stages, ['asking-model:0', 'running:0', 'repairing:1', 'running:1']);
    assert.deepEqual(outcome.usage, { promptTokens: 20, completionTokens: 10 });
  });

  it('asks again when the answer has no code', async () => {
    const model = new ScriptedModel(['Sure! What would you like?', code('import matplotlib.pyplot as plt\nplt.plot(df.a)')]);
    const runner = new ScriptedRunner([image]);
    const outcome = await generatePlot(model, templates, runner, request);
    assert.equal(outcome.ok, true);
    assert.equal(outcome.attempts[0].code, '');
    assert.match(outcome.attempts[0].error ?? '', /returned no code/);
    assert.match(String(model.calls[1][3].content), /no Python code block/);
    assert.equal(runner.codes.length, 1);
  });

  it('asks for a figure when the code drew nothing, quoting what it printed', async () => {
    const model = new ScriptedModel([code('print("shape is", df.shape)'), code('import matplotlib.pyplot as plt\nplt.plot(df.a)')]);
    const outcome = await generatePlot(model, templates, new ScriptedRunner([nothing, image]), request);
    assert.equal(outcome.ok, true);
    assert.match(String(model.calls[1][3].content), /no figure came out[\s\S]*shape is \(3, 2\)[\s\S]*plt\.show\(\)/);
  });

  it('asks for the requested library when another one drew', async () => {
    const model = new ScriptedModel([
      code('import matplotlib.pyplot as plt\nplt.plot(df.a)'),
      code('import plotly.express as px\nfig = px.line(df, y="a")\nfig.show()'),
    ]);
    const outcome = await generatePlot(model, templates, new ScriptedRunner([image, plotly]), { ...request, library: 'plotly' });
    assert.equal(outcome.ok, true);
    assert.equal(outcome.wrongLibrary, false);
    assert.match(outcome.attempts[0].error ?? '', /draws with matplotlib, not plotly/);
    assert.match(String(model.calls[1][3].content), /must be drawn with plotly/);
  });

  it('stops after the configured repairs and says why', async () => {
    const failing = code('import matplotlib.pyplot as plt\nplt.plot(df["Sales"])');
    const model = new ScriptedModel([failing, failing, failing]);
    const outcome = await generatePlot(model, templates, new ScriptedRunner([keyError, keyError, keyError]), request);
    assert.equal(outcome.ok, false);
    assert.equal(outcome.attempts.length, 3);
    assert.equal(outcome.error, "KeyError: 'Sales'");
    assert.match(outcome.traceback ?? '', /Cell In\[1\], line 2\nKeyError: 'Sales'/, 'the outcome carries the traceback the model saw');
    // The prompt stays bounded: each repair carries only the last answer.
    assert.equal(model.calls[2].length, 4);
    assert.equal(outcome.messages.length, 2 + 2 * 2);
  });

  it('makes no repair when maxRepairs is 0', async () => {
    const model = new ScriptedModel([code('import matplotlib.pyplot as plt\nplt.plot(df["Sales"])')]);
    const outcome = await generatePlot(model, templates, new ScriptedRunner([keyError]), { ...request, maxRepairs: 0 });
    assert.equal(outcome.ok, false);
    assert.equal(model.calls.length, 1);
  });

  it('stops at once when cancelled', async () => {
    const controller = new AbortController();
    controller.abort(new Error('user cancelled'));
    await assert.rejects(
      generatePlot(new ScriptedModel([]), templates, new ScriptedRunner([]), { ...request, signal: controller.signal }),
      /user cancelled/,
    );
  });

  it('keeps the end of a long traceback', () => {
    const long = { ename: 'ValueError', evalue: 'bad', traceback: [...Array.from({ length: 400 }, (_, i) => `frame ${i}`), 'ValueError: bad'] };
    const text = formatKernelError(long, 1000);
    assert.ok(text.length < 1100);
    assert.match(text, /characters cut/);
    assert.match(text, /ValueError: bad$/);
    assert.match(text, /^frame 0/);
  });
});

describe('formatKernelError on a Plotly "Invalid property" error', () => {
  const docs = Array.from({ length: 160 }, (_, i) => `        property_${i}\n            Sets property number ${i} of this trace; a long line of documentation.`).join('\n');
  const evalue = `Invalid property specified for object of type plotly.graph_objs.Scatter: 'colour'\n\nDid you mean "color"?\n\n    Valid properties:\n${docs}\n        \nDid you mean "color"?\n\nBad property path:\ncolour\n^^^^^^`;
  const error = {
    ename: 'ValueError',
    evalue,
    traceback: [
      'ValueError                                Traceback (most recent call last)',
      'Cell In[3], line 4\n      2 import plotly.graph_objects as go\n----> 4 go.Scatter(x=df["x"], colour="red")',
      ...Array.from({ length: 6 }, (_, i) => `File /usr/lib/python3/dist-packages/plotly/basedatatypes.py:${4000 + i}, in BasePlotlyType._raise_on_invalid_property_error()`),
      `ValueError: ${evalue}`,
    ],
  };

  it('keeps the message, the user\'s line and the "Did you mean" tail, and cuts the property list', () => {
    const full = error.traceback.join('\n');
    assert.ok(full.length > 6000, `the raw error is ${full.length} characters`);
    const text = formatKernelError(error);
    assert.ok(text.length < 2000, `trimmed to ${text.length} characters`);
    assert.match(text, /Invalid property specified for object of type plotly\.graph_objs\.Scatter: 'colour'/);
    assert.match(text, /go\.Scatter\(x=df\["x"\], colour="red"\)/);
    assert.match(text, /Did you mean "color"\?\n\nBad property path:\ncolour\n\^+$/);
    assert.match(text, /list of valid properties is cut/);
    assert.doesNotMatch(text, /property_17/);
  });

  it('keeps the exception line when a long traceback must be cut in the middle', () => {
    const long = { ename: 'ValueError', evalue: 'bad value', traceback: [...Array.from({ length: 400 }, (_, i) => `frame ${i}`), 'ValueError: bad value', ...Array.from({ length: 200 }, (_, i) => `explanation ${i}`)] };
    const text = formatKernelError(long, 1500);
    assert.ok(text.length < 1700, `${text.length}`);
    assert.match(text, /ValueError: bad value/);
    assert.match(text, /explanation 199$/);
  });
});

describe('shortenTask', () => {
  it('returns the model answer without quotes', async () => {
    const model = new ScriptedModel(['"A bar chart of sales by region."']);
    const result = await shortenTask(model, templates, 'A long task. '.repeat(20), 'single');
    assert.equal(result.task, 'A bar chart of sales by region.');
    assert.match(String(model.calls[0][1].content), /one sentence/);
  });

  it('refuses an empty answer', async () => {
    await assert.rejects(shortenTask(new ScriptedModel(['  ']), templates, 'task', 'short'), /empty/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadPromptTemplates } from '../../src/core/prompts.js';
import { buildVisualCheckMessage, isImageRejection, parseVisualCheckAnswer, withoutImageData } from '../../src/core/visualCheck.js';
import { LlmError } from '../../src/llm/errors.js';

const fence = '```';

describe('the visual check answer', () => {
  it('reads the ACCEPT form, alone or after an explanation, in any case and markup', () => {
    for (const text of ['ACCEPT', 'accept', ' **ACCEPT** ', '`ACCEPT`.', 'ACCEPTED!', 'The bars match the task.\n\nACCEPT']) {
      assert.deepEqual(parseVisualCheckAnswer(text, 'df'), { kind: 'accept' }, text);
    }
  });

  it('takes code as a correction, even when the answer also says accept', () => {
    const answer = `The chart should be bars, not a line; I would not accept it.\n${fence}python\nimport matplotlib.pyplot as plt\nplt.bar(df.a, df.b)\n${fence}`;
    const parsed = parseVisualCheckAnswer(answer, 'df');
    assert.equal(parsed.kind, 'correct');
    assert.match(parsed.kind === 'correct' ? parsed.code : '', /plt\.bar\(df\.a, df\.b\)/);
  });

  it('calls anything else unclear', () => {
    assert.deepEqual(parseVisualCheckAnswer('Looks mostly fine, though the colours could be better.', 'df'), { kind: 'unclear' });
    assert.deepEqual(parseVisualCheckAnswer('I accept that the chart is close.', 'df'), { kind: 'unclear' });
  });
});

describe('the visual check request', () => {
  it('sends the task as text and the PNG as a data URL, and keeps the bytes out of provenance', () => {
    const message = buildVisualCheckMessage(loadPromptTemplates(), '  Bars of sales per region ', 'iVBORw0KGgo=');
    assert.equal(message.role, 'user');
    assert.ok(Array.isArray(message.content));
    const [text, image] = message.content;
    assert.equal(text.type, 'text');
    assert.match(text.type === 'text' ? text.text : '', /Bars of sales per region\n[\s\S]*single word ACCEPT/);
    assert.deepEqual(image, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } });
    assert.ok(!JSON.stringify(withoutImageData(message)).includes('iVBORw0KGgo='));
  });

  it('knows a refusal of images from other bad requests', () => {
    assert.ok(isImageRejection(new LlmError('bad-request', 'The endpoint refused the request (400). The server said: image_url is only supported by certain models.')));
    assert.ok(isImageRejection(new LlmError('bad-request', 'The endpoint refused the request (400). The server said: this model does not support vision.')));
    assert.ok(!isImageRejection(new LlmError('bad-request', 'The endpoint refused the request (400). The server said: context length exceeded.')));
    assert.ok(!isImageRejection(new LlmError('server', 'image processing failed (500)')));
    assert.ok(!isImageRejection(new Error('image')));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeSoFar } from '../../src/core/partialCode.js';

const fence = '```';

describe('codeSoFar (a streaming answer)', () => {
  it('is undefined while the model is still writing prose, or the opening fence line is incomplete', () => {
    assert.equal(codeSoFar(''), undefined);
    assert.equal(codeSoFar('Here is the plot'), undefined);
    assert.equal(codeSoFar(`Here is the plot:\n${fence}pyt`), undefined);
  });

  it('shows the body of a fence that has not closed yet, its last partial line included', () => {
    assert.equal(codeSoFar(`Sure.\n${fence}python\n`), '');
    assert.equal(codeSoFar(`Sure.\n${fence}python\nimport matplotlib.pyplot as plt\nplt.ba`), 'import matplotlib.pyplot as plt\nplt.ba');
  });

  it('holds back a last line that may be the closing fence arriving', () => {
    assert.equal(codeSoFar(`${fence}python\nprint(1)\n\``), 'print(1)');
    assert.equal(codeSoFar(`${fence}python\nprint(1)\n\`\``), 'print(1)');
  });

  it('stops at the closing fence and ignores the prose after it', () => {
    assert.equal(codeSoFar(`${fence}python\nprint(1)\n${fence}\nThis prints 1.`), 'print(1)');
  });

  it('skips shell and other languages, and takes an unlabelled fence', () => {
    assert.equal(codeSoFar(`${fence}bash\npip install seaborn\n${fence}\nThen:\n${fence}python\nimport seaborn`), 'import seaborn');
    assert.equal(codeSoFar(`${fence}bash\npip install sea`), undefined);
    assert.equal(codeSoFar(`${fence}\nprint(2)`), 'print(2)');
  });

  it('reads tilde fences and CRLF answers', () => {
    assert.equal(codeSoFar('~~~python\r\nprint(3)\r\n~~'), 'print(3)');
  });
});

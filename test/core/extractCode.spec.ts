import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractCode, removeDataReload } from '../../src/core/extractCode.js';

const fence = '```';

describe('extractCode', () => {
  for (const tag of ['python', 'py', 'Python', 'python3', '']) {
    it(`reads a block fenced as "${tag}"`, () => {
      const result = extractCode(`Here you go:\n${fence}${tag}\nimport matplotlib.pyplot as plt\nplt.plot(df.x)\n${fence}\nDone.`);
      assert.equal(result.ok, true);
      assert.equal(result.ok && result.code, 'import matplotlib.pyplot as plt\nplt.plot(df.x)\n');
    });
  }

  it('reads tilde fences and indented fences', () => {
    const result = extractCode('~~~python\nprint(1)\n~~~');
    assert.equal(result.ok && result.code, 'print(1)\n');
    const indented = extractCode(`  ${fence}python\nprint(2)\n  ${fence}`);
    assert.equal(indented.ok && indented.code, 'print(2)\n');
  });

  it('joins several python blocks in order and skips shell and output blocks', () => {
    const answer = [
      'First install:',
      `${fence}bash\npip install seaborn\n${fence}`,
      `${fence}python\nimport seaborn as sns\n${fence}`,
      'Then:',
      `${fence}python\nsns.histplot(df, x="price")\n${fence}`,
      `${fence}text\n<Figure>\n${fence}`,
    ].join('\n');
    const result = extractCode(answer);
    assert.equal(result.ok, true);
    assert.equal(result.ok && result.code, 'import seaborn as sns\n\nsns.histplot(df, x="price")\n');
    assert.equal(result.ok && result.blocks, 2);
  });

  it('prefers labelled python blocks over bare ones', () => {
    const result = extractCode(`${fence}\nsome output\n${fence}\n${fence}python\nprint(3)\n${fence}`);
    assert.equal(result.ok && result.code, 'print(3)\n');
  });

  it('keeps the rest of an answer cut off inside a block', () => {
    const result = extractCode(`${fence}python\nimport matplotlib.pyplot as plt\nplt.plot([1, 2])`);
    assert.equal(result.ok && result.code, 'import matplotlib.pyplot as plt\nplt.plot([1, 2])\n');
  });

  it('accepts bare code with no fence when it starts like code', () => {
    const result = extractCode('import plotly.express as px\nfig = px.bar(df, x="a", y="b")\nfig.show()');
    assert.equal(result.ok, true);
  });

  it('says clearly when the model returned no code', () => {
    const result = extractCode('I am sorry, but I cannot help with plotting this data.');
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.reason : '', /returned no code.*I am sorry/);
    const empty = extractCode('   ');
    assert.equal(empty.ok, false);
    assert.match(!empty.ok ? empty.reason : '', /empty answer/);
  });

  it('removes lines that reload the data, including multi-line calls', () => {
    const answer = `${fence}python\nimport pandas as pd\ndf = pd.read_csv("data.csv")\ndf = pd.read_csv(\n    "data.csv",\n    sep=",",\n)\ndf.plot()\n${fence}`;
    const result = extractCode(answer);
    assert.equal(result.ok && result.code, 'import pandas as pd\ndf.plot()\n');
    assert.equal(result.ok && result.removedLines.length, 5);
  });

  it('leaves other read_csv calls and other variables alone', () => {
    const { code, removedLines } = removeDataReload('other = pd.read_csv("x.csv")\ndf2 = pd.read_excel("y.xlsx")\ndf = df.dropna()');
    assert.equal(removedLines.length, 0);
    assert.equal(code.split('\n').length, 3);
  });

  it('uses the variable name it is given', () => {
    const result = extractCode(`${fence}python\nsales = pandas.read_parquet("s.parquet")\nsales.plot()\n${fence}`, 'sales');
    assert.equal(result.ok && result.code, 'sales.plot()\n');
  });

  it('reports an answer that only reloads the data as no code', () => {
    const result = extractCode(`${fence}python\ndf = pd.read_csv("data.csv")\n${fence}`);
    assert.equal(result.ok, false);
  });
});

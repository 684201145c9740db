import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkLibrary, detectLibraries } from '../../src/core/libraryCheck.js';

const matplotlibCode = 'import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot(df.x, df.y)\nplt.show()';
const seabornCode = 'import seaborn as sns\nimport matplotlib.pyplot as plt\nsns.scatterplot(data=df, x="x", y="y")\nplt.title("t")\nplt.show()';
const plotlyCode = 'import plotly.express as px\nfig = px.scatter(df, x="x", y="y")\nfig.show()';

describe('checkLibrary', () => {
  it('accepts each library for itself', () => {
    assert.equal(checkLibrary(matplotlibCode, 'matplotlib').verdict, 'ok');
    assert.equal(checkLibrary(seabornCode, 'seaborn').verdict, 'ok');
    assert.equal(checkLibrary(plotlyCode, 'plotly').verdict, 'ok');
  });

  it('lets seaborn code use matplotlib for layout', () => {
    assert.deepEqual(checkLibrary(seabornCode, 'seaborn'), { verdict: 'ok', used: ['matplotlib', 'seaborn'] });
  });

  it('flags a wrong library', () => {
    assert.equal(checkLibrary(seabornCode, 'matplotlib').verdict, 'wrong-library');
    assert.equal(checkLibrary(plotlyCode, 'matplotlib').verdict, 'wrong-library');
    assert.equal(checkLibrary(matplotlibCode, 'seaborn').verdict, 'wrong-library');
    assert.equal(checkLibrary(matplotlibCode, 'plotly').verdict, 'wrong-library');
    assert.equal(checkLibrary(seabornCode, 'plotly').verdict, 'wrong-library');
  });

  it('says none when the code draws with nothing', () => {
    assert.deepEqual(checkLibrary('print(df.describe())', 'plotly'), { verdict: 'none', used: [] });
    assert.equal(checkLibrary('x = 1', 'matplotlib').verdict, 'none');
  });

  it('counts pandas .plot() as matplotlib', () => {
    assert.equal(checkLibrary('df.plot(kind="bar")', 'matplotlib').verdict, 'ok');
    assert.equal(checkLibrary('df["a"].hist()', 'plotly').verdict, 'wrong-library');
  });

  it('counts pandas plotting with the plotly backend as plotly', () => {
    const code = 'import pandas as pd\npd.options.plotting.backend = "plotly"\nfig = df.plot(x="a", y="b")\nfig.show()';
    assert.equal(checkLibrary(code, 'plotly').verdict, 'ok');
  });

  it('ignores library names in strings and comments', () => {
    const code = 'import plotly.express as px\n# not plt.plot(x)\nfig = px.bar(df, title="like plt.bar(x) or sns.barplot(y)")\nfig.show()';
    assert.deepEqual(detectLibraries(code), { matplotlib: false, seaborn: false, plotly: true });
  });

  it('lets plotly code import matplotlib colours without drawing with it', () => {
    const code = 'import plotly.graph_objects as go\nfrom matplotlib import cm\nfig = go.Figure(go.Bar(x=df.a, y=df.b))\nfig.show()';
    assert.equal(checkLibrary(code, 'plotly').verdict, 'ok');
  });

  it('uses what the kernel produced as evidence', () => {
    // Code that hides its drawing library behind a helper still shows it in its outputs.
    assert.equal(checkLibrary('draw(df)', 'plotly', { images: 1, plotlyFigures: 0 }).verdict, 'wrong-library');
    assert.equal(checkLibrary('draw(df)', 'matplotlib', { images: 0, plotlyFigures: 1 }).verdict, 'wrong-library');
    assert.equal(checkLibrary('draw(df)', 'matplotlib', { images: 1, plotlyFigures: 0 }).verdict, 'ok');
  });

  it('handles aliases other than the usual ones', () => {
    const code = 'import seaborn as sb\nsb.lineplot(data=df, x="a", y="b")';
    assert.equal(checkLibrary(code, 'seaborn').verdict, 'ok');
    const pyplot = 'from matplotlib import pyplot as P\nP.bar(df.a, df.b)\nP.show()';
    assert.equal(checkLibrary(pyplot, 'matplotlib').verdict, 'ok');
  });
});

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromiumArgs, ChromiumMissingError, MAX_FIGURE_SCALE, MAX_FIGURE_SIDE_PX, PlotlyRenderer, withoutWebGl } from '../../src/kernel/plotlyRenderer.js';
import { HeadlessKernel } from '../../src/kernel/headlessKernel.js';
import { plotlyOutputs } from '../../src/kernel/kernel.js';
import { isPng, makeTempDir, pngSize } from '../support/kernelFixtures.js';

describe('PlotlyRenderer', { timeout: 180_000 }, () => {
  const renderer = new PlotlyRenderer();

  after(async () => {
    await renderer.close();
  });

  it('renders a figure from the kernel to a PNG', async () => {
    await renderer.warmUp();
    const dir = makeTempDir();
    const kernel = await HeadlessKernel.start({ cwd: dir.path });
    try {
      const code = 'import plotly.express as px\nimport pandas as pd\ndf = pd.DataFrame({"a": [1, 2, 3], "b": [4, 1, 6]})\npx.bar(df, x="a", y="b", title="bars")';
      const result = await kernel.execute(code);
      assert.equal(result.status, 'ok', JSON.stringify(result.error));
      const [figure] = plotlyOutputs(result);
      assert.ok(figure);
      const png = await renderer.render(figure);
      assert.ok(isPng(png));
      assert.ok(png.length > 5_000, `PNG too small: ${png.length}`);
      assert.deepEqual(pngSize(png), { width: 700, height: 500 });
    } finally {
      await kernel.dispose();
      dir.remove();
    }
  });

  it('uses the layout size and renders concurrent requests one at a time', async () => {
    const small = { data: [{ type: 'scatter', y: [1, 3, 2] }], layout: { width: 320, height: 240 } };
    const big = { data: [{ type: 'bar', x: ['a', 'b'], y: [2, 5] }] };
    const [a, b, c] = await Promise.all([renderer.render(small), renderer.render(big), renderer.renderBase64(small, { scale: 2 })]);
    assert.deepEqual(pngSize(a), { width: 320, height: 240 });
    assert.deepEqual(pngSize(b), { width: 700, height: 500 });
    assert.deepEqual(pngSize(Buffer.from(c, 'base64')), { width: 640, height: 480 });
  });

  it('a figure that references images and fonts on a local server gets no request through', async () => {
    const seen: string[] = [];
    // A real PNG, so a request that got through would also draw something.
    const png = await renderer.render({ data: [{ type: 'scatter', y: [1, 2] }], layout: { width: 20, height: 20 } });
    const server = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'image/png', 'access-control-allow-origin': '*' });
      res.end(png);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const figure = {
        data: [{ type: 'scatter', y: [1, 3, 2], marker: { color: 'red' } }],
        layout: {
          width: 300,
          height: 200,
          images: [
            { source: `${base}/layout-image.png`, xref: 'paper', yref: 'paper', x: 0, y: 1, sizex: 1, sizey: 1, layer: 'below' },
            { source: `http://localhost:${(server.address() as AddressInfo).port}/by-name.png`, xref: 'paper', yref: 'paper', x: 0, y: 1, sizex: 0.5, sizey: 0.5 },
          ],
          font: { family: `url(${base}/font.woff)` },
          title: { text: `<img src="${base}/title.png">` },
        },
      };
      const out = await renderer.render(figure);
      assert.ok(isPng(out));
      assert.deepEqual(pngSize(out), { width: 300, height: 200 });
      // Give a late request (an image decoded after the PNG) time to arrive.
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(seen, []);
    } finally {
      await new Promise<void>((done) => server.close(() => done()));
    }
  });

  it('keeps Chromium\'s sandbox unless the user is root', () => {
    assert.equal(chromiumArgs(false).includes('--no-sandbox'), false);
    assert.equal(chromiumArgs(true).includes('--no-sandbox'), true);
  });

  it('caps the size a figure asks for', async () => {
    const png = await renderer.render({ data: [{ type: 'bar', y: [1, 2] }], layout: { width: 1_000_000, height: 300 } }, { scale: 1 });
    assert.deepEqual(pngSize(png), { width: MAX_FIGURE_SIDE_PX, height: 300 });
    const scaled = await renderer.render({ data: [{ type: 'bar', y: [1, 2] }], layout: { width: 50, height: 40 } }, { scale: 1000 });
    assert.deepEqual(pngSize(scaled), { width: 50 * MAX_FIGURE_SCALE, height: 40 * MAX_FIGURE_SCALE });
  });

  it('renders a heavy figure with WebGL: a 400×400 contour and 1,000 Scattergl segments', async () => {
    const dir = makeTempDir();
    const kernel = await HeadlessKernel.start({ cwd: dir.path });
    try {
      const code = [
        'import numpy as np, plotly.graph_objects as go',
        'x = np.linspace(-3, 3, 400)',
        'X, Y = np.meshgrid(x, x)',
        'rng = np.random.default_rng(0)',
        'xs, ys = [], []',
        'for x0, y0 in zip(rng.uniform(-3, 3, 1000), rng.uniform(-3, 3, 1000)):',
        '    xs += [x0, x0 + 0.2, None]',
        '    ys += [y0, y0 + 0.1, None]',
        'go.Figure([go.Contour(x=x, y=x, z=np.sin(2 * X) * np.cos(3 * Y), contours_coloring="heatmap"), go.Scattergl(x=xs, y=ys, mode="lines")])',
      ].join('\n');
      const result = await kernel.execute(code);
      assert.equal(result.status, 'ok', JSON.stringify(result.error));
      const [figure] = plotlyOutputs(result);
      assert.equal((figure.data?.[1] as { type: string }).type, 'scattergl');
      const png = await renderer.render(figure);
      assert.ok(isPng(png));
      assert.deepEqual(pngSize(png), { width: 700, height: 500 });
      assert.ok(png.length > 100_000, `a contour of 400×400 values is a detailed image: ${png.length} bytes`);
    } finally {
      await kernel.dispose();
      dir.remove();
    }
  });

  it('draws WebGL traces with their SVG twins and leaves the figure it was given alone', () => {
    const figure = { data: [{ type: 'scattergl', y: [1] }, { type: 'surface', z: [[1]] }, { type: 'bar', y: [2] }], layout: {} };
    const drawn = withoutWebGl(figure);
    assert.deepEqual(
      drawn.data?.map((t) => (t as { type: string }).type),
      ['scatter', 'surface', 'bar'],
    );
    assert.equal((figure.data[0] as { type: string }).type, 'scattergl');
    const plain = { data: [{ type: 'bar', y: [1] }] };
    assert.equal(withoutWebGl(plain), plain);
  });

  it('says how to install chromium when it is missing', async () => {
    const missing = new PlotlyRenderer({ executablePath: '/nonexistent/chromium' });
    await assert.rejects(missing.render({ data: [] }), (err: unknown) => {
      assert.ok(err instanceof ChromiumMissingError);
      assert.match(err.message, /sudo apt-get install chromium/);
      assert.match(err.message, /PLOTWRIGHT_CHROMIUM/);
      return true;
    });
    await missing.close();
  });
});

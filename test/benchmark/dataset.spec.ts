import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  EMPTY_TASK_TEXT,
  TASK_VARIANTS,
  defaultCacheDir,
  hubCachePath,
  loadDataset,
  parseDatasetSource,
  taskText,
  type PlotBenchItem,
} from '../../benchmark/dataset.js';
import { PLOTBENCH_COLUMNS, writeParquet } from './helpers/parquetWriter.js';

// The real 19-item sample lives in ../shared beside the repository; it is read in place.
const SAMPLE_PATH = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'plotbench-sample', 'items.jsonl');
const sampleMissing = existsSync(SAMPLE_PATH) ? false : `sample not found at ${SAMPLE_PATH}`;

const PNG_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

function row(id: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    code_plot: 'plt.plot(df.x, df.y)\nplt.show()',
    code_data: 'import pandas as pd\ndf = pd.read_csv("data.csv")',
    data_csv: 'x,y\n1,2\n3,4\n',
    task__plot_description: ' Plot Description: a line.',
    task__plot_style: ' Plot Style Description: blue.\n',
    _task__plot_description_short: 'A line.',
    _task__plot_description_short_single: 'Line.',
    plots_gt: [PNG_B64],
    ...overrides,
  };
}

function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `pw-${prefix}-`));
}

describe('parseDatasetSource', () => {
  it('knows hf, hf:<repo> and file types', () => {
    assert.deepEqual(parseDatasetSource('hf'), { kind: 'hf', repo: 'JetBrains-Research/PandasPlotBench' });
    assert.deepEqual(parseDatasetSource('hf:me/my-bench'), { kind: 'hf', repo: 'me/my-bench' });
    assert.equal(parseDatasetSource('a/b.parquet').kind, 'parquet');
    assert.equal(parseDatasetSource('items.JSONL').kind, 'jsonl');
    assert.equal(parseDatasetSource('x.json').kind, 'json');
    assert.throws(() => parseDatasetSource('data.csv'), /unsupported dataset source/);
    assert.throws(() => parseDatasetSource('hf:no-slash'), /hf:<owner>\/<name>/);
  });

  it('caches under a visible folder named after the repo', () => {
    assert.equal(hubCachePath('a/b', '/c'), join('/c', 'a', 'b', 'test.parquet'));
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x' }), join('/x', 'plotwright', 'datasets'));
    assert.match(defaultCacheDir({}), /\.cache[/\\]plotwright[/\\]datasets$/);
  });
});

describe('loadDataset: the real sample (jsonl)', { skip: sampleMissing }, () => {
  it('loads all 19 items without errors', async () => {
    const { items, errors, path } = await loadDataset(SAMPLE_PATH);
    assert.deepEqual(errors, []);
    assert.equal(path, SAMPLE_PATH);
    assert.equal(items.length, 19);
    const ids = items.map((i) => i.id);
    assert.deepEqual(
      ids,
      Array.from({ length: 20 }, (_, i) => i * 5).filter((id) => id !== 30),
    );
    for (const item of items) {
      assert.deepEqual(item.plots_gt, []);
      assert.ok(item.data_csv.length > 0);
    }
  });

  it('builds every task variant from the published strings', async () => {
    const { items } = await loadDataset(SAMPLE_PATH);
    const item = items[0];
    const full = taskText(item, 'full');
    assert.ok(full.startsWith('Plot Description:'), 'leading space trimmed');
    assert.ok(full.includes('\nPlot Style Description:'), 'style follows on its own line');
    assert.equal(taskText(item, 'no-style'), item.task__plot_description.trim());
    assert.ok(!taskText(item, 'no-style').includes('Style'));
    assert.equal(taskText(item, 'short'), item._task__plot_description_short.trim());
    assert.equal(taskText(item, 'single'), item._task__plot_description_short_single.trim());
    assert.equal(taskText(item, 'none'), EMPTY_TASK_TEXT);
    for (const it of items) {
      for (const variant of TASK_VARIANTS) {
        const text = taskText(it, variant);
        assert.ok(text.length > 0 && text === text.trim(), `item ${it.id} ${variant}`);
      }
      assert.ok(taskText(it, 'single').length <= taskText(it, 'full').length);
    }
  });
});

describe('loadDataset: local files', () => {
  let dir: string;
  before(() => {
    dir = tempDir('ds');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('jsonl: reports bad rows by field and loads the rest', async () => {
    const lines = [
      JSON.stringify(row(1)),
      JSON.stringify(row(2, { data_csv: 42 })),
      '{"id": 3, "code_plot": ',
      JSON.stringify(row(4, { plots_gt: [PNG_B64, 7] })),
      '',
      JSON.stringify((({ task__plot_style: _drop, ...rest }) => rest)(row(5))),
      JSON.stringify([1, 2]),
      JSON.stringify(row(7, { id: 'seven' })),
      JSON.stringify(row(8)),
      '',
    ];
    const path = join(dir, 'mixed.jsonl');
    writeFileSync(path, lines.join('\n'));
    const { items, errors } = await loadDataset(path);
    assert.deepEqual(
      items.map((i) => i.id),
      [1, 8],
    );
    assert.deepEqual(
      errors.map((e) => [e.index, e.id]),
      [
        [1, 2],
        [2, undefined],
        [3, 4],
        [5, 5],
        [6, undefined],
        [7, undefined],
      ],
    );
    const byIndex = new Map(errors.map((e) => [e.index, e.message]));
    assert.match(byIndex.get(1)!, /field "data_csv": expected string, got number/);
    assert.match(byIndex.get(2)!, /line 3: invalid JSON/);
    assert.match(byIndex.get(3)!, /field "plots_gt\[1\]": expected string, got number/);
    assert.match(byIndex.get(5)!, /field "task__plot_style" is missing/);
    assert.match(byIndex.get(6)!, /row is array/);
    assert.match(byIndex.get(7)!, /field "id": expected number, got string/);
  });

  it('json: an array of rows or pandas-style columns', async () => {
    const arrayPath = join(dir, 'rows.json');
    writeFileSync(arrayPath, JSON.stringify([row(10), row(11, { plots_gt: 'nope' })]));
    const a = await loadDataset(arrayPath);
    assert.deepEqual(
      a.items.map((i) => i.id),
      [10],
    );
    assert.equal(a.errors.length, 1);
    assert.match(a.errors[0].message, /field "plots_gt": expected array, got string/);

    const rows = [row(20), row(21)];
    const columns = Object.fromEntries(Object.keys(rows[0]).map((k) => [k, { 0: rows[0][k], 1: rows[1][k] }]));
    const columnsPath = join(dir, 'columns.json');
    writeFileSync(columnsPath, JSON.stringify(columns));
    const c = await loadDataset(columnsPath);
    assert.deepEqual(c.errors, []);
    assert.deepEqual(
      c.items.map((i) => i.id),
      [20, 21],
    );
    assert.deepEqual(c.items[1].plots_gt, [PNG_B64]);

    const badPath = join(dir, 'bad.json');
    writeFileSync(badPath, '{"rows": [');
    await assert.rejects(loadDataset(badPath), /invalid JSON/);
  });

  for (const codec of ['UNCOMPRESSED', 'GZIP'] as const) {
    it(`parquet (${codec}): list column of images, int64 ids, null fields reported`, async () => {
      const path = join(dir, `bench-${codec}.parquet`);
      const rows = [
        row(0, { plots_gt: [PNG_B64, PNG_B64] }),
        row(1, { plots_gt: [] }),
        row(2, { task__plot_style: null }),
        row(3, { plots_gt: null }),
        row(4, { data_csv: 'é,ü\n"a, b",2\n' }),
      ];
      writeFileSync(path, writeParquet(PLOTBENCH_COLUMNS, rows, codec));
      const { items, errors } = await loadDataset(path);
      assert.deepEqual(
        items.map((i) => i.id),
        [0, 1, 4],
      );
      assert.equal(typeof items[0].id, 'number');
      assert.deepEqual(items[0].plots_gt, [PNG_B64, PNG_B64]);
      assert.deepEqual(items[1].plots_gt, []);
      assert.equal(items[2].data_csv, 'é,ü\n"a, b",2\n');
      assert.deepEqual(
        errors.map((e) => [e.index, e.id]),
        [
          [2, 2],
          [3, 3],
        ],
      );
      assert.match(errors[0].message, /field "task__plot_style": expected string, got null/);
      assert.match(errors[1].message, /field "plots_gt": expected array, got null/);
    });
  }

  it('parquet: a binary image column becomes base64 text', async () => {
    const path = join(dir, 'binary.parquet');
    const png = Buffer.from(PNG_B64, 'base64');
    const columns = PLOTBENCH_COLUMNS.map((c) => (c.name === 'plots_gt' ? { name: 'plots_gt', kind: 'binary-list' as const } : c));
    writeFileSync(path, writeParquet(columns, [row(0, { plots_gt: [png] }), row(1, { plots_gt: [Buffer.from(PNG_B64)] })]));
    const { items, errors } = await loadDataset(path);
    assert.deepEqual(errors, []);
    assert.deepEqual(items[0].plots_gt, [PNG_B64], 'raw PNG bytes');
    assert.deepEqual(items[1].plots_gt, [PNG_B64], 'base64 text stored as bytes');
  });

  it('fails clearly on a missing file or a file that is not parquet', async () => {
    await assert.rejects(loadDataset(join(dir, 'nope.parquet')), /dataset file not found/);
    const fake = join(dir, 'fake.parquet');
    writeFileSync(fake, 'not parquet at all');
    await assert.rejects(loadDataset(fake), /could not read parquet file/);
  });
});

// ---------------------------------------------------------------------------------------------
// The Hub path, against a local server that speaks the two URL shapes the loader uses.

interface HubFake {
  server: Server;
  endpoint: string;
  requests: { url: string; auth?: string }[];
  routes: Map<string, (req: IncomingMessage) => { status: number; body: Buffer | string; type?: string }>;
}

async function startHub(): Promise<HubFake> {
  const fake: HubFake = { server: createServer(), endpoint: '', requests: [], routes: new Map() };
  fake.server.on('request', (req, res) => {
    fake.requests.push({ url: req.url ?? '', auth: req.headers.authorization });
    const route = fake.routes.get(req.url ?? '');
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const { status, body, type } = route(req);
    res.writeHead(status, { 'content-type': type ?? 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((done) => fake.server.listen(0, '127.0.0.1', done));
  fake.endpoint = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
  return fake;
}

async function stopHub(fake: HubFake): Promise<void> {
  await new Promise<void>((done) => fake.server.close(() => done()));
}

describe('loadDataset: hf download', () => {
  let hub: HubFake;
  let other: HubFake;
  const repo = 'acme/plots';
  const parquet = writeParquet(PLOTBENCH_COLUMNS, [row(0), row(1), row(2, { plots_gt: [] })], 'GZIP');
  const apiPath = `/api/datasets/${repo}/parquet/default/test`;
  const fallbackPath = `/datasets/${repo}/resolve/refs%2Fconvert%2Fparquet/default/test/0000.parquet`;

  before(async () => {
    hub = await startHub();
    other = await startHub();
  });
  after(async () => {
    await stopHub(hub);
    await stopHub(other);
  });

  function reset(): string {
    hub.requests.length = 0;
    hub.routes.clear();
    other.requests.length = 0;
    other.routes.clear();
    return tempDir('hub');
  }

  it('resolves the parquet via the API, downloads once, caches visibly, sends the token', async () => {
    const cacheDir = reset();
    hub.routes.set(apiPath, () => ({ status: 200, body: JSON.stringify([`${hub.endpoint}/files/0.parquet`]), type: 'application/json' }));
    hub.routes.set('/files/0.parquet', () => ({ status: 200, body: parquet }));
    const logs: string[] = [];
    const first = await loadDataset(`hf:${repo}`, { cacheDir, endpoint: hub.endpoint, token: 'secret', log: (m) => logs.push(m) });
    assert.equal(first.path, hubCachePath(repo, cacheDir));
    assert.deepEqual(
      first.items.map((i) => i.id),
      [0, 1, 2],
    );
    assert.deepEqual(first.errors, []);
    assert.deepEqual(
      hub.requests.map((r) => [r.url, r.auth]),
      [
        [apiPath, 'Bearer secret'],
        ['/files/0.parquet', 'Bearer secret'],
      ],
    );
    assert.ok(logs.some((l) => l.includes(first.path)), 'the cache path is reported');
    assert.deepEqual(readdirSync(join(cacheDir, 'acme', 'plots')), ['test.parquet'], 'no temporary files left');
    assert.deepEqual(readFileSync(first.path), parquet);

    const second = await loadDataset(`hf:${repo}`, { cacheDir, endpoint: hub.endpoint });
    assert.equal(second.items.length, 3);
    assert.equal(hub.requests.length, 2, 'the second load reads the cache');
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('honours HF_ENDPOINT and HF_TOKEN from the environment', async () => {
    const cacheDir = reset();
    hub.routes.set(apiPath, () => ({ status: 200, body: JSON.stringify([`${hub.endpoint}/files/0.parquet`]), type: 'application/json' }));
    hub.routes.set('/files/0.parquet', () => ({ status: 200, body: parquet }));
    const saved = { endpoint: process.env.HF_ENDPOINT, token: process.env.HF_TOKEN };
    process.env.HF_ENDPOINT = `${hub.endpoint}/`;
    process.env.HF_TOKEN = 'from-env';
    try {
      const { items } = await loadDataset(`hf:${repo}`, { cacheDir });
      assert.equal(items.length, 3);
      assert.equal(hub.requests[0].auth, 'Bearer from-env');
    } finally {
      for (const [key, value] of [
        ['HF_ENDPOINT', saved.endpoint],
        ['HF_TOKEN', saved.token],
      ] as const) {
        if (value === undefined) {
          delete process.env[key];
        } else {
          process.env[key] = value;
        }
      }
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  it('falls back to refs/convert/parquet when the API has no listing', async () => {
    const cacheDir = reset();
    hub.routes.set(fallbackPath, () => ({ status: 200, body: parquet }));
    const { items } = await loadDataset(`hf:${repo}`, { cacheDir, endpoint: hub.endpoint });
    assert.equal(items.length, 3);
    assert.deepEqual(
      hub.requests.map((r) => r.url),
      [apiPath, fallbackPath],
    );
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('loads several shards and never sends the token to another host', async () => {
    const cacheDir = reset();
    const shardA = writeParquet(PLOTBENCH_COLUMNS, [row(0), row(1)]);
    const shardB = writeParquet(PLOTBENCH_COLUMNS, [row(2)]);
    hub.routes.set(apiPath, () => ({
      status: 200,
      body: JSON.stringify([`${hub.endpoint}/files/0.parquet`, `${other.endpoint}/cdn/1.parquet`]),
      type: 'application/json',
    }));
    hub.routes.set('/files/0.parquet', () => ({ status: 200, body: shardA }));
    other.routes.set('/cdn/1.parquet', () => ({ status: 200, body: shardB }));
    const first = await loadDataset(`hf:${repo}`, { cacheDir, endpoint: hub.endpoint, token: 'secret' });
    assert.deepEqual(
      first.items.map((i) => i.id),
      [0, 1, 2],
    );
    assert.equal(other.requests.length, 1);
    assert.equal(other.requests[0].auth, undefined);
    const second = await loadDataset(`hf:${repo}`, { cacheDir, endpoint: hub.endpoint });
    assert.equal(second.items.length, 3);
    assert.equal(hub.requests.length + other.requests.length, 3, 'shards come from the cache the second time');
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('says what to do when offline', async () => {
    const cacheDir = reset();
    const closed = await startHub();
    const deadEndpoint = closed.endpoint;
    await stopHub(closed);
    await assert.rejects(loadDataset('hf', { cacheDir, endpoint: deadEndpoint }), (e: Error) => {
      assert.match(e.message, /^could not download http:\/\/127\.0\.0\.1:\d+\/api\/datasets\/JetBrains-Research\/PandasPlotBench/);
      assert.match(e.message, /pass a local --dataset path\.parquet\/\.jsonl/);
      return true;
    });
    assert.equal(existsSync(hubCachePath('JetBrains-Research/PandasPlotBench', cacheDir)), false);
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('rejects a download that is not parquet and a refused login, caching nothing', async () => {
    const cacheDir = reset();
    hub.routes.set(apiPath, () => ({ status: 200, body: JSON.stringify([`${hub.endpoint}/files/0.parquet`]), type: 'application/json' }));
    hub.routes.set('/files/0.parquet', () => ({ status: 200, body: '<html>rate limited</html>', type: 'text/html' }));
    await assert.rejects(loadDataset(`hf:${repo}`, { cacheDir, endpoint: hub.endpoint }), /not a parquet file.*--dataset/);
    assert.equal(existsSync(join(cacheDir, 'acme', 'plots', 'test.parquet')), false);
    assert.deepEqual(readdirSync(join(cacheDir, 'acme', 'plots')), []);

    hub.routes.set(apiPath, () => ({ status: 401, body: 'unauthorized' }));
    await assert.rejects(loadDataset(`hf:${repo}`, { cacheDir, endpoint: hub.endpoint }), /HTTP 401.*HF_TOKEN.*--dataset/);
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('stops when the signal is aborted', async () => {
    const cacheDir = reset();
    hub.routes.set(apiPath, () => ({ status: 200, body: JSON.stringify([`${hub.endpoint}/files/0.parquet`]), type: 'application/json' }));
    hub.routes.set('/files/0.parquet', () => ({ status: 200, body: parquet }));
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(loadDataset(`hf:${repo}`, { cacheDir, endpoint: hub.endpoint, signal: controller.signal }), { name: 'AbortError' });
    assert.equal(existsSync(hubCachePath(repo, cacheDir)), false);
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('uses an injected fetch', async () => {
    const cacheDir = reset();
    const seen: string[] = [];
    const fakeFetch: typeof fetch = async (input) => {
      const url = String(input);
      seen.push(url);
      if (url.endsWith('/parquet/default/test')) {
        return new Response(JSON.stringify(['https://hub.invalid/x.parquet']), { status: 200 });
      }
      return new Response(new Uint8Array(parquet), { status: 200 });
    };
    const { items } = await loadDataset('hf', { cacheDir, endpoint: 'https://hub.invalid', fetch: fakeFetch });
    assert.equal(items.length, 3);
    assert.deepEqual(seen, ['https://hub.invalid/api/datasets/JetBrains-Research/PandasPlotBench/parquet/default/test', 'https://hub.invalid/x.parquet']);
    rmSync(cacheDir, { recursive: true, force: true });
  });
});

// Type-level check that a loaded item is what the runner expects.
const _typecheck: (i: PlotBenchItem) => string[] = (i) => i.plots_gt;
void _typecheck;

// Generated code is untrusted: these tests run attacks as item code in real kernels and show each fails.
// Secrets in the environment, the results and cache folders, raising limits, the network.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ItemKernel, ItemSession, ITEM_MAX_FILE_SIZE_MB, ITEM_MAX_PROCESSES } from '../../benchmark/itemKernel.js';
import { namespacesAvailable } from '../../src/kernel/containment.js';
import { HeadlessKernel } from '../../src/kernel/headlessKernel.js';
import { streamText } from '../../src/kernel/kernel.js';
import { PYTHON } from './benchFixtures.js';

const SECRETS: Record<string, string> = {
  OPENAI_API_KEY: 'sk-plotwright-secret-1',
  AZURE_OPENAI_API_KEY: 'plotwright-secret-2',
  HF_TOKEN: 'hf_plotwright-secret-3',
  DATABASE_PASSWORD: 'plotwright-secret-4',
  // Allowlisted name patterns do not let a credential through either.
  LC_SECRET_TOKEN: 'plotwright-secret-5',
};

// Prints every environment variable whose name or value looks like one of the secrets.
const READ_ENV = [
  'import os',
  'found = sorted(k for k, v in os.environ.items() if "plotwright-secret" in v or any(w in k.upper() for w in ("KEY", "TOKEN", "SECRET", "PASSWORD")))',
  'print("ENV", found)',
].join('\n');

const CODE_DATA = 'import pandas as pd\ndf = pd.read_csv("data.csv")';

function withSecrets(): () => void {
  const saved = Object.fromEntries(Object.keys(SECRETS).map((name) => [name, process.env[name]]));
  Object.assign(process.env, SECRETS);
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = value;
      }
    }
  };
}

describe('secrets never reach generated code', { timeout: 240_000 }, () => {
  let restore: () => void;
  before(() => {
    restore = withSecrets();
  });
  after(() => restore());

  it('the CLI kernel (HeadlessKernel) sees no key, token, secret or password', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-env-'));
    const kernel = await HeadlessKernel.start({ python: PYTHON, cwd: dir, env: { MY_API_KEY: 'plotwright-secret-6', PLOTWRIGHT_OK: '1' } });
    try {
      const result = await kernel.execute(`${READ_ENV}\nimport matplotlib, pandas\nprint("OK", os.environ.get("PLOTWRIGHT_OK"), bool(os.environ.get("PATH")))`);
      assert.equal(result.status, 'ok', JSON.stringify(result.error));
      assert.equal(streamText(result.outputs), 'ENV []\nOK 1 True\n');
    } finally {
      await kernel.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('benchmark items see none either, also after isolate restores the environment', async () => {
    const kernels = new ItemKernel({ python: PYTHON, hidePaths: [] });
    try {
      for (const key of ['1-0', '2-0']) {
        const session = new ItemSession(kernels, kernels.itemFolder(key, { 'data.csv': 'x\n1\n' }), CODE_DATA, 'head');
        await session.prepare();
        const result = await session.run(`import os\nos.environ["LEAKED_TOKEN"] = "plotwright-secret-7"\n${READ_ENV}`, 0, { timeoutMs: 30_000 });
        // The item's own assignment is visible to itself only; the next item starts clean.
        assert.equal(streamText(result.outputs), "ENV ['LEAKED_TOKEN']\n", key);
      }
    } finally {
      await kernels.dispose();
    }
  });
});

describe('benchmark items are contained', { timeout: 300_000 }, () => {
  const available = namespacesAvailable();
  let work: string;
  let results: string;
  let cache: string;
  let server: Server;
  let requests = 0;
  let kernels: ItemKernel;
  let restore: () => void;

  before(async () => {
    restore = withSecrets();
    work = mkdtempSync(join(tmpdir(), 'pw-contain-'));
    results = join(work, 'results');
    cache = join(work, '.plotwright-cache');
    mkdirSync(join(results, 'gt'), { recursive: true });
    mkdirSync(cache, { recursive: true });
    writeFileSync(join(results, 'results.jsonl'), '{"id": 1}\n');
    writeFileSync(join(results, 'gt', '1.png'), 'ground truth');
    writeFileSync(join(cache, 'entry.json'), '{"answer": "cached"}');
    server = createServer((_req, res) => {
      requests++;
      res.end('model endpoint');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    kernels = new ItemKernel({ python: PYTHON, hidePaths: [results, cache], memoryLimitMb: 2048 });
  });

  after(async () => {
    await kernels.dispose();
    await new Promise<void>((done) => server.close(() => done()));
    rmSync(work, { recursive: true, force: true });
    restore();
  });

  async function runItem(key: string, code: string): Promise<string> {
    const session = new ItemSession(kernels, kernels.itemFolder(key, { 'data.csv': 'x\n1\n' }), CODE_DATA, 'head');
    await session.prepare();
    const result = await session.run(code, 0, { timeoutMs: 30_000 });
    assert.equal(result.status, 'ok', JSON.stringify(result.error));
    return streamText(result.outputs);
  }

  it('runs each item in a temporary folder outside the results and cache folders', async () => {
    const out = await runItem('1-0', 'import os\nprint(os.getcwd())');
    const cwd = out.trim();
    assert.ok(cwd.startsWith(kernels.root), cwd);
    assert.ok(!cwd.startsWith(results) && !cwd.startsWith(cache), cwd);
  });

  it('code that walks up from its folder, or names the folders outright, finds neither results nor cache', { skip: !available.ok && available.reason }, async () => {
    const code = [
      'import os',
      'found = []',
      'folder = os.getcwd()',
      'while True:',
      '    for root, dirs, files in os.walk(folder):',
      // This run's folders (other runs' leftovers in /tmp are not what is hidden).
      `        found += [os.path.join(root, f) for f in files if f in ("results.jsonl", "1.png", "entry.json") and root.startswith(${JSON.stringify(work)})]`,
      '        if root.count(os.sep) > folder.count(os.sep) + 3: dirs[:] = []',
      '    parent = os.path.dirname(folder)',
      '    if parent == folder: break',
      '    folder = parent',
      `for path in (${JSON.stringify(join(results, 'results.jsonl'))}, ${JSON.stringify(join(cache, 'entry.json'))}, "../../results.jsonl"):`,
      '    try:',
      '        open(path).read(); found.append("read " + path)',
      '    except OSError:',
      '        pass',
      `for path in (${JSON.stringify(join(results, 'results.jsonl'))}, ${JSON.stringify(join(cache, 'forged.json'))}):`,
      '    try:',
      '        open(path, "a").write("forged"); found.append("wrote " + path)',
      '    except OSError:',
      '        pass',
      'print("FOUND", sorted(set(found)))',
    ].join('\n');
    assert.equal(await runItem('2-0', code), 'FOUND []\n');
    assert.equal(existsSync(join(cache, 'forged.json')), false);
  });

  it('code cannot raise its own memory, process or file-size limits', async () => {
    const code = [
      'import resource',
      'for name in ("RLIMIT_AS", "RLIMIT_NPROC", "RLIMIT_FSIZE"):',
      '    kind = getattr(resource, name)',
      '    soft, hard = resource.getrlimit(kind)',
      '    try:',
      '        resource.setrlimit(kind, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))',
      '        outcome = "raised"',
      '    except (ValueError, OSError):',
      '        outcome = "refused"',
      '    print(name, soft, hard, outcome)',
    ].join('\n');
    const lines = (await runItem('3-0', code)).trim().split('\n');
    const mb = 1024 * 1024;
    const expected = [`RLIMIT_AS ${2048 * mb}`, `RLIMIT_NPROC ${ITEM_MAX_PROCESSES}`, `RLIMIT_FSIZE ${ITEM_MAX_FILE_SIZE_MB * mb}`];
    for (const [index, prefix] of expected.entries()) {
      const [name, soft, hard, outcome] = lines[index].split(' ');
      if (name === 'RLIMIT_NPROC' && !available.ok) {
        continue; // outside a PID namespace it would count every process of the user (stated in the record)
      }
      assert.equal(`${name} ${soft}`, prefix);
      assert.equal(hard, soft, `${name}: the hard limit is the soft one`);
      if (available.ok || process.getuid?.() !== 0) {
        assert.equal(outcome, 'refused', lines[index]);
      }
    }
  });

  it('a file larger than the limit cannot be written', async () => {
    const code = [
      'try:',
      `    with open("big.bin", "wb") as f: f.write(b"0" * ${(ITEM_MAX_FILE_SIZE_MB + 1) * 1024 * 1024})`,
      '    print("wrote")',
      'except OSError as error:',
      '    print("refused", error.errno)',
    ].join('\n');
    assert.match(await runItem('4-0', code), /^refused 27\n$/);
  });

  it('code cannot open a socket to the model endpoint on 127.0.0.1', { skip: !available.ok && available.reason }, async () => {
    const port = (server.address() as AddressInfo).port;
    const code = [
      'import socket, urllib.request',
      'try:',
      `    print(urllib.request.urlopen("http://127.0.0.1:${port}/v1/chat/completions", timeout=5).read())`,
      'except OSError as error:',
      '    print("blocked", type(error).__name__)',
      'try:',
      `    socket.create_connection(("127.0.0.1", ${port}), timeout=5); print("connected")`,
      'except OSError as error:',
      '    print("blocked", type(error).__name__)',
    ].join('\n');
    const out = await runItem('5-0', code);
    assert.match(out, /^blocked \w+\nblocked \w+\n$/);
    assert.equal(requests, 0);
  });

  it("no other process's environment can be read through /proc", { skip: !available.ok && available.reason }, async () => {
    const code = [
      'import os',
      'leaks = []',
      'for pid in (p for p in os.listdir("/proc") if p.isdigit()):',
      '    try:',
      '        if b"plotwright-secret" in open(f"/proc/{pid}/environ", "rb").read(): leaks.append(pid)',
      '    except OSError:',
      '        pass',
      'print("LEAKS", leaks)',
    ].join('\n');
    assert.equal(await runItem('6-0', code), 'LEAKS []\n');
  });

  it('the kernel reports what it got, and dispose removes the temporary folder', async () => {
    const containment = kernels.containment;
    assert.ok(containment);
    assert.equal(containment.namespaces, available.ok);
    assert.equal(containment.networkCutOff, available.ok);
    if (available.ok) {
      assert.deepEqual(containment.hiddenPaths, [results, cache]);
    } else {
      assert.match(containment.fallback ?? '', /network/);
    }
    const root = kernels.root;
    await kernels.dispose();
    assert.equal(existsSync(root), false);
  });
});

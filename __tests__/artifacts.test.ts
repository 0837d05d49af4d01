/**
 * ArtifactStore with real zips (made with yazl, then patched where yazl itself refuses a
 * hostile name), real files and a real server: nothing lands outside the download folder,
 * globs select, the size cap and the zip-bomb guard stop extraction, pre-planted symlinks
 * are not followed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import yazl from 'yazl';
import {
  ArtifactStore,
  EXTRACT_CONCURRENCY,
  MAX_COMPRESSION_RATIO,
  formatBytes
} from '../src/artifacts/store.js';
import { RemoteError } from '../src/core/errors.js';
import { Http } from '../src/transport/http.js';
import { sendJson, sendText, startServer, type SimServer } from '../sim/server.js';

interface ZipEntry {
  name: string;
  data?: string | Buffer;
  mode?: number;
  dir?: boolean;
  level?: number;
}

/**
 * A zip made by yazl. yazl refuses hostile names, so `patch` swaps same-length placeholders
 * for them in the finished bytes (local header and central directory alike).
 */
function makeZip(entries: ZipEntry[], patch: Record<string, string> = {}): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const e of entries) {
    if (e.dir) zip.addEmptyDirectory(e.name);
    else
      zip.addBuffer(Buffer.from(e.data ?? `content of ${e.name}`), e.name, {
        ...(e.mode !== undefined ? { mode: e.mode } : {}),
        ...(e.level !== undefined ? { compressionLevel: e.level } : {})
      });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => {
      let bytes = Buffer.concat(chunks);
      for (const [from, to] of Object.entries(patch)) {
        expect(Buffer.byteLength(from)).toBe(Buffer.byteLength(to));
        let count = 0;
        for (let at = bytes.indexOf(from); at >= 0; at = bytes.indexOf(from, at + 1)) {
          bytes.write(to, at);
          count++;
        }
        expect(count).toBe(2);
        bytes = Buffer.from(bytes);
      }
      resolve(bytes);
    });
  });
}

/** Every file and link under `dir`, relative, `/`-separated, sorted. */
function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      const rel = path.relative(dir, full).split(path.sep).join('/');
      if (e.isDirectory()) {
        out.push(`${rel}/`);
        walk(full);
      } else out.push(e.isSymbolicLink() ? `${rel} -> ${fs.readlinkSync(full)}` : rel);
    }
  };
  walk(dir);
  return out.sort();
}

let sandbox: string;
let root: string;
let outside: string;
let warnings: string[];
let server: SimServer;
/** What the server answers, by path. */
let files: Map<string, Buffer>;
let http: Http;

beforeEach(async () => {
  sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-relay-artifacts-'));
  root = path.join(sandbox, 'download');
  outside = path.join(sandbox, 'outside');
  fs.mkdirSync(root);
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'victim.txt'), 'original');
  warnings = [];
  files = new Map();
  server = await startServer((req, res) => {
    const body = files.get(req.path);
    if (!body) return sendJson(res, 404, { message: '404 Not Found' });
    sendText(res, 200, body, { 'content-type': 'application/octet-stream' });
  });
  http = new Http({
    baseUrl: server.url,
    credentials: { 'private-token': 't0ken' },
    serverName: 'Sim',
    backoffMs: 20
  });
});

afterEach(async () => {
  http.dispose();
  await server.close();
  fs.rmSync(sandbox, { recursive: true, force: true });
});

function store(globs: string[] = ['**'], maxBytes = 5 * 2 ** 30): ArtifactStore {
  return new ArtifactStore(root, globs, maxBytes, (m) => warnings.push(m));
}

async function serveZip(urlPath: string, entries: ZipEntry[], patch?: Record<string, string>): Promise<void> {
  files.set(urlPath, await makeZip(entries, patch));
}

function jobDir(job = 'build'): string {
  return path.join(root, 'artifacts', job);
}

/** Nothing in the sandbox but the download folder and the untouched `outside` folder. */
function expectNothingOutside(): void {
  expect(listTree(outside)).toEqual(['victim.txt']);
  expect(fs.readFileSync(path.join(outside, 'victim.txt'), 'utf8')).toBe('original');
  expect(fs.readdirSync(sandbox).sort()).toEqual(['download', 'outside']);
}

describe('safeJoin', () => {
  test.each([
    ['a.txt', 'a.txt'],
    ['dist/js/app.js', 'dist/js/app.js'],
    ['./dist//x', 'dist/x'],
    ['dist\\win\\x.txt', 'dist/win/x.txt'],
    ['a..b', 'a..b']
  ])('%s stays inside', (rel, expected) => {
    expect(ArtifactStore.safeJoin('/dl', rel)).toBe(path.join('/dl', expected));
  });
  test.each(['', '.', '../x', 'a/../../b', 'a/..', '/abs', '\\abs', 'C:\\win.txt', 'c:x', 'a\0b', '..\\x'])(
    '%j is refused',
    (rel) => {
      expect(ArtifactStore.safeJoin('/dl', rel)).toBeUndefined();
    }
  );
});

describe('selection', () => {
  const cases: [string[], string, boolean][] = [
    [['**'], 'a.txt', true],
    [['**'], 'deep/er/.hidden', true],
    [['dist/**'], 'dist/app.js', true],
    [['dist/**'], 'dist/js/app.js', true],
    [['dist/**'], 'src/app.js', false],
    [['dist/**'], 'distribution/app.js', false],
    [['*.txt'], 'notes.txt', true],
    [['*.txt'], 'docs/notes.txt', false],
    [['**/*.txt'], 'docs/notes.txt', true],
    [['dist'], 'dist/app.js', true],
    [['dist'], 'dist/js/app.js', true],
    [['dist'], 'dist', true],
    [['dist'], 'dist2/app.js', false],
    [['reports/*.xml', 'coverage'], 'coverage/index.html', true],
    [['reports/*.xml', 'coverage'], 'reports/junit.xml', true],
    [['reports/*.xml', 'coverage'], 'reports/junit.json', false],
    [[], 'anything', false]
  ];
  test.each(cases)('%j selects %s: %s', (globs, p, expected) => {
    expect(store(globs).forJob('build').selects(p)).toBe(expected);
  });

  test.each([
    [['**'], 'any', true],
    [['dist/**'], 'dist', true],
    [['dist/**'], 'dist/', true],
    [['dist/**'], 'src', false],
    [['reports/*.xml'], 'reports', true],
    [['reports/*.xml'], 'reports/sub', false],
    [['a/b/c/*.txt'], 'a', true],
    [['a/b/c/*.txt'], 'a/b', true],
    [['a/b/c/*.txt'], 'a/x', false],
    [['**/*.xml'], 'deep/folder', true],
    [['dist'], 'dist', true],
    [['dist'], 'other', false],
    [[], 'dist', false]
  ])('%j mayHold %s: %s', (globs, folder, expected) => {
    expect(
      store(globs as string[])
        .forJob('build')
        .mayHold(folder as string)
    ).toBe(expected);
  });

  test('a job folder that leaves the artifacts folder is refused', () => {
    expect(() => store().forJob('..')).toThrow(RemoteError);
    expect(() => store().forJob('../../x')).toThrow(RemoteError);
    expect(store().forJob('build').dir).toBe(jobDir());
  });
});

describe('downloadZip', () => {
  test('extracts nested folders with their content, through the server, and removes its temporary zip', async () => {
    await serveZip('/jobs/1/artifacts', [
      { name: 'dist/', dir: true },
      { name: 'dist/js/app.js', data: 'console.log(1)' },
      { name: 'dist/index.html', data: '<html></html>' },
      { name: 'report.txt', data: 'all good' },
      { name: 'empty.txt', data: '' },
      { name: 'ünïcödé/名前.txt', data: 'unicode' }
    ]);
    const s = store();
    const sink = s.forJob('build');
    expect(await sink.downloadZip(http, 'jobs/1/artifacts')).toEqual({ status: 200 });
    expect(fs.readFileSync(path.join(jobDir(), 'dist/js/app.js'), 'utf8')).toBe('console.log(1)');
    expect(fs.readFileSync(path.join(jobDir(), 'dist/index.html'), 'utf8')).toBe('<html></html>');
    expect(fs.readFileSync(path.join(jobDir(), 'report.txt'), 'utf8')).toBe('all good');
    expect(fs.readFileSync(path.join(jobDir(), 'empty.txt'), 'utf8')).toBe('');
    expect(fs.readFileSync(path.join(jobDir(), 'ünïcödé/名前.txt'), 'utf8')).toBe('unicode');
    expect(listTree(root)).toEqual([
      'artifacts/',
      'artifacts/build/',
      'artifacts/build/dist/',
      'artifacts/build/dist/index.html',
      'artifacts/build/dist/js/',
      'artifacts/build/dist/js/app.js',
      'artifacts/build/empty.txt',
      'artifacts/build/report.txt',
      'artifacts/build/ünïcödé/',
      'artifacts/build/ünïcödé/名前.txt'
    ]);
    expect(s.written.get(jobDir())?.length).toBe(5);
    expect(s.bytesWritten).toBe(
      'console.log(1)'.length + '<html></html>'.length + 'all good'.length + 'unicode'.length
    );
    expect(server.requests[0].headers['private-token']).toBe('t0ken');
    expect(warnings).toEqual([]);
  });

  test('hostile names are skipped with a warning; the good entries, before and after them, are extracted', async () => {
    await serveZip(
      '/a.zip',
      [
        { name: 'good-first.txt', data: 'first' },
        { name: 'Q_/evil.txt', data: 'evil 1' },
        { name: 'Qabs.txt', data: 'evil 2' },
        { name: 'C_/win.txt', data: 'evil 3' },
        { name: 'a/QQ/QQ/b.txt', data: 'evil 4' },
        { name: 'a/QQ/QQ/QQ/outside/victim.txt', data: 'evil 5' },
        { name: 'good/last.txt', data: 'last' }
      ],
      {
        'Q_/evil.txt': '../evil.txt',
        'Qabs.txt': '/abs.txt',
        'C_/win.txt': 'C:\\win.txt',
        'a/QQ/QQ/b.txt': 'a/../../b.txt',
        'a/QQ/QQ/QQ/outside': 'a/../../../outside'
      }
    );
    await store().forJob('build').downloadZip(http, 'a.zip');
    expect(listTree(jobDir())).toEqual(['good-first.txt', 'good/', 'good/last.txt']);
    expect(fs.readFileSync(path.join(jobDir(), 'good/last.txt'), 'utf8')).toBe('last');
    expectNothingOutside();
    expect(fs.existsSync('/abs.txt')).toBe(false);
    expect(listTree(root).filter((p) => !p.startsWith('artifacts/'))).toEqual([]);
    expect(warnings).toHaveLength(5);
    for (const w of warnings)
      expect(w).toMatch(/^Skipped artifact '.*': its path leaves the download folder\.$/);
  });

  test('a symbolic link entry is skipped, not made', async () => {
    await serveZip('/a.zip', [
      { name: 'link-to-victim', data: path.join(outside, 'victim.txt'), mode: 0o120777 },
      { name: 'dir-link', data: outside, mode: 0o120755 },
      { name: 'real.txt', data: 'real' }
    ]);
    await store().forJob('build').downloadZip(http, 'a.zip');
    expect(listTree(jobDir())).toEqual(['real.txt']);
    expect(warnings.join('\n')).toMatch(/'link-to-victim': it is a symbolic link/);
    expect(warnings.join('\n')).toMatch(/'dir-link': it is a symbolic link/);
    expectNothingOutside();
  });

  test('a name held twice is written once, the first', async () => {
    await serveZip('/a.zip', [
      { name: 'same.txt', data: 'first' },
      { name: 'same.txt', data: 'second' },
      { name: 'dir\\same.txt', data: 'back' },
      { name: 'dir/same.txt', data: 'slash' }
    ]);
    await store().forJob('build').downloadZip(http, 'a.zip');
    expect(fs.readFileSync(path.join(jobDir(), 'same.txt'), 'utf8')).toBe('first');
    expect(fs.readFileSync(path.join(jobDir(), 'dir/same.txt'), 'utf8')).toBe('back');
    expect(warnings.filter((w) => /holds that name twice/.test(w))).toHaveLength(2);
  });

  test('prefix puts entries under a folder, and globs see the prefixed path', async () => {
    await serveZip('/a.zip', [
      { name: 'junit.xml', data: '<xml/>' },
      { name: 'notes.md', data: '# notes' }
    ]);
    await store(['reports/*.xml']).forJob('build').downloadZip(http, 'a.zip', 'reports/');
    expect(listTree(jobDir())).toEqual(['reports/', 'reports/junit.xml']);
  });

  test.each([
    [
      ['**'],
      [
        'dist/',
        'dist/app.js',
        'dist/sub/',
        'dist/sub/x.txt',
        'docs/',
        'docs/b.txt',
        'readme.txt',
        'src/',
        'src/main.ts'
      ]
    ],
    [['dist/**'], ['dist/', 'dist/app.js', 'dist/sub/', 'dist/sub/x.txt']],
    [['*.txt'], ['readme.txt']],
    [['**/*.txt'], ['dist/', 'dist/sub/', 'dist/sub/x.txt', 'docs/', 'docs/b.txt', 'readme.txt']],
    [['dist'], ['dist/', 'dist/app.js', 'dist/sub/', 'dist/sub/x.txt']],
    [
      ['docs', 'src/*.ts'],
      ['docs/', 'docs/b.txt', 'src/', 'src/main.ts']
    ]
  ])('globs %j extract %j', async (globs, expected) => {
    await serveZip('/a.zip', [
      { name: 'dist/app.js' },
      { name: 'dist/sub/x.txt' },
      { name: 'docs/b.txt' },
      { name: 'readme.txt' },
      { name: 'src/main.ts' }
    ]);
    await store(globs).forJob('build').downloadZip(http, 'a.zip');
    expect(listTree(jobDir())).toEqual(expected);
  });

  test('none (no globs) extracts nothing', async () => {
    await serveZip('/a.zip', [{ name: 'dist/app.js' }, { name: 'readme.txt' }]);
    await store([]).forJob('build').downloadZip(http, 'a.zip');
    expect(fs.existsSync(jobDir()) ? listTree(jobDir()) : []).toEqual([]);
  });

  test('a status in accept is returned and nothing is written', async () => {
    const sink = store().forJob('build');
    expect(await sink.downloadZip(http, 'missing.zip', '', { accept: [404] })).toEqual({ status: 404 });
    expect(fs.existsSync(jobDir())).toBe(false);
    expect(listTree(root)).toEqual([]);
  });

  test('a body that is not a zip is a RemoteError, and the temporary file goes', async () => {
    files.set('/a.zip', Buffer.from('<html>login page</html>'));
    await expect(store().forJob('build').downloadZip(http, 'a.zip')).rejects.toThrow(/not a valid zip/);
    expect(listTree(root)).toEqual([]);
  });

  test('a zip cut short in transfer is resumed and extracted whole', async () => {
    await serveZip('/a.zip', [{ name: 'big.bin', data: Buffer.alloc(200_000, 7), level: 0 }]);
    server.faults.push({ kind: 'truncate' });
    await store().forJob('build').downloadZip(http, 'a.zip');
    expect(fs.readFileSync(path.join(jobDir(), 'big.bin')).equals(Buffer.alloc(200_000, 7))).toBe(true);
  });
});

describe('the size cap', () => {
  test('stops extraction with an error naming max-artifact-size; what fits stays', async () => {
    await serveZip('/a.zip', [
      { name: 'one.bin', data: Buffer.alloc(600, 1) },
      { name: 'two.bin', data: Buffer.alloc(600, 2) }
    ]);
    const err = await store(['**'], 1000)
      .forJob('build')
      .downloadZip(http, 'a.zip')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as Error).message).toMatch(/max-artifact-size \(1000 B\)/);
    expect(fs.readFileSync(path.join(jobDir(), 'one.bin')).length).toBe(600);
    expect(fs.existsSync(path.join(jobDir(), 'two.bin'))).toBe(false);
    expect(listTree(root).filter((p) => p.endsWith('.zip'))).toEqual([]);
  });

  test('is shared by all the jobs of a run', async () => {
    await serveZip('/a.zip', [{ name: 'one.bin', data: Buffer.alloc(600, 1) }]);
    const s = store(['**'], 1000);
    await s.forJob('first').downloadZip(http, 'a.zip');
    await expect(s.forJob('second').downloadZip(http, 'a.zip')).rejects.toThrow(/max-artifact-size/);
    expect(fs.existsSync(path.join(root, 'artifacts/second/one.bin'))).toBe(false);
    expect(s.bytesWritten).toBe(600);
  });

  test('stops a zip download larger than what is left', async () => {
    await serveZip('/a.zip', [
      {
        name: 'noise.bin',
        data: Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251)),
        level: 0
      }
    ]);
    await expect(store(['**'], 2000).forJob('build').downloadZip(http, 'a.zip')).rejects.toThrow(
      /max-artifact-size/
    );
    expect(listTree(root)).toEqual([]);
  });

  test('applies to downloadFile too', async () => {
    files.set('/f/big.bin', Buffer.alloc(3000, 9));
    const s = store(['**'], 2000);
    await expect(s.forJob('build').downloadFile(http, 'f/big.bin', 'big.bin')).rejects.toThrow(
      /max-artifact-size/
    );
    expect(fs.existsSync(path.join(jobDir(), 'big.bin'))).toBe(false);
  });

  test('a zip bomb is refused before it is inflated', async () => {
    const size = 100 * 2 ** 20;
    const zip = await makeZip([
      { name: 'fine.txt', data: 'fine' },
      { name: 'zeros.bin', data: Buffer.alloc(size), level: 9 }
    ]);
    // The premise: deflate packs zeros past the ratio.
    expect(size / zip.length).toBeGreaterThan(MAX_COMPRESSION_RATIO);
    files.set('/bomb.zip', zip);
    const err = await store()
      .forJob('build')
      .downloadZip(http, 'bomb.zip')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as Error).message).toMatch(
      /Refused artifact 'zeros\.bin': it inflates \d+ times its packed size \(a zip bomb\?\)/
    );
    expect(fs.existsSync(path.join(jobDir(), 'zeros.bin'))).toBe(false);
    expect(fs.readFileSync(path.join(jobDir(), 'fine.txt'), 'utf8')).toBe('fine');
  });

  test('a small file that packs well is no bomb', async () => {
    await serveZip('/a.zip', [{ name: 'zeros.bin', data: Buffer.alloc(8 * 2 ** 20), level: 9 }]);
    await store().forJob('build').downloadZip(http, 'a.zip');
    expect(fs.statSync(path.join(jobDir(), 'zeros.bin')).size).toBe(8 * 2 ** 20);
  });
});

describe('pre-planted symlinks', () => {
  test('a symlink at a target file is replaced, not written through', async () => {
    fs.mkdirSync(jobDir(), { recursive: true });
    fs.symlinkSync(path.join(outside, 'victim.txt'), path.join(jobDir(), 'report.txt'));
    await serveZip('/a.zip', [{ name: 'report.txt', data: 'from the zip' }]);
    await store().forJob('build').downloadZip(http, 'a.zip');
    expect(fs.lstatSync(path.join(jobDir(), 'report.txt')).isSymbolicLink()).toBe(false);
    expect(fs.readFileSync(path.join(jobDir(), 'report.txt'), 'utf8')).toBe('from the zip');
    expectNothingOutside();
  });

  test('a symlinked folder leading outside is not written into, nor made deeper', async () => {
    fs.mkdirSync(jobDir(), { recursive: true });
    fs.symlinkSync(outside, path.join(jobDir(), 'sub'));
    await serveZip('/a.zip', [{ name: 'sub/deeper/victim.txt', data: 'evil' }]);
    await expect(store().forJob('build').downloadZip(http, 'a.zip')).rejects.toThrow(
      /leads outside the download folder/
    );
    expectNothingOutside();
  });

  test('a symlinked file in a symlinked folder is not written through', async () => {
    fs.mkdirSync(jobDir(), { recursive: true });
    fs.symlinkSync(outside, path.join(jobDir(), 'sub'));
    await serveZip('/a.zip', [{ name: 'sub/victim.txt', data: 'evil' }]);
    await expect(store().forJob('build').downloadZip(http, 'a.zip')).rejects.toThrow(RemoteError);
    expectNothingOutside();
  });

  test('a symlinked job folder leading outside is refused', async () => {
    fs.mkdirSync(path.join(root, 'artifacts'), { recursive: true });
    fs.symlinkSync(outside, jobDir());
    await serveZip('/a.zip', [{ name: 'victim.txt', data: 'evil' }]);
    await expect(store().forJob('build').downloadZip(http, 'a.zip')).rejects.toThrow(RemoteError);
    expectNothingOutside();
  });

  test('downloadFile: a symlink at the target or at its temporary file is not written through', async () => {
    fs.mkdirSync(jobDir(), { recursive: true });
    fs.symlinkSync(path.join(outside, 'victim.txt'), path.join(jobDir(), 'a.txt'));
    fs.symlinkSync(path.join(outside, 'victim.txt'), path.join(jobDir(), 'a.txt.part'));
    files.set('/f/a.txt', Buffer.from('downloaded'));
    await store().forJob('build').downloadFile(http, 'f/a.txt', 'a.txt');
    expect(fs.lstatSync(path.join(jobDir(), 'a.txt')).isSymbolicLink()).toBe(false);
    expect(fs.readFileSync(path.join(jobDir(), 'a.txt'), 'utf8')).toBe('downloaded');
    expectNothingOutside();
  });
});

describe('downloadFile', () => {
  test('writes the file at its path, with its folders, and records it', async () => {
    files.set('/files/dist/app.js', Buffer.from('app'));
    const s = store();
    await s.forJob('build').downloadFile(http, 'files/dist/app.js', 'dist/app.js');
    expect(fs.readFileSync(path.join(jobDir(), 'dist/app.js'), 'utf8')).toBe('app');
    expect(s.written.get(jobDir())).toEqual([path.join(jobDir(), 'dist/app.js')]);
    expect(s.bytesWritten).toBe(3);
    expect(listTree(jobDir())).toEqual(['dist/', 'dist/app.js']);
  });

  test.each(['../escape.txt', '/abs.txt', 'a/../../b.txt', 'C:\\win.txt'])(
    '%s is skipped with a warning, unrequested',
    async (rel) => {
      await store().forJob('build').downloadFile(http, 'files/x', rel);
      expect(warnings).toEqual([`Skipped artifact '${rel}': its path leaves the download folder.`]);
      expect(server.requests).toHaveLength(0);
      expectNothingOutside();
    }
  );

  test('a missing file is a RemoteError naming the server', async () => {
    await expect(store().forJob('build').downloadFile(http, 'files/none', 'none.txt')).rejects.toThrow(
      /Sim answered 404/
    );
    expect(fs.existsSync(path.join(jobDir(), 'none.txt'))).toBe(false);
  });

  test('a status in accept writes nothing, and throws nothing', async () => {
    await store()
      .forJob('build')
      .downloadFile(http, 'files/none', 'none.txt', { accept: [404] });
    expect(fs.existsSync(path.join(jobDir(), 'none.txt'))).toBe(false);
    expect(fs.existsSync(path.join(jobDir(), 'none.txt.part'))).toBe(false);
  });

  test('a file cut short is resumed and complete', async () => {
    const body = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 256));
    files.set('/f/big.bin', body);
    server.faults.push({ kind: 'truncate' });
    await store().forJob('build').downloadFile(http, 'f/big.bin', 'big.bin');
    expect(fs.readFileSync(path.join(jobDir(), 'big.bin')).equals(body)).toBe(true);
    expect(listTree(jobDir())).toEqual(['big.bin']);
  });
});

/** Text that packs like a log but differs everywhere (so a corrupted stretch cannot inflate). */
function textData(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed * 2654435761 + 1;
  let at = 0;
  while (at < size) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    at += out.write(`${(x % 99991).toString(36)} step ${x % 977} ok\n`, at, 'latin1');
  }
  return out;
}

/** Offset of an entry's packed data in a zip made by yazl (its local header carries no extra field here). */
function dataOffset(zip: Buffer, name: string): number {
  const at = zip.indexOf(Buffer.from(name));
  expect(zip.readUInt32LE(at - 30)).toBe(0x04034b50);
  return at + Buffer.byteLength(name) + zip.readUInt16LE(at - 2);
}

describe('many entries at once', () => {
  test(`more entries than run at once (${EXTRACT_CONCURRENCY}), small, large, stored and packed, all byte for byte`, async () => {
    const entries: ZipEntry[] = [];
    for (let i = 0; i < 400; i++) {
      const size =
        i % 50 === 7 ? 1_500_000 : i % 40 === 3 ? 300_000 : i % 9 === 0 ? 0 : 1 + ((i * 7919) % 60_000);
      entries.push({
        name: `site/d${i % 13}/s${i % 5}/f-${i}.txt`,
        data: textData(size, i),
        level: i % 3 ? 6 : 0
      });
    }
    await serveZip('/a.zip', entries);
    const s = store();
    await s.forJob('build').downloadZip(http, 'a.zip');
    for (const e of entries)
      expect(fs.readFileSync(path.join(jobDir(), e.name)).equals(e.data as Buffer)).toBe(true);
    expect(s.written.get(jobDir())).toHaveLength(entries.length);
    expect(s.bytesWritten).toBe(entries.reduce((n, e) => n + (e.data as Buffer).length, 0));
    expect(warnings).toEqual([]);
  });

  test('the size cap reached with entries in flight: exactly the entries that fit, in archive order, are whole; none after', async () => {
    const entries: ZipEntry[] = Array.from({ length: 200 }, (_, i) => ({
      name: `part/${String(i).padStart(3, '0')}.bin`,
      // Packs well: the zip itself stays under the cap, its content does not.
      data: Buffer.alloc(1000, i % 256)
    }));
    await serveZip('/a.zip', entries);
    const s = store(['**'], 50_500);
    const err = await s
      .forJob('build')
      .downloadZip(http, 'a.zip')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as Error).message).toMatch(/max-artifact-size \(49.3 KiB\)/);
    expect(listTree(path.join(jobDir(), 'part'))).toEqual(entries.slice(0, 50).map((e) => e.name.slice(5)));
    for (const e of entries.slice(0, 50))
      expect(fs.readFileSync(path.join(jobDir(), e.name)).equals(e.data as Buffer)).toBe(true);
    expect(s.bytesWritten).toBe(50_000);
    expect(listTree(root).filter((p) => p.endsWith('.zip'))).toEqual([]);
  });

  test('containment holds with many entries: hostile names and links among hundreds are skipped, the rest extracted', async () => {
    const entries: ZipEntry[] = [];
    const patch: Record<string, string> = {};
    for (let i = 0; i < 300; i++) {
      if (i % 10 === 4) {
        entries.push({ name: `QQ/QQ/outside/x${i}.txt`, data: 'evil' });
        patch[`QQ/QQ/outside/x${i}.txt`] = `../../outside/x${i}.txt`;
      } else if (i % 10 === 8) entries.push({ name: `ok/link-${i}`, data: outside, mode: 0o120755 });
      else entries.push({ name: `ok/d${i % 4}/f${i}.txt`, data: textData(5000 + i, i) });
    }
    await serveZip('/a.zip', entries, patch);
    await store().forJob('build').downloadZip(http, 'a.zip');
    const good = entries.filter((e, i) => i % 10 !== 4 && i % 10 !== 8);
    expect(listTree(jobDir()).filter((p) => !p.endsWith('/'))).toEqual(good.map((e) => e.name).sort());
    expect(warnings.filter((w) => /leaves the download folder/.test(w))).toHaveLength(30);
    expect(warnings.filter((w) => /is a symbolic link/.test(w))).toHaveLength(30);
    expectNothingOutside();
  });

  test.each([
    ['a large entry, streamed', 2_000_000],
    ['a small entry, inflated whole', 40_000]
  ])(
    '%s damaged mid-way: an error naming the archive, no half-written file, the others whole',
    async (_what, size) => {
      const entries: ZipEntry[] = Array.from({ length: 60 }, (_, i) => ({
        name: `f/${String(i).padStart(2, '0')}.txt`,
        data: textData(i === 20 ? size : 20_000, i)
      }));
      const zip = await makeZip(entries);
      const from = dataOffset(zip, 'f/20.txt');
      // Past the first blocks, so that some of the entry is written before inflation fails.
      zip.fill(0xff, from + 3000, from + 3400);
      files.set('/a.zip', zip);
      const s = store();
      const err = await s
        .forJob('build')
        .downloadZip(http, 'a.zip')
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RemoteError);
      expect((err as Error).message).toMatch(/^The artifact archive is damaged: /);
      expect(fs.existsSync(path.join(jobDir(), 'f/20.txt'))).toBe(false);
      const present = listTree(path.join(jobDir(), 'f'));
      // Those before it were started first; whatever got written is whole.
      expect(present).toEqual(expect.arrayContaining(entries.slice(0, 20).map((e) => e.name.slice(2))));
      for (const name of present)
        expect(
          fs
            .readFileSync(path.join(jobDir(), 'f', name))
            .equals(entries[Number(name.slice(0, 2))].data as Buffer)
        ).toBe(true);
      expect(s.written.get(jobDir())).toHaveLength(present.length);
      expect(s.bytesWritten).toBe(present.length * 20_000);
      expect(listTree(root).filter((p) => /\.zip$|\.part$/.test(p))).toEqual([]);
    }
  );
});

describe('a large stored entry (copied with one reused buffer)', () => {
  /** The central-directory record of `name`: its sizes are what extraction trusts. */
  function centralRecord(zip: Buffer, name: string): number {
    for (let at = zip.indexOf(Buffer.from(name)); at >= 0; at = zip.indexOf(Buffer.from(name), at + 1)) {
      if (at >= 46 && zip.readUInt32LE(at - 46) === 0x02014b50) return at - 46;
    }
    throw new Error(`no central record for ${name}`);
  }
  const entries = (): ZipEntry[] => [
    { name: 'a.txt', data: textData(5000, 1) },
    { name: 'big.bin', data: textData(3_000_000, 2), level: 0 },
    { name: 'z.txt', data: textData(5000, 3) }
  ];

  test('is copied byte for byte', async () => {
    const list = entries();
    await serveZip('/a.zip', list);
    await store().forJob('build').downloadZip(http, 'a.zip');
    for (const e of list)
      expect(fs.readFileSync(path.join(jobDir(), e.name)).equals(e.data as Buffer)).toBe(true);
  });

  test.each([
    [
      'whose packed and unpacked sizes disagree',
      (zip: Buffer, at: number) => zip.writeUInt32LE(zip.readUInt32LE(at + 20) - 1, at + 20),
      /size mismatch for stored file/
    ],
    [
      'whose data runs past the end of the archive',
      (zip: Buffer, at: number) => {
        zip.writeUInt32LE(zip.readUInt32LE(at + 20) + 50_000_000, at + 20);
        zip.writeUInt32LE(zip.readUInt32LE(at + 24) + 50_000_000, at + 24);
      },
      /overflows file bounds/
    ]
  ])('%s is refused as damaged, and leaves no file', async (_what, patch, message) => {
    const zip = await makeZip(entries());
    patch(zip, centralRecord(zip, 'big.bin'));
    files.set('/a.zip', zip);
    const err = await store()
      .forJob('build')
      .downloadZip(http, 'a.zip')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as Error).message).toMatch(/^The artifact archive is damaged: /);
    expect((err as Error).message).toMatch(message);
    expect(fs.existsSync(path.join(jobDir(), 'big.bin'))).toBe(false);
    expect(listTree(root).filter((p) => /\.zip$|\.part$/.test(p))).toEqual([]);
  });
});

test('formatBytes', () => {
  expect(formatBytes(0)).toBe('0 B');
  expect(formatBytes(1000)).toBe('1000 B');
  expect(formatBytes(1024)).toBe('1 KiB');
  expect(formatBytes(1536)).toBe('1.5 KiB');
  expect(formatBytes(5 * 2 ** 30)).toBe('5 GiB');
  expect(formatBytes(3 * 2 ** 40)).toBe('3 TiB');
});

describe('deep paths (issue 20, finding 9)', () => {
  test('an entry 20,000 folders deep is skipped with a warning (ENAMETOOLONG), no RangeError; the ordinary entries are extracted', async () => {
    const deep = `${'d/'.repeat(20_000)}deep.txt`;
    await serveZip('/a.zip', [
      { name: 'first.txt', data: 'first' },
      { name: deep, data: 'too deep' },
      { name: 'sub/last.txt', data: 'last' }
    ]);
    const started = Date.now();
    await store().forJob('build').downloadZip(http, 'a.zip');
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(fs.readFileSync(path.join(jobDir(), 'first.txt'), 'utf8')).toBe('first');
    expect(fs.readFileSync(path.join(jobDir(), 'sub/last.txt'), 'utf8')).toBe('last');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^Skipped artifact 'd\/d\/d\/.*…' \(40008 characters\): .*\(ENAMETOOLONG\)\.$/
    );
    expectNothingOutside();
  });

  test('an entry 1,000 folders deep (within PATH_MAX) is extracted; a name longer than 255 bytes is skipped with a warning', async () => {
    const deepOk = `${'d/'.repeat(1_000)}ok.txt`;
    const longName = `${'n'.repeat(256)}.txt`;
    await serveZip('/a.zip', [
      { name: deepOk, data: 'deep but fine' },
      { name: longName, data: 'x' },
      { name: 'fine.txt', data: 'fine' }
    ]);
    await store().forJob('build').downloadZip(http, 'a.zip');
    expect(fs.readFileSync(path.join(jobDir(), ...deepOk.split('/')), 'utf8')).toBe('deep but fine');
    expect(fs.readFileSync(path.join(jobDir(), 'fine.txt'), 'utf8')).toBe('fine');
    expect(warnings).toEqual([
      expect.stringMatching(/^Skipped artifact 'nnn.*…' \(260 characters\).*ENAMETOOLONG/)
    ]);
  });

  test('downloadFile: a path too long for any file system is skipped with a warning, nothing requested', async () => {
    const deep = `${'d/'.repeat(3_000)}f.txt`;
    files.set('/f/a.txt', Buffer.from('x'));
    await store().forJob('build').downloadFile(http, 'f/a.txt', deep);
    expect(warnings).toEqual([expect.stringMatching(/ENAMETOOLONG/)]);
    expect(server.requests).toHaveLength(0);
  });
});

describe('names no file system accepts (issue 20, finding 10)', () => {
  test('device names, with any extension or superscript digit, and names ending in a dot or space, are made safe, the same on every system', async () => {
    const names = [
      'CON',
      'aux.txt',
      'COM¹',
      'COM²',
      'COM³',
      'CONIN$',
      'CONOUT$',
      'LPT1.log',
      'dot.',
      'space ',
      'lpt²/x.txt',
      'ab?:.txt'
    ];
    await serveZip(
      '/a.zip',
      names.map((name) => ({ name, data: `content of ${name}` }))
    );
    await store().forJob('build').downloadZip(http, 'a.zip');
    expect(listTree(jobDir())).toEqual(
      [
        '_CON',
        '_aux.txt',
        '_COM¹',
        '_COM²',
        '_COM³',
        '_CONIN$',
        '_CONOUT$',
        '_LPT1.log',
        'dot_',
        'space_',
        '_lpt²/',
        '_lpt²/x.txt',
        'ab__.txt'
      ].sort()
    );
    expect(fs.readFileSync(path.join(jobDir(), '_COM¹'), 'utf8')).toBe('content of COM¹');
    expect(warnings).toEqual([]);
  });
});

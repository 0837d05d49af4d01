/**
 * ZipWriters (issue 14): small entries inflated and written on worker threads and on the main
 * thread. Each guard is checked on both: `threads: 0` writes everything on the main thread; with
 * threads, the first entries go to a worker (an idle worker is always preferred), and a burst
 * larger than the workers' queues spills onto the main thread.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { DamagedEntryError, ZipWriters } from '../src/artifacts/zip-writers.js';

let dir: string;
let outside: string;
const open: ZipWriters[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-relay-zip-writers-'));
  outside = path.join(dir, 'outside.txt');
  fs.writeFileSync(outside, 'original');
  fs.mkdirSync(path.join(dir, 'out'));
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((w) => w.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

function writers(threads: number): ZipWriters {
  const w = new ZipWriters(threads);
  open.push(w);
  return w;
}

const text = (i: number, size: number): Buffer =>
  Buffer.from(`entry ${i} `.repeat(Math.ceil(size / 8) + 1).slice(0, size));
/** Packed as zip entries are: raw deflate, in a buffer of its own (as zip.ts reads them). */
const deflated = (data: Buffer): Buffer => {
  const packed = zlib.deflateRawSync(data);
  const own = Buffer.allocUnsafeSlow(packed.length);
  packed.copy(own);
  return own;
};
const target = (name: string): string => path.join(dir, 'out', name);

describe.each([
  ['on the main thread', 0],
  ['on worker threads', 2]
])('%s', (_where, threads) => {
  test('stored and deflated entries, empty ones too, land byte for byte', async () => {
    const w = writers(threads);
    const entries = Array.from({ length: 120 }, (_, i) => text(i, i % 11 === 0 ? 0 : 100 + i * 397));
    await Promise.all(
      entries.map((data, i) =>
        i % 3 === 0
          ? w.write(target(`s${i}`), Buffer.from(data), 0, data.length)
          : w.write(target(`d${i}`), deflated(data), 8, data.length)
      )
    );
    entries.forEach((data, i) =>
      expect(fs.readFileSync(target(`${i % 3 === 0 ? 's' : 'd'}${i}`)).equals(data)).toBe(true)
    );
    // A burst larger than the workers' queues: both kinds of thread wrote.
    if (threads) expect(w.counts.workers).toBeGreaterThanOrEqual(threads);
    expect(w.counts.here).toBeGreaterThan(0);
    expect(w.counts.workers + w.counts.here).toBe(entries.length);
  });

  test('a symlink planted at the target is replaced, not written through', async () => {
    fs.symlinkSync(outside, target('report.txt'));
    const data = text(1, 5000);
    const w = writers(threads);
    await w.write(target('report.txt'), deflated(data), 8, data.length);
    // The first entry goes to a worker when there are any.
    expect(w.counts).toEqual(threads ? { workers: 1, here: 0 } : { workers: 0, here: 1 });
    expect(fs.lstatSync(target('report.txt')).isSymbolicLink()).toBe(false);
    expect(fs.readFileSync(target('report.txt')).equals(data)).toBe(true);
    expect(fs.readFileSync(outside, 'utf8')).toBe('original');
  });

  test.each([
    ['inflates past its declared size', 4000, /^too many bytes in the stream\. expected 4000\.$/],
    ['inflates short of its declared size', 9000, /^expected 9000 bytes, got 5000$/]
  ])('an entry that %s is refused as damaged, and leaves no file', async (_what, declared, message) => {
    const err = await writers(threads)
      .write(target('lying.txt'), deflated(text(2, 5000)), 8, declared)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DamagedEntryError);
    expect((err as Error).message).toMatch(message);
    expect(fs.existsSync(target('lying.txt'))).toBe(false);
  });

  test('data that is not deflate is refused as damaged', async () => {
    const junk = Buffer.allocUnsafeSlow(64).fill(0xff);
    const err = await writers(threads)
      .write(target('junk.txt'), junk, 8, 100)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DamagedEntryError);
    expect(fs.existsSync(target('junk.txt'))).toBe(false);
  });

  test("a disk's refusal keeps its code and path, and is not called damage", async () => {
    const err = await writers(threads)
      .write(path.join(dir, 'no-such-folder', 'a.txt'), deflated(text(3, 100)), 8, 100)
      .catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(DamagedEntryError);
    expect(err).toMatchObject({ code: 'ENOENT', syscall: 'open' });
  });

  test('one failure among many fails only its own entry', async () => {
    const w = writers(threads);
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => {
        const data = text(i, 3000);
        return w.write(target(`m${i}`), deflated(data), 8, i === 17 ? 10 : data.length);
      })
    );
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect(results[17].status).toBe('rejected');
    expect(fs.readdirSync(path.join(dir, 'out'))).toHaveLength(39);
  });
});

test('a slice of a shared buffer is copied, not taken from its owners', async () => {
  const w = writers(1);
  const packed = zlib.deflateRawSync(text(4, 2000));
  const shared = Buffer.alloc(packed.length + 100, 7);
  packed.copy(shared, 50);
  await w.write(target('slice.txt'), shared.subarray(50, 50 + packed.length), 8, 2000);
  expect(fs.readFileSync(target('slice.txt')).equals(text(4, 2000))).toBe(true);
  expect(shared.length).toBe(packed.length + 100);
  expect(shared[0]).toBe(7);
});

test('after close, nothing more is written', async () => {
  const w = writers(1);
  await w.write(target('a.txt'), deflated(text(5, 10)), 8, 10);
  await w.close();
  await expect(w.write(target('b.txt'), deflated(text(5, 10)), 8, 10)).rejects.toThrow(/closed/);
  expect(fs.existsSync(target('b.txt'))).toBe(false);
});

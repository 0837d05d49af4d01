/**
 * Pieces `npm run bench` is built from: a file server that streams big files from disk (with
 * Range), a pass-through proxy in front of a simulator that can take over some routes, a zip
 * writer that never holds an archive in memory, and a runner that starts dist/index.js the
 * way Jenkins' `sh` would, measuring its peak RSS and the moment it exits.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as zlib from 'node:zlib';
import { startServer, type SimRequest, type SimServer } from '../sim/server.js';
import { cleanEnv } from '../__tests__/helpers/run.js';

export const DIST = path.resolve('dist/index.js');
export const TIME_BIN = '/usr/bin/time';

export const MB = 1e6;
export const MiB = 1024 * 1024;

/** Whether an executable answers (e.g. `unzip -v`). */
export function hasCommand(cmd: string, args: string[] = ['--version']): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

// ---------------------------------------------------------------------------------------------
// Serving files from disk

export interface Transfer {
  path: string;
  bytes: number;
  /** From the request's arrival to the last byte handed to the kernel. */
  ms: number;
  /** Epoch ms of the request's arrival. */
  startedAt: number;
  credentials: boolean;
}

export interface FileServer extends SimServer {
  transfers: Transfer[];
}

/** Serves `files` (URL path → file on disk) streamed from disk, with `Range: bytes=N-`. */
export async function startFileServer(files: Map<string, string>): Promise<FileServer> {
  const transfers: Transfer[] = [];
  const server = (await startServer((req, res) => {
    const file = files.get(req.path);
    if (req.method !== 'GET' || !file) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('no such object\n');
      return;
    }
    const t0 = performance.now();
    const startedAt = Date.now();
    const size = fs.statSync(file).size;
    const range = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''));
    const start = range ? Math.min(Number(range[1]), size) : 0;
    const headers: http.OutgoingHttpHeaders = {
      'content-type': 'application/zip',
      'content-length': String(size - start),
      'accept-ranges': 'bytes'
    };
    if (range) headers['content-range'] = `bytes ${start}-${size - 1}/${size}`;
    res.writeHead(range ? 206 : 200, headers);
    const credentials = ['private-token', 'authorization', 'job-token'].some(
      (h) => req.headers[h] !== undefined
    );
    return new Promise<void>((resolve) => {
      res.on('finish', () => {
        transfers.push({
          path: req.path,
          bytes: size - start,
          ms: performance.now() - t0,
          startedAt,
          credentials
        });
        resolve();
      });
      res.on('close', () => resolve());
      fs.createReadStream(file, { start, highWaterMark: MiB }).pipe(res);
    });
  })) as FileServer;
  server.transfers = transfers;
  return server;
}

// ---------------------------------------------------------------------------------------------
// A proxy in front of a simulator

/**
 * Forwards every request to `target` (a simulator) unchanged, except those `takeOver` answers
 * itself. Keeps `times`: when each request arrived (epoch ms), for per-minute counts.
 */
export async function startProxy(
  target: string,
  takeOver: (req: SimRequest, res: http.ServerResponse) => boolean = () => false,
  /** Adds headers to a forwarded answer (e.g. a server's rate-limit budget on every answer). */
  decorate?: (req: SimRequest, status: number, headers: http.OutgoingHttpHeaders) => void
): Promise<SimServer & { times: number[] }> {
  const agent = new http.Agent({ keepAlive: true });
  const times: number[] = [];
  const proxy = await startServer((req, res) => {
    times.push(Date.now());
    if (takeOver(req, res)) return;
    const query = req.query.toString();
    const headers: http.OutgoingHttpHeaders = { ...req.headers };
    for (const h of ['host', 'connection', 'keep-alive', 'transfer-encoding']) delete headers[h];
    headers['content-length'] = String(req.body.length);
    return new Promise<void>((resolve, reject) => {
      const upstream = http.request(
        `${target}${req.path}${query ? `?${query}` : ''}`,
        { method: req.method, headers, agent },
        (answer) => {
          const back: http.OutgoingHttpHeaders = { ...answer.headers };
          for (const h of ['connection', 'keep-alive']) delete back[h];
          decorate?.(req, answer.statusCode ?? 502, back);
          res.writeHead(answer.statusCode ?? 502, back);
          answer.pipe(res);
          answer.on('end', () => resolve());
          answer.on('error', reject);
        }
      );
      upstream.on('error', reject);
      upstream.end(req.body);
    });
  });
  const close = proxy.close;
  return Object.assign(proxy, {
    times,
    close: async () => {
      agent.destroy();
      await close();
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Writing big zips without holding them in memory

export interface ZipEntrySpec {
  name: string;
  size: number;
  /** `stored`: incompressible bytes, not compressed; `deflated`: log-like text, deflated. */
  kind: 'stored' | 'deflated';
}

const crcTable = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** zlib.crc32 (Node ≥ 20.15), else a table in JS. */
function crc32(buf: Buffer, prev = 0): number {
  const native = (zlib as unknown as { crc32?: (b: Buffer, v?: number) => number }).crc32;
  if (native) return native(buf, prev);
  let c = ~prev;
  for (let i = 0; i < buf.length; i++) c = crcTable[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** One MiB that does not compress; each chunk gets its index stamped so no two are alike. */
function randomBlock(): Buffer {
  const b = Buffer.alloc(MiB);
  let x = 0x9e3779b9;
  for (let i = 0; i < b.length; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b.writeInt32LE(x | 0, i);
  }
  return b;
}

/** Log-like text of exactly `size` bytes: compresses about as well as a build log. */
function textOf(size: number, seed: number): Buffer {
  const buf = Buffer.alloc(size);
  const words = [
    'compiling',
    'linking',
    'module',
    'test',
    'passed',
    'warning',
    'cache',
    'hit',
    'miss',
    'artifact',
    'upload',
    'step'
  ];
  let off = 0;
  let n = seed * 7919;
  while (off < size) {
    n = (n * 1103515245 + 12345) & 0x7fffffff;
    const line = `2024-01-01T00:${String(n % 60).padStart(2, '0')}:${String((n >> 6) % 60).padStart(2, '0')}.${n % 1000} [${words[n % 12]}] ${words[(n >> 3) % 12]} ${words[(n >> 7) % 12]}-${n % 4099} ${(n % 100000).toString(36)}\n`;
    off += buf.write(line, off, 'latin1');
  }
  return buf;
}

const TILE_BYTES = 4 * MiB;
let tileCache: Buffer | undefined;
function sharedTile(): Buffer {
  tileCache ??= textOf(TILE_BYTES, 1);
  return tileCache;
}

/** A zip of `entries`, written straight to `file` (stored entries streamed, 1 MiB at a time). */
export function writeZip(file: string, entries: ZipEntrySpec[]): number {
  const fd = fs.openSync(file, 'w');
  const central: Buffer[] = [];
  let offset = 0;
  const write = (b: Buffer): void => {
    fs.writeSync(fd, b, 0, b.length, offset);
    offset += b.length;
  };
  const dosTime = 0; // 00:00:00
  const dosDate = ((2024 - 1980) << 9) | (1 << 5) | 1;
  try {
    const block = randomBlock();
    entries.forEach((entry, index) => {
      const name = Buffer.from(entry.name, 'utf8');
      const method = entry.kind === 'deflated' ? 8 : 0;
      const headerAt = offset;
      const local = Buffer.alloc(30);
      write(Buffer.concat([local, name]));
      let crc = 0;
      let packed = 0;
      if (entry.kind === 'stored') {
        for (let done = 0, i = 0; done < entry.size; i++) {
          const n = Math.min(MiB, entry.size - done);
          block.writeUInt32LE((index << 20) ^ i, 0);
          const chunk = block.subarray(0, n);
          crc = crc32(chunk, crc);
          write(chunk);
          done += n;
        }
        packed = entry.size;
      } else {
        // 4 MiB of text repeated: farther apart than deflate's 32 KiB window, so it packs as text does.
        // Small entries (a built site's files) each start somewhere else in one shared tile.
        const tile = entry.size < TILE_BYTES ? sharedTile() : textOf(TILE_BYTES, index + 1);
        const text = Buffer.alloc(entry.size);
        const from = entry.size < TILE_BYTES ? (index * 48_611) % (TILE_BYTES - entry.size) : 0;
        if (from) tile.copy(text, 0, from, from + entry.size);
        else for (let at = 0; at < text.length; at += tile.length) tile.copy(text, at);
        crc = crc32(text);
        const deflated = zlib.deflateRawSync(text, { level: 1 });
        write(deflated);
        packed = deflated.length;
      }
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(0x0800, 6);
      local.writeUInt16LE(method, 8);
      local.writeUInt16LE(dosTime, 10);
      local.writeUInt16LE(dosDate, 12);
      local.writeUInt32LE(crc >>> 0, 14);
      local.writeUInt32LE(packed, 18);
      local.writeUInt32LE(entry.size, 22);
      local.writeUInt16LE(name.length, 26);
      local.writeUInt16LE(0, 28);
      fs.writeSync(fd, local, 0, 30, headerAt);
      const cd = Buffer.alloc(46);
      cd.writeUInt32LE(0x02014b50, 0);
      cd.writeUInt16LE(0x031e, 4); // made by: Unix, zip 3.0
      cd.writeUInt16LE(20, 6);
      cd.writeUInt16LE(0x0800, 8);
      cd.writeUInt16LE(method, 10);
      cd.writeUInt16LE(dosTime, 12);
      cd.writeUInt16LE(dosDate, 14);
      cd.writeUInt32LE(crc >>> 0, 16);
      cd.writeUInt32LE(packed, 20);
      cd.writeUInt32LE(entry.size, 24);
      cd.writeUInt16LE(name.length, 28);
      cd.writeUInt32LE((0o100644 << 16) >>> 0, 38);
      cd.writeUInt32LE(headerAt, 42);
      central.push(cd, name);
    });
    const cdAt = offset;
    const cdBytes = Buffer.concat(central);
    write(cdBytes);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(entries.length, 8);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(cdBytes.length, 12);
    end.writeUInt32LE(cdAt, 16);
    write(end);
    return offset;
  } finally {
    fs.closeSync(fd);
  }
}

// ---------------------------------------------------------------------------------------------
// Running dist/index.js

export interface RelayRun {
  code: number | null;
  stdout: string;
  /** The last 64 KiB of stderr (the streamed log can be large). */
  stderrTail: string;
  /** Parsed `--json` result, when there was one. */
  result?: Record<string, unknown>;
  /** Epoch ms at which the process was about to exit (from inside it). */
  exitAt?: number;
  startedAt: number;
  /** Peak resident set size, bytes: /usr/bin/time -v when present, else the child's own VmHWM (or resourceUsage). */
  peakRss?: number;
  rssFrom?: 'time -v' | 'VmHWM';
}

const MARK = '@@ci-relay-bench';

/**
 * A module preloaded into the child: reports its exit time and its own peak RSS. On Linux the
 * peak is VmHWM from /proc/self/status: getrusage's maxrss survives fork + exec, so a child of
 * a big parent would report the parent's size.
 */
export function writePreload(dir: string): string {
  const file = path.join(dir, 'bench-preload.mjs');
  fs.writeFileSync(
    file,
    [
      "import { readFileSync } from 'node:fs';",
      "process.on('exit', () => {",
      '  let kb = process.resourceUsage().maxRSS;',
      '  try {',
      "    const hwm = /VmHWM:\\s*(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));",
      '    if (hwm) kb = Number(hwm[1]);',
      '  } catch {}',
      `  try { process.stderr.write('\\n${MARK} exit=' + Date.now() + ' maxrss=' + kb + '\\n'); } catch {}`,
      '});',
      ''
    ].join('\n')
  );
  return file;
}

/** `node dist/index.js <args>` in `cwd`, under /usr/bin/time -v when `useTime`. */
export function runRelay(
  args: string[],
  opts: { cwd: string; env?: Record<string, string>; preload: string; useTime: boolean }
): Promise<RelayRun> {
  const nodeArgs = ['--import', pathToFileURL(opts.preload).href, DIST, ...args, '--host', 'cli'];
  const [cmd, argv] = opts.useTime
    ? [TIME_BIN, ['-v', process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  const startedAt = Date.now();
  const child = spawn(cmd, argv, {
    cwd: opts.cwd,
    env: { ...cleanEnv(), ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let stdout = '';
  let tail = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    tail = (tail + d.toString()).slice(-64 * 1024);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const run: RelayRun = { code, stdout, stderrTail: tail, startedAt };
      const mark = new RegExp(`${MARK} exit=(\\d+) maxrss=(\\d+)`).exec(tail);
      if (mark) {
        run.exitAt = Number(mark[1]);
        run.peakRss = Number(mark[2]) * 1024;
        run.rssFrom = 'VmHWM';
      }
      const timed = /Maximum resident set size \(kbytes\): (\d+)/.exec(tail);
      if (timed) {
        run.peakRss = Number(timed[1]) * 1024;
        run.rssFrom = 'time -v';
      }
      try {
        run.result = JSON.parse(stdout) as Record<string, unknown>;
      } catch {
        // no --json, or it failed before printing
      }
      resolve(run);
    });
  });
}

/** Runs a command to its end; returns wall ms and (under time -v) its peak RSS. */
export function runTimed(
  cmd: string,
  args: string[],
  useTime: boolean
): Promise<{ code: number | null; ms: number; peakRss?: number; stderr: string }> {
  const [c, a] = useTime ? [TIME_BIN, ['-v', cmd, ...args]] : [cmd, args];
  const t0 = performance.now();
  const child = spawn(c, a, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-16 * 1024)));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const timed = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      resolve({
        code,
        ms: performance.now() - t0,
        peakRss: timed ? Number(timed[1]) * 1024 : undefined,
        stderr
      });
    });
  });
}

/** Total bytes of the files under `dir`. */
export function treeBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? treeBytes(p) : fs.statSync(p).size;
  }
  return total;
}

/** Counts each request's arrival time (the simulators keep the requests, not when they came). */
export function stamp(server: SimServer): number[] {
  const times: number[] = [];
  const list = server.requests;
  const push = list.push.bind(list);
  list.push = (...items) => {
    for (let i = 0; i < items.length; i++) times.push(Date.now());
    return push(...items);
  };
  return times;
}

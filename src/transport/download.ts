/**
 * Streamed downloads to disk: batched writes (FileSink), and a transfer cut short resumed with
 * Range where the server allows it, else restarted; a short body is never kept as complete.
 */
import * as fs from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RemoteError } from '../core/errors.js';
import { openForWrite } from '../core/files.js';
import { header } from './budget.js';
import { readAll } from './json.js';
import { RetryableError, isNetworkError } from './retries.js';
import type { Exchanges, RequestOpts } from './types.js';

/**
 * Downloads to `file`, streaming. A transfer cut short is resumed with Range where the
 * server allows it, else restarted; a short body is never kept as complete.
 * Returns the bytes written (0 when the server answered a status in `accept`).
 */
export async function download(
  http: Exchanges,
  path: string,
  file: string,
  opts: RequestOpts & { limit?: (bytes: number) => void } = {}
): Promise<{ status: number; bytes: number }> {
  let written = 0;
  return http.retrying('GET', path, opts, async () => {
    const headers = { ...opts.headers };
    if (written > 0) headers.range = `bytes=${written}-`;
    const res = await http.open('GET', path, { ...opts, headers });
    if (
      res.status >= 300 ||
      (opts.accept?.includes(res.status) && res.status !== 200 && res.status !== 206)
    ) {
      await readAll(res.body);
      return { status: res.status, bytes: 0 };
    }
    const resumed =
      res.status === 206 &&
      written > 0 &&
      header(res.headers, 'content-range')?.startsWith(`bytes ${written}-`);
    if (!resumed) written = 0;
    const expected = header(res.headers, 'content-length');
    const total = expected === undefined ? undefined : Number(expected) + written;
    let seen = written;
    let out: FileSink;
    try {
      out = new FileSink(file, written > 0 ? 'a' : 'w', (chunk) => {
        seen += chunk.length;
        http.stats.bytes += chunk.length;
        opts.limit?.(seen);
      });
    } catch (err) {
      res.body.destroy();
      throw err;
    }
    try {
      await pipeline(res.body, out);
    } catch (err) {
      // The file's size counts only once its last write is done: resuming from less duplicates bytes.
      if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
      if (err instanceof RemoteError || !isNetworkError(err)) throw err;
      written = fileSize(file);
      throw new RetryableError(`the download of ${http.show(path)} was cut short after ${written} bytes`);
    }
    if (total !== undefined && seen !== total) {
      written = fileSize(file);
      throw new RetryableError(`the download of ${http.show(path)} ended at ${seen} of ${total} bytes`);
    }
    written = 0;
    return { status: res.status, bytes: seen };
  });
}

/** Bytes gathered before each write to disk… */
const WRITE_BATCH = 1024 * 1024;
/** …or whatever has come once the first of them has waited this long (a slow transfer). */
const WRITE_AFTER_MS = 20;

/**
 * A file written in batches of about WRITE_BATCH bytes, each with one synchronous writev, as
 * curl writes. fs.WriteStream sends every 64 KiB network chunk on its own round trip through
 * libuv's thread pool: on two cores that held a 1 GiB download to about 60% of curl's speed,
 * where this keeps up with it (a batch is ~1 ms of blocking on a page cache). `onChunk` sees
 * every chunk before it is kept and may refuse it by throwing. Bytes received reach the file
 * within WRITE_AFTER_MS, and still do when the transfer breaks (they are a prefix of the body:
 * a resumed download asks for less); 'close' comes once the file is closed, so its size is
 * then exactly the bytes written.
 */
export class FileSink extends Writable {
  private readonly fd: number;
  private batch: Buffer[] = [];
  private size = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    file: string,
    flags: 'w' | 'a',
    private readonly onChunk?: (chunk: Buffer) => void
  ) {
    super();
    this.fd = openForWrite(file, flags === 'a');
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    try {
      this.onChunk?.(chunk);
      this.batch.push(chunk);
      this.size += chunk.length;
      if (this.size >= WRITE_BATCH) this.flush();
      else this.timer ??= setTimeout(() => this.flushLater(), WRITE_AFTER_MS);
    } catch (err) {
      return done(err as Error);
    }
    done();
  }

  override _final(done: (err?: Error | null) => void): void {
    try {
      this.flush();
    } catch (err) {
      return done(err as Error);
    }
    done();
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    try {
      this.flush();
    } catch {
      // the error that destroyed the stream is the one to report
    }
    clearTimeout(this.timer);
    fs.close(this.fd, (closeErr) => done(err ?? closeErr));
  }

  private flushLater(): void {
    this.timer = undefined;
    try {
      this.flush();
    } catch (err) {
      this.destroy(err as Error);
    }
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.size === 0) return;
    const chunks = this.batch;
    const size = this.size;
    this.batch = [];
    this.size = 0;
    let n = fs.writevSync(this.fd, chunks);
    if (n < size) {
      // A short write: the rest, from where it stopped.
      const rest = Buffer.concat(chunks, size);
      while (n < size) {
        const wrote = fs.writeSync(this.fd, rest, n, size - n);
        if (wrote <= 0) throw new Error('a write to disk wrote nothing');
        n += wrote;
      }
    }
  }
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

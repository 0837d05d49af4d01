/**
 * Reading a zip on disk through yauzl with few system calls: yauzl asks its reader for every
 * central-directory record and local header separately (two or three reads per entry, each a
 * round trip to the thread pool), so this reader answers small reads from a few cached windows
 * of the file, and streams entry data in 1 MiB reads instead of 16 KiB ones. A small entry is
 * read whole, as packed, for src/zip-writers.ts to inflate and write in one go, instead of
 * through a chain of five streams; a large stored one is read in chunks into one reused buffer.
 */
import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';

/** One read of this size serves the headers of hundreds of entries, and small entries' data. */
const WINDOW_BYTES = 512 * 1024;
/** Windows kept: enough for the central directory plus the entries being extracted at once. */
const WINDOWS = 8;
/** Reads up to this size go through a window; larger ones straight to the file. */
const CACHED_READ_MAX = 128 * 1024;
const STREAM_CHUNK = 1024 * 1024;
/** An entry this small (packed and unpacked) is read, inflated and written whole, in memory. */
const SMALL_ENTRY_PACKED = 128 * 1024;
const SMALL_ENTRY_BYTES = 1024 * 1024;

export const isSmallEntry = (entry: yauzl.Entry): boolean =>
  entry.uncompressedSize <= SMALL_ENTRY_BYTES && entry.compressedSize <= SMALL_ENTRY_PACKED;

interface Window {
  start: number;
  data: Promise<Buffer>;
}

/** yauzl's RandomAccessReader (its documented extension point) over one file descriptor. */
class WindowedReader extends yauzl.RandomAccessReader {
  private windows: Window[] = [];
  /** Reads still on the thread pool: the fd is closed only once they are back. */
  private pending = 0;
  private closing?: () => void;

  constructor(
    private readonly fd: number,
    private readonly size: number
  ) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    // Not fs.createReadStream: destroying it (as pipeline does at the end of each entry) closes
    // the fd, under the entries still being read.
    let position = start;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const reader = this;
    return new Readable({
      highWaterMark: STREAM_CHUNK,
      read: function (this: Readable) {
        const n = Math.min(STREAM_CHUNK, end - position);
        if (n <= 0) return void this.push(null);
        const buf = Buffer.allocUnsafe(n);
        reader.pread(buf, 0, n, position, (err, got) => {
          if (err) return void this.destroy(err);
          if (!got) return void this.destroy(new Error('unexpected EOF'));
          position += got;
          this.push(got < n ? buf.subarray(0, got) : buf);
        });
      }
    });
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null, bytesRead?: number) => void
  ): void {
    if (length > CACHED_READ_MAX) return this.pread(buffer, offset, length, position, callback);
    const w = this.window(position, length);
    w.data.then(
      (data) => {
        const from = position - w.start;
        const n = Math.max(0, Math.min(length, data.length - from));
        data.copy(buffer, offset, from, from + n);
        callback(null, n);
      },
      (err: Error) => callback(err)
    );
  }

  /** Reads exactly `buffer.length` bytes at `position`. */
  readExactly(buffer: Buffer, position: number): Promise<void> {
    if (!buffer.length) return Promise.resolve();
    return new Promise((resolve, reject) =>
      this.read(buffer, 0, buffer.length, position, (err, n) =>
        err ? reject(err) : n !== buffer.length ? reject(new Error('unexpected EOF')) : resolve()
      )
    );
  }

  pread(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null, bytesRead?: number) => void
  ): void {
    this.pending++;
    fs.read(this.fd, buffer, offset, length, position, (err, n) => {
      this.pending--;
      if (!this.pending && this.closing) {
        const close = this.closing;
        this.closing = undefined;
        close();
      }
      callback(err, n);
    });
  }

  override close(callback: (err: Error | null) => void): void {
    this.windows = [];
    const close = (): void => fs.close(this.fd, callback);
    if (this.pending) this.closing = close;
    else close();
  }

  private found(position: number, length: number): Window | undefined {
    return this.windows.find(
      (w) => w.start <= position && position + length <= Math.min(this.size, w.start + WINDOW_BYTES)
    );
  }

  private window(position: number, length: number): Window {
    const hit = this.found(position, length);
    if (hit) {
      // Most recently used last: the oldest is the one to drop.
      this.windows.splice(this.windows.indexOf(hit), 1);
      this.windows.push(hit);
      return hit;
    }
    const bytes = Math.max(length, Math.min(WINDOW_BYTES, this.size - position));
    const data = new Promise<Buffer>((resolve, reject) => {
      const buf = Buffer.allocUnsafe(bytes);
      fs.read(this.fd, buf, 0, bytes, position, (err, n) =>
        err ? reject(err) : resolve(buf.subarray(0, n))
      );
    });
    const w = { start: position, data };
    this.windows.push(w);
    if (this.windows.length > WINDOWS) this.windows.shift();
    return w;
  }
}

export interface OpenZip {
  zip: yauzl.ZipFile;
  /** The next entry of the central directory, or undefined at its end. */
  nextEntry(): Promise<yauzl.Entry | undefined>;
  /** A small entry's bytes as packed in the archive (stored or deflated: `compressionMethod`). */
  readPacked(entry: yauzl.Entry): Promise<Buffer>;
  /**
   * A stored entry's bytes, read into one buffer reused from chunk to chunk (each chunk is valid
   * only until the next is asked for): a large stored file costs no garbage, so no collections.
   */
  storedChunks(entry: yauzl.Entry): AsyncGenerator<Buffer>;
  /** A stream of an entry's bytes, inflated and checked against its declared size by yauzl. */
  openStream(entry: yauzl.Entry): Promise<Readable>;
  /** Closes the file once the streams still open have ended. */
  close(): void;
}

/** Opens a zip on disk; names are left undecoded (the caller checks them, entry by entry). */
export async function openZip(file: string): Promise<OpenZip> {
  const fd = await new Promise<number>((resolve, reject) =>
    fs.open(file, 'r', (err, f) => (err ? reject(err) : resolve(f)))
  );
  let reader: WindowedReader;
  let zip: yauzl.ZipFile;
  try {
    const size = fs.fstatSync(fd).size;
    reader = new WindowedReader(fd, size);
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.fromRandomAccessReader(
        reader,
        size,
        { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true },
        (err, z) => (err ? reject(err) : resolve(z))
      )
    );
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
  return {
    zip,
    nextEntry: () =>
      new Promise<yauzl.Entry | undefined>((resolve, reject) => {
        const onEntry = (e: yauzl.Entry): void => {
          zip.off('end', onEnd);
          zip.off('error', onError);
          resolve(e);
        };
        const onEnd = (): void => {
          zip.off('entry', onEntry);
          zip.off('error', onError);
          resolve(undefined);
        };
        const onError = (err: Error): void => {
          zip.off('entry', onEntry);
          zip.off('end', onEnd);
          reject(err);
        };
        zip.once('entry', onEntry);
        zip.once('end', onEnd);
        zip.once('error', onError);
        zip.readEntry();
      }),
    async readPacked(entry) {
      if (entry.isEncrypted()) throw new Error('entry is encrypted');
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8)
        throw new Error(`unsupported compression method: ${entry.compressionMethod}`);
      const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true });
      // Its own ArrayBuffer (not a slice of Node's shared pool), so that it can be handed to a thread.
      const raw = Buffer.allocUnsafeSlow(entry.compressedSize);
      await reader.readExactly(raw, fileDataStart);
      return raw;
    },
    async *storedChunks(entry) {
      if (entry.isEncrypted()) throw new Error('entry is encrypted');
      if (entry.compressionMethod !== 0) throw new Error('entry is not stored');
      if (entry.compressedSize !== entry.uncompressedSize)
        throw new Error(
          `compressed/uncompressed size mismatch for stored file: ${entry.compressedSize} != ${entry.uncompressedSize}`
        );
      const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true });
      // As yauzl's own openReadStream checks.
      if (fileDataStart + entry.compressedSize > zip.fileSize)
        throw new Error(
          `file data overflows file bounds: ${fileDataStart} + ${entry.compressedSize} > ${zip.fileSize}`
        );
      const buf = Buffer.allocUnsafeSlow(Math.min(STREAM_CHUNK, Math.max(1, entry.uncompressedSize)));
      for (let done = 0; done < entry.uncompressedSize;) {
        const chunk = buf.subarray(0, Math.min(buf.length, entry.uncompressedSize - done));
        await reader.readExactly(chunk, fileDataStart + done);
        done += chunk.length;
        yield chunk;
      }
    },
    openStream: (entry) =>
      new Promise<Readable>((resolve, reject) =>
        zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s)))
      ),
    close: () => zip.close()
  };
}

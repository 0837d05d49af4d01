import * as fs from 'node:fs';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { Minimatch } from 'minimatch';
import yauzl from 'yauzl';
import { ArtifactLimitError, RemoteError } from '../core/errors.js';
import type { Http, RequestOpts } from '../transport/http.js';
import { isSmallEntry, openZip, type OpenZip } from './zip.js';
import { DamagedEntryError, ZipWriters } from './zip-writers.js';
import { FoldersInside, openForWrite } from '../core/files.js';
import { pathTooLong as tooLong, safeSegment } from '../core/names.js';

/** An entry that inflates more than this many times its packed size is refused past ZIP_BOMB_MIN_BYTES. */
export const MAX_COMPRESSION_RATIO = 1000;
const ZIP_BOMB_MIN_BYTES = 64 * 1024 * 1024;

/**
 * Large entries extracted at once. Their reads, inflation and writes run on libuv's thread
 * pool, so one per pool thread keeps the pool busy while the main thread checks the next names.
 */
export const EXTRACT_CONCURRENCY = Math.max(1, Math.min(32, Number(process.env.UV_THREADPOOL_SIZE) || 4));
/**
 * Entries in flight at once when they are small (inflated and written whole by src/zip-writers.ts):
 * a queue deep enough that the writer threads never wait for the main thread, at most about
 * 4 MiB of packed bytes.
 */
export const SMALL_IN_FLIGHT = 32;

const write = promisify(fs.write);
const close = promisify(fs.close);

/** What a remote uses to put one job's artifacts on disk; every write lands inside `dir`. */
export interface ArtifactSink {
  /** The job's artifact folder (absolute); created when the first file is written. */
  readonly dir: string;
  /** Does `artifacts` select this path (relative, `/`-separated)? A selected folder selects its files. */
  selects(relPath: string): boolean;
  /** Does `artifacts` select anything inside this folder (so the folder is worth fetching)? */
  mayHold(folder: string): boolean;
  /** Downloads one file to `dir/relPath`. */
  downloadFile(http: Http, urlPath: string, relPath: string, opts?: RequestOpts): Promise<void>;
  /**
   * Downloads a zip to a temporary file and extracts its selected entries under
   * `dir/prefix`. Returns false when the server answered a status in `opts.accept`.
   */
  downloadZip(http: Http, urlPath: string, prefix?: string, opts?: RequestOpts): Promise<{ status: number }>;
}

/**
 * The artifacts of one run: selection, the size cap shared by all its jobs, safe paths.
 */
export class ArtifactStore {
  private readonly globs: Minimatch[];
  private used = 0;
  private tempCounter = 0;
  /** Local files written, by job folder. */
  readonly written = new Map<string, string[]>();

  constructor(
    private readonly root: string,
    globs: string[],
    private readonly maxBytes: number,
    private readonly warn: (message: string) => void
  ) {
    this.globs = globs.map((g) => new Minimatch(g, { dot: true }));
  }

  get bytesWritten(): number {
    return this.used;
  }

  /** Paths must be relative and stay inside; `..`, absolute paths and drive letters are refused. */
  static safeJoin(root: string, relPath: string): string | undefined {
    const rel = relPath.replace(/\\/g, '/');
    if (!rel || rel.includes('\0') || rel.startsWith('/') || /^[a-zA-Z]:/.test(rel)) return undefined;
    const names = rel.split('/').filter((p) => p && p !== '.');
    if (!names.length || names.some((p) => p === '..')) return undefined;
    // Each name made one every file system takes (core/names.ts, the rule job names follow too).
    const parts = names.map(safeSegment);
    const full = `${root}${path.sep}${parts.join(path.sep)}`;
    const back = path.relative(root, full);
    if (!back || back.startsWith('..') || path.isAbsolute(back)) return undefined;
    return full;
  }

  forJob(jobFolder: string): ArtifactSink {
    const dir = ArtifactStore.safeJoin(path.join(this.root, 'artifacts'), jobFolder);
    if (!dir) throw new RemoteError(`The job name '${jobFolder}' cannot be made into a folder name.`);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const store = this;
    const matches = (p: string): boolean => this.globs.some((g) => g.match(p));
    // Thousands of entries share a few folders: each folder is matched once.
    const folderSelected = new Map<string, boolean>();
    // Without recursion: a path may be any number of folders deep.
    const selectsFolder = (folder: string): boolean => {
      const unknown: string[] = [];
      let hit = folderSelected.get(folder);
      for (let f = folder; hit === undefined;) {
        unknown.push(f);
        const up = f.lastIndexOf('/');
        if (up <= 0) hit = false;
        else {
          f = f.slice(0, up);
          hit = folderSelected.get(f);
        }
      }
      for (let i = unknown.length - 1; i >= 0; i--) {
        hit = hit || matches(unknown[i]);
        folderSelected.set(unknown[i], hit);
      }
      return hit;
    };
    const selects = (p: string): boolean => {
      const rel = p.replace(/\\/g, '/').split('/').filter(Boolean).join('/');
      if (!rel) return false;
      if (matches(rel)) return true;
      const up = rel.lastIndexOf('/');
      return up > 0 && selectsFolder(rel.slice(0, up));
    };
    return {
      dir,
      selects,
      // minimatch's partial match wants the folder without a trailing slash.
      mayHold: (folder) =>
        selects(folder) || this.globs.some((g) => g.match(folder.replace(/\/+$/, ''), true)),
      async downloadFile(http, urlPath, relPath, opts = {}) {
        const target = ArtifactStore.safeJoin(dir, relPath);
        if (!target) return store.warn(`Skipped artifact '${relPath}': its path leaves the download folder.`);
        if (tooLong(target)) return store.warn(tooLongMessage(relPath));
        await store.prepare(target);
        const before = store.used;
        const tmp = `${target}.part`;
        // Whatever is there (a planted symlink would carry the write outside) goes first.
        fs.rmSync(tmp, { force: true });
        let res: { status: number; bytes: number };
        try {
          res = await http.download(urlPath, tmp, { ...opts, limit: (n) => store.charge(before, n) });
        } catch (err) {
          // Cut short for good (size cap, retries spent): no part of the file stays behind.
          fs.rmSync(tmp, { force: true });
          throw err;
        }
        if (res.status !== 200 && res.status !== 206) {
          // A status the caller accepts (e.g. 404): nothing to keep.
          fs.rmSync(tmp, { force: true });
          return;
        }
        store.used = before + res.bytes;
        fs.renameSync(tmp, target);
        store.record(dir, target);
      },
      async downloadZip(http, urlPath, prefix = '', opts = {}) {
        fs.mkdirSync(store.root, { recursive: true });
        const tmp = path.join(store.root, `.ci-relay-${process.pid}-${store.tempCounter++}.zip`);
        try {
          fs.rmSync(tmp, { force: true });
          const before = store.used;
          const res = await http.download(urlPath, tmp, { ...opts, limit: (n) => store.charge(before, n) });
          if (res.status !== 200 && res.status !== 206) return { status: res.status };
          store.used = before;
          await store.extract(tmp, dir, prefix, selects);
          return { status: res.status };
        } finally {
          fs.rmSync(tmp, { force: true });
        }
      }
    };
  }

  private charge(before: number, bytes: number): void {
    if (before + bytes > this.maxBytes) {
      throw new ArtifactLimitError(
        `Artifacts passed max-artifact-size (${formatBytes(this.maxBytes)}); the download was stopped.`
      );
    }
  }

  /** Folders made or checked already (each level once), never through a planted symlink. */
  private folderMaker?: FoldersInside;

  private async prepare(target: string): Promise<void> {
    this.ensureFolder(path.dirname(target), target);
    try {
      if (fs.lstatSync(target).isSymbolicLink()) fs.unlinkSync(target);
    } catch {
      // does not exist yet
    }
  }

  /**
   * Makes `folder` and the folders above it up to the download folder, one level at a time. A
   * folder or file planted as a symlink must not carry a write, or even a mkdir, outside: each
   * level that exists already must resolve inside; one this store made itself is inside.
   */
  private ensureFolder(folder: string, target: string): void {
    this.folderMaker ??= new FoldersInside(this.root);
    if (folder === this.root) {
      this.folderMaker.ensure(folder);
      return;
    }
    const back = path.relative(this.root, folder);
    if (!back || back.startsWith('..') || path.isAbsolute(back) || !this.folderMaker.ensure(folder))
      throw this.refuse(target);
  }

  private refuse(target: string): RemoteError {
    return new RemoteError(`Refused to write '${target}': its folder leads outside the download folder.`);
  }

  private record(dir: string, file: string): void {
    const list = this.written.get(dir) ?? [];
    list.push(file);
    this.written.set(dir, list);
  }

  /**
   * Extracts the selected entries of a zip on disk, with every guard. Entries are checked,
   * and their bytes reserved against the size cap, one at a time in archive order; then up to
   * EXTRACT_CONCURRENCY of them are read, inflated and written at once. The first failure stops
   * new entries; those already started end (whole, or removed) before it is thrown.
   */
  private async extract(
    zipFile: string,
    dir: string,
    prefix: string,
    selects: (p: string) => boolean
  ): Promise<void> {
    // Names are decoded and checked here, not by yauzl: it would end the whole archive at the first bad one.
    const archive = await openZip(zipFile).catch((err: Error) => {
      throw new RemoteError(`The artifact archive is not a valid zip: ${err.message}`);
    });
    const seen = new Set<string>();
    const writers = new ZipWriters();
    const running = new Set<Promise<void>>();
    let failure: { err: unknown } | undefined;
    try {
      for (;;) {
        const entry = await archive.nextEntry().catch((err: Error) => {
          throw damaged(err);
        });
        if (!entry || failure) break;
        const name = yauzl
          .getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false)
          .replace(/\\/g, '/');
        if (name.endsWith('/')) continue;
        const rel = prefix ? `${prefix.replace(/\/$/, '')}/${name}` : name;
        // Checked before the globs: `**` never matches `..`, and a hostile name deserves a warning.
        const target = ArtifactStore.safeJoin(dir, rel);
        if (!target) {
          this.warn(`Skipped artifact '${rel}': its path leaves the download folder.`);
          continue;
        }
        if (tooLong(target)) {
          this.warn(tooLongMessage(rel));
          continue;
        }
        if (!selects(rel)) continue;
        const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
        if (mode === 0o120000) {
          this.warn(`Skipped artifact '${rel}': it is a symbolic link.`);
          continue;
        }
        if (seen.has(target)) {
          this.warn(`Skipped artifact '${rel}': the archive holds that name twice.`);
          continue;
        }
        seen.add(target);
        if (
          entry.uncompressedSize > ZIP_BOMB_MIN_BYTES &&
          entry.uncompressedSize > MAX_COMPRESSION_RATIO * Math.max(entry.compressedSize, 1)
        ) {
          throw new ArtifactLimitError(
            `Refused artifact '${rel}': it inflates ${Math.round(entry.uncompressedSize / Math.max(entry.compressedSize, 1))} times its packed size (a zip bomb?).`
          );
        }
        const base = this.used;
        this.charge(base, entry.uncompressedSize);
        try {
          this.ensureFolder(path.dirname(target), target);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENAMETOOLONG') throw err;
          this.warn(tooLongMessage(rel));
          continue;
        }
        // Reserved in archive order, so the cap stops at the same entry however many run at once.
        this.used = base + entry.uncompressedSize;
        // A large entry starts only while fewer than EXTRACT_CONCURRENCY run, so at most that many stream.
        const limit = isSmallEntry(entry) ? SMALL_IN_FLIGHT : EXTRACT_CONCURRENCY;
        while (running.size >= limit) await Promise.race(running);
        if (failure) {
          this.used -= entry.uncompressedSize;
          break;
        }
        const task = this.extractEntry(archive, writers, entry, target, base).then(
          () => this.record(dir, target),
          (err: unknown) => {
            this.used -= entry.uncompressedSize;
            if ((err as NodeJS.ErrnoException).code === 'ENAMETOOLONG') this.warn(tooLongMessage(rel));
            else failure ??= { err };
          }
        );
        running.add(task);
        void task.finally(() => running.delete(task));
      }
    } finally {
      await Promise.all(running);
      archive.close();
      await writers.close();
    }
    if (failure) throw failure.err;
  }

  /**
   * A large stored entry: its bytes copied from the archive with one reused buffer, read and
   * written on the thread pool. Through streams, each 1 MiB chunk would be a new buffer, and a
   * gigabyte of them makes V8 collect its whole heap about every 64 MB.
   */
  private async copyStored(
    archive: OpenZip,
    entry: yauzl.Entry,
    target: string,
    base: number
  ): Promise<void> {
    const fd = openForWrite(target);
    try {
      let n = 0;
      try {
        for await (const chunk of archive.storedChunks(entry)) {
          this.charge(base, n + chunk.length);
          await writeAt(fd, chunk, n);
          n += chunk.length;
        }
      } catch (err) {
        throw asEntryError(err);
      } finally {
        await close(fd);
      }
    } catch (err) {
      // An entry cut short (size cap, damaged archive) is not left behind as if whole.
      discard(target);
      throw err;
    }
  }

  /** Writes one entry to `target`; on any failure nothing of it stays there. */
  private async extractEntry(
    archive: OpenZip,
    writers: ZipWriters,
    entry: yauzl.Entry,
    target: string,
    base: number
  ): Promise<void> {
    if (isSmallEntry(entry)) {
      const raw = await archive.readPacked(entry).catch((err: Error) => {
        throw damaged(err);
      });
      // Inflated to exactly its declared size (already charged) or refused, and written, by a thread.
      await writers
        .write(target, raw, entry.compressionMethod, entry.uncompressedSize)
        .catch((err: Error) => {
          throw err instanceof DamagedEntryError ? damaged(err) : err;
        });
      return;
    }
    if (entry.compressionMethod === 0) return this.copyStored(archive, entry, target, base);
    const input = await archive.openStream(entry).catch((err: Error) => {
      throw damaged(err);
    });
    let n = 0;
    const meter = new Transform({
      transform: (chunk: Buffer, _e, done) => {
        n += chunk.length;
        try {
          this.charge(base, n);
        } catch (err) {
          return done(err as Error);
        }
        done(null, chunk);
      }
    });
    let out: fs.WriteStream;
    try {
      out = fs.createWriteStream('', { fd: openForWrite(target) });
    } catch (err) {
      input.destroy();
      throw err;
    }
    try {
      await pipeline(input, meter, out);
    } catch (err) {
      // An entry cut short (size cap, damaged archive) is not left behind as if whole.
      if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
      discard(target);
      throw asEntryError(err);
    }
  }
}

/** Writes all of `data` at `position` of the open file `fd`. */
async function writeAt(fd: number, data: Buffer, position: number): Promise<void> {
  for (let off = 0; off < data.length;) {
    const { bytesWritten } = await write(fd, data, off, data.length - off, position + off);
    off += bytesWritten;
  }
}

function tooLongMessage(rel: string): string {
  const shown = rel.length > 200 ? `${rel.slice(0, 200)}…` : rel;
  return `Skipped artifact '${shown}' (${rel.length} characters): its path is longer than a file system can hold (ENAMETOOLONG).`;
}

/** Removes what an entry or a download left half-written. */
function discard(file: string): void {
  fs.rmSync(file, { force: true });
}

function damaged(err: Error): RemoteError {
  return new RemoteError(`The artifact archive is damaged: ${err.message}`);
}

/** What cut an entry short: ours (size cap) and the disk's errors as they are, else the archive's damage. */
function asEntryError(err: unknown): unknown {
  return err instanceof RemoteError || (err as NodeJS.ErrnoException).syscall ? err : damaged(err as Error);
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}

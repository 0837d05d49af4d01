import * as fs from 'node:fs';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Minimatch } from 'minimatch';
import yauzl from 'yauzl';
import { ArtifactLimitError, RemoteError } from './errors.js';
import type { Http, RequestOpts } from './http.js';

/** An entry that inflates more than this many times its packed size is refused past ZIP_BOMB_MIN_BYTES. */
export const MAX_COMPRESSION_RATIO = 1000;
const ZIP_BOMB_MIN_BYTES = 64 * 1024 * 1024;

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
    const parts = rel.split('/').filter((p) => p && p !== '.');
    if (!parts.length || parts.some((p) => p === '..')) return undefined;
    const full = path.join(root, ...parts);
    const back = path.relative(root, full);
    if (!back || back.startsWith('..') || path.isAbsolute(back)) return undefined;
    return full;
  }

  forJob(jobFolder: string): ArtifactSink {
    const dir = ArtifactStore.safeJoin(path.join(this.root, 'artifacts'), jobFolder);
    if (!dir) throw new RemoteError(`The job name '${jobFolder}' cannot be made into a folder name.`);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const store = this;
    const selects = (p: string): boolean => {
      const parts = p.replace(/\\/g, '/').split('/').filter(Boolean);
      for (let i = parts.length; i > 0; i--) {
        const prefix = parts.slice(0, i).join('/');
        if (this.globs.some((g) => g.match(prefix))) return true;
      }
      return false;
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
        await store.prepare(dir, target);
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

  private async prepare(dir: string, target: string): Promise<void> {
    // A folder or file planted as a symlink must not carry a write, or even a mkdir, outside.
    fs.mkdirSync(this.root, { recursive: true });
    const realRoot = fs.realpathSync(this.root);
    const inside = (real: string | undefined): boolean => {
      if (real === undefined) return false;
      const rel = path.relative(realRoot, real);
      return rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
    };
    const refuse = (): RemoteError =>
      new RemoteError(`Refused to write '${target}': its folder leads outside the download folder.`);
    let existing = path.dirname(target);
    while (!lexists(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
    if (!inside(realpath(existing))) throw refuse();
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (!inside(realpath(path.dirname(target)))) throw refuse();
    try {
      if (fs.lstatSync(target).isSymbolicLink()) fs.unlinkSync(target);
    } catch {
      // does not exist yet
    }
    void dir;
  }

  private record(dir: string, file: string): void {
    const list = this.written.get(dir) ?? [];
    list.push(file);
    this.written.set(dir, list);
  }

  /** Extracts the selected entries of a zip on disk, streaming each, with every guard. */
  private async extract(
    zipFile: string,
    dir: string,
    prefix: string,
    selects: (p: string) => boolean
  ): Promise<void> {
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      // Names are decoded and checked here, not by yauzl: it would end the whole archive at the first bad one.
      yauzl.open(
        zipFile,
        { lazyEntries: true, autoClose: true, decodeStrings: false, validateEntrySizes: true },
        (err, z) =>
          err
            ? reject(new RemoteError(`The artifact archive is not a valid zip: ${err.message}`))
            : resolve(z)
      )
    );
    const seen = new Set<string>();
    try {
      for (;;) {
        const entry = await new Promise<yauzl.Entry | undefined>((resolve, reject) => {
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
            reject(new RemoteError(`The artifact archive is damaged: ${err.message}`));
          };
          zip.once('entry', onEntry);
          zip.once('end', onEnd);
          zip.once('error', onError);
          zip.readEntry();
        });
        if (!entry) break;
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
        this.charge(this.used, entry.uncompressedSize);
        await this.prepare(dir, target);
        const input = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
          zip.openReadStream(entry, (err, s) =>
            err ? reject(new RemoteError(`The artifact archive is damaged: ${err.message}`)) : resolve(s)
          )
        );
        const start = this.used;
        let n = 0;
        const meter = new Transform({
          transform: (chunk: Buffer, _e, done) => {
            n += chunk.length;
            try {
              this.charge(start, n);
            } catch (err) {
              return done(err as Error);
            }
            done(null, chunk);
          }
        });
        const out = fs.createWriteStream(target);
        try {
          await pipeline(input, meter, out);
        } catch (err) {
          // An entry cut short (size cap, damaged archive) is not left behind as if whole.
          if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
          fs.rmSync(target, { force: true });
          throw err;
        }
        this.used = start + n;
        this.record(dir, target);
      }
    } finally {
      zip.close();
    }
  }
}

/** Exists, without following a final symlink. */
function lexists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** The real path, or undefined when it cannot be resolved (a dangling symlink). */
function realpath(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
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

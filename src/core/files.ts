/**
 * Files ci-relay writes where others may have planted links (the download folder: job logs,
 * artifacts, test-result copies; the result file): the one place that creates a file for
 * writing without following a symlink, and makes folders that stay inside their root.
 * The zip-writer worker thread (artifacts/zip-writer.cjs) runs alone and cannot import this:
 * it keeps the same rule in its own openForWrite, for the files it writes itself.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const { O_WRONLY, O_CREAT, O_TRUNC, O_APPEND, O_NOFOLLOW } = fs.constants;

/**
 * Opens `target` for writing (truncated, or appended to) without following a symlink there:
 * one planted at it is removed and a plain file made in its place (O_NOFOLLOW where the system
 * has it; elsewhere, Windows, the link is looked for and removed first).
 */
export function openForWrite(target: string, append = false): number {
  const flags =
    O_NOFOLLOW === undefined
      ? append
        ? 'a'
        : 'w'
      : O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC) | O_NOFOLLOW;
  try {
    if (O_NOFOLLOW === undefined && fs.lstatSync(target).isSymbolicLink()) fs.unlinkSync(target);
  } catch {
    // does not exist yet
  }
  try {
    return fs.openSync(target, flags, 0o666);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOOP') throw err;
    fs.unlinkSync(target);
    return fs.openSync(target, flags, 0o666);
  }
}

/** Writes `data` to `target` as a file of its own: a symlink planted there is replaced, not followed. */
export function writeFileNoFollow(target: string, data: string | Uint8Array): void {
  const fd = openForWrite(target);
  try {
    fs.writeFileSync(fd, data);
  } finally {
    fs.closeSync(fd);
  }
}

/** Copies `source` to `target` without following a symlink planted at `target`. */
export function copyFileNoFollow(source: string, target: string): void {
  const from = fs.openSync(source, 'r');
  try {
    const to = openForWrite(target);
    try {
      const buf = Buffer.allocUnsafe(1024 * 1024);
      for (;;) {
        const n = fs.readSync(from, buf, 0, buf.length, null);
        if (n === 0) break;
        for (let off = 0; off < n;) off += fs.writeSync(to, buf, off, n - off);
      }
    } finally {
      fs.closeSync(to);
    }
  } finally {
    fs.closeSync(from);
  }
}

/**
 * Folders made under one root, each level at a time and without recursion (any depth): a level
 * that exists already must resolve inside the root, so a folder planted as a symlink never
 * carries a write, or even a mkdir, outside. Levels made or checked are remembered.
 */
export class FoldersInside {
  private readonly known = new Set<string>();
  private realRoot?: string;

  constructor(private readonly root: string) {}

  /**
   * Makes `folder` and the folders between it and the root; false when it is not under the root
   * or a level leads outside. File system errors (ENAMETOOLONG, ENOSPC, …) are thrown as they are.
   */
  ensure(folder: string): boolean {
    if (this.known.has(folder)) return true;
    if (this.realRoot === undefined) {
      fs.mkdirSync(this.root, { recursive: true });
      this.realRoot = fs.realpathSync(this.root);
    }
    const rel = path.relative(this.root, folder);
    if (rel === '') return true;
    if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return false;
    // The deepest level known already, then each level below it in turn.
    const parts = rel.split(path.sep);
    let level = parts.length;
    let at = folder;
    while (level > 0 && !this.known.has(at)) {
      level--;
      at = path.dirname(at);
    }
    for (; level < parts.length; level++) {
      at = `${at}${path.sep}${parts[level]}`;
      try {
        fs.mkdirSync(at);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        let real: string | undefined;
        try {
          real = fs.realpathSync(at);
        } catch {
          // a dangling symlink
        }
        const back = real === undefined ? '..' : path.relative(this.realRoot, real);
        if (back === '..' || back.startsWith(`..${path.sep}`) || path.isAbsolute(back)) return false;
      }
      this.known.add(at);
    }
    return true;
  }
}

import * as path from 'node:path';

/**
 * Windows' device names, with any extension, on every system (Azure and Jenkins agents run
 * Windows): CON, PRN, AUX, NUL, COM0–9 and LPT0–9 with the superscript digits ¹²³ too, CONIN$,
 * CONOUT$ (learn.microsoft.com, "Naming Files, Paths, and Namespaces"). Windows ignores the
 * spaces and dots that end the part before the extension.
 */
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)[. ]*$/i;
/** Characters no Windows name may hold, and controls (C0, DEL, C1). */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\x00-\x1f<>:"/\\|?*\x7f-\x9f]/g;
/** Longest job name made, in UTF-8 bytes: file systems count bytes (255 on most), and `.log` follows. */
const MAX_NAME_BYTES = 120;
/** The longest name any common file system holds, in UTF-8 bytes. */
export const MAX_SEGMENT_BYTES = 255;

/** Longest path the file systems ci-relay writes to take (Linux's PATH_MAX less its NUL), in bytes. */
const MAX_PATH_BYTES = 4095;

/** A path no file system can hold: a name longer than MAX_SEGMENT_BYTES, or the whole past MAX_PATH_BYTES. */
export function pathTooLong(target: string): boolean {
  return (
    Buffer.byteLength(target) > MAX_PATH_BYTES ||
    target.split(path.sep).some((name) => Buffer.byteLength(name) > MAX_SEGMENT_BYTES)
  );
}

/** The longest start of `text` that fits in `maxBytes` of UTF-8, never splitting a character. */
function cutToBytes(text: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > maxBytes) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/**
 * The one rule for a name (a job's file, or one folder or file of an artifact's path) that every
 * file system takes, Windows' too: the characters it forbids and controls become `_`, a device
 * name gets a `_` before it, a name ending in a dot or space gets `_` after it. `.` and `..`
 * are not names: callers refuse them first. Returns a non-empty name.
 */
export function safeSegment(name: string): string {
  let out = name.replace(FORBIDDEN, '_').replace(/[. ]+$/, '_');
  if (!out) out = '_';
  if (RESERVED.test(out.split('.')[0]) || RESERVED.test(out)) out = `_${out}`;
  return out;
}

/** A job name made safe as a file or folder name on every file system. */
export function safeFileName(name: string): string {
  const cut = cutToBytes(name.normalize('NFC').replace(FORBIDDEN, '_').replace(/\s+/g, '_'), MAX_NAME_BYTES)
    .replace(/^\.+/, '_')
    .replace(/[. ]+$/, '_');
  return safeSegment(cut);
}

/** Gives each job a file name of its own: the second job called `build` becomes `build-<key>`. */
export class JobNames {
  private readonly byKey = new Map<string, string>();
  private readonly taken = new Set<string>();

  constructor(private readonly dir: string) {}

  name(key: string, jobName: string): string {
    const known = this.byKey.get(key);
    if (known) return known;
    const base = safeFileName(jobName);
    // The suffix must survive the length cut, or long names would never become unique.
    const withSuffix = (suffix: string): string =>
      safeFileName(`${cutToBytes(base, MAX_NAME_BYTES - Buffer.byteLength(suffix))}${suffix}`);
    const keyPart = cutToBytes(safeFileName(key), 40);
    let name = base;
    if (this.taken.has(name.toLowerCase())) name = withSuffix(`-${keyPart}`);
    for (let i = 2; this.taken.has(name.toLowerCase()); i++) name = withSuffix(`-${keyPart}-${i}`);
    this.taken.add(name.toLowerCase());
    this.byKey.set(key, name);
    return name;
  }

  logPath(key: string, jobName: string): string {
    return path.join(this.dir, `${this.name(key, jobName)}.log`);
  }
}

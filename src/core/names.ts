import * as path from 'node:path';

const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;
/** Longest name made, in UTF-8 bytes: file systems count bytes (255 on most), and `.log` follows. */
const MAX_NAME_BYTES = 120;

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

/** A job name made safe as a file or folder name on every file system. */
export function safeFileName(name: string): string {
  let out = cutToBytes(
    name
      .normalize('NFC')
      // eslint-disable-next-line no-control-regex
      .replace(/[\x00-\x1f<>:"/\\|?*\x7f]/g, '_')
      .replace(/\s+/g, '_'),
    MAX_NAME_BYTES
  )
    .replace(/^\.+/, '_')
    .replace(/[. ]+$/, '_');
  if (!out) out = '_';
  if (RESERVED.test(out.split('.')[0])) out = `_${out}`;
  return out;
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

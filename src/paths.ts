import * as path from 'node:path';

const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

/** A job name made safe as a file or folder name on every file system. */
export function safeFileName(name: string): string {
  let out = name
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\x00-\x1f<>:"/\\|?*\x7f]/g, '_')
    .replace(/\s+/g, '_')
    .replace(/^\.+/, '_')
    .replace(/[. ]+$/, '_')
    .slice(0, 120);
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
    let name = safeFileName(jobName);
    if (this.taken.has(name.toLowerCase())) name = safeFileName(`${jobName}-${key}`);
    for (let i = 2; this.taken.has(name.toLowerCase()); i++) name = safeFileName(`${jobName}-${key}-${i}`);
    this.taken.add(name.toLowerCase());
    this.byKey.set(key, name);
    return name;
  }

  logPath(key: string, jobName: string): string {
    return path.join(this.dir, `${this.name(key, jobName)}.log`);
  }
}

/**
 * Every form a secret takes on the wire, so a server echoing it back is masked too: as it is,
 * inside JSON, URL-encoded (as a path or query part, and as a form field: `+` for a space,
 * `!'()*~` escaped too), with lower-case escapes as some servers write them.
 */
export function wireForms(text: string): string[] {
  const forms = new Set([
    text,
    JSON.stringify(text).slice(1, -1),
    encodeURIComponent(text),
    new URLSearchParams([['', text]]).toString().slice(1)
  ]);
  for (const form of [...forms]) {
    if (/%[0-9A-F]{2}/.test(form)) forms.add(form.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  }
  return [...forms];
}

/**
 * Scrubs secrets from everything ci-relay writes, in every host. GitHub and Azure mask
 * registered secrets too, but the CLI has no such help, and defence in depth costs little.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  add(value: string | undefined): void {
    if (!value) return;
    for (const part of [value, ...value.split(/\r?\n/)]) {
      // Very short values would mask ordinary words; GitHub skips them too.
      const text = part.trim();
      if (text.length < 3) continue;
      for (const form of wireForms(text)) this.secrets.add(form);
    }
  }

  get values(): readonly string[] {
    return [...this.secrets];
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is masked whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) {
      if (out.includes(s)) out = out.split(s).join('***');
    }
    return out;
  }
}

const MASK = Buffer.from('***');

/**
 * Masks secrets in a stream of bytes whose chunks may cut a secret in two: the bytes that
 * could begin a secret are held back until the next chunk (or the end) shows whether they do.
 */
export class StreamRedactor {
  private held = Buffer.alloc(0);
  private readonly secrets: Buffer[];
  private readonly longest: number;

  constructor(secrets: readonly string[]) {
    this.secrets = secrets.map((s) => Buffer.from(s)).sort((a, b) => b.length - a.length);
    this.longest = this.secrets[0]?.length ?? 0;
  }

  /** The chunk's bytes that are safe to write now. */
  push(chunk: Buffer): Buffer {
    if (!this.longest) return chunk;
    return this.scan(this.held.length ? Buffer.concat([this.held, chunk]) : chunk, false);
  }

  /** What was held back, once nothing more will come. */
  end(): Buffer {
    return this.scan(this.held, true);
  }

  private scan(data: Buffer, final: boolean): Buffer {
    const cut = final ? data.length : Math.max(0, data.length - (this.longest - 1));
    const out: Buffer[] = [];
    // Each secret's next occurrence at or after `i`, searched again only once `i` passed it:
    // every byte is searched once per secret however many secrets the data holds (linear).
    const next = this.secrets.map((s) => data.indexOf(s));
    let i = 0;
    for (;;) {
      let at = -1;
      let length = 0;
      for (let k = 0; k < this.secrets.length; k++) {
        if (next[k] >= 0 && next[k] < i) next[k] = data.indexOf(this.secrets[k], i);
        const p = next[k];
        if (p >= 0 && (at < 0 || p < at)) [at, length] = [p, this.secrets[k].length];
      }
      if (at < 0 || at >= cut) break;
      out.push(data.subarray(i, at), MASK);
      i = at + length;
    }
    const end = Math.max(i, cut);
    out.push(data.subarray(i, end));
    this.held = Buffer.from(data.subarray(end));
    return out.length === 1 ? out[0] : Buffer.concat(out);
  }
}

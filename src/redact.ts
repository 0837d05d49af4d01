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
      // Also as it reads inside JSON and inside a URL.
      for (const form of [text, JSON.stringify(text).slice(1, -1), encodeURIComponent(text)])
        this.secrets.add(form);
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

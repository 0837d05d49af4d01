import { Redactor } from '../logs/redact.js';
import { neutralizeCommands, tidyRemoteLine } from '../logs/neutralise.js';
import { annotationText, type Annotation, type Host, type HostKind, type Outcome } from '../core/host.js';

/**
 * What every host shares: every string bound for the host passes here, redacted and then
 * neutralised (src/logs/neutralise.ts), before an adapter's own write path sees it. The adapters
 * implement only the `write*` methods, which take text already made plain.
 */
export abstract class BaseHost implements Host {
  abstract readonly kind: HostKind;
  readonly redactor = new Redactor();

  abstract input(name: string): string;
  protected abstract write(kind: 'info' | 'warning' | 'error' | 'debug', message: string): void;
  protected abstract writeGroup(title: string): void;
  abstract endGroup(): void;
  protected abstract writeRemote(lines: string[]): void;
  protected abstract writeOutput(name: string, value: string): void;
  abstract finish(outcome: Outcome): Promise<number>;

  get isPost(): boolean {
    return false;
  }

  /** Any text for the host: no secret, and nothing a runner would obey. */
  plain(text: string): string {
    return neutralizeCommands(this.redactor.redact(text));
  }

  secret(value: string): void {
    this.redactor.add(value);
  }

  get secrets(): readonly string[] {
    return this.redactor.values;
  }

  info(message: string): void {
    this.write('info', this.plain(message));
  }
  warning(message: string): void {
    this.write('warning', this.plain(message));
  }
  error(message: string): void {
    this.write('error', this.plain(message));
  }
  debug(message: string): void {
    this.write('debug', this.plain(message));
  }

  /** A group's title on one line. */
  startGroup(title: string): void {
    this.writeGroup(this.plain(title.replace(/\s*[\r\n\u0085\u2028\u2029]+\s*/g, ' ')));
  }

  remoteLines(lines: string[]): void {
    // Redacted again once tidied: a secret split by a control sequence the tidying drops is whole again.
    if (lines.length) this.writeRemote(lines.map((l) => this.plain(tidyRemoteLine(this.redactor.redact(l)))));
  }

  setOutput(name: string, value: string): void {
    this.writeOutput(name, this.plain(value));
  }

  async summary(markdown: string): Promise<void> {
    await this.writeSummary(this.plain(markdown));
  }
  protected async writeSummary(_markdown: string): Promise<void> {}

  annotate(a: Annotation): void {
    this.writeAnnotation({
      ...a,
      title: this.plain(a.title),
      message: this.plain(a.message),
      file: a.file === undefined ? undefined : this.plain(a.file)
    });
  }

  /** An annotation whose text is plain already; hosts without annotations log it as one line. */
  protected writeAnnotation(a: Annotation): void {
    this.write(a.kind, neutralizeCommands(annotationText(a)));
  }

  publishTestResults(_files: string[]): void {}

  saveState(_name: string, _value: string): void {}
  getState(_name: string): string {
    return '';
  }
}

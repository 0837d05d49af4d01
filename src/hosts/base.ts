import { Redactor } from '../logs/redact.js';
import { tidyRemoteLine } from '../logs/neutralise.js';
import { annotationText, type Annotation, type Host, type HostKind, type Outcome } from '../core/host.js';

/** What every host shares: redaction of everything written, and the message of an outcome. */
export abstract class BaseHost implements Host {
  abstract readonly kind: HostKind;
  readonly redactor = new Redactor();

  abstract input(name: string): string;
  protected abstract write(kind: 'info' | 'warning' | 'error' | 'debug', message: string): void;
  abstract startGroup(title: string): void;
  abstract endGroup(): void;
  protected abstract writeRemote(lines: string[]): void;
  abstract setOutput(name: string, value: string): void;
  abstract finish(outcome: Outcome): Promise<number>;

  get isPost(): boolean {
    return false;
  }

  secret(value: string): void {
    this.redactor.add(value);
  }

  get secrets(): readonly string[] {
    return this.redactor.values;
  }

  info(message: string): void {
    this.write('info', this.redactor.redact(message));
  }
  warning(message: string): void {
    this.write('warning', this.redactor.redact(message));
  }
  error(message: string): void {
    this.write('error', this.redactor.redact(message));
  }
  debug(message: string): void {
    this.write('debug', this.redactor.redact(message));
  }

  remoteLines(lines: string[]): void {
    // Redacted again once tidied: a secret split by a control sequence the tidying drops is whole again.
    if (lines.length)
      this.writeRemote(lines.map((l) => this.redactor.redact(tidyRemoteLine(this.redactor.redact(l)))));
  }

  async summary(_markdown: string): Promise<void> {}

  annotate(annotation: Annotation): void {
    const text = annotationText(annotation);
    if (annotation.kind === 'error') this.error(text);
    else this.warning(text);
  }

  publishTestResults(_files: string[]): void {}

  saveState(_name: string, _value: string): void {}
  getState(_name: string): string {
    return '';
  }
}

import { Redactor } from '../redact.js';
import type { OutputName } from '../inputs.js';
import type { Result } from '../result.js';
import { AbortedError, InputError, RemoteError } from '../errors.js';

export type HostKind = 'github' | 'azure' | 'cli';

/** How a step ends: a run's result, or an error before or instead of one. */
export type Outcome = { result: Result; error?: undefined } | { error: Error; result?: Result };

/**
 * Where ci-relay runs. The relay talks only to this; each host maps it onto its own log
 * commands, outputs and exit status.
 */
export interface Host {
  readonly kind: HostKind;
  /** The raw value of an input by its contract name (kebab-case), trimmed; '' when unset. */
  input(name: string): string;
  /** Registers a secret: the host masks it, and nothing ci-relay writes contains it. */
  secret(value: string): void;
  /** Every secret registered, in every form it is masked in. */
  readonly secrets: readonly string[];
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  debug(message: string): void;
  startGroup(title: string): void;
  endGroup(): void;
  /** Lines of a remote log (no line ends): shown as text, never obeyed as host commands. */
  remoteLines(lines: string[]): void;
  setOutput(name: OutputName, value: string): void;
  /** A Markdown report of the run, where the host has a place for one. */
  summary(markdown: string): Promise<void>;
  /** Ends the step (status, result file, …) and returns the process exit code. */
  finish(outcome: Outcome): Promise<number>;
  /** State for the GitHub post step; a no-op elsewhere. */
  saveState(name: string, value: string): void;
  getState(name: string): string;
  /** True in GitHub's post step. */
  readonly isPost: boolean;
  /**
   * A message pinned to the step (GitHub annotation, Azure issue), at a source file and line
   * when known. Its text comes from the remote: redacted and never obeyed as a command.
   */
  annotate(annotation: Annotation): void;
  /** JUnit files the host shows in its own test view (Azure's Tests tab); a no-op elsewhere. */
  publishTestResults(files: string[]): void;
}

/** One annotation: a failed test or a failed remote job. */
export interface Annotation {
  kind: 'error' | 'warning';
  title: string;
  message: string;
  /** Relative to the repository root, as the report gives it. */
  file?: string;
  line?: number;
}

/** An annotation as one plain line, for hosts that have no annotations of their own. */
export function annotationText(a: Annotation): string {
  const where = a.file ? ` (${a.file}${a.line ? `:${a.line}` : ''})` : '';
  return `${a.title}${where}: ${a.message}`;
}

/** CONTRACT.md, "Exit status". */
export function exitCode(outcome: Outcome): number {
  if (outcome.error) {
    if (outcome.error instanceof InputError) return 2;
    if (outcome.error instanceof AbortedError) return 1;
    if (outcome.error instanceof RemoteError) return 4;
    return 4;
  }
  const { result } = outcome;
  if (result.accepted) return 0;
  if (result.conclusion === 'timed_out') return 3;
  if (result.conclusion === 'error') return 4;
  return 1;
}

/**
 * Escape sequences other than colours (SGR, `ESC[…m`): cursor moves, screen clears, scroll,
 * titles and hyperlinks (OSC), device strings (DCS, APC, PM, SOS), lone ESCs; C0 and C1 controls
 * but tab.
 */
const ESCAPES =
  // eslint-disable-next-line no-control-regex
  /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[PX^_][^\x1b]*(?:\x1b\\)?|\x1b[ -/]*[0-~]?|[\x00-\x08\x0a-\x1a\x1c-\x1f\x7f-\x9f]/g;
// eslint-disable-next-line no-control-regex
const SGR = /^\x1b\[[0-9;:]*m$/;
/** Longest line shown; the saved log keeps every byte. */
export const MAX_SHOWN_LINE = 16 * 1024;

/** A remote line made safe to show in any host: no control sequences but colours, not too long. */
export function tidyRemoteLine(line: string): string {
  let out = line.replace(ESCAPES, (m) => (SGR.test(m) ? m : ''));
  if (out.length > MAX_SHOWN_LINE) {
    out = `${out.slice(0, MAX_SHOWN_LINE)} … (${out.length - MAX_SHOWN_LINE} more characters in the saved log)`;
  }
  return out;
}

/**
 * Text that no runner takes for a command: GitHub obeys `::name::` at a line's start (after
 * spaces) and `##[name]` anywhere; Azure `##vso[…]` and `##[…]` anywhere. A zero-width space
 * inside each keeps the text as it reads.
 */
export function neutralizeCommands(text: string): string {
  return text.replace(/^(\s*):(?=:)/gm, '$1:\u200b').replace(/##(?=(?:vso)?\[)/gi, '##\u200b');
}

/** What every host shares: redaction of everything written, and the message of an outcome. */
export abstract class BaseHost implements Host {
  abstract readonly kind: HostKind;
  readonly redactor = new Redactor();

  abstract input(name: string): string;
  protected abstract write(kind: 'info' | 'warning' | 'error' | 'debug', message: string): void;
  abstract startGroup(title: string): void;
  abstract endGroup(): void;
  protected abstract writeRemote(lines: string[]): void;
  abstract setOutput(name: OutputName, value: string): void;
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

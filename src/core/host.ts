/**
 * The Host port: what a run may tell the host it runs in (lines, groups, warnings, outputs,
 * summary, exit). The adapters in src/hosts/ implement it; everything else talks only to this.
 */
import type { Result } from './result.js';
import { AbortedError, InputError, RemoteError } from './errors.js';

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
  /** A step output: one of the contract's outputs, or a value the remote handed back. */
  setOutput(name: string, value: string): void;
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

/**
 * Each of several runs sees the step's Host through one of these (CONTRACT.md, "Several runs").
 *
 * Log groups: GitHub's `::group::` and Azure's `##[group]` cannot nest or interleave, and
 * several runs stream at the same time, so a group opened by one run would swallow the lines
 * of the others and fold them away under the wrong title. So while several runs stream, no
 * host group is opened at all: a job's start is one line (`[name] ▶ job`), and every remote
 * line carries `[name/job]`, which the host's log search (and grep on the CLI) filters on to
 * follow one run live. Each job's whole log is its saved file, linked from the summary.
 *
 * Every line is handed to the step's host whole, in one write: two runs' bytes never share a
 * line. Secrets are the step's (every run's secrets are masked in every run's text). Outputs
 * are kept per run, never set on the step; saved state goes to `onState` (the post step's list
 * of runs to cancel).
 */
import { exitCode, type Annotation, type Host, type Outcome } from '../core/host.js';

export class RunHost implements Host {
  readonly isPost = false;
  /** The outputs this run set, by contract name. */
  readonly outputs = new Map<string, string>();
  private job = '';

  constructor(
    private readonly step: Host,
    /** The run's name made safe (its folder name): no line breaks, no command characters. */
    readonly name: string,
    private readonly onState: (name: string, value: string) => void = () => {}
  ) {}

  get kind(): Host['kind'] {
    return this.step.kind;
  }

  /** Inputs were read once for every run (config/runs.ts): a run reads none of its own. */
  input(_name: string): string {
    return '';
  }

  secret(value: string): void {
    this.step.secret(value);
  }

  get secrets(): readonly string[] {
    return this.step.secrets;
  }

  private mark(message: string): string {
    return message
      .split('\n')
      .map((line) => `[${this.name}] ${line}`)
      .join('\n');
  }

  info(message: string): void {
    this.step.info(this.mark(message));
  }
  warning(message: string): void {
    this.step.warning(this.mark(message));
  }
  error(message: string): void {
    this.step.error(this.mark(message));
  }
  debug(message: string): void {
    this.step.debug(this.mark(message));
  }

  /** No host group (see above): the job's start is a line of its own, and its lines are marked with it. */
  startGroup(title: string): void {
    this.job = title.replace(/[\r\n]+/g, ' ');
    this.step.info(`[${this.name}] ▶ ${this.job}`);
  }

  endGroup(): void {
    this.job = '';
  }

  remoteLines(lines: string[]): void {
    if (!lines.length) return;
    const prefix = this.job ? `[${this.name}/${this.job}] ` : `[${this.name}] `;
    this.step.remoteLines(lines.map((l) => prefix + l));
  }

  setOutput(name: string, value: string): void {
    this.outputs.set(name, value);
  }

  async summary(_markdown: string): Promise<void> {}

  async finish(outcome: Outcome): Promise<number> {
    return exitCode(outcome);
  }

  saveState(name: string, value: string): void {
    this.onState(name, value);
  }

  getState(_name: string): string {
    return '';
  }

  annotate(annotation: Annotation): void {
    this.step.annotate({ ...annotation, title: `[${this.name}] ${annotation.title}` });
  }

  publishTestResults(files: string[]): void {
    this.step.publishTestResults(files);
  }
}

import { randomBytes } from 'node:crypto';
import * as core from '@actions/core';
import type { OutputName } from '../config/inputs.js';
import { exitCode, type Annotation, type Outcome } from '../core/host.js';
import { neutralizeCommands } from '../logs/neutralise.js';
import { BaseHost } from './base.js';

/** GitHub Actions through @actions/core: inputs, masks, groups, step outputs, job summary, post-step state. */
export class GitHubHost extends BaseHost {
  readonly kind = 'github' as const;

  input(name: string): string {
    return core.getInput(name);
  }

  private readonly masked = new Set<string>();

  override secret(value: string): void {
    super.secret(value);
    for (const v of this.redactor.values) {
      if (this.masked.has(v)) continue;
      this.masked.add(v);
      core.setSecret(v);
    }
  }

  protected write(kind: 'info' | 'warning' | 'error' | 'debug', message: string): void {
    // core.info writes the text as it is: a line of it must not read as a command.
    if (kind === 'info') core.info(neutralizeCommands(message));
    else if (kind === 'warning') core.warning(message);
    else if (kind === 'error') core.error(message);
    else core.debug(message);
  }

  startGroup(title: string): void {
    core.startGroup(this.redactor.redact(title).replace(/[\r\n]/g, ' '));
  }

  endGroup(): void {
    core.endGroup();
  }

  /** Remote text between `::stop-commands::` and its unguessable end token: shown, never obeyed. */
  protected writeRemote(lines: string[]): void {
    let token = randomBytes(16).toString('hex');
    while (lines.some((l) => l.includes(token))) token = randomBytes(16).toString('hex');
    process.stdout.write(`::stop-commands::${token}\n${lines.join('\n')}\n::${token}::\n`);
  }

  setOutput(name: OutputName | string, value: string): void {
    core.setOutput(name, this.redactor.redact(value));
  }

  override async summary(markdown: string): Promise<void> {
    if (!process.env.GITHUB_STEP_SUMMARY) return;
    await core.summary.addRaw(this.redactor.redact(markdown)).write();
  }

  async finish(outcome: Outcome): Promise<number> {
    const code = exitCode(outcome);
    if (outcome.error) core.setFailed(this.redactor.redact(outcome.error.message));
    else if (code !== 0) {
      const r = outcome.result;
      core.setFailed(
        this.redactor.redact(
          `${r.runs ? `${r.runs.length} runs` : `${r.system} run ${r.runId}`} ended ${r.conclusion}${r.message ? `: ${r.message}` : ''}`
        )
      );
    }
    return code;
  }

  /** `::error file=…,line=…,title=…::message`: @actions/core escapes every part onto one line. */
  override annotate(a: Annotation): void {
    const props = {
      title: this.redactor.redact(a.title),
      file: a.file ? this.redactor.redact(a.file) : undefined,
      startLine: a.file ? a.line : undefined
    };
    const message = this.redactor.redact(a.message);
    if (a.kind === 'error') core.error(message, props);
    else core.warning(message, props);
  }

  override get isPost(): boolean {
    return core.getState('isPost') === 'true';
  }

  override saveState(name: string, value: string): void {
    core.saveState(name, this.redactor.redact(value));
  }

  override getState(name: string): string {
    return core.getState(name);
  }
}

export function createGitHubHost(): GitHubHost {
  return new GitHubHost();
}

import { randomBytes } from 'node:crypto';
import * as core from '@actions/core';
import { exitCode, type Annotation, type Outcome } from '../core/host.js';
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

  /** Text here is plain already (BaseHost): core.info writes it as it is, the others escape it onto one line. */
  protected write(kind: 'info' | 'warning' | 'error' | 'debug', message: string): void {
    if (kind === 'info') core.info(message);
    else if (kind === 'warning') core.warning(message);
    else if (kind === 'error') core.error(message);
    else core.debug(message);
  }

  protected writeGroup(title: string): void {
    core.startGroup(title);
  }

  endGroup(): void {
    core.endGroup();
  }

  /**
   * Remote text, neutralised (BaseHost), and also between `::stop-commands::` and its
   * unguessable end token: shown, never obeyed.
   */
  protected writeRemote(lines: string[]): void {
    let token = randomBytes(16).toString('hex');
    while (lines.some((l) => l.includes(token))) token = randomBytes(16).toString('hex');
    process.stdout.write(`::stop-commands::${token}\n${lines.join('\n')}\n::${token}::\n`);
  }

  protected writeOutput(name: string, value: string): void {
    core.setOutput(name, value);
  }

  protected override async writeSummary(markdown: string): Promise<void> {
    if (!process.env.GITHUB_STEP_SUMMARY) return;
    await core.summary.addRaw(markdown).write();
  }

  async finish(outcome: Outcome): Promise<number> {
    const code = exitCode(outcome);
    if (outcome.error) core.setFailed(this.plain(outcome.error.message));
    else if (code !== 0) {
      const r = outcome.result;
      core.setFailed(
        this.plain(
          `${r.runs ? `${r.runs.length} runs` : `${r.system} run ${r.runId}`} ended ${r.conclusion}${r.message ? `: ${r.message}` : ''}`
        )
      );
    }
    return code;
  }

  /** `::error file=…,line=…,title=…::message`: @actions/core escapes every part onto one line. */
  protected override writeAnnotation(a: Annotation): void {
    const props = { title: a.title, file: a.file || undefined, startLine: a.file ? a.line : undefined };
    if (a.kind === 'error') core.error(a.message, props);
    else core.warning(a.message, props);
  }

  override get isPost(): boolean {
    return core.getState('isPost') === 'true';
  }

  override saveState(name: string, value: string): void {
    core.saveState(name, this.plain(value));
  }

  override getState(name: string): string {
    return core.getState(name);
  }
}

export function createGitHubHost(): GitHubHost {
  return new GitHubHost();
}

/**
 * The Azure Pipelines host: the task CiRelay@1 (azure/CiRelayV1/task.json), run by the agent's
 * Node24 or Node20_1 handler on the same bundle as every other host.
 *
 * azure-pipelines-task-lib is loaded here only, and only by a CommonJS require at run time: loading it moves
 * every INPUT_* (and SECRET_*, ENDPOINT_AUTH_*) variable out of the environment into its vault,
 * so nothing else may load it, and the CLI and GitHub hosts must never pay for it.
 *
 * Exit status: the agent takes the step's result from `##vso[task.complete result=…]`, and a
 * Node handler also fails the step on a non-zero exit code. So the process exits 0 for both
 * Succeeded and SucceededWithIssues (a conclusion that `success-on` accepts), and with the
 * CLI's codes (1–4, from `exitCode`) for Failed, which tells the same story twice.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { OUTPUTS, camelCase } from '../config/inputs.js';
import { annotationText, exitCode, type Annotation, type Host, type Outcome } from '../core/host.js';
import { writeFileNoFollow } from '../core/files.js';
import { neutralizeCommands } from '../logs/neutralise.js';
import { BaseHost } from './base.js';

type TaskLib = typeof import('azure-pipelines-task-lib/task.js');

/** Swallows what the task lib writes while it reads an input (it echoes values as debug lines). */
const SINK = new Writable({
  write(_chunk, _encoding, callback) {
    callback();
  }
});

class AzureHost extends BaseHost {
  readonly kind = 'azure' as const;
  private readonly masked = new Set<string>();
  /** Error issues already logged, so that finish() does not log the same one again. */
  private readonly issued = new Set<string>();
  private summaries = 0;

  constructor(private readonly tl: TaskLib) {
    super();
  }

  input(name: string): string {
    // tl.getInput writes `##vso[task.debug]name=value` before anyone could have masked a secret value.
    this.tl.setStdStream(SINK);
    try {
      return (this.tl.getInput(camelCase(name)) ?? '').trim();
    } finally {
      this.tl.setStdStream(process.stdout);
    }
  }

  secret(value: string): void {
    super.secret(value);
    // Every form the redactor masks (each line, and as it reads in JSON or a URL), so the agent
    // masks them too. The agent refuses multi-line secrets: those are covered line by line.
    for (const v of this.redactor.values) {
      if (/[\r\n]/.test(v) || this.masked.has(v)) continue;
      this.masked.add(v);
      this.tl.setSecret(v);
    }
  }

  /** Text here is plain already (BaseHost): no `##vso[` or `##[` the agent would obey. */
  protected write(kind: 'info' | 'warning' | 'error' | 'debug', text: string): void {
    switch (kind) {
      case 'info':
        this.lines(text.split(/\r?\n/));
        break;
      case 'debug':
        this.tl.debug(text);
        break;
      case 'warning':
        // → ##vso[task.issue type=warning;source=TaskInternal;]…, which the agent and mock-test both
        // count. The source is task-lib's default: the mock lib exports no IssueSource.
        this.tl.warning(text);
        break;
      default:
        this.issued.add(text);
        this.tl.error(text);
    }
  }

  protected writeGroup(title: string): void {
    this.lines([`##[group]${title}`]);
  }

  endGroup(): void {
    this.lines(['##[endgroup]']);
  }

  protected writeRemote(lines: string[]): void {
    this.lines(lines);
  }

  protected writeOutput(name: string, value: string): void {
    if (!OUTPUTS.some((o) => o.name === name)) {
      // A value the remote handed back (outputs-file), under its own name: the command alone, so
      // that no name from the remote reaches this process's environment (setVariable sets it there).
      this.tl.command('task.setvariable', { variable: name, isOutput: 'true', issecret: 'false' }, value);
      return;
    }
    // → ##vso[task.setvariable variable=runId;isOutput=true;issecret=false;]…
    this.tl.setVariable(camelCase(name), value, false, true);
  }

  protected override async writeSummary(markdown: string): Promise<void> {
    const base =
      this.tl.getVariable('Agent.TempDirectory') || path.resolve(this.input('download-dir') || 'ci-relay');
    // A folder of its own, so two ci-relay steps in one job never share a file, while the
    // name the agent shows as the section title stays `ci-relay`.
    const dir = path.join(base, `ci-relay-summary-${process.pid}-${++this.summaries}`);
    await fs.promises.mkdir(dir, { recursive: true });
    const file = path.join(dir, 'ci-relay.md');
    writeFileNoFollow(file, markdown);
    this.tl.uploadSummary(file);
  }

  async finish(outcome: Outcome): Promise<number> {
    const { TaskResult } = this.tl;
    const line = (s: string): string => this.plain(s.replace(/\s*[\r\n\u0085\u2028\u2029]+\s*/g, ' '));
    const failed = (message: string): void => {
      // setResult logs the message as an error issue too: once is enough.
      if (this.issued.has(message)) this.tl.command('task.complete', { result: 'Failed' }, message);
      else this.tl.setResult(TaskResult.Failed, message);
    };
    if (outcome.error) {
      failed(line(outcome.error.message));
    } else {
      const r = outcome.result;
      const status = r.status && r.status !== r.conclusion ? ` (${r.status})` : '';
      const run = r.runs ? `${r.runs.length} runs` : `${r.system} run ${r.runId}`.trim();
      if (!r.waited) {
        this.tl.setResult(
          TaskResult.Succeeded,
          line(`Triggered the ${run}; not waiting for it (wait: false).`)
        );
      } else if (r.runs && r.accepted && r.runs.some((x) => x.waited && x.conclusion !== 'success')) {
        // Several runs: every run accepted, some by success-on only: as a single run, with issues.
        this.tl.setResult(TaskResult.SucceededWithIssues, line(r.message ?? `The ${run} succeeded.`));
      } else if (r.accepted && r.conclusion === 'success') {
        this.tl.setResult(TaskResult.Succeeded, line(`The ${run} concluded success${status}.`));
      } else if (r.accepted) {
        this.tl.setResult(
          TaskResult.SucceededWithIssues,
          line(`The ${run} concluded ${r.conclusion}${status}, which success-on accepts.`)
        );
      } else {
        failed(line(r.message || `The ${run} concluded ${r.conclusion}${status}.`));
      }
    }
    return exitCode(outcome);
  }

  /** `##vso[task.logissue type=error;sourcepath=…;linenumber=…]`: an issue on the build's summary. */
  protected override writeAnnotation(a: Annotation): void {
    const text = neutralizeCommands(annotationText({ ...a, file: undefined }));
    const props: Record<string, string> = { type: a.kind };
    if (a.file) props.sourcepath = a.file;
    if (a.file && a.line) props.linenumber = String(a.line);
    if (a.kind === 'error') this.issued.add(text);
    this.tl.command('task.logissue', props, text);
  }

  /** `##vso[results.publish type=JUnit;resultFiles=…]`: the agent uploads them to the Tests tab. */
  override publishTestResults(files: string[]): void {
    if (!files.length) return;
    new this.tl.TestPublisher('JUnit').publish(
      files.map((f) => this.redactor.redact(f)),
      'false',
      '',
      '',
      'ci-relay',
      'true',
      'ci-relay'
    );
  }

  private lines(lines: string[]): void {
    if (lines.length) process.stdout.write(lines.join('\n') + '\n');
  }
}

export async function createAzureHost(): Promise<Host> {
  // A CommonJS require by the package's own name, resolved from the task folder's node_modules
  // (not bundled: scripts/build.mjs keeps it external). Microsoft's test harness swaps exactly
  // this request for its mock, and the agent and the harness then read one lib's issues and results.
  const require = createRequire(import.meta.url);
  return new AzureHost(require(TASK_LIB) as TaskLib);
}

const TASK_LIB = 'azure-pipelines-task-lib/task';

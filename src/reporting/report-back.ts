/**
 * Reporting the run back where people look: the commit status on GitHub, the test results the
 * run produced (read once, shown in the summary, the outputs and each host's own test view),
 * and annotations for failed tests and failed jobs.
 *
 * main.ts drives it: `started` when the run was triggered or attached, `ended` while the remote
 * can still be asked for its own test report, `finish` once the result is final, `failed` when
 * ci-relay stopped with an error of its own. Nothing here changes the run's conclusion: what
 * cannot be reported is a warning.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorMessage } from '../core/errors.js';
import type { CommitStatus } from '../hosts/github-status.js';
import type { Annotation, Host } from '../core/host.js';
import { tidyRemoteLine } from '../logs/neutralise.js';
import { SYSTEM_NAMES } from '../config/inputs.js';
import type { Remote } from '../remotes/remote.js';
import type { Run } from '../core/run.js';
import type { Result } from '../core/result.js';
import type { Settings } from '../config/settings.js';
import { publishable, readTestResults } from './test-results.js';
import { type TestCase, type TestSummary } from '../core/test-summary.js';

/** GitHub shows at most 10 error annotations per step; more would only hide the last ones. */
export const MAX_TEST_ANNOTATIONS = 10;
/** Lines of a failure's message an annotation carries; the summary and the report have the rest. */
const ANNOTATION_LINES = 6;

export class Reporting {
  private status?: CommitStatus;
  private run?: Run;
  private files: string[] = [];

  constructor(
    private readonly settings: Settings,
    private readonly host: Host,
    /** With several runs: ` (<name>)`, so each run has a commit status of its own. */
    private readonly contextSuffix = ''
  ) {}

  /** The run exists: the commit status turns `pending`. */
  async started(run: Run): Promise<void> {
    this.run = run;
    const gh = this.settings.githubStatus;
    if (!gh || this.host.kind !== 'github') return;
    if (!this.settings.wait) {
      this.host.info(
        'github-status: no commit status is posted with wait: false, since ci-relay will not see the run end.'
      );
      return;
    }
    // Octokit is loaded only when a status is wanted.
    const { CommitStatus, statusTarget } = await import('../hosts/github-status.js');
    const target = statusTarget();
    if (typeof target === 'string') {
      this.host.warning(`Could not post the commit status: ${target}.`);
      return;
    }
    this.host.secret(gh.token);
    this.status = new CommitStatus(
      target,
      gh.token,
      `${gh.context ?? this.defaultContext()}${this.contextSuffix}`
    );
    await this.post('pending', `${SYSTEM_NAMES[this.settings.system]} run ${run.id} is running`, run.url);
  }

  /** The run ended; the remote is still connected: read the test results. */
  async ended(result: Result, remote: Remote, run: Run): Promise<void> {
    if (!this.settings.testResults.length || !result.waited || result.conclusion === 'canceled') return;
    const warn = (m: string): void => this.host.warning(m);
    const read = await readTestResults({
      downloadDir: this.settings.downloadDir,
      globs: this.settings.testResults,
      jobDirs: result.jobs.flatMap((j) => (j.artifacts ? [{ name: j.name, dir: j.artifacts }] : [])),
      remoteReport: remote.testReport
        ? async () => {
            try {
              return await remote.testReport!(run);
            } catch (err) {
              warn(
                `Could not read ${SYSTEM_NAMES[this.settings.system]}'s test report: ${errorMessage(err)}`
              );
              return undefined;
            }
          }
        : undefined,
      warn
    });
    this.files = read.files;
    if (read.files.length) {
      this.host.info(
        `Test results: ${read.files.length} JUnit file(s) saved in ${path.join(this.settings.downloadDir, 'test-results')}`
      );
    }
    if (!read.summary) {
      this.host.info(
        `Test results: none found (test-results: ${this.settings.testResults.join(', ')}${
          remote.testReport ? `, nor in ${SYSTEM_NAMES[this.settings.system]}'s test report` : ''
        }).`
      );
      return;
    }
    result.tests = read.summary;
    this.host.info(
      `Tests${read.source === 'remote' ? ` (${SYSTEM_NAMES[this.settings.system]}'s test report)` : ''}: ${totalsLine(read.summary)}`
    );
  }

  /** The result is final: annotations, the host's test view, the commit status's end. */
  async finish(result: Result): Promise<void> {
    if (result.tests) this.annotateTests(result.tests);
    this.annotateJobs(result);
    const files = publishable(this.files, this.settings.downloadDir, (m) => this.host.warning(m));
    if (files.length) this.host.publishTestResults(files);
    if (!this.status) return;
    const { finalState } = await import('../hosts/github-status.js');
    const tests =
      result.tests?.failed || result.tests?.errors ? `, ${failedCount(result.tests)} tests failed` : '';
    await this.post(
      finalState(result.conclusion, result.accepted),
      `${result.conclusion} in ${duration(result.duration)}${tests}`,
      result.runUrl
    );
  }

  /** ci-relay stopped with an error before the run had a result: the pending status ends as `error`. */
  async failed(error: Error): Promise<void> {
    if (!this.status) return;
    await this.post('error', `ci-relay: ${error.message}`, this.run?.url);
  }

  private defaultContext(): string {
    const s = this.settings;
    const what = s.gitlab ? s.gitlab.project : s.gocd ? s.gocd.pipeline : (s.gearset?.job ?? '');
    return `ci-relay/${s.system}: ${what}`;
  }

  private async post(
    state: 'pending' | 'success' | 'failure' | 'error',
    description: string,
    targetUrl?: string
  ): Promise<void> {
    if (!this.status) return;
    const why = await this.status.post({
      state,
      description: redactAll(description, this.host.secrets),
      targetUrl: targetUrl && /^https?:\/\//.test(targetUrl) ? targetUrl : undefined
    });
    if (why)
      this.host.warning(`Could not post the commit status '${this.status.context}' (${state}): ${why}.`);
    else this.host.info(`Commit status '${this.status.context}': ${state}`);
  }

  private annotateTests(tests: TestSummary): void {
    const shown = tests.failures.slice(0, MAX_TEST_ANNOTATIONS);
    for (const t of shown) this.host.annotate(testAnnotation(t));
    const rest = failedCount(tests) - shown.length;
    if (rest > 0) {
      this.host.warning(
        `${rest} more failed test(s) are not annotated (at most ${MAX_TEST_ANNOTATIONS} are): the summary${
          this.files.length ? ` and ${path.join(this.settings.downloadDir, 'test-results')}` : ''
        } list them.`
      );
    }
  }

  private annotateJobs(result: Result): void {
    const system = SYSTEM_NAMES[this.settings.system];
    for (const job of result.jobs) {
      if (job.conclusion !== 'failed') continue;
      // With log: none no remote text is shown, not even its last line.
      const reason = job.log && this.settings.log !== 'none' ? lastLogLine(job.log) : undefined;
      // An allowed failure did not fail the step: a warning; an error is for what did.
      this.host.annotate({
        kind: job.allowedToFail ? 'warning' : 'error',
        title: clean(`${system} job ${job.name} failed${job.allowedToFail ? ' (allowed to fail)' : ''}`),
        message: clean(
          [`${job.name}: ${job.status}${reason ? ` — ${reason}` : ''}`, job.url ? `${job.url}` : '']
            .filter(Boolean)
            .join('\n')
        )
      });
    }
  }
}

/** `12 passed, 2 failed, 1 skipped, 0 errors in 3.2s (15 tests)`. */
export function totalsLine(s: TestSummary): string {
  return `${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped, ${s.errors} errors in ${duration(s.time)} (${s.total} tests)`;
}

export function failedCount(s: TestSummary): number {
  return s.failed + s.errors;
}

function testAnnotation(t: TestCase): Annotation {
  const lines = (t.message ?? '').split(/\r?\n/).filter((l) => l.trim());
  const more = lines.length > ANNOTATION_LINES ? `\n… (${lines.length - ANNOTATION_LINES} more lines)` : '';
  return {
    kind: 'error',
    title: clean(
      `${t.status === 'error' ? 'Test error' : 'Test failed'}: ${t.suite ? `${t.suite} › ` : ''}${t.name}`
    ),
    message: clean(lines.slice(0, ANNOTATION_LINES).join('\n') + more) || `${t.name} ${t.status}`,
    file: t.file ? clean(t.file) : undefined,
    line: t.line
  };
}

/** Remote text, line by line, without control sequences (as log lines are shown). */
function clean(text: string): string {
  return text
    .split(/\r?\n/)
    .map((l) => tidyRemoteLine(l).slice(0, 1000))
    .join('\n');
}

function redactAll(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out;
}

/** The last non-empty line of a saved (already masked) log, read from its tail only. */
function lastLogLine(file: string): string | undefined {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const length = Math.min(size, 4096);
      const buf = Buffer.alloc(length);
      fs.readSync(fd, buf, 0, length, size - length);
      const lines = buf.toString('utf8').replace(SGR, '').split(/\r?\n/);
      const last = lines
        .map((l) => l.trim())
        .filter(Boolean)
        .at(-1);
      return last ? last.slice(0, 300) : undefined;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;:]*m/g;

/** `42s`, `3m 5s`, `1h 2m`. */
export function duration(seconds: number): string {
  const s = Math.round(seconds * 10) / 10;
  if (s < 60) return `${s}s`;
  const whole = Math.round(s);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const sec = whole % 60;
  return h ? `${h}h ${m}m` : `${m}m ${sec}s`;
}

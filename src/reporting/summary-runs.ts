/**
 * Outputs and the summary of several runs in one step (CONTRACT.md, "Several runs"): the step's
 * verdict in the single-run outputs (`run-id`/`run-url` empty), every run's own outputs in
 * `runs`, and a summary with one row per run, then each run's jobs.
 */
import type { Host } from '../core/host.js';
import type { NamedResult, Result } from '../core/result.js';
import { mergeSummaries } from '../core/test-summary.js';
import { commandFreeJson } from '../logs/neutralise.js';
import { ICONS, code, link, setOutputs, testsMarkdown, text } from './summary.js';

/** Outputs whose text is JSON or a number: in `runs` they keep their type. */
const TYPED = new Set(['jobs', 'tests', 'remote-outputs', 'duration', 'failed-tests']);

/** The entry of one run in the `runs` output: its name, every output it set (typed), and its message. */
export function runEntry(run: NamedResult): Record<string, unknown> {
  const entry: Record<string, unknown> = { name: run.name };
  for (const [name, value] of Object.entries(run.outputs)) {
    if (TYPED.has(name) && typeof value === 'string' && value !== '') {
      try {
        entry[name] = JSON.parse(value);
        continue;
      } catch {
        // kept as text
      }
    }
    entry[name] = value;
  }
  // Why it ended as it did, as the CLI's result object says it for one run.
  if (run.message) entry.message = run.message;
  // A value the remote handed back under the key `name` never hides which run this is.
  entry.name = run.name;
  return entry;
}

/** The step's outputs: its verdict as a single run's outputs would be, plus `runs`. */
export function setSeveralOutputs(host: Host, result: Result): void {
  setOutputs(host, { ...result, waited: true });
  host.setOutput('runs', commandFreeJson((result.runs ?? []).map(runEntry)));
}

/** A run's conclusion as the verdict judged it: `partial (accepted)` when its success-on took it. */
function judged(r: Result): string {
  const word = r.waited ? r.conclusion : 'triggered';
  return `${ICONS[r.waited ? r.conclusion : 'success'] ?? ''} ${word}${r.waited && r.accepted && r.conclusion !== 'success' ? ' (accepted)' : ''}`;
}

/** GitHub's job summary and Azure's build summary: one row per run, then each run's jobs with their logs. */
export function severalSummaryMarkdown(result: Result): string {
  const runs = result.runs ?? [];
  const out = [
    `### ci-relay: ${runs.length} runs`,
    '',
    `**${ICONS[result.conclusion] ?? ''} ${result.conclusion}** in ${result.duration}s` +
      (result.message ? ` — ${text(result.message)}` : ''),
    '',
    '| Run | System | Run id | Conclusion | Status | Duration | Tests |',
    '|---|---|---|---|---|---|---|'
  ];
  for (const r of runs) {
    const tests = r.tests ? `${r.tests.failed + r.tests.errors} failed of ${r.tests.total}` : '';
    out.push(
      `| ${text(r.name)} | ${text(r.system)} | ${link(r.runId, r.runUrl)} | ${judged(r)} | ${text(r.status)} | ${r.duration}s | ${tests} |`
    );
  }
  for (const r of runs) {
    out.push('', `#### ${text(r.name)}: ${text(r.system)} run ${link(r.runId, r.runUrl)}`, '');
    if (r.message) out.push(text(r.message), '');
    if (!r.jobs.length) {
      out.push(r.waited ? 'No jobs were seen.' : 'Triggered without waiting (`wait: false`).');
      continue;
    }
    out.push('| Job | Stage | Conclusion | Duration | Link | Log |', '|---|---|---|---|---|---|');
    for (const j of r.jobs) {
      out.push(
        `| ${text(j.name)} | ${text(j.stage ?? '')} | ${ICONS[j.conclusion] ?? ''} ${text(j.conclusion)} | ${
          j.duration !== undefined ? `${Math.round(j.duration)}s` : ''
        } | ${j.url ? link('open', j.url) : ''} | ${j.log ? code(j.log) : ''} |`
      );
    }
  }
  if (result.tests) out.push('', ...testsMarkdown(result.tests));
  return out.join('\n') + '\n';
}

/** The step's tests: the runs' totals added (undefined when no run read any). */
export function summedTests(runs: Result[]): Result['tests'] {
  const read = runs.flatMap((r) => (r.tests ? [r.tests] : []));
  return read.length ? mergeSummaries(read) : undefined;
}

import type { Host } from '../core/host.js';
import type { Result } from '../core/result.js';
import { testTotals, type TestSummary } from '../core/test-summary.js';
import { handBack } from './outputs-file.js';

/** Failed tests listed in the summary; the rest are counted. */
export const MAX_SUMMARY_FAILURES = 50;
/** Lines of a failure's message shown in the summary's table. */
const SUMMARY_MESSAGE_LINES = 3;

/** Sets every output of CONTRACT.md from a result. */
export function setOutputs(host: Host, result: Result): void {
  host.setOutput('run-id', result.runId);
  host.setOutput('run-url', result.runUrl);
  host.setOutput('download-dir', result.downloadDir);
  if (!result.waited) return;
  host.setOutput('conclusion', result.conclusion);
  host.setOutput('status', result.status);
  host.setOutput(
    'jobs',
    JSON.stringify(
      result.jobs.map((j) => ({
        name: j.name,
        id: j.id,
        stage: j.stage ?? '',
        status: j.status,
        conclusion: j.conclusion,
        url: j.url ?? '',
        log: j.log ?? '',
        artifacts: j.artifacts ?? ''
      }))
    )
  );
  host.setOutput('log-file', result.logFile);
  host.setOutput('duration', String(result.duration));
  if (result.tests) {
    host.setOutput('tests', JSON.stringify(testTotals(result.tests)));
    host.setOutput('failed-tests', String(result.tests.failed + result.tests.errors));
  }
  if (result.remoteOutputs) handBack(host, result.remoteOutputs);
}

const ICONS: Record<string, string> = {
  success: '✅',
  failed: '❌',
  canceled: '⏹️',
  skipped: '⏭️',
  blocked: '✋',
  partial: '⚠️',
  timed_out: '⏱️',
  error: '💥',
  running: '🔄'
};

/** The Markdown report for GitHub's job summary and Azure's build summary. */
export function summaryMarkdown(result: Result): string {
  const run = result.runUrl ? `[${result.runId}](${result.runUrl})` : result.runId;
  const out = [`### ci-relay: ${result.system} run ${run}`, ''];
  if (!result.waited) {
    out.push('Triggered without waiting (`wait: false`).');
    return out.join('\n') + '\n';
  }
  out.push(
    `**${ICONS[result.conclusion] ?? ''} ${result.conclusion}**` +
      (result.status && result.status !== result.conclusion ? ` (${cell(result.status)})` : '') +
      ` in ${result.duration}s` +
      (result.message ? ` — ${cell(result.message)}` : ''),
    ''
  );
  if (result.jobs.length) {
    out.push('| Job | Stage | Conclusion | Duration | Link |', '|---|---|---|---|---|');
    for (const j of result.jobs) {
      out.push(
        `| ${cell(j.name)} | ${cell(j.stage ?? '')} | ${ICONS[j.conclusion] ?? ''} ${j.conclusion} | ${
          j.duration !== undefined ? `${Math.round(j.duration)}s` : ''
        } | ${j.url ? `[open](${j.url})` : ''} |`
      );
    }
  }
  if (result.tests) out.push('', ...testsMarkdown(result.tests));
  return out.join('\n') + '\n';
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Text from a report in a table cell: no HTML or Markdown of its own, one line. */
function textCell(s: string): string {
  return cell(
    s
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/([`*_[\]])/g, '\\$1')
  );
}

/** Totals, then a table of the failed tests, capped with a count of the rest. */
export function testsMarkdown(t: TestSummary): string[] {
  const failed = t.failed + t.errors;
  const out = [
    `#### Tests ${failed ? '❌' : '✅'}`,
    '',
    '| Total | Passed | Failed | Skipped | Errors | Time |',
    '|---|---|---|---|---|---|',
    `| ${t.total} | ${t.passed} | ${t.failed} | ${t.skipped} | ${t.errors} | ${Math.round(t.time * 10) / 10}s |`
  ];
  if (!t.failures.length) return out;
  out.push('', '| Suite | Test | Where | Message |', '|---|---|---|---|');
  const shown = t.failures.slice(0, MAX_SUMMARY_FAILURES);
  for (const f of shown) {
    const where = f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : '';
    const message = (f.message ?? '')
      .split(/\r?\n/)
      .filter((l) => l.trim())
      .slice(0, SUMMARY_MESSAGE_LINES)
      .map((l) => textCell(l.trim().slice(0, 300)))
      .join('<br>');
    out.push(
      `| ${textCell(f.suite)} | ${f.status === 'error' ? '💥' : '❌'} ${textCell(f.name)} | ${textCell(where)} | ${message} |`
    );
  }
  const rest = failed - shown.length;
  if (rest > 0) out.push('', `…and ${rest} more failed test${rest === 1 ? '' : 's'}.`);
  return out;
}

import type { Host } from '../core/host.js';
import type { Result } from '../core/result.js';
import { testTotals, type TestSummary } from '../core/test-summary.js';
import { commandFreeJson } from '../logs/neutralise.js';
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
    commandFreeJson(
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
    host.setOutput('tests', commandFreeJson(testTotals(result.tests)));
    host.setOutput('failed-tests', String(result.tests.failed + result.tests.errors));
  }
  if (result.remoteOutputs) handBack(host, result.remoteOutputs);
}

export const ICONS: Record<string, string> = {
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

/**
 * The Markdown report for GitHub's job summary and Azure's build summary. Every remote string
 * (run id, status, message, job and stage names, test names and messages) is text: escaped for
 * Markdown and HTML (`text`), one line, `|` escaped in tables; the only links are http(s) URLs
 * (`link`), anything else is shown as text.
 */
export function summaryMarkdown(result: Result): string {
  const out = [`### ci-relay: ${result.system} run ${link(result.runId, result.runUrl)}`, ''];
  if (!result.waited) {
    out.push('Triggered without waiting (`wait: false`).');
    return out.join('\n') + '\n';
  }
  out.push(
    `**${ICONS[result.conclusion] ?? ''} ${text(result.conclusion)}**` +
      (result.status && result.status !== result.conclusion ? ` (${text(result.status)})` : '') +
      ` in ${result.duration}s` +
      (result.message ? ` — ${text(result.message)}` : ''),
    ''
  );
  if (result.jobs.length) {
    out.push('| Job | Stage | Conclusion | Duration | Link |', '|---|---|---|---|---|');
    for (const j of result.jobs) {
      out.push(
        `| ${text(j.name)} | ${text(j.stage ?? '')} | ${ICONS[j.conclusion] ?? ''} ${text(j.conclusion)} | ${
          j.duration !== undefined ? `${Math.round(j.duration)}s` : ''
        } | ${j.url ? link('open', j.url) : ''} |`
      );
    }
  }
  if (result.tests) out.push('', ...testsMarkdown(result.tests));
  return out.join('\n') + '\n';
}

/**
 * Remote text as Markdown that renders as exactly that text, on one line: HTML's `& < >` as
 * entities (no tag, comment or autolink can open); backslash-escaped, what makes inline Markdown
 * (code spans, emphasis, strikethrough, link and image brackets, table pipes) and what a
 * linkifier takes for a mail, `ftp:` or scheme-relative link (`@`, `:/`, `//`; bare http(s) and
 * www links may stay). Remote text is only ever placed mid-line, so block markers (`#`, `>`,
 * `-`, `1.`) cannot start anything.
 */
export function text(s: string): string {
  return s
    .replace(/[\r\n\u0085\u2028\u2029]+/g, ' ')
    .replace(/[\\`*_[\]|~@]|[:/](?=\/)/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** A local path as a code span on one line: nothing in it is Markdown or HTML, a table's `|` escaped. */
export function code(s: string): string {
  return `\`${s.replace(/[`\r\n\u0085\u2028\u2029]/g, ' ').replace(/\|/g, '\\|')}\``;
}

/** A link when `url` is an http(s) URL; otherwise the label, and the URL as text beside it. */
export function link(label: string, url: string | undefined): string {
  if (!url) return text(label);
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    return `${text(label)} (${text(url)})`;
  }
  // href percent-encodes spaces, quotes and angle brackets; these would end the destination or a cell.
  const href = parsed.href.replace(/[()|\\<> ]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `[${text(label)}](${href})`;
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
      .map((l) => text(l.trim().slice(0, 300)))
      .join('<br>');
    out.push(
      `| ${text(f.suite)} | ${f.status === 'error' ? '💥' : '❌'} ${text(f.name)} | ${text(where)} | ${message} |`
    );
  }
  const rest = failed - shown.length;
  if (rest > 0) out.push('', `…and ${rest} more failed test${rest === 1 ? '' : 's'}.`);
  return out;
}

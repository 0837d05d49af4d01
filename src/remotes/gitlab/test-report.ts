/**
 * The pipeline's own test report (issue 13): totals from `…/test_report_summary` (GitLab 14.2+),
 * the failed and errored cases from `…/test_report` (13.0+), both per lib/api/ci/pipelines.rb.
 * Newer releases gather child pipelines' reports too (Ci::Pipeline's
 * latest_test_report_builds_in_self_and_project_descendants). A server without either route
 * (404) has no report: undefined.
 */
import type { TestCase, TestSummary } from '../../core/test-summary.js';
import type { GitLabApi } from './api.js';
import { TestReport, TestReportSummary } from './shapes.js';

/** Failed cases kept for the summary and annotations; the totals are never capped. */
export const MAX_FAILURES = 50;

export async function readTestReport(
  api: GitLabApi,
  project: string,
  pipelineId: number
): Promise<TestSummary | undefined> {
  const path = `${project}/pipelines/${pipelineId}`;
  const summary = (
    await api.optional(
      TestReportSummary,
      `${path}/test_report_summary`,
      `GET pipeline ${pipelineId} test_report_summary`
    )
  ).value;
  if (summary && summary.total.count === 0) return undefined;
  const needReport = !summary || (summary.total.failed ?? 0) + (summary.total.error ?? 0) > 0;
  const report = needReport
    ? (await api.optional(TestReport, `${path}/test_report`, `GET pipeline ${pipelineId} test_report`)).value
    : undefined;
  if (!summary && (!report || report.total_count === 0)) return undefined;

  const totals = summary
    ? {
        total: summary.total.count,
        passed: summary.total.success ?? 0,
        failed: summary.total.failed ?? 0,
        skipped: summary.total.skipped ?? 0,
        errors: summary.total.error ?? 0,
        time: summary.total.time ?? 0
      }
    : {
        total: report!.total_count,
        passed: report!.success_count ?? 0,
        failed: report!.failed_count ?? 0,
        skipped: report!.skipped_count ?? 0,
        errors: report!.error_count ?? 0,
        time: report!.total_time ?? 0
      };
  return { ...totals, failures: report ? failures(report) : [] };
}

function failures(report: TestReport): TestCase[] {
  const out: TestCase[] = [];
  for (const suite of report.test_suites) {
    for (const c of suite.test_cases ?? []) {
      if (c.status !== 'failed' && c.status !== 'error') continue;
      if (out.length >= MAX_FAILURES) return out;
      const message = [outputText(c.system_output), c.stack_trace].filter((t): t is string => !!t).join('\n');
      out.push({
        suite: suite.name ?? c.classname ?? '',
        name: c.name ?? '',
        ...(c.file ? { file: c.file } : {}),
        status: c.status,
        ...(message ? { message } : {}),
        ...(c.execution_time !== null && c.execution_time !== undefined ? { time: c.execution_time } : {})
      });
    }
  }
  return out;
}

/**
 * A case's `system_output` as text, whatever form the server gave it: a string; an element with
 * attributes (`{message, type, __content__}`: "type: message", then its text); a list of either.
 */
export function outputText(v: unknown, depth = 0): string | undefined {
  if (v === null || v === undefined || depth > 8) return undefined;
  if (typeof v === 'string') return v || undefined;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v))
    return (
      v
        .map((x) => outputText(x, depth + 1))
        .filter(Boolean)
        .join('\n') || undefined
    );
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const message = outputText(o.message, depth + 1);
    const type = outputText(o.type, depth + 1);
    const head = type && message ? `${type}: ${message}` : (message ?? type);
    const text = outputText(o.__content__ ?? o['#text'], depth + 1);
    return [head, text].filter(Boolean).join('\n') || undefined;
  }
  return undefined;
}

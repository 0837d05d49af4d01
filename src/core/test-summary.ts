/**
 * Test results, normalized: whatever a run's reports say (JUnit files, a remote's own report),
 * the hosts show one TestSummary.
 */
/** One test case as a report gives it. */
export interface TestCase {
  suite: string;
  name: string;
  /** Source file and line, when the report has them. */
  file?: string;
  line?: number;
  status: 'passed' | 'failed' | 'error' | 'skipped';
  /** The failure's message and details (failed and error cases). */
  message?: string;
  /** Seconds. */
  time?: number;
}

/** Totals of every report read (the `tests` output), with the failed cases to show. */
export interface TestSummary {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  errors: number;
  /** Seconds. */
  time: number;
  /** Failed and errored cases, in report order; may be capped, the totals never are. */
  failures: TestCase[];
}

/**
 * Failed cases kept per summary: enough for any table or annotation we show, while a report
 * with a million failures still parses in flat memory (the totals count every one).
 */
export const MAX_FAILURES_KEPT = 500;
/** Characters of a failure's message and details kept; the first lines are what we show. */
export const MAX_MESSAGE_CHARS = 4000;

export function emptySummary(): TestSummary {
  return { total: 0, passed: 0, failed: 0, skipped: 0, errors: 0, time: 0, failures: [] };
}

/** Several summaries as one: totals added, failures in order up to MAX_FAILURES_KEPT. */
export function mergeSummaries(parts: TestSummary[]): TestSummary {
  const out = emptySummary();
  for (const p of parts) {
    out.total += p.total;
    out.passed += p.passed;
    out.failed += p.failed;
    out.skipped += p.skipped;
    out.errors += p.errors;
    out.time += p.time;
    for (const f of p.failures) if (out.failures.length < MAX_FAILURES_KEPT) out.failures.push(f);
  }
  out.time = Math.round(out.time * 1000) / 1000;
  return out;
}

/** The `tests` output: totals only. */
export function testTotals(s: TestSummary): Omit<TestSummary, 'failures'> {
  return {
    total: s.total,
    passed: s.passed,
    failed: s.failed,
    skipped: s.skipped,
    errors: s.errors,
    time: s.time
  };
}

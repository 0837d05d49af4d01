/**
 * Test results, normalized: from JUnit XML files among the artifacts and from a remote's own
 * report (GitLab's pipeline test report API). The hosts show one TestSummary.
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

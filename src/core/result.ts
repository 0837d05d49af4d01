import type { TestSummary } from './test-summary.js';
import type { Conclusion } from './run.js';

/** One entry of the `jobs` output. */
export interface JobResult {
  name: string;
  id: string;
  stage?: string;
  status: string;
  conclusion: Conclusion | 'running';
  url?: string;
  /** Local path of the saved log. */
  log?: string;
  /** Local path of the folder holding its artifacts, when any were written. */
  artifacts?: string;
  /** Seconds, when known. */
  duration?: number;
  /** Its failure does not fail the run (GitLab `allow_failure`): a warning, not an error. */
  allowedToFail?: boolean;
}

/** What a relay ends with; the host turns it into outputs, a summary and an exit status. */
export interface Result {
  system: string;
  conclusion: Conclusion;
  status: string;
  runId: string;
  runUrl: string;
  jobs: JobResult[];
  logFile: string;
  downloadDir: string;
  /** Seconds from trigger to the end. */
  duration: number;
  /** True when `success-on` accepts the conclusion (or `wait: false` triggered the run). */
  accepted: boolean;
  /** False with `wait: false`: the run was triggered, not followed, and has no conclusion yet. */
  waited: boolean;
  /** Why the run ended as it did, when there is more to say than the conclusion. */
  message?: string;
  /** The test results read (`test-results`), when any were. */
  tests?: TestSummary;
  /** The values read from `outputs-file`, when one was read. */
  remoteOutputs?: Record<string, unknown>;
  /** With `runs`: each run's own result, in the order listed; the fields above are then the step's verdict. */
  runs?: NamedResult[];
}

/** One run of several: its result, its `name`, and every single-run output it set (`runs` output). */
export interface NamedResult extends Result {
  name: string;
  outputs: Record<string, unknown>;
}

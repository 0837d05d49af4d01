/**
 * The words of a run every part shares: the normalized conclusions, a run, its jobs and what
 * one poll saw. The remotes fill them in; the relay, the logs and the reporting read them.
 */
/** The one normalized end of every run (CONTRACT.md, "Conclusions"). */
export const CONCLUSIONS = [
  'success',
  'failed',
  'canceled',
  'skipped',
  'blocked',
  'partial',
  'timed_out',
  'error'
] as const;
export type Conclusion = (typeof CONCLUSIONS)[number];

/**
 * A run on the remote system. Everything in it is JSON so that the GitHub post step can
 * read it back from saved state and cancel the run.
 */
export interface Run {
  /** `run-id` output: GitLab pipeline id, GoCD `pipeline/counter`, Gearset run request id. */
  id: string;
  /** `run-url` output: the run's page in the remote's web UI, where it has one. */
  url?: string;
  /** The remote's own data needed to poll, read logs and cancel (ids, counters, …). */
  data: Record<string, unknown>;
}

/** One job of a run as the remote last reported it. */
export interface Job {
  /** Stable and unique within the run (GitLab job id, GoCD `stage/counter/job`, …). */
  key: string;
  /** Display name; also the base of its log and artifact paths (GoCD: `<stage>.<job>`). */
  name: string;
  stage?: string;
  /** The remote's own status word. */
  status: string;
  /** Set once the job has ended; never set for a job still going. */
  conclusion?: Conclusion;
  url?: string;
  /** True once the job has (or may have) produced log text. */
  started: boolean;
  startedAt?: string;
  finishedAt?: string;
  /** Seconds, when the remote says. */
  duration?: number;
  /** The remote lets it fail without failing the run (GitLab `allow_failure`). */
  allowedToFail?: boolean;
}

/** What one poll saw. */
export interface Snapshot {
  /** The remote's own status word for the whole run. */
  status: string;
  /** Set once the run as a whole has ended (including `blocked`). */
  conclusion?: Conclusion;
  jobs: Job[];
}

/** Receives log bytes as they arrive. */
export type LogSink = (chunk: Buffer) => Promise<void> | void;

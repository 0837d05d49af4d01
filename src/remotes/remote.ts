import type { Http, HttpConfig } from '../transport/http.js';
import type { Settings } from '../config/settings.js';
import type { ArtifactSink } from '../artifacts/store.js';
import type { TestSummary } from '../core/test-summary.js';
import type { Job, LogSink, Run, Snapshot } from '../core/run.js';

export interface Remote {
  /**
   * How the remote serves logs: `incremental` remotes fetch only what is new (GoCD lines);
   * `whole` remotes must re-fetch the whole log each time (GitLab trace), so the relay reads
   * them less often as they grow.
   */
  readonly logMode: 'incremental' | 'whole';

  /** The shortest gap between polls this remote tolerates (ms); the relay never polls faster. */
  readonly minPollMs?: number;

  /** Checks that need no request are done by settings; this may read state first (GoCD counter). Sends the trigger ONCE. */
  trigger(): Promise<Run>;

  /**
   * After a trigger whose answer was lost (the connection broke after sending), look for the
   * run it may have created. Returns undefined when none is found.
   */
  findTriggered?(): Promise<Run | undefined>;

  /** Attach to an existing run (the `run` input). */
  attach(id: string): Promise<Run>;

  poll(run: Run): Promise<Snapshot>;

  /**
   * Hands the job's log past `cursor` to `sink` and returns the new cursor. The cursor's unit
   * is the remote's own (bytes, lines, entries); 0 is the start.
   */
  readLog(run: Run, job: Job, cursor: number, sink: LogSink): Promise<number>;

  /** Downloads the job's artifacts that `sink` selects; returns nothing when the remote has none. */
  downloadArtifacts(run: Run, job: Job, sink: ArtifactSink): Promise<void>;

  /** Cancels the run (or what of it is still going). */
  cancel(run: Run): Promise<void>;

  /** A note the relay shows once, e.g. "Gearset has no artifacts to download". */
  readonly artifactsNote?: string;

  /**
   * The run's test results as the remote itself reports them (GitLab's pipeline test report
   * API), read once after the run ended; undefined when the remote or this server has none.
   */
  testReport?(run: Run): Promise<TestSummary | undefined>;
}

/** What every remote is built from. */
export interface RemoteContext {
  settings: Settings;
  /**
   * The shared HTTP client for this remote's server: the caller supplies what is the
   * remote's own (base URL, credential headers, server name); TLS, retries, abort and debug
   * logging come from the settings.
   */
  httpFor(config: Pick<HttpConfig, 'baseUrl' | 'credentials' | 'serverName'>): Http;
  /** Milliseconds since the epoch when ci-relay started; used to recognize a run it created. */
  startedAt: number;
  /** Tells the user something (the relay decides how to show it); remotes never print. */
  note(message: string): void;
  /**
   * Warns the user (a part of the run that cannot be read, variables the server may have
   * ignored, …): a warning in every host. Remotes never print.
   */
  warn(message: string): void;
  /** Aborted on timeout or cancellation: pass it to waits. */
  signal: AbortSignal;
}

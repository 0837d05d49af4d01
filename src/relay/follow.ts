import * as fs from 'node:fs';
import * as path from 'node:path';
import { ArtifactStore } from '../artifacts/store.js';
import { seconds, type Deadline } from '../core/deadline.js';
import { AbortedError, ArtifactLimitError, DeadlineError, errorMessage } from '../core/errors.js';
import type { Host } from '../core/host.js';
import { sleep, untilAborted } from '../core/deadline.js';
import { LogFollower } from '../logs/follower.js';
import { JobNames } from '../core/names.js';
import type { Remote } from '../remotes/remote.js';
import type { Conclusion, Job, Run, Snapshot } from '../core/run.js';
import type { Connection } from './connection.js';
import type { JobResult, Result } from '../core/result.js';
import type { Settings } from '../config/settings.js';

/** The first poll comes this soon after the trigger; the gap then doubles up to `poll-interval`. */
export const FIRST_POLL_MS = 1000;

export type RunBase = Pick<Result, 'system' | 'runId' | 'runUrl' | 'downloadDir'>;

export interface FollowOptions {
  connection: Connection;
  run: Run;
  settings: Settings;
  host: Host;
  /** The step's deadline; its signal also carries the job's cancel. */
  deadline: Deadline;
  started: number;
  base: RunBase;
  /** Told the conclusion as soon as the run ended, before its logs and artifacts are brought back. */
  onConcluded?: (conclusion: Conclusion) => void;
  /** Why the signal was aborted, when it was not the calling job's cancel (several runs: fail-fast). */
  cancelledBecause?: () => string | undefined;
}

/**
 * poll until the run ends (streaming logs) → collect logs and artifacts → Result. A timeout
 * or a cancel ends whatever is in flight at once; the run is then cancelled within the grace.
 */
export async function follow(opts: FollowOptions): Promise<Result> {
  const { connection, run, settings, host, deadline } = opts;
  const { remote } = connection;
  fs.mkdirSync(settings.downloadDir, { recursive: true });
  const names = new JobNames(settings.downloadDir);
  const logs = new LogFollower(host, remote, run, names, {
    stream: settings.log === 'stream',
    pollIntervalMs: settings.pollIntervalMs
  });
  const state: FollowState = { jobs: new Map<string, Job>() };

  try {
    await poll(remote, run, settings, host, deadline, logs, state);
  } catch (err) {
    if (err instanceof AbortedError || deadline.cancelled) {
      state.conclusion = 'canceled';
      const why = opts.cancelledBecause?.();
      state.message = why ? `Cancelled because ${why}.` : 'The calling job was cancelled.';
      if (settings.cancelOnAbort) {
        connection.graceForCancel();
        await cancel(remote, run, host, why ?? 'the calling job was cancelled');
      }
      host.saveState('finished', 'true');
      return finalResult(opts, logs, names, state);
    }
    if (err instanceof DeadlineError || deadline.passed) {
      state.conclusion = 'timed_out';
      state.message = err instanceof DeadlineError ? err.message : timedOutMessage(settings);
    } else {
      state.conclusion = 'error';
      state.message = errorMessage(err);
      host.error(state.message);
    }
  }

  if (state.conclusion === 'timed_out') {
    host.error(state.message ?? timedOutMessage(settings));
    // From here on the step's own time is over: the cancel and the last log reads share the grace.
    connection.graceForCancel();
    if (settings.cancelOnTimeout) await cancel(remote, run, host, 'timeout passed');
  }
  host.saveState('finished', 'true');
  if (state.conclusion) opts.onConcluded?.(state.conclusion);
  await collect(opts, logs, names, state);
  return finalResult(opts, logs, names, state);
}

interface FollowState {
  jobs: Map<string, Job>;
  snapshot?: Snapshot;
  conclusion?: Conclusion;
  message?: string;
  artifactDirs?: Map<string, string[]>;
}

function timedOutMessage(settings: Settings): string {
  return `The run did not end within ${seconds(settings.timeoutMs)}s.`;
}

/** Polls until the run ends; throws the deadline's or the cancel's reason when either comes first. */
async function poll(
  remote: Remote,
  run: Run,
  settings: Settings,
  host: Host,
  deadline: Deadline,
  logs: LogFollower,
  state: FollowState
): Promise<void> {
  const { signal } = deadline;
  let delay = Math.max(FIRST_POLL_MS, remote.minPollMs ?? 0);
  // Gaps are measured from the start of one poll to the start of the next: the time a poll and
  // its log reads take does not stretch them past poll-interval (nor the end's detection with them).
  let pollStarted = Date.now();
  let lastStatus = '';
  for (;;) {
    const wait = Math.min(pollStarted + delay - Date.now(), deadline.remainingMs());
    if (wait > 0) await sleep(wait, signal);
    if (deadline.passed) throw new DeadlineError(timedOutMessage(settings));
    pollStarted = Date.now();
    // untilAborted: a remote may wait on something of its own; the deadline still ends it.
    state.snapshot = await untilAborted(remote.poll(run), signal);
    for (const job of state.snapshot.jobs) {
      const before = state.jobs.get(job.key);
      state.jobs.set(job.key, job);
      if (settings.log !== 'stream' && job.conclusion && !before?.conclusion)
        host.info(`${job.name}: ${job.status}`);
    }
    if (state.snapshot.status !== lastStatus && settings.log !== 'stream')
      host.info(`Run ${run.id}: ${state.snapshot.status}`);
    lastStatus = state.snapshot.status;
    if (settings.log === 'stream') await untilAborted(logs.update([...state.jobs.values()]), signal);
    if (state.snapshot.conclusion) {
      state.conclusion = state.snapshot.conclusion;
      return;
    }
    delay = Math.max(Math.min(delay * 2, settings.pollIntervalMs), remote.minPollMs ?? 0);
  }
}

/**
 * Reads every log to its end, shows failures' tails, downloads artifacts. Problems become
 * warnings; a timeout or a cancel meanwhile becomes the conclusion (a step that could not bring
 * everything back in time is not green), and a partial artifact is never left behind.
 */
async function collect(
  { connection, run, settings, host }: FollowOptions,
  logs: LogFollower,
  names: JobNames,
  state: FollowState
): Promise<void> {
  const { remote } = connection;
  const all = [...state.jobs.values()];
  const interrupted = (err: unknown): boolean => {
    if (err instanceof AbortedError) {
      state.conclusion = 'canceled';
      state.message = 'The calling job was cancelled while the logs and artifacts were brought back.';
      return true;
    }
    if (err instanceof DeadlineError && state.conclusion !== 'timed_out') {
      state.conclusion = 'timed_out';
      state.message = `The logs and artifacts were not all brought back within the timeout (${seconds(settings.timeoutMs)}s): ${err.message}`;
      host.error(state.message);
      return true;
    }
    return false;
  };
  try {
    await logs.finish(all);
  } catch (err) {
    if (interrupted(err)) return;
    host.warning(`Could not read every log: ${errorMessage(err)}`);
  }
  if (settings.log === 'on-failure') {
    for (const job of all) if (job.conclusion === 'failed') logs.showTail(job);
  }
  const { conclusion } = state;
  if (!settings.artifacts.length || conclusion === 'timed_out' || conclusion === 'error') return;
  if (remote.artifactsNote) {
    host.info(remote.artifactsNote);
    return;
  }
  const store = new ArtifactStore(settings.downloadDir, settings.artifacts, settings.maxArtifactSize, (m) =>
    host.warning(m)
  );
  for (const job of all) {
    if (!job.conclusion) continue;
    try {
      await remote.downloadArtifacts(run, job, store.forJob(names.name(job.key, job.name)));
    } catch (err) {
      if (interrupted(err)) break;
      if (err instanceof ArtifactLimitError) {
        state.conclusion = 'error';
        state.message = errorMessage(err);
        host.error(state.message);
        break;
      }
      // Nothing lost in silence: the run may have passed, but the step did not bring back what it
      // was asked for, so it is not green. The other jobs' artifacts are still brought back.
      const message = `Could not download the artifacts of ${job.name}: ${errorMessage(err)}`;
      host.error(message);
      state.conclusion = 'error';
      state.message ??= message;
    }
  }
  state.artifactDirs = store.written;
}

function finalResult(
  { settings, started, base }: FollowOptions,
  logs: LogFollower,
  names: JobNames,
  state: FollowState
): Result {
  const results: JobResult[] = [...state.jobs.values()].map((job) => {
    const log = logs.file(job);
    const dir = path.join(settings.downloadDir, 'artifacts', names.name(job.key, job.name));
    return {
      name: job.name,
      id: job.key,
      stage: job.stage,
      status: job.status,
      conclusion: job.conclusion ?? 'running',
      url: job.url,
      log: log && fs.existsSync(log) ? log : undefined,
      artifacts: state.artifactDirs?.has(dir) ? dir : undefined,
      duration: job.duration,
      allowedToFail: job.allowedToFail
    };
  });
  const final = state.conclusion ?? 'error';
  const failed = results.find((j) => j.conclusion === 'failed' && j.log);
  const logFile = failed?.log ?? [...results].reverse().find((j) => j.log)?.log ?? '';
  return {
    ...base,
    conclusion: final,
    status: state.snapshot?.status ?? '',
    jobs: results,
    logFile,
    duration: Math.round((Date.now() - started) / 1000),
    accepted: settings.successOn.includes(final),
    waited: true,
    message: state.message
  };
}

/** Cancels the run; a failure to do so is a warning, never the step's error. */
export async function cancel(remote: Remote, run: Run, host: Host, why: string): Promise<void> {
  try {
    await remote.cancel(run);
    host.warning(`Cancelled run ${run.id} because ${why}.`);
  } catch (err) {
    host.warning(`Could not cancel run ${run.id} (${why}): ${errorMessage(err)}`);
  }
}

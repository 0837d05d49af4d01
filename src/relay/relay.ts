import { Deadline } from '../core/deadline.js';
import { AbortedError, AmbiguousRequestError, DeadlineError, RemoteError } from '../core/errors.js';
import { follow, type RunBase } from './follow.js';
import type { Host } from '../core/host.js';
import type { Remote } from '../remotes/remote.js';
import { SYSTEM_NAMES } from '../config/inputs.js';
import { connect } from './connection.js';
import { readOutputsFile } from '../reporting/outputs-file.js';
import type { Conclusion, Run } from '../core/run.js';
import type { Result } from '../core/result.js';
import type { Settings } from '../config/settings.js';

export { FIRST_POLL_MS } from './follow.js';

export interface RelayOptions {
  settings: Settings;
  host: Host;
  /** Aborted when the calling job is cancelled (SIGINT/SIGTERM). */
  signal: AbortSignal;
  /** Told once the run was triggered or attached (reporting.ts: the pending commit status). */
  onStarted?: (run: Run) => Promise<void>;
  /** Given the result while the remote is still connected (reporting.ts: its test report). */
  onEnded?: (result: Result, remote: Remote, run: Run) => Promise<void>;
  /** Told the conclusion as soon as the run ended, before its files are brought back (relay/runs.ts: fail-fast). */
  onConcluded?: (conclusion: Conclusion) => void;
  /** Why `signal` was aborted, when it was not the calling job's cancel (relay/runs.ts: fail-fast). */
  cancelledBecause?: () => string | undefined;
}

/** trigger (or attach) → follow, streaming logs → collect logs and artifacts → Result. */
export async function relay({
  settings,
  host,
  signal,
  onStarted,
  onEnded,
  onConcluded,
  cancelledBecause
}: RelayOptions): Promise<Result> {
  const system = SYSTEM_NAMES[settings.system];
  if (!settings.tlsVerify) {
    host.warning(
      `tls-verify is false: ${system}'s certificate is not checked, so anyone on the network path can read the token.`
    );
  }
  // One deadline for the whole step, the trigger included.
  const deadline = new Deadline(settings.timeoutMs, signal);
  const started = Date.now();
  const connection = await connect(settings, host, deadline.signal, deadline.at);
  const { remote, clients } = connection;
  try {
    let run: Run;
    try {
      run = await start(remote, settings, host, system);
    } catch (err) {
      // Before there is a run, a timeout or a cancel has nothing to cancel: it is the conclusion.
      if (err instanceof DeadlineError || err instanceof AbortedError || deadline.signal.aborted) {
        return unstarted(settings, system, host, started, err, err === deadline.signal.reason);
      }
      throw err;
    }
    host.saveState('run', JSON.stringify(run));
    host.setOutput('run-id', run.id);
    host.setOutput('run-url', run.url ?? '');
    host.info(
      `${settings.run || settings.gitlab?.sha ? 'Following' : 'Triggered'} ${system} run ${run.id}${run.url ? `: ${run.url}` : ''}`
    );
    const base: RunBase = { system, runId: run.id, runUrl: run.url ?? '', downloadDir: settings.downloadDir };
    await onStarted?.(run);
    if (!settings.wait) {
      host.saveState('finished', 'true');
      return {
        ...base,
        conclusion: 'success',
        status: 'triggered',
        jobs: [],
        logFile: '',
        duration: 0,
        accepted: true,
        waited: false
      };
    }
    const result = await follow({
      connection,
      run,
      settings,
      host,
      deadline,
      started,
      base,
      onConcluded,
      cancelledBecause
    });
    // Read whatever the run ended as: a failed job's values are often what the caller needs.
    if (settings.outputsFile.length) {
      const jobDirs = result.jobs.flatMap((j) => (j.artifacts ? [{ name: j.name, dir: j.artifacts }] : []));
      if (!jobDirs.length && ['canceled', 'timed_out', 'error'].includes(result.conclusion)) {
        host.warning(
          `outputs-file: not read, since the run ended ${result.conclusion} before its artifacts were brought back.`
        );
      } else {
        result.remoteOutputs = readOutputsFile(jobDirs, settings.outputsFile, (m) => host.warning(m)).values;
      }
    }
    await onEnded?.(result, remote, run);
    return result;
  } finally {
    deadline.dispose();
    clients.forEach((c) => c.dispose());
  }
}

async function start(remote: Remote, settings: Settings, host: Host, system: string): Promise<Run> {
  if (settings.run) return remote.attach(settings.run);
  try {
    return await remote.trigger();
  } catch (err) {
    if (!(err instanceof AmbiguousRequestError)) throw err;
    host.warning(`${err.message}. Looking for the run it may have created, without triggering again.`);
    const found = remote.findTriggered ? await remote.findTriggered() : undefined;
    if (!found) {
      const what = remote.findTriggered
        ? `no run created by it was found`
        : `${system} offers no way to look for the run it may have created, so that run may exist`;
      throw new RemoteError(
        `${err.message}; ${what}. ci-relay sent the request once and did not retry it, so as not to trigger twice: check ${system} before running again.`
      );
    }
    host.warning(`Found run ${found.id}, created by that request: following it.`);
    return found;
  }
}

/** The step's time ran out, or the job was cancelled, before a run was known. */
function unstarted(
  settings: Settings,
  system: string,
  host: Host,
  started: number,
  err: unknown,
  /** The deadline itself passed (not a wait the server asked for). */
  passed: boolean
): Result {
  const canceled = err instanceof AbortedError;
  const sha = settings.gitlab?.sha;
  const when = canceled
    ? 'The calling job was cancelled before the run was known'
    : sha && passed
      ? `No pipeline for commit ${sha}${settings.gitlab?.ref ? ` on ${settings.gitlab.ref}` : ''} appeared within the timeout (${Math.round(settings.timeoutMs / 1000)}s)`
      : passed || !(err instanceof DeadlineError)
        ? `The run was not started within the timeout (${Math.round(settings.timeoutMs / 1000)}s)`
        : (err as DeadlineError).message.replace(/\.$/, '');
  // An answer abandoned mid-request may still have created a run: say where to look.
  const message =
    settings.run || sha || !(passed || canceled)
      ? `${when}.`
      : `${when}; a trigger cut short may still have created a run: check ${system} before running again.`;
  if (!canceled) host.error(message);
  host.saveState('finished', 'true');
  const conclusion = canceled ? 'canceled' : 'timed_out';
  return {
    system,
    runId: '',
    runUrl: '',
    downloadDir: settings.downloadDir,
    conclusion,
    status: '',
    jobs: [],
    logFile: '',
    duration: Math.round((Date.now() - started) / 1000),
    accepted: settings.successOn.includes(conclusion),
    waited: true,
    message
  };
}

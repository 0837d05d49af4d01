import * as fs from 'node:fs';
import * as path from 'node:path';
import { ArtifactStore } from './artifacts.js';
import {
  AbortedError,
  AmbiguousRequestError,
  ArtifactLimitError,
  RemoteError,
  errorMessage
} from './errors.js';
import type { Host } from './hosts/host.js';
import { Http, sleep } from './http.js';
import { LogFollower } from './logs.js';
import { JobNames } from './paths.js';
import { createRemote } from './remotes/index.js';
import type { Conclusion, Job, Remote, RemoteContext, Run, Snapshot } from './remotes/remote.js';
import type { JobResult, Result } from './result.js';
import type { Settings } from './settings.js';

/** The first poll comes this soon after the trigger; the gap then doubles up to `poll-interval`. */
export const FIRST_POLL_MS = 1000;

export const SYSTEM_NAMES: Record<Settings['system'], string> = {
  gitlab: 'GitLab',
  gocd: 'GoCD',
  gearset: 'Gearset'
};

export interface RelayOptions {
  settings: Settings;
  host: Host;
  /** Aborted when the calling job is cancelled (SIGINT/SIGTERM). */
  signal: AbortSignal;
  /** Told once the run was triggered or attached (reporting.ts: the pending commit status). */
  onStarted?: (run: Run) => Promise<void>;
  /** Given the result while the remote is still connected (reporting.ts: its test report). */
  onEnded?: (result: Result, remote: Remote, run: Run) => Promise<void>;
}

/** Waits may last this long while a run is cancelled after the job itself was cancelled. */
export const CANCEL_GRACE_MS = 15_000;

export interface Connection {
  remote: Remote;
  clients: Http[];
  /**
   * After an abort every wait ends at once; cancelling the run still deserves its retries, so
   * this gives waits a short grace of their own.
   */
  graceForCancel(): void;
}

/** The remote for these settings, with the one HTTP configuration every remote shares. */
export async function connect(settings: Settings, host: Host, signal: AbortSignal): Promise<Connection> {
  const clients: Http[] = [];
  const waits = { signal };
  const ctx: RemoteContext = {
    settings,
    startedAt: Date.now(),
    get signal() {
      return waits.signal;
    },
    note: (message) => host.info(message),
    warn: (message) => host.warning(message),
    httpFor: (config) => {
      const http = new Http({
        ...config,
        caCert: settings.caCert,
        tlsVerify: settings.tlsVerify,
        get signal() {
          return waits.signal;
        },
        debug: (m) => host.debug(m)
      });
      clients.push(http);
      return http;
    }
  };
  return {
    remote: await createRemote(ctx),
    clients,
    graceForCancel: () => {
      waits.signal = AbortSignal.timeout(CANCEL_GRACE_MS);
    }
  };
}

/** trigger (or attach) → follow, streaming logs → collect logs and artifacts → Result. */
export async function relay({ settings, host, signal, onStarted, onEnded }: RelayOptions): Promise<Result> {
  const system = SYSTEM_NAMES[settings.system];
  if (!settings.tlsVerify) {
    host.warning(
      `tls-verify is false: ${system}'s certificate is not checked, so anyone on the network path can read the token.`
    );
  }
  const connection = await connect(settings, host, signal);
  const { remote, clients } = connection;
  try {
    const started = Date.now();
    const run = await start(remote, settings, host, system);
    host.saveState('run', JSON.stringify(run));
    host.setOutput('run-id', run.id);
    host.setOutput('run-url', run.url ?? '');
    host.info(
      `${settings.run ? 'Following' : 'Triggered'} ${system} run ${run.id}${run.url ? `: ${run.url}` : ''}`
    );
    const base = { system, runId: run.id, runUrl: run.url ?? '', downloadDir: settings.downloadDir };
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
    const result = await follow(connection, run, settings, host, signal, started, base);
    await onEnded?.(result, remote, run);
    return result;
  } finally {
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

async function follow(
  { remote, graceForCancel }: Connection,
  run: Run,
  settings: Settings,
  host: Host,
  signal: AbortSignal,
  started: number,
  base: Pick<Result, 'system' | 'runId' | 'runUrl' | 'downloadDir'>
): Promise<Result> {
  fs.mkdirSync(settings.downloadDir, { recursive: true });
  const names = new JobNames(settings.downloadDir);
  const logs = new LogFollower(host, remote, run, names, {
    stream: settings.log === 'stream',
    pollIntervalMs: settings.pollIntervalMs
  });
  const deadline = started + settings.timeoutMs;
  const jobs = new Map<string, Job>();
  let snapshot: Snapshot | undefined;
  let conclusion: Conclusion | undefined;
  let message: string | undefined;
  let delay = Math.max(FIRST_POLL_MS, remote.minPollMs ?? 0);
  // Gaps are measured from the start of one poll to the start of the next: the time a poll and
  // its log reads take does not stretch them past poll-interval (nor the end's detection with them).
  let pollStarted = Date.now();
  let lastStatus = '';
  let artifactDirs: Map<string, string[]> | undefined;

  try {
    for (;;) {
      const wait = Math.min(pollStarted + delay - Date.now(), deadline - Date.now());
      if (wait > 0) await sleep(wait, signal);
      if (Date.now() >= deadline) {
        conclusion = 'timed_out';
        message = `The run did not end within ${Math.round(settings.timeoutMs / 1000)}s.`;
        break;
      }
      pollStarted = Date.now();
      snapshot = await untilAborted(remote.poll(run), signal);
      for (const job of snapshot.jobs) {
        const before = jobs.get(job.key);
        jobs.set(job.key, job);
        if (settings.log !== 'stream' && job.conclusion && !before?.conclusion)
          host.info(`${job.name}: ${job.status}`);
      }
      if (snapshot.status !== lastStatus && settings.log !== 'stream')
        host.info(`Run ${run.id}: ${snapshot.status}`);
      lastStatus = snapshot.status;
      if (settings.log === 'stream') await untilAborted(logs.update([...jobs.values()]), signal);
      if (snapshot.conclusion) {
        conclusion = snapshot.conclusion;
        break;
      }
      delay = Math.max(Math.min(delay * 2, settings.pollIntervalMs), remote.minPollMs ?? 0);
    }
  } catch (err) {
    if (err instanceof AbortedError || signal.aborted) {
      conclusion = 'canceled';
      message = 'The calling job was cancelled.';
      if (settings.cancelOnAbort) {
        graceForCancel();
        await cancel(remote, run, host, 'the calling job was cancelled');
      }
      host.saveState('finished', 'true');
      return finalResult();
    }
    conclusion = 'error';
    message = errorMessage(err);
    host.error(message);
  }

  if (conclusion === 'timed_out') {
    host.error(message ?? 'Timed out.');
    if (settings.cancelOnTimeout) await cancel(remote, run, host, 'timeout passed');
  }
  host.saveState('finished', 'true');
  await collect();
  return finalResult();

  /** Reads every log to its end, shows failures' tails, downloads artifacts. Problems become warnings. */
  async function collect(): Promise<void> {
    const all = [...jobs.values()];
    try {
      await logs.finish(all);
    } catch (err) {
      host.warning(`Could not read every log: ${errorMessage(err)}`);
    }
    if (settings.log === 'on-failure') {
      for (const job of all) if (job.conclusion === 'failed') logs.showTail(job);
    }
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
        if (err instanceof AbortedError) throw err;
        if (err instanceof ArtifactLimitError) {
          conclusion = 'error';
          message = errorMessage(err);
          host.error(message);
          return;
        }
        host.warning(`Could not download the artifacts of ${job.name}: ${errorMessage(err)}`);
      }
    }
    artifactDirs = store.written;
  }

  function finalResult(): Result {
    const list = [...jobs.values()];
    const results: JobResult[] = list.map((job) => {
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
        artifacts: artifactDirs?.has(dir) ? dir : undefined,
        duration: job.duration
      };
    });
    const final = conclusion ?? 'error';
    const failed = results.find((j) => j.conclusion === 'failed' && j.log);
    const logFile = failed?.log ?? [...results].reverse().find((j) => j.log)?.log ?? '';
    return {
      ...base,
      conclusion: final,
      status: snapshot?.status ?? '',
      jobs: results,
      logFile,
      duration: Math.round((Date.now() - started) / 1000),
      accepted: settings.successOn.includes(final),
      waited: true,
      message
    };
  }
}

async function cancel(remote: Remote, run: Run, host: Host, why: string): Promise<void> {
  try {
    await remote.cancel(run);
    host.warning(`Cancelled run ${run.id} because ${why}.`);
  } catch (err) {
    host.warning(`Could not cancel run ${run.id} (${why}): ${errorMessage(err)}`);
  }
}

/** Rejects as soon as the job is cancelled, without waiting for a slow answer. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new AbortedError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new AbortedError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      }
    );
  });
}

/**
 * Several runs in one step (CONTRACT.md, "Several runs"), built on the single-run relay: every
 * item of `runs` (read and validated as a whole first, config/runs.ts) goes through `relay()`
 * at once, each with its own Settings (system, server, credentials, download-dir), its own
 * run-scoped view of the host (run-host.ts: lines marked `[name/job]`, outputs kept per run)
 * and its own report-back (commit status, test results). This file only starts them, cancels
 * them together (fail-fast, a job's cancel) and judges the step.
 */
import { AbortedError, DeadlineError, RemoteError, errorMessage } from '../core/errors.js';
import type { Host } from '../core/host.js';
import type { Conclusion, Run } from '../core/run.js';
import type { NamedResult, Result } from '../core/result.js';
import { SYSTEM_NAMES } from '../config/inputs.js';
import { readRuns, type RunItem, type SeveralSettings } from '../config/runs.js';
import type { InputReader } from '../config/settings.js';
import { Reporting } from '../reporting/report-back.js';
import { setOutputs } from '../reporting/summary.js';
import { summedTests } from '../reporting/summary-runs.js';
import { relay } from './relay.js';
import { RunHost } from './run-host.js';

/** The verdict's order, worst first (CONTRACT.md): a step is as bad as its worst run. */
export const VERDICT_ORDER: readonly Conclusion[] = [
  'error',
  'timed_out',
  'failed',
  'canceled',
  'blocked',
  'partial',
  'skipped',
  'success'
];

/** What the GitHub post step needs to cancel the runs the main step left going. */
export interface SavedRun {
  name: string;
  run?: Run;
  finished?: boolean;
}

export interface SeveralOptions {
  host: Host;
  /** The step's inputs (the host's reader, GitHub-only inputs blanked elsewhere). */
  read: InputReader;
  /** Aborted when the calling job is cancelled (SIGINT/SIGTERM). */
  signal: AbortSignal;
}

/** Reads every item, then relays them all side by side; the step's Result holds each run's in `runs`. */
export async function relaySeveral({ host, read, signal }: SeveralOptions): Promise<Result> {
  const several = readRuns(read, (value) => host.secret(value), process.cwd(), host.kind);
  const started = Date.now();
  host.info(
    `Several runs: ${several.items.map((i) => `${i.folder} (${SYSTEM_NAMES[i.settings.system]})`).join(', ')}${
      several.failFast ? '; fail-fast: the others are cancelled when one ends unsuccessfully' : ''
    }. Each line of a run is marked [name/job].`
  );
  const saved = several.items.map((i): SavedRun => ({ name: i.name }));
  const save = (): void => host.saveState('runs', JSON.stringify(saved));
  save();
  const controllers = several.items.map(() => new AbortController());
  const onStep = (): void => controllers.forEach((c) => c.abort());
  if (signal.aborted) onStep();
  else signal.addEventListener('abort', onStep, { once: true });
  let failedFirst: { name: string; conclusion: Conclusion } | undefined;
  /** fail-fast: every run still going is cancelled; one that ended (bringing back its files) is left be. */
  const failFast = (by: { name: string; conclusion: Conclusion }): void => {
    if (!several.failFast || failedFirst || signal.aborted) return;
    failedFirst = by;
    host.warning(`Run '${by.name}' ended ${by.conclusion}: fail-fast cancels the runs still going.`);
    several.items.forEach((item, i) => {
      if (saved[i].finished) return;
      // fail-fast asks for the cancel whatever cancel-on-abort says: that is what it is for.
      item.settings.cancelOnAbort = true;
      controllers[i].abort();
    });
  };
  try {
    const results = await Promise.all(
      several.items.map(async (item, i) => {
        const concluded = (c: Conclusion): void => {
          if (!item.settings.successOn.includes(c)) failFast({ name: item.name, conclusion: c });
        };
        const because = (): string | undefined =>
          failedFirst && !signal.aborted && failedFirst.name !== item.name
            ? `of fail-fast: run '${failedFirst.name}' ended ${failedFirst.conclusion}`
            : undefined;
        const result = await one(item, host, controllers[i].signal, saved[i], save, concluded, because);
        // A run cancelled before it was known says so in relay's own words: fail-fast's are these.
        if (result.conclusion === 'canceled' && because()) result.message = `Cancelled because ${because()}.`;
        if (!result.accepted) failFast(result);
        return result;
      })
    );
    return verdict(several, results, started);
  } finally {
    signal.removeEventListener('abort', onStep);
  }
}

/** One run through the single-run relay; an error of its own is its conclusion, never the step's throw. */
async function one(
  item: RunItem,
  step: Host,
  signal: AbortSignal,
  saved: SavedRun,
  save: () => void,
  onConcluded: (conclusion: Conclusion) => void,
  cancelledBecause: () => string | undefined
): Promise<NamedResult> {
  const host = new RunHost(step, item.folder, (name, value) => {
    if (name === 'run') saved.run = JSON.parse(value) as Run;
    else if (name === 'finished') saved.finished = true;
    else return;
    save();
  });
  const report = new Reporting(item.settings, host, ` (${item.name})`);
  let result: Result;
  try {
    result = await relay({
      settings: item.settings,
      host,
      signal,
      onStarted: (run) => report.started(run),
      onEnded: (r, remote, run) => report.ended(r, remote, run),
      onConcluded,
      cancelledBecause
    });
    setOutputs(host, result);
    await report.finish(result);
  } catch (err) {
    result = failedRun(item, host, saved, err);
    await report.failed(err instanceof Error ? err : new Error(String(err)));
    host.setOutput('conclusion', result.conclusion);
    setOutputs(host, result);
  } finally {
    saved.finished = true;
    save();
  }
  return { ...result, name: item.name, outputs: Object.fromEntries(host.outputs) };
}

/** A run whose relay threw: its conclusion is `error` (or `canceled`), its message the sentence. */
function failedRun(item: RunItem, host: Host, saved: SavedRun, err: unknown): Result {
  const canceled = err instanceof AbortedError;
  const message = canceled
    ? 'The calling job was cancelled.'
    : err instanceof RemoteError || err instanceof DeadlineError
      ? err.message
      : `ci-relay failed: ${errorMessage(err)}`;
  if (!canceled) host.error(message);
  const conclusion: Conclusion = canceled ? 'canceled' : 'error';
  return {
    system: SYSTEM_NAMES[item.settings.system],
    conclusion,
    status: '',
    runId: saved.run?.id ?? '',
    runUrl: saved.run?.url ?? '',
    jobs: [],
    logFile: '',
    downloadDir: item.settings.downloadDir,
    duration: 0,
    accepted: item.settings.successOn.includes(conclusion),
    waited: true,
    message
  };
}

/**
 * The step's result: the worst of the runs' conclusions, each judged with its own `success-on`
 * (a run it accepts counts as success); accepted when every run is. run-id/run-url stay empty.
 */
export function verdict(several: SeveralSettings, runs: NamedResult[], started: number): Result {
  const judged = runs.map((r) => (r.accepted ? 'success' : r.conclusion));
  const conclusion = VERDICT_ORDER.find((c) => judged.includes(c)) ?? 'error';
  const bad = runs.filter((r) => !r.accepted);
  const firstBad = bad.find((r) => r.logFile) ?? bad[0];
  const systems = [...new Set(runs.map((r) => r.system))].join(', ');
  return {
    system: systems,
    conclusion,
    status: '',
    runId: '',
    runUrl: '',
    jobs: runs.flatMap((r) => r.jobs.map((j) => ({ ...j, name: `${r.name}/${j.name}` }))),
    logFile: firstBad?.logFile || ([...runs].reverse().find((r) => r.logFile)?.logFile ?? ''),
    downloadDir: several.downloadDir,
    duration: Math.round((Date.now() - started) / 1000),
    accepted: bad.length === 0,
    waited: true,
    message: bad.length
      ? `${bad.length} of ${runs.length} runs did not succeed: ${bad.map((r) => `${r.name} ${r.conclusion}`).join(', ')}.`
      : `All ${runs.length} runs succeeded${runs.some((r) => r.conclusion !== 'success') ? ' (some as success-on accepts)' : ''}.`,
    tests: summedTests(runs),
    runs
  };
}

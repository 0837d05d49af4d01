import { AbortedError, InputError, RemoteError, errorMessage } from './core/errors.js';
import type { Host } from './core/host.js';
import type { Settings } from './config/settings.js';
import type { Reporting } from './reporting/report-back.js';
import { detectHost } from './hosts/detect.js';
import type { HostKind } from './core/host.js';
import { VERSION } from './version.js';
import { neutralizeCommands } from './logs/neutralise.js';

/**
 * The entry of every host (the actions/typescript-action layout: index.ts only calls this, and
 * GitHub's local-action imports it): detect the host, load its adapter, run main or the post
 * step, and set the exit code. `args`: the command line after `node script` (index.ts passes
 * them; local-action passes none).
 */
export async function run(args: string[] = []): Promise<void> {
  try {
    const code = await start(args);
    // local-action runs main and post in one process: the post step's 0 keeps main's failure.
    if (code !== 0 || !process.exitCode) process.exitCode = code;
  } catch (err) {
    // No host to write through: the one neutraliser still stands between the message and the runner.
    process.stderr.write(`${neutralizeCommands(`ci-relay: ${errorMessage(err)}`)}\n`);
    process.exitCode = 4;
  }
}

async function createHost(kind: HostKind, args: string[]): Promise<Host> {
  // Each host's library is loaded only in that host (azure-pipelines-task-lib empties INPUT_* on import).
  if (kind === 'github') return (await import('./hosts/github.js')).createGitHubHost();
  if (kind === 'azure') return (await import('./hosts/azure.js')).createAzureHost();
  return (await import('./hosts/cli.js')).createCliHost(args);
}

async function start(args: string[]): Promise<number> {
  const kind = detectHost(process.env, args);
  if (kind === 'cli' && (args.includes('--version') || args.includes('-V'))) {
    process.stdout.write(`ci-relay ${VERSION}\n`);
    return 0;
  }
  const host = await createHost(kind, args);
  if ('helpText' in host && typeof host.helpText === 'string') {
    process.stdout.write(`${host.helpText}\n`);
    return 0;
  }
  return main(host);
}

/** read settings → relay → report, for any host; the one place errors are caught. Returns the exit code. */
export async function main(host: Host): Promise<number> {
  if (host.isPost) return post(host);
  const { readSettings, relay, setOutputs, summaryMarkdown, hostInputs, Reporting, ...several } =
    await import('./relay/index.js');
  host.saveState('isPost', 'true');

  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (abort.signal.aborted) return;
    host.warning(`Received ${signal}: stopping.`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let reporting: Reporting | undefined;
  try {
    const read = hostInputs(host.kind, (name) => host.input(name));
    if (read('runs')) {
      // Several runs (relay/runs.ts): each goes through relay() on its own; this is the step's verdict.
      const result = await several.relaySeveral({ host, read, signal: abort.signal });
      several.setSeveralOutputs(host, result);
      await host.summary(several.severalSummaryMarkdown(result));
      return await host.finish({ result });
    }
    const settings = readSettings(read, (value) => host.secret(value));
    const report = (reporting = new Reporting(settings, host));
    const result = await relay({
      settings,
      host,
      signal: abort.signal,
      onStarted: (run) => report.started(run),
      onEnded: (r, remote, run) => report.ended(r, remote, run)
    });
    setOutputs(host, result);
    await report.finish(result);
    await host.summary(summaryMarkdown(result));
    return await host.finish({ result });
  } catch (err) {
    const error = userError(err);
    host.setOutput('conclusion', error instanceof AbortedError ? 'canceled' : 'error');
    host.debug(err instanceof Error && err.stack ? err.stack : String(err));
    await reporting?.failed(error);
    return host.finish({ error });
  } finally {
    // However it ended, the main step ended: the post step must not cancel a run it left going.
    host.saveState('finished', 'true');
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * GitHub's post step: when the main step was cancelled before it could end the run (the
 * runner kills it), cancel the remote run once. Does nothing when the main step finished.
 */
async function post(host: Host): Promise<number> {
  const { readSettings, connect, SYSTEM_NAMES, graceWindow, CANCEL_GRACE_MS, cancelSeveral } =
    await import('./relay/index.js');
  if (host.getState('runs')) return host.getState('finished') ? 0 : cancelSeveral(host);
  const saved = host.getState('run');
  if (!saved || host.getState('finished')) return 0;
  let settings: Settings;
  try {
    settings = readSettings(
      (name) => host.input(name),
      (value) => host.secret(value)
    );
  } catch {
    return 0;
  }
  if (!settings.cancelOnAbort) return 0;
  const run = JSON.parse(saved) as { id: string };
  // The runner gives the post step little time: the cancel gets the same bounded grace as in the main step.
  const grace = graceWindow(CANCEL_GRACE_MS);
  const { remote, clients } = await connect(settings, host, grace.signal, grace.at);
  try {
    await remote.cancel(JSON.parse(saved));
    host.warning(
      `Cancelled ${SYSTEM_NAMES[settings.system]} run ${run.id}: the job was cancelled before it ended.`
    );
  } catch (err) {
    host.warning(`Could not cancel ${SYSTEM_NAMES[settings.system]} run ${run.id}: ${errorMessage(err)}`);
  } finally {
    clients.forEach((c) => c.dispose());
  }
  return 0;
}

/** Errors as users should read them: ours keep their sentence; anything else is a failure to talk to the server. */
function userError(err: unknown): Error {
  if (err instanceof InputError || err instanceof RemoteError || err instanceof AbortedError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const message = errorMessage(err);
  if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return new RemoteError(
      `TLS: ${message}. Give the server's CA in 'ca-cert' (or, at your own risk, tls-verify: false).`
    );
  }
  // A file system error names its path: the server is not to blame.
  if (code && (err as NodeJS.ErrnoException).path) return new RemoteError(`ci-relay failed: ${message}`);
  return new RemoteError(code ? `Could not reach the server: ${message}` : `ci-relay failed: ${message}`);
}

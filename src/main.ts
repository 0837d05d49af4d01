import { AbortedError, InputError, RemoteError, errorMessage } from './errors.js';
import type { Host } from './hosts/host.js';
import { connect, relay, SYSTEM_NAMES } from './relay.js';
import { setOutputs, summaryMarkdown } from './report.js';
import { hostInputs } from './inputs.js';
import { Reporting } from './reporting.js';
import { readSettings, type Settings } from './settings.js';

/** read settings → relay → report, for any host; the one place errors are caught. Returns the exit code. */
export async function main(host: Host): Promise<number> {
  if (host.isPost) return post(host);
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
    const settings = readSettings(
      hostInputs(host.kind, (name) => host.input(name)),
      (value) => host.secret(value)
    );
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
  const { remote, clients } = await connect(settings, host, new AbortController().signal);
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

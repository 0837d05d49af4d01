import { graceWindow } from '../core/deadline.js';
import type { Host } from '../core/host.js';
import type { Settings } from '../config/settings.js';
import { createRemote } from '../remotes/index.js';
import type { Remote, RemoteContext } from '../remotes/remote.js';
import { Http } from '../transport/http.js';

/**
 * How long cancelling a run may take once the step's own time is over (the timeout passed or
 * the job was cancelled): the step ends within `timeout` + this, whatever the server does.
 */
export const CANCEL_GRACE_MS = 15_000;

export interface Connection {
  remote: Remote;
  clients: Http[];
  /**
   * After a timeout or an abort every wait ends at once; cancelling the run (and reading the
   * last of the logs after a timeout) still deserves its retries, so this gives the waits a
   * short, bounded window of their own: CANCEL_GRACE_MS from now.
   */
  graceForCancel(): void;
}

/**
 * The remote for these settings, with the one HTTP configuration every remote shares. Every
 * wait and transfer ends when `signal` aborts; no wait the server asks for passes `deadline`.
 */
export async function connect(
  settings: Settings,
  host: Host,
  signal: AbortSignal,
  deadline?: number
): Promise<Connection> {
  const clients: Http[] = [];
  const waits: { signal: AbortSignal; deadline?: number } = { signal, deadline };
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
        get deadline() {
          return waits.deadline;
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
      const grace = graceWindow(CANCEL_GRACE_MS);
      waits.signal = grace.signal;
      waits.deadline = grace.at;
    }
  };
}

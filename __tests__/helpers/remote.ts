/** Drives a remote directly, as the relay does: settings from inputs, real Http clients, notes collected. */
import { Http } from '../../src/transport/http.js';
import type { RemoteContext } from '../../src/remotes/remote.js';
import { readSettings } from '../../src/config/settings.js';

export interface RemoteHarness {
  ctx: RemoteContext;
  notes: string[];
  warnings: string[];
  abort: AbortController;
}

const clients: Http[] = [];

/** A RemoteContext for these inputs (contract names); retries back off in 50 ms steps. */
export function remoteContext(values: Record<string, string>): RemoteHarness {
  const settings = readSettings(
    (name) => values[name] ?? '',
    () => undefined
  );
  const notes: string[] = [];
  const warnings: string[] = [];
  const abort = new AbortController();
  const ctx: RemoteContext = {
    settings,
    httpFor: (config) => {
      const http = new Http({ ...config, backoffMs: 50, signal: abort.signal });
      clients.push(http);
      return http;
    },
    startedAt: Date.now(),
    note: (message) => notes.push(message),
    warn: (message) => warnings.push(message),
    signal: abort.signal
  };
  return { ctx, notes, warnings, abort };
}

/** Closes every client made since the last call (afterEach). */
export function disposeClients(): void {
  clients.splice(0).forEach((c) => c.dispose());
}

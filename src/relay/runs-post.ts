import { errorMessage } from '../core/errors.js';
import { graceWindow } from '../core/deadline.js';
import type { Host } from '../core/host.js';
import { SYSTEM_NAMES } from '../config/inputs.js';
import { readRuns } from '../config/runs.js';
import { CANCEL_GRACE_MS, connect } from './connection.js';
import type { SavedRun } from './runs.js';

/**
 * GitHub's post step for several runs: the main step was killed before it ended them, so each
 * run it had started and not seen end is cancelled once, on its own server with its own
 * credentials, all at once within one cancel grace.
 */
export async function cancelSeveral(host: Host): Promise<number> {
  let saved: SavedRun[];
  let items: ReturnType<typeof readRuns>['items'];
  try {
    saved = JSON.parse(host.getState('runs')) as SavedRun[];
    items = readRuns(
      (name) => host.input(name),
      (value) => host.secret(value),
      process.cwd(),
      host.kind
    ).items;
  } catch {
    return 0;
  }
  const grace = graceWindow(CANCEL_GRACE_MS);
  await Promise.all(
    saved.map(async (entry) => {
      const item = items.find((i) => i.name === entry.name);
      if (!item || !entry.run || entry.finished || !item.settings.cancelOnAbort) return;
      const what = `${SYSTEM_NAMES[item.settings.system]} run ${entry.run.id} of '${item.name}'`;
      let clients: { dispose(): void }[] = [];
      try {
        const connection = await connect(item.settings, host, grace.signal, grace.at);
        clients = connection.clients;
        await connection.remote.cancel(entry.run);
        host.warning(`Cancelled ${what}: the job was cancelled before it ended.`);
      } catch (err) {
        // One run that cannot be cancelled never keeps the others from being cancelled.
        host.warning(`Could not cancel ${what}: ${errorMessage(err)}`);
      } finally {
        clients.forEach((c) => c.dispose());
      }
    })
  );
  return 0;
}

/**
 * remotes/ drives the servers: remote.ts is the Remote interface, and each server has a folder
 * (gitlab/, gocd/, gearset/) with its URLs, answer shapes (zod), states → conclusions and
 * version adaptation, and nothing else. A remote never prints: it returns data and tells the
 * relay through its RemoteContext. It may import artifacts/, transport/, config/ and core/;
 * never the relay, the reporting or a host.
 */
import type { Remote, RemoteContext } from './remote.js';

/** Each remote is loaded only when asked for, so start-up reads one of them. */
export async function createRemote(ctx: RemoteContext): Promise<Remote> {
  switch (ctx.settings.system) {
    case 'gitlab':
      return (await import('./gitlab/remote.js')).createGitLab(ctx);
    case 'gocd':
      return (await import('./gocd/remote.js')).createGoCD(ctx);
    case 'gearset':
      return (await import('./gearset/remote.js')).createGearset(ctx);
  }
}

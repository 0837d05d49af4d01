import type { Remote, RemoteContext } from './remote.js';

/** Each remote is loaded only when asked for, so start-up reads one of them. */
export async function createRemote(ctx: RemoteContext): Promise<Remote> {
  switch (ctx.settings.system) {
    case 'gitlab':
      return (await import('./gitlab.js')).createGitLab(ctx);
    case 'gocd':
      return (await import('./gocd.js')).createGoCD(ctx);
    case 'gearset':
      return (await import('./gearset.js')).createGearset(ctx);
  }
}

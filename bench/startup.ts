/** Start-up: `ci-relay --version` against `node -e 0`, and node's own peak RSS. */
import { spawnSync } from 'node:child_process';

import { cleanEnv } from '../__tests__/helpers/run.js';
import { DIST, median } from './support.js';

export function measureVersion(): { relayMs: number; nodeMs: number; nodeRss: number; runs: number } {
  const env = cleanEnv();
  const once = (args: string[]): number => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { env, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (${r.status})`);
    return performance.now() - t0;
  };
  once([DIST, '--version']);
  once(['-e', '0']);
  const relay: number[] = [];
  const node: number[] = [];
  const runs = 11;
  for (let i = 0; i < runs; i++) {
    node.push(once(['-e', '0']));
    relay.push(once([DIST, '--version']));
  }
  // VmHWM where there is one: getrusage's maxrss survives fork + exec (see writePreload).
  const peak =
    "let kb = process.resourceUsage().maxRSS; try { kb = Number(/VmHWM:\\s*(\\d+)/.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))[1]); } catch {} process.stdout.write(String(kb));";
  const rss = spawnSync(process.execPath, ['-e', peak], { env });
  return {
    relayMs: median(relay),
    nodeMs: median(node),
    nodeRss: Number(rss.stdout.toString()) * 1024,
    runs
  };
}

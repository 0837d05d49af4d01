#!/usr/bin/env node
import { detectHost } from './hosts/detect.js';
import type { Host, HostKind } from './hosts/host.js';
import { VERSION } from './version.js';

async function createHost(kind: HostKind): Promise<Host> {
  // Each host's library is loaded only in that host (azure-pipelines-task-lib empties INPUT_* on import).
  if (kind === 'github') return (await import('./hosts/github.js')).createGitHubHost();
  if (kind === 'azure') return (await import('./hosts/azure.js')).createAzureHost();
  return (await import('./hosts/cli.js')).createCliHost(process.argv.slice(2));
}

async function start(): Promise<number> {
  const kind = detectHost(process.env, process.argv);
  const args = process.argv.slice(2);
  if (kind === 'cli' && (args.includes('--version') || args.includes('-V'))) {
    process.stdout.write(`ci-relay ${VERSION}\n`);
    return 0;
  }
  const host = await createHost(kind);
  if ('helpText' in host && typeof host.helpText === 'string') {
    process.stdout.write(`${host.helpText}\n`);
    return 0;
  }
  const { main } = await import('./main.js');
  return main(host);
}

start().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`ci-relay: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 4;
  }
);

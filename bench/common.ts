/** What the benchmarks share: the table row, the simulated project and tokens, printing and small helpers. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SimServer } from '../sim/server.js';

export interface Row {
  measure: string;
  value: string;
  reference: string;
  target: string;
  ok?: boolean;
}

export const GITLAB_TOKEN = 'glpat-bench-token';

export const GOCD_TOKEN = 'gocd-bench-token';

export const PROJECT = 'group/sub/app';

export const PENDING_MS = 200;

export const log = (message: string): void => {
  process.stderr.write(`[bench] ${message}\n`);
};

export const fmt = (n: number, digits = 1): string => n.toFixed(digits);

export const ratio = (n: number): string => `${n.toFixed(2)}×`;

export const sleepMs = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Closes the servers of a finished measure (they are left to main's cleanup when it fails). */
export async function release(servers: SimServer[], done: SimServer[]): Promise<void> {
  await Promise.all(done.map((s) => s.close().catch(() => undefined)));
  for (const s of done) servers.splice(servers.indexOf(s), 1);
}

export function gitlabArgs(url: string, pollS: number, extra: string[] = []): string[] {
  return [
    'gitlab',
    '--url',
    url,
    '--project',
    PROJECT,
    '--ref',
    'main',
    '--poll-interval',
    `${pollS}s`,
    '--json',
    ...extra
  ];
}

export function subdir(tmp: string, name: string): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

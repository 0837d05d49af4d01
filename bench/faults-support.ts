/** What the fault benchmarks share: the fault rate and seeds, a relay run through dist/index.js, and what it is judged by. */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SCHEDULED_KINDS, type FaultSchedule, type ScheduledKind } from '../sim/faults.js';
import { cleanEnv } from '../__tests__/helpers/run.js';
import { DIST } from './support.js';

/** Share of eligible requests that get a fault: every second one. */
export const RATE = 0.5;
export const SEEDS = [1, 2, 3];

interface Outcome {
  /** The conclusion the run really had, and the one ci-relay reported. */
  expected: string;
  got: string;
  triggers: number;
  bytesExpected: number;
  bytesReceived: number;
  leaks: number;
  seconds: number;
}

export interface Tally {
  remote: string;
  faults: Record<ScheduledKind, number>;
  runs: Outcome[];
}

export const log = (message: string): void => {
  process.stderr.write(`[bench faults] ${message}\n`);
};

/** The bench's environment, without the outer CI's variables (a runner would read our output otherwise). */
function env(extra: Record<string, string>): Record<string, string> {
  return { ...cleanEnv(), ...extra };
}

export function relay(
  args: string[],
  cwd: string,
  extra: Record<string, string>,
  /** Sends SIGTERM once this resolves; `signalled` then holds when. */
  terminate?: { when: Promise<void>; signalled?: number }
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [DIST, ...args, '--host', 'cli', '--json', '--debug', '--poll-interval', '1s'],
      {
        cwd,
        env: env(extra),
        stdio: ['ignore', 'pipe', 'pipe']
      }
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    void terminate?.when.then(() => {
      terminate.signalled = Date.now();
      child.kill('SIGTERM');
    });
  });
}

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** Bytes of `files` found whole under `dir` (a file that differs counts for nothing). */
export function received(dir: string, files: Record<string, string | Buffer>): number {
  let n = 0;
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, ...rel.split('/'));
    if (fs.existsSync(file) && sha(fs.readFileSync(file)) === sha(content)) n += Buffer.byteLength(content);
  }
  return n;
}

export const bytes = (files: Record<string, string | Buffer>): number =>
  Object.values(files).reduce((n, c) => n + Buffer.byteLength(c), 0);

export function noise(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function conclusionOf(stdout: string): string {
  try {
    return String((JSON.parse(stdout) as { conclusion?: unknown }).conclusion ?? 'none');
  } catch {
    return 'none';
  }
}

export const leaks = (text: string, secrets: string[]): number =>
  secrets.reduce((n, s) => n + text.split(s).length - 1, 0);

export function add(into: Record<ScheduledKind, number>, schedule: FaultSchedule): void {
  for (const k of SCHEDULED_KINDS) into[k] += schedule.counts[k];
}

/**
 * `npm run bench -- faults` (bench/bench.ts imports this file, which runs at import; `tsx
 * bench/faults.ts` runs it alone): whole relays through dist/index.js against each simulator
 * while sim/faults.ts keeps injecting faults — resets, 502/503, 429 with Retry-After, slow
 * answers, truncated bodies, malformed JSON, status words flipped to an unknown one — and, per
 * remote, a table of what was injected and what came out: runs with the correct conclusion,
 * triggers sent, artifact bytes lost, secrets leaked.
 *
 * Then the bounded faults (issue 12), each against a run that would go on for minutes, with
 * `timeout` 6s: a poll silent after its headers, a poll body dripping a byte at a time, a 429
 * whose Retry-After (300 s) is past the deadline, and SIGTERM during a hung poll. Per remote,
 * the worst wall time over `timeout` (and from SIGTERM to exit), with conclusions, triggers
 * and cancels.
 *
 * Needs `npm run build` first. The three remotes run side by side; about two minutes in all.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  emptyCounts,
  gearsetFaultSchedule,
  gitlabFaultSchedule,
  gocdFaultSchedule,
  SCHEDULED_KINDS,
  type FaultSchedule,
  type ScheduledKind
} from '../sim/faults.js';
import { cleanEnv } from '../__tests__/helpers/run.js';
import { startGearsetSim } from '../sim/gearset.js';
import { startGitLabSim } from '../sim/gitlab.js';
import { startGoCDSim } from '../sim/gocd.js';
import type { Fault, SimRequest, SimServer } from '../sim/server.js';

const DIST = path.resolve('dist/index.js');
/** Share of eligible requests that get a fault: every second one. */
const RATE = 0.5;
const SEEDS = [1, 2, 3];

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

interface Tally {
  remote: string;
  faults: Record<ScheduledKind, number>;
  runs: Outcome[];
}

const log = (message: string): void => {
  process.stderr.write(`[bench faults] ${message}\n`);
};

/** The bench's environment, without the outer CI's variables (a runner would read our output otherwise). */
function env(extra: Record<string, string>): Record<string, string> {
  return { ...cleanEnv(), ...extra };
}

function relay(
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
function received(dir: string, files: Record<string, string | Buffer>): number {
  let n = 0;
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, ...rel.split('/'));
    if (fs.existsSync(file) && sha(fs.readFileSync(file)) === sha(content)) n += Buffer.byteLength(content);
  }
  return n;
}

const bytes = (files: Record<string, string | Buffer>): number =>
  Object.values(files).reduce((n, c) => n + Buffer.byteLength(c), 0);

function noise(size: number, seed: number): Buffer {
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

function conclusionOf(stdout: string): string {
  try {
    return String((JSON.parse(stdout) as { conclusion?: unknown }).conclusion ?? 'none');
  } catch {
    return 'none';
  }
}

const leaks = (text: string, secrets: string[]): number =>
  secrets.reduce((n, s) => n + text.split(s).length - 1, 0);

function add(into: Record<ScheduledKind, number>, schedule: FaultSchedule): void {
  for (const k of SCHEDULED_KINDS) into[k] += schedule.counts[k];
}

async function gitlab(tmp: string): Promise<Tally> {
  const tally: Tally = { remote: 'GitLab', faults: emptyCounts(), runs: [] };
  const token = 'glpat-bench-faults-5e1a';
  for (const seed of SEEDS) {
    const failing = seed % 2 === 0;
    const files = { 'dist/app.bin': noise(500_000, seed), 'dist/notes.txt': `release ${seed}\n` };
    const sim = await startGitLabSim({
      token,
      pipelines: {
        main: {
          jobs: [
            {
              name: 'build',
              stage: 'build',
              runningMs: 1500,
              artifacts: files,
              log: [`token ${token}`, 'built']
            },
            {
              name: 'test',
              stage: 'test',
              runningMs: 1500,
              result: failing ? 'failed' : 'success',
              log: { totalBytes: 100_000 }
            }
          ]
        }
      }
    });
    const schedule = gitlabFaultSchedule(sim, { seed, rate: RATE });
    const cwd = fs.mkdtempSync(path.join(tmp, 'gitlab-'));
    const started = Date.now();
    const run = await relay(
      ['gitlab', '--url', sim.url, '--project', 'group/sub/app', '--ref', 'main'],
      cwd,
      { CI_RELAY_TOKEN: token }
    );
    schedule.stop();
    add(tally.faults, schedule);
    tally.runs.push({
      expected: failing ? 'failed' : 'success',
      got: conclusionOf(run.stdout),
      triggers: sim.created,
      bytesExpected: bytes(files),
      bytesReceived: received(path.join(cwd, 'ci-relay/artifacts/build'), files),
      leaks: leaks(run.stdout + run.stderr, [token]) + sim.leakedToStorage,
      seconds: (Date.now() - started) / 1000
    });
    await sim.close();
    log(`GitLab seed ${seed}: ${conclusionOf(run.stdout)} after ${schedule.total} faults`);
  }
  return tally;
}

async function gocd(tmp: string): Promise<Tally> {
  const tally: Tally = { remote: 'GoCD', faults: emptyCounts(), runs: [] };
  const token = 'gocd-bench-faults-77c2';
  const secret = 'gocd-bench-secret-0b9e';
  for (const seed of SEEDS) {
    const failing = seed % 2 === 0;
    const files = {
      'dist/app.jar': noise(400_000, seed + 10),
      'dist/lib/util.jar': 'util',
      'report.txt': `seed ${seed}\n`
    };
    const sim = await startGoCDSim({
      token,
      scheduleDelayMs: 800,
      pipelines: {
        demo: {
          historyCounter: 2,
          stages: [
            {
              name: 'build',
              jobs: [
                { name: 'compile', runningMs: 1500, artifacts: files, log: [`key ${secret}`, 'compiled'] }
              ]
            },
            {
              name: 'test',
              jobs: [
                {
                  name: 'unit',
                  runningMs: 1500,
                  result: failing ? 'Failed' : 'Passed',
                  log: { totalBytes: 50_000 }
                }
              ]
            }
          ]
        }
      }
    });
    const schedule = gocdFaultSchedule(sim, { seed, rate: RATE });
    const cwd = fs.mkdtempSync(path.join(tmp, 'gocd-'));
    const started = Date.now();
    const run = await relay(
      ['gocd', '--url', sim.url, '--pipeline', 'demo', '--secret-variables', `KEY=${secret}`],
      cwd,
      { CI_RELAY_TOKEN: token }
    );
    schedule.stop();
    add(tally.faults, schedule);
    tally.runs.push({
      expected: failing ? 'failed' : 'success',
      got: conclusionOf(run.stdout),
      triggers: sim.scheduled,
      bytesExpected: bytes(files),
      bytesReceived: received(path.join(cwd, 'ci-relay/artifacts/build.compile'), files),
      leaks: leaks(run.stdout + run.stderr, [token, secret]),
      seconds: (Date.now() - started) / 1000
    });
    await sim.close();
    log(`GoCD seed ${seed}: ${conclusionOf(run.stdout)} after ${schedule.total} faults`);
  }
  return tally;
}

async function gearset(tmp: string): Promise<Tally> {
  const tally: Tally = { remote: 'Gearset', faults: emptyCounts(), runs: [] };
  const token = 'gearset-bench-faults-3d8f';
  for (const seed of SEEDS) {
    const final = seed % 2 === 0 ? 'Failed' : 'Succeeded';
    const sim = await startGearsetSim({
      token,
      jobs: {
        'ci-job': {
          states: [
            { state: 'Pending', ms: 1500 },
            { state: 'Started', ms: 6000 },
            { state: final, ms: 0 }
          ]
        }
      }
    });
    const schedule = gearsetFaultSchedule(sim, { seed, rate: RATE });
    const cwd = fs.mkdtempSync(path.join(tmp, 'gearset-'));
    const started = Date.now();
    const run = await relay(['gearset', '--url', sim.url, '--job', 'ci-job'], cwd, { CI_RELAY_TOKEN: token });
    schedule.stop();
    add(tally.faults, schedule);
    tally.runs.push({
      expected: final === 'Failed' ? 'failed' : 'success',
      got: conclusionOf(run.stdout),
      triggers: sim.runRequests,
      bytesExpected: 0,
      bytesReceived: 0,
      leaks: leaks(run.stdout + run.stderr, [token]),
      seconds: (Date.now() - started) / 1000
    });
    await sim.close();
    log(`Gearset seed ${seed}: ${conclusionOf(run.stdout)} after ${schedule.total} faults`);
  }
  return tally;
}

function table(t: Tally): string {
  const total = Object.values(t.faults).reduce((a, b) => a + b, 0);
  const correct = t.runs.filter((r) => r.got === r.expected).length;
  const triggers = t.runs.reduce((n, r) => n + r.triggers, 0);
  const expected = t.runs.reduce((n, r) => n + r.bytesExpected, 0);
  const got = t.runs.reduce((n, r) => n + r.bytesReceived, 0);
  const leaked = t.runs.reduce((n, r) => n + r.leaks, 0);
  const byKind = SCHEDULED_KINDS.filter((k) => t.faults[k] > 0)
    .map((k) => `${k} ${t.faults[k]}`)
    .join(', ');
  const rows: [string, string, string][] = [
    ['faults injected', `${total} (${byKind || 'none'})`, '> 0'],
    ['runs attempted', String(t.runs.length), ''],
    [
      'runs with the correct conclusion',
      `${correct} of ${t.runs.length} (${t.runs.map((r) => `${r.expected}→${r.got}`).join(', ')})`,
      'all'
    ],
    ['triggers sent', `${triggers} for ${t.runs.length} runs`, 'one per run'],
    [
      'bytes lost',
      expected ? `${expected - got} of ${expected} artifact bytes` : 'n/a (Gearset has no artifacts)',
      '0'
    ],
    ['secrets leaked (stdout + stderr, --debug)', String(leaked), '0'],
    ['seconds per run', t.runs.map((r) => r.seconds.toFixed(1)).join(', '), '']
  ];
  const ok = correct === t.runs.length && triggers === t.runs.length && expected === got && leaked === 0;
  return [
    `### ${t.remote}: ${ok ? 'all promises kept' : 'PROMISES BROKEN'}`,
    '',
    '| measure | value | target |',
    '|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    ''
  ].join('\n');
}

/* ---------------------------------------------------------------- bounded faults */

const TIMEOUT_S = 6;

interface Bounded {
  fault: string;
  conclusion: string;
  code: number | null;
  /** Seconds past `timeout` (or, for SIGTERM, from the signal to the exit). */
  over: number;
  triggers: number;
  cancels: number;
}

interface BoundedTarget {
  remote: string;
  start(): Promise<{
    sim: SimServer;
    args: string[];
    env: Record<string, string>;
    triggers(): number;
    cancels(): number;
  }>;
  isPoll(req: SimRequest): boolean;
}

const BOUNDED_FAULTS: { name: string; fault?: Fault; sigterm?: boolean; expected: string }[] = [
  { name: 'poll silent after headers', fault: { kind: 'silent' }, expected: 'timed_out' },
  { name: 'slow-drip poll body', fault: { kind: 'drip', dripBytes: 1, delayMs: 300 }, expected: 'timed_out' },
  { name: 'Retry-After 300 s', fault: { kind: 'rate-limit', retryAfter: 300 }, expected: 'timed_out' },
  { name: 'SIGTERM during a hung poll', fault: { kind: 'silent' }, sigterm: true, expected: 'canceled' }
];

const BOUNDED_TARGETS: BoundedTarget[] = [
  {
    remote: 'GitLab',
    isPoll: (r) => r.method === 'GET' && /\/pipelines\/\d+$/.test(r.path),
    async start() {
      const sim = await startGitLabSim({
        token: 'glpat-bench-bounded',
        pipelines: {
          main: { jobs: [{ name: 'long', stage: 'build', runningMs: 300_000, log: ['working'] }] }
        }
      });
      return {
        sim,
        args: ['gitlab', '--url', sim.url, '--project', 'group/sub/app', '--ref', 'main'],
        env: { CI_RELAY_TOKEN: 'glpat-bench-bounded' },
        triggers: () => sim.created,
        cancels: () => sim.requests.filter((r) => r.method === 'POST' && /\/cancel$/.test(r.path)).length
      };
    }
  },
  {
    remote: 'GoCD',
    isPoll: (r) => r.method === 'GET' && /^\/go\/api\/pipelines\/demo\/\d+$/.test(r.path),
    async start() {
      const sim = await startGoCDSim({
        scheduleDelayMs: 300,
        pipelines: { demo: { stages: [{ name: 'build', jobs: [{ name: 'compile', runningMs: 300_000 }] }] } }
      });
      return {
        sim,
        args: ['gocd', '--url', sim.url, '--pipeline', 'demo'],
        env: {},
        triggers: () => sim.scheduled,
        cancels: () => sim.canceled.length
      };
    }
  },
  {
    remote: 'Gearset',
    isPoll: (r) => r.method === 'GET' && /\/run-requests\/[^/]+$/.test(r.path),
    async start() {
      const sim = await startGearsetSim({
        token: 'gearset-bench-bounded',
        jobs: {
          'ci-job': {
            states: [
              { state: 'Pending', ms: 200 },
              { state: 'Started', ms: 300_000 },
              { state: 'Succeeded', ms: 0 }
            ]
          }
        }
      });
      return {
        sim,
        args: ['gearset', '--url', sim.url, '--job', 'ci-job'],
        env: { CI_RELAY_TOKEN: 'gearset-bench-bounded' },
        triggers: () => sim.runRequests,
        cancels: () => sim.cancels
      };
    }
  }
];

/** Each fault hits the second poll, once: the run is known, then the server misbehaves. */
async function bounded(target: BoundedTarget, tmp: string): Promise<Bounded[]> {
  const out: Bounded[] = [];
  for (const f of BOUNDED_FAULTS) {
    const t = await target.start();
    let polls = 0;
    let hit: () => void = () => undefined;
    const hitOnce = new Promise<void>((resolve) => (hit = resolve));
    t.sim.faults.push((r) => {
      if (!target.isPoll(r) || ++polls !== 2) return undefined;
      hit();
      return f.fault;
    });
    const cwd = fs.mkdtempSync(path.join(tmp, 'bounded-'));
    const terminate = f.sigterm
      ? {
          when: hitOnce.then(() => new Promise<void>((r) => setTimeout(r, 500))),
          signalled: undefined as number | undefined
        }
      : undefined;
    const started = Date.now();
    const run = await relay([...t.args, '--timeout', `${TIMEOUT_S}s`], cwd, t.env, terminate);
    const ended = Date.now();
    out.push({
      fault: f.name,
      conclusion: conclusionOf(run.stdout),
      code: run.code,
      over: terminate?.signalled
        ? (ended - terminate.signalled) / 1000
        : (ended - started) / 1000 - TIMEOUT_S,
      triggers: t.triggers(),
      cancels: t.cancels()
    });
    await t.sim.close();
    log(`${target.remote}, ${f.name}: ${out[out.length - 1].conclusion}`);
  }
  return out;
}

function boundedTable(results: { remote: string; runs: Bounded[] }[]): string {
  const lines = [
    `## Bounded faults (timeout ${TIMEOUT_S}s, cancel grace 15s)`,
    '',
    '| remote | fault | conclusion | exit | s over timeout (SIGTERM: s to exit) | triggers | cancels |',
    '|---|---|---|---|---|---|---|'
  ];
  for (const r of results) {
    for (const b of r.runs)
      lines.push(
        `| ${r.remote} | ${b.fault} | ${b.conclusion} | ${b.code} | ${b.over.toFixed(2)} | ${b.triggers} | ${b.cancels} |`
      );
  }
  lines.push('', '| remote | worst s over timeout | worst s from SIGTERM to exit |', '|---|---|---|');
  for (const r of results) {
    const timed = r.runs.filter((b) => !b.fault.startsWith('SIGTERM'));
    const term = r.runs.filter((b) => b.fault.startsWith('SIGTERM'));
    lines.push(
      `| ${r.remote} | ${Math.max(...timed.map((b) => b.over)).toFixed(2)} | ${Math.max(...term.map((b) => b.over)).toFixed(2)} |`
    );
  }
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  if (!fs.existsSync(DIST)) {
    console.error('dist/index.js is missing: run `npm run build` first.');
    process.exitCode = 2;
    return;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-relay-bench-faults-'));
  try {
    log(`${SEEDS.length} runs per remote, a fault on one eligible request in ${Math.round(1 / RATE)}`);
    const tallies = await Promise.all([gitlab(tmp), gocd(tmp), gearset(tmp)]);
    console.log(`## Fault suite (rate ${RATE}, seeds ${SEEDS.join(', ')})\n`);
    for (const t of tallies) console.log(table(t));
    const broken = tallies.some((t) =>
      t.runs.some(
        (r) => r.got !== r.expected || r.triggers !== 1 || r.bytesReceived !== r.bytesExpected || r.leaks
      )
    );
    const limits = await Promise.all(
      BOUNDED_TARGETS.map(async (target) => ({ remote: target.remote, runs: await bounded(target, tmp) }))
    );
    console.log(boundedTable(limits));
    const unbounded = limits.some((l) =>
      l.runs.some(
        (b, i) =>
          b.conclusion !== BOUNDED_FAULTS[i].expected ||
          b.triggers !== 1 ||
          b.over > (BOUNDED_FAULTS[i].sigterm ? 5 : 15)
      )
    );
    if (broken || unbounded) process.exitCode = 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await main();

/** Bounded faults (issue 12): each against a run that would go on for minutes, with `timeout` 6s; the worst wall time over it, per remote. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startGearsetSim } from '../sim/gearset.js';
import { startGitLabSim } from '../sim/gitlab.js';
import { startGoCDSim } from '../sim/gocd.js';
import type { Fault, SimRequest, SimServer } from '../sim/server.js';
import { log, relay, conclusionOf } from './faults-support.js';

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

export const BOUNDED_FAULTS: { name: string; fault?: Fault; sigterm?: boolean; expected: string }[] = [
  { name: 'poll silent after headers', fault: { kind: 'silent' }, expected: 'timed_out' },
  { name: 'slow-drip poll body', fault: { kind: 'drip', dripBytes: 1, delayMs: 300 }, expected: 'timed_out' },
  { name: 'Retry-After 300 s', fault: { kind: 'rate-limit', retryAfter: 300 }, expected: 'timed_out' },
  { name: 'SIGTERM during a hung poll', fault: { kind: 'silent' }, sigterm: true, expected: 'canceled' }
];

export const BOUNDED_TARGETS: BoundedTarget[] = [
  {
    remote: 'GitLab',
    // While jobs run, a GitLab poll is its jobs list (the pipeline is read only once they rest).
    isPoll: (r) => r.method === 'GET' && /\/pipelines\/\d+\/jobs$/.test(r.path),
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
export async function bounded(target: BoundedTarget, tmp: string): Promise<Bounded[]> {
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

export function boundedTable(results: { remote: string; runs: Bounded[] }[]): string {
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

/**
 * `npm run bench -- many-runs` (issue 23; bench/bench.ts imports this file, which runs at
 * import): ONE step with `runs` holding 20 runs across simulated servers — two GitLabs (each
 * with its own token), a GoCD (basic auth) and a Gearset — as `node dist/index.js` would run
 * in a Jenkins `sh`. Beside it, the same scripts relayed one run per step, as the reference.
 *
 * Figures: the step's peak RSS (goal < 200 MB); requests per poll interval per run, by system,
 * against a single run's (goal: no more); and how long after the last remote run ended the step
 * ended (goal: within one poll interval). The remote ends are seen by watching the simulators'
 * own state every 50 ms from this process.
 *
 * Needs `npm run build` first; about one minute.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startGearsetSim, type GearsetSim } from '../sim/gearset.js';
import { startGitLabSim, type GitLabSim, type SimPipeline } from '../sim/gitlab.js';
import { startGoCDSim, type GoCDSim } from '../sim/gocd.js';
import { DIST, MB, hasCommand, runRelay, writePreload, TIME_BIN, type RelayRun } from './support.js';
import { fmt, log, type Row } from './common.js';

const POLL_S = 2;
const GITLAB_RUNS = 4; // per GitLab server, two servers
const GOCD_RUNS = 7;
const GEARSET_RUNS = 5;
const RSS_GOAL = 200 * MB;

type Sim = GitLabSim | GoCDSim | GearsetSim;
type SystemName = 'GitLab' | 'GoCD' | 'Gearset';

/** Run i lasts 8 to 16 s; the Gearset runs end last (up to 20 s) so the step's end is measured against them. */
const runningMs = (i: number): number => 8_000 + ((i * 3_217) % 8_000);
const logLines = (n: number, what: string): string[] =>
  Array.from({ length: n }, (_, i) => `${what} line ${i + 1}`);

function gitlabPipelines(prefix: string): Record<string, SimPipeline> {
  const out: Record<string, SimPipeline> = {};
  for (let i = 0; i < GITLAB_RUNS; i++) {
    out[`${prefix}-${i}`] = {
      jobs: [
        { name: 'build', stage: 'build', runningMs: runningMs(i) / 2, log: logLines(40, 'build') },
        { name: 'test', stage: 'test', runningMs: runningMs(i) / 2, log: logLines(40, 'test') }
      ]
    };
  }
  return out;
}

interface Servers {
  gitlab: [GitLabSim, GitLabSim];
  gocd: GoCDSim;
  gearset: GearsetSim;
}

async function startServers(): Promise<Servers> {
  const gitlab = (await Promise.all([
    startGitLabSim({ token: 'glpat-bench-a', pipelines: gitlabPipelines('a') }),
    startGitLabSim({ token: 'glpat-bench-b', pipelines: gitlabPipelines('b') })
  ])) as [GitLabSim, GitLabSim];
  const pipelines: Parameters<typeof startGoCDSim>[0] = { pipelines: {} };
  for (let i = 0; i < GOCD_RUNS; i++) {
    pipelines.pipelines![`deploy-${i}`] = {
      stages: [
        { name: 'deploy', jobs: [{ name: 'roll', runningMs: runningMs(i + 2), log: logLines(30, 'roll') }] }
      ]
    };
  }
  const gocd = await startGoCDSim({
    ...pipelines,
    username: 'bench',
    password: 'gocd-bench-pass',
    scheduleDelayMs: 500
  });
  const jobs: Parameters<typeof startGearsetSim>[0] = { jobs: {} };
  for (let i = 0; i < GEARSET_RUNS; i++) {
    jobs.jobs![`sf-${i}`] = {
      states: [
        { state: 'Pending', ms: 500 },
        { state: 'Started', ms: 16_000 + i * 1_000 },
        { state: 'Succeeded', ms: 0 }
      ]
    };
  }
  const gearset = await startGearsetSim({ token: 'gearset-bench-token', ...jobs });
  return { gitlab, gocd, gearset };
}

function items(s: Servers): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  s.gitlab.forEach((sim, k) => {
    const prefix = k === 0 ? 'a' : 'b';
    for (let i = 0; i < GITLAB_RUNS; i++)
      out.push({
        name: `gl-${prefix}${i}`,
        system: 'gitlab',
        url: sim.url,
        token: `glpat-bench-${prefix}`,
        project: 'group/sub/app',
        ref: `${prefix}-${i}`
      });
  });
  for (let i = 0; i < GOCD_RUNS; i++)
    out.push({
      name: `gocd-${i}`,
      system: 'gocd',
      url: s.gocd.url,
      username: 'bench',
      password: 'gocd-bench-pass',
      pipeline: `deploy-${i}`
    });
  for (let i = 0; i < GEARSET_RUNS; i++)
    out.push({
      name: `sf-${i}`,
      system: 'gearset',
      url: s.gearset.url,
      token: 'gearset-bench-token',
      job: `sf-${i}`
    });
  return out;
}

/** When each remote run was first seen ended, by watching the simulators' state. */
function watchEnds(s: Servers): { ends: () => number[]; stop: () => void } {
  const seen = new Map<string, number>();
  const timer = setInterval(() => {
    const now = Date.now();
    s.gitlab.forEach((sim, k) => {
      for (const p of sim.pipelines)
        if (['success', 'failed', 'canceled', 'skipped'].includes(p.status) && !seen.has(`gl${k}/${p.id}`))
          seen.set(`gl${k}/${p.id}`, now);
    });
    for (let i = 0; i < GOCD_RUNS; i++) {
      for (const c of s.gocd.counters(`deploy-${i}`)) {
        const stages = (s.gocd.instanceJson(`deploy-${i}`, c).stages ?? []) as { result?: string }[];
        if (
          stages.length &&
          stages.every((st) => st.result && st.result !== 'Unknown') &&
          !seen.has(`gocd/${i}/${c}`)
        )
          seen.set(`gocd/${i}/${c}`, now);
      }
    }
    for (const [id, r] of s.gearset.runs) {
      if (s.gearset.view(id).State === r.states.at(-1)!.state && !seen.has(`sf/${id}`))
        seen.set(`sf/${id}`, now);
    }
  }, 50);
  return { ends: () => [...seen.values()], stop: () => clearInterval(timer) };
}

const systemOf = (sim: Sim, s: Servers): SystemName =>
  sim === s.gocd ? 'GoCD' : sim === s.gearset ? 'Gearset' : 'GitLab';

/** Requests per poll interval per run, by system: a server's requests over its runs' poll intervals. */
function requestRates(s: Servers, run: RelayRun, names: string[]): Map<SystemName, number> {
  const entries = (run.result?.runs as { name: string; duration: number }[] | undefined) ?? [
    { name: names[0], duration: Number(run.result?.duration ?? 0) }
  ];
  const intervals = new Map<SystemName, number>();
  const requests = new Map<SystemName, number>();
  for (const sim of [...s.gitlab, s.gocd, s.gearset]) {
    const sys = systemOf(sim, s);
    requests.set(sys, (requests.get(sys) ?? 0) + sim.requests.length);
  }
  for (const e of entries) {
    const sys: SystemName = e.name.startsWith('gl-')
      ? 'GitLab'
      : e.name.startsWith('gocd')
        ? 'GoCD'
        : 'Gearset';
    intervals.set(sys, (intervals.get(sys) ?? 0) + Math.max(1, e.duration / POLL_S));
  }
  const out = new Map<SystemName, number>();
  for (const [sys, n] of intervals) out.set(sys, (requests.get(sys) ?? 0) / n);
  return out;
}

/** The same script's requests: those whose path names its GoCD pipeline or Gearset job. */
const SAME_SCRIPT: { sys: SystemName; name: string; pattern: RegExp }[] = [
  { sys: 'GoCD', name: 'gocd-0', pattern: /\/deploy-0(\/|$)/ },
  { sys: 'Gearset', name: 'sf-0', pattern: /\/sf-0(\/|$)/ }
];

function sameScript(s: Servers, pattern: RegExp): number {
  return [s.gocd, s.gearset].reduce(
    (n, sim) => n + sim.requests.filter((r) => pattern.test(r.path)).length,
    0
  );
}

async function closeAll(s: Servers): Promise<void> {
  await Promise.all([...s.gitlab, s.gocd, s.gearset].map((x) => x.close().catch(() => undefined)));
}

async function main(): Promise<void> {
  if (!fs.existsSync(DIST)) {
    console.error('dist/index.js is missing: run `npm run build` first.');
    process.exitCode = 2;
    return;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-many-runs-'));
  try {
    const preload = writePreload(tmp);
    const useTime = (await hasCommand(TIME_BIN, ['-V'])) || (await hasCommand(TIME_BIN, ['--version']));
    // The reference: one run of each system, one step each, the same scripts.
    const single = new Map<SystemName, number>();
    const singleSame = new Map<string, number>();
    for (const pick of ['gl-a0', 'gocd-0', 'sf-0']) {
      const s = await startServers();
      try {
        const item = items(s).find((i) => i.name === pick)!;
        const args = Object.entries(item)
          .filter(([k]) => k !== 'name')
          .flatMap(([k, v]) => [`--${k}`, String(v)]);
        log(`single run ${pick}…`);
        const run = await runRelay([...args, '--poll-interval', `${POLL_S}s`, '--json'], {
          cwd: tmp,
          preload,
          useTime: false
        });
        for (const [sys, rate] of requestRates(s, run, [pick])) single.set(sys, rate);
        for (const same of SAME_SCRIPT)
          if (same.name === pick) singleSame.set(same.name, sameScript(s, same.pattern));
      } finally {
        await closeAll(s);
      }
    }
    const s = await startServers();
    const watch = watchEnds(s);
    let run: RelayRun;
    try {
      log(`one step, ${items(s).length} runs…`);
      run = await runRelay(['--runs', JSON.stringify(items(s)), '--poll-interval', `${POLL_S}s`, '--json'], {
        cwd: tmp,
        preload,
        useTime
      });
    } finally {
      watch.stop();
    }
    const rates = requestRates(s, run, []);
    const ends = watch.ends();
    const stepSame = new Map(SAME_SCRIPT.map((x) => [x.name, sameScript(s, x.pattern)]));
    await closeAll(s);
    const entries = (run.result?.runs as { conclusion: string }[] | undefined) ?? [];
    const lastEnd = Math.max(...ends);
    const gap = (run.exitAt ?? Date.now()) - lastEnd;
    const rows: Row[] = [
      {
        measure: 'runs in the step (GitLab ×2 servers, GoCD, Gearset)',
        value: `${entries.length} (${entries.filter((e) => e.conclusion === 'success').length} success)`,
        reference: `${ends.length} remote runs seen ending`,
        target: '20',
        ok: entries.length === 20 && ends.length === 20 && run.code === 0
      },
      {
        measure: `peak RSS of the step (${run.rssFrom ?? '?'})`,
        value: `${fmt((run.peakRss ?? 0) / MB)} MB`,
        reference: '',
        target: `< ${RSS_GOAL / MB} MB`,
        ok: (run.peakRss ?? Infinity) < RSS_GOAL
      },
      ...(['GitLab', 'GoCD', 'Gearset'] as SystemName[]).map((sys) => ({
        measure: `${sys}: requests per poll interval per run`,
        value: fmt(rates.get(sys) ?? 0, 2),
        reference: `${fmt(single.get(sys) ?? 0, 2)} (one run alone)`,
        target: '≤ one run alone (+5%)',
        ok: (rates.get(sys) ?? Infinity) <= (single.get(sys) ?? 0) * 1.05
      })),
      ...SAME_SCRIPT.map((x) => ({
        measure: `${x.sys}, the same script (${x.name}): requests naming its run`,
        value: String(stepSame.get(x.name) ?? 0),
        reference: `${singleSame.get(x.name) ?? 0} (one run alone)`,
        target: '≤ one run alone',
        ok: (stepSame.get(x.name) ?? Infinity) <= (singleSame.get(x.name) ?? 0)
      })),
      {
        measure: 'the step ended after the last run ended',
        value: `${fmt(gap / 1000, 2)} s`,
        reference: `poll-interval ${POLL_S} s`,
        target: `≤ ${POLL_S} s`,
        ok: gap <= POLL_S * 1000
      }
    ];
    console.log('\n| many runs | value | reference | target | |\n|---|---|---|---|---|');
    for (const r of rows)
      console.log(`| ${r.measure} | ${r.value} | ${r.reference} | ${r.target} | ${r.ok ? '✅' : '❌'} |`);
    if (run.code !== 0) console.log(`\nThe step exited ${run.code}:\n${run.stderrTail.slice(-2000)}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await main();

/**
 * `npm run bench -- fleet` (issue 14; bench/bench.ts imports this file, which runs at import):
 * a fleet of relays at once, each its own `node dist/index.js` process as a CI job would run it,
 * all on ONE token against one GitLab simulator that enforces gitlab.com's limit (2,000
 * requests a minute per user, 429 + Retry-After past it: sim/ratelimit.ts). Pipelines mix a
 * single job, many jobs in three stages and a child pipeline, and last 1.5 to 2.5 minutes at
 * the default poll-interval of 10 s. One table: requests per minute (total and per relay), the
 * 429s, conclusions, end-of-run noticed within poll-interval, peak RSS per relay.
 *
 * FLEET_RELAYS=n scales the fleet (default 100); the per-relay figures are then extrapolated to
 * 100. Needs `npm run build` first; about three and a half minutes; loads the machine.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startGitLabSim, type SimPipeline } from '../sim/gitlab.js';
import { gitlabRateLimit } from '../sim/ratelimit.js';
import { DIST, MB, median, runRelay, stamp, startProxy, writePreload, type RelayRun } from './support.js';

const FLEET = 100;
const RELAYS = Math.max(1, Number(process.env.FLEET_RELAYS) || FLEET);
const POLL_S = 10;
const TOKEN = 'glpat-fleet-token';
const PROJECT = 'group/sub/app';
/** gitlab.com: authenticated API requests a minute per user. */
const LIMIT = 2000;
/** Starts spread over this long, as a burst of CI jobs would start. */
const SPREAD_MS = 20_000;
/**
 * How often a running job's trace grows: gitlab.com's runner uploads it every 60 s while nobody
 * watches the job's page (gitlabhq lib/gitlab/ci/trace.rb, UPDATE_FREQUENCY_DEFAULT; reads
 * through the API do not count as watching). FLEET_TRACE_UPDATE_MS=0 makes it grow line by line.
 */
const TRACE_UPDATE_MS = Number(process.env.FLEET_TRACE_UPDATE_MS ?? 60_000);

const log = (message: string): void => {
  process.stderr.write(`[bench fleet] ${message}\n`);
};
const fmt = (n: number, digits = 1): string => n.toFixed(digits);

interface Script {
  ref: string;
  kind: 'single job' | 'many jobs' | 'child pipeline';
  pipeline: SimPipeline;
  expected: 'success' | 'failed';
}

/** Relay i's pipeline: two in five a single job, two many jobs, one a child pipeline; one in ten fails. */
function script(i: number): Script {
  const ms = 90_000 + ((i * 7_919) % 60_000);
  const fails = i % 10 === 3;
  const ref = `fleet-${i}`;
  const kind = (['single job', 'single job', 'many jobs', 'many jobs', 'child pipeline'] as const)[i % 5];
  let pipeline: SimPipeline;
  if (kind === 'single job') {
    pipeline = {
      jobs: [
        { name: 'job', stage: 'test', pendingMs: 500, runningMs: ms, result: fails ? 'failed' : 'success' }
      ]
    };
  } else if (kind === 'many jobs') {
    const third = Math.round(ms / 3);
    pipeline = {
      jobs: [
        ...['compile', 'lint'].map((name) => ({ name, stage: 'build', pendingMs: 300, runningMs: third })),
        ...[1, 2, 3, 4].map((n) => ({
          name: `test-${n}`,
          stage: 'test',
          pendingMs: 300,
          runningMs: third - n * 500,
          result: fails && n === 2 ? ('failed' as const) : ('success' as const)
        })),
        { name: 'package', stage: 'deploy', pendingMs: 300, runningMs: third }
      ]
    };
  } else {
    pipeline = {
      jobs: [
        { name: 'prepare', stage: 'build', pendingMs: 300, runningMs: Math.round(ms / 3) },
        {
          name: 'downstream',
          stage: 'test',
          pendingMs: 500,
          child: {
            jobs: [
              { name: 'child-a', stage: 'test', pendingMs: 300, runningMs: Math.round((ms * 2) / 3) },
              {
                name: 'child-b',
                stage: 'test',
                pendingMs: 300,
                runningMs: Math.round(ms / 2),
                result: fails ? 'failed' : 'success'
              }
            ]
          }
        }
      ]
    };
  }
  return { ref, kind, pipeline, expected: fails ? 'failed' : 'success' };
}

async function fleet(): Promise<void> {
  if (!fs.existsSync(DIST)) {
    console.error('dist/index.js is missing: run `npm run build` first.');
    process.exitCode = 2;
    return;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-fleet-'));
  const scripts = Array.from({ length: RELAYS }, (_, i) => script(i));
  const sim = await startGitLabSim({
    token: TOKEN,
    traceUpdateMs: TRACE_UPDATE_MS,
    pipelines: Object.fromEntries(scripts.map((s) => [s.ref, s.pipeline]))
  });
  const limiter = gitlabRateLimit({ limit: LIMIT, periodS: 60 });
  sim.faults.push(limiter.rule);
  const times = stamp(sim);
  // gitlab.com's budget headers on every answer, not only on the 429s (see sim/ratelimit.ts).
  const front = await startProxy(sim.url, undefined, (req, status, headers) => {
    if (status !== 429) Object.assign(headers, limiter.headers(req));
  });
  const preload = writePreload(tmp);
  const started = Date.now();
  try {
    log(
      `${RELAYS} relays on one token, poll-interval ${POLL_S}s, starts spread over ${SPREAD_MS / 1000}s, traces uploaded every ${TRACE_UPDATE_MS / 1000}s`
    );
    const runs: RelayRun[] = await Promise.all(
      scripts.map(async (s, i) => {
        await new Promise((r) => setTimeout(r, (i * SPREAD_MS) / RELAYS));
        const cwd = path.join(tmp, s.ref);
        fs.mkdirSync(cwd);
        return runRelay(
          [
            'gitlab',
            '--url',
            front.url,
            '--project',
            PROJECT,
            '--ref',
            s.ref,
            '--poll-interval',
            `${POLL_S}s`,
            '--json'
          ],
          { cwd, preload, useTime: false, env: { CI_RELAY_TOKEN: TOKEN } }
        );
      })
    );
    const ended = Date.now();
    // Everything the relays sent, before the bench's own reads below.
    const sent = sim.requests.length;
    const arrivals = times.slice(0, sent);

    // Requests per minute: the busiest 60 s of the run, and the mean over the relays' lifetimes.
    let peak = 0;
    let peakFrom = 0;
    for (let a = 0, b = 0; b < arrivals.length; b++) {
      while (arrivals[b] - arrivals[a] >= 60_000) a++;
      if (b - a + 1 > peak) {
        peak = b - a + 1;
        peakFrom = arrivals[a];
      }
    }
    const relayMinutes = runs.reduce((n, r) => n + ((r.exitAt ?? ended) - r.startedAt) / 60_000, 0);
    const perRelayMean = sent / relayMinutes;
    const alive = runs.filter(
      (r) => r.startedAt <= peakFrom + 60_000 && (r.exitAt ?? ended) >= peakFrom
    ).length;

    // Conclusions and end-of-run latency, from each pipeline's own finished_at.
    const wrong: string[] = [];
    const noticed: number[] = [];
    const late: string[] = [];
    for (const [i, s] of scripts.entries()) {
      const run = runs[i];
      const got = run.result?.conclusion;
      if (got !== s.expected)
        wrong.push(`${s.ref} (${s.kind}): expected ${s.expected}, got ${String(got)} (exit ${run.code})`);
      const p = sim.pipelines.find((x) => x.ref === s.ref && x.source !== 'parent_pipeline');
      if (!p) continue;
      const res = await fetch(`${sim.url}/api/v4/projects/${encodeURIComponent(PROJECT)}/pipelines/${p.id}`, {
        headers: { 'private-token': TOKEN }
      });
      const finished = Date.parse(((await res.json()) as { finished_at?: string }).finished_at ?? '');
      if (Number.isNaN(finished)) continue;
      const k = sim.requests.findIndex(
        (r, j) =>
          j < sent && times[j] >= finished && r.method === 'GET' && r.path.endsWith(`/pipelines/${p.id}`)
      );
      if (k < 0) {
        late.push(`${s.ref}: no poll after its end`);
        continue;
      }
      noticed.push(times[k] - finished);
      if (times[k] - finished > POLL_S * 1000)
        late.push(`${s.ref}: ${fmt((times[k] - finished) / 1000, 1)} s`);
    }
    const rss = runs.map((r) => r.peakRss ?? 0).filter(Boolean);
    const throttled = sim.injected.filter((f) => f.kind === 'rate-limit').length;
    const scale = FLEET / RELAYS;
    const peakPerRelay = peak / Math.max(1, alive);

    const rows: [string, string, string, boolean | undefined][] = [
      [
        `Requests in the busiest minute, all ${RELAYS} relays (${alive} alive in it)`,
        `${peak} req/min${RELAYS < FLEET ? ` (×${fmt(scale, 1)} → ${Math.round(peakPerRelay * FLEET)} for ${FLEET} relays)` : ''}`,
        `≤ ${LIMIT}/min (gitlab.com, per token)`,
        (RELAYS < FLEET ? peakPerRelay * FLEET : peak) <= LIMIT
      ],
      [
        'Requests per minute per relay (busiest minute / mean over each relay’s lifetime)',
        `${fmt(peakPerRelay, 1)} / ${fmt(perRelayMean, 1)}`,
        `≤ ${fmt(LIMIT / FLEET, 0)} (= ${LIMIT} / ${FLEET})`,
        peakPerRelay <= LIMIT / FLEET
      ],
      ['429s received', `${throttled}`, '0', throttled === 0],
      [
        'Conclusions correct',
        `${RELAYS - wrong.length} of ${RELAYS}`,
        `all (${scripts.filter((s) => s.expected === 'failed').length} expected failed)`,
        wrong.length === 0
      ],
      [
        `End of run noticed within poll-interval (${POLL_S} s)`,
        noticed.length
          ? `${noticed.length - late.length} of ${RELAYS}; median ${fmt(median(noticed) / 1000, 2)} s, worst ${fmt(Math.max(...noticed) / 1000, 2)} s`
          : 'none measured',
        'all',
        late.length === 0 && noticed.length === RELAYS
      ],
      [
        'Peak RSS per relay (median / max)',
        rss.length ? `${fmt(median(rss) / MB, 0)} / ${fmt(Math.max(...rss) / MB, 0)} MB` : 'n/a',
        'report',
        undefined
      ]
    ];
    console.log('| measure | ci-relay fleet | target | ok? |\n|---|---|---|---|');
    for (const [m, v, t, ok] of rows)
      console.log(`| ${m} | ${v} | ${t} | ${ok === undefined ? '—' : ok ? 'yes' : '**no**'} |`);
    const kinds = ['single job', 'many jobs', 'child pipeline'].map(
      (k) => `${scripts.filter((s) => s.kind === k).length} ${k}`
    );
    console.log(
      [
        '',
        `${RELAYS} relays (${kinds.join(', ')}), ${sent} requests, ${Math.round((ended - started) / 1000)} s; Node ${process.version}, ${os.cpus().length} CPUs, ${Math.round(os.totalmem() / 2 ** 30)} GiB.`,
        `Peak RSS from each child's VmHWM. "Noticed": from the pipeline's finished_at to the arrival of the first poll of it after that.`,
        ...wrong.map((w) => `Wrong conclusion: ${w}`),
        ...late.map((l) => `Late: ${l}`),
        ...runs
          .filter((r) => r.code !== 0 && r.code !== 1)
          .slice(0, 3)
          .map((r) => `A relay exited ${r.code}: ${r.stderrTail.slice(-600)}`)
      ].join('\n')
    );
    console.log(breakdown(scripts, runs, sent, times, sim, ended));
    if (rows.some((r) => r[3] === false)) process.exitCode = 1;
  } finally {
    await front.close();
    await sim.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** A request's route, ids folded: `GET pipelines/:id/jobs`. */
function route(method: string, p: string): string {
  const rest = p.replace(/^\/api\/v4\/projects\/[^/]+\//, '').replace(/\/\d+(?=\/|$)/g, '/:id');
  return `${method} ${rest}`;
}

/** The owning relay's index of a request, from the pipeline or job id in its path. */
function owners(scripts: Script[], sim: Awaited<ReturnType<typeof startGitLabSim>>): (p: string) => number {
  const byRef = new Map(scripts.map((s, i) => [s.ref, i]));
  const pipelines = new Map(sim.pipelines.map((p) => [p.id, p]));
  const rootOf = (id: number): number => {
    let p = pipelines.get(id);
    while (p?.parentId !== undefined) p = pipelines.get(p.parentId);
    return p ? (byRef.get(p.ref) ?? -1) : -1;
  };
  const jobPipeline = new Map([...sim.jobs, ...sim.bridges].map((j) => [j.id, j.pipelineId]));
  return (p) => {
    const pm = /\/pipelines\/(\d+)/.exec(p);
    if (pm) return rootOf(Number(pm[1]));
    const jm = /\/jobs\/(\d+)/.exec(p);
    if (jm) return rootOf(jobPipeline.get(Number(jm[1])) ?? -1);
    return -1;
  };
}

/** Requests by route and by phase (a relay's first START_MS, then steady), and per pipeline kind. */
const START_MS = 20_000;
function breakdown(
  scripts: Script[],
  runs: RelayRun[],
  sent: number,
  times: number[],
  sim: Awaited<ReturnType<typeof startGitLabSim>>,
  ended: number
): string {
  const owner = owners(scripts, sim);
  const routes = new Map<string, { start: number; steady: number }>();
  const kinds = new Map<string, { requests: number; minutes: number; traces: number; relays: number }>();
  for (const [i, s] of scripts.entries()) {
    const k = kinds.get(s.kind) ?? { requests: 0, minutes: 0, traces: 0, relays: 0 };
    k.relays++;
    k.minutes += Math.max(0, (runs[i].exitAt ?? ended) - runs[i].startedAt - START_MS) / 60_000;
    kinds.set(s.kind, k);
  }
  for (let j = 0; j < sent; j++) {
    const r = sim.requests[j];
    const name = route(r.method, r.path);
    const i = owner(r.path);
    const steady = i >= 0 && times[j] - runs[i].startedAt >= START_MS;
    const row = routes.get(name) ?? { start: 0, steady: 0 };
    row[steady ? 'steady' : 'start']++;
    routes.set(name, row);
    if (steady) {
      const k = kinds.get(scripts[i].kind)!;
      k.requests++;
      if (name.endsWith('/trace')) k.traces++;
    }
  }
  const lines = [
    '',
    `Requests by route (start = each relay's first ${START_MS / 1000} s):`,
    '',
    '| route | start | steady | total |',
    '|---|---|---|---|',
    ...[...routes.entries()]
      .sort((a, b) => b[1].start + b[1].steady - a[1].start - a[1].steady)
      .map(([n, c]) => `| ${n} | ${c.start} | ${c.steady} | ${c.start + c.steady} |`),
    '',
    'Steady state per pipeline kind (requests a minute per relay, of which trace reads):',
    '',
    '| kind | relays | req/min/relay | traces/min/relay |',
    '|---|---|---|---|',
    ...[...kinds.entries()].map(
      ([n, k]) =>
        `| ${n} | ${k.relays} | ${fmt(k.requests / Math.max(k.minutes, 1e-9), 1)} | ${fmt(k.traces / Math.max(k.minutes, 1e-9), 1)} |`
    )
  ];
  return lines.join('\n');
}

await fleet();

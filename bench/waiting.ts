/** Waiting on a run: requests per minute while a long job runs, and how soon a run's end is noticed. */
import { startGitLabSim } from '../sim/gitlab.js';
import type { SimServer } from '../sim/server.js';
import { runRelay, stamp } from './support.js';
import { GITLAB_TOKEN, PROJECT, PENDING_MS, log, release, gitlabArgs, subdir } from './common.js';

/** The long job of "requests per minute while waiting": still running at the end of minute 2. */
export const WAIT_POLL_S = 10;

export const WAIT_RUNNING_MS = 125_000;

export const LATENCY_POLL_S = 2;

export const LATENCY_RUNS = 5;

export async function startWaiting(
  tmp: string,
  preload: string,
  servers: SimServer[]
): Promise<{
  result(): Promise<{
    requests: number;
    polls: number;
    noticedMs?: number;
    latencyMs?: number;
    peakRss?: number;
  }>;
}> {
  const sim = await startGitLabSim({
    token: GITLAB_TOKEN,
    pipelines: {
      main: { jobs: [{ name: 'long', stage: 'test', pendingMs: PENDING_MS, runningMs: WAIT_RUNNING_MS }] }
    }
  });
  servers.push(sim);
  const times = stamp(sim);
  const cwd = subdir(tmp, 'waiting');
  const running = runRelay(gitlabArgs(sim.url, WAIT_POLL_S), {
    cwd,
    preload,
    useTime: false,
    env: { CI_RELAY_TOKEN: GITLAB_TOKEN }
  });
  return {
    async result() {
      const run = await running;
      const p = sim.pipelines[0];
      if (!p || run.code !== 0) {
        log(`the waiting run failed (exit ${run.code}): ${run.stderrTail.slice(-2000)}`);
        return { requests: 0, polls: 0 };
      }
      const from = p.createdAt + 60_000;
      const to = p.createdAt + 120_000;
      let requests = 0;
      let polls = 0;
      sim.requests.forEach((r, i) => {
        if (times[i] < from || times[i] >= to) return;
        requests++;
        // Every poll reads the jobs; the pipeline itself only once none of them is on its way.
        if (/\/pipelines\/\d+\/jobs$/.test(r.path)) polls++;
      });
      const endAt = p.createdAt + PENDING_MS + WAIT_RUNNING_MS;
      return {
        requests,
        polls,
        noticedMs: noticed(sim, times, p.id, endAt),
        peakRss: run.peakRss,
        latencyMs: run.exitAt !== undefined ? run.exitAt - endAt : undefined
      };
    }
  };
}

/** From the run's end to the first status poll that reached the simulator after it (and saw it). */
export function noticed(
  sim: SimServer,
  times: number[],
  pipelineId: number,
  endAt: number
): number | undefined {
  const i = sim.requests.findIndex(
    (r, k) => times[k] >= endAt && r.method === 'GET' && r.path.endsWith(`/pipelines/${pipelineId}`)
  );
  return i < 0 ? undefined : times[i] - endAt;
}

export async function measureLatency(
  tmp: string,
  preload: string,
  servers: SimServer[]
): Promise<{ noticed: number; exited: number }[]> {
  const step = (LATENCY_POLL_S * 1000) / LATENCY_RUNS;
  const running = (i: number): number => 5000 + i * step;
  const pipelines = Object.fromEntries(
    Array.from({ length: LATENCY_RUNS }, (_, i) => [
      `r${i}`,
      { jobs: [{ name: 'job', stage: 'test', pendingMs: PENDING_MS, runningMs: running(i) }] }
    ])
  );
  const sim = await startGitLabSim({ token: GITLAB_TOKEN, pipelines });
  servers.push(sim);
  const times = stamp(sim);
  const runs = await Promise.all(
    Array.from({ length: LATENCY_RUNS }, (_, i) =>
      runRelay(
        [
          'gitlab',
          '--url',
          sim.url,
          '--project',
          PROJECT,
          '--ref',
          `r${i}`,
          '--poll-interval',
          `${LATENCY_POLL_S}s`,
          '--json'
        ],
        {
          cwd: subdir(tmp, `latency-${i}`),
          preload,
          useTime: false,
          env: { CI_RELAY_TOKEN: GITLAB_TOKEN }
        }
      )
    )
  );
  const out: { noticed: number; exited: number }[] = [];
  runs.forEach((run, i) => {
    const p = sim.pipelines.find((x) => x.ref === `r${i}`);
    const endAt = p ? p.createdAt + PENDING_MS + running(i) : 0;
    const seen = p ? noticed(sim, times, p.id, endAt) : undefined;
    if (!p || run.code !== 0 || run.exitAt === undefined || seen === undefined) {
      log(`latency run r${i} failed (exit ${run.code}): ${run.stderrTail.slice(-1000)}`);
      return;
    }
    out.push({ noticed: seen, exited: run.exitAt - endAt });
  });
  await release(servers, [sim]);
  return out;
}

/** Following a 50 MB log that grows, on GitLab (whole traces) and GoCD (console lines). */
import * as fs from 'node:fs';
import { startGitLabSim, type GitLabSim } from '../sim/gitlab.js';
import { startGoCDSim, type GoCDSim } from '../sim/gocd.js';
import type { SimServer } from '../sim/server.js';
import { runRelay, type RelayRun } from './support.js';
import { GITLAB_TOKEN, GOCD_TOKEN, PENDING_MS, release, gitlabArgs, subdir } from './common.js';

/** The 50 MB log and how long it takes to grow. */
export const LOG_BYTES = 50_000_000;

export const LOG_GROWS_MS = 30_000;

export interface LogMeasure {
  system: string;
  what: string;
  pollS: number;
  fetched: number;
  finalBytes: number;
  reads: number;
  limit: number;
  ok: boolean;
  note?: string;
}

export async function measureLogs(tmp: string, preload: string, servers: SimServer[]): Promise<LogMeasure[]> {
  const gocd: GoCDSim = await startGoCDSim({
    token: GOCD_TOKEN,
    scheduleDelayMs: 1000,
    pipelines: {
      bench: {
        stages: [
          {
            name: 'build',
            jobs: [{ name: 'compile', runningMs: LOG_GROWS_MS, log: { totalBytes: LOG_BYTES } }]
          }
        ]
      }
    }
  });
  servers.push(gocd);
  const gitlabSims: { pollS: number; sim: GitLabSim }[] = [];
  for (const pollS of [10, 1]) {
    const sim = await startGitLabSim({
      token: GITLAB_TOKEN,
      pipelines: {
        main: {
          jobs: [
            {
              name: 'build',
              stage: 'build',
              pendingMs: PENDING_MS,
              runningMs: LOG_GROWS_MS,
              log: { totalBytes: LOG_BYTES }
            }
          ]
        }
      }
    });
    servers.push(sim);
    gitlabSims.push({ pollS, sim });
  }
  const savedLog = (run: RelayRun): number => {
    const jobs = (run.result?.jobs ?? []) as { log?: string }[];
    const file = jobs[0]?.log;
    return file && fs.existsSync(file) ? fs.statSync(file).size : 0;
  };
  const [gocdRun, ...gitlabRuns] = await Promise.all([
    runRelay(['gocd', '--url', gocd.url, '--pipeline', 'bench', '--poll-interval', '10s', '--json'], {
      cwd: subdir(tmp, 'log-gocd'),
      preload,
      useTime: false,
      env: { CI_RELAY_TOKEN: GOCD_TOKEN }
    }),
    ...gitlabSims.map(({ sim, pollS }) =>
      runRelay(gitlabArgs(sim.url, pollS), {
        cwd: subdir(tmp, `log-gitlab-${pollS}`),
        preload,
        useTime: false,
        env: { CI_RELAY_TOKEN: GITLAB_TOKEN }
      })
    )
  ]);
  const out: LogMeasure[] = [];
  const gocdFinal = Buffer.byteLength(
    gocd.consoleText('bench', gocd.counters('bench').at(-1) ?? 1, 'build', 'compile')
  );
  out.push({
    system: 'GoCD',
    what: 'console',
    pollS: 10,
    fetched: gocd.consoleBytesServed,
    finalBytes: gocdFinal,
    reads: gocd.requests.filter((r) => r.path.endsWith('/console.log')).length,
    limit: 1.05,
    ok: gocdRun.code === 0 && savedLog(gocdRun) === gocdFinal,
    note: `exit ${gocdRun.code}, saved ${savedLog(gocdRun)} of ${gocdFinal} bytes`
  });
  gitlabRuns.forEach((run, i) => {
    const { sim, pollS } = gitlabSims[i];
    out.push({
      system: 'GitLab',
      what: 'trace',
      pollS,
      fetched: sim.traceBytesServed,
      finalBytes: LOG_BYTES,
      reads: sim.requests.filter((r) => r.path.endsWith('/trace')).length,
      limit: 4,
      ok: run.code === 0 && savedLog(run) === LOG_BYTES,
      note: `exit ${run.code}, saved ${savedLog(run)} of ${LOG_BYTES} bytes`
    });
  });
  // Their 50 MB logs would make every garbage collection of the servers still to come slower.
  await release(servers, [gocd, ...gitlabSims.map((g) => g.sim)]);
  return out;
}

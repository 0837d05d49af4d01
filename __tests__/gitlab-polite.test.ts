/**
 * Requests per poll of one relay following a GitLab pipeline (issue 14: a fleet of relays on
 * one token must stay under gitlab.com's 2,000 requests a minute): the built bundle against the
 * simulator, counting what it asks for while jobs run. Poll-interval 1 s stands for 10 s.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startGitLabSim, type GitLabSim, type SimPipeline } from '../sim/gitlab.js';
import { runCli, tempDir } from './helpers/run.js';

const TOKEN = 'glpat-sim-token';
const sims: GitLabSim[] = [];

afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

const lines = (name: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${name} line ${i + 1}`);

async function follow(pipeline: SimPipeline, traceUpdateMs = 0) {
  const sim = await startGitLabSim({ token: TOKEN, traceUpdateMs, pipelines: { main: pipeline } });
  sims.push(sim);
  const cwd = tempDir();
  const run = await runCli(
    [
      'gitlab',
      '--url',
      sim.url,
      '--project',
      'group/sub/app',
      '--ref',
      'main',
      '--poll-interval',
      '1s',
      '--json'
    ],
    { cwd, env: { CI_RELAY_TOKEN: TOKEN } }
  );
  const gets = (suffix: RegExp): number =>
    sim.requests.filter((r) => r.method === 'GET' && suffix.test(r.path)).length;
  const root = sim.pipelines[0];
  if (!root) throw new Error(run.stderr);
  // Every poll reads the jobs; the pipeline itself only once none of them is on its way.
  const polls = gets(new RegExp(`/pipelines/${root.id}/jobs$`));
  return {
    sim,
    run,
    cwd,
    polls,
    traces: gets(/\/trace$/),
    /** Everything but the trace reads and the one-time start (trigger, trigger_jobs probe, first bridges list). */
    perPoll: (sim.requests.length - gets(/\/trace$/) - 3) / polls
  };
}

test.concurrent(
  'four jobs running at once: about 1 request a poll plus one live trace, every byte of every log still saved',
  async () => {
    const tests = [1, 2, 3, 4].map((n) => ({
      name: `test-${n}`,
      stage: 'test',
      pendingMs: 100,
      runningMs: 6000 + n * 300,
      log: lines(`test-${n}`, 40)
    }));
    const r = await follow({ jobs: tests });
    expect(r.run.code).toBe(0);
    expect(JSON.parse(r.run.stdout).conclusion).toBe('success');
    expect(r.polls).toBeGreaterThanOrEqual(5);
    expect(r.perPoll).toBeLessThanOrEqual(1.5);
    // Before: every running job's trace at every poll (about 4 a poll). Now the job in focus,
    // at most once a poll, and each other job once when it ends.
    expect(r.traces).toBeLessThanOrEqual(r.polls + tests.length);
    for (const t of tests) {
      const saved = fs.readFileSync(path.join(r.cwd, 'ci-relay', `${t.name}.log`), 'utf8');
      expect(saved.trimEnd().split('\n')).toEqual(t.log);
    }
    // Shown live, one group after the other, none missing.
    for (const t of tests) expect(r.run.stderr + r.run.stdout).toContain(`${t.name} line 40`);
  },
  60_000
);

test.concurrent(
  'a trace that did not grow is read less often (the runner uploads it in steps), and still read to its end',
  async () => {
    const job = { name: 'long', stage: 'test', pendingMs: 100, runningMs: 9000, log: lines('long', 60) };
    const r = await follow({ jobs: [job] }, 3000);
    expect(r.run.code).toBe(0);
    expect(r.polls).toBeGreaterThanOrEqual(8);
    expect(r.perPoll).toBeLessThanOrEqual(1.5);
    // Growing every 3 s, polled every 1 s: reading at each poll would be one trace a poll.
    expect(r.traces).toBeLessThanOrEqual(Math.ceil(r.polls * 0.75) + 1);
    const saved = fs.readFileSync(path.join(r.cwd, 'ci-relay', 'long.log'), 'utf8');
    expect(saved.trimEnd().split('\n')).toEqual(job.log);
  },
  60_000
);

test.concurrent(
  'a child pipeline followed directly: its trigger job is not listed again at every poll',
  async () => {
    const r = await follow({
      jobs: [
        {
          name: 'downstream',
          stage: 'test',
          pendingMs: 100,
          child: { jobs: [{ name: 'child-a', stage: 'test', pendingMs: 100, runningMs: 7000 }] }
        }
      ]
    });
    expect(r.run.code).toBe(0);
    const bridges = r.sim.requests.filter((q) => /\/(bridges|trigger_jobs)$/.test(q.path)).length;
    expect(r.polls).toBeGreaterThanOrEqual(6);
    // The start's probe and first list, and the lists until the child pipeline is known.
    expect(bridges).toBeLessThanOrEqual(5);
  },
  60_000
);

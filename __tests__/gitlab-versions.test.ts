/**
 * The GitLab remote against the simulator's version profiles, driven directly as the relay
 * drives it (and through dist/index.js where the user's view matters): requests per poll,
 * answers of the wrong shape, retried jobs, unreadable children, variables the server may have
 * dropped, and the pipeline test report.
 */
import { createGitLab } from '../src/remotes/gitlab/remote.js';
import type { Remote } from '../src/remotes/remote.js';
import type { Run, Snapshot } from '../src/core/run.js';
import { sleep } from '../src/core/deadline.js';
import { mutateJson } from '../sim/server.js';
import {
  gitlabProfile,
  startGitLabSim,
  type GitLabProfile,
  type GitLabSim,
  type SimPipeline,
  type SimTestCase
} from '../sim/gitlab.js';
import { disposeClients, remoteContext } from './helpers/remote.js';
import { runCli } from './helpers/run.js';

const TOKEN = 'glpat-sim-token';
const sims: GitLabSim[] = [];

afterEach(async () => {
  disposeClients();
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function sim(main: SimPipeline, profile: string | GitLabProfile = '16.x'): Promise<GitLabSim> {
  const s = await startGitLabSim({ profile, token: TOKEN, pipelines: { main } });
  sims.push(s);
  return s;
}

function gitlab(s: GitLabSim, inputs: Record<string, string> = {}): { remote: Remote; warnings: string[] } {
  const { ctx, warnings } = remoteContext({
    system: 'gitlab',
    url: s.url,
    token: TOKEN,
    project: 'group/sub/app',
    ref: 'main',
    ...inputs
  });
  return { remote: createGitLab(ctx), warnings };
}

/** Polls until the run ends (or `ms` pass), as the relay does, with short gaps. */
async function settle(remote: Remote, run: Run, ms = 8000): Promise<Snapshot> {
  const until = Date.now() + ms;
  for (;;) {
    const snap = await remote.poll(run);
    if (snap.conclusion || Date.now() > until) return snap;
    await sleep(100);
  }
}

/** API requests (no traces, no storage) sent while `fn` ran. */
async function requestsDuring(s: GitLabSim, fn: () => Promise<unknown>): Promise<string[]> {
  const before = s.requests.length;
  await fn();
  return s.requests
    .slice(before)
    .filter((r) => !r.path.endsWith('/trace'))
    .map((r) => `${r.method} ${r.path.replace('/api/v4/projects/group%2Fsub%2Fapp', '')}`);
}

const cases = (n: number, status: SimTestCase['status'], suite = 'unit'): SimTestCase[] =>
  Array.from({ length: n }, (_, i) => ({
    suite,
    name: `${status} case ${i + 1}`,
    status,
    time: 0.5,
    file: 'spec/app_spec.rb',
    ...(status === 'failed' ? { message: `expected ${i} to be ${i + 1}` } : {})
  }));

describe('requests per poll (issue 14)', () => {
  test('a pipeline whose jobs are on their way costs 1 request a poll: its jobs', async () => {
    const s = await sim({
      jobs: [
        { name: 'build', stage: 'build', runningMs: 20_000 },
        { name: 'lint', stage: 'build', runningMs: 20_000 },
        { name: 'test', stage: 'test' }
      ]
    });
    const { remote } = gitlab(s);
    const run = await remote.trigger();
    const first = await requestsDuring(s, () => remote.poll(run));
    // The first poll reads the pipeline and learns where this server lists trigger jobs (16.x: bridges).
    expect(first).toEqual([
      `GET /pipelines/${run.id}/jobs`,
      `GET /pipelines/${run.id}`,
      `GET /pipelines/${run.id}/trigger_jobs`,
      `GET /pipelines/${run.id}/bridges`
    ]);
    for (let i = 0; i < 4; i++) {
      const later = await requestsDuring(s, () => remote.poll(run));
      expect(later).toEqual([`GET /pipelines/${run.id}/jobs`]);
    }
  });

  test('once no job of its own is on its way, the pipeline is read too: 2 requests, and the end is seen', async () => {
    const s = await sim({
      jobs: [
        { name: 'build', stage: 'build', runningMs: 300 },
        { name: 'deploy', stage: 'deploy', manual: 'blocking' }
      ]
    });
    const { remote } = gitlab(s);
    const run = await remote.trigger();
    await remote.poll(run);
    let last: string[] = [];
    let snap: Snapshot | undefined;
    for (let i = 0; i < 80 && !snap?.conclusion; i++) {
      await sleep(100);
      last = await requestsDuring(s, async () => (snap = await remote.poll(run)));
    }
    expect(snap?.conclusion).toBe('blocked');
    expect(last).toEqual([`GET /pipelines/${run.id}/jobs`, `GET /pipelines/${run.id}`]);
  });

  test('a pipeline that ends between its jobs read and its own is concluded from jobs read after it', async () => {
    const s = await sim({
      jobs: [
        { name: 'build', stage: 'build', pendingMs: 0, runningMs: 300, artifacts: { 'out.txt': 'built' } }
      ]
    });
    // The first poll reads the jobs (build running), then the pipeline, which answers late: ended.
    s.faults.push({
      kind: 'slow',
      delayMs: 1500,
      match: (r) => r.method === 'GET' && /\/pipelines\/\d+$/.test(r.path)
    });
    const { remote } = gitlab(s);
    const run = await remote.trigger();
    const requests = await requestsDuring(s, async () => {
      const snap = await remote.poll(run);
      expect(snap.conclusion).toBe('success');
      // Not "skipped": it ran, and ended while the pipeline's answer was on its way.
      expect(snap.jobs.map((j) => [j.name, j.conclusion])).toEqual([['build', 'success']]);
    });
    expect(requests.filter((r) => r === `GET /pipelines/${run.id}/jobs`)).toHaveLength(2);
  });

  test('a trigger job waiting for an earlier stage is not listed again while nothing moves', async () => {
    const s = await sim({
      jobs: [
        { name: 'build', stage: 'build', runningMs: 20_000 },
        { name: 'trigger', stage: 'deploy', child: { jobs: [{ name: 'c', stage: 'c' }] } }
      ]
    });
    const { remote } = gitlab(s);
    const run = await remote.trigger();
    await remote.poll(run);
    // build goes pending → running: that poll may look at the trigger jobs once more.
    for (let i = 0; i < 30 && s.jobs[0].status !== 'running'; i++) await sleep(50);
    await remote.poll(run);
    for (let i = 0; i < 3; i++) {
      const later = await requestsDuring(s, () => remote.poll(run));
      expect(later).toEqual([`GET /pipelines/${run.id}/jobs`]);
    }
  });

  test('a child that has ended is not read again, and its bridge is not listed again', async () => {
    const s = await sim(
      {
        jobs: [
          {
            name: 'trigger',
            stage: 'one',
            pendingMs: 50,
            child: { jobs: [{ name: 'c', stage: 'c', runningMs: 100 }] }
          },
          { name: 'slow', stage: 'two', runningMs: 20_000 }
        ]
      },
      '19.2'
    );
    const { remote } = gitlab(s);
    const run = await remote.trigger();
    let snap = await remote.poll(run);
    for (let i = 0; i < 50 && !snap.jobs.some((j) => j.name === 'slow' && j.status === 'running'); i++) {
      await sleep(100);
      snap = await remote.poll(run);
    }
    expect(snap.jobs.find((j) => j.name === 'trigger.c')?.conclusion).toBe('success');
    for (let i = 0; i < 3; i++) {
      const later = await requestsDuring(s, () => remote.poll(run));
      expect(later).toEqual([`GET /pipelines/${run.id}/jobs`]);
    }
    // 19.2 lists trigger jobs under trigger_jobs: bridges was never asked for.
    expect(s.requests.some((r) => r.path.endsWith('/bridges'))).toBe(false);
  });
});

describe('answers of the wrong shape (issue 12)', () => {
  const main: SimPipeline = { jobs: [{ name: 'build', stage: 'build', runningMs: 300 }] };
  test.concurrent.each([
    [
      'the jobs list is an object',
      /\/jobs$/,
      (d: unknown) => ({ jobs: d }),
      /GET pipeline \d+ jobs .*the answer should be a list, not an object/
    ],
    [
      'the pipeline has no status',
      /\/pipelines\/\d+$/,
      (d: unknown) => ({ ...(d as object), status: undefined }),
      /GET pipeline \d+ is not what ci-relay expected: 'status' should be a string, not missing/
    ],
    [
      'the bridges list is an object',
      /\/bridges$/,
      () => ({}),
      /GET pipeline \d+ bridges .*the answer should be a list, not an object/
    ]
  ])(
    '%s: exit 4, one sentence naming GitLab and the call, through dist',
    async (_what, path, change, message) => {
      const s = await startGitLabSim({ token: TOKEN, pipelines: { main } });
      try {
        s.faults.push({
          kind: 'mutate',
          times: 100,
          match: (r) => r.method === 'GET' && path.test(r.path),
          mutate: mutateJson(change)
        });
        const run = await runCli(
          ['gitlab', '--url', s.url, '--project', 'group/sub/app', '--ref', 'main', '--json'],
          {
            env: { CI_RELAY_TOKEN: TOKEN }
          }
        );
        expect(run.code).toBe(4);
        expect(run.stderr).toMatch(/GitLab's answer to /);
        expect(run.stderr).toMatch(message);
        expect(run.stderr).not.toMatch(/TypeError|is not iterable|Cannot read/);
      } finally {
        await s.close();
      }
    }
  );
});

describe('servers of other versions (issue 10)', () => {
  test('GitLab 13.2 lists retried jobs too: only the newest attempt of each job is reported', async () => {
    const s = await sim(
      { jobs: [{ name: 'build', stage: 'build', runningMs: 50, result: 'failed' }] },
      '13.2'
    );
    const { remote } = gitlab(s);
    const run = await remote.trigger();
    await settle(remote, run);
    const old = s.jobs[0];
    const retried = await fetch(`${s.url}/api/v4/projects/42/jobs/${old.id}/retry`, {
      method: 'POST',
      headers: { 'private-token': TOKEN }
    });
    const fresh = (await retried.json()) as { id: number };
    const listed = (await (
      await fetch(`${s.url}/api/v4/projects/42/pipelines/${run.id}/jobs`, {
        headers: { 'private-token': TOKEN }
      })
    ).json()) as { id: number }[];
    expect(listed.map((j) => j.id)).toEqual([old.id, fresh.id]);
    const snap = await remote.poll(run);
    expect(snap.jobs.map((j) => j.key)).toEqual([String(fresh.id)]);
  });

  test('a downstream pipeline in a project the token cannot read: followed through its trigger job, with a warning', async () => {
    const s = await sim({
      jobs: [
        { name: 'build', stage: 'build', runningMs: 100 },
        {
          name: 'deploy-other',
          stage: 'deploy',
          pendingMs: 50,
          downstreamProject: { id: 77, path: 'ops/deployer' },
          child: { jobs: [{ name: 'x', stage: 'x', runningMs: 200, result: 'failed' }] }
        }
      ]
    });
    const { remote, warnings } = gitlab(s);
    const run = await remote.trigger();
    const snap = await settle(remote, run);
    expect(snap.conclusion).toBe('failed');
    expect(snap.jobs.find((j) => j.name === 'deploy-other')?.conclusion).toBe('failed');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/pipeline \d+ of trigger job 'deploy-other' \(404/);
  });

  test('a server that drops variables on create (like 9.x): a warning naming them, or saying it cannot tell', async () => {
    const base = gitlabProfile('16.x');
    const dropping = { ...base, name: 'drops', variables: { ...base.variables, createHonoured: false } };
    const blind = { ...dropping, name: 'blind', routes: { ...base.routes, pipelineVariables: false } };
    const main: SimPipeline = { jobs: [{ name: 'build', stage: 'build' }] };

    const a = gitlab(await sim(main, dropping), { variables: 'TARGET=staging\nMODE=fast' });
    await a.remote.trigger();
    expect(a.warnings).toEqual([
      expect.stringMatching(/did not apply the variables TARGET, MODE to pipeline \d+/)
    ]);

    const b = gitlab(await sim(main, blind), { variables: 'TARGET=staging' });
    await b.remote.trigger();
    expect(b.warnings).toEqual([expect.stringMatching(/may not have been applied to pipeline \d+/)]);

    const c = gitlab(await sim(main, '16.x'), { variables: 'TARGET=staging' });
    await c.remote.trigger();
    expect(c.warnings).toEqual([]);
  });
});

describe('the pipeline test report (issue 13)', () => {
  const withTests: SimPipeline = {
    jobs: [
      {
        name: 'unit',
        stage: 'test',
        runningMs: 50,
        tests: [...cases(3, 'success'), ...cases(2, 'failed'), ...cases(1, 'skipped')]
      },
      {
        name: 'child',
        stage: 'test',
        pendingMs: 20,
        child: {
          jobs: [
            {
              name: 'e2e',
              stage: 'e2e',
              runningMs: 50,
              tests: [...cases(1, 'error', 'e2e'), ...cases(1, 'success', 'e2e')]
            }
          ]
        }
      }
    ]
  };

  test.each([
    ['16.x', true],
    ['13.5', true],
    ['12.0', false]
  ])(
    'GitLab %s: totals and the failed cases, child pipelines included (report: %s)',
    async (profile, has) => {
      const s = await sim(withTests, profile);
      const { remote } = gitlab(s);
      const run = await remote.trigger();
      await settle(remote, run);
      const report = await remote.testReport!(run);
      if (!has) {
        expect(report).toBeUndefined();
        return;
      }
      expect(report).toMatchObject({ total: 8, passed: 4, failed: 2, skipped: 1, errors: 1, time: 4 });
      expect(report!.failures.map((f) => [f.suite, f.name, f.status])).toEqual([
        ['unit', 'failed case 1', 'failed'],
        ['unit', 'failed case 2', 'failed'],
        ['e2e', 'error case 1', 'error']
      ]);
      expect(report!.failures[0]).toMatchObject({ file: 'spec/app_spec.rb', message: 'expected 0 to be 1' });
      const asked = s.requests.filter((r) => /test_report/.test(r.path)).map((r) => r.path.split('/').pop());
      expect(asked).toEqual(['test_report_summary', 'test_report']);
    }
  );

  test('failures are capped at 50, the totals never; no failed case: the summary alone', async () => {
    const s = await sim({
      jobs: [
        {
          name: 'unit',
          stage: 'test',
          runningMs: 50,
          tests: [...cases(70, 'failed'), ...cases(5, 'success')]
        }
      ]
    });
    const { remote } = gitlab(s);
    const run = await remote.trigger();
    await settle(remote, run);
    const report = await remote.testReport!(run);
    expect(report?.failed).toBe(70);
    expect(report?.total).toBe(75);
    expect(report?.failures).toHaveLength(50);

    const green = await sim({
      jobs: [{ name: 'unit', stage: 'test', runningMs: 50, tests: cases(4, 'success') }]
    });
    const g = gitlab(green);
    const greenRun = await g.remote.trigger();
    await settle(g.remote, greenRun);
    expect(await g.remote.testReport!(greenRun)).toMatchObject({ total: 4, passed: 4, failures: [] });
    expect(green.requests.filter((r) => /test_report$/.test(r.path))).toHaveLength(0);

    const none = await sim({ jobs: [{ name: 'unit', stage: 'test', runningMs: 50 }] });
    const n = gitlab(none);
    const noneRun = await n.remote.trigger();
    await settle(n.remote, noneRun);
    expect(await n.remote.testReport!(noneRun)).toBeUndefined();
  });
});

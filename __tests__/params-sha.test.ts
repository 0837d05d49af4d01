/**
 * Issue 22, part 2: `sha`, waiting for the pipeline GitLab creates for a commit (a mirror's push)
 * and following it, in each host, against the GitLab simulator (its push() creates a pipeline the
 * way a push does: nothing is created through the API).
 */
import { startGitLabSim, type GitLabSim, type SimPipeline } from '../sim/gitlab.js';
import { mutateJson } from '../sim/server.js';
import { runCli, runGitHub } from './helpers/run.js';
import { azureOutputs, runAzure } from './helpers/trust.js';

const TOKEN = 'glpat-sim-token';
const SHA = 'c0ffee'.padEnd(40, '1');
const OTHER = 'decade'.padEnd(40, '2');
const servers: GitLabSim[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const SCRIPT: SimPipeline = { jobs: [{ name: 'build', stage: 'build', runningMs: 300 }] };

async function gitlab(profile = '19.2', script: SimPipeline = SCRIPT): Promise<GitLabSim> {
  const sim = await startGitLabSim({ token: TOKEN, profile, pipelines: { main: script, release: script } });
  servers.push(sim);
  return sim;
}

function cli(sim: GitLabSim, extra: string[]): string[] {
  return [
    'gitlab',
    '--url',
    sim.url,
    '--token',
    TOKEN,
    '--project',
    'group/sub/app',
    '--poll-interval',
    '1s',
    ...extra
  ];
}

const lists = (sim: GitLabSim) =>
  sim.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/pipelines'));
const posts = (sim: GitLabSim) => sim.requests.filter((r) => r.method === 'POST');

describe('sha: the commit pipeline is waited for, then followed', () => {
  test('CLI: another commit or another ref is never taken; nothing is created', async () => {
    const sim = await gitlab('17.7');
    // Already there: the same ref at another commit, and the commit on another ref.
    await sim.push('main', OTHER);
    await sim.push('release', SHA);
    // The mirror pushes the commit two seconds later.
    const pushed = new Promise<number>((resolve) =>
      setTimeout(() => void sim.push('main', SHA).then((p) => resolve(p.id)), 2000)
    );
    const run = await runCli(cli(sim, ['--sha', SHA.toUpperCase(), '--ref', 'main', '--json']));
    const id = await pushed;
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result['run-id']).toBe(String(id));
    expect(result.conclusion).toBe('success');
    expect(run.stderr).toMatch(new RegExp(`No pipeline for commit ${SHA} on main yet`));
    expect(run.stderr).toMatch(/Following GitLab run/);
    expect(sim.created).toBe(0);
    expect(posts(sim)).toEqual([]);
    // Asked with the commit and the ref, newest first.
    const q = lists(sim)[0].query;
    expect([q.get('sha'), q.get('ref'), q.get('order_by'), q.get('sort')]).toEqual([
      SHA,
      'main',
      'id',
      'desc'
    ]);
  });

  test('CLI: a server that ignores the sha filter still gets the commit checked client-side', async () => {
    const sim = await gitlab();
    const other = await sim.push('main', OTHER);
    // An old release that does not know `sha` (Grape drops it): the other commit's newer pipeline
    // comes back first in every list.
    sim.faults.push({
      kind: 'mutate',
      times: 1000,
      match: (r) => r.path.endsWith('/pipelines') && r.method === 'GET',
      mutate: mutateJson((data) => [
        { id: other.id + 1000, sha: OTHER, ref: 'main', status: 'running', source: 'push' },
        ...(data as unknown[])
      ])
    });
    setTimeout(() => void sim.push('main', SHA), 1500);
    const run = await runCli(cli(sim, ['--sha', SHA, '--json', '--timeout', '20s']));
    expect(run.code).toBe(0);
    const followed = sim.pipelines.find((p) => String(p.id) === JSON.parse(run.stdout)['run-id'])!;
    expect(followed.sha).toBe(SHA);
  });

  test('GitHub: follows the commit pipeline at once when it is there', async () => {
    const sim = await gitlab();
    const p = await sim.push('main', SHA);
    const run = await runGitHub({
      system: 'gitlab',
      url: sim.url,
      token: TOKEN,
      project: 'group/sub/app',
      sha: SHA,
      'poll-interval': '1s'
    });
    expect(run.code).toBe(0);
    expect(run.outputs['run-id']).toBe(String(p.id));
    expect(run.outputs.conclusion).toBe('success');
    expect(posts(sim)).toEqual([]);
  });

  test('Azure: follows the commit pipeline', async () => {
    const sim = await gitlab();
    const p = await sim.push('main', SHA);
    const run = await runAzure({
      system: 'gitlab',
      url: sim.url,
      token: TOKEN,
      project: 'group/sub/app',
      sha: SHA,
      ref: 'main',
      pollInterval: '1s'
    });
    expect(run.code).toBe(0);
    expect(azureOutputs(run.stdout).runId).toBe(String(p.id));
    expect(azureOutputs(run.stdout).conclusion).toBe('success');
  });
});

describe('sha with a job name', () => {
  test('CLI: the manual job of the commit pipeline is played, with the inputs as its job_inputs', async () => {
    const sim = await gitlab('19.2', {
      jobs: [
        { name: 'build', stage: 'build', runningMs: 100 },
        { name: 'deploy', stage: 'deploy', manual: 'blocking', runningMs: 200 }
      ]
    });
    await sim.push('main', SHA);
    const run = await runCli(cli(sim, ['--sha', SHA, '--job', 'deploy', '--inputs', 'target=eu']));
    expect(run.code).toBe(0);
    expect(sim.jobs.find((j) => j.name === 'deploy')!.playedInputs).toEqual({ target: 'eu' });
    expect(sim.created).toBe(0);
  });
});

describe('sha: none by the timeout', () => {
  test.each(['cli', 'github', 'azure'] as const)(
    '%s: timed_out, a sentence naming the commit, ends near the timeout, nothing canceled',
    async (host) => {
      const sim = await gitlab();
      await sim.push('main', OTHER);
      const started = Date.now();
      const inputs = {
        system: 'gitlab',
        url: sim.url,
        token: TOKEN,
        project: 'group/sub/app',
        sha: SHA,
        timeout: '3s'
      };
      let text: string;
      let conclusion: string | undefined;
      let code: number | null;
      if (host === 'cli') {
        const run = await runCli(cli(sim, ['--sha', SHA, '--timeout', '3s', '--json']));
        ({ code } = run);
        text = run.stderr;
        conclusion = JSON.parse(run.stdout).conclusion;
        expect(code).toBe(3);
      } else if (host === 'github') {
        const run = await runGitHub(inputs);
        ({ code } = run);
        text = run.stdout;
        conclusion = run.outputs.conclusion;
      } else {
        const run = await runAzure({ ...inputs, pollInterval: '10s' });
        ({ code } = run);
        text = run.stdout;
        conclusion = azureOutputs(run.stdout).conclusion;
      }
      expect(code).not.toBe(0);
      expect(conclusion).toBe('timed_out');
      expect(text).toMatch(new RegExp(`No pipeline for commit ${SHA} appeared within the timeout \\(3s\\)`));
      expect(Date.now() - started).toBeLessThan(3000 + 4000);
      expect(posts(sim)).toEqual([]);
      // One list per look, never faster than the first poll of a run (1 s, then doubling).
      expect(lists(sim).length).toBeLessThanOrEqual(3);
    }
  );

  test('the followed pipeline is canceled on timeout like an attached run', async () => {
    const sim = await gitlab('19.2', { jobs: [{ name: 'slow', stage: 'build', runningMs: 60_000 }] });
    const p = await sim.push('main', SHA);
    const run = await runCli(cli(sim, ['--sha', SHA, '--timeout', '3s']));
    expect(run.code).toBe(3);
    expect(posts(sim).map((r) => r.path)).toEqual([
      `/api/v4/projects/group%2Fsub%2Fapp/pipelines/${p.id}/cancel`
    ]);
  });
});

describe('sha: bad input fails before any request (exit 2)', () => {
  test.each([
    ['a short SHA', ['--sha', 'c0ffee1'], /Input 'sha' must be a whole commit SHA/],
    ['not hex', ['--sha', 'z'.repeat(40)], /Input 'sha' must be a whole commit SHA/],
    ['with run', ['--sha', SHA, '--run', '5'], /Input 'sha' .* cannot go with 'run'/],
    ['with a job id', ['--sha', SHA, '--job', '77'], /cannot go with 'job' as a job id/],
    ['with trigger-token', ['--sha', SHA, '--trigger-token', 'glptt-x'], /cannot go with 'trigger-token'/],
    [
      'with inputs but no job',
      ['--sha', SHA, '--inputs', 'a=b'],
      /Input 'inputs' .* with 'sha' it needs 'job'/
    ]
  ])('%s', async (_what, args, message) => {
    const sim = await gitlab();
    const run = await runCli(cli(sim, args));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(sim.requests).toHaveLength(0);
  });
});

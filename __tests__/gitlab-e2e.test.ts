/**
 * GitLab end to end: the built bundle (dist/index.js) run as Jenkins' `sh` and as a GitHub
 * step against the GitLab simulator (sim/gitlab.ts) on 127.0.0.1.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startGitLabSim, type GitLabSim, type SimPipeline } from '../sim/gitlab.js';
import { listFiles, runCli, runGitHub, startDist, tempDir } from './helpers/run.js';

const TOKEN = 'glpat-sim-token';
const TRIGGER = 'glptt-sim-trigger';
let sim: GitLabSim;

afterEach(async () => {
  await sim?.close();
});

async function start(
  pipelines: Record<string, SimPipeline>,
  opts: { perPage?: number } = {}
): Promise<GitLabSim> {
  sim = await startGitLabSim({ pipelines, token: TOKEN, triggerToken: TRIGGER, ...opts });
  return sim;
}

function cli(extra: string[], env: Record<string, string> = {}): ReturnType<typeof runCli> {
  return runCli(
    ['gitlab', '--url', sim.url, '--project', 'group/sub/app', '--poll-interval', '1s', '--json', ...extra],
    {
      env: { CI_RELAY_TOKEN: TOKEN, ...env }
    }
  );
}

const posts = (s: GitLabSim, suffix: string): number =>
  s.requests.filter((r) => r.method === 'POST' && r.path.endsWith(suffix)).length;

test('a pipeline that succeeds: live groups, logs and artifacts saved, artifacts fetched through the storage redirect without credentials, GitHub outputs and summary', async () => {
  await start({
    main: {
      jobs: [
        {
          name: 'build',
          stage: 'build',
          log: [
            'compiling',
            '::set-output name=conclusion::failed',
            '##vso[task.complete result=Failed;]',
            '::add-mask::compiling'
          ],
          artifacts: { 'dist/app.txt': 'hello from build', 'reports/junit.xml': '<testsuite/>' }
        },
        { name: 'test', stage: 'test', log: ['testing', 'all good'] }
      ]
    }
  });
  const cwd = tempDir();
  const run = await runGitHub(
    {
      system: 'gitlab',
      url: sim.url,
      token: TOKEN,
      project: 'group/sub/app',
      ref: 'main',
      'poll-interval': '1s',
      artifacts: 'dist/**'
    },
    { cwd }
  );
  expect(run.code).toBe(0);
  expect(run.outputs.conclusion).toBe('success');
  expect(run.outputs.status).toBe('success');
  expect(run.outputs['run-id']).toBe(String(sim.pipelines[0].id));
  expect(run.outputs['run-url']).toBe(sim.pipelines[0].webUrl);
  const dir = path.join(cwd, 'ci-relay');
  expect(run.outputs['download-dir']).toBe(dir);
  const jobs = JSON.parse(run.outputs.jobs) as {
    name: string;
    conclusion: string;
    log: string;
    artifacts: string;
  }[];
  expect(jobs.map((j) => [j.name, j.conclusion])).toEqual([
    ['build', 'success'],
    ['test', 'success']
  ]);
  expect(listFiles(dir)).toEqual(['artifacts/build/dist/app.txt', 'build.log', 'test.log']);
  expect(fs.readFileSync(path.join(dir, 'artifacts/build/dist/app.txt'), 'utf8')).toBe('hello from build');
  expect(fs.readFileSync(path.join(dir, 'build.log'), 'utf8')).toContain('compiling\n');
  expect(jobs[0].artifacts).toBe(path.join(dir, 'artifacts/build'));
  expect(Number(run.outputs.duration)).toBeGreaterThanOrEqual(0);

  // Each job in one group, its lines inside a stop-commands block: shown, never obeyed.
  expect(run.stdout.match(/::group::build/g)).toHaveLength(1);
  expect(run.stdout.match(/::group::test/g)).toHaveLength(1);
  // Neutralised too (a zero-width space between the colons), inside its block.
  const hostile = run.stdout.indexOf(':\u200b:set-output name=conclusion::failed');
  expect(hostile).toBeGreaterThan(0);
  const stop = run.stdout.lastIndexOf('::stop-commands::', hostile);
  const token = run.stdout.slice(stop).split('\n')[0].replace('::stop-commands::', '');
  expect(token).toMatch(/^[0-9a-f]{32}$/);
  expect(run.stdout.indexOf(`::${token}::`)).toBeGreaterThan(hostile);

  // The storage server got the download, with no credential.
  expect(sim.storage.requests.length).toBeGreaterThan(0);
  expect(sim.leakedToStorage).toBe(0);
  expect(run.summary).toContain('| build | build | ✅ success |');
  expect(run.summary).toMatch(/\*\*✅ success\*\* in \d+s/);
  // The token reaches the runner once, to be masked; nowhere else.
  expect(run.stdout.match(new RegExp(TOKEN, 'g'))).toHaveLength(1);
  expect(run.stdout).toContain(`::add-mask::${TOKEN}`);
  expect(JSON.stringify(run.outputs) + run.summary + run.stderr).not.toContain(TOKEN);
  expect(sim.created).toBe(1);
});

test('a failed job: conclusion failed, exit 1, log-file is the failed job', async () => {
  await start({
    main: {
      jobs: [
        { name: 'build', stage: 'build' },
        { name: 'test', stage: 'test', result: 'failed', log: ['assertion failed'] },
        { name: 'deploy', stage: 'deploy' }
      ]
    }
  });
  const run = await cli(['--ref', 'main']);
  expect(run.code).toBe(1);
  const result = JSON.parse(run.stdout);
  expect(result.conclusion).toBe('failed');
  expect(result['log-file']).toMatch(/test\.log$/);
  expect(fs.readFileSync(result['log-file'], 'utf8')).toContain('assertion failed');
  const deploy = result.jobs.find((j: { name: string }) => j.name === 'deploy');
  expect(deploy.conclusion).toBe('skipped');
});

test('an allowed-to-fail job in a successful pipeline: success, exit 0', async () => {
  await start({
    main: {
      jobs: [
        { name: 'lint', stage: 'test', result: 'failed', allowFailure: true },
        { name: 'unit', stage: 'test' },
        { name: 'deploy', stage: 'deploy' }
      ]
    }
  });
  const run = await cli(['--ref', 'main']);
  const result = JSON.parse(run.stdout);
  expect(result.conclusion).toBe('success');
  expect(run.code).toBe(0);
  expect(result.jobs.find((j: { name: string }) => j.name === 'deploy').conclusion).toBe('success');
});

test.each([
  ['already waiting to be played', 200, 1500],
  ['still waiting for an earlier stage', 3000, 0]
])(
  'a manual job played with variables, following only that job of an existing pipeline (%s)',
  async (_, buildMs, delayMs) => {
    await start({
      main: {
        jobs: [
          { name: 'build', stage: 'build', runningMs: buildMs },
          { name: 'deploy', stage: 'deploy', manual: 'blocking', log: ['deploying to staging'] }
        ]
      }
    });
    // An existing pipeline, created outside ci-relay.
    const created = await fetch(`${sim.url}/api/v4/projects/42/pipeline`, {
      method: 'POST',
      headers: { 'private-token': TOKEN, 'content-type': 'application/json' },
      body: JSON.stringify({ ref: 'main' })
    });
    const pipeline = (await created.json()) as { id: number };
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    const run = await cli([
      '--run',
      String(pipeline.id),
      '--job',
      'deploy',
      '--variables',
      'TARGET=staging\nURL=https://x/?a=b'
    ]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.conclusion).toBe('success');
    expect(result.jobs.map((j: { name: string }) => j.name)).toEqual(['deploy']);
    const deploy = sim.jobs.find((j) => j.name === 'deploy' && j.playedWith);
    expect(deploy?.playedWith).toEqual({ TARGET: 'staging', URL: 'https://x/?a=b' });
    expect(posts(sim, '/play')).toBe(1);
    expect(sim.created).toBe(1);
    expect(fs.readFileSync(result['log-file'], 'utf8')).toContain('deploying to staging');
  }
);

test('a pipeline waiting on a blocking manual job is blocked, and ci-relay does not hang', async () => {
  await start({
    main: {
      jobs: [
        { name: 'build', stage: 'build' },
        { name: 'approve', stage: 'gate', manual: 'blocking' },
        { name: 'deploy', stage: 'deploy' }
      ]
    }
  });
  const run = await cli(['--ref', 'main']);
  const result = JSON.parse(run.stdout);
  expect(result.conclusion).toBe('blocked');
  expect(result.status).toBe('manual');
  expect(run.code).toBe(1);
  // success-on may accept it.
  const accepted = await cli(['--ref', 'main', '--success-on', 'success,blocked']);
  expect(accepted.code).toBe(0);
});

test('a child pipeline is followed too, its jobs logged', async () => {
  await start({
    main: {
      jobs: [
        { name: 'build', stage: 'build' },
        {
          name: 'downstream',
          stage: 'deploy',
          child: { jobs: [{ name: 'child-job', stage: 'test', log: ['inside the child pipeline'] }] }
        }
      ]
    }
  });
  const run = await cli(['--ref', 'main']);
  expect(run.code).toBe(0);
  const result = JSON.parse(run.stdout);
  const child = result.jobs.find((j: { name: string }) => j.name === 'downstream.child-job');
  expect(child).toBeDefined();
  expect(child.conclusion).toBe('success');
  expect(fs.readFileSync(child.log, 'utf8')).toContain('inside the child pipeline');
});

test('a timeout cancels the pipeline and exits 3', async () => {
  await start({ main: { jobs: [{ name: 'slow', stage: 'build', runningMs: 60_000 }] } });
  const run = await cli(['--ref', 'main', '--timeout', '3s']);
  expect(run.code).toBe(3);
  const result = JSON.parse(run.stdout);
  expect(result.conclusion).toBe('timed_out');
  expect(posts(sim, `/pipelines/${sim.pipelines[0].id}/cancel`)).toBe(1);
  expect(sim.pipelines[0].canceled).toBe(true);
  expect(run.stderr).toMatch(/did not end within 3s/);
});

test('429 and 502 while polling are survived, and the pipeline is created exactly once', async () => {
  await start({ main: { jobs: [{ name: 'build', stage: 'build', runningMs: 2000 }] } });
  sim.faults.push(
    { kind: 'rate-limit', retryAfter: 1, match: (r) => r.method === 'GET' && /pipelines\/\d+$/.test(r.path) },
    { kind: 'status', status: 502, match: (r) => r.method === 'GET' && /\/jobs$/.test(r.path) },
    { kind: 'reset', match: (r) => r.method === 'GET' && /\/trace$/.test(r.path) }
  );
  const run = await cli(['--ref', 'main']);
  expect(sim.injected.map((f) => f.kind).sort()).toEqual(['rate-limit', 'reset', 'status']);
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout).conclusion).toBe('success');
  expect(sim.created).toBe(1);
  expect(posts(sim, '/pipeline')).toBe(1);
});

test('the trigger token creates the pipeline through the trigger API, with variables as a map', async () => {
  await start({ main: { jobs: [{ name: 'build', stage: 'build' }] } });
  const run = await cli([
    '--ref',
    'main',
    '--trigger-token',
    TRIGGER,
    '--variables',
    '{"A": "1", "B": "x=y"}'
  ]);
  expect(run.code).toBe(0);
  expect(sim.pipelines[0].source).toBe('trigger');
  expect(sim.pipelines[0].variables).toEqual({ A: '1', B: 'x=y' });
  expect(run.stdout + run.stderr).not.toContain(TRIGGER);
});

test('variables reach a created pipeline; jobs are read across pages', async () => {
  await start(
    {
      main: {
        jobs: ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name, stage: 'test', runningMs: 300 }))
      }
    },
    { perPage: 2 }
  );
  const run = await cli(['--ref', 'main', '--variables', 'ENV: staging\nCOUNT: 3']);
  expect(run.code).toBe(0);
  expect(sim.pipelines[0].variables).toEqual({ ENV: 'staging', COUNT: '3' });
  expect(JSON.parse(run.stdout).jobs).toHaveLength(5);
});

test('a numeric job id that has ended is retried: the new job is followed', async () => {
  await start({ main: { jobs: [{ name: 'build', stage: 'build', runningMs: 200, log: ['run'] }] } });
  const first = await cli(['--ref', 'main']);
  expect(first.code).toBe(0);
  const oldId = sim.jobs[0].id;
  const run = await cli(['--job', String(oldId)]);
  expect(run.code).toBe(0);
  const result = JSON.parse(run.stdout);
  expect(result.jobs).toHaveLength(1);
  expect(Number(result.jobs[0].id)).not.toBe(oldId);
  expect(posts(sim, `/jobs/${oldId}/retry`)).toBe(1);
});

test('wait false: triggers, sets run-id and run-url, and succeeds at once', async () => {
  await start({ main: { jobs: [{ name: 'slow', stage: 'build', runningMs: 60_000 }] } });
  const run = await cli(['--ref', 'main', '--wait', 'false']);
  expect(run.code).toBe(0);
  const result = JSON.parse(run.stdout);
  expect(result['run-id']).toBe(String(sim.pipelines[0].id));
  expect(result['run-url']).toBe(sim.pipelines[0].webUrl);
  expect(result.conclusion).toBeUndefined();
});

test('server errors are shown with GitLab’s own message and exit 4', async () => {
  await start({ main: { jobs: [{ name: 'build', stage: 'build' }] } });
  const run = await cli(['--ref', 'no-such-branch']);
  expect(run.code).toBe(4);
  expect(run.stderr).toContain('Reference not found');
  expect(run.stderr).not.toMatch(/\n\s+at /);
  const unauthorized = await cli(['--ref', 'main'], { CI_RELAY_TOKEN: 'wrong-token' });
  expect(unauthorized.code).toBe(4);
  expect(unauthorized.stderr).toContain('401');
});

test.each([
  [['--ref', 'main', '--timeout', 'soon'], /Input 'timeout'/],
  [['--ref', 'main', '--poll-interval', '0.1s'], /Input 'poll-interval'/],
  [['--ref', 'main', '--log', 'loud'], /Input 'log'/],
  [['--ref', 'main', '--success-on', 'green'], /Input 'success-on'/],
  [['--ref', 'main', '--variables', '[1,2]'], /Input 'variables'/],
  [['--ref', 'main', '--no-such-flag', 'x'], /Unknown option '--no-such-flag'/],
  [['--ref', 'main', '--poll-interval', '-1s'], /Input 'poll-interval' needs a value/],
  [['--ref', 'main', '--timeout'], /Input 'timeout' needs a value/],
  [[], /Input 'ref'/]
])('bad input %j: one sentence naming it, exit 2, no request sent', async (args, message) => {
  await start({ main: { jobs: [{ name: 'build', stage: 'build' }] } });
  const run = await cli(args as string[]);
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(message);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(sim.requests).toHaveLength(0);
});

test('SIGTERM mid-run cancels the pipeline once before exiting', async () => {
  await start({ main: { jobs: [{ name: 'slow', stage: 'build', runningMs: 60_000, log: ['working'] }] } });
  const started = startDist(
    ['gitlab', '--url', sim.url, '--project', 'group/sub/app', '--ref', 'main', '--poll-interval', '1s'],
    {
      env: { CI_RELAY_TOKEN: TOKEN }
    }
  );
  await started.waitFor(/Triggered GitLab run/);
  started.child.kill('SIGTERM');
  const run = await started.done;
  expect(run.code).toBe(1);
  expect(posts(sim, `/pipelines/${sim.pipelines[0].id}/cancel`)).toBe(1);
  expect(run.stderr).toMatch(/Cancelled run/);
});

test('after SIGTERM the cancel still gets its retries: a 502 on the first cancel does not leave the pipeline running', async () => {
  await start({ main: { jobs: [{ name: 'slow', stage: 'build', runningMs: 60_000 }] } });
  sim.faults.push({
    kind: 'status',
    status: 502,
    match: (r) => r.method === 'POST' && r.path.endsWith('/cancel')
  });
  const started = startDist(
    ['gitlab', '--url', sim.url, '--project', 'group/sub/app', '--ref', 'main', '--poll-interval', '1s'],
    {
      env: { CI_RELAY_TOKEN: TOKEN }
    }
  );
  await started.waitFor(/Triggered GitLab run/);
  started.child.kill('SIGTERM');
  const run = await started.done;
  expect(run.code).toBe(1);
  expect(sim.injected.map((f) => f.kind)).toEqual(['status']);
  expect(sim.pipelines[0].canceled).toBe(true);
});

test('log on-failure: only the tail of the failed job is shown, at the end; every log is still saved', async () => {
  await start({
    main: {
      jobs: [
        { name: 'build', stage: 'build', log: ['build line that stays quiet'] },
        {
          name: 'test',
          stage: 'test',
          result: 'failed',
          log: ['first test line', 'the assertion that failed']
        }
      ]
    }
  });
  const run = await cli(['--ref', 'main', '--log', 'on-failure']);
  expect(run.code).toBe(1);
  expect(run.stderr).not.toContain('build line that stays quiet');
  expect(run.stderr).toMatch(
    /test: failed \(last 2 lines of its log\)\n {2}first test line\n {2}the assertion that failed/
  );
  const result = JSON.parse(run.stdout);
  expect(fs.readFileSync(result.jobs[0].log, 'utf8')).toContain('build line that stays quiet');
});

test('log none: no remote text in the log, logs saved all the same', async () => {
  await start({
    main: { jobs: [{ name: 'build', stage: 'build', result: 'failed', log: ['secret-ish build output'] }] }
  });
  const run = await cli(['--ref', 'main', '--log', 'none']);
  expect(run.code).toBe(1);
  expect(run.stderr).not.toContain('secret-ish build output');
  expect(fs.readFileSync(JSON.parse(run.stdout)['log-file'], 'utf8')).toContain('secret-ish build output');
});

test('cancel-on-timeout false: times out (exit 3) and leaves the pipeline running', async () => {
  await start({ main: { jobs: [{ name: 'slow', stage: 'build', runningMs: 60_000 }] } });
  const run = await cli(['--ref', 'main', '--timeout', '2s', '--cancel-on-timeout', 'false']);
  expect(run.code).toBe(3);
  expect(posts(sim, '/cancel')).toBe(0);
  expect(sim.pipelines[0].canceled).toBe(false);
});

test('cancel-on-abort false: SIGTERM stops ci-relay but not the pipeline', async () => {
  await start({ main: { jobs: [{ name: 'slow', stage: 'build', runningMs: 60_000 }] } });
  const started = startDist(
    ['gitlab', '--url', sim.url, '--project', 'group/sub/app', '--ref', 'main', '--cancel-on-abort', 'false'],
    { env: { CI_RELAY_TOKEN: TOKEN } }
  );
  await started.waitFor(/Triggered GitLab run/);
  started.child.kill('SIGTERM');
  const run = await started.done;
  expect(run.code).toBe(1);
  expect(posts(sim, '/cancel')).toBe(0);
});

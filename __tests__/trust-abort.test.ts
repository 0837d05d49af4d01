/**
 * Abort (issue 6): a cancelled calling job cancels the remote run ONCE.
 * - GitHub: cancelling a job sends SIGINT to the main step; then the post step runs with the
 *   state the main step saved. A main step that handled the SIGINT saved `finished`, and its
 *   post step does nothing (not one request). A main step killed outright (SIGKILL: state `run`
 *   saved, `finished` not) leaves the cancel to the post step, which cancels once.
 * - CLI (Jenkins' abort) and Azure (the agent's cancel): SIGTERM → cancel once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startGearsetSim } from '../sim/gearset.js';
import { startGitLabSim, type GitLabSim } from '../sim/gitlab.js';
import { startGoCDSim } from '../sim/gocd.js';
import { runGitHub, startDist, startGitHub, tempDir } from './helpers/run.js';
import { azureCommands, azureOutputs, startAzure } from './helpers/trust.js';
import { CANCEL_GRACE_MS } from '../src/relay/connection.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

const TOKEN = 'glpat-abort-6d0e2b';

async function gitlab(): Promise<GitLabSim> {
  const s = await startGitLabSim({
    token: TOKEN,
    pipelines: { main: { jobs: [{ name: 'long', stage: 'build', runningMs: 120_000, log: ['working'] }] } }
  });
  closers.push(() => s.close());
  return s;
}

const cancels = (s: GitLabSim): number =>
  s.requests.filter((r) => r.method === 'POST' && /\/cancel$/.test(r.path)).length;

const ghInputs = (s: GitLabSim): Record<string, string> => ({
  system: 'gitlab',
  url: s.url,
  token: TOKEN,
  project: 'group/sub/app',
  ref: 'main',
  'poll-interval': '1s'
});

test('GitHub: SIGINT to the main step cancels the pipeline once and saves finished; the post step then sends nothing', async () => {
  const s = await gitlab();
  const step = startGitHub(ghInputs(s));
  await step.started.waitFor(/Triggered GitLab run \d+/);
  await step.started.waitFor(/::group::long/);
  step.started.child.kill('SIGINT');
  const main = await step.finished;
  expect(main.code).toBe(1);
  expect(main.outputs.conclusion).toBe('canceled');
  expect(cancels(s)).toBe(1);
  expect(s.pipelines[0].canceled).toBe(true);
  expect(main.state.isPost).toBe('true');
  expect(main.state.finished).toBe('true');
  expect(JSON.parse(main.state.run)).toMatchObject({ id: String(s.pipelines[0].id) });

  // The runner hands the post step everything the main step saved.
  const before = s.requests.length;
  const post = await runGitHub(ghInputs(s), { state: main.state });
  expect(post.code).toBe(0);
  expect(s.requests.length).toBe(before);
  expect(cancels(s)).toBe(1);
  expect(post.stdout).not.toMatch(/Cancel/);
});

test('GitHub: the main step is killed (SIGKILL, finished not saved) → the post step cancels the pipeline, once', async () => {
  const s = await gitlab();
  const step = startGitHub(ghInputs(s));
  await step.started.waitFor(/Triggered GitLab run \d+/);
  step.started.child.kill('SIGKILL');
  const main = await step.finished;
  expect(main.signal).toBe('SIGKILL');
  expect(cancels(s)).toBe(0);
  expect(main.state.run).toBeDefined();
  expect(main.state.finished).toBeUndefined();

  const post = await runGitHub(ghInputs(s), { state: main.state });
  expect(post.code).toBe(0);
  expect(cancels(s)).toBe(1);
  expect(
    s.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/pipelines/${s.pipelines[0].id}/cancel`))
  ).toHaveLength(1);
  expect(s.pipelines[0].canceled).toBe(true);
  expect(s.created).toBe(1);
  expect(post.stdout).toMatch(/^::warning::Cancelled GitLab run \d+/m);
});

test('GitHub: a post step whose cancel meets a silent server ends within the cancel grace, with a warning', async () => {
  const s = await gitlab();
  const step = startGitHub(ghInputs(s));
  await step.started.waitFor(/Triggered GitLab run \d+/);
  step.started.child.kill('SIGKILL');
  const main = await step.finished;
  // Every cancel hangs after its headers: only the grace can end the post step.
  s.faults.push(() => ({ kind: 'silent' as const }));
  const t0 = Date.now();
  const post = await runGitHub(ghInputs(s), { state: main.state });
  expect(Date.now() - t0).toBeLessThan(CANCEL_GRACE_MS + 10_000);
  expect(post.code).toBe(0);
  expect(cancels(s)).toBeGreaterThanOrEqual(1);
  expect(post.stdout).toMatch(/^::warning::Could not cancel GitLab run \d+: /m);
}, 60_000);

test('GitHub: a main step that ENDED with an error after triggering (download-dir unusable) leaves no cancel to the post step', async () => {
  const s = await gitlab();
  const cwd = tempDir();
  fs.writeFileSync(path.join(cwd, 'blocker'), 'a file, not a folder');
  const inputs = { ...ghInputs(s), 'download-dir': 'blocker/logs' };
  const main = await runGitHub(inputs, { cwd });
  expect(main.code).toBe(4);
  expect(main.outputs.conclusion).toBe('error');
  expect(main.stdout).toMatch(/^::error::ci-relay failed: ENOTDIR/m);
  expect(main.state.run).toBeDefined();
  expect(main.state.finished).toBe('true');
  const post = await runGitHub(inputs, { cwd, state: main.state });
  expect(post.code).toBe(0);
  expect(cancels(s)).toBe(0);
});

test('GitHub, Gearset: after a SIGKILLed main step, the post step cancels once from the saved run alone', async () => {
  const s = await startGearsetSim({
    token: 'gearset-abort-token-1',
    jobs: {
      'ci-job': {
        states: [
          { state: 'Pending', ms: 200 },
          { state: 'Started', ms: 120_000 },
          { state: 'Succeeded', ms: 0 }
        ]
      }
    }
  });
  closers.push(() => s.close());
  const inputs = {
    system: 'gearset',
    url: s.url,
    token: 'gearset-abort-token-1',
    job: 'ci-job',
    'poll-interval': '1s'
  };
  const step = startGitHub(inputs);
  await step.started.waitFor(/Triggered Gearset run/);
  step.started.child.kill('SIGKILL');
  const main = await step.finished;
  expect(main.state.finished).toBeUndefined();
  const post = await runGitHub(inputs, { state: main.state });
  expect(post.code).toBe(0);
  expect(s.cancels).toBe(1);
  expect(s.runRequests).toBe(1);
});

test('CLI: SIGTERM cancels the pipeline once; the result says canceled, exit 1', async () => {
  const s = await gitlab();
  const cwd = tempDir();
  const run = startDist(
    [
      'gitlab',
      '--url',
      s.url,
      '--project',
      'group/sub/app',
      '--ref',
      'main',
      '--poll-interval',
      '1s',
      '--json'
    ],
    {
      cwd,
      env: { CI_RELAY_TOKEN: TOKEN }
    }
  );
  await run.waitFor(/▶ long/);
  run.child.kill('SIGTERM');
  const done = await run.done;
  expect(done.code).toBe(1);
  expect(JSON.parse(done.stdout).conclusion).toBe('canceled');
  expect(cancels(s)).toBe(1);
  expect(s.pipelines[0].canceled).toBe(true);
  expect(done.stderr).toMatch(/Received SIGTERM/);
});

test('CLI, GoCD: SIGTERM cancels the running stage once', async () => {
  const s = await startGoCDSim({
    token: 'gocd-abort-token-1',
    scheduleDelayMs: 300,
    pipelines: { demo: { stages: [{ name: 'build', jobs: [{ name: 'compile', runningMs: 120_000 }] }] } }
  });
  closers.push(() => s.close());
  const run = startDist(['gocd', '--url', s.url, '--pipeline', 'demo', '--poll-interval', '1s', '--json'], {
    env: { CI_RELAY_TOKEN: 'gocd-abort-token-1' }
  });
  await run.waitFor(/▶ build\.compile/);
  run.child.kill('SIGTERM');
  const done = await run.done;
  expect(done.code).toBe(1);
  expect(JSON.parse(done.stdout).conclusion).toBe('canceled');
  expect(s.canceled).toEqual(['demo/1/build/1']);
  expect(s.scheduled).toBe(1);
});

test('Azure: SIGTERM (the agent cancelling the task) cancels the pipeline once; the task fails with conclusion canceled', async () => {
  const s = await gitlab();
  const step = startAzure({
    system: 'gitlab',
    url: s.url,
    token: TOKEN,
    project: 'group/sub/app',
    ref: 'main',
    pollInterval: '1s'
  });
  await step.started.waitFor(/##\[group\]long/);
  step.started.child.kill('SIGTERM');
  const done = await step.started.done;
  expect(done.code).not.toBe(0);
  expect(cancels(s)).toBe(1);
  expect(s.pipelines[0].canceled).toBe(true);
  expect(azureOutputs(done.stdout).conclusion).toBe('canceled');
  expect(
    azureCommands(done.stdout)
      .filter((c) => c.name === 'task.complete')
      .map((c) => c.props.result)
  ).toEqual(['Failed']);
});

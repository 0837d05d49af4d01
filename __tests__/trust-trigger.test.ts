/**
 * A trigger is sent at most once per invocation (CONTRACT.md, "Promises"). When the answer to a
 * trigger is lost after the server acted on it — the connection reset after the request was
 * handled ('reset-after'), or a proxy's 504 while GoCD queued the run — ci-relay never sends it
 * again: it looks for the run the request may have created, says what it found, and follows
 * it; where the remote offers no way to look (Gearset), it stops with exit 4 and says the run
 * may exist.
 */
import { startGearsetSim } from '../sim/gearset.js';
import { startGitLabSim } from '../sim/gitlab.js';
import { startGoCDSim } from '../sim/gocd.js';
import { runCli, runGitHub, tempDir } from './helpers/run.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

const TOKEN = 'glpat-trigger-0e9d7c';

async function gitlab() {
  const s = await startGitLabSim({
    token: TOKEN,
    triggerToken: 'glptt-trigger-51ab',
    pipelines: { main: { jobs: [{ name: 'build', stage: 'build', runningMs: 600 }] } }
  });
  closers.push(() => s.close());
  return s;
}

test('GitLab: the create-pipeline answer is lost after GitLab created it → found through the pipeline list, followed to success, one pipeline', async () => {
  const s = await gitlab();
  s.faults.push({ kind: 'reset-after', match: (r) => r.method === 'POST' && r.path.endsWith('/pipeline') });
  const run = await runCli(
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
      cwd: tempDir(),
      env: { CI_RELAY_TOKEN: TOKEN }
    }
  );
  expect(s.injected.map((f) => f.kind)).toEqual(['reset-after']);
  expect(run.code).toBe(0);
  const result = JSON.parse(run.stdout) as { conclusion: string; 'run-id': string };
  expect(result.conclusion).toBe('success');
  expect(result['run-id']).toBe(String(s.pipelines[0].id));
  expect(s.created).toBe(1);
  expect(s.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  // It says what happened, what it did, and what it found.
  expect(run.stderr).toMatch(/may or may not have reached GitLab/);
  expect(run.stderr).toMatch(/Looking for the run it may have created, without triggering again/);
  expect(run.stderr).toContain(`Found run ${s.pipelines[0].id}, created by that request: following it.`);
  expect(
    s.requests.some((r) => r.method === 'GET' && /\/pipelines$/.test(r.path) && r.query.get('ref') === 'main')
  ).toBe(true);
});

test('GitLab (GitHub step, trigger token): the trigger API answer is lost → the pipeline is found and is the run-id output', async () => {
  const s = await gitlab();
  s.faults.push({
    kind: 'reset-after',
    match: (r) => r.method === 'POST' && r.path.endsWith('/trigger/pipeline')
  });
  const run = await runGitHub({
    system: 'gitlab',
    url: s.url,
    token: TOKEN,
    'trigger-token': 'glptt-trigger-51ab',
    project: 'group/sub/app',
    ref: 'main',
    'poll-interval': '1s'
  });
  expect(run.code).toBe(0);
  expect(s.created).toBe(1);
  expect(s.pipelines[0].source).toBe('trigger');
  expect(run.outputs['run-id']).toBe(String(s.pipelines[0].id));
  expect(run.outputs.conclusion).toBe('success');
  expect(run.stdout).toMatch(/^::warning::.*Found run \d+, created by that request/m);
});

test('GitLab: the create request reset BEFORE GitLab saw it → nothing found, nothing retried: exit 4, and it says so', async () => {
  const s = await gitlab();
  s.faults.push({ kind: 'reset', match: (r) => r.method === 'POST' });
  const run = await runCli(
    ['gitlab', '--url', s.url, '--project', 'group/sub/app', '--ref', 'main', '--json'],
    {
      cwd: tempDir(),
      env: { CI_RELAY_TOKEN: TOKEN }
    }
  );
  expect(run.code).toBe(4);
  expect(s.created).toBe(0);
  expect(s.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  const result = JSON.parse(run.stdout) as { conclusion: string; error: string };
  expect(result.conclusion).toBe('error');
  expect(result.error).toMatch(/no run created by it was found/);
  expect(result.error).toMatch(/sent the request once and did not retry it/);
});

test('GoCD: a proxy answers 504 after GoCD accepted the schedule → the run is found in history, exactly one schedule', async () => {
  const s = await startGoCDSim({
    token: 'gocd-trigger-token-1',
    loseScheduleAnswer: true,
    scheduleDelayMs: 500,
    pipelines: {
      demo: { historyCounter: 3, stages: [{ name: 'build', jobs: [{ name: 'compile', runningMs: 600 }] }] }
    }
  });
  closers.push(() => s.close());
  const run = await runCli(
    ['gocd', '--url', s.url, '--pipeline', 'demo', '--poll-interval', '1s', '--json'],
    {
      cwd: tempDir(),
      env: { CI_RELAY_TOKEN: 'gocd-trigger-token-1' }
    }
  );
  expect(run.code).toBe(0);
  const result = JSON.parse(run.stdout) as { conclusion: string; 'run-id': string };
  expect(result.conclusion).toBe('success');
  expect(result['run-id']).toBe('demo/4');
  expect(s.scheduled).toBe(1);
  expect(s.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  expect(s.counters('demo')).toEqual([1, 2, 3, 4]);
  expect(run.stderr).toMatch(/GoCD answered 504/);
  expect(run.stderr).toContain('Found run demo/4, created by that request: following it.');
});

test('Gearset: the run-request answer is lost after Gearset created it → no way to look: exit 4, the run may exist, nothing retried', async () => {
  const s = await startGearsetSim({ token: 'gearset-trigger-token-1' });
  closers.push(() => s.close());
  s.faults.push({
    kind: 'reset-after',
    match: (r) => r.method === 'POST' && r.path.endsWith('/run-requests')
  });
  const run = await runCli(['gearset', '--url', s.url, '--job', 'ci-job', '--json'], {
    cwd: tempDir(),
    env: { CI_RELAY_TOKEN: 'gearset-trigger-token-1' }
  });
  expect(run.code).toBe(4);
  expect(s.runRequests).toBe(1);
  expect(s.runs.size).toBe(1);
  expect(s.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  expect(s.cancels).toBe(0);
  const result = JSON.parse(run.stdout) as { conclusion: string; error: string };
  expect(result.conclusion).toBe('error');
  expect(result.error).toMatch(/may or may not have reached Gearset/);
  expect(result.error).toMatch(
    /Gearset offers no way to look for the run it may have created, so that run may exist/
  );
  expect(result.error).toMatch(/did not retry it/);
});

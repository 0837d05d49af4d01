/**
 * Issue 22, part 1: GitLab pipeline `inputs` end to end. The built bundle in each host (CLI,
 * GitHub, Azure) against the GitLab simulator with a 17.x profile (no inputs: Grape drops them)
 * and 18.x profiles (inputs kept and checked against the pipeline's spec:inputs); what arrived is
 * read back from the simulator's records.
 */
import { startGitLabSim, type GitLabSim, type SimPipeline } from '../sim/gitlab.js';
import { runCli, runGitHub } from './helpers/run.js';
import { azureOutputs, runAzure } from './helpers/trust.js';

const TOKEN = 'glpat-sim-token';
const TRIGGER = 'glptt-sim-trigger';
const servers: GitLabSim[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const DEPLOY: SimPipeline = {
  inputs: {
    environment: { type: 'string' },
    replicas: { type: 'number', default: 1 },
    dry_run: { type: 'boolean', default: false },
    regions: { type: 'array', default: [] }
  },
  jobs: [{ name: 'deploy', stage: 'deploy', runningMs: 200 }]
};

async function gitlab(profile: string, main: SimPipeline = DEPLOY): Promise<GitLabSim> {
  const sim = await startGitLabSim({ token: TOKEN, profile, pipelines: { main } });
  servers.push(sim);
  return sim;
}

const TYPED = 'environment: staging\nreplicas: 3\ndry_run: true\nregions: [eu-west, us-east]';
const TYPED_VALUE = { environment: 'staging', replicas: 3, dry_run: true, regions: ['eu-west', 'us-east'] };

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

const posts = (sim: GitLabSim): string[] =>
  sim.requests.filter((r) => r.method === 'POST').map((r) => r.path);

describe('inputs on a GitLab that takes them (18.x)', () => {
  test('CLI: a YAML map keeps its types; variables still go beside them', async () => {
    const sim = await gitlab('19.2');
    const run = await runCli(
      cli(sim, ['--ref', 'main', '--inputs', TYPED, '--variables', 'COLOR=blue', '--json'])
    );
    expect(run.code).toBe(0);
    expect(sim.pipelines).toHaveLength(1);
    expect(sim.pipelines[0].inputs).toEqual(TYPED_VALUE);
    expect(sim.pipelines[0].variables).toEqual({ COLOR: 'blue' });
    expect(JSON.parse(run.stdout).conclusion).toBe('success');
  });

  test('CLI: KEY=VALUE lines are strings, and a value may hold =', async () => {
    const sim = await gitlab('18.1', {
      inputs: { environment: {}, note: { default: '' } },
      jobs: [{ name: 'deploy', stage: 'deploy', runningMs: 200 }]
    });
    const run = await runCli(cli(sim, ['--ref', 'main', '--inputs', 'environment=prod\nnote=a=b']));
    expect(run.code).toBe(0);
    expect(sim.pipelines[0].inputs).toEqual({ environment: 'prod', note: 'a=b' });
  });

  test('GitHub: JSON inputs through the trigger API (a JSON body, token in it)', async () => {
    const sim = await gitlab('18.1');
    const run = await runGitHub({
      system: 'gitlab',
      url: sim.url,
      project: 'group/sub/app',
      token: TOKEN,
      ref: 'main',
      'trigger-token': TRIGGER,
      inputs: JSON.stringify(TYPED_VALUE),
      'poll-interval': '1s'
    });
    expect(run.code).toBe(0);
    expect(sim.pipelines[0].source).toBe('trigger');
    expect(sim.pipelines[0].inputs).toEqual(TYPED_VALUE);
    expect(run.outputs.conclusion).toBe('success');
  });

  test('Azure: inputs reach the pipeline', async () => {
    const sim = await gitlab('19.2');
    const run = await runAzure({
      system: 'gitlab',
      url: sim.url,
      token: TOKEN,
      project: 'group/sub/app',
      ref: 'main',
      inputs: TYPED,
      pollInterval: '1s'
    });
    expect(run.code).toBe(0);
    expect(sim.pipelines[0].inputs).toEqual(TYPED_VALUE);
    expect(azureOutputs(run.stdout).conclusion).toBe('success');
  });

  test("GitLab's refusal of an input its spec does not declare is shown as GitLab's sentence", async () => {
    const sim = await gitlab('19.2');
    const run = await runCli(cli(sim, ['--ref', 'main', '--inputs', 'environment=x\ncolour=red', '--json']));
    expect(run.code).toBe(4);
    const result = JSON.parse(run.stdout);
    expect(result['http-status']).toBe(400);
    expect(result.error).toMatch(/unknown input arguments: colour/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(sim.pipelines).toHaveLength(0);
  });

  test('job_inputs: a manual job played on an attached run gets them (19.2)', async () => {
    const sim = await gitlab('19.2', {
      jobs: [
        { name: 'build', stage: 'build', runningMs: 100 },
        { name: 'deploy', stage: 'deploy', manual: 'blocking', runningMs: 200 }
      ]
    });
    const created = await runCli(cli(sim, ['--ref', 'main', '--wait', 'false', '--json']));
    const id = JSON.parse(created.stdout)['run-id'];
    const run = await runCli(cli(sim, ['--run', id, '--job', 'deploy', '--inputs', 'target=eu\ncount=2']));
    expect(run.code).toBe(0);
    const deploy = sim.jobs.find((j) => j.name === 'deploy')!;
    expect(deploy.playedInputs).toEqual({ target: 'eu', count: '2' });
  });
});

describe('inputs on a GitLab that does not take them', () => {
  const refused =
    /GitLab 17\.7\.0-ee does not take pipeline inputs \(GitLab 18\.1 and later do\), so nothing was started/;

  test('CLI: nothing is triggered, exit 4, one sentence naming the version', async () => {
    const sim = await gitlab('17.7');
    const run = await runCli(cli(sim, ['--ref', 'main', '--inputs', TYPED, '--json']));
    expect(run.code).toBe(4);
    const result = JSON.parse(run.stdout);
    expect(result.conclusion).toBe('error');
    expect(result.error).toMatch(refused);
    expect(sim.created).toBe(0);
    expect(posts(sim)).toEqual([]);
  });

  test('GitHub: conclusion error, step failed, nothing triggered', async () => {
    const sim = await gitlab('17.7');
    const run = await runGitHub({
      system: 'gitlab',
      url: sim.url,
      token: TOKEN,
      project: 'group/sub/app',
      ref: 'main',
      inputs: TYPED
    });
    expect(run.code).not.toBe(0);
    expect(run.outputs.conclusion).toBe('error');
    expect(run.stdout).toMatch(refused);
    expect(sim.created).toBe(0);
  });

  test('Azure: conclusion error, task Failed, nothing triggered', async () => {
    const sim = await gitlab('17.7');
    const run = await runAzure({
      system: 'gitlab',
      url: sim.url,
      token: TOKEN,
      project: 'group/sub/app',
      ref: 'main',
      inputs: TYPED
    });
    expect(run.code).not.toBe(0);
    expect(azureOutputs(run.stdout).conclusion).toBe('error');
    expect(run.stdout).toMatch(/task\.complete result=Failed/);
    expect(run.stdout).toMatch(refused);
    expect(sim.created).toBe(0);
  });

  test('job_inputs on 18.1 (pipeline inputs yes, job inputs not yet): the manual job is not played', async () => {
    const sim = await gitlab('18.1', {
      jobs: [{ name: 'deploy', stage: 'deploy', manual: 'blocking', runningMs: 200 }]
    });
    const created = await runCli(cli(sim, ['--ref', 'main', '--wait', 'false', '--json']));
    const id = JSON.parse(created.stdout)['run-id'];
    const run = await runCli(cli(sim, ['--run', id, '--job', 'deploy', '--inputs', 'target=eu']));
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/GitLab 18\.1\.0-ee does not take inputs for a played manual job/);
    expect(posts(sim).filter((p) => p.endsWith('/play'))).toEqual([]);
  });

  test('a server that hides its version (403 on /version) gets the inputs, with a warning saying so', async () => {
    const sim = await gitlab('19.2');
    sim.faults.push({
      kind: 'status',
      status: 403,
      match: (r) => r.path.endsWith('/version'),
      body: JSON.stringify({ message: '403 Forbidden' })
    });
    const run = await runCli(cli(sim, ['--ref', 'main', '--inputs', TYPED]));
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/warning: GitLab did not say its version .* sending them/);
    expect(sim.pipelines[0].inputs).toEqual(TYPED_VALUE);
  });
});

describe('bad inputs fail before any request, naming inputs (exit 2)', () => {
  test.each([
    ['neither lines nor a map', 'just some words'],
    ['a list', '- a\n- b'],
    ['a name GitLab cannot take', '{"bad name": 1}'],
    ['an object value', '{"env": {"a": 1}}'],
    ['a null value', 'env: null'],
    ['broken JSON', '{"env": '],
    ['with run but no job', 'env=prod']
  ])('%s', async (_what, inputs) => {
    const sim = await gitlab('19.2');
    const extra = _what === 'with run but no job' ? ['--run', '5'] : ['--ref', 'main'];
    const run = await runCli(cli(sim, [...extra, '--inputs', inputs]));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Input 'inputs'/);
    expect(
      run.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('error:'))
    ).toHaveLength(1);
    expect(sim.requests).toHaveLength(0);
  });
});

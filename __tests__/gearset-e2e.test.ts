/**
 * `node dist/index.js` with system gearset against sim/gearset.ts: as a CLI (Jenkins or any
 * shell) and as a GitHub step. Needs `npm run build` first.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli, runGitHub, startDist, tempDir, type DistRun } from './helpers/run.js';
import { startGearsetSim, type GearsetSim, type GearsetSimState } from '../sim/gearset.js';

let sims: GearsetSim[] = [];

afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

async function sim(states: Record<string, GearsetSimState[]> = {}, running = false): Promise<GearsetSim> {
  const s = await startGearsetSim({
    token: 'gearset-e2e-secret-7f3a9c',
    jobs: {
      'ci-job': {
        states: states['ci-job'] ?? timeline(['Pending', 300], ['Started', 1500], ['Succeeded', 0]),
        running
      },
      'unit-job': {
        type: 'unit-test',
        states: states['unit-job'] ?? timeline(['Pending', 300], ['Started', 1500], ['Succeeded', 0])
      }
    }
  });
  sims.push(s);
  return s;
}

const timeline = (...states: [string, number][]): GearsetSimState[] =>
  states.map(([state, ms]) => ({ state, ms }));

interface CliRun extends DistRun {
  result: Record<string, unknown>;
  cwd: string;
}

/** The CLI as Jenkins runs it, the token in the environment as a credentials binding puts it. */
async function cli(s: GearsetSim, flags: string[]): Promise<CliRun> {
  const cwd = tempDir('ci-relay-gearset-');
  const out = path.join(cwd, 'result.json');
  const run = await runCli(
    [
      'gearset',
      '--url',
      s.url,
      '--job',
      'ci-job',
      '--poll-interval',
      '1s',
      '--json',
      '--output-file',
      out,
      ...flags
    ],
    { cwd, env: { CI_RELAY_TOKEN: s.token } }
  );
  const result = JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, unknown>;
  expect(JSON.parse(run.stdout)).toEqual(result);
  return { ...run, result, cwd };
}

/** Neither the token nor a mask standing for it: a leak the redactor hid is still a leak. */
function expectNoToken(s: GearsetSim, ...texts: string[]): void {
  for (const text of texts) {
    expect(text).not.toContain(s.token);
    expect(text).not.toContain('***');
  }
}

describe('gearset through dist/index.js', () => {
  test('CLI: a CI run that succeeds streams the observed timeline and saves it as <download-dir>/<job>.log', async () => {
    const s = await sim({ 'ci-job': timeline(['Pending', 1500], ['Started', 1500], ['Succeeded', 0]) });
    const run = await cli(s, []);
    expect(run.code).toBe(0);
    const id = [...s.runs.keys()][0];
    expect(run.result).toMatchObject({
      conclusion: 'success',
      status: 'Succeeded',
      'run-id': id,
      'run-url': '',
      'exit-code': 0,
      'download-dir': path.join(fs.realpathSync(run.cwd), 'ci-relay')
    });
    const logFile = path.join(fs.realpathSync(run.cwd), 'ci-relay', 'ci-job.log');
    expect(fs.realpathSync(run.result['log-file'] as string)).toBe(logFile);
    const jobs = run.result.jobs as Record<string, unknown>[];
    expect(jobs).toEqual([
      expect.objectContaining({ name: 'ci-job', id, status: 'Succeeded', conclusion: 'success' })
    ]);
    const log = fs.readFileSync(logFile, 'utf8');
    expect(log).toContain(`Requested a run: run request ${id}`);
    expect(log).toContain('State: Pending → Started');
    expect(log).toMatch(/Ended at \S+: Succeeded\n$/);
    // Streamed live as well as saved.
    expect(run.stderr).toContain('State: Started → Succeeded');
    expect(run.stderr.split("Gearset's API offers no artifact downloads").length).toBe(2);
    expect(s.runRequests).toBe(1);
    expect(s.rateLimited).toBe(0);
    expectNoToken(s, run.stdout, run.stderr, fs.readFileSync(path.join(run.cwd, 'result.json'), 'utf8'), log);
  });

  test('CLI: Partial fails by default (exit 1) and succeeds with --success-on success,partial', async () => {
    const s = await sim({ 'ci-job': timeline(['Pending', 200], ['Started', 800], ['Partial', 0]) });
    const strict = await cli(s, []);
    expect(strict.code).toBe(1);
    expect(strict.result).toMatchObject({ conclusion: 'partial', status: 'Partial', 'exit-code': 1 });

    const lenient = await cli(s, ['--success-on', 'success,partial', '--commit', 'deadbeef1234']);
    expect(lenient.code).toBe(0);
    expect(lenient.result).toMatchObject({ conclusion: 'partial', status: 'Partial', 'exit-code': 0 });
    expect(s.runs.get(lenient.result['run-id'] as string)?.commit).toBe('deadbeef1234');
    expect(s.runRequests).toBe(2);
    expectNoToken(s, strict.stdout, strict.stderr, lenient.stdout, lenient.stderr);
  });

  test('CLI: a run that outlives timeout is cancelled on Gearset and exits 3', async () => {
    const s = await sim({ 'ci-job': timeline(['Pending', 200], ['Started', 120_000], ['Succeeded', 0]) });
    const run = await cli(s, ['--timeout', '4s']);
    expect(run.code).toBe(3);
    expect(run.result).toMatchObject({ conclusion: 'timed_out', 'exit-code': 3 });
    expect(s.cancels).toBe(1);
    expect(s.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/ci-job/cancel'))).toHaveLength(
      1
    );
    const id = run.result['run-id'] as string;
    expect(s.view(id).State).toBe('Failed');
    expectNoToken(s, run.stdout, run.stderr);
  });

  test('CLI: --run attaches to an existing run request; a job already running is said so', async () => {
    const s = await sim();
    const id = s.addRunRequest('ci-job', timeline(['Pending', 200], ['Started', 800], ['Failed', 0]));
    const attached = await cli(s, ['--run', id]);
    expect(attached.code).toBe(1);
    expect(attached.result).toMatchObject({ conclusion: 'failed', status: 'Failed', 'run-id': id });
    expect(attached.stderr).toContain(`Attached to run request ${id}`);
    expect(s.runRequests).toBe(0);

    const busy = await sim({}, true);
    const triggered = await cli(busy, []);
    expect(triggered.code).toBe(0);
    expect(triggered.stderr).toContain(
      'Gearset CI job ci-job is already running; the new run request may wait for that run to finish.'
    );
    expect(busy.runRequests).toBe(1);
  });

  test('CLI: a wrong token exits 4 with Gearset’s message and without the token', async () => {
    const s = await sim();
    const cwd = tempDir('ci-relay-gearset-');
    const run = await runCli(['gearset', '--url', s.url, '--job', 'ci-job', '--json'], {
      cwd,
      env: { CI_RELAY_TOKEN: 'not-the-right-token-42' }
    });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('Authorization has been denied for this request.');
    expect(run.stdout + run.stderr).not.toContain('not-the-right-token-42');
    expect(s.runRequests).toBe(0);
  });

  test('GitHub step: a unit-testing job, with outputs, summary and no token anywhere', async () => {
    const s = await sim({ 'unit-job': timeline(['Pending', 200], ['Started', 1200], ['Skipped', 0]) });
    const run = await runGitHub({
      system: 'gearset',
      url: s.url,
      token: s.token,
      job: 'unit-job',
      'job-type': 'unit-test',
      'poll-interval': '1s',
      'success-on': 'success,skipped'
    });
    expect(run.code).toBe(0);
    const id = [...s.runs.keys()][0];
    expect(run.outputs).toMatchObject({
      conclusion: 'skipped',
      status: 'Skipped',
      'run-id': id,
      'run-url': ''
    });
    expect(JSON.parse(run.outputs.jobs)).toEqual([
      expect.objectContaining({ name: 'unit-job', id, status: 'Skipped', conclusion: 'skipped' })
    ]);
    expect(fs.readFileSync(path.join(run.cwd, 'ci-relay', 'unit-job.log'), 'utf8')).toContain(
      'State: Started → Skipped'
    );
    expect(run.stdout).toContain('::group::unit-job');
    expect(s.requests.every((r) => r.path.startsWith('/public/automation/unit-testing-jobs/unit-job/'))).toBe(
      true
    );
    // The runner reads ::add-mask:: to learn the secret; nothing else may carry it.
    const shown = run.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    expectNoToken(s, shown, run.stderr, JSON.stringify(run.outputs), run.summary, JSON.stringify(run.state));
  });

  test('Azure task: Partial accepted by success-on is SucceededWithIssues; by default it fails', async () => {
    const s = await sim({ 'ci-job': timeline(['Pending', 200], ['Started', 800], ['Partial', 0]) });
    const azure = (extra: Record<string, string>): Promise<DistRun> => {
      const cwd = tempDir('ci-relay-gearset-azure-');
      // The agent hands task inputs over as INPUT_<NAME> (camelCase names, upper-cased).
      const inputs: Record<string, string> = {
        system: 'gearset',
        url: s.url,
        token: s.token,
        job: 'ci-job',
        pollInterval: '1s',
        ...extra
      };
      const env: Record<string, string> = { TF_BUILD: 'True', AGENT_TEMPDIRECTORY: cwd };
      for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
      return startDist([], { cwd, env }).done;
    };
    const lenient = await azure({ successOn: 'success,partial' });
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toMatch(/##vso\[task\.complete result=SucceededWithIssues;?\]/);
    expect(lenient.stdout).toMatch(/##vso\[task\.setvariable variable=conclusion;[^\]]*\]partial/);
    const strict = await azure({});
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/##vso\[task\.complete result=Failed;?\]/);
    // The agent learns the secret from ##vso[task.setsecret]; nothing else may carry it.
    for (const run of [lenient, strict]) {
      const shown = run.stdout
        .split('\n')
        .filter((l) => !l.startsWith('##vso[task.setsecret]'))
        .join('\n');
      expectNoToken(s, shown, run.stderr);
    }
  });
});

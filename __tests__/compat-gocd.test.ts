/**
 * The compatibility matrix: the same end-to-end cases through `node dist/index.js` against
 * every GoCD release profile (sim/gocd/profiles.ts), and Gearset's unit-test run requests
 * without times. Test names carry the profile, so a failure names the version. The
 * Compatibility section (docs/compatibility.md, and the README's table) states exactly what this proves.
 * Needs `npm run build` first.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli, startDist, tempDir, type DistRun } from './helpers/run.js';
import { startGearsetSim, type GearsetSim } from '../sim/gearset.js';
import {
  GOCD_PROFILES,
  startGoCDSim,
  type GoCDSim,
  type GoCDSimOptions,
  type SimPipeline
} from '../sim/gocd.js';
import { mutateJson, type SimServer } from '../sim/server.js';

const TOKEN = 'gocd-compat-secret-5e1f';
const SECRET_VALUE = 'gocd-compat-secret-variable-77a0';

const sims: SimServer[] = [];
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

async function gocd(
  version: GoCDSimOptions['version'],
  pipeline: SimPipeline,
  opts: GoCDSimOptions = {}
): Promise<GoCDSim> {
  const s = await startGoCDSim({
    version,
    token: TOKEN,
    username: 'ci-bot',
    scheduleDelayMs: 300,
    stageDelayMs: 100,
    configApi: true,
    pipelines: { demo: { historyCounter: 4, ...pipeline } },
    ...opts
  });
  sims.push(s);
  return s;
}

interface CliRun extends DistRun {
  result: Record<string, unknown>;
}

async function cli(system: 'gocd' | 'gearset', url: string, flags: string[], token = TOKEN): Promise<CliRun> {
  const cwd = tempDir('ci-relay-compat-');
  const out = path.join(cwd, 'result.json');
  const run = await runCli(
    [system, '--url', url, '--poll-interval', '1s', '--json', '--output-file', out, ...flags],
    { cwd, env: { CI_RELAY_TOKEN: token } }
  );
  const result = fs.existsSync(out)
    ? (JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, unknown>)
    : {};
  return { ...run, result };
}

const gocdCli = (s: GoCDSim, flags: string[] = []): Promise<CliRun> =>
  cli('gocd', `${s.url}/go`, ['--pipeline', 'demo', ...flags]);

const jobsOf = (r: CliRun): unknown[][] =>
  (r.result.jobs as Record<string, unknown>[]).map((j) => [j.name, j.status, j.conclusion]);

describe.each(GOCD_PROFILES.map((p) => p.version))('GoCD %s through dist/index.js', (version) => {
  test.concurrent(
    `GoCD ${version}: a two-stage run succeeds, with variables and secret variables applied`,
    async () => {
      const s = await gocd(version, {
        variables: ['MODE', 'DEPLOY_KEY'],
        stages: [
          { name: 'build', jobs: [{ name: 'compile', runningMs: 500, log: ['compiling', 'done'] }] },
          { name: 'test', jobs: [{ name: 'unit', runningMs: 400, log: ['tests: 3 passed'] }] }
        ]
      });
      const run = await gocdCli(s, [
        '--variables',
        'MODE=release',
        '--secret-variables',
        `DEPLOY_KEY=${SECRET_VALUE}`
      ]);
      expect(run.code).toBe(0);
      expect(run.result).toMatchObject({
        conclusion: 'success',
        status: 'Passed',
        'run-id': 'demo/5',
        'exit-code': 0
      });
      expect(jobsOf(run)).toEqual([
        ['build.compile', 'Passed', 'success'],
        ['test.unit', 'Passed', 'success']
      ]);
      expect(run.stderr).toContain('tests: 3 passed');
      // GoCD refuses undeclared variables with 422: these were declared and sent as GoCD wants them.
      expect(s.schedules.map((x) => x.body.environment_variables)).toEqual([
        [
          { name: 'MODE', value: 'release', secure: false },
          { name: 'DEPLOY_KEY', value: SECRET_VALUE, secure: true }
        ]
      ]);
      // Each console line fetched once: a finished job's console is not asked for again.
      const consoles =
        s.consoleText('demo', 5, 'build', 'compile') + s.consoleText('demo', 5, 'test', 'unit');
      expect(s.consoleBytesServed).toBe(Buffer.byteLength(consoles));
      expect(run.stdout + run.stderr).not.toContain(SECRET_VALUE);
    }
  );

  test.concurrent(
    `GoCD ${version}: a failed stage fails the run (exit 1) and the next stage never runs`,
    async () => {
      const s = await gocd(version, {
        stages: [
          {
            name: 'build',
            jobs: [
              { name: 'compile', runningMs: 300, result: 'Failed' },
              { name: 'lint', runningMs: 700 }
            ]
          },
          { name: 'test', jobs: [{ name: 'unit' }] }
        ]
      });
      const run = await gocdCli(s);
      expect(run.code).toBe(1);
      expect(run.result).toMatchObject({ conclusion: 'failed', status: 'Failed', 'exit-code': 1 });
      expect(jobsOf(run)).toEqual([
        ['build.compile', 'Failed', 'failed'],
        ['build.lint', 'Passed', 'success']
      ]);
    }
  );

  test.concurrent(
    `GoCD ${version}: a manual stage ends the run blocked (exit 1), nothing cancelled`,
    async () => {
      const s = await gocd(version, {
        stages: [
          { name: 'build', jobs: [{ name: 'compile', runningMs: 300 }] },
          { name: 'deploy', manual: true, jobs: [{ name: 'prod' }] }
        ]
      });
      const started = Date.now();
      const run = await gocdCli(s, ['--timeout', '60s']);
      expect(run.code).toBe(1);
      expect(run.result).toMatchObject({ conclusion: 'blocked', status: 'Passed', 'exit-code': 1 });
      expect(s.canceled).toEqual([]);
      const config = s.requests.filter((r) => r.path === '/go/api/admin/pipelines/demo');
      if (s.profile.config.some((v) => v >= 9)) {
        // The config API says the stage is manual: no grace to wait out.
        expect(config.filter((r) => r.status === 200)).toHaveLength(1);
        expect(Date.now() - started).toBeLessThan(9_000);
      } else {
        // No config API version ci-relay reads (v9–v11): the grace decides.
        expect(config.every((r) => r.status === 404)).toBe(true);
      }
    }
  );

  test.concurrent(`GoCD ${version}: a timeout cancels the running stage on GoCD (exit 3)`, async () => {
    const s = await gocd(version, {
      stages: [
        { name: 'build', jobs: [{ name: 'compile', runningMs: 120_000 }] },
        { name: 'test', jobs: [{ name: 'unit' }] }
      ]
    });
    const started = Date.now();
    const run = await gocdCli(s, ['--timeout', '4s']);
    expect(run.code).toBe(3);
    expect(run.result).toMatchObject({ conclusion: 'timed_out', 'run-id': 'demo/5', 'exit-code': 3 });
    // The cancel reached the server: the stage is cancelled there, through the route it has.
    expect(s.canceled).toEqual(['demo/5/build/1']);
    expect(run.stderr).toMatch(/Cancelled GoCD stage build of demo\/5: Stage cancelled successfully\./);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(s.scheduled).toBe(1);
  });
});

describe.each(GOCD_PROFILES.map((p) => p.version))('GoCD %s: abort', (version) => {
  test.concurrent(
    `GoCD ${version}: SIGTERM cancels the running stage on GoCD and ends canceled`,
    async () => {
      const s = await gocd(version, {
        stages: [
          { name: 'build', jobs: [{ name: 'compile', runningMs: 120_000, log: { totalBytes: 100_000 } }] }
        ]
      });
      const cwd = tempDir('ci-relay-compat-abort-');
      const out = path.join(cwd, 'result.json');
      const started = startDist(
        [
          'gocd',
          '--url',
          `${s.url}/go`,
          '--pipeline',
          'demo',
          '--poll-interval',
          '1s',
          '--json',
          '--output-file',
          out
        ],
        { cwd, env: { CI_RELAY_TOKEN: TOKEN } }
      );
      await started.waitFor(/▶ build\.compile/);
      started.child.kill('SIGTERM');
      const run = await started.done;
      expect(run.code).not.toBe(0);
      expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toMatchObject({ conclusion: 'canceled' });
      expect(s.canceled).toEqual(['demo/5/build/1']);
    }
  );
});

describe('GoCD answers that are not what they should be, through dist/index.js', () => {
  test.concurrent(
    'GoCD current: history with `pipelines` as an object exits 4 with one sentence, nothing scheduled',
    async () => {
      const s = await gocd('current', { stages: [{ name: 'build', jobs: [{ name: 'compile' }] }] });
      s.faults.push((req) =>
        req.path.endsWith('/history')
          ? { kind: 'mutate', mutate: mutateJson((d) => ({ ...(d as object), pipelines: { 0: {} } })) }
          : undefined
      );
      const run = await gocdCli(s);
      expect(run.code).toBe(4);
      expect(run.stderr).toContain(
        "GoCD's answer to GET /go/api/pipelines/demo/history is not what ci-relay expected: 'pipelines' should be a list, not an object."
      );
      expect(run.stderr).not.toMatch(/TypeError|at .*\.js:\d+/);
      expect(s.scheduled).toBe(0);
    }
  );

  test.concurrent(
    'GoCD 19.11: a 202 that never becomes a run is explained while waiting, then ends at the timeout',
    async () => {
      const s = await gocd(
        '19.11',
        { stages: [{ name: 'build', jobs: [{ name: 'compile' }] }] },
        { dropSchedules: true }
      );
      const run = await gocdCli(s, ['--timeout', '13s']);
      expect(run.code).toBe(3);
      expect(run.result.conclusion).toBe('timed_out');
      const explained = run.stderr.match(/no run of demo has appeared yet/g) ?? [];
      expect(explained).toHaveLength(1);
      expect(run.stderr).toContain('server-health messages');
      expect(run.stderr).toContain('ci-relay does not schedule twice');
      expect(s.scheduled).toBe(1);
    }
  );
});

describe('Gearset through dist/index.js', () => {
  test.concurrent(
    'Gearset: a unit-test run request with only State and RunId concludes from State, no NaN anywhere',
    async () => {
      const s: GearsetSim = await startGearsetSim({
        token: 'gearset-compat-token-1',
        jobs: {
          'unit-job': {
            type: 'unit-test',
            noTimes: true,
            states: [
              { state: 'Pending', ms: 300 },
              { state: 'Started', ms: 1200 },
              { state: 'Failed', ms: 0 }
            ]
          }
        }
      });
      sims.push(s);
      const run = await cli('gearset', s.url, ['--job', 'unit-job', '--job-type', 'unit-test'], s.token);
      expect(run.code).toBe(1);
      expect(run.result).toMatchObject({ conclusion: 'failed', status: 'Failed', 'exit-code': 1 });
      expect(typeof run.result.duration).toBe('number');
      const answers = s.requests.filter((r) => r.path.includes('/run-requests/'));
      expect(answers.length).toBeGreaterThan(1);
      expect(run.stdout + run.stderr).not.toMatch(/NaN|undefined|Invalid Date/);
      const jobs = run.result.jobs as Record<string, unknown>[];
      expect(jobs.map((j) => [j.name, j.status, j.conclusion])).toEqual([['unit-job', 'Failed', 'failed']]);
      expect(run.stderr).toContain('State: Started → Failed');
    }
  );
});

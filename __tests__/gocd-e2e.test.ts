/**
 * `node dist/index.js` with system gocd against sim/gocd.ts: as a CLI (Jenkins or any shell)
 * and as a GitHub step. Needs `npm run build` first.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli, runGitHub, tempDir, type DistRun } from './helpers/run.js';
import { startGoCDSim, type GoCDSim, type GoCDSimOptions, type SimPipeline } from '../sim/gocd.js';

const TOKEN = 'gocd-e2e-secret-4b8d1e';
const SECRET_VALUE = 'gocd-secret-variable-9c2f';

let sims: GoCDSim[] = [];

afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

async function sim(pipeline: Partial<SimPipeline> = {}, opts: GoCDSimOptions = {}): Promise<GoCDSim> {
  const s = await startGoCDSim({
    token: TOKEN,
    username: 'ci-bot',
    scheduleDelayMs: 800,
    pipelines: {
      demo: {
        historyCounter: 6,
        stages: [
          {
            name: 'build',
            jobs: [
              {
                name: 'compile',
                runningMs: 2000,
                log: { totalBytes: 200_000 },
                artifacts: {
                  'dist/app.jar': Buffer.alloc(4096, 7),
                  'dist/lib/util.jar': 'util',
                  'report.txt': 'ok\n'
                }
              }
            ]
          },
          {
            name: 'test',
            jobs: [
              {
                name: 'unit',
                runningMs: 1500,
                log: [
                  '::set-output name=pwned::1',
                  '##vso[task.complete result=Succeeded]',
                  'tests: 12 passed'
                ]
              }
            ]
          }
        ],
        ...pipeline
      }
    },
    ...opts
  });
  sims.push(s);
  return s;
}

interface CliRun extends DistRun {
  result: Record<string, unknown>;
  cwd: string;
}

/** The CLI as Jenkins runs it, the token in the environment as a credentials binding puts it. */
async function cli(s: GoCDSim, flags: string[]): Promise<CliRun> {
  const cwd = tempDir('ci-relay-gocd-');
  const out = path.join(cwd, 'result.json');
  const run = await runCli(
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
      out,
      ...flags
    ],
    { cwd, env: { CI_RELAY_TOKEN: TOKEN } }
  );
  const result = fs.existsSync(out)
    ? (JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, unknown>)
    : {};
  return { ...run, result, cwd };
}

/** Neither the secrets nor a mask standing for them. */
function expectNoSecret(...texts: string[]): void {
  for (const text of texts) {
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(SECRET_VALUE);
  }
}

describe('gocd through dist/index.js', () => {
  test('CLI: a two-stage run succeeds; consoles streamed once and saved, the folder zip extracted', async () => {
    const s = await sim({}, { zipPending: 2 });
    const run = await cli(s, [
      '--variables',
      'MODE=release',
      '--secret-variables',
      `DEPLOY_KEY=${SECRET_VALUE}`
    ]);
    expect(run.code).toBe(0);
    const dir = path.join(fs.realpathSync(run.cwd), 'ci-relay');
    expect(run.result).toMatchObject({
      conclusion: 'success',
      status: 'Passed',
      'run-id': 'demo/7',
      'run-url': `${s.url}/go/pipelines/value_stream_map/demo/7`,
      'exit-code': 0,
      'download-dir': dir
    });
    const jobs = run.result.jobs as Record<string, unknown>[];
    expect(jobs.map((j) => [j.name, j.stage, j.id, j.status, j.conclusion])).toEqual([
      ['build.compile', 'build', 'build/1/compile', 'Passed', 'success'],
      ['test.unit', 'test', 'test/1/unit', 'Passed', 'success']
    ]);

    // Each console saved as <download-dir>/<stage>.<job>.log, whole, and each line fetched once.
    const compile = s.consoleText('demo', 7, 'build', 'compile');
    const unit = s.consoleText('demo', 7, 'test', 'unit');
    expect(fs.readFileSync(path.join(dir, 'build.compile.log'), 'utf8')).toBe(compile);
    expect(fs.readFileSync(path.join(dir, 'test.unit.log'), 'utf8')).toBe(unit);
    expect(s.consoleBytesServed).toBe(Buffer.byteLength(compile) + Buffer.byteLength(unit));
    // Streamed live; remote text shown, never obeyed.
    expect(run.stderr).toContain('tests: 12 passed');

    // The folder came as a zip after two 202s; the loose file on its own.
    const art = path.join(dir, 'artifacts', 'build.compile');
    expect(fs.readFileSync(path.join(art, 'dist', 'app.jar'))).toEqual(Buffer.alloc(4096, 7));
    expect(fs.readFileSync(path.join(art, 'dist', 'lib', 'util.jar'), 'utf8')).toBe('util');
    expect(fs.readFileSync(path.join(art, 'report.txt'), 'utf8')).toBe('ok\n');
    expect(s.requests.filter((r) => r.path.endsWith('/compile/dist.zip')).map((r) => r.status)).toEqual([
      202, 202, 200
    ]);

    expect(s.scheduled).toBe(1);
    expect(s.schedules[0].body.environment_variables).toEqual([
      { name: 'MODE', value: 'release', secure: false },
      { name: 'DEPLOY_KEY', value: SECRET_VALUE, secure: true }
    ]);
    expectNoSecret(run.stdout, run.stderr, fs.readFileSync(path.join(run.cwd, 'result.json'), 'utf8'));
  }, 30_000);

  test('CLI: a run that outlives timeout gets its running stage cancelled on GoCD and exits 3', async () => {
    const s = await sim({
      stages: [
        { name: 'build', jobs: [{ name: 'compile', runningMs: 120_000 }] },
        { name: 'test', jobs: [{ name: 'unit' }] }
      ]
    });
    const run = await cli(s, ['--timeout', '5s']);
    expect(run.code).toBe(3);
    expect(run.result).toMatchObject({ conclusion: 'timed_out', 'run-id': 'demo/7', 'exit-code': 3 });
    expect(s.canceled).toEqual(['demo/7/build/1']);
    const cancels = s.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/cancel'));
    expect(cancels).toHaveLength(1);
    expect(cancels[0].headers.accept).toBe('application/vnd.go.cd.v3+json');
    expect(cancels[0].headers['x-gocd-confirm']).toBe('true');
    expect(s.scheduled).toBe(1);
    expectNoSecret(run.stdout, run.stderr);
  }, 30_000);

  test('CLI: 409 on schedule exits 4 with GoCD’s message, after one schedule request', async () => {
    const s = await sim({ paused: true });
    const run = await cli(s, []);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('Failed to trigger pipeline [demo] { Pipeline [demo] is paused }');
    expect(s.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/schedule'))).toHaveLength(1);
    expect(s.scheduled).toBe(0);
    expectNoSecret(run.stdout, run.stderr);
  });

  test('CLI: a manual stage ends the run blocked (exit 1) instead of waiting for ever', async () => {
    const s = await sim({
      stages: [
        { name: 'build', jobs: [{ name: 'compile', runningMs: 300 }] },
        { name: 'deploy', manual: true, jobs: [{ name: 'prod' }] }
      ]
    });
    const run = await cli(s, ['--timeout', '60s']);
    expect(run.code).toBe(1);
    expect(run.result).toMatchObject({ conclusion: 'blocked', 'run-id': 'demo/7', 'exit-code': 1 });
    expect(s.canceled).toEqual([]);
  }, 30_000);

  test('GitHub step: system gocd with basic auth, outputs, log groups, and no secret anywhere', async () => {
    const s = await sim({}, { token: undefined, username: 'ci-bot', password: TOKEN });
    const run = await runGitHub({
      system: 'gocd',
      url: s.url,
      pipeline: 'demo',
      username: 'ci-bot',
      password: TOKEN,
      'secret-variables': `DEPLOY_KEY=${SECRET_VALUE}`,
      'poll-interval': '1s',
      artifacts: 'report.txt'
    });
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({
      conclusion: 'success',
      status: 'Passed',
      'run-id': 'demo/7',
      'run-url': `${s.url}/go/pipelines/value_stream_map/demo/7`
    });
    const jobs = JSON.parse(run.outputs.jobs) as Record<string, unknown>[];
    expect(jobs.map((j) => j.name)).toEqual(['build.compile', 'test.unit']);
    expect(fs.readFileSync(path.join(run.cwd, 'ci-relay', 'test.unit.log'), 'utf8')).toBe(
      s.consoleText('demo', 7, 'test', 'unit')
    );
    expect(
      fs.readFileSync(path.join(run.cwd, 'ci-relay', 'artifacts', 'build.compile', 'report.txt'), 'utf8')
    ).toBe('ok\n');
    expect(fs.existsSync(path.join(run.cwd, 'ci-relay', 'artifacts', 'build.compile', 'dist'))).toBe(false);
    expect(s.requests.some((r) => r.path.endsWith('.zip'))).toBe(false);
    expect(run.stdout).toContain('::group::build.compile');
    // The remote's workflow commands are shown as text, not obeyed.
    expect(run.outputs.pwned).toBeUndefined();
    const expected = `Basic ${Buffer.from(`ci-bot:${TOKEN}`).toString('base64')}`;
    expect(s.requests.every((r) => r.headers.authorization === expected)).toBe(true);
    const shown = run.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    expectNoSecret(shown, run.stderr, JSON.stringify(run.outputs), run.summary, JSON.stringify(run.state));
  }, 30_000);
});

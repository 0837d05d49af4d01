/**
 * The fault suite: whole relays through dist/index.js while sim/faults.ts keeps injecting
 * faults into the simulator — connection resets, 502/503, 429 with Retry-After, slow answers,
 * bodies cut short, malformed JSON and status words flipped to one no remote has — for every
 * remote. Each run must end with the run's TRUE conclusion (a flipped status is neither
 * success nor the end), send its trigger exactly once, bring every artifact back whole
 * (checksums against what the simulator serves), and leak no secret, even with --debug on.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  flipWhenEnded,
  gearsetFaultSchedule,
  gitlabFaultSchedule,
  gocdFaultSchedule,
  SCHEDULED_KINDS,
  UNKNOWN_STATUS,
  type FaultSchedule
} from '../sim/faults.js';
import { startGearsetSim } from '../sim/gearset.js';
import { startGitLabSim, type GitLabSim } from '../sim/gitlab.js';
import { startGoCDSim, type GoCDSim } from '../sim/gocd.js';
import { runCli, tempDir, type DistRun } from './helpers/run.js';
import { checksums, noise, occurrences, sha256 } from './helpers/trust.js';

/** What a saved log holds: the served text with every secret masked. */
function masked(text: string, ...secrets: string[]): string {
  return secrets.reduce((t, secret) => t.split(secret).join('***'), text);
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

interface Relay extends DistRun {
  result: Record<string, unknown> & {
    conclusion: string;
    status: string;
    jobs: { name: string; id: string; conclusion: string; log?: string; artifacts?: string }[];
  };
  cwd: string;
}

async function cli(args: string[], env: Record<string, string>): Promise<Relay> {
  const cwd = tempDir('ci-relay-faults-');
  const run = await runCli([...args, '--poll-interval', '1s', '--json', '--debug'], { cwd, env });
  let result: Relay['result'];
  try {
    result = JSON.parse(run.stdout) as Relay['result'];
  } catch {
    throw new Error(`no JSON result (exit ${run.code}):\n${run.stderr.slice(-4000)}`);
  }
  return { ...run, result, cwd };
}

/** Faults injected over a describe block's runs, by kind. */
function tally(): { add(s: FaultSchedule): void; kinds(): string[] } {
  const counts: Record<string, number> = {};
  return {
    add(s) {
      for (const [k, n] of Object.entries(s.counts)) counts[k] = (counts[k] ?? 0) + n;
    },
    kinds: () =>
      Object.keys(counts)
        .filter((k) => counts[k] > 0)
        .sort()
  };
}

const ALL_KINDS = [...SCHEDULED_KINDS].sort();

function expectNoSecret(run: DistRun, ...secrets: string[]): void {
  for (const s of secrets) {
    expect(occurrences(run.stdout, s)).toBe(0);
    expect(occurrences(run.stderr, s)).toBe(0);
  }
}

/** sha256 of the artifacts as the simulator serves them. */
const sums = (files: Record<string, string | Buffer>): Record<string, string> =>
  Object.fromEntries(Object.entries(files).map(([p, c]) => [p, sha256(c)]));

describe('GitLab under a fault schedule', () => {
  const injected = tally();
  // Over both runs, every kind of fault was injected.
  afterAll(() => expect(injected.kinds()).toEqual(ALL_KINDS));
  const TOKEN = 'glpat-faults-4d1c9e7a';
  const ARTIFACTS = {
    'dist/app.bin': noise(400_000, 3),
    'dist/notes.txt': 'release notes\n',
    'reports/junit.xml': '<testsuite tests="3"/>'
  };

  async function sim(): Promise<GitLabSim> {
    const s = await startGitLabSim({
      token: TOKEN,
      pipelines: {
        main: {
          jobs: [
            {
              name: 'build',
              stage: 'build',
              runningMs: 1500,
              artifacts: ARTIFACTS,
              log: ['compiling', `echo token ${TOKEN}`, 'built']
            },
            { name: 'test', stage: 'test', runningMs: 1500, log: { totalBytes: 120_000 } }
          ]
        },
        broken: {
          jobs: [
            { name: 'build', stage: 'build', runningMs: 1000, artifacts: ARTIFACTS },
            { name: 'test', stage: 'test', runningMs: 1500, result: 'failed', log: ['assertion failed'] },
            { name: 'deploy', stage: 'deploy' }
          ]
        }
      }
    });
    closers.push(() => s.close());
    return s;
  }

  test.each([
    ['main', 'success', 0, { build: 'success', test: 'success' }],
    ['broken', 'failed', 1, { build: 'success', test: 'failed', deploy: 'skipped' }]
  ])(
    'ref %s: the true conclusion (%s), one pipeline, whole artifacts, no token',
    async (ref, conclusion, code, jobs) => {
      const s = await sim();
      const schedule = gitlabFaultSchedule(s, { seed: ref === 'main' ? 1 : 2, rate: 0.5 });
      const run = await cli(['gitlab', '--url', s.url, '--project', 'group/sub/app', '--ref', ref], {
        CI_RELAY_TOKEN: TOKEN
      });
      schedule.stop();
      injected.add(schedule);

      expect(run.result.conclusion).toBe(conclusion);
      expect(run.result.status).toBe(conclusion);
      expect(run.code).toBe(code);
      expect(s.created).toBe(1);
      expect(
        s.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/pipeline') && r.status === 201)
      ).toHaveLength(1);
      // A flipped word is never the end, nor anyone's conclusion (a job's last seen status word may be it).
      expect(Object.fromEntries(run.result.jobs.map((j) => [j.name, j.conclusion]))).toEqual(jobs);
      expect(schedule.counts['unknown-status']).toBeGreaterThan(0);
      expect(checksums(path.join(run.cwd, 'ci-relay', 'artifacts', 'build'))).toEqual(sums(ARTIFACTS));
      expect(s.leakedToStorage).toBe(0);
      // Each saved log is the job's whole trace, each byte once, whatever broke while reading it
      // (and the token it echoes, masked).
      for (const job of run.result.jobs) {
        if (!job.log) continue;
        const trace = await fetch(`${s.url}/api/v4/projects/42/jobs/${job.id}/trace`, {
          headers: { 'private-token': TOKEN }
        });
        const served = masked(Buffer.from(await trace.arrayBuffer()).toString('utf8'), TOKEN);
        expect(sha256(fs.readFileSync(job.log))).toBe(sha256(Buffer.from(served)));
      }
      expectNoSecret(run, TOKEN);
      expect(schedule.total).toBeGreaterThan(5);
    }
  );
});

describe('GoCD under a fault schedule', () => {
  const injected = tally();
  afterAll(() => expect(injected.kinds()).toEqual(ALL_KINDS));
  const TOKEN = 'gocd-faults-token-8e21f0';
  const SECRET = 'gocd-faults-secret-value-5a7b';
  const FILES = { 'dist/app.jar': noise(300_000, 5), 'dist/lib/util.jar': 'util', 'report.txt': 'ok\n' };

  async function sim(failing: boolean): Promise<GoCDSim> {
    const s = await startGoCDSim({
      token: TOKEN,
      scheduleDelayMs: 800,
      pipelines: {
        demo: {
          historyCounter: 4,
          stages: [
            {
              name: 'build',
              jobs: [
                {
                  name: 'compile',
                  runningMs: 1500,
                  artifacts: FILES,
                  log: ['compiling', `using key ${SECRET}`, 'done']
                }
              ]
            },
            {
              name: 'test',
              jobs: [
                {
                  name: 'unit',
                  runningMs: 1500,
                  result: failing ? 'Failed' : 'Passed',
                  log: { totalBytes: 50_000 }
                }
              ]
            }
          ]
        }
      }
    });
    closers.push(() => s.close());
    return s;
  }

  test.each([
    [false, 'success', 'Passed', 0],
    [true, 'failed', 'Failed', 1]
  ])(
    'failing: %s → %s; one schedule, whole artifacts, no secret',
    async (failing, conclusion, status, code) => {
      const s = await sim(failing);
      const schedule = gocdFaultSchedule(s, { seed: failing ? 4 : 3, rate: 0.5 });
      const run = await cli(
        ['gocd', '--url', s.url, '--pipeline', 'demo', '--secret-variables', `DEPLOY_KEY=${SECRET}`],
        {
          CI_RELAY_TOKEN: TOKEN
        }
      );
      schedule.stop();
      injected.add(schedule);

      expect(run.result.conclusion).toBe(conclusion);
      expect(run.result.status).toBe(status);
      expect(run.code).toBe(code);
      expect(s.scheduled).toBe(1);
      expect(s.schedules[0].body.environment_variables).toEqual([
        { name: 'DEPLOY_KEY', value: SECRET, secure: true }
      ]);
      expect(Object.fromEntries(run.result.jobs.map((j) => [j.name, j.conclusion]))).toEqual({
        'build.compile': 'success',
        'test.unit': failing ? 'failed' : 'success'
      });
      expect(checksums(path.join(run.cwd, 'ci-relay', 'artifacts', 'build.compile'))).toEqual(sums(FILES));
      const counter = Number(String(run.result['run-id']).split('/')[1]);
      for (const job of run.result.jobs) {
        const [stage, name] = job.name.split('.');
        expect(fs.readFileSync(job.log!, 'utf8')).toBe(
          masked(s.consoleText('demo', counter, stage, name), TOKEN, SECRET)
        );
      }
      expectNoSecret(run, TOKEN, SECRET);
      expect(schedule.total).toBeGreaterThan(5);
    }
  );
});

describe('Gearset under a fault schedule', () => {
  const injected = tally();
  // Gearset runs are a few requests long: most kinds, not necessarily all.
  afterAll(() => expect(injected.kinds().length).toBeGreaterThanOrEqual(5));
  const TOKEN = 'gearset-faults-token-2c9d44';

  test.each([
    ['Succeeded', 'success', 0],
    ['Failed', 'failed', 1]
  ])('a run that ends %s: %s, one run request, no token', async (final, conclusion, code) => {
    const s = await startGearsetSim({
      token: TOKEN,
      jobs: {
        'ci-job': {
          states: [
            { state: 'Pending', ms: 1500 },
            { state: 'Started', ms: 6000 },
            { state: final, ms: 0 }
          ]
        }
      }
    });
    closers.push(() => s.close());
    const schedule = gearsetFaultSchedule(s, { seed: final === 'Failed' ? 6 : 5, rate: 0.5 });
    const run = await cli(['gearset', '--url', s.url, '--job', 'ci-job'], { CI_RELAY_TOKEN: TOKEN });
    schedule.stop();
    injected.add(schedule);

    expect(run.result.conclusion).toBe(conclusion);
    expect(run.result.status).toBe(final);
    expect(run.code).toBe(code);
    expect(s.runRequests).toBe(1);
    expect(s.cancels).toBe(0);
    expectNoSecret(run, TOKEN);
    expect(schedule.total).toBeGreaterThan(3);
  });
});

/*
 * The status word flipped exactly when the run has really ended: a client that stops on
 * anything that is not "still going" stops here with a wrong answer. ci-relay must keep
 * polling, and end on the real word.
 */
describe('a status flipped to an unknown word when the run has just ended', () => {
  const isObj = (d: unknown): d is Record<string, unknown> =>
    !!d && typeof d === 'object' && !Array.isArray(d);

  test('GitLab: the pipeline says quantum_flux three times after it succeeded; the run still ends success', async () => {
    const s = await startGitLabSim({
      token: 'glpat-flip-1',
      pipelines: { main: { jobs: [{ name: 'build', stage: 'build', runningMs: 500 }] } }
    });
    closers.push(() => s.close());
    const flips = flipWhenEnded(s, {
      match: (r) => r.method === 'GET' && /\/pipelines\/\d+$/.test(r.path),
      ended: (d) => isObj(d) && d.status === 'success',
      flip: (d) => ({ ...(d as object), status: UNKNOWN_STATUS })
    });
    const run = await cli(['gitlab', '--url', s.url, '--project', '42', '--ref', 'main'], {
      CI_RELAY_TOKEN: 'glpat-flip-1'
    });
    expect(flips.flipped).toBe(3);
    expect(run.result.conclusion).toBe('success');
    expect(run.result.status).toBe('success');
    expect(run.code).toBe(0);
  });

  test('GoCD: every stage says quantum_flux three times after the run failed; the run still ends failed', async () => {
    const s = await startGoCDSim({
      scheduleDelayMs: 300,
      pipelines: {
        demo: { stages: [{ name: 'build', jobs: [{ name: 'compile', runningMs: 500, result: 'Failed' }] }] }
      }
    });
    closers.push(() => s.close());
    const flips = flipWhenEnded(s, {
      match: (r) => r.method === 'GET' && /^\/go\/api\/pipelines\/demo\/\d+$/.test(r.path),
      ended: (d) =>
        isObj(d) &&
        Array.isArray(d.stages) &&
        d.stages.every((st: { status?: string }) => st.status === 'Failed'),
      flip: (d) => ({
        ...(d as object),
        stages: (d as { stages: object[] }).stages.map((st) => ({ ...st, status: UNKNOWN_STATUS }))
      })
    });
    const run = await cli(['gocd', '--url', s.url, '--pipeline', 'demo'], {});
    expect(flips.flipped).toBe(3);
    expect(run.result.conclusion).toBe('failed');
    expect(run.result.status).toBe('Failed');
    expect(run.code).toBe(1);
  });

  test('Gearset: State quantum_flux (no end time) three times after it succeeded; the run still ends success', async () => {
    const s = await startGearsetSim({
      token: 'gearset-flip-1',
      jobs: {
        'ci-job': {
          states: [
            { state: 'Pending', ms: 300 },
            { state: 'Started', ms: 800 },
            { state: 'Succeeded', ms: 0 }
          ]
        }
      }
    });
    closers.push(() => s.close());
    const flips = flipWhenEnded(s, {
      match: (r) => r.method === 'GET' && /\/run-requests\/[^/]+$/.test(r.path),
      ended: (d) => isObj(d) && d.State === 'Succeeded',
      flip: (d) => {
        const { EndDateTime: _end, ...rest } = d as Record<string, unknown>;
        return { ...rest, State: UNKNOWN_STATUS };
      }
    });
    const run = await cli(['gearset', '--url', s.url, '--job', 'ci-job'], {
      CI_RELAY_TOKEN: 'gearset-flip-1'
    });
    expect(flips.flipped).toBe(3);
    expect(run.result.conclusion).toBe('success');
    expect(run.result.status).toBe('Succeeded');
    expect(run.code).toBe(0);
  });

  test('Gearset: an unknown State that carries an end time is a new way of ending: never success', async () => {
    const s = await startGearsetSim({
      token: 'gearset-flip-2',
      jobs: {
        'ci-job': {
          states: [
            { state: 'Pending', ms: 300 },
            { state: 'Started', ms: 800 },
            { state: 'Succeeded', ms: 0 }
          ]
        }
      }
    });
    closers.push(() => s.close());
    flipWhenEnded(s, {
      match: (r) => r.method === 'GET' && /\/run-requests\/[^/]+$/.test(r.path),
      ended: (d) => isObj(d) && d.State === 'Succeeded',
      flip: (d) => ({ ...(d as object), State: UNKNOWN_STATUS }),
      times: 1000
    });
    const run = await cli(['gearset', '--url', s.url, '--job', 'ci-job', '--timeout', '20s'], {
      CI_RELAY_TOKEN: 'gearset-flip-2'
    });
    expect(run.result.conclusion).not.toBe('success');
    expect(run.code).not.toBe(0);
    expect(run.result.status).toBe(UNKNOWN_STATUS);
  });
});

test('GitLab: a trace cut short mid-body is read again without a byte shown or saved twice', async () => {
  const s = await startGitLabSim({
    token: 'glpat-trace-cut-1',
    pipelines: {
      main: { jobs: [{ name: 'build', stage: 'build', runningMs: 1000, log: { totalBytes: 20_000 } }] }
    }
  });
  closers.push(() => s.close());
  s.faults.push({ kind: 'truncate', match: (r) => /\/trace$/.test(r.path), times: 2 });
  const run = await cli(['gitlab', '--url', s.url, '--project', '42', '--ref', 'main'], {
    CI_RELAY_TOKEN: 'glpat-trace-cut-1'
  });
  expect(s.injected.map((f) => f.kind)).toEqual(['truncate', 'truncate']);
  expect(run.code).toBe(0);
  const job = run.result.jobs[0];
  const trace = await fetch(`${s.url}/api/v4/projects/42/jobs/${job.id}/trace`, {
    headers: { 'private-token': 'glpat-trace-cut-1' }
  });
  const served = Buffer.from(await trace.arrayBuffer());
  expect(fs.readFileSync(job.log!).equals(served)).toBe(true);
  // Shown once each: every generated line appears exactly once in the streamed log.
  expect(occurrences(run.stderr, 'line 0000001 ')).toBe(1);
  expect(occurrences(run.stderr, 'line 0000100 ')).toBe(1);
});

/**
 * The compatibility matrix: the same end-to-end cases, through dist/index.js as Jenkins' `sh`
 * runs it, against every GitLab profile of the simulator (sim/gitlab/profiles.ts). Test names
 * carry the profile, so a failure names the version. docs/compatibility.md (and the README's Compatibility table) states what this proves.
 */
import {
  GITLAB_PROFILES,
  startGitLabSim,
  type GitLabProfile,
  type GitLabSim,
  type SimPipeline
} from '../sim/gitlab.js';
import { runCli, type DistRun } from './helpers/run.js';

const TOKEN = 'glpat-sim-token';
const FAST = { pendingMs: 50, runningMs: 250 };

interface Outcome {
  run: DistRun;
  result: { conclusion: string; status: string; jobs: { name: string; conclusion: string }[] };
  sim: GitLabSim;
}

async function relay(profile: GitLabProfile, main: SimPipeline, args: string[]): Promise<Outcome> {
  const sim = await startGitLabSim({ profile, token: TOKEN, pipelines: { main } });
  try {
    const run = await runCli(
      [
        'gitlab',
        '--url',
        sim.url,
        '--project',
        'group/sub/app',
        '--ref',
        'main',
        '--poll-interval',
        '1s',
        '--json',
        ...args
      ],
      { env: { CI_RELAY_TOKEN: TOKEN } }
    );
    const result = run.stdout.trim()
      ? (JSON.parse(run.stdout) as Outcome['result'])
      : ({} as Outcome['result']);
    return { run, result, sim };
  } finally {
    await sim.close();
  }
}

const names = (o: Outcome): string[] => o.result.jobs.map((j) => j.name);
const warnings = (o: Outcome): string[] => o.run.stderr.split('\n').filter((l) => l.startsWith('warning: '));
/** Never a raw JavaScript error, whatever the profile. */
const clean = (o: Outcome): void =>
  expect(o.run.stderr).not.toMatch(/TypeError|ReferenceError|at .*\.js:\d+/);

const childPipeline: SimPipeline = {
  jobs: [
    { name: 'build', stage: 'build', ...FAST },
    {
      name: 'downstream',
      stage: 'deploy',
      ...FAST,
      child: { jobs: [{ name: 'child-job', stage: 'test', ...FAST }] }
    }
  ]
};

const cases: [string, (p: GitLabProfile) => Promise<void>][] = [
  [
    'success',
    async (p) => {
      const o = await relay(
        p,
        {
          jobs: [
            { name: 'build', stage: 'build', ...FAST },
            { name: 'test', stage: 'test', ...FAST }
          ]
        },
        []
      );
      clean(o);
      expect(o.run.code).toBe(0);
      expect(o.result.conclusion).toBe('success');
      expect(names(o)).toEqual(['build', 'test']);
      expect(warnings(o)).toEqual([]);
    }
  ],
  [
    'a failed job fails the run',
    async (p) => {
      const o = await relay(
        p,
        {
          jobs: [
            { name: 'build', stage: 'build', ...FAST, result: 'failed' },
            { name: 'test', stage: 'test', ...FAST }
          ]
        },
        []
      );
      clean(o);
      expect(o.run.code).toBe(1);
      expect(o.result.conclusion).toBe('failed');
      expect(o.result.jobs.find((j) => j.name === 'build')?.conclusion).toBe('failed');
    }
  ],
  [
    'a blocking manual job ends the run blocked',
    async (p) => {
      const o = await relay(
        p,
        {
          jobs: [
            { name: 'build', stage: 'build', ...FAST },
            { name: 'approve', stage: 'gate', manual: 'blocking' },
            { name: 'deploy', stage: 'deploy', ...FAST }
          ]
        },
        []
      );
      clean(o);
      expect(o.result.conclusion).toBe('blocked');
      expect(o.run.code).toBe(1);
    }
  ],
  [
    'a child pipeline is followed, or reported from its trigger job with a warning',
    async (p) => {
      const o = await relay(p, childPipeline, []);
      clean(o);
      expect(o.run.code).toBe(0);
      expect(o.result.conclusion).toBe('success');
      if (!p.routes.bridges && !p.routes.triggerJobs) {
        // No trigger job API at all: the pipeline's own status (which waits for the bridge) is all there is.
        expect(names(o)).toEqual(['build']);
      } else if (!p.children.readable) {
        expect(names(o)).toEqual(['build', 'downstream']);
        expect(warnings(o).join('\n')).toMatch(
          /does not let ci-relay read pipeline \d+ of trigger job 'downstream'/
        );
      } else {
        expect(names(o)).toEqual(['build', 'downstream.child-job']);
        expect(warnings(o)).toEqual([]);
      }
      // Without project_id (< 14) the child's project comes from its web_url, never `projects/undefined`.
      expect(o.sim.requests.filter((r) => r.path.includes('undefined'))).toEqual([]);
      // What was learned about the trigger job routes is not paid for twice.
      const probes = o.sim.requests.filter((r) => /\/(trigger_jobs|bridges)$/.test(r.path));
      const misses = probes.filter((r) => r.path.endsWith('/trigger_jobs') && !p.routes.triggerJobs);
      expect(misses.length).toBe(p.routes.triggerJobs ? 0 : 1);
      const bridgeMisses = probes.filter((r) => r.path.endsWith('/bridges') && !p.routes.bridges);
      expect(bridgeMisses.length).toBe(p.routes.bridges || p.routes.triggerJobs ? 0 : 1);
      if (p.routes.triggerJobs) expect(probes.some((r) => r.path.endsWith('/bridges'))).toBe(false);
    }
  ],
  [
    'an optional manual trigger job does not hold back a finished pipeline',
    async (p) => {
      const o = await relay(
        p,
        {
          jobs: [
            { name: 'build', stage: 'build', ...FAST },
            {
              name: 'deploy-later',
              stage: 'deploy',
              manual: 'optional',
              child: { jobs: [{ name: 'x', stage: 'x' }] }
            }
          ]
        },
        ['--timeout', '20s']
      );
      clean(o);
      expect(o.result.conclusion).toBe('success');
      expect(o.run.code).toBe(0);
    }
  ],
  [
    'a timeout cancels the pipeline',
    async (p) => {
      const o = await relay(p, { jobs: [{ name: 'slow', stage: 'build', runningMs: 60_000 }] }, [
        '--timeout',
        '2s'
      ]);
      clean(o);
      expect(o.run.code).toBe(3);
      expect(o.result.conclusion).toBe('timed_out');
      expect(o.sim.pipelines[0].canceled).toBe(true);
    }
  ],
  [
    'variables are applied, warned about, or refused with the remedy',
    async (p) => {
      const o = await relay(
        p,
        {
          jobs: [
            { name: 'build', stage: 'build', ...FAST },
            { name: 'deploy', stage: 'deploy', manual: 'blocking', ...FAST }
          ]
        },
        ['--job', 'deploy', '--variables', 'TARGET=staging']
      );
      clean(o);
      if (p.variables.forbidden) {
        expect(o.run.code).toBe(4);
        expect(o.run.stderr).toMatch(/Insufficient permissions to set pipeline variables/);
        expect(o.run.stderr).toMatch(/Minimum role to use pipeline variables/);
        expect(o.sim.created).toBe(0);
        return;
      }
      expect(o.run.code).toBe(0);
      expect(o.result.conclusion).toBe('success');
      expect(o.sim.pipelines[0].variables).toEqual({ TARGET: 'staging' });
      const played = o.sim.jobs.find((j) => j.name === 'deploy');
      if (p.variables.playHonoured) {
        expect(played?.playedWith).toEqual({ TARGET: 'staging' });
        expect(warnings(o)).toEqual([]);
      } else {
        expect(played?.playedWith).toEqual({});
        expect(warnings(o)).toEqual([
          `warning: GitLab ${p.version} ignores variables for a played manual job (before 14.9): the job runs without them.`
        ]);
      }
    }
  ]
];

const matrix = GITLAB_PROFILES.flatMap((p) => cases.map(([what, fn]) => [p.name, what, p, fn] as const));

test.concurrent.each(matrix)('GitLab %s: %s', async (_name, _what, profile, fn) => {
  await fn(profile);
});

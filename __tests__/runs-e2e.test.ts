/**
 * Several runs in one step (CONTRACT.md, "Several runs"; issue 23), end to end: the built bundle
 * run as the CLI, as a GitHub step and as an Azure task against two GitLab simulators, a GoCD
 * and a Gearset simulator at once, each with credentials of its own.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startGearsetSim, type GearsetSim } from '../sim/gearset.js';
import { startGitHubSim } from '../sim/github.js';
import { startGitLabSim, type GitLabSim, type SimJob } from '../sim/gitlab.js';
import { startGoCDSim, type GoCDSim } from '../sim/gocd.js';
import { listFiles, runCli, runGitHub, startDist, startGitHub, tempDir } from './helpers/run.js';
import { azureCommands, azureOutputs, runAzure, startAzure } from './helpers/trust.js';

const A_TOKEN = 'glpat-alpha-9f2c41d7';
const B_TOKEN = 'glpat-bravo-3e81aa02';
const GOCD_USER = 'deployer';
const GOCD_PASSWORD = 'gocd-pass-77d1c9e4';
const GEARSET_TOKEN = 'gearset-tok-5b0e2f19';
const GH_TOKEN = 'ghs_runs_status_token_1';
const ALL_SECRETS = [A_TOKEN, B_TOKEN, GOCD_PASSWORD, GEARSET_TOKEN];

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function gitlab(token: string, jobs: SimJob[]): Promise<GitLabSim> {
  const sim = await startGitLabSim({ token, pipelines: { main: { jobs } } });
  servers.push(sim);
  return sim;
}

async function gocd(runningMs = 300): Promise<GoCDSim> {
  const sim = await startGoCDSim({
    username: GOCD_USER,
    password: GOCD_PASSWORD,
    scheduleDelayMs: 300,
    pipelines: {
      'db-migrate': {
        stages: [{ name: 'migrate', jobs: [{ name: 'apply', runningMs, log: ['migrating', 'done'] }] }]
      }
    }
  });
  servers.push(sim);
  return sim;
}

async function gearset(final = 'Succeeded', startedMs = 600): Promise<GearsetSim> {
  const sim = await startGearsetSim({
    token: GEARSET_TOKEN,
    jobs: {
      'sf-ci': {
        states: [
          { state: 'Pending', ms: 200 },
          { state: 'Started', ms: startedMs },
          { state: final, ms: 0 }
        ]
      }
    }
  });
  servers.push(sim);
  return sim;
}

const glItem = (name: string, sim: GitLabSim, token: string, extra: Record<string, unknown> = {}) => ({
  name,
  system: 'gitlab',
  url: sim.url,
  token,
  project: 'group/sub/app',
  ref: 'main',
  ...extra
});
const gocdItem = (sim: GoCDSim, extra: Record<string, unknown> = {}) => ({
  name: 'db',
  system: 'gocd',
  url: sim.url,
  username: GOCD_USER,
  password: GOCD_PASSWORD,
  pipeline: 'db-migrate',
  ...extra
});
const gearsetItem = (sim: GearsetSim, extra: Record<string, unknown> = {}) => ({
  name: 'salesforce',
  system: 'gearset',
  url: sim.url,
  token: GEARSET_TOKEN,
  job: 'sf-ci',
  ...extra
});

/** Every request a server received, as text: headers and body. */
const seen = (sim: GitLabSim | GoCDSim | GearsetSim): string =>
  sim.requests.map((r) => JSON.stringify(r.headers) + r.path + r.body.toString('utf8')).join('\n');

/** The credential each server must have seen on every request, and no other secret anywhere. */
function expectSecretsApart(sims: [GitLabSim | GoCDSim | GearsetSim, string][]): void {
  for (const [sim, own] of sims) {
    expect(sim.requests.length).toBeGreaterThan(0);
    const text = seen(sim);
    for (const secret of ALL_SECRETS) if (secret !== own) expect(text).not.toContain(secret);
  }
}

/** Remote lines as the CLI shows them: `  [name/job] text`. */
const remoteLines = (stderr: string): string[] => stderr.split('\n').filter((l) => /^ {2}\[/.test(l));

test('CLI: two GitLabs, GoCD and Gearset side by side: one verdict, runs apart in lines, folders, credentials; secrets masked everywhere', async () => {
  // The first GitLab's job echoes the GoCD password and the Gearset token: masked there too.
  const alpha = await gitlab(A_TOKEN, [
    {
      name: 'build',
      stage: 'build',
      runningMs: 1200,
      log: ['alpha-1', `echo ${GOCD_PASSWORD}`, 'alpha-2', `token ${GEARSET_TOKEN}`, 'alpha-3'],
      artifacts: { 'out/alpha.txt': 'alpha' }
    }
  ]);
  const bravo = await gitlab(B_TOKEN, [
    { name: 'build', stage: 'build', result: 'failed', runningMs: 900, log: ['bravo-1', 'bravo-2'] }
  ]);
  const go = await gocd();
  const gs = await gearset();
  const cwd = tempDir();
  const runs = [
    glItem('app', alpha, A_TOKEN),
    glItem('infra', bravo, B_TOKEN),
    gocdItem(go),
    gearsetItem(gs)
  ];
  const run = await runCli(['--runs', JSON.stringify(runs), '--poll-interval', '1s', '--json'], { cwd });
  const result = JSON.parse(run.stdout) as Record<string, unknown>;
  expect(run.code).toBe(1);
  expect(result).toMatchObject({ conclusion: 'failed', 'run-id': '', 'run-url': '', 'exit-code': 1 });
  const entries = result.runs as Record<string, unknown>[];
  expect(entries.map((e) => [e.name, e.conclusion])).toEqual([
    ['app', 'success'],
    ['infra', 'failed'],
    ['db', 'success'],
    ['salesforce', 'success']
  ]);
  const dir = path.join(cwd, 'ci-relay');
  for (const e of entries) {
    expect(e['download-dir']).toBe(path.join(dir, e.name as string));
    expect(e['run-id']).not.toBe('');
    for (const j of e.jobs as { log: string }[])
      expect(j.log.startsWith(path.join(dir, e.name as string) + path.sep)).toBe(true);
  }
  expect(result['log-file']).toBe(path.join(dir, 'infra', 'build.log'));
  // Each run's files in its own folder: the two GitLabs' same-named job logs do not meet.
  expect(listFiles(dir)).toEqual(
    expect.arrayContaining([
      'app/build.log',
      'app/artifacts/build/out/alpha.txt',
      'infra/build.log',
      'db/migrate.apply.log',
      'salesforce/sf-ci.log'
    ])
  );
  expect(listFiles(dir).every((f) => /^(app|infra|db|salesforce)\//.test(f))).toBe(true);
  expect(fs.readFileSync(path.join(dir, 'infra', 'build.log'), 'utf8')).not.toContain('alpha');
  // Every remote line carries its run and job, and only that run's text.
  const lines = remoteLines(run.stderr);
  expect(lines.length).toBeGreaterThan(8);
  for (const line of lines) {
    const m = /^ {2}\[(app|infra|db|salesforce)\/([^\]]+)\] /.exec(line);
    expect(m).not.toBeNull();
    if (/alpha-/.test(line)) expect(m![1]).toBe('app');
    if (/bravo-/.test(line)) expect(m![1]).toBe('infra');
    if (/migrating/.test(line)) expect(m![1]).toBe('db');
  }
  expect(lines.filter((l) => /alpha-\d/.test(l))).toHaveLength(3);
  // Secrets: each credential went to its own server only, and none is shown or saved anywhere.
  expectSecretsApart([
    [alpha, A_TOKEN],
    [bravo, B_TOKEN],
    [go, GOCD_PASSWORD],
    [gs, GEARSET_TOKEN]
  ]);
  expect(go.requests.every((r) => r.headers.authorization?.startsWith('Basic '))).toBe(true);
  const everything =
    run.stdout +
    run.stderr +
    listFiles(dir)
      .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
      .join('');
  for (const secret of ALL_SECRETS) expect(everything).not.toContain(secret);
  expect(fs.readFileSync(path.join(dir, 'app', 'build.log'), 'utf8')).toContain('echo ***');
  // The CLI's summary: a row per run, then its jobs with their logs.
  expect(run.stderr).toMatch(/4 runs: failed in \d+s/);
  expect(run.stderr).toMatch(/^ {2}infra: GitLab run \d+: failed in \d+s — http/m);
  expect(run.stderr).toContain(`(log: ${path.join(dir, 'infra', 'build.log')})`);
}, 60_000);

test('GitHub: success-on judged run by run, a commit status per run, no log groups, `runs` output, a summary row per run', async () => {
  const alpha = await gitlab(A_TOKEN, [{ name: 'build', stage: 'build', runningMs: 600, log: ['alpha-1'] }]);
  const bravo = await gitlab(B_TOKEN, [{ name: 'lint', stage: 'test', result: 'failed', runningMs: 600 }]);
  const go = await gocd();
  const gh = await startGitHubSim({ token: GH_TOKEN });
  servers.push(gh);
  const runs = [
    glItem('app', alpha, A_TOKEN),
    // A failure this run accepts counts as success for the step's verdict.
    glItem('lint', bravo, B_TOKEN, { 'success-on': 'success,failed' }),
    gocdItem(go)
  ];
  const run = await runGitHub(
    { runs: JSON.stringify(runs), 'poll-interval': '1s', 'github-status': 'true', 'github-token': GH_TOKEN },
    {
      env: {
        GITHUB_API_URL: gh.apiUrl,
        GITHUB_REPOSITORY: 'octo/app',
        GITHUB_SHA: 'b'.repeat(40),
        GITHUB_EVENT_NAME: 'push'
      }
    }
  );
  expect(run.code).toBe(0);
  expect(run.outputs).toMatchObject({ conclusion: 'success', 'run-id': '', 'run-url': '' });
  const entries = JSON.parse(run.outputs.runs) as { name: string; conclusion: string; 'run-id': string }[];
  expect(entries.map((e) => [e.name, e.conclusion])).toEqual([
    ['app', 'success'],
    ['lint', 'failed'],
    ['db', 'success']
  ]);
  // No group while several runs stream: a group would swallow the other runs' lines.
  expect(run.stdout).not.toMatch(/^::group::/m);
  expect(run.stdout).toMatch(/^\[app\/build \(build\)\] alpha-1$/m);
  // One commit status per run, its context suffixed with the run's name.
  const contexts = [...new Set(gh.statuses.map((s) => s.context))].sort();
  expect(contexts).toEqual([
    'ci-relay/gitlab: group/sub/app (app)',
    'ci-relay/gitlab: group/sub/app (lint)',
    'ci-relay/gocd: db-migrate (db)'
  ]);
  expect(
    gh.statuses
      .filter((s) => s.state !== 'pending')
      .map((s) => [s.context, s.state])
      .sort()
  ).toEqual([
    ['ci-relay/gitlab: group/sub/app (app)', 'success'],
    ['ci-relay/gitlab: group/sub/app (lint)', 'success'],
    ['ci-relay/gocd: db-migrate (db)', 'success']
  ]);
  expect(seen(alpha) + seen(go)).not.toContain(GH_TOKEN);
  // The summary: a row per run, then each run's jobs with links and logs.
  expect(run.summary).toContain('### ci-relay: 3 runs');
  for (const e of entries)
    expect(run.summary).toMatch(
      new RegExp(`^\\| ${e.name} \\| .* \\| \\[${e['run-id'].replace('/', '\\/')}\\]\\(http`, 'm')
    );
  expect(run.summary).toContain('❌ failed (accepted)');
  expect(run.summary).toMatch(/^#### lint: GitLab run \[\d+\]\(http/m);
  expect(run.summary).toContain(`\`${path.join(run.cwd, 'ci-relay', 'lint', 'lint.log')}\``);
  // Saved state holds every run, each finished, for the post step.
  const saved = JSON.parse(run.state.runs) as { name: string; run: { id: string }; finished: boolean }[];
  expect(saved.map((s) => [s.name, s.finished])).toEqual([
    ['app', true],
    ['lint', true],
    ['db', true]
  ]);
  expect(run.state.finished).toBe('true');
}, 60_000);

test('Azure: items inherit the step inputs; every run accepted, one by success-on only → SucceededWithIssues; runs output variable; summary', async () => {
  const alpha = await gitlab(A_TOKEN, [{ name: 'build', stage: 'build', runningMs: 500 }]);
  const gs = await gearset('Partial');
  // The step gives GitLab's system, server and token once: the GitLab item inherits them; the
  // Gearset item, on another server, does not get the GitLab token.
  const runs = `- name: app
  project: group/sub/app
  ref: main
- name: salesforce
  system: gearset
  url: ${gs.url}
  token: ${GEARSET_TOKEN}
  job: sf-ci
  successOn: success,partial
`;
  const run = await runAzure({ system: 'gitlab', url: alpha.url, token: A_TOKEN, runs, pollinterval: '1s' });
  const outputs = azureOutputs(run.stdout);
  expect(outputs.conclusion).toBe('success');
  const entries = JSON.parse(outputs.runs) as { name: string; conclusion: string }[];
  expect(entries.map((e) => [e.name, e.conclusion])).toEqual([
    ['app', 'success'],
    ['salesforce', 'partial']
  ]);
  const complete = azureCommands(run.stdout).filter((c) => c.name === 'task.complete');
  expect(complete.map((c) => c.props.result)).toEqual(['SucceededWithIssues']);
  expect(run.code).toBe(0);
  expect(run.stdout).not.toMatch(/^##\[group\]/m);
  expectSecretsApart([
    [alpha, A_TOKEN],
    [gs, GEARSET_TOKEN]
  ]);
  const summary = azureCommands(run.stdout).find((c) => c.name === 'task.uploadsummary');
  const text = fs.readFileSync(summary!.data, 'utf8');
  expect(text).toMatch(/^\| salesforce \| Gearset \| .* \| ⚠️ partial \(accepted\) \|/m);
  expect(text).toMatch(/^\| app \| GitLab \|/m);
}, 60_000);

test('fail-fast: one run fails, the others still going are cancelled on their own servers; the failed one is left alone', async () => {
  const quick = await gitlab(A_TOKEN, [{ name: 'unit', stage: 'test', result: 'failed', runningMs: 300 }]);
  const slow = await gitlab(B_TOKEN, [{ name: 'e2e', stage: 'test', runningMs: 60_000 }]);
  const go = await gocd(60_000);
  const runs = [
    glItem('quick', quick, A_TOKEN),
    glItem('slow', slow, B_TOKEN),
    gocdItem(go, { 'cancel-on-abort': false })
  ];
  const t0 = Date.now();
  const run = await runCli([
    '--runs',
    JSON.stringify(runs),
    '--poll-interval',
    '1s',
    '--fail-fast',
    'true',
    '--json'
  ]);
  const result = JSON.parse(run.stdout) as {
    conclusion: string;
    runs: { name: string; conclusion: string; message?: string }[];
  };
  expect(Date.now() - t0).toBeLessThan(25_000);
  expect(run.code).toBe(1);
  expect(result.conclusion).toBe('failed');
  expect(result.runs.map((r) => [r.name, r.conclusion])).toEqual([
    ['quick', 'failed'],
    ['slow', 'canceled'],
    ['db', 'canceled']
  ]);
  expect(quick.pipelines[0].canceled).toBe(false);
  expect(slow.pipelines[0].canceled).toBe(true);
  // fail-fast cancels whatever cancel-on-abort says.
  expect(go.canceled.length).toBeGreaterThan(0);
  expect(run.stderr).toContain("Run 'quick' ended failed: fail-fast cancels the runs still going.");
  expect(result.runs[1].message).toBe("Cancelled because of fail-fast: run 'quick' ended failed.");
  expect(run.stderr).toMatch(
    /^warning: \[slow\] Cancelled run \d+ because of fail-fast: run 'quick' ended failed\.$/m
  );
  expect(run.stderr).toMatch(/^ {2}slow: GitLab run \d+: canceled/m);
}, 60_000);

test('timeout: every run still going is cancelled on its own server; the step is timed_out (exit 3) within timeout + grace', async () => {
  const fast = await gitlab(A_TOKEN, [{ name: 'build', stage: 'build', runningMs: 300 }]);
  const slow = await gitlab(B_TOKEN, [{ name: 'deploy', stage: 'deploy', runningMs: 60_000 }]);
  const go = await gocd(60_000);
  const runs = [glItem('fast', fast, A_TOKEN), glItem('slow', slow, B_TOKEN), gocdItem(go)];
  const t0 = Date.now();
  const run = await runCli([
    '--runs',
    JSON.stringify(runs),
    '--poll-interval',
    '1s',
    '--timeout',
    '5s',
    '--json'
  ]);
  const elapsed = Date.now() - t0;
  const result = JSON.parse(run.stdout) as {
    conclusion: string;
    runs: { name: string; conclusion: string }[];
  };
  expect(run.code).toBe(3);
  expect(result.conclusion).toBe('timed_out');
  expect(result.runs.map((r) => [r.name, r.conclusion])).toEqual([
    ['fast', 'success'],
    ['slow', 'timed_out'],
    ['db', 'timed_out']
  ]);
  expect(fast.pipelines[0].canceled).toBe(false);
  expect(slow.pipelines[0].canceled).toBe(true);
  expect(go.canceled.length).toBeGreaterThan(0);
  expect(elapsed).toBeLessThan(5_000 + 15_000);
}, 60_000);

test('SIGTERM cancels every run, each on its own server; the GitHub post step cancels the runs a killed main step left going', async () => {
  const a = await gitlab(A_TOKEN, [{ name: 'deploy', stage: 'deploy', runningMs: 60_000 }]);
  const go = await gocd(60_000);
  const gs = await gearset('Succeeded', 60_000);
  const runs = [glItem('app', a, A_TOKEN), gocdItem(go), gearsetItem(gs)];
  const step = startDist(['--runs', JSON.stringify(runs), '--poll-interval', '1s', '--json']);
  await step.waitFor(/\[app\] Triggered GitLab run/);
  await step.waitFor(/\[db\] Triggered GoCD run/);
  await step.waitFor(/\[salesforce\] Triggered Gearset run/);
  step.child.kill('SIGTERM');
  const run = await step.done;
  const result = JSON.parse(run.stdout) as { conclusion: string; runs: { conclusion: string }[] };
  expect(run.code).toBe(1);
  expect(result.conclusion).toBe('canceled');
  expect(result.runs.map((r) => r.conclusion)).toEqual(['canceled', 'canceled', 'canceled']);
  expect(a.pipelines[0].canceled).toBe(true);
  expect(go.canceled.length).toBeGreaterThan(0);
  expect(gs.cancels).toBe(1);

  // The post step: main was killed with two runs going (saved state says so); one had finished.
  const b = await gitlab(B_TOKEN, [{ name: 'deploy', stage: 'deploy', runningMs: 60_000 }]);
  const go2 = await gocd(60_000);
  const items = [glItem('app', b, B_TOKEN), gocdItem(go2), gearsetItem(gs)];
  const first = await runGitHub(
    { runs: JSON.stringify(items), 'poll-interval': '1s', timeout: '2s', 'cancel-on-timeout': 'false' },
    {}
  );
  expect(first.outputs.conclusion).toBe('timed_out');
  const saved = JSON.parse(first.state.runs) as { name: string; finished?: boolean }[];
  // As if the runner had killed main before it saw any of them end.
  const unfinished = saved.map((s) => ({ ...s, finished: s.name === 'salesforce' }));
  const cancelsBefore = gs.cancels;
  const post = await runGitHub(
    { runs: JSON.stringify(items), 'poll-interval': '1s' },
    { state: { isPost: 'true', runs: JSON.stringify(unfinished) } }
  );
  expect(post.code).toBe(0);
  expect(b.pipelines[0].canceled).toBe(true);
  expect(go2.canceled.length).toBeGreaterThan(0);
  expect(gs.cancels).toBe(cancelsBefore);
  expect(post.stdout).toMatch(/Cancelled GitLab run \d+ of 'app'/);
  expect(post.stdout).toMatch(/Cancelled GoCD run db-migrate\/\d+ of 'db'/);
}, 90_000);

describe('a bad item fails the whole step before any request, naming the item and the input', () => {
  const cases: [string, (url: string) => unknown, RegExp][] = [
    [
      'duplicate name',
      (url) => [glItem('app', { url } as GitLabSim, A_TOKEN), glItem('app', { url } as GitLabSim, A_TOKEN)],
      /^Input 'runs' has two items named 'app' \(items 1 and 2\)/
    ],
    [
      'missing project',
      (url) => [
        glItem('app', { url } as GitLabSim, A_TOKEN),
        { name: 'web', system: 'gitlab', url, token: A_TOKEN, ref: 'main' }
      ],
      /^Input 'runs' item 'web' \(item 2\): input 'project' is required for gitlab/
    ],
    [
      'unknown system',
      (url) => [glItem('app', { url } as GitLabSim, A_TOKEN), { name: 'ci', system: 'jenkins', url }],
      /^Input 'runs' item 'ci' \(item 2\): input 'system' must be one of gitlab, gocd, gearset, not 'jenkins'\./
    ],
    [
      'no name',
      (url) => [
        glItem('app', { url } as GitLabSim, A_TOKEN),
        { system: 'gitlab', url, project: 'a/b', ref: 'main' }
      ],
      /^Input 'runs' item 2 has no 'name'/
    ],
    [
      'an unknown input',
      (url) => [glItem('app', { url } as GitLabSim, A_TOKEN, { branch: 'main' })],
      /^Input 'runs' item 'app' has 'branch', which is not an input\./
    ],
    [
      'a bad value',
      (url) => [glItem('app', { url } as GitLabSim, A_TOKEN, { timeout: 'soon' })],
      /^Input 'runs' item 'app' \(item 1\): input 'timeout' must be a duration/
    ],
    [
      'download-dir per item',
      (url) => [glItem('app', { url } as GitLabSim, A_TOKEN, { 'download-dir': 'x' })],
      /^Input 'runs' item 'app' sets 'download-dir', which is set once for the whole step/
    ],
    [
      'names that make one folder',
      (url) => [glItem('a/b', { url } as GitLabSim, A_TOKEN), glItem('a:b', { url } as GitLabSim, A_TOKEN)],
      /^Input 'runs' has items 'a\/b' and 'a:b' whose names make the same folder name 'a_b'/
    ],
    ['not a list', () => ({ name: 'app' }), /^Input 'runs' must be a YAML or JSON list of runs/],
    [
      'YAML that does not parse (its text holds a token)',
      () => `- name: app\n  token: ${A_TOKEN}\n   bad: [`,
      /^Input 'runs' is not a YAML or JSON list of runs/
    ]
  ];
  test.each(cases)('%s', async (_, make, message) => {
    const sim = await gitlab(A_TOKEN, [{ name: 'build', stage: 'build' }]);
    const value = make(sim.url);
    const run = await runCli([
      `--runs=${typeof value === 'string' ? value : JSON.stringify(value)}`,
      '--json'
    ]);
    expect(run.code).toBe(2);
    const result = JSON.parse(run.stdout) as { error: string; conclusion: string };
    expect(result.conclusion).toBe('error');
    expect(result.error).toMatch(message);
    expect(result.error.split(/(?<=\.) (?=[A-Z])/)).toHaveLength(1);
    expect(run.stdout + run.stderr).not.toContain(A_TOKEN);
    expect(sim.requests).toHaveLength(0);
  });
});

/** The step in GitHub or Azure: started as the runner or the agent starts it, outputs read back as they read them. */
function startHost(
  kind: 'github' | 'azure',
  inputs: Record<string, string>
): {
  waitFor: (p: RegExp) => Promise<void>;
  kill: () => void;
  done: Promise<{ code: number | null; outputs: Record<string, string>; text: string }>;
} {
  if (kind === 'github') {
    const step = startGitHub(inputs);
    return {
      waitFor: (p) => step.started.waitFor(p),
      kill: () => step.started.child.kill('SIGTERM'),
      done: step.finished.then((r) => ({ code: r.code, outputs: r.outputs, text: r.stdout + r.stderr }))
    };
  }
  const camel = Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()), v])
  );
  const step = startAzure(camel);
  return {
    waitFor: (p) => step.started.waitFor(p),
    kill: () => step.started.child.kill('SIGTERM'),
    done: step.started.done.then((r) => ({
      code: r.code,
      outputs: azureOutputs(r.stdout),
      text: r.stdout + r.stderr
    }))
  };
}

describe.each(['github', 'azure'] as const)('%s', (kind) => {
  test('fail-fast: the others are cancelled on their own servers; secrets apart', async () => {
    const quick = await gitlab(A_TOKEN, [{ name: 'unit', stage: 'test', result: 'failed', runningMs: 300 }]);
    const go = await gocd(60_000);
    const gs = await gearset('Succeeded', 60_000);
    const runs = [glItem('quick', quick, A_TOKEN), gocdItem(go), gearsetItem(gs)];
    const step = startHost(kind, { runs: JSON.stringify(runs), 'poll-interval': '1s', 'fail-fast': 'true' });
    const run = await step.done;
    expect(run.code).toBe(1);
    expect(run.outputs.conclusion).toBe('failed');
    const entries = JSON.parse(run.outputs.runs) as { name: string; conclusion: string }[];
    expect(entries.map((e) => [e.name, e.conclusion])).toEqual([
      ['quick', 'failed'],
      ['db', 'canceled'],
      ['salesforce', 'canceled']
    ]);
    expect(quick.pipelines[0].canceled).toBe(false);
    expect(go.canceled.length).toBeGreaterThan(0);
    expect(gs.cancels).toBe(1);
    expectSecretsApart([
      [quick, A_TOKEN],
      [go, GOCD_PASSWORD],
      [gs, GEARSET_TOKEN]
    ]);
    for (const secret of ALL_SECRETS)
      expect(
        run.text.split('\n').filter((l) => l.includes(secret) && !/add-mask|setsecret/i.test(l))
      ).toEqual([]);
  }, 60_000);

  test('SIGTERM (the job is cancelled): every run is cancelled on its own server', async () => {
    const a = await gitlab(A_TOKEN, [{ name: 'deploy', stage: 'deploy', runningMs: 60_000 }]);
    const b = await gitlab(B_TOKEN, [{ name: 'deploy', stage: 'deploy', runningMs: 60_000 }]);
    const go = await gocd(60_000);
    const runs = [glItem('a', a, A_TOKEN), glItem('b', b, B_TOKEN), gocdItem(go)];
    const step = startHost(kind, { runs: JSON.stringify(runs), 'poll-interval': '1s' });
    await step.waitFor(/\[a\] Triggered/);
    await step.waitFor(/\[b\] Triggered/);
    await step.waitFor(/\[db\] Triggered/);
    step.kill();
    const run = await step.done;
    expect(run.code).toBe(1);
    expect(run.outputs.conclusion).toBe('canceled');
    expect(a.pipelines[0].canceled).toBe(true);
    expect(b.pipelines[0].canceled).toBe(true);
    expect(go.canceled.length).toBeGreaterThan(0);
  }, 60_000);

  test('a bad item: exit 2, one sentence naming it, no request', async () => {
    const a = await gitlab(A_TOKEN, [{ name: 'build', stage: 'build' }]);
    const runs = [glItem('a', a, A_TOKEN), { name: 'db', system: 'gocd', url: a.url }];
    const run = await startHost(kind, { runs: JSON.stringify(runs) }).done;
    expect(run.code).toBe(2);
    expect(run.outputs.conclusion).toBe('error');
    expect(run.text).toContain(
      "Input 'runs' item 'db' (item 2): input 'pipeline' is required for gocd: the pipeline name."
    );
    expect(a.requests).toHaveLength(0);
  }, 30_000);
});

test('test results per run and summed for the step; annotations name the run', async () => {
  const t = (name: string, status: 'success' | 'failed') => ({ suite: 'unit', name, status, time: 0.5 });
  const alpha = await gitlab(A_TOKEN, [
    {
      name: 'test',
      stage: 'test',
      runningMs: 300,
      result: 'failed',
      tests: [t('adds', 'success'), t('subtracts', 'failed'), t('divides', 'success')]
    }
  ]);
  const bravo = await gitlab(B_TOKEN, [
    { name: 'test', stage: 'test', runningMs: 300, tests: [t('parses', 'success'), t('prints', 'success')] }
  ]);
  const runs = [glItem('app', alpha, A_TOKEN), glItem('lib', bravo, B_TOKEN)];
  const run = await runCli([
    '--runs',
    JSON.stringify(runs),
    '--poll-interval',
    '1s',
    '--test-results',
    'reports/*.xml',
    '--json'
  ]);
  const result = JSON.parse(run.stdout) as {
    tests: { total: number; failed: number };
    'failed-tests': string;
    runs: { name: string; tests: { total: number; failed: number }; 'failed-tests': number }[];
  };
  expect(run.code).toBe(1);
  expect(result.runs.map((r) => [r.name, r.tests.total, r.tests.failed, r['failed-tests']])).toEqual([
    ['app', 3, 1, 1],
    ['lib', 2, 0, 0]
  ]);
  // As for one run, the CLI's result object holds `tests` as the output's JSON text.
  expect(JSON.parse(result.tests as unknown as string)).toMatchObject({ total: 5, failed: 1 });
  expect(result['failed-tests']).toBe('1');
  expect(run.stderr).toMatch(/error: \[app\] Test failed: unit › subtracts/);
}, 60_000);

test('outputs-file per run: each run’s values are in its runs entry, never the step’s outputs', async () => {
  const alpha = await gitlab(A_TOKEN, [
    {
      name: 'deploy',
      stage: 'deploy',
      runningMs: 300,
      artifacts: { 'deploy.env': 'URL=https://app.example.com\n' }
    }
  ]);
  const bravo = await gitlab(B_TOKEN, [
    {
      name: 'deploy',
      stage: 'deploy',
      runningMs: 300,
      artifacts: { 'deploy.env': 'URL=https://lib.example.com\n' }
    }
  ]);
  const runs = [glItem('app', alpha, A_TOKEN), glItem('lib', bravo, B_TOKEN)];
  const run = await runGitHub({
    runs: JSON.stringify(runs),
    'poll-interval': '1s',
    'outputs-file': 'deploy.env'
  });
  expect(run.code).toBe(0);
  const entries = JSON.parse(run.outputs.runs) as Record<string, unknown>[];
  expect(entries.map((e) => [e.name, e['remote-outputs'], e.URL])).toEqual([
    ['app', { URL: 'https://app.example.com' }, 'https://app.example.com'],
    ['lib', { URL: 'https://lib.example.com' }, 'https://lib.example.com']
  ]);
  expect(run.outputs.URL).toBeUndefined();
}, 60_000);

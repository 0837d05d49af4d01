/**
 * Issue 20, finding 2, end to end: GitLab jobs NAMED as commands behind .NET whitespace (U+0085,
 * U+00A0, U+2003, …), and a log that holds the same, run through dist/index.js as a GitHub step,
 * an Azure task and a CLI. Each host's stdout (and the CLI's stderr) is read with the models of
 * helpers/runners.ts, in ordinal and ICU matching: nothing the remote wrote is obeyed. And a GoCD
 * schedule message and an unknown Gearset state of the same kind.
 */
import { startGitLabSim, type GitLabSim } from '../sim/gitlab.js';
import { startGoCDSim } from '../sim/gocd.js';
import { startGearsetSim } from '../sim/gearset.js';
import { mutateJson } from '../sim/server.js';
import { runCli, runGitHub, tempDir } from './helpers/run.js';
import * as fs from 'node:fs';
import { azureOutputs, runAzure } from './helpers/trust.js';
import { azureCommands, githubCommands, type MatchMode } from './helpers/runners.js';

const TOKEN = 'glpat-neutral-5b1d9c02';
const NAMES = [
  '\u0085::add-mask::x',
  '\u00a0::set-output name=conclusion::success',
  '\u2003\u3000::stop-commands::pwned',
  '\u1680::save-state name=isPost::true',
  'n ##vso[task.setvariable variable=conclusion;isOutput=true]success'
];
const LOG = [
  'starting',
  '\u0085::add-mask::starting',
  '\u2028\u00a0::set-output name=status::success',
  '\u0085::stop-commands::pwned',
  '\u0085::warning::from-the-log',
  'x ##vso[task.complete result=Succeeded;]done',
  '\u0085##[error]legacy'
];
const MODES: MatchMode[] = ['ordinal', 'icu'];

let sim: GitLabSim;
beforeAll(async () => {
  sim = await startGitLabSim({
    token: TOKEN,
    pipelines: {
      main: {
        jobs: NAMES.map((name, i) => ({
          name,
          stage: 'build',
          runningMs: 200 + 50 * i,
          result: i === 0 ? ('failed' as const) : undefined,
          log: LOG
        }))
      }
    }
  });
});
afterAll(async () => {
  await sim?.close();
});

const inputs = (): Record<string, string> => ({
  system: 'gitlab',
  url: sim.url,
  token: TOKEN,
  project: 'group/sub/app',
  ref: 'main',
  'poll-interval': '1s'
});

test('GitHub: a job named "\\u0085::add-mask::x" (and its kin) is shown, never obeyed', async () => {
  const run = await runGitHub(inputs());
  expect(run.code).toBe(1);
  expect(run.outputs.conclusion).toBe('failed');
  for (const mode of MODES) {
    const commands = githubCommands(run.stdout, mode);
    expect(commands.filter((c) => c.name === 'add-mask').map((c) => c.data)).toEqual([TOKEN]);
    for (const c of commands.filter((c) => c.name === 'stop-commands'))
      expect(c.data).toMatch(/^[0-9a-f]{32}$/);
    expect(commands.filter((c) => ['save-state', 'set-env', 'add-path'].includes(c.name))).toEqual([]);
    // Every command is ci-relay's own, written by @actions/core at a line's very start; the remote's
    // text rides inside them as data only.
    for (const c of commands) expect(c.line.startsWith('::') || /^[0-9a-f]{32}$/.test(c.name)).toBe(true);
    // The only set-output of conclusion is ci-relay's own (when outputs go to stdout at all).
    for (const c of commands.filter((c) => c.name === 'set-output' && /name=conclusion/.test(c.line)))
      expect(c.data).toBe('failed');
  }
  // The names are there to read, and the jobs output gives them back exactly.
  expect(run.stdout.replace(/\u200b/g, '')).toContain('::add-mask::x');
  const jobs = JSON.parse(run.outputs.jobs) as { name: string }[];
  expect(jobs.map((j) => j.name).sort()).toEqual([...NAMES].sort());
});

test('Azure: the same names and log set no variable and complete nothing', async () => {
  const run = await runAzure({
    system: 'gitlab',
    url: sim.url,
    token: TOKEN,
    project: 'group/sub/app',
    ref: 'main',
    pollInterval: '1s'
  });
  expect(run.code).not.toBe(0);
  for (const mode of MODES) {
    const commands = azureCommands(run.stdout, mode);
    expect(commands.filter((c) => c.name === 'task.complete').map((c) => c.data)).not.toContain('done');
    for (const c of commands) expect(c.line).toMatch(/^##(vso)?\[/);
    const conclusion = commands.filter(
      (c) => c.name === 'task.setvariable' && /^##vso\[task\.setvariable variable=conclusion;/.test(c.line)
    );
    expect(conclusion.map((c) => c.data)).toEqual(['failed']);
  }
  const outputs = azureOutputs(run.stdout);
  const jobs = JSON.parse(outputs.jobs) as { name: string; log: string }[];
  expect(jobs.map((j) => j.name).sort()).toEqual([...NAMES].sort());
  // A path made from a name still names the file.
  for (const j of jobs) expect(fs.existsSync(j.log)).toBe(true);
  expect(run.stdout.replace(/\u200b/g, '')).toContain('##vso[task.complete result=Succeeded;]done');
});

test('CLI: nothing on stderr or stdout is a command for a runner that reads it', async () => {
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
      '--json'
    ],
    {
      cwd: tempDir(),
      env: { CI_RELAY_TOKEN: TOKEN }
    }
  );
  expect(run.code).toBe(1);
  for (const text of [run.stderr, run.stdout])
    for (const mode of MODES) {
      expect(githubCommands(text, mode, false)).toEqual([]);
      expect(azureCommands(text, mode)).toEqual([]);
    }
  const result = JSON.parse(run.stdout) as { jobs: { name: string; log: string }[] };
  expect(result.jobs.map((j) => j.name).sort()).toEqual([...NAMES].sort());
  for (const j of result.jobs) expect(fs.existsSync(j.log)).toBe(true);
});

test('GitHub and CLI, GoCD: a schedule message that starts with U+0085 before ::add-mask:: is shown, never obeyed', async () => {
  const gocd = await startGoCDSim({ token: TOKEN, scheduleDelayMs: 300, stageDelayMs: 100 });
  gocd.faults.push((req) =>
    req.method === 'POST' && req.path.endsWith('/schedule')
      ? {
          kind: 'mutate',
          mutate: mutateJson(() => ({ message: '\u0085::add-mask::x\n\u2003::stop-commands::pwned' }))
        }
      : undefined
  );
  try {
    const github = await runGitHub({
      system: 'gocd',
      url: gocd.url,
      token: TOKEN,
      pipeline: 'demo',
      'poll-interval': '1s'
    });
    expect(github.code).toBe(0);
    for (const mode of MODES) {
      const commands = githubCommands(github.stdout, mode);
      expect(commands.filter((c) => c.name === 'add-mask').map((c) => c.data)).toEqual([TOKEN]);
      for (const c of commands.filter((c) => c.name === 'stop-commands'))
        expect(c.data).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(github.stdout.replace(/\u200b/g, '')).toContain('::add-mask::x');
    const cli = await runCli(['gocd', '--url', gocd.url, '--pipeline', 'demo', '--poll-interval', '1s'], {
      cwd: tempDir(),
      env: { CI_RELAY_TOKEN: TOKEN }
    });
    expect(cli.code).toBe(0);
    for (const mode of MODES) expect(githubCommands(cli.stderr, mode, false)).toEqual([]);
    expect(cli.stderr.replace(/\u200b/g, '')).toContain('::add-mask::x');
  } finally {
    await gocd.close();
  }
});

test('GitHub, Gearset: an unknown State "\\u0085::add-mask::x" ends the run as text: status output, messages, no mask', async () => {
  const gearset = await startGearsetSim({
    token: TOKEN,
    jobs: {
      'ci-job': {
        states: [
          { state: 'Pending', ms: 200 },
          { state: 'Succeeded', ms: 0 }
        ]
      }
    }
  });
  const STATE = '\u0085::add-mask::x';
  gearset.faults.push((req) =>
    req.method === 'GET' && /\/run-requests\/[^/]+$/.test(req.path)
      ? {
          kind: 'mutate',
          mutate: mutateJson((d) => {
            const o = d as Record<string, unknown>;
            return o && o.State === 'Succeeded' ? { ...o, State: STATE } : d;
          })
        }
      : undefined
  );
  try {
    const run = await runGitHub({
      system: 'gearset',
      url: gearset.url,
      token: TOKEN,
      job: 'ci-job',
      'poll-interval': '1s'
    });
    expect(run.code).not.toBe(0);
    for (const mode of MODES) {
      const commands = githubCommands(run.stdout, mode);
      expect(commands.filter((c) => c.name === 'add-mask').map((c) => c.data)).toEqual([TOKEN]);
      for (const c of commands) expect(c.line.startsWith('::') || /^[0-9a-f]{32}$/.test(c.name)).toBe(true);
    }
    // The status output holds the state as it reads, and echoed by a later step obeys nothing.
    expect(run.outputs.status.replace(/\u200b/g, '')).toBe(STATE);
    expect(githubCommands(run.outputs.status, 'ordinal', false)).toEqual([]);
  } finally {
    await gearset.close();
  }
});

/**
 * Hostile remote logs (CONTRACT.md, "Promises": remote log text can never issue host commands).
 * A FAILING GitLab pipeline whose job log is full of host commands — GitHub's `::set-output`,
 * `::add-mask::`, `::error::`, `::stop-commands::`, the older `##[…]`, Azure's
 * `##vso[task.complete …]` and `##vso[task.setvariable …]` — plus terminal escapes (screen
 * clear, cursor moves, a window title), a 1 MiB line and bytes that are not UTF-8, and a job
 * whose very NAME is a command. Run through dist/index.js as a GitHub step, an Azure task and a
 * CLI, each host's stdout is read the way its runner/agent reads it: nothing the remote wrote
 * may be obeyed, the outputs and exit status are those of the real (failed) run, the text is
 * still shown (neutralised), and the saved log keeps the original bytes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startGitLabSim, type GitLabSim } from '../sim/gitlab.js';
import { MAX_SHOWN_LINE } from '../src/logs/neutralise.js';
import { runCli, runGitHub, tempDir } from './helpers/run.js';
import {
  azureCommands,
  azureOutputs,
  githubCommands,
  occurrences,
  runAzure,
  sha256
} from './helpers/trust.js';

const TOKEN = 'glpat-hostile-7c3e5a91';
const BAD_UTF8_MARK = '@@NOT-UTF8@@';
const BAD_UTF8 = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82]);
const HUGE = `huge:${'A'.repeat(1024 * 1024)}`;
const EVIL_NAME = '::error::boom-name ##vso[task.complete result=Succeeded;]x';
const HOSTILE = [
  'starting',
  '::set-output name=conclusion::success',
  '::add-mask::starting',
  '::error::boom-from-log',
  '  ::warning::indented-boom',
  '::stop-commands::abc',
  '::abc::',
  '::set-output name=status::success',
  '##[set-output name=conclusion;]success',
  '##[error]boom-legacy',
  '##vso[task.complete result=Succeeded;]all good',
  'prefix ##vso[task.setvariable variable=conclusion;isOutput=true]success',
  '##vso[task.setvariable variable=status;isOutput=true]success',
  '\x1b[2J\x1b[H\x1b]0;pwned-title\x07\x1b[5A\x1b[31mred text\x1b[0m',
  HUGE,
  `bad bytes: ${BAD_UTF8_MARK}`,
  'ERROR: Job failed: exit code 1'
];

let sim: GitLabSim;

beforeAll(async () => {
  sim = await startGitLabSim({
    token: TOKEN,
    pipelines: {
      main: {
        jobs: [
          { name: 'build', stage: 'build', runningMs: 800, result: 'failed', log: HOSTILE },
          { name: EVIL_NAME, stage: 'build', runningMs: 300, log: ['::set-output name=conclusion::success'] }
        ]
      }
    }
  });
  // Bytes that are not UTF-8, which the simulator's string logs cannot hold: every trace the
  // server sends carries them instead of the marker (the same bytes every time).
  sim.faults.push({
    kind: 'mutate',
    times: Infinity,
    match: (r) => /\/trace$/.test(r.path),
    mutate: (body) => {
      const at = body.indexOf(BAD_UTF8_MARK);
      return at < 0
        ? body
        : Buffer.concat([body.subarray(0, at), BAD_UTF8, body.subarray(at + BAD_UTF8_MARK.length)]);
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

/** The bytes GitLab serves as the job's trace, now that it has ended. */
async function trace(jobId: string): Promise<Buffer> {
  const res = await fetch(`${sim.url}/api/v4/projects/42/jobs/${jobId}/trace`, {
    headers: { 'private-token': TOKEN }
  });
  return Buffer.from(await res.arrayBuffer());
}

/** What every host shows: the text (made harmless), never a terminal control sequence but colours. */
function expectShownSafely(text: string): void {
  expect(text).toContain('boom-from-log');
  expect(text).toContain('indented-boom');
  expect(text).toContain('task.complete result=Succeeded;]all good');
  expect(text).toContain('red text');
  expect(text).toContain('\x1b[31m');
  expect(text).not.toContain('\x1b[2J');
  expect(text).not.toContain('\x1b[H');
  expect(text).not.toContain('\x1b[5A');
  expect(text).not.toContain('\x1b]0;');
  expect(text).not.toContain('pwned-title');
  // The 1 MiB line is cut where it is shown, and says where the rest is.
  expect(text).not.toContain('A'.repeat(MAX_SHOWN_LINE + 1));
  expect(text).toContain(`${1024 * 1024 + 5 - MAX_SHOWN_LINE} more characters in the saved log`);
  // Bytes that are not UTF-8 show as replacement characters.
  expect(text).toContain('bad bytes: \ufffd');
}

async function expectSavedLogIntact(jobs: { name: string; id: string; log?: string }[]): Promise<void> {
  const build = jobs.find((j) => j.name === 'build');
  expect(build?.log).toBeDefined();
  const saved = fs.readFileSync(build!.log!);
  const served = await trace(build!.id);
  expect(served.includes(BAD_UTF8)).toBe(true);
  expect(saved.includes(BAD_UTF8)).toBe(true);
  expect(saved.includes(Buffer.from(HUGE))).toBe(true);
  expect(saved.includes(Buffer.from('\x1b]0;pwned-title\x07'))).toBe(true);
  expect(sha256(saved)).toBe(sha256(served));
}

test('GitHub: nothing in the log is obeyed (read as the runner reads stdout); outputs and exit say failed', async () => {
  const run = await runGitHub(inputs());
  expect(run.code).toBe(1);
  expect(run.outputs.conclusion).toBe('failed');
  expect(run.outputs.status).toBe('failed');

  const commands = githubCommands(run.stdout);
  const names = new Set(commands.map((c) => c.name));
  for (const forbidden of ['set-output', 'save-state', 'set-env', 'add-path', 'echo'])
    expect(names).not.toContain(forbidden);
  // The only mask is the token's; every stop-commands is ci-relay's own unguessable token.
  expect(commands.filter((c) => c.name === 'add-mask').map((c) => c.data)).toEqual([TOKEN]);
  for (const c of commands.filter((c) => c.name === 'stop-commands'))
    expect(c.data).toMatch(/^[0-9a-f]{32}$/);
  // No annotation carries the remote's words; the one error is ci-relay's own verdict.
  const annotations = commands.filter((c) => ['error', 'warning', 'notice'].includes(c.name));
  expect(annotations.filter((c) => /boom/.test(c.data))).toEqual([]);
  // The failed job's annotation (reporting.ts), then the step's failure.
  expect(annotations.filter((c) => c.name === 'error').map((c) => c.data)).toEqual([
    expect.stringMatching(/^build: failed/),
    expect.stringMatching(/ended failed/)
  ]);

  expectShownSafely(run.stdout);
  // Shown as it reads (a zero-width space between the colons), obeyed as nothing.
  expect(run.stdout.replace(/\u200b/g, '')).toContain('::set-output name=conclusion::success');
  expect(run.stdout.replace(/\u200b/g, '')).toContain('::stop-commands::abc');
  const jobs = JSON.parse(run.outputs.jobs) as {
    name: string;
    id: string;
    log?: string;
    conclusion: string;
  }[];
  expect(jobs.find((j) => j.name === 'build')?.conclusion).toBe('failed');
  await expectSavedLogIntact(jobs);
});

test('Azure: no ##vso[ or ##[ of the remote reaches the agent; the task fails with conclusion failed', async () => {
  const run = await runAzure({
    system: 'gitlab',
    url: sim.url,
    token: TOKEN,
    project: 'group/sub/app',
    ref: 'main',
    pollInterval: '1s'
  });
  expect(run.code).not.toBe(0);
  const commands = azureCommands(run.stdout);
  const complete = commands.filter((c) => c.name === 'task.complete');
  expect(complete.map((c) => c.props.result)).toEqual(['Failed']);
  const outputs = azureOutputs(run.stdout);
  expect(outputs.conclusion).toBe('failed');
  expect(outputs.status).toBe('failed');
  // Every output variable was set once, by ci-relay, with isOutput=true.
  const sets = commands.filter((c) => c.name === 'task.setvariable');
  expect(sets.filter((c) => c.data === 'success')).toEqual([]);
  for (const c of sets) expect(c.props.isOutput).toBe('true');
  expect(commands.filter((c) => c.name === 'task.setsecret').map((c) => c.data)).toEqual([TOKEN]);
  // Azure formats `##[error]` at a line's start as an error: the remote's are neutralised.
  expect(
    run.stdout.split('\n').filter((l) => /^##\[(error|warning|section|command)\]/.test(l) && /boom/.test(l))
  ).toEqual([]);
  expect(run.stdout).toContain('[error]boom-legacy');
  expectShownSafely(run.stdout);
  const jobs = JSON.parse(outputs.jobs) as { name: string; id: string; log?: string }[];
  await expectSavedLogIntact(jobs);
});

test('CLI: the log is shown on stderr without terminal controls; the result says failed, exit 1', async () => {
  const cwd = tempDir();
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
      cwd,
      env: { CI_RELAY_TOKEN: TOKEN }
    }
  );
  expect(run.code).toBe(1);
  const result = JSON.parse(run.stdout) as {
    conclusion: string;
    status: string;
    jobs: { name: string; id: string; log?: string }[];
  };
  expect(result.conclusion).toBe('failed');
  expect(result.status).toBe('failed');
  expectShownSafely(run.stderr);
  expect(run.stderr).toContain('set-output name=conclusion::success');
  // `npx ci-relay` may itself run in a GitHub or Azure step, whose runner reads its output too.
  for (const text of [run.stderr, run.stdout]) {
    expect(githubCommands(text)).toEqual([]);
    expect(azureCommands(text)).toEqual([]);
  }
  // The log is on stderr only: stdout holds the JSON result (job names and all).
  expect(occurrences(run.stdout, 'boom-from-log')).toBe(0);
  await expectSavedLogIntact(result.jobs);
  expect(path.dirname(result.jobs[0].log!)).toBe(path.join(cwd, 'ci-relay'));
});

/**
 * Issue 20, finding 7: every form a secret takes on the wire is masked wherever secrets are:
 * GoCD's basic auth as it travels (base64 of `user:password`, the `Basic …` header value), and a
 * secret URL-encoded (as a path or query part, as a form field with `+` for a space, with
 * lower-case escapes). A GoCD (sim/gocd.ts) whose job log and error answer echo them: masked in
 * the CLI's, GitHub's and Azure's output, in the saved log and in the error message.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startGoCDSim, type GoCDSim } from '../sim/gocd.js';
import { listFiles, runCli, runGitHub, tempDir } from './helpers/run.js';
import { occurrences, runAzure } from './helpers/trust.js';

const USER = 'ci-bot';
const PASSWORD = 'p@ss w/rd:+!~(x)';
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
const URL_FORM = encodeURIComponent(PASSWORD);
const FORM_FIELD = new URLSearchParams([['', PASSWORD]]).toString().slice(1);
const LOWER = URL_FORM.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
/** What a server could echo: none of it may show. */
const LEAKS = [PASSWORD, BASIC, URL_FORM, FORM_FIELD, LOWER];
/** The echoes in the job's log and in the error answer. */
const ECHO = [
  `Authorization: Basic ${BASIC}`,
  `GET /go/files?password=${URL_FORM}`,
  `POST body: user=${USER}&password=${FORM_FIELD}`,
  `proxy log: password=${LOWER}`
];

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function gocd(): Promise<GoCDSim> {
  const s = await startGoCDSim({
    username: USER,
    password: PASSWORD,
    scheduleDelayMs: 100,
    pipelines: {
      demo: {
        stages: [
          { name: 'build', jobs: [{ name: 'compile', runningMs: 300, log: ['start', ...ECHO, 'end'] }] }
        ]
      }
    }
  });
  closers.push(() => s.close());
  return s;
}

/** Text as a host shows it, without the lines that register secrets with the runner. */
const shown = (text: string): string =>
  text
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::') && !l.includes('##vso[task.setsecret]'))
    .join('\n');

function expectNoLeak(where: string, text: string): void {
  for (const leak of LEAKS)
    expect({ where, leak, count: occurrences(text, leak) }).toEqual({ where, leak, count: 0 });
}

function savedLog(cwd: string): string {
  const logs = listFiles(path.join(cwd, 'ci-relay')).filter((f) => f.endsWith('.log'));
  expect(logs).toHaveLength(1);
  return fs.readFileSync(path.join(cwd, 'ci-relay', logs[0]), 'utf8');
}

const INPUTS = {
  system: 'gocd',
  pipeline: 'demo',
  username: USER,
  password: PASSWORD,
  'poll-interval': '1s',
  log: 'stream'
};

test('a job log echoing the basic-auth header and the URL-encoded password: masked in the CLI, GitHub and Azure output and in each saved log', async () => {
  const s = await gocd();
  const url = `${s.url}/go`;

  const cliCwd = tempDir();
  const cli = await runCli(
    ['gocd', '--url', url, '--pipeline', 'demo', '--poll-interval', '1s', '--log', 'stream'],
    {
      cwd: cliCwd,
      env: { CI_RELAY_USERNAME: USER, CI_RELAY_PASSWORD: PASSWORD }
    }
  );
  expect(cli.code).toBe(0);
  expect(cli.stderr).toContain('Authorization: Basic ***');
  expect(cli.stderr).toContain('GET /go/files?password=***');
  expectNoLeak('CLI', cli.stdout + cli.stderr);
  const cliLog = savedLog(cliCwd);
  expect(cliLog).toContain('Authorization: Basic ***\n');
  expect(cliLog).toContain('POST body: user=ci-bot&password=***\n');
  expect(cliLog).toContain('proxy log: password=***\n');
  expectNoLeak('CLI saved log', cliLog);

  const gh = await runGitHub({ ...INPUTS, url });
  expect(gh.code).toBe(0);
  expect(gh.stdout).toContain('Authorization: Basic ***');
  expectNoLeak('GitHub', shown(gh.stdout) + gh.stderr + JSON.stringify(gh.outputs) + gh.summary);
  expectNoLeak('GitHub saved log', savedLog(gh.cwd));
  // The runner learns the derived forms too, so its own masking covers them.
  expect(gh.stdout).toContain(`::add-mask::${BASIC}`);

  const az = await runAzure({ ...INPUTS, url });
  expect(az.code).toBe(0);
  expect(az.stdout).toContain('Authorization: Basic ***');
  expectNoLeak('Azure', shown(az.stdout) + az.stderr);
  expectNoLeak('Azure saved log', savedLog(az.cwd));
  expect(az.stdout).toContain(`##vso[task.setsecret]${BASIC}`);
});

test('an error answer echoing them: the message is masked in the CLI and GitHub', async () => {
  const s = await gocd();
  const echo = (): void => {
    s.faults.push({
      kind: 'status',
      status: 401,
      body: JSON.stringify({ message: `Bad credentials: ${ECHO.join('; ')}` }),
      headers: { 'content-type': 'application/json' }
    });
  };
  echo();
  const cli = await runCli(['gocd', '--url', `${s.url}/go`, '--pipeline', 'demo', '--json'], {
    cwd: tempDir(),
    env: { CI_RELAY_USERNAME: USER, CI_RELAY_PASSWORD: PASSWORD }
  });
  expect(cli.code).toBe(4);
  expect(cli.stderr).toContain('Bad credentials: Authorization: Basic ***; GET /go/files?password=***');
  expectNoLeak('CLI error', cli.stdout + cli.stderr);

  echo();
  const gh = await runGitHub({ ...INPUTS, url: `${s.url}/go` });
  expect(gh.code).not.toBe(0);
  expect(gh.stdout).toMatch(/::error::.*Bad credentials: Authorization: Basic \*\*\*/);
  expectNoLeak('GitHub error', shown(gh.stdout) + gh.stderr + JSON.stringify(gh.outputs));
});

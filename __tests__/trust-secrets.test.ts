/**
 * Secrets (CONTRACT.md, "Promises"): token, password, trigger-token and secret-variables values
 * never appear in stdout, stderr, outputs, the job summary, saved state, error messages or
 * debug logs, in any host — though the remote ECHOES them in its job logs and error bodies —
 * except where the host must learn them to mask them: GitHub's `::add-mask::<secret>` and
 * Azure's `##vso[task.setsecret]<secret>`, exactly once per value. And credentials go to url's
 * origin only: GitLab's artifact redirect to object storage carries none.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startGitLabSim, type GitLabSim } from '../sim/gitlab.js';
import { startGoCDSim } from '../sim/gocd.js';
import { runCli, runGitHub, tempDir, type DistRun } from './helpers/run.js';
import { azureCommands, githubCommands, occurrences, runAzure } from './helpers/trust.js';

const TOKEN = 'glpat-secret-3f9a1c77d2';
const TRIGGER = 'glptt-secret-8b2e4d19a0';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

/** The forms a secret could leak in: as is, JSON-escaped, URL-encoded. */
function forms(secret: string): string[] {
  return [...new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)])];
}

function expectAbsent(where: string, text: string, secrets: string[]): void {
  for (const s of secrets)
    for (const f of forms(s))
      expect({ where, secret: f, count: occurrences(text, f) }).toEqual({ where, secret: f, count: 0 });
}

/** Each secret reaches the GitHub runner exactly once: in its own add-mask command, and nowhere else. */
function expectMaskedOnce(stdout: string, secrets: string[]): void {
  const masks = githubCommands(stdout).filter((c) => c.name === 'add-mask');
  for (const s of secrets) {
    expect({ secret: s, masks: masks.filter((c) => c.data === s).length }).toEqual({ secret: s, masks: 1 });
    const rest = stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    expectAbsent('stdout beside ::add-mask::', rest, [s]);
  }
}

async function gitlab(log: string[]): Promise<GitLabSim> {
  const s = await startGitLabSim({
    token: TOKEN,
    triggerToken: TRIGGER,
    pipelines: {
      main: {
        jobs: [
          {
            name: 'build',
            stage: 'build',
            runningMs: 600,
            log,
            artifacts: { 'out/app.txt': 'the app' }
          },
          {
            name: 'test',
            stage: 'test',
            runningMs: 400,
            result: 'failed',
            log: [`token=${TOKEN}`, 'failing']
          }
        ]
      }
    }
  });
  closers.push(() => s.close());
  return s;
}

test('GitHub, GitLab with a token and a trigger token, step debug on: masked once each, echoed logs masked, nothing else carries them, storage got no credential', async () => {
  const s = await gitlab([
    `echo $TOKEN → ${TOKEN}`,
    `curl -F token=${TRIGGER} …`,
    `both: ${TOKEN}/${TRIGGER}`
  ]);
  const run = await runGitHub(
    {
      system: 'gitlab',
      url: s.url,
      token: TOKEN,
      'trigger-token': TRIGGER,
      project: 'group/sub/app',
      ref: 'main',
      'poll-interval': '1s'
    },
    { env: { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' } }
  );
  expect(run.code).toBe(1);
  expect(run.outputs.conclusion).toBe('failed');
  expect(s.pipelines[0].source).toBe('trigger');
  // Debug lines were written (so they were checked too), and the echoed lines were shown, masked.
  expect(run.stdout).toMatch(/^::debug::GET \/api\/v4\/projects\//m);
  expect(run.stdout).toContain('echo $TOKEN → ***');
  expect(run.stdout).toContain('both: ***/***');
  expectMaskedOnce(run.stdout, [TOKEN, TRIGGER]);
  expectAbsent('stderr', run.stderr, [TOKEN, TRIGGER]);
  expectAbsent('outputs', JSON.stringify(run.outputs), [TOKEN, TRIGGER]);
  expectAbsent('summary', run.summary, [TOKEN, TRIGGER]);
  expectAbsent('state', JSON.stringify(run.state), [TOKEN, TRIGGER]);
  // The saved logs (the log-file output, and what a workflow may upload) are masked too.
  for (const job of ['build', 'test']) {
    const saved = fs.readFileSync(path.join(run.cwd, `ci-relay/${job}.log`), 'utf8');
    expectAbsent(`saved ${job}.log`, saved, [TOKEN, TRIGGER]);
    expect(saved).toContain(job === 'build' ? 'both: ***/***' : 'token=***');
  }
  // Credentials only to url's origin: the artifact came from storage, which saw none.
  expect(fs.readFileSync(path.join(run.cwd, 'ci-relay/artifacts/build/out/app.txt'), 'utf8')).toBe('the app');
  expect(s.storage.requests.length).toBeGreaterThan(0);
  expect(s.leakedToStorage).toBe(0);
  for (const r of s.storage.requests) {
    expect([r.headers['private-token'], r.headers.authorization, r.headers['job-token']]).toEqual([
      undefined,
      undefined,
      undefined
    ]);
  }
  // The API got the token on every request; the trigger token went only in the trigger's form.
  expect(s.requests.filter((r) => r.headers['private-token'] !== TOKEN)).toEqual([]);
  expect(
    s.requests.filter((r) => r.body.toString().includes(TRIGGER)).map((r) => `${r.method} ${r.path}`)
  ).toEqual(['POST /api/v4/projects/group%2Fsub%2Fapp/trigger/pipeline']);
});

test('GitHub and CLI, GoCD with basic auth and secret variables its console echoes: masked once each on GitHub, absent from everything on the CLI with --debug', async () => {
  const PASSWORD = 'pa"ss\\wörd:%40-6b1';
  const SECRETS = { DEPLOY_KEY: 'deploy-key-value-77a1e0', DB_PASSWORD: 'db-pass-value-c4d2f9' };
  const s = await startGoCDSim({
    username: 'ci-bot',
    password: PASSWORD,
    scheduleDelayMs: 300,
    pipelines: {
      demo: {
        stages: [
          {
            name: 'deploy',
            jobs: [
              {
                name: 'ship',
                runningMs: 600,
                log: [
                  `DEPLOY_KEY=${SECRETS.DEPLOY_KEY}`,
                  `connecting with ${SECRETS.DB_PASSWORD}`,
                  `login ci-bot:${PASSWORD}`
                ],
                artifacts: { 'report.txt': 'shipped' }
              }
            ]
          }
        ]
      }
    }
  });
  closers.push(() => s.close());
  const all = [PASSWORD, ...Object.values(SECRETS)];
  const secretVariables = JSON.stringify(SECRETS);

  const gh = await runGitHub(
    {
      system: 'gocd',
      url: s.url,
      username: 'ci-bot',
      password: PASSWORD,
      pipeline: 'demo',
      'secret-variables': secretVariables,
      'poll-interval': '1s'
    },
    { env: { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' } }
  );
  expect(gh.code).toBe(0);
  expect(gh.outputs.conclusion).toBe('success');
  expect(gh.stdout).toContain('DEPLOY_KEY=***');
  expect(gh.stdout).toContain('login ci-bot:***');
  expectMaskedOnce(gh.stdout, all);
  expectAbsent('stderr', gh.stderr, all);
  expectAbsent('outputs', JSON.stringify(gh.outputs), all);
  expectAbsent('summary', gh.summary, all);
  expectAbsent('state', JSON.stringify(gh.state), all);

  const cwd = tempDir();
  const out = path.join(cwd, 'result.json');
  const cli = await runCli(
    [
      'gocd',
      '--url',
      s.url,
      '--pipeline',
      'demo',
      '--username',
      'ci-bot',
      '--poll-interval',
      '1s',
      '--json',
      '--debug',
      '--output-file',
      out
    ],
    { cwd, env: { CI_RELAY_PASSWORD: PASSWORD, CI_RELAY_SECRET_VARIABLES: secretVariables } }
  );
  expect(cli.code).toBe(0);
  expect(cli.stderr).toMatch(/^debug: /m);
  expect(cli.stderr).toContain('connecting with ***');
  expectAbsent('CLI stdout', cli.stdout, all);
  expectAbsent('CLI stderr', cli.stderr, all);
  expectAbsent('CLI output file', fs.readFileSync(out, 'utf8'), all);
  // The values did reach GoCD, as secure variables.
  expect(s.schedules.map((x) => x.body.environment_variables)).toEqual([
    [
      { name: 'DEPLOY_KEY', value: SECRETS.DEPLOY_KEY, secure: true },
      { name: 'DB_PASSWORD', value: SECRETS.DB_PASSWORD, secure: true }
    ],
    [
      { name: 'DEPLOY_KEY', value: SECRETS.DEPLOY_KEY, secure: true },
      { name: 'DB_PASSWORD', value: SECRETS.DB_PASSWORD, secure: true }
    ]
  ]);
});

test('error messages: a server error that echoes the token is shown masked, in the CLI, GitHub and Azure', async () => {
  const s = await gitlab(['never runs']);
  const echo = (): void => {
    s.faults.push({
      kind: 'status',
      status: 400,
      match: (r) => r.method === 'POST',
      body: JSON.stringify({ message: `token ${TOKEN} is not allowed to create pipelines on main` }),
      headers: { 'content-type': 'application/json' }
    });
  };

  echo();
  const cwd = tempDir();
  const cli = await runCli(
    ['gitlab', '--url', s.url, '--project', '42', '--ref', 'main', '--json', '--debug'],
    {
      cwd,
      env: { CI_RELAY_TOKEN: TOKEN }
    }
  );
  expect(cli.code).toBe(4);
  const result = JSON.parse(cli.stdout) as { error: string };
  expect(result.error).toContain('token *** is not allowed to create pipelines');
  expect(cli.stderr).toContain('token *** is not allowed');
  expectAbsent('CLI', cli.stdout + cli.stderr, [TOKEN]);

  echo();
  const gh = await runGitHub(
    { system: 'gitlab', url: s.url, token: TOKEN, project: '42', ref: 'main' },
    { env: { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' } }
  );
  expect(gh.code).not.toBe(0);
  expect(gh.outputs.conclusion).toBe('error');
  const errors = githubCommands(gh.stdout).filter((c) => c.name === 'error');
  expect(errors.map((c) => c.data).join('\n')).toContain('token *** is not allowed');
  expectMaskedOnce(gh.stdout, [TOKEN]);
  expectAbsent('GitHub stderr/outputs', gh.stderr + JSON.stringify(gh.outputs) + gh.summary, [TOKEN]);

  echo();
  const az = await runAzure(
    { system: 'gitlab', url: s.url, token: TOKEN, project: '42', ref: 'main' },
    { env: { SYSTEM_DEBUG: 'true' } }
  );
  expect(az.code).not.toBe(0);
  const commands = azureCommands(az.stdout);
  expect(commands.filter((c) => c.name === 'task.complete').map((c) => c.props.result)).toEqual(['Failed']);
  expect(
    commands
      .filter((c) => c.name === 'task.complete' || c.name === 'task.logissue' || c.name === 'task.issue')
      .map((c) => c.data)
      .join('\n')
  ).toContain('token *** is not allowed');
  expect(commands.filter((c) => c.name === 'task.setsecret').map((c) => c.data)).toEqual([TOKEN]);
  expectAbsent(
    'Azure stdout beside setsecret',
    az.stdout
      .split('\n')
      .filter((l) => !l.startsWith('##vso[task.setsecret]'))
      .join('\n'),
    [TOKEN]
  );
  expectAbsent('Azure stderr', az.stderr, [TOKEN]);
  // Three tries, three refusals: nothing was created.
  expect(s.created).toBe(0);
});

test('Azure, GitLab with system.debug on: the token the job log echoes is masked; the agent learns it once', async () => {
  const s = await gitlab([`echo ${TOKEN}`]);
  const run: DistRun = await runAzure(
    {
      system: 'gitlab',
      url: s.url,
      token: TOKEN,
      project: 'group/sub/app',
      ref: 'main',
      pollInterval: '1s',
      successOn: 'failed'
    },
    { env: { SYSTEM_DEBUG: 'true' } }
  );
  expect(run.code).toBe(0);
  const commands = azureCommands(run.stdout);
  expect(commands.filter((c) => c.name === 'task.debug').length).toBeGreaterThan(0);
  expect(commands.filter((c) => c.name === 'task.setsecret').map((c) => c.data)).toEqual([TOKEN]);
  expect(run.stdout).toContain('echo ***');
  expect(run.stdout).toContain('token=***');
  expectAbsent(
    'Azure stdout beside setsecret',
    run.stdout
      .split('\n')
      .filter((l) => !l.startsWith('##vso[task.setsecret]'))
      .join('\n'),
    [TOKEN]
  );
  expectAbsent('Azure stderr', run.stderr, [TOKEN]);
  expect(s.leakedToStorage).toBe(0);
});

test('CLI: a token the job log splits with control characters the display removes (erase-line, NUL) is still masked', async () => {
  const s = await gitlab([
    `x ${TOKEN.slice(0, 9)}\x1b[K${TOKEN.slice(9)} y`,
    `z ${TOKEN.slice(0, 5)}\x00${TOKEN.slice(5)}`
  ]);
  const run = await runCli(
    [
      'gitlab',
      '--url',
      s.url,
      '--project',
      '42',
      '--ref',
      'main',
      '--poll-interval',
      '1s',
      '--json',
      '--debug'
    ],
    {
      cwd: tempDir(),
      env: { CI_RELAY_TOKEN: TOKEN }
    }
  );
  expect(run.code).toBe(1);
  expect(run.stderr).toContain('  x *** y');
  expect(run.stderr).toContain('  z ***');
  expectAbsent('CLI', run.stdout + run.stderr, [TOKEN]);
});

test('CLI: a password with JSON-special characters, echoed in a server error while following, is in no form in --json or --output-file', async () => {
  const PASSWORD = 'pa"ss\\word-9z\n';
  const s = await startGoCDSim({
    username: 'bot',
    password: PASSWORD.trim(),
    scheduleDelayMs: 300,
    pipelines: { demo: { stages: [{ name: 'b', jobs: [{ name: 'j', runningMs: 3000 }] }] } }
  });
  closers.push(() => s.close());
  s.faults.push({
    kind: 'status',
    status: 403,
    match: (r) => /\/go\/api\/pipelines\/demo\/\d+$/.test(r.path),
    body: JSON.stringify({ message: `user bot with password ${PASSWORD.trim()} may not view this` }),
    headers: { 'content-type': 'application/json' }
  });
  const cwd = tempDir();
  const out = path.join(cwd, 'result.json');
  const run = await runCli(
    [
      'gocd',
      '--url',
      s.url,
      '--pipeline',
      'demo',
      '--username',
      'bot',
      '--json',
      '--debug',
      '--output-file',
      out
    ],
    {
      cwd,
      env: { CI_RELAY_PASSWORD: PASSWORD }
    }
  );
  expect(run.code).toBe(4);
  const result = JSON.parse(run.stdout) as { conclusion: string; message: string };
  expect(result.conclusion).toBe('error');
  expect(result.message).toContain('password *** may not view this');
  expectAbsent('CLI', run.stdout + run.stderr + fs.readFileSync(out, 'utf8'), [PASSWORD.trim()]);
});

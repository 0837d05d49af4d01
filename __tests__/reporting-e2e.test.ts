/**
 * Reporting end to end: the built bundle (dist/index.js) in each host against the GitLab
 * simulator, with the GitHub API simulator (sim/github.ts) taking commit statuses. What each
 * host would show is read back as the host reads it (helpers/trust.ts): GitHub's `::` commands,
 * Azure's `##vso[…]` commands, the CLI's JSON and files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { minimatch } from 'minimatch';
import { startGitHubSim, type GitHubSim } from '../sim/github.js';
import { startGitLabSim, type GitLabSim, type SimJob } from '../sim/gitlab.js';
import { startServer, sendJson, type SimServer } from '../sim/server.js';
import { runCli, runGitHub, tempDir } from './helpers/run.js';
import { azureCommands, azureOutputs, githubCommands, runAzure } from './helpers/trust.js';

const TOKEN = 'glpat-sim-token';
const GH_TOKEN = 'ghs_sim_token_for_statuses';
const SHA = 'a'.repeat(40);
const servers: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function gitlab(jobs: SimJob[]): Promise<GitLabSim> {
  const sim = await startGitLabSim({ token: TOKEN, pipelines: { main: { jobs } } });
  servers.push(sim);
  return sim;
}

async function github(opts: { prefix?: string } = {}): Promise<GitHubSim> {
  const sim = await startGitHubSim({ token: GH_TOKEN, ...opts });
  servers.push(sim);
  return sim;
}

function junit(
  cases: { name: string; fail?: string; error?: string; skip?: boolean; file?: string; line?: number }[],
  suite = 'unit'
): string {
  const body = cases
    .map((c) => {
      const where = `${c.file ? ` file="${c.file}"` : ''}${c.line ? ` line="${c.line}"` : ''}`;
      const inner = c.fail
        ? `<failure message="${c.fail.split('\n')[0]}" type="AssertionError"><![CDATA[${c.fail}]]></failure>`
        : c.error
          ? `<error message="${c.error}"/>`
          : c.skip
            ? '<skipped/>'
            : '';
      return `    <testcase classname="${suite}" name="${c.name}" time="0.5"${where}>${inner}</testcase>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  <testsuite name="${suite}" tests="${cases.length}">\n${body}\n  </testsuite>\n</testsuites>\n`;
}

function githubEnv(gh: GitHubSim, extra: Record<string, string> = {}): Record<string, string> {
  return {
    GITHUB_API_URL: gh.apiUrl,
    GITHUB_REPOSITORY: 'octo/app',
    GITHUB_SHA: SHA,
    GITHUB_EVENT_NAME: 'push',
    ...extra
  };
}

function githubInputs(gl: GitLabSim, extra: Record<string, string> = {}): Record<string, string> {
  return {
    system: 'gitlab',
    url: gl.url,
    token: TOKEN,
    project: 'group/sub/app',
    ref: 'main',
    'poll-interval': '1s',
    'github-status': 'true',
    'github-token': GH_TOKEN,
    ...extra
  };
}

const states = (gh: GitHubSim): string[] => gh.statuses.map((s) => s.state);

describe('commit status on GitHub', () => {
  test.concurrent(
    'a run that succeeds posts pending, then success, on GITHUB_SHA; the token goes to GITHUB_API_URL only',
    async () => {
      const gl = await gitlab([{ name: 'build', stage: 'build' }]);
      const gh = await github();
      const run = await runGitHub(githubInputs(gl), { env: githubEnv(gh) });
      expect(run.code).toBe(0);
      expect(states(gh)).toEqual(['pending', 'success']);
      const url = gl.pipelines[0].webUrl;
      for (const s of gh.statuses) {
        expect(s).toMatchObject({
          owner: 'octo',
          repo: 'app',
          sha: SHA,
          context: 'ci-relay/gitlab: group/sub/app',
          target_url: url
        });
      }
      expect(gh.statuses[0].description).toBe(`GitLab run ${gl.pipelines[0].id} is running`);
      expect(gh.statuses[1].description).toMatch(/^success in \d+(\.\d)?s$/);
      expect(run.stdout).toContain("Commit status 'ci-relay/gitlab: group/sub/app': success");
      // The GitHub token went with every status post and nowhere else.
      expect(gh.requests.every((r) => r.headers.authorization === `token ${GH_TOKEN}`)).toBe(true);
      expect(JSON.stringify(gl.requests.map((r) => r.headers))).not.toContain(GH_TOKEN);
      // …and it is shown nowhere: the runner is only told to mask it.
      const lines = (run.stdout + run.stderr).split('\n').filter((l) => l.includes(GH_TOKEN));
      expect(lines).toEqual([`::add-mask::${GH_TOKEN}`]);
    }
  );

  test.concurrent(
    'a failed run ends as failure, with an annotation for the failed job linking to it',
    async () => {
      const gl = await gitlab([
        { name: 'build', stage: 'build' },
        {
          name: 'test',
          stage: 'test',
          result: 'failed',
          log: ['running tests', 'ERROR: Job failed: exit code 3']
        }
      ]);
      const gh = await github();
      const run = await runGitHub(githubInputs(gl, { 'status-context': 'deploy/gitlab' }), {
        env: githubEnv(gh)
      });
      expect(run.code).toBe(1);
      expect(states(gh)).toEqual(['pending', 'failure']);
      expect(gh.statuses.map((s) => s.context)).toEqual(['deploy/gitlab', 'deploy/gitlab']);
      expect(gh.statuses[1].description).toMatch(/^failed in /);
      const job = gl.jobs.find((j) => j.name === 'test')!;
      const errors = githubCommands(run.stdout).filter((c) => c.name === 'error');
      const annotation = errors.find((c) => c.props.title === 'GitLab job test failed');
      expect(annotation?.data).toContain('ERROR: Job failed: exit code 3');
      expect(annotation?.data).toContain(job.webUrl);
    }
  );

  test.concurrent(
    'a job allowed to fail, in a pipeline that succeeded, is a warning in every host, never an error',
    async () => {
      const jobs: SimJob[] = [
        { name: 'build', stage: 'build' },
        { name: 'lint', stage: 'build', result: 'failed', allowFailure: true, log: ['1 error'] }
      ];
      const title = 'GitLab job lint failed (allowed to fail)';
      const gh = await github();
      const onGitHub = await runGitHub(githubInputs(await gitlab(jobs)), { env: githubEnv(gh) });
      expect(onGitHub.code).toBe(0);
      expect(onGitHub.outputs.conclusion).toBe('success');
      const commands = githubCommands(onGitHub.stdout);
      expect(commands.filter((c) => c.name === 'error')).toEqual([]);
      expect(commands.find((c) => c.name === 'warning' && c.props.title === title)?.data).toContain(
        '1 error'
      );

      const gl = await gitlab(jobs);
      const onAzure = await runAzure({
        system: 'gitlab',
        url: gl.url,
        token: TOKEN,
        project: 'group/sub/app',
        ref: 'main',
        pollInterval: '1s'
      });
      expect(onAzure.code).toBe(0);
      const issues = azureCommands(onAzure.stdout).filter((c) => c.name === 'task.logissue');
      expect(issues.filter((c) => c.props.type === 'error')).toEqual([]);
      expect(issues.some((c) => c.props.type === 'warning' && c.data.startsWith(title))).toBe(true);

      const cli = await gitlab(jobs);
      const onCli = await runCli(
        ['gitlab', '--url', cli.url, '--project', 'group/sub/app', '--ref', 'main', '--poll-interval', '1s'],
        { env: { CI_RELAY_TOKEN: TOKEN }, cwd: tempDir() }
      );
      expect(onCli.code).toBe(0);
      expect(onCli.stderr).not.toMatch(/^error:/m);
      expect(onCli.stderr).toMatch(new RegExp(`^warning: ${title.replace(/[()]/g, '\\$&')}`, 'm'));
    }
  );

  test.concurrent('a run that times out ends as error', async () => {
    const gl = await gitlab([{ name: 'slow', stage: 'build', runningMs: 60_000 }]);
    const gh = await github();
    const run = await runGitHub(githubInputs(gl, { timeout: '2s' }), { env: githubEnv(gh) });
    expect(run.code).toBe(3);
    expect(run.outputs.conclusion).toBe('timed_out');
    expect(states(gh)).toEqual(['pending', 'error']);
    expect(gh.statuses[1].description).toMatch(/^timed_out in /);
  });

  test.concurrent(
    'a 403 (no statuses: write) is a warning naming the permission; the run still succeeds',
    async () => {
      const gl = await gitlab([{ name: 'build', stage: 'build' }]);
      const gh = await github();
      gh.refuse(403);
      const run = await runGitHub(githubInputs(gl), { env: githubEnv(gh) });
      expect(run.code).toBe(0);
      expect(run.outputs.conclusion).toBe('success');
      expect(gh.statuses).toEqual([]);
      const warnings = githubCommands(run.stdout).filter((c) => c.name === 'warning');
      expect(warnings.map((w) => w.data)).toContainEqual(
        expect.stringMatching(
          /Could not post the commit status 'ci-relay\/gitlab: group\/sub\/app' \(pending\): .*permissions: statuses: write.*Resource not accessible by integration/
        )
      );
      expect(warnings.filter((w) => w.data.includes('(success)'))).toHaveLength(1);
    }
  );

  test.concurrent.each([
    [404, /GitHub answered 404 for commit aaaaaaaaaaaa of octo\/app/],
    [429, /GitHub's rate limit is spent for 60s/],
    ['rate-limit', /GitHub's rate limit is spent until /]
  ] as const)('a %s is a warning, not a failure', async (how, pattern) => {
    const gl = await gitlab([{ name: 'build', stage: 'build' }]);
    const gh = await github();
    gh.refuse(how, 1);
    const run = await runGitHub(githubInputs(gl), { env: githubEnv(gh) });
    expect(run.code).toBe(0);
    expect(states(gh)).toEqual(['success']);
    const warnings = githubCommands(run.stdout).filter((c) => c.name === 'warning');
    expect(warnings.map((w) => w.data)).toContainEqual(expect.stringMatching(pattern));
  });

  test.concurrent(
    'on pull_request the status goes on the head commit; GitHub Enterprise Server at /api/v3',
    async () => {
      const gl = await gitlab([{ name: 'build', stage: 'build' }]);
      const gh = await github({ prefix: '/api/v3' });
      const head = 'b'.repeat(40);
      const event = path.join(tempDir(), 'event.json');
      fs.writeFileSync(event, JSON.stringify({ pull_request: { number: 7, head: { sha: head } } }));
      const run = await runGitHub(githubInputs(gl), {
        env: githubEnv(gh, { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event })
      });
      expect(run.code).toBe(0);
      expect(gh.statuses.map((s) => s.sha)).toEqual([head, head]);
      expect(gh.requests.every((r) => r.path.startsWith('/api/v3/repos/octo/app/statuses/'))).toBe(true);
    }
  );

  test.concurrent(
    'a redirect from the status endpoint is not followed: the token never reaches another origin',
    async () => {
      const gl = await gitlab([{ name: 'build', stage: 'build' }]);
      const gh = await github();
      const elsewhere: SimServer = await startServer((_req, res) => sendJson(res, 201, {}));
      servers.push(elsewhere);
      gh.redirectTo(`${elsewhere.url}/repos/octo/app/statuses/${SHA}`);
      const run = await runGitHub(githubInputs(gl), { env: githubEnv(gh) });
      expect(run.code).toBe(0);
      expect(elsewhere.requests).toEqual([]);
      expect(states(gh)).toEqual(['success']);
      expect(githubCommands(run.stdout).map((c) => c.data)).toContainEqual(
        expect.stringMatching(
          /\(pending\): GitHub answered 307 \(a redirect\), which ci-relay does not follow/
        )
      );
    }
  );

  test.concurrent(
    'without github-status no status is posted; github-status without a token is bad input',
    async () => {
      const gl = await gitlab([{ name: 'build', stage: 'build' }]);
      const gh = await github();
      const off = await runGitHub(githubInputs(gl, { 'github-status': 'false' }), { env: githubEnv(gh) });
      expect(off.code).toBe(0);
      const sent = gl.requests.length;
      const bad = await runGitHub(githubInputs(gl, { 'github-token': '' }), { env: githubEnv(gh) });
      expect(bad.code).toBe(2);
      expect(githubCommands(bad.stdout).find((c) => c.name === 'error')?.data).toBe(
        "Input 'github-token' is required when 'github-status' is true: a token with the statuses: write permission."
      );
      expect(gh.requests).toEqual([]);
      expect(gl.requests.length).toBe(sent);
    }
  );
});

/** 12 failed, 1 errored, 1 skipped, 2 passed; a name that tries to issue commands. */
const MANY = junit([
  { name: 'passes', file: 'src/a.test.ts', line: 3 },
  {
    name: '::add-mask::passes ##vso[task.complete result=Failed]',
    fail: `bad\n::set-output name=conclusion::success\nsent ${TOKEN} to the server`,
    file: 'src/a.test.ts',
    line: 9
  },
  ...Array.from({ length: 11 }, (_, i) => ({
    name: `case ${i}`,
    fail: `expected ${i} to be ${i + 1}\n  at src/b.test.ts:${20 + i}:5\n  more\n  more\n  more\n  more\n  more`,
    file: 'src/b.test.ts',
    line: 20 + i
  })),
  { name: 'explodes', error: 'TypeError: x is undefined' },
  { name: 'later', skip: true },
  { name: 'also passes' }
]);

const TEST_JOBS: SimJob[] = [
  {
    name: 'test',
    stage: 'test',
    result: 'failed',
    artifacts: {
      'reports/junit.xml': MANY,
      'reports/broken.xml': '<testsuites><testsuite name="x"><testcase name="y"></testsuite>',
      'reports/other.xml': junit([{ name: 'fine' }], 'other'),
      'coverage/index.html': '<html></html>'
    }
  }
];

describe('test results from artifact JUnit files', () => {
  test.concurrent(
    'GitHub: summary table, outputs, annotations capped at 10, a malformed file warned about',
    async () => {
      const gl = await gitlab(TEST_JOBS);
      const cwd = tempDir();
      const run = await runGitHub(
        {
          system: 'gitlab',
          url: gl.url,
          token: TOKEN,
          project: 'group/sub/app',
          ref: 'main',
          'poll-interval': '1s',
          'test-results': 'reports/*.xml'
        },
        { cwd }
      );
      expect(run.code).toBe(1);
      expect(JSON.parse(run.outputs.tests)).toEqual({
        total: 17,
        passed: 3,
        failed: 12,
        skipped: 1,
        errors: 1,
        time: 8.5
      });
      expect(run.outputs['failed-tests']).toBe('13');
      const commands = githubCommands(run.stdout).filter((c) => !(c.name === 'add-mask' && c.data === TOKEN));
      // The hostile test name issued nothing.
      expect(
        commands
          .map((c) => c.name)
          .filter((n) => !['error', 'warning', 'group', 'endgroup', 'stop-commands', 'debug'].includes(n))
      ).toEqual([]);
      const testErrors = commands.filter((c) => c.name === 'error' && c.props.title?.startsWith('Test '));
      expect(testErrors).toHaveLength(10);
      expect(testErrors[0].props).toEqual({
        title: 'Test failed: unit › ::add-mask::passes ##vso[task.complete result=Failed]',
        file: 'src/a.test.ts',
        line: '9'
      });
      // Remote text is masked like everything else.
      expect(testErrors[0].data).toBe('bad\n::set-output name=conclusion::success\nsent *** to the server');
      expect(run.stdout.split('\n').filter((l) => l.includes(TOKEN))).toEqual([`::add-mask::${TOKEN}`]);
      expect(run.summary).not.toContain(TOKEN);
      expect(testErrors[1].props).toMatchObject({ file: 'src/b.test.ts', line: '20' });
      expect(testErrors[1].data).toContain('… (1 more lines)');
      const warnings = commands.filter((c) => c.name === 'warning').map((c) => c.data);
      expect(warnings).toContainEqual(expect.stringMatching(/^3 more failed test\(s\) are not annotated/));
      expect(warnings).toContainEqual(
        expect.stringMatching(
          /^Test results: 'test\/reports\/broken.xml' is not a readable JUnit report \(.+\); it was skipped\.$/
        )
      );
      // The summary: totals, then the failed tests with file:line and the message's first lines.
      expect(run.summary).toContain('| 17 | 3 | 12 | 1 | 1 | 8.5s |');
      expect(run.summary).toContain(
        '| unit | ❌ case 0 | src/b.test.ts:20 | expected 0 to be 1<br>at src/b.test.ts:20:5<br>more |'
      );
      expect(run.summary).toContain('| unit | 💥 explodes |  | TypeError: x is undefined |');
      // The JUnit files read (not the broken one) are saved for other tools.
      const saved = path.join(cwd, 'ci-relay', 'test-results', 'test', 'reports');
      expect(fs.readdirSync(saved).sort()).toEqual(['junit.xml', 'other.xml']);
      expect(run.stdout).toContain(
        `Test results: 2 JUnit file(s) saved in ${path.join(cwd, 'ci-relay', 'test-results')}`
      );
    }
  );

  test.concurrent(
    'Azure: results.publish with the saved files, issues for failed tests and jobs, output variables',
    async () => {
      const gl = await gitlab(TEST_JOBS);
      const run = await runAzure({
        system: 'gitlab',
        url: gl.url,
        token: TOKEN,
        project: 'group/sub/app',
        ref: 'main',
        pollInterval: '1s',
        testResults: 'reports/*.xml'
      });
      expect(run.code).toBe(1);
      const commands = azureCommands(run.stdout);
      const publish = commands.filter((c) => c.name === 'results.publish');
      expect(publish).toHaveLength(1);
      const dir = path.join(run.cwd, 'ci-relay', 'test-results', 'test', 'reports');
      expect(publish[0].props).toMatchObject({
        type: 'JUnit',
        resultFiles: [path.join(dir, 'junit.xml'), path.join(dir, 'other.xml')].join(','),
        mergeResults: 'false',
        runTitle: 'ci-relay'
      });
      const issues = commands.filter((c) => c.name === 'task.logissue' && c.props.type === 'error');
      expect(
        issues.find((c) => c.props.sourcepath === 'src/b.test.ts' && c.props.linenumber === '20')?.data
      ).toContain('Test failed: unit › case 0: expected 0 to be 1');
      expect(issues.some((c) => c.data.startsWith('GitLab job test failed: test: failed'))).toBe(true);
      // The hostile name's `##vso[` reached the agent only as text.
      expect(commands.filter((c) => c.name === 'task.complete')).toHaveLength(1);
      const outputs = azureOutputs(run.stdout);
      expect(JSON.parse(outputs.tests)).toMatchObject({ total: 17, failed: 12, errors: 1 });
      expect(outputs.failedTests).toBe('13');
    }
  );

  test.concurrent(
    'CLI (Jenkins): the JUnit files under <download-dir>/test-results with the path printed, tests in the JSON',
    async () => {
      const gl = await gitlab(TEST_JOBS);
      const cwd = tempDir();
      const run = await runCli(
        [
          'gitlab',
          '--url',
          gl.url,
          '--project',
          'group/sub/app',
          '--ref',
          'main',
          '--poll-interval',
          '1s',
          '--test-results',
          'reports/junit.xml',
          '--json'
        ],
        { env: { CI_RELAY_TOKEN: TOKEN }, cwd }
      );
      expect(run.code).toBe(1);
      const out = JSON.parse(run.stdout) as Record<string, unknown>;
      expect(JSON.parse(out.tests as string)).toEqual({
        total: 16,
        passed: 2,
        failed: 12,
        skipped: 1,
        errors: 1,
        time: 8
      });
      expect(out['failed-tests']).toBe('13');
      const file = path.join(cwd, 'ci-relay', 'test-results', 'test', 'reports', 'junit.xml');
      expect(fs.readFileSync(file, 'utf8')).toBe(MANY);
      // examples/Jenkinsfile publishes them with the junit step: its glob finds this file.
      const jenkins = fs.readFileSync('examples/Jenkinsfile', 'utf8');
      const junitGlob = /^\s*junit .*testResults: '([^']+)'/m.exec(jenkins)?.[1];
      expect(junitGlob).toBeDefined();
      expect(minimatch(path.relative(cwd, file), junitGlob as string)).toBe(true);
      expect(run.stderr).toContain(
        `Test results: 1 JUnit file(s) saved in ${path.join(cwd, 'ci-relay', 'test-results')}`
      );
      expect(run.stderr).toContain('Tests: 2 passed, 12 failed, 1 skipped, 1 errors in 8s (16 tests)');
      expect(run.stderr).toMatch(
        /error: Test failed: unit › case 0 \(src\/b.test.ts:20\): expected 0 to be 1/
      );
    }
  );

  test.concurrent('a big JUnit file (8 MB, 40 000 cases) is read whole', async () => {
    const cases = Array.from({ length: 40_000 }, (_, i) => ({
      name: `case ${i} ${'x'.repeat(120)}`,
      fail: i % 1000 === 0 ? `boom ${i}` : undefined
    }));
    const gl = await gitlab([{ name: 'test', stage: 'test', artifacts: { 'big.xml': junit(cases) } }]);
    const run = await runCli(
      [
        'gitlab',
        '--url',
        gl.url,
        '--project',
        'group/sub/app',
        '--ref',
        'main',
        '--poll-interval',
        '1s',
        '--test-results',
        '*.xml',
        '--json'
      ],
      { env: { CI_RELAY_TOKEN: TOKEN } }
    );
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as Record<string, string>;
    expect(JSON.parse(out.tests)).toEqual({
      total: 40_000,
      passed: 39_960,
      failed: 40,
      skipped: 0,
      errors: 0,
      time: 20_000
    });
  });

  test.concurrent('test-results empty: nothing is read, no test outputs', async () => {
    const gl = await gitlab(TEST_JOBS);
    const run = await runCli(
      [
        'gitlab',
        '--url',
        gl.url,
        '--project',
        'group/sub/app',
        '--ref',
        'main',
        '--poll-interval',
        '1s',
        '--json'
      ],
      {
        env: { CI_RELAY_TOKEN: TOKEN }
      }
    );
    const out = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(out.tests).toBeUndefined();
    expect(run.stderr).not.toContain('Test results');
  });
});

/**
 * Issue 20, finding 4: a GitLab whose listings never end (it always names a next page, past the
 * end with empty pages: sim/gitlab option endlessPages) is read for at most MAX_PAGES pages of a
 * list; the step then fails with one sentence naming the endless list, exit 4, long before its
 * timeout. dist/index.js as the CLI and as a GitHub step.
 */
import { startGitLabSim, type GitLabSim } from '../sim/gitlab.js';
import { MAX_PAGES } from '../src/remotes/gitlab/api.js';
import { runCli, runGitHub, tempDir } from './helpers/run.js';

const TOKEN = 'glpat-endless-3a9c';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function endless(): Promise<GitLabSim> {
  const sim = await startGitLabSim({
    token: TOKEN,
    endlessPages: true,
    pipelines: { main: { jobs: [{ name: 'build', stage: 'build', runningMs: 300 }] } }
  });
  closers.push(() => sim.close());
  return sim;
}

const jobPages = (sim: GitLabSim): number =>
  sim.requests.filter((r) => r.method === 'GET' && /\/pipelines\/\d+\/jobs$/.test(r.path)).length;

test('CLI: the jobs list never ends → at most MAX_PAGES pages read, a message naming the list, exit 4, well within the timeout', async () => {
  const sim = await endless();
  const started = Date.now();
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
      '--timeout',
      '2m'
    ],
    { cwd: tempDir(), env: { CI_RELAY_TOKEN: TOKEN } }
  );
  expect(Date.now() - started).toBeLessThan(30_000);
  expect(run.code).toBe(4);
  expect(MAX_PAGES).toBe(100);
  expect(jobPages(sim)).toBe(MAX_PAGES);
  expect(run.stderr).toMatch(
    /GitLab's list \(GET pipeline \d+ jobs\) did not end: after 100 pages and 1 items it still named a next page \(X-Next-Page\); ci-relay reads at most 100 pages of 100 \(10000 items\)/
  );
  expect(run.stderr).not.toMatch(/\n\s+at /);
});

test('GitHub step: the same failure, as an error annotation', async () => {
  const sim = await endless();
  const run = await runGitHub({
    system: 'gitlab',
    url: sim.url,
    token: TOKEN,
    project: 'group/sub/app',
    ref: 'main',
    'poll-interval': '1s'
  });
  expect(run.code).not.toBe(0);
  expect(jobPages(sim)).toBe(MAX_PAGES);
  expect(run.stdout).toMatch(/::error::.*did not end: after 100 pages/);
});

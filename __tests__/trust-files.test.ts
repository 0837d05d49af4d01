/**
 * Issue 20, finding 3: what ci-relay writes in download-dir (job logs, test-result
 * copies, the result file) never follows a symlink planted there, to an existing file or a
 * dangling one: the outside file is untouched, or not created; the file is written in the
 * link's place. The logs and the result file through dist/index.js against the GitLab
 * simulator; the test-result copies through readTestResults with real files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startGitLabSim } from '../sim/gitlab.js';
import { readTestResults } from '../src/reporting/test-results.js';
import { runCli, tempDir } from './helpers/run.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

const JUNIT =
  '<testsuite name="unit" tests="2" failures="0"><testcase name="a"/><testcase name="b"/></testsuite>\n';

/** An outside folder holding one file whose content must not change. */
function outside(): { dir: string; victim: string; absent: string } {
  const dir = tempDir('ci-relay-outside-');
  const victim = path.join(dir, 'victim.txt');
  fs.writeFileSync(victim, 'original');
  return { dir, victim, absent: path.join(dir, 'created-through-a-link.txt') };
}

function expectUntouched(o: ReturnType<typeof outside>): void {
  expect(fs.readFileSync(o.victim, 'utf8')).toBe('original');
  expect(fs.existsSync(o.absent)).toBe(false);
  expect(fs.readdirSync(o.dir)).toEqual(['victim.txt']);
}

test.each([
  ['an existing outside file', 'victim'],
  ['a dangling link (the outside file does not exist)', 'absent']
] as const)(
  'GitLab (CLI): a symlink planted at <download-dir>/<job>.log and at the output file, to %s → the log and the result written in their place, the outside untouched',
  async (_what, to) => {
    const TOKEN = 'glpat-planted-1f7e';
    const sim = await startGitLabSim({
      token: TOKEN,
      pipelines: {
        main: { jobs: [{ name: 'build', stage: 'build', runningMs: 300, log: ['compiling', 'done'] }] }
      }
    });
    closers.push(() => sim.close());
    const o = outside();
    const cwd = tempDir();
    fs.mkdirSync(path.join(cwd, 'ci-relay'));
    fs.symlinkSync(o[to], path.join(cwd, 'ci-relay', 'build.log'));
    fs.symlinkSync(o[to], path.join(cwd, 'result.json'));
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
        '--output-file',
        'result.json'
      ],
      { cwd, env: { CI_RELAY_TOKEN: TOKEN } }
    );
    expect(run.code).toBe(0);
    expectUntouched(o);
    const log = path.join(cwd, 'ci-relay', 'build.log');
    expect(fs.lstatSync(log).isSymbolicLink()).toBe(false);
    expect(fs.readFileSync(log, 'utf8')).toContain('compiling\ndone\n');
    const result = path.join(cwd, 'result.json');
    expect(fs.lstatSync(result).isSymbolicLink()).toBe(false);
    expect(JSON.parse(fs.readFileSync(result, 'utf8')).conclusion).toBe('success');
  }
);

describe('test-result copies', () => {
  function setUp(): { download: string; jobDir: string; warnings: string[] } {
    const download = tempDir('ci-relay-download-');
    const jobDir = path.join(download, 'artifacts', 'build');
    fs.mkdirSync(path.join(jobDir, 'reports'), { recursive: true });
    fs.writeFileSync(path.join(jobDir, 'reports', 'junit.xml'), JUNIT);
    return { download, jobDir, warnings: [] };
  }

  test.each([
    ['an existing outside file', 'victim'],
    ['a dangling link', 'absent']
  ] as const)(
    'a symlink planted at the copy (test-results/<job>/…) to %s → copied in its place, the outside untouched',
    async (_what, to) => {
      const { download, jobDir, warnings } = setUp();
      const o = outside();
      const copy = path.join(download, 'test-results', 'build', 'reports', 'junit.xml');
      fs.mkdirSync(path.dirname(copy), { recursive: true });
      fs.symlinkSync(o[to], copy);
      const res = await readTestResults({
        downloadDir: download,
        globs: ['**/*.xml'],
        jobDirs: [{ name: 'build', dir: jobDir }],
        warn: (m) => warnings.push(m)
      });
      expect(res.summary?.total).toBe(2);
      expect(res.files).toEqual([copy]);
      expect(fs.lstatSync(copy).isSymbolicLink()).toBe(false);
      expect(fs.readFileSync(copy, 'utf8')).toBe(JUNIT);
      expect(warnings).toEqual([]);
      expectUntouched(o);
    }
  );

  test('a folder planted as a symlink leading outside (test-results, or a folder in it) → not copied through it, a warning; the results still counted', async () => {
    for (const planted of ['test-results', 'test-results/build']) {
      const { download, jobDir, warnings } = setUp();
      const o = outside();
      fs.mkdirSync(path.dirname(path.join(download, planted)), { recursive: true });
      fs.symlinkSync(o.dir, path.join(download, planted));
      const res = await readTestResults({
        downloadDir: download,
        globs: ['**/*.xml'],
        jobDirs: [{ name: 'build', dir: jobDir }],
        warn: (m) => warnings.push(m)
      });
      expect(res.summary?.total).toBe(2);
      expect(res.files).toEqual([]);
      expect(warnings).toEqual([
        "Test results: 'build/reports/junit.xml' was not copied: its folder leads outside the download folder."
      ]);
      expectUntouched(o);
    }
  });
});

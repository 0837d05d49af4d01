/**
 * Artifacts, whole relays: a download cut short (connection reset, a body shorter than its
 * Content-Length) is resumed with Range where the server allows it (GitLab's object storage)
 * or fetched again where it does not (GoCD), and what lands in download-dir is byte for byte
 * what the server holds (checksums) — never a truncated file reported as success. A download
 * stopped for good (max-artifact-size) fails the step and leaves no partial file behind.
 * (Zip traversal, symlinks, bombs and Range at the unit level: artifacts.test.ts, http.test.ts.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startGitLabSim } from '../sim/gitlab.js';
import { startGoCDSim } from '../sim/gocd.js';
import { listFiles, runCli, tempDir } from './helpers/run.js';
import { checksums, noise, sha256 } from './helpers/trust.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

const sums = (files: Record<string, string | Buffer>): Record<string, string> =>
  Object.fromEntries(Object.entries(files).map(([p, c]) => [p, sha256(c)]));

test('GitLab: the storage download is cut short twice and reset once → resumed with Range, the files whole', async () => {
  const TOKEN = 'glpat-artifacts-91d0';
  const FILES = {
    'dist/app.bin': noise(1_500_000, 11),
    'dist/readme.md': '# app\n',
    'reports/coverage.xml': '<coverage line-rate="0.9"/>'
  };
  const s = await startGitLabSim({
    token: TOKEN,
    pipelines: { main: { jobs: [{ name: 'build', stage: 'build', runningMs: 500, artifacts: FILES }] } }
  });
  closers.push(() => s.close());
  const onStorage = (r: { method: string }): boolean => r.method === 'GET';
  s.storage.faults.push(
    { kind: 'truncate', match: onStorage },
    { kind: 'truncate', match: onStorage },
    { kind: 'reset', match: onStorage }
  );
  const cwd = tempDir();
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
      cwd,
      env: { CI_RELAY_TOKEN: TOKEN }
    }
  );
  expect(run.code).toBe(0);
  expect(s.storage.injected.map((f) => f.kind)).toEqual(['truncate', 'truncate', 'reset']);
  expect(checksums(path.join(cwd, 'ci-relay/artifacts/build'))).toEqual(sums(FILES));
  // Resumed, not restarted: the second and third requests asked for the rest only.
  const ranges = s.storage.requests.map((r) => r.headers.range);
  expect(ranges[0]).toBeUndefined();
  expect(ranges.slice(1).every((r) => /^bytes=[1-9]\d*-$/.test(String(r)))).toBe(true);
  expect(run.stderr).toMatch(/cut short after \d+ bytes/);
  // No temporary zip or part file is left.
  expect(listFiles(path.join(cwd, 'ci-relay'))).toEqual([
    'artifacts/build/dist/app.bin',
    'artifacts/build/dist/readme.md',
    'artifacts/build/reports/coverage.xml',
    'build.log'
  ]);
  expect(s.leakedToStorage).toBe(0);
});

test('GoCD: files and a folder zip cut short or reset → fetched again (no Range there), the files whole', async () => {
  const FILES = {
    'bin/tool': noise(800_000, 21),
    'bin/lib/helper.so': noise(200_000, 22),
    'report.txt': 'all passed\n'
  };
  const s = await startGoCDSim({
    scheduleDelayMs: 300,
    zipPending: 1,
    pipelines: {
      demo: { stages: [{ name: 'build', jobs: [{ name: 'compile', runningMs: 500, artifacts: FILES }] }] }
    }
  });
  closers.push(() => s.close());
  const artifact = (r: { method: string; path: string }): boolean =>
    r.method === 'GET' &&
    r.path.startsWith('/go/files/') &&
    !r.path.includes('cruise-output') &&
    !r.path.endsWith('.json');
  s.faults.push(
    { kind: 'truncate', match: artifact },
    { kind: 'reset', match: artifact },
    { kind: 'truncate', match: artifact, times: 2 }
  );
  const cwd = tempDir();
  const run = await runCli(
    ['gocd', '--url', s.url, '--pipeline', 'demo', '--poll-interval', '1s', '--json'],
    { cwd }
  );
  expect(run.code).toBe(0);
  expect(s.injected.filter((f) => f.path.startsWith('/go/files/'))).toHaveLength(4);
  expect(checksums(path.join(cwd, 'ci-relay/artifacts/build.compile'))).toEqual(sums(FILES));
  expect(listFiles(path.join(cwd, 'ci-relay')).filter((f) => /\.(part|zip)$|\.ci-relay-/.test(f))).toEqual(
    []
  );
});

test('max-artifact-size stops a download for good: the step fails (exit 4) and no partial file is left', async () => {
  const s = await startGoCDSim({
    scheduleDelayMs: 300,
    pipelines: {
      demo: {
        stages: [
          {
            name: 'build',
            jobs: [{ name: 'compile', runningMs: 300, artifacts: { 'big.bin': noise(3_000_000, 31) } }]
          }
        ]
      }
    }
  });
  closers.push(() => s.close());
  const cwd = tempDir();
  const run = await runCli(
    [
      'gocd',
      '--url',
      s.url,
      '--pipeline',
      'demo',
      '--poll-interval',
      '1s',
      '--json',
      '--max-artifact-size',
      '1MiB'
    ],
    { cwd }
  );
  expect(run.code).toBe(4);
  const result = JSON.parse(run.stdout) as { conclusion: string; message: string };
  expect(result.conclusion).toBe('error');
  expect(result.message).toMatch(/max-artifact-size \(1 MiB\)/);
  expect(listFiles(path.join(cwd, 'ci-relay'))).toEqual(['build.compile.log']);
});

test('GitLab: zip entries that climb out (../), are absolute or name a drive are skipped with a warning; nothing lands outside download-dir', async () => {
  const TOKEN = 'glpat-artifacts-zip-5c2e';
  const tag = `${process.pid}-${Date.now()}`;
  // yazl will not write hostile names, so same-length stand-ins are renamed in the served bytes.
  const names: [string, string][] = [
    ['P1/P2/P3/P4/evil-rel.txt', '../../../../evil-rel.txt'],
    [`Xtmp/ci-relay-evil-abs-${tag}.txt`, `/tmp/ci-relay-evil-abs-${tag}.txt`],
    ['C_/evil-drive.txt', 'C:/evil-drive.txt'],
    ['P1_P2_P3_P4_evil-win.txt', '..\\..\\..\\..\\evil-win.txt']
  ];
  const files: Record<string, string> = { 'good/app.txt': 'the real artifact' };
  for (const [stand] of names) files[stand] = 'should never be written';
  const s = await startGitLabSim({
    token: TOKEN,
    pipelines: { main: { jobs: [{ name: 'build', stage: 'build', runningMs: 300, artifacts: files }] } }
  });
  closers.push(() => s.close());
  s.storage.faults.push({
    kind: 'mutate',
    times: Infinity,
    match: (r) => r.path.endsWith('/artifacts.zip'),
    mutate: (body) => {
      let out = body;
      for (const [stand, evil] of names) {
        const from = Buffer.from(stand);
        const to = Buffer.from(evil);
        for (let at = out.indexOf(from); at >= 0; at = out.indexOf(from, at + to.length)) {
          out = Buffer.concat([out.subarray(0, at), to, out.subarray(at + from.length)]);
        }
      }
      return out;
    }
  });
  const cwd = tempDir();
  const run = await runCli(
    ['gitlab', '--url', s.url, '--project', '42', '--ref', 'main', '--poll-interval', '1s', '--json'],
    {
      cwd,
      env: { CI_RELAY_TOKEN: TOKEN }
    }
  );
  expect(run.code).toBe(0);
  expect(s.storage.injected.length).toBeGreaterThan(0);
  const jobDir = path.join(cwd, 'ci-relay/artifacts/build');
  expect(listFiles(path.join(cwd, 'ci-relay'))).toEqual(['artifacts/build/good/app.txt', 'build.log']);
  for (const [, evil] of names) {
    expect(run.stderr).toContain(
      `Skipped artifact '${evil.replace(/\\/g, '/')}': its path leaves the download folder`
    );
    expect(fs.existsSync(path.resolve(jobDir, evil))).toBe(false);
  }
  expect(fs.existsSync(`/tmp/ci-relay-evil-abs-${tag}.txt`)).toBe(false);
  expect(listFiles(cwd).filter((f) => /evil/.test(f))).toEqual([]);
});

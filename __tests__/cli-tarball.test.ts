/**
 * The way README, --help and examples/Jenkinsfile install the CLI: the tarball `npm pack` makes
 * (attached to each release), installed offline in a clean folder, never the npm name 'ci-relay'
 * (a stranger's package). Then `ci-relay --version`, and a relay against the GitLab simulator.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startGitLabSim, type GitLabSim } from '../sim/gitlab.js';
import { cleanEnv, tempDir } from './helpers/run.js';

const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as {
  version: string;
  dependencies?: Record<string, string>;
};
const npm = (args: string[], cwd: string): string =>
  execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    env: { ...cleanEnv(), npm_config_update_notifier: 'false' }
  });

let sim: GitLabSim;
let installed: string;
let tarball: string;
beforeAll(async () => {
  sim = await startGitLabSim({
    token: 'glpat-sim-token',
    pipelines: {
      main: { jobs: [{ name: 'build', stage: 'build', result: 'success', runningMs: 200, log: ['ok'] }] }
    }
  });
  const packed = tempDir('ci-relay-pack-');
  npm(['pack', '--pack-destination', packed, path.resolve('.')], packed);
  tarball = path.join(packed, `ci-relay-${pkg.version}.tgz`);
  installed = tempDir('ci-relay-clean-');
  fs.writeFileSync(path.join(installed, 'package.json'), '{ "private": true }\n');
  npm(['install', '--offline', '--no-audit', '--no-fund', tarball], installed);
}, 120_000);
afterAll(() => sim.close());

function bin(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(path.join(installed, 'node_modules/.bin/ci-relay'), args, {
    cwd: installed,
    env: { ...cleanEnv(), CI_RELAY_TOKEN: 'glpat-sim-token' }
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

test('the package needs nothing from the registry at run time: dist/ is the bundle', () => {
  expect(pkg.dependencies ?? {}).toEqual({});
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
  expect(files).toContain('package/dist/index.js');
  expect(files).toContain('package/LICENSE');
  expect(fs.readdirSync(path.join(installed, 'node_modules')).filter((n) => !n.startsWith('.'))).toEqual([
    'ci-relay'
  ]);
});

test('ci-relay --version from the installed tarball', async () => {
  const run = await bin(['--version']);
  expect(run).toEqual({ code: 0, stdout: `ci-relay ${pkg.version}\n`, stderr: '' });
});

test('a relay against the GitLab simulator, with --json and --output-file', async () => {
  const run = await bin([
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
    'ci-relay/result.json'
  ]);
  expect(run.code).toBe(0);
  const result = JSON.parse(run.stdout) as Record<string, unknown>;
  expect(result).toMatchObject({
    conclusion: 'success',
    'exit-code': 0,
    jobs: [expect.objectContaining({ name: 'build' })]
  });
  expect(JSON.parse(fs.readFileSync(path.join(installed, 'ci-relay/result.json'), 'utf8'))).toEqual(result);
  expect(run.stderr).toMatch(/GitLab run \d+: success in \d+s/);
});

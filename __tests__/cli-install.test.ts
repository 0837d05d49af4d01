/**
 * The install the README's Jenkins section and examples/Jenkinsfile give, exactly:
 * `npm install -g --prefix <folder> ./ci-relay-<version>.tgz` of the tarball `npm pack` makes,
 * with no registry to reach (it points at a closed port on 127.0.0.1) and an empty npm cache,
 * then `<folder>/bin/ci-relay --version`. (cli-tarball.test.ts installs it into a project.)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanEnv, tempDir } from './helpers/run.js';

const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string };
const tarball = `ci-relay-${pkg.version}.tgz`;
const command = `npm install -g --prefix "$WORKSPACE/.ci-relay" ./${tarball}`;

let workspace: string;
let install: ReturnType<typeof spawnSync>;
beforeAll(() => {
  workspace = tempDir('ci-relay-jenkins-');
  const env = {
    ...cleanEnv(),
    WORKSPACE: workspace,
    npm_config_registry: 'http://127.0.0.1:9/',
    npm_config_cache: path.join(workspace, '.npm-cache'),
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false'
  };
  execFileSync('npm', ['pack', '--pack-destination', workspace, path.resolve('.')], {
    cwd: workspace,
    env,
    stdio: 'ignore'
  });
  // The README's line, run by a shell in the workspace as Jenkins' `sh` step would.
  install = spawnSync('sh', ['-c', command], { cwd: workspace, env, encoding: 'utf8' });
}, 120_000);

test('the README and the Jenkinsfile give that exact command', () => {
  expect(fs.readFileSync('README.md', 'utf8')).toContain(`\n${command}\n`);
  expect(fs.readFileSync('examples/Jenkinsfile', 'utf8')).toContain(`//   ${command}\n`);
});

test('it installs from the tarball alone, with no registry', () => {
  expect({ status: install.status, stderr: install.stderr }).toEqual({ status: 0, stderr: '' });
  expect(fs.readdirSync(path.join(workspace, '.ci-relay/lib/node_modules'))).toEqual(['ci-relay']);
  // With what a user reads beside it.
  for (const doc of ['README.md', 'LICENSE', 'CHANGELOG.md', 'docs/reference.md'])
    expect([doc, fs.existsSync(path.join(workspace, '.ci-relay/lib/node_modules/ci-relay', doc))]).toEqual([
      doc,
      true
    ]);
});

test('<folder>/bin/ci-relay --version prints the version', () => {
  const run = spawnSync(path.join(workspace, '.ci-relay/bin/ci-relay'), ['--version'], {
    cwd: workspace,
    env: cleanEnv(),
    encoding: 'utf8'
  });
  expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({
    status: 0,
    stdout: `ci-relay ${pkg.version}\n`,
    stderr: ''
  });
});

/**
 * `npm run demo`: ci-relay's CLI (the committed dist/index.js, as Jenkins would run it) against
 * the built-in simulators — a GitLab pipeline with a live log and an artifact, a GoCD pipeline of
 * two stages, a Gearset CI job, a deploy that takes typed pipeline inputs and hands back its
 * URL through `outputs-file`, and all three systems at once as several runs in one step (`runs`)
 * — so a newcomer sees the whole thing with no server of their own. `npm run demo -- <part>`
 * shows one part (gitlab, gocd, gearset, deploy, runs).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGearsetSim } from './gearset.js';
import { startGitLabSim } from './gitlab.js';
import { startGoCDSim } from './gocd.js';

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/index.js');
const only = process.argv[2];
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-relay-demo-'));

function relay(title: string, args: string[], env: Record<string, string>): Promise<number> {
  process.stdout.write(`\n\x1b[1m━━ ${title}\x1b[0m\n$ ci-relay ${args.join(' ')}\n\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [DIST, ...args], {
      stdio: 'inherit',
      cwd: workDir,
      env: { ...process.env, ...env }
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

const lines = (n: number, what: string): string[] =>
  Array.from({ length: n }, (_, i) => `${what} step ${i + 1}/${n}`);

async function gitlab(): Promise<void> {
  const sim = await startGitLabSim({
    pipelines: {
      main: {
        jobs: [
          {
            name: 'build',
            stage: 'build',
            runningMs: 2500,
            log: lines(6, 'compiling'),
            artifacts: {
              'dist/app.js': 'console.log("hello from the demo build")\n',
              'dist/README.txt': 'built by the GitLab simulator\n'
            }
          },
          { name: 'unit-tests', stage: 'test', runningMs: 2000, log: lines(4, 'testing') },
          {
            name: 'lint',
            stage: 'test',
            runningMs: 1000,
            result: 'failed',
            allowFailure: true,
            log: ['3 warnings, 1 error (allowed to fail)']
          },
          { name: 'deploy', stage: 'deploy', runningMs: 1500, log: ['deploying to staging', 'done'] }
        ]
      }
    }
  });
  try {
    await relay(
      'GitLab: create a pipeline on main, follow it, download its artifacts',
      [
        'gitlab',
        '--url',
        sim.url,
        '--project',
        'group/sub/app',
        '--ref',
        'main',
        '--variables',
        'ENVIRONMENT=staging',
        '--poll-interval',
        '2s',
        '--download-dir',
        'gitlab',
        '--output-file',
        'gitlab/result.json'
      ],
      { CI_RELAY_TOKEN: 'glpat-sim-token' }
    );
  } finally {
    await sim.close();
  }
}

async function deploy(): Promise<void> {
  // A GitLab that takes pipeline inputs (18.1+); the pipeline declares them in spec:inputs.
  const sim = await startGitLabSim({
    profile: '19.2',
    pipelines: {
      main: {
        inputs: { environment: { type: 'string' }, replicas: { type: 'number', default: 1 } },
        jobs: [
          {
            name: 'deploy',
            stage: 'deploy',
            runningMs: 2000,
            log: ['deploying app 1.4.2 to staging (3 replicas)', 'review app is up'],
            artifacts: {
              'deploy.env': 'DEPLOY_URL=https://staging.example.com/app\nVERSION=1.4.2\n'
            }
          }
        ]
      }
    }
  });
  try {
    const code = await relay(
      'GitLab: a deploy with typed inputs that hands back its URL (outputs-file)',
      [
        'gitlab',
        '--url',
        sim.url,
        '--project',
        'group/sub/app',
        '--ref',
        'main',
        '--inputs',
        '{"environment": "staging", "replicas": 3}',
        '--outputs-file',
        'deploy.env',
        '--poll-interval',
        '2s',
        '--download-dir',
        'deploy',
        '--output-file',
        'deploy/result.json'
      ],
      { CI_RELAY_TOKEN: 'glpat-sim-token' }
    );
    const result = JSON.parse(fs.readFileSync(path.join(workDir, 'deploy/result.json'), 'utf8'));
    process.stdout.write(
      `\nexit ${code}; GitLab got inputs ${JSON.stringify(sim.pipelines[0].inputs)}; the step hands back DEPLOY_URL=${result.DEPLOY_URL} (remote-outputs ${JSON.stringify(result['remote-outputs'])})\n`
    );
  } finally {
    await sim.close();
  }
}

async function gocd(): Promise<void> {
  const sim = await startGoCDSim({
    token: 'gocd-sim-token',
    scheduleDelayMs: 800,
    pipelines: {
      'web-app': {
        historyCounter: 41,
        stages: [
          {
            name: 'build',
            jobs: [
              {
                name: 'compile',
                runningMs: 2000,
                log: lines(5, 'gradle build'),
                artifacts: { 'dist/app.jar': 'jar bytes' }
              }
            ]
          },
          {
            name: 'test',
            jobs: [{ name: 'integration', runningMs: 1500, log: lines(3, 'integration test') }]
          }
        ]
      }
    }
  });
  try {
    await relay(
      'GoCD: schedule a pipeline, follow both stages with live consoles',
      [
        'gocd',
        '--url',
        `${sim.url}/go`,
        '--pipeline',
        'web-app',
        '--poll-interval',
        '2s',
        '--download-dir',
        'gocd'
      ],
      { CI_RELAY_TOKEN: 'gocd-sim-token' }
    );
  } finally {
    await sim.close();
  }
}

async function gearset(): Promise<void> {
  const sim = await startGearsetSim({
    jobs: {
      'ci-job': {
        states: [
          { state: 'Pending', ms: 800 },
          { state: 'Started', ms: 2500 },
          { state: 'Partial', ms: 0 }
        ]
      }
    }
  });
  try {
    await relay(
      'Gearset: run a CI job that ends Partial, accepted with success-on',
      [
        'gearset',
        '--url',
        sim.url,
        '--job',
        'ci-job',
        '--success-on',
        'success,partial',
        '--download-dir',
        'gearset'
      ],
      { CI_RELAY_TOKEN: 'gearset-sim-token' }
    );
  } finally {
    await sim.close();
  }
}

/** A release train: a GitLab pipeline, a GoCD database rollout and a Gearset job, in one step. */
async function several(): Promise<void> {
  const [app, db, sf] = await Promise.all([
    startGitLabSim({
      token: 'glpat-train-token',
      pipelines: {
        main: {
          jobs: [
            { name: 'build', stage: 'build', runningMs: 1500, log: lines(3, 'compiling') },
            { name: 'deploy', stage: 'deploy', runningMs: 1000, log: ['deploying to production', 'done'] }
          ]
        }
      }
    }),
    startGoCDSim({
      username: 'deployer',
      password: 'gocd-train-pass',
      scheduleDelayMs: 500,
      pipelines: {
        'db-migrate': {
          stages: [
            { name: 'migrate', jobs: [{ name: 'apply', runningMs: 2000, log: lines(3, 'migration') }] }
          ]
        }
      }
    }),
    startGearsetSim({
      token: 'gearset-train-token',
      jobs: {
        'sf-deploy': {
          states: [
            { state: 'Pending', ms: 300 },
            { state: 'Started', ms: 2000 },
            { state: 'Succeeded', ms: 0 }
          ]
        }
      }
    })
  ]);
  const runs = [
    `- name: app`,
    `  system: gitlab`,
    `  url: ${app.url}`,
    `  token: glpat-train-token`,
    `  project: group/sub/app`,
    `  ref: main`,
    `- name: database`,
    `  system: gocd`,
    `  url: ${db.url}`,
    `  username: deployer`,
    `  password: gocd-train-pass`,
    `  pipeline: db-migrate`,
    `- name: salesforce`,
    `  system: gearset`,
    `  url: ${sf.url}`,
    `  token: gearset-train-token`,
    `  job: sf-deploy`
  ].join('\n');
  process.stdout.write(`\n(CI_RELAY_RUNS holds the list of runs:)\n${runs}\n`);
  try {
    await relay(
      'Several runs in one step: a release train on GitLab, GoCD and Gearset, side by side, one verdict',
      ['--fail-fast', 'true', '--poll-interval', '2s', '--download-dir', 'train'],
      // A YAML list starts with '-': in a shell it goes in CI_RELAY_RUNS (or --runs=…).
      { CI_RELAY_RUNS: runs }
    );
  } finally {
    await Promise.all([app.close(), db.close(), sf.close()]);
  }
}

if (!fs.existsSync(DIST)) {
  process.stderr.write('dist/index.js is missing: run `npm run build` first.\n');
  process.exit(1);
}
if (!only || only === 'gitlab') await gitlab();
if (!only || only === 'gocd') await gocd();
if (!only || only === 'gearset') await gearset();
if (!only || only === 'deploy') await deploy();
if (!only || only === 'runs') await several();
process.stdout.write(`\nLogs, artifacts and results are in ${workDir}:\n`);
for (const f of fs.readdirSync(workDir, { recursive: true }) as string[]) {
  if (fs.statSync(path.join(workDir, f)).isFile()) process.stdout.write(`  ${f}\n`);
}

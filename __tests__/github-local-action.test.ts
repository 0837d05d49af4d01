/**
 * GitHub's own local runner, @github/local-action, runs ci-relay as it runs any
 * actions/typescript-action: its CLI (a subprocess, offline) imports src/main.ts, calls run(), then
 * run() again as the post step, with @actions/core replaced by its stubs, against the GitLab simulator.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startGitLabSim, type GitLabSim } from '../sim/gitlab.js';
import { cleanEnv, tempDir } from './helpers/run.js';

const TOKEN = 'glpat-sim-token';
let sim: GitLabSim;
beforeAll(async () => {
  sim = await startGitLabSim({
    token: TOKEN,
    pipelines: {
      main: {
        jobs: [{ name: 'build', stage: 'build', result: 'success', runningMs: 200, log: ['built ok'] }]
      },
      broken: { jobs: [{ name: 'test', stage: 'test', result: 'failed', runningMs: 200, log: ['1 failed'] }] }
    }
  });
});
afterAll(() => sim.close());

/** `npx @github/local-action . src/main.ts <.env> --post src/main.ts`, as the README says. */
function localAction(
  ref: string
): Promise<{ code: number | null; out: string; summary: string; dir: string }> {
  const dir = tempDir('ci-relay-local-action-');
  const summary = path.join(dir, 'summary.md');
  const env = [
    'GITHUB_ACTIONS="true"',
    `GITHUB_STEP_SUMMARY="${summary}"`,
    `RUNNER_TEMP="${dir}"`,
    'INPUT_SYSTEM="gitlab"',
    `INPUT_URL="${sim.url}"`,
    `INPUT_TOKEN="${TOKEN}"`,
    'INPUT_PROJECT="group/sub/app"',
    `INPUT_REF="${ref}"`,
    'INPUT_POLL-INTERVAL="1s"',
    `INPUT_DOWNLOAD-DIR="${path.join(dir, 'ci-relay')}"`
  ];
  fs.writeFileSync(path.join(dir, '.env'), env.join('\n') + '\n');
  const bin = path.resolve('node_modules/@github/local-action/bin/local-action.js');
  const child = spawn(
    process.execPath,
    [bin, '.', 'src/main.ts', path.join(dir, '.env'), '--post', 'src/main.ts'],
    {
      cwd: path.resolve('.'),
      env: { ...cleanEnv(), npm_config_offline: 'true' },
      stdio: ['ignore', 'pipe', 'pipe']
    }
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) =>
    child.on('close', (code) =>
      resolve({ code, out, summary: fs.existsSync(summary) ? fs.readFileSync(summary, 'utf8') : '', dir })
    )
  );
}

/** local-action's closing "Action Outputs" table, as output → value. */
function outputsTable(out: string): Record<string, string> {
  const table = out.slice(out.lastIndexOf('Action Outputs'));
  const rows: Record<string, string> = {};
  for (const m of table.matchAll(/│ \d+\s+│ '([a-z-]+)'\s+│ '(.*?)'\s+│/g)) rows[m[1]] = m[2];
  return rows;
}

test.concurrent(
  'a successful pipeline: outputs, job summary, the post step, exit 0',
  async () => {
    const run = await localAction('main');
    expect(run.out).toContain('Running Action');
    expect(run.out).toContain('Running Post Step');
    expect(run.out).not.toContain('does not export a run() function');
    expect(run.code).toBe(0);
    const outputs = outputsTable(run.out);
    expect(outputs).toMatchObject({
      conclusion: 'success',
      status: 'success',
      'run-id': expect.stringMatching(/^\d+$/),
      'download-dir': path.join(run.dir, 'ci-relay'),
      'log-file': path.join(run.dir, 'ci-relay', 'build.log')
    });
    expect(JSON.parse(outputs.jobs)).toEqual([
      expect.objectContaining({ name: 'build', conclusion: 'success' })
    ]);
    expect(run.summary).toMatch(/^### ci-relay: GitLab run \[\d+\]\(http/m);
    expect(run.summary).toMatch(/\| build \| build \| ✅ success \|/);
    // The remote log is shown between stop-commands markers, never obeyed.
    expect(run.out).toMatch(/::stop-commands::[0-9a-f]{32}\nbuilt ok\n/);
  },
  120_000
);

test.concurrent(
  'a failed pipeline: conclusion failed, the step fails, the post step keeps the failure',
  async () => {
    const run = await localAction('broken');
    expect(outputsTable(run.out)).toMatchObject({ conclusion: 'failed', status: 'failed' });
    expect(run.out).toMatch(/::error::GitLab run \d+ ended failed/);
    expect(run.code).not.toBe(0);
    expect(run.summary).toMatch(/failed/);
  },
  120_000
);

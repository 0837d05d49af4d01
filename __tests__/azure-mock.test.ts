/**
 * The task under Microsoft's own test harness, azure-pipelines-task-lib/mock-test, the way task
 * authors test: one TaskMockRunner script per case (__tests__/azure-mock/*.cjs) in the default
 * mocked mode (`tmr.run()`), run by MockTestRunner with the local node (`nodePath`, so nothing is
 * downloaded). MockTestRunner runs the script with spawnSync, so the GitLab simulator lives in a
 * process of its own.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MockTestRunner } from 'azure-pipelines-task-lib/mock-test.js';
import { commandFromString } from 'azure-pipelines-task-lib/taskcommand.js';
import { startGitLabSimProcess, type SimChild } from './helpers/sim-child.js';
import { tempDir } from './helpers/run.js';

let sim: SimChild;
beforeAll(async () => {
  sim = await startGitLabSimProcess({
    token: 'glpat-sim-token',
    pipelines: {
      main: { jobs: [{ name: 'build', stage: 'build', result: 'success', runningMs: 200, log: ['built'] }] },
      broken: {
        jobs: [{ name: 'test', stage: 'test', result: 'failed', runningMs: 200, log: ['1 failed'] }]
      },
      slow: { jobs: [{ name: 'deploy', stage: 'deploy', result: 'success', runningMs: 60_000 }] }
    }
  });
});
afterAll(async () => {
  fs.rmSync(caseFile, { force: true });
  await sim.close();
});

/** Where a case script finds its folder and the simulator (named after this process, its parent). */
const caseFile = path.join(os.tmpdir(), `ci-relay-mock-case-${process.pid}.json`);

/** Runs one case's script and returns the runner with the output variables it set. */
async function runCase(name: string): Promise<{ tr: MockTestRunner; outputs: Record<string, string> }> {
  const dir = tempDir('ci-relay-mock-');
  fs.writeFileSync(caseFile, JSON.stringify({ dir, url: sim.url }));
  const tr = new MockTestRunner(
    path.resolve('__tests__/azure-mock', `${name}.cjs`),
    path.resolve('azure/CiRelayV1/task.json')
  );
  // Offline: this node, instead of the Node 24 that LoadAsync would download for task.json's handler.
  tr.nodePath = process.execPath;
  await tr.LoadAsync();
  await tr.runAsync();
  if (!tr.stdout) throw new Error(`MockTestRunner ran nothing: ${tr.stderr}`);
  const outputs: Record<string, string> = {};
  for (const line of tr.stdout.split(/\r?\n/)) {
    const at = line.indexOf('##vso[');
    if (at < 0) continue;
    const cmd = commandFromString(line.slice(at));
    if (cmd.command === 'task.setvariable' && cmd.properties.isOutput === 'true')
      outputs[cmd.properties.variable] = cmd.message;
  }
  return { tr, outputs };
}

test('success: Succeeded, no issues, every output variable', async () => {
  const { tr, outputs } = await runCase('success');
  expect({ succeeded: tr.succeeded, failed: tr.failed, stderr: tr.stderr }).toEqual({
    succeeded: true,
    failed: false,
    stderr: ''
  });
  expect(tr.errorIssues).toEqual([]);
  expect(tr.warningIssues).toEqual([]);
  expect(tr.stdout).toContain('##vso[task.complete result=Succeeded;]');
  expect(outputs).toMatchObject({
    conclusion: 'success',
    status: 'success',
    runId: expect.stringMatching(/^\d+$/)
  });
  expect(JSON.parse(outputs.jobs)).toEqual([
    expect.objectContaining({ name: 'build', conclusion: 'success' })
  ]);
  expect(fs.existsSync(outputs.logFile)).toBe(true);
});

test('failed: Failed with one error issue saying why', async () => {
  const { tr, outputs } = await runCase('failed');
  expect(tr.failed).toBe(true);
  expect(tr.succeeded).toBe(false);
  expect(tr.errorIssues).toHaveLength(1);
  expect(tr.errorIssues[0]).toMatch(/failed/);
  expect(tr.warningIssues).toEqual([]);
  expect(outputs).toMatchObject({ conclusion: 'failed', status: 'failed' });
});

test('a conclusion success-on accepts: SucceededWithIssues, with a warning issue', async () => {
  const { tr, outputs } = await runCase('succeeded-with-issues');
  expect(tr.succeeded).toBe(true);
  expect(tr.errorIssues).toEqual([]);
  expect(tr.warningIssues).toEqual([
    expect.stringMatching(/^The GitLab run \d+ concluded failed, which success-on accepts\.$/)
  ]);
  expect(tr.stdout).toMatch(/##vso\[task\.complete result=SucceededWithIssues;\]/);
  expect(outputs.conclusion).toBe('failed');
});

test('timeout: Failed, timed_out, the remote run cancelled', async () => {
  const { tr, outputs } = await runCase('timeout');
  expect(tr.failed).toBe(true);
  expect(tr.errorIssues).toHaveLength(1);
  expect(tr.errorIssues[0]).toBe('The run did not end within 2s.');
  expect(outputs.conclusion).toBe('timed_out');
  expect(tr.warningIssues).toEqual([expect.stringMatching(/^Cancelled run \d+ because /)]);
});

test('bad input: Failed with the one sentence naming the input, no output but conclusion', async () => {
  const { tr, outputs } = await runCase('bad-input');
  expect(tr.failed).toBe(true);
  expect(tr.errorIssues).toEqual(["Input 'system' must be one of gitlab, gocd, gearset, not 'jenkins'."]);
  expect(tr.warningIssues).toEqual([]);
  expect(outputs).toEqual({ conclusion: 'error' });
});

test('cancel: SIGTERM stops the task, cancels the remote run, and fails the step', async () => {
  const { tr, outputs } = await runCase('cancel');
  expect(tr.failed).toBe(true);
  expect(tr.warningIssues).toContain('Received SIGTERM: stopping.');
  expect(tr.warningIssues).toContainEqual(expect.stringMatching(/^Cancelled run \d+ because /));
  expect(tr.errorIssues).toHaveLength(1);
  expect(outputs.conclusion).toBe('canceled');
});

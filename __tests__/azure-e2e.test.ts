/**
 * Azure Pipelines end to end: the built bundle (dist/index.js) started the way the agent's Node
 * handler starts task CiRelay@1 — TF_BUILD=True, every input of task.json as INPUT_<NAME>
 * (given or defaulted) — against the GitLab, GoCD and Gearset simulators on 127.0.0.1. The agent's
 * side is read back from stdout exactly as the agent reads it: `##vso[…]` commands anywhere in a
 * line, `##[…]` formatting at the start of one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startGearsetSim, type GearsetSim, type GearsetSimState } from '../sim/gearset.js';
import { startGitLabSim, type GitLabSim, type SimPipeline } from '../sim/gitlab.js';
import { startGoCDSim, type GoCDSim } from '../sim/gocd.js';
import { listFiles, startDist, tempDir, type DistRun, type Started } from './helpers/run.js';

const TOKEN = 'glpat-sim-token';
const task = JSON.parse(fs.readFileSync(path.resolve('azure/CiRelayV1/task.json'), 'utf8')) as {
  inputs: { name: string; defaultValue: string }[];
};

/** azure-pipelines-task-lib's getInput reads INPUT_ + the name with '.' and ' ' as '_', upper-cased. */
const inputVariable = (name: string): string =>
  `INPUT_${name.replace(/\./g, '_').replace(/ /g, '_').toUpperCase()}`;

interface AzureRun extends DistRun {
  cwd: string;
  temp: string;
  commands: Command[];
}
interface AzureStep {
  started: Started;
  finished: Promise<AzureRun>;
}

/** Starts the task as the agent does: all of task.json's inputs, the given ones over the defaults. */
function startAzure(inputs: Record<string, string>): AzureStep {
  for (const name of Object.keys(inputs)) {
    if (!task.inputs.some((i) => i.name === name)) throw new Error(`task.json has no input ${name}`);
  }
  const cwd = tempDir();
  const temp = tempDir('ci-relay-agent-temp-');
  const env: Record<string, string> = { TF_BUILD: 'True', AGENT_TEMPDIRECTORY: temp };
  for (const input of task.inputs) env[inputVariable(input.name)] = inputs[input.name] ?? input.defaultValue;
  const started = startDist([], { env, cwd });
  return {
    started,
    finished: started.done.then((run) => ({ ...run, cwd, temp, commands: agentCommands(run.stdout) }))
  };
}

const runAzure = (inputs: Record<string, string>): Promise<AzureRun> => startAzure(inputs).finished;

interface Command {
  name: string;
  props: Record<string, string>;
  message: string;
  line: string;
}

/** The logging commands the agent would obey in this output. */
function agentCommands(stdout: string): Command[] {
  const out: Command[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const at = line.search(/##vso\[/i);
    if (at < 0) continue;
    const rest = line.slice(at + '##vso['.length);
    const close = rest.indexOf(']');
    if (close < 0) continue;
    const [name, ...propText] = rest.slice(0, close).split(' ');
    const props: Record<string, string> = {};
    for (const p of propText.join(' ').split(';')) {
      if (p.includes('=')) props[p.slice(0, p.indexOf('=')).trim()] = p.slice(p.indexOf('=') + 1);
    }
    out.push({ name, props, message: rest.slice(close + 1), line });
  }
  return out;
}

const lines = (run: AzureRun): string[] => run.stdout.split(/\r?\n/);
const outputs = (run: AzureRun): Record<string, string> =>
  Object.fromEntries(
    run.commands
      .filter((c) => c.name === 'task.setvariable' && c.props.isOutput === 'true')
      .map((c) => [c.props.variable, c.message])
  );
const completions = (run: AzureRun): string[] => lines(run).filter((l) => /##vso\[task\.complete/i.test(l));

let gitlab: GitLabSim | undefined;
let gearset: GearsetSim | undefined;
let gocd: GoCDSim | undefined;
afterEach(async () => {
  await gitlab?.close();
  await gearset?.close();
  await gocd?.close();
  gitlab = gearset = gocd = undefined;
});

async function startGitLab(main: SimPipeline): Promise<GitLabSim> {
  gitlab = await startGitLabSim({ pipelines: { main }, token: TOKEN });
  return gitlab;
}

const gitlabInputs = (sim: GitLabSim, more: Record<string, string> = {}): Record<string, string> => ({
  system: 'gitlab',
  url: sim.url,
  token: TOKEN,
  project: 'group/sub/app',
  ref: 'main',
  pollInterval: '1s',
  ...more
});

async function startGearset(final: string, runningMs = 300): Promise<GearsetSim> {
  const states: GearsetSimState[] = [
    { state: 'Pending', ms: 100 },
    { state: 'Started', ms: runningMs },
    { state: final, ms: 0 }
  ];
  gearset = await startGearsetSim({ jobs: { 'ci-job': { states } } });
  return gearset;
}

const gearsetInputs = (sim: GearsetSim, more: Record<string, string> = {}): Record<string, string> => ({
  system: 'gearset',
  url: sim.url,
  token: sim.token,
  job: 'ci-job',
  pollInterval: '1s',
  ...more
});

test('a GitLab pipeline that succeeds: output variables, Succeeded, groups, summary; remote ##vso lines shown, not obeyed', async () => {
  const sim = await startGitLab({
    jobs: [
      {
        name: 'build',
        stage: 'build',
        log: [
          'compiling',
          '##vso[task.setvariable variable=conclusion;isOutput=true;issecret=false;]failed',
          'padding ##vso[task.complete result=Failed;]from the middle of a line',
          '##[group]not a group',
          '##VSO[task.uploadsummary]/etc/passwd'
        ]
      },
      { name: 'test', stage: 'test', log: ['all good'] }
    ]
  });
  const run = await runAzure(gitlabInputs(sim, { downloadDir: 'out/relay' }));
  const pipeline = sim.pipelines[0];
  const dir = path.join(run.cwd, 'out', 'relay');

  expect(run.code).toBe(0);
  expect(lines(run)).toEqual(
    expect.arrayContaining([
      '##vso[task.setvariable variable=conclusion;isOutput=true;issecret=false;]success',
      '##vso[task.setvariable variable=status;isOutput=true;issecret=false;]success',
      `##vso[task.setvariable variable=runId;isOutput=true;issecret=false;]${pipeline.id}`,
      `##vso[task.setvariable variable=runUrl;isOutput=true;issecret=false;]${pipeline.webUrl}`,
      `##vso[task.setvariable variable=downloadDir;isOutput=true;issecret=false;]${dir}`
    ])
  );
  // Exactly what the agent takes in: each output once, the remote's forgeries nowhere.
  const out = outputs(run);
  expect(Object.keys(out).sort()).toEqual(
    ['conclusion', 'status', 'runId', 'runUrl', 'jobs', 'logFile', 'downloadDir', 'duration'].sort()
  );
  expect(
    run.commands.filter((c) => c.name === 'task.setvariable' && c.props.variable === 'conclusion')
  ).toHaveLength(1);
  expect(
    JSON.parse(out.jobs).map((j: { name: string; conclusion: string }) => [j.name, j.conclusion])
  ).toEqual([
    ['build', 'success'],
    ['test', 'success']
  ]);
  expect(out.duration).toMatch(/^\d+$/);
  expect([path.join(dir, 'build.log'), path.join(dir, 'test.log')]).toContain(out.logFile);
  expect(completions(run)).toEqual([
    `##vso[task.complete result=Succeeded;]The GitLab run ${pipeline.id} concluded success.`
  ]);
  expect(run.commands.filter((c) => c.name === 'task.uploadsummary')).toHaveLength(1);

  // The remote's lines are in the log, readable, each broken where the agent would look.
  const shown = lines(run).map((l) => l.replace(/\u200b/g, ''));
  expect(shown).toContain('##vso[task.setvariable variable=conclusion;isOutput=true;issecret=false;]failed');
  expect(shown).toContain('padding ##vso[task.complete result=Failed;]from the middle of a line');
  expect(shown).toContain('##VSO[task.uploadsummary]/etc/passwd');
  expect(lines(run)).not.toContain('##[group]not a group');
  expect(shown).toContain('##[group]not a group');

  // One group per job.
  expect(lines(run).filter((l) => /^##\[group\]build\b/.test(l))).toHaveLength(1);
  expect(lines(run).filter((l) => /^##\[group\]test\b/.test(l))).toHaveLength(1);
  expect(lines(run).filter((l) => l.startsWith('##[group]'))).toHaveLength(
    lines(run).filter((l) => l === '##[endgroup]').length
  );

  // The summary: a Markdown file in the agent's temp folder, attached by path.
  const summary = run.commands.find((c) => c.name === 'task.uploadsummary')?.message ?? '';
  expect(summary.startsWith(run.temp + path.sep)).toBe(true);
  expect(fs.readFileSync(summary, 'utf8')).toContain('| build | build | ✅ success |');

  expect(listFiles(dir)).toEqual(['build.log', 'test.log']);
  // The token reaches the agent once, to be masked; nowhere else.
  expect(run.stdout.match(new RegExp(TOKEN, 'g'))).toHaveLength(1);
  expect(lines(run)).toContain(`##vso[task.setsecret]${TOKEN}`);
  expect(run.stderr).not.toContain(TOKEN);
  expect(fs.readFileSync(summary, 'utf8')).not.toContain(TOKEN);
  expect(sim.created).toBe(1);
});

test.each([
  ['success,partial', 'SucceededWithIssues', 0],
  ['success', 'Failed', 1]
] as const)('a Gearset run that ends Partial, success-on %s: %s', async (successOn, result, code) => {
  const sim = await startGearset('Partial');
  const run = await runAzure(gearsetInputs(sim, { successOn }));
  const id = [...sim.runs.keys()][0];

  expect(run.code).toBe(code);
  expect(lines(run)).toEqual(
    expect.arrayContaining([
      '##vso[task.setvariable variable=conclusion;isOutput=true;issecret=false;]partial',
      '##vso[task.setvariable variable=status;isOutput=true;issecret=false;]Partial',
      `##vso[task.setvariable variable=runId;isOutput=true;issecret=false;]${id}`
    ])
  );
  const expected =
    result === 'SucceededWithIssues'
      ? `##vso[task.complete result=SucceededWithIssues;]The Gearset run ${id} concluded partial (Partial), which success-on accepts.`
      : `##vso[task.complete result=Failed;]The Gearset run ${id} concluded partial (Partial).`;
  expect(completions(run)).toEqual([expected]);
  // The agent shows the reason once, as a warning or an error.
  const issues = run.commands.filter((c) => c.name === 'task.issue' || c.name === 'task.logissue');
  expect(issues.map((c) => c.props.type)).toEqual([result === 'Failed' ? 'error' : 'warning']);
  expect(sim.runRequests).toBe(1);
});

test('a GitLab pipeline with a failed job: conclusion failed, Failed, exit 1', async () => {
  const sim = await startGitLab({
    jobs: [
      { name: 'build', stage: 'build' },
      { name: 'test', stage: 'test', result: 'failed', log: ['assertion failed'] }
    ]
  });
  const run = await runAzure(gitlabInputs(sim));
  const pipeline = sim.pipelines[0];

  expect(run.code).toBe(1);
  expect(lines(run)).toEqual(
    expect.arrayContaining([
      '##vso[task.setvariable variable=conclusion;isOutput=true;issecret=false;]failed',
      '##vso[task.setvariable variable=status;isOutput=true;issecret=false;]failed',
      `##vso[task.setvariable variable=runId;isOutput=true;issecret=false;]${pipeline.id}`,
      `##vso[task.setvariable variable=logFile;isOutput=true;issecret=false;]${path.join(run.cwd, 'ci-relay', 'test.log')}`
    ])
  );
  expect(completions(run)).toEqual([
    `##vso[task.complete result=Failed;]The GitLab run ${pipeline.id} concluded failed.`
  ]);
  expect(lines(run)).toContain('assertion failed');
});

test('bad input: Failed with one sentence naming the input, exit 2, nothing sent', async () => {
  const sim = await startGitLab({ jobs: [{ name: 'build', stage: 'build' }] });
  const run = await runAzure(gitlabInputs(sim, { project: '', timeout: 'soon' }));

  expect(run.code).toBe(2);
  const [complete] = completions(run);
  expect(complete).toMatch(/^##vso\[task\.complete result=Failed;\]Input '(project|timeout)' /);
  expect(completions(run)).toHaveLength(1);
  expect(lines(run)).toContain(
    '##vso[task.setvariable variable=conclusion;isOutput=true;issecret=false;]error'
  );
  expect(sim.requests).toHaveLength(0);
});

test('GoCD with basic auth and multi-line secret variables: each secret masked on its own, and written nowhere', async () => {
  const password = 'gocd-basic-pass-5e1f';
  const secrets = ['deploy-key-8a7c2b', 'db-pass-31d9e4'];
  gocd = await startGoCDSim({
    username: 'ci-bot',
    password,
    scheduleDelayMs: 300,
    pipelines: {
      demo: {
        stages: [
          { name: 'build', jobs: [{ name: 'compile', runningMs: 300, log: [`key ${secrets[0]} in use`] }] }
        ]
      }
    }
  });
  const run = await runAzure({
    system: 'gocd',
    url: gocd.url,
    pipeline: 'demo',
    username: 'ci-bot',
    password,
    secretVariables: `DEPLOY_KEY=${secrets[0]}\nDB_PASSWORD=${secrets[1]}`,
    pollInterval: '1s',
    artifacts: 'none'
  });

  expect(run.code).toBe(0);
  expect(lines(run)).toContain(
    '##vso[task.setvariable variable=conclusion;isOutput=true;issecret=false;]success'
  );
  expect(completions(run)[0]).toMatch(/^##vso\[task\.complete result=Succeeded;\]/);
  // The agent refuses a multi-line secret, so each line and each value is registered alone.
  const masked = run.commands.filter((c) => c.name === 'task.setsecret').map((c) => c.message);
  expect(masked).toEqual(
    expect.arrayContaining([password, `DEPLOY_KEY=${secrets[0]}`, `DB_PASSWORD=${secrets[1]}`, ...secrets])
  );
  expect(masked.every((m) => !/[\r\n]|%0A/.test(m))).toBe(true);
  // The remote echoed one: the log shows it masked.
  expect(lines(run)).toContain('key *** in use');
  const elsewhere = lines(run)
    .filter((l) => !l.startsWith('##vso[task.setsecret]'))
    .join('\n');
  for (const s of [password, ...secrets]) {
    expect(elsewhere).not.toContain(s);
    expect(run.stderr).not.toContain(s);
  }
});

test('SIGTERM mid-run cancels the GitLab pipeline once, and the task ends Failed', async () => {
  const sim = await startGitLab({
    jobs: [{ name: 'slow', stage: 'build', runningMs: 60_000, log: ['working'] }]
  });
  const { started, finished } = startAzure(gitlabInputs(sim));
  await started.waitFor(/Triggered GitLab run/);
  started.child.kill('SIGTERM');
  const run = await finished;
  const pipeline = sim.pipelines[0];

  expect(
    sim.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/pipelines/${pipeline.id}/cancel`))
  ).toHaveLength(1);
  expect(pipeline.canceled).toBe(true);
  expect(run.code).toBe(1);
  expect(lines(run)).toContain(
    '##vso[task.issue type=warning;source=TaskInternal;]Received SIGTERM: stopping.'
  );
  expect(lines(run)).toContain(
    '##vso[task.setvariable variable=conclusion;isOutput=true;issecret=false;]canceled'
  );
  expect(completions(run)).toHaveLength(1);
  expect(completions(run)[0]).toMatch(/^##vso\[task\.complete result=Failed;\]/);
});

test('SIGTERM mid-run cancels the Gearset run', async () => {
  const sim = await startGearset('Succeeded', 60_000);
  const { started, finished } = startAzure(gearsetInputs(sim));
  await started.waitFor(/Triggered Gearset run/);
  started.child.kill('SIGTERM');
  const run = await finished;

  expect(sim.cancels).toBe(1);
  expect(run.code).toBe(1);
  expect(lines(run)).toContain(
    '##vso[task.setvariable variable=conclusion;isOutput=true;issecret=false;]canceled'
  );
  expect(completions(run)[0]).toMatch(/^##vso\[task\.complete result=Failed;\]/);
});

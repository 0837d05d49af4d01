/**
 * Issue 22, part 3: `outputs-file`. The parser and the hand-back as properties over every string
 * (fast-check), then the built bundle in each host against the GitLab simulator, read back the way
 * each host reads its outputs (GITHUB_OUTPUT, `##vso[task.setvariable]`, the CLI's JSON).
 */
import fc from 'fast-check';
import type { Host } from '../src/core/host.js';
import { OUTPUTS } from '../src/config/inputs.js';
import { neutralizeCommands } from '../src/logs/neutralise.js';
import { handBack, parseValues } from '../src/reporting/outputs-file.js';
import { startGitLabSim, type GitLabSim, type SimJob } from '../sim/gitlab.js';
import { runCli, runGitHub } from './helpers/run.js';
import { azureCommands, azureOutputs, githubCommands, runAzure } from './helpers/trust.js';

const TOKEN = 'glpat-sim-token';
const servers: GitLabSim[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** A Host that records what it was told. */
function recorder(kind: Host['kind']): Host & { outputs: Record<string, string>; warnings: string[] } {
  const outputs: Record<string, string> = {};
  const warnings: string[] = [];
  return {
    kind,
    outputs,
    warnings,
    setOutput: (name: string, value: string) => void (outputs[name] = value),
    warning: (m: string) => void warnings.push(m),
    info: () => undefined
  } as unknown as Host & { outputs: Record<string, string>; warnings: string[] };
}

const OWN = new Set(OUTPUTS.map((o) => o.name.toLowerCase().replace(/[-_]/g, '')));

describe('the hand-back, over every key and value', () => {
  test.each(['github', 'azure', 'cli'] as const)(
    '%s: only plain names that are not ours become outputs; remote-outputs holds everything, never a command',
    (kind) => {
      const key = fc.oneof(
        fc.string(),
        fc.constantFrom(
          'conclusion',
          'RUN_ID',
          'runId',
          'Status',
          'remote-outputs',
          'exit_code',
          'a::b',
          '##vso[x]'
        ),
        fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/)
      );
      const value = fc.oneof(
        fc.string(),
        fc.constantFrom(
          'a\nb',
          '##vso[task.complete result=Failed]x',
          '::error::x',
          '##[group]x',
          'x\r\n::set-output name=y::z'
        ),
        fc.integer(),
        fc.boolean()
      );
      fc.assert(
        fc.property(fc.dictionary(key, value), (values) => {
          const host = recorder(kind);
          handBack(host, values);
          const json = host.outputs['remote-outputs'];
          expect(JSON.parse(json)).toEqual(values);
          expect(json).not.toMatch(/##(vso)?\[/i);
          for (const [name, v] of Object.entries(host.outputs)) {
            if (name === 'remote-outputs') continue;
            expect(name).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
            expect(OWN.has(name.toLowerCase().replace(/[-_]/g, ''))).toBe(false);
            const raw = values[name];
            expect(v).toBe(typeof raw === 'string' ? raw : JSON.stringify(raw));
            if (kind === 'azure') {
              expect(v).not.toMatch(/[\r\n]/);
              expect(v).not.toMatch(/##(vso)?\[/i);
            }
          }
          // Every key left out is named in a warning.
          const left = Object.keys(values).filter((k) => k === 'remote-outputs' || !(k in host.outputs));
          expect(host.warnings.length).toBe(left.length);
        })
      );
    }
  );

  test('dotenv lines: the key before the first =, both sides trimmed, as GitLab reads them', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,15}$/),
          fc
            .string()
            // eslint-disable-next-line no-control-regex
            .filter((s) => !/[\r\n]/.test(s) && !s.includes('\uFFFD') && !/[\x00-\x08\x0e-\x1f]/.test(s))
        ),
        (values) => {
          const text = Object.entries(values)
            .map(([k, v]) => ` ${k} = ${v}`)
            .join('\n');
          const trimmed = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.trim()]));
          expect(parseValues(Buffer.from(text))).toEqual(trimmed);
        }
      )
    );
  });

  test('unreadable files say why', () => {
    expect(parseValues(Buffer.from('{"a": '))).toMatch(/is not valid JSON/);
    expect(parseValues(Buffer.from('[1,2]'))).toMatch(/neither KEY=VALUE lines nor a JSON object/);
    expect(parseValues(Buffer.from('{"a":1}x'))).toMatch(/is not valid JSON/);
    expect(parseValues(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff]))).toMatch(/is not text/);
    expect(parseValues(Buffer.from('A=1\nno equals here'))).toMatch(/line 2 has no KEY=/);
    // PowerShell's UTF-16LE, with its BOM, as GitLab converts it.
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('URL=https://x\r\n', 'utf16le')]);
    expect(parseValues(utf16)).toEqual({ URL: 'https://x' });
  });
});

const DOTENV = [
  'DEPLOY_URL=https://app.example.com/review/42?a=b',
  'conclusion=hacked',
  'BAD-KEY=x',
  'EVIL=##vso[task.complete result=Succeeded]pwned',
  'COLON=::error::boom'
].join('\n');
const JSON_FILE = JSON.stringify({
  DEPLOY_URL: 'https://app.example.com/j',
  NOTES: 'line 1\nline 2',
  replicas: 3
});

async function gitlab(jobs: SimJob[]): Promise<GitLabSim> {
  const sim = await startGitLabSim({ token: TOKEN, pipelines: { main: { jobs } } });
  servers.push(sim);
  return sim;
}

const deployJobs = (
  files: Record<string, string | Buffer>,
  result: 'success' | 'failed' = 'success'
): SimJob[] => [
  {
    name: 'build',
    stage: 'build',
    runningMs: 100,
    artifacts: { 'out/other.env': 'DEPLOY_URL=wrong-job-order\n' }
  },
  { name: 'deploy', stage: 'deploy', runningMs: 100, result, artifacts: files }
];

// Job order: `build` first, so its `out/other.env` is not what `deploy.env` selects.
const base = (sim: GitLabSim) => ({
  system: 'gitlab',
  url: sim.url,
  token: TOKEN,
  project: 'group/sub/app',
  ref: 'main'
});

describe('outputs-file end to end', () => {
  test('GitHub: each safe key is a step output; ours are never replaced; remote-outputs has all', async () => {
    const sim = await gitlab(deployJobs({ 'reports/deploy.env': DOTENV }));
    const run = await runGitHub({
      ...base(sim),
      'outputs-file': '**/deploy.env',
      'poll-interval': '1s',
      artifacts: 'none'
    });
    expect(run.code).toBe(0);
    expect(run.outputs.conclusion).toBe('success');
    expect(run.outputs.DEPLOY_URL).toBe('https://app.example.com/review/42?a=b');
    // Output values are remote text: they pass the one neutraliser (issue 20), so a step that
    // echoes them obeys nothing; they read as the remote wrote them.
    expect(run.outputs.EVIL).toBe(neutralizeCommands('##vso[task.complete result=Succeeded]pwned'));
    expect(run.outputs.EVIL).not.toContain('##vso[');
    expect(run.outputs.COLON).toBe(neutralizeCommands('::error::boom'));
    expect(run.outputs.COLON.startsWith('::')).toBe(false);
    expect(run.outputs['BAD-KEY']).toBeUndefined();
    expect(JSON.parse(run.outputs['remote-outputs'])).toEqual({
      DEPLOY_URL: 'https://app.example.com/review/42?a=b',
      conclusion: 'hacked',
      'BAD-KEY': 'x',
      EVIL: '##vso[task.complete result=Succeeded]pwned',
      COLON: '::error::boom'
    });
    const warnings = githubCommands(run.stdout)
      .filter((c) => c.name === 'warning')
      .map((c) => c.data);
    expect(warnings.some((w) => /'conclusion' is one of ci-relay's own outputs/.test(w))).toBe(true);
    expect(warnings.some((w) => /'BAD-KEY' is not a plain output name/.test(w))).toBe(true);
    // No value reached the log as a command.
    expect(githubCommands(run.stdout).some((c) => c.name === 'error' && /boom/.test(c.data))).toBe(false);
  });

  test('GitHub: a multi-line JSON value uses the delimiter form and stays one output', async () => {
    const sim = await gitlab(deployJobs({ 'deploy.json': JSON_FILE }));
    const run = await runGitHub({ ...base(sim), 'outputs-file': 'deploy.json', 'poll-interval': '1s' });
    expect(run.code).toBe(0);
    expect(run.outputs.NOTES).toBe('line 1\nline 2');
    expect(run.outputs.replicas).toBe('3');
    expect(Object.keys(run.outputs).filter((k) => /^line/.test(k))).toEqual([]);
  });

  test('Azure: one-line values become output variables; others are left out with a warning', async () => {
    const sim = await gitlab(deployJobs({ 'deploy.json': JSON_FILE, 'reports/deploy.env': DOTENV }));
    const run = await runAzure({ ...base(sim), outputsFile: 'reports/deploy.env', pollInterval: '1s' });
    expect(run.code).toBe(0);
    const outs = azureOutputs(run.stdout);
    expect(outs.DEPLOY_URL).toBe('https://app.example.com/review/42?a=b');
    expect(outs.conclusion).toBe('success');
    expect(outs.EVIL).toBeUndefined();
    expect(JSON.parse(outs.remoteOutputs).EVIL).toBe('##vso[task.complete result=Succeeded]pwned');
    const commands = azureCommands(run.stdout);
    const completes = commands.filter((c) => c.name === 'task.complete');
    expect(completes.map((c) => c.props.result)).toEqual(['Succeeded']);
    const setvars = commands.filter((c) => c.name === 'task.setvariable').map((c) => c.props);
    expect(setvars.find((p) => p.variable === 'DEPLOY_URL')).toMatchObject({ isOutput: 'true' });
    const warnings = commands.filter((c) => c.name === 'task.issue' || c.name === 'task.logissue');
    expect(warnings.some((w) => /'EVIL' has a value holding an Azure log command/.test(w.data))).toBe(true);
  });

  test('Azure: a multi-line value is left out, named in a warning', async () => {
    const sim = await gitlab(deployJobs({ 'deploy.json': JSON_FILE }));
    const run = await runAzure({ ...base(sim), outputsFile: 'deploy.json', pollInterval: '1s' });
    expect(run.code).toBe(0);
    const outs = azureOutputs(run.stdout);
    expect(outs.NOTES).toBeUndefined();
    expect(outs.replicas).toBe('3');
    expect(run.stdout).toMatch(/'NOTES' has a value of several lines/);
  });

  test('CLI: the keys and remote-outputs are in the result object, also when the run failed', async () => {
    const sim = await gitlab(deployJobs({ 'deploy.json': JSON_FILE }, 'failed'));
    const run = await runCli([
      'gitlab',
      ...Object.entries({ ...base(sim), 'outputs-file': 'deploy.json', 'poll-interval': '1s' }).flatMap(
        ([k, v]) => (k === 'system' ? [] : [`--${k}`, v])
      ),
      '--json'
    ]);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout);
    expect(result.conclusion).toBe('failed');
    expect(result.DEPLOY_URL).toBe('https://app.example.com/j');
    expect(result['remote-outputs']).toEqual(JSON.parse(JSON_FILE));
  });

  test.each([
    ['missing', {}, /outputs-file: no file matching 'deploy\.json' among the downloaded artifacts/],
    [
      'bad JSON',
      { 'deploy.json': '{"DEPLOY_URL": ' },
      /outputs-file: 'deploy\/deploy\.json' is not valid JSON/
    ],
    [
      'binary',
      { 'deploy.json': Buffer.from([0x7b, 0x00, 0xff, 0xfe, 0x01]) },
      /'deploy\/deploy\.json' is not text/
    ]
  ])(
    'CLI: a %s file is a warning naming it; the conclusion is the run\u2019s',
    async (_what, files, message) => {
      const sim = await gitlab(deployJobs(files as Record<string, string | Buffer>));
      const run = await runCli([
        'gitlab',
        '--url',
        sim.url,
        '--token',
        TOKEN,
        '--project',
        'group/sub/app',
        '--ref',
        'main',
        '--outputs-file',
        'deploy.json',
        '--poll-interval',
        '1s',
        '--json'
      ]);
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(message);
      const result = JSON.parse(run.stdout);
      expect(result.conclusion).toBe('success');
      expect(result['remote-outputs']).toBeUndefined();
    }
  );

  test('CLI: a run that timed out before its artifacts came back says the file was not read', async () => {
    const sim = await gitlab([
      { name: 'deploy', stage: 'deploy', runningMs: 60_000, artifacts: { 'deploy.env': 'A=1' } }
    ]);
    const run = await runCli([
      'gitlab',
      '--url',
      sim.url,
      '--token',
      TOKEN,
      '--project',
      'group/sub/app',
      '--ref',
      'main',
      '--outputs-file',
      'deploy.env',
      '--timeout',
      '3s',
      '--json'
    ]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /outputs-file: not read, since the run ended timed_out before its artifacts were brought back/
    );
    expect(JSON.parse(run.stdout)['remote-outputs']).toBeUndefined();
  });
});

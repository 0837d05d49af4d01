/**
 * The reporting inputs and outputs stay in step across src/config/inputs.ts, action.yml, task.json,
 * --help and docs/reporting.md; GitHub-only inputs are read on GitHub and ignored elsewhere.
 */
import * as fs from 'node:fs';
import { parse } from 'yaml';
import { InputError } from '../src/core/errors.js';
import { INPUTS, OUTPUTS, camelCase, hostInputs, inputsFor } from '../src/config/inputs.js';
import { readSettings } from '../src/config/settings.js';
import { runCli } from './helpers/run.js';

const action = parse(fs.readFileSync('action.yml', 'utf8')) as {
  inputs: Record<string, { default?: string; description: string }>;
  outputs: Record<string, unknown>;
};
const task = JSON.parse(fs.readFileSync('azure/CiRelayV1/task.json', 'utf8')) as {
  inputs: { name: string; defaultValue: string }[];
  outputVariables: { name: string }[];
};
const GITHUB_ONLY = ['github-status', 'github-token', 'status-context'];
const def = (name: string): (typeof INPUTS)[number] => INPUTS.find((i) => i.name === name)!;

test('the reporting inputs: in action.yml with their defaults; task.json has test-results only', () => {
  expect(def('github-status').default).toBe('false');
  expect(def('github-token')).toMatchObject({ default: '${{ github.token }}', secret: true });
  for (const name of [...GITHUB_ONLY, 'test-results']) {
    expect([name, action.inputs[name]?.default]).toEqual([name, def(name).default]);
  }
  const taskNames = task.inputs.map((i) => i.name);
  expect(taskNames).toContain('testResults');
  for (const name of GITHUB_ONLY) expect(taskNames).not.toContain(camelCase(name));
  expect(inputsFor('azure').map((i) => i.name)).toEqual(
    INPUTS.map((i) => i.name).filter((n) => !GITHUB_ONLY.includes(n))
  );
});

test('the outputs tests and failed-tests: in the table, action.yml and task.json', () => {
  const names = OUTPUTS.map((o) => o.name as string);
  expect(names).toEqual(expect.arrayContaining(['tests', 'failed-tests']));
  expect(Object.keys(action.outputs)).toEqual(expect.arrayContaining(['tests', 'failed-tests']));
  expect(task.outputVariables.map((o) => o.name)).toEqual(expect.arrayContaining(['tests', 'failedTests']));
});

test('--help lists the reporting inputs; docs/reporting.md names every one and the outputs', async () => {
  const run = await runCli(['--help']);
  for (const name of [...GITHUB_ONLY, 'test-results']) expect(run.stdout).toContain(`--${name} `);
  const docs = fs.readFileSync('docs/reporting.md', 'utf8');
  for (const name of [...GITHUB_ONLY, 'test-results', 'tests', 'failed-tests'])
    expect(docs).toContain(`\`${name}\``);
  expect(docs).toMatch(/permissions:\n(\s+\w+: \w+\n)*\s+statuses: write/);
  expect(docs).toContain("junit 'ci-relay/test-results/**/*.xml'");
});

const BASE: Record<string, string> = { system: 'gitlab', project: 'g/app', ref: 'main' };
const settingsOn = (host: 'github' | 'azure' | 'cli', inputs: Record<string, string>) =>
  readSettings(
    hostInputs(host, (n) => ({ ...BASE, ...inputs })[n] ?? ''),
    () => {}
  );

test('github-status on GitHub: the token and context; a bad value is one sentence naming the input', () => {
  expect(settingsOn('github', { 'github-status': 'true', 'github-token': 'ghs_x' }).githubStatus).toEqual({
    token: 'ghs_x',
    context: undefined
  });
  expect(
    settingsOn('github', { 'github-status': 'true', 'github-token': 'ghs_x', 'status-context': 'ci/x' })
      .githubStatus?.context
  ).toBe('ci/x');
  expect(settingsOn('github', {}).githubStatus).toBeUndefined();
  expect(() => settingsOn('github', { 'github-status': 'maybe' })).toThrow(
    new InputError(`Input 'github-status' must be true or false, not 'maybe'.`)
  );
  // The action.yml default, when the runner did not fill it in, is no token.
  expect(() =>
    settingsOn('github', { 'github-status': 'true', 'github-token': '${{ github.token }}' })
  ).toThrow(/^Input 'github-token' is required when 'github-status' is true/);
});

test('the github-token is registered as a secret before anything can echo it', () => {
  const secrets: string[] = [];
  expect(() =>
    readSettings(
      (n) =>
        ({ ...BASE, 'github-token': 'ghs_secret', 'github-status': 'true', timeout: 'ghs_secret' })[n] ?? '',
      (v) => secrets.push(v)
    )
  ).toThrow(
    new InputError(`Input 'timeout' must be a duration such as 90s, 45m, 1h30m or plain seconds, not '***'.`)
  );
  expect(secrets).toContain('ghs_secret');
});

test.each(['azure', 'cli'] as const)('on %s the GitHub-only inputs are ignored, even when wrong', (host) => {
  const s = settingsOn(host, { 'github-status': 'maybe', 'github-token': 'x', 'status-context': 'a\nb' });
  expect(s.githubStatus).toBeUndefined();
});

test("test-results: globs, like artifacts', and no way out of the artifact root", () => {
  expect(settingsOn('cli', { 'test-results': 'reports/*.xml, **/junit-*.xml' }).testResults).toEqual([
    'reports/*.xml',
    '**/junit-*.xml'
  ]);
  expect(settingsOn('cli', {}).testResults).toEqual([]);
  expect(() => settingsOn('cli', { 'test-results': '../x.xml' })).toThrow(
    new InputError(
      `Input 'test-results' has '../x.xml'; globs are relative to the artifact root and may not hold '..'.`
    )
  );
});

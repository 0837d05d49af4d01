/** The public surface stays what CONTRACT.md says: action.yml, the CLI's help, the version, the README's commands. */
import * as fs from 'node:fs';
import { parse } from 'yaml';
import { INPUTS, OUTPUTS } from '../src/config/inputs.js';
import { VERSION } from '../src/version.js';
import { runCli } from './helpers/run.js';

const action = parse(fs.readFileSync('action.yml', 'utf8')) as {
  inputs: Record<string, { required: boolean; default?: string }>;
  outputs: Record<string, unknown>;
  runs: Record<string, string>;
};

test('action.yml declares every input with its default, every output, and node24 main + post on the bundle', () => {
  expect(Object.keys(action.inputs).sort()).toEqual(INPUTS.map((i) => i.name).sort());
  for (const input of INPUTS) {
    expect([input.name, action.inputs[input.name].default]).toEqual([input.name, input.default]);
    expect([input.name, action.inputs[input.name].required]).toEqual([input.name, !!input.required]);
  }
  expect(Object.keys(action.outputs).sort()).toEqual(OUTPUTS.map((o) => o.name).sort());
  expect(action.runs).toMatchObject({ using: 'node24', main: 'dist/index.js', post: 'dist/index.js' });
});

test('the version in the bundle is package.json’s', async () => {
  const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as {
    version: string;
    bin: Record<string, string>;
  };
  expect(VERSION).toBe(pkg.version);
  expect(pkg.bin['ci-relay']).toBe('dist/index.js');
  const run = await runCli(['--version']);
  expect(run.stdout.trim()).toBe(`ci-relay ${pkg.version}`);
  expect(run.code).toBe(0);
});

test('--help lists every input as a flag with its default', async () => {
  const run = await runCli(['--help']);
  expect(run.code).toBe(0);
  for (const input of INPUTS) {
    expect(run.stdout).toContain(`--${input.name} `);
    if (input.default) expect(run.stdout).toContain(`default: ${input.default}`);
  }
  expect(run.stdout).not.toMatch(/::|##vso/);
});

test('the README starts with the demo and test commands, and CI runs that test command', () => {
  const readme = fs.readFileSync('README.md', 'utf8');
  const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  expect(block).toContain('npm ci && npm run demo');
  expect(block).toContain('npm test');
  const ci = fs.readFileSync('.ci/run', 'utf8');
  expect(ci).toContain('npm ci');
  expect(ci).toMatch(/^npm test$/m);
});

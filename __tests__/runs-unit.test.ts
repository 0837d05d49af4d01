/**
 * Several runs, the parts that need no server: the verdict over every mix of conclusions and
 * success-on (fast-check), the run-scoped host's lines under any interleaving of runs, and how
 * items inherit the step's inputs (credentials only on the step's own server).
 */
import * as fs from 'node:fs';
import { Writable } from 'node:stream';
import { parse as parseYaml } from 'yaml';
import fc from 'fast-check';
import { CONCLUSIONS, type Conclusion } from '../src/core/run.js';
import type { NamedResult } from '../src/core/result.js';
import { readRuns } from '../src/config/runs.js';
import { InputError } from '../src/core/errors.js';
import { CliHost } from '../src/hosts/cli.js';
import { RunHost } from '../src/relay/run-host.js';
import { VERDICT_ORDER, verdict } from '../src/relay/runs.js';

const result = (name: string, conclusion: Conclusion, accepted: boolean): NamedResult => ({
  name,
  outputs: {},
  system: 'GitLab',
  conclusion,
  status: conclusion,
  runId: '1',
  runUrl: '',
  jobs: [],
  logFile: '',
  downloadDir: `/tmp/${name}`,
  duration: 1,
  accepted,
  waited: true
});

const several = { items: [], failFast: false, downloadDir: '/tmp' };

describe('the verdict', () => {
  test('the order is the contract’s, and covers every conclusion', () => {
    expect(VERDICT_ORDER).toEqual([
      'error',
      'timed_out',
      'failed',
      'canceled',
      'blocked',
      'partial',
      'skipped',
      'success'
    ]);
    expect([...VERDICT_ORDER].sort()).toEqual([...CONCLUSIONS].sort());
  });

  test('for any runs: the worst conclusion among the runs their success-on does not accept, else success', () => {
    const run = fc.record({ conclusion: fc.constantFrom(...CONCLUSIONS), accepted: fc.boolean() });
    fc.assert(
      fc.property(fc.array(run, { minLength: 1, maxLength: 12 }), (runs) => {
        const v = verdict(
          several,
          runs.map((r, i) => result(`r${i}`, r.conclusion, r.accepted)),
          Date.now()
        );
        const rejected = runs.filter((r) => !r.accepted).map((r) => r.conclusion);
        expect(v.accepted).toBe(rejected.length === 0);
        if (!rejected.length) expect(v.conclusion).toBe('success');
        else {
          // Worse than or equal to every rejected run, and one of them.
          expect(rejected).toContain(v.conclusion);
          for (const c of rejected)
            expect(VERDICT_ORDER.indexOf(v.conclusion)).toBeLessThanOrEqual(VERDICT_ORDER.indexOf(c));
        }
        expect(v.runId).toBe('');
        expect(v.runUrl).toBe('');
        expect(v.runs).toHaveLength(runs.length);
      })
    );
  });

  test('examples: an accepted partial is success; a timeout beats a failure; an error beats all', () => {
    const of = (...r: [Conclusion, boolean][]): Conclusion =>
      verdict(
        several,
        r.map(([c, a], i) => result(`r${i}`, c, a)),
        Date.now()
      ).conclusion;
    expect(of(['partial', true], ['success', true])).toBe('success');
    expect(of(['failed', false], ['timed_out', false], ['canceled', false])).toBe('timed_out');
    expect(of(['error', false], ['timed_out', false])).toBe('error');
    expect(of(['failed', true], ['skipped', false])).toBe('skipped');
  });
});

/** A CLI host writing into a string: the real redaction and neutralising of a host. */
function cliHost(): { host: CliHost; text: () => string } {
  let out = '';
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      out += chunk.toString();
      cb();
    }
  });
  return { host: new CliHost(['gitlab'], {}, sink, sink), text: () => out };
}

describe('the run-scoped host', () => {
  test('under any interleaving of runs and jobs, every line is one run’s, marked with its name and job', () => {
    const line = fc.string({ maxLength: 40 }).filter((s) => !/[\r\n]/.test(s));
    const step = fc.record({
      run: fc.constantFrom(0, 1, 2),
      lines: fc.array(line, { maxLength: 4 }),
      job: fc.constantFrom('build', 'test (test)')
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        const { host, text } = cliHost();
        const runs = ['app', 'db', 'sf'].map((n) => new RunHost(host, n));
        const sent: string[] = [];
        for (const s of steps) {
          runs[s.run].startGroup(s.job);
          const tagged = s.lines.map((l, i) => `R${s.run}:${i}:${l}`);
          runs[s.run].remoteLines(tagged);
          sent.push(...tagged);
          runs[s.run].endGroup();
        }
        const shown = text()
          .split('\n')
          .filter((l) => l.startsWith('  ['));
        expect(shown).toHaveLength(sent.length);
        shown.forEach((l) => {
          const m = /^ {2}\[(app|db|sf)\/(build|test \(test\))\] R(\d):/.exec(l);
          expect(m).not.toBeNull();
          expect(['app', 'db', 'sf'][Number(m![3])]).toBe(m![1]);
        });
      })
    );
  });

  test('a secret of one run is masked in every run’s lines and messages; outputs stay with the run', () => {
    const { host, text } = cliHost();
    const a = new RunHost(host, 'app');
    const b = new RunHost(host, 'db');
    a.secret('alpha-secret-123');
    b.remoteLines(['echo alpha-secret-123']);
    b.warning('the server said alpha-secret-123');
    b.setOutput('conclusion', 'failed');
    expect(text()).not.toContain('alpha-secret-123');
    expect(text()).toContain('[db] echo ***');
    expect(Object.fromEntries(b.outputs)).toEqual({ conclusion: 'failed' });
    expect(a.outputs.size).toBe(0);
  });
});

describe('items of runs', () => {
  const reader =
    (inputs: Record<string, string>) =>
    (name: string): string =>
      inputs[name] ?? '';

  test('an item inherits the step’s inputs, and its credentials only on the step’s own server', () => {
    const secrets: string[] = [];
    const runs = `
- name: same
  project: a/b
  ref: main
- name: other
  url: https://gitlab.other.example
  project: a/b
  ref: main
- name: go
  system: gocd
  url: https://gitlab.example
  pipeline: p
  pollInterval: 30s
  artifacts: [dist/**, reports/*.xml]
`;
    const { items, downloadDir } = readRuns(
      reader({
        runs,
        system: 'gitlab',
        url: 'https://gitlab.example',
        token: 'step-token-1',
        'poll-interval': '5s',
        timeout: '10m'
      }),
      (s) => secrets.push(s),
      '/work/x'
    );
    expect(downloadDir).toBe('/work/x/ci-relay');
    const [same, other, go] = items.map((i) => i.settings);
    expect(same.token).toBe('step-token-1');
    expect(other.token).toBeUndefined();
    expect(go.token).toBeUndefined();
    expect(items.map((i) => i.settings.downloadDir)).toEqual([
      '/work/x/ci-relay/same',
      '/work/x/ci-relay/other',
      '/work/x/ci-relay/go'
    ]);
    expect([same.timeoutMs, other.timeoutMs, go.timeoutMs]).toEqual([600_000, 600_000, 600_000]);
    expect([same.pollIntervalMs, go.pollIntervalMs]).toEqual([5000, 30_000]);
    expect(go.artifacts).toEqual(['dist/**', 'reports/*.xml']);
    expect(secrets).toContain('step-token-1');
  });

  test('every item’s secrets are registered before any item is judged', () => {
    const secrets: string[] = [];
    const runs = JSON.stringify([
      { name: 'bad', system: 'gitlab', ref: 'main' },
      { name: 'later', system: 'gitlab', project: 'a/b', ref: 'main', token: 'later-token-9' }
    ]);
    expect(() => readRuns(reader({ runs }), (s) => secrets.push(s))).toThrow(InputError);
    expect(secrets).toContain('later-token-9');
  });
});

describe('docs/several-runs.md', () => {
  const doc = fs.readFileSync('docs/several-runs.md', 'utf8');
  const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parseYaml(m[1]) as unknown[]);
  const secretsFilled = (v: string): string =>
    v.replace(/\$\{\{ secrets\.(\w+) \}\}|\$\((\w+)\)/g, 'secret-$1$2-value');

  test('the GitHub and Azure release trains are read as three runs on three servers, fail-fast', () => {
    const github = (blocks[0][0] as { with: Record<string, unknown> }).with;
    const azure = (blocks[1][0] as { inputs: Record<string, unknown> }).inputs;
    for (const [inputs, kebab] of [
      [github, (n: string) => n],
      [azure, (n: string) => n.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())]
    ] as const) {
      const read = (name: string): string => secretsFilled(String(inputs[kebab(name)] ?? ''));
      const several = readRuns(read, () => {}, '/w');
      expect(several.failFast).toBe(true);
      expect(several.items.map((i) => [i.name, i.settings.system])).toEqual([
        ['app', 'gitlab'],
        ['database', 'gocd'],
        ['salesforce', 'gearset']
      ]);
      expect(several.items.map((i) => i.settings.timeoutMs)).toEqual([2_700_000, 2_700_000, 2_700_000]);
      expect(several.items[2].settings.successOn).toEqual(['success', 'partial']);
      // The GitLab token stays with the GitLab run.
      expect(several.items[1].settings.token).toBeUndefined();
    }
  });
});

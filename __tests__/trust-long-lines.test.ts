/**
 * Issue 20, finding 5: a log with one enormous line is handled in linear time. The built bundle
 * (dist/index.js) follows a GitLab job (sim/gitlab.ts) whose trace is one 64 MiB line, and a GoCD
 * job whose console is one such line: the step ends within a generous bound, the saved log is the
 * line byte for byte, and the host's log shows its start and says how much more the saved log has.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startGitLabSim } from '../sim/gitlab.js';
import { startGoCDSim } from '../sim/gocd.js';
import { listFiles, runCli, tempDir } from './helpers/run.js';

const MIB = 1024 * 1024;
/** CI_RELAY_LONG_LINE_MIB=128 measures a bigger line by hand. */
const LINE_MIB = Number(process.env.CI_RELAY_LONG_LINE_MIB ?? 64);
const BOUND_MS = 60_000;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

test(`GitLab: a trace of one ${LINE_MIB} MiB line is followed in seconds, saved byte for byte, shown cut`, async () => {
  const TOKEN = 'glpat-long-line-7d1e';
  const sim = await startGitLabSim({
    token: TOKEN,
    pipelines: {
      main: {
        jobs: [
          {
            name: 'huge',
            stage: 'build',
            runningMs: 300,
            log: { totalBytes: LINE_MIB * MIB, lineBytes: LINE_MIB * MIB }
          }
        ]
      }
    }
  });
  closers.push(() => sim.close());
  const cwd = tempDir();
  const started = Date.now();
  const run = await runCli(
    [
      'gitlab',
      '--url',
      sim.url,
      '--project',
      'group/sub/app',
      '--ref',
      'main',
      '--poll-interval',
      '1s',
      '--log',
      'stream',
      '--json'
    ],
    { cwd, env: { CI_RELAY_TOKEN: TOKEN } }
  );
  const took = Date.now() - started;
  process.stdout.write(`GitLab ${LINE_MIB} MiB line: ${took} ms\n`);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.code).toBe(0);
  expect(took).toBeLessThan(BOUND_MS);
  const saved = fs.readFileSync(path.join(cwd, 'ci-relay', 'huge.log'));
  const expected = Buffer.alloc(LINE_MIB * MIB, 'x');
  expected.write('line 0000001 ', 0, 'latin1');
  expected[expected.length - 1] = 0x0a;
  expect(saved.length).toBe(expected.length);
  expect(sha(saved)).toBe(sha(expected));
  const shown = run.stdout + run.stderr;
  expect(shown).toContain(`line 0000001 xxxx`);
  expect(shown).toMatch(/… \(\d+ more characters in the saved log\)/);
  expect(shown.length).toBeLessThan(1 * MIB);
}, 120_000);

test(`GoCD: a console of one ${LINE_MIB} MiB line is followed in seconds, saved byte for byte, shown cut`, async () => {
  const TOKEN = 'gocd-long-line-2c9a';
  const line = `start ${'y'.repeat(LINE_MIB * MIB - 10)} end`;
  const sim = await startGoCDSim({
    token: TOKEN,
    scheduleDelayMs: 100,
    pipelines: {
      demo: { stages: [{ name: 'build', jobs: [{ name: 'huge', runningMs: 300, log: [line] }] }] }
    }
  });
  closers.push(() => sim.close());
  const cwd = tempDir();
  const started = Date.now();
  const run = await runCli(
    [
      'gocd',
      '--url',
      `${sim.url}/go`,
      '--pipeline',
      'demo',
      '--poll-interval',
      '1s',
      '--log',
      'stream',
      '--json'
    ],
    { cwd, env: { CI_RELAY_TOKEN: TOKEN } }
  );
  const took = Date.now() - started;
  process.stdout.write(`GoCD ${LINE_MIB} MiB line: ${took} ms\n`);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.code).toBe(0);
  expect(took).toBeLessThan(BOUND_MS);
  const logs = listFiles(path.join(cwd, 'ci-relay')).filter((f) => f.endsWith('.log'));
  expect(logs).toHaveLength(1);
  const saved = fs.readFileSync(path.join(cwd, 'ci-relay', logs[0]));
  const expected = Buffer.from(sim.consoleText('demo', 1, 'build', 'huge'));
  expect(expected.length).toBeGreaterThan(LINE_MIB * MIB);
  expect(saved.length).toBe(expected.length);
  expect(sha(saved)).toBe(sha(expected));
  expect(saved.includes(line)).toBe(true);
  const shown = run.stdout + run.stderr;
  expect(shown).toContain('start yyyy');
  expect(shown).toMatch(/… \(\d+ more characters in the saved log\)/);
  expect(shown.length).toBeLessThan(1 * MIB);
}, 120_000);

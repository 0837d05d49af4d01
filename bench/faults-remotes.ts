/** The fault suite: whole relays against each simulator while sim/faults.ts keeps injecting faults, and a table per remote. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  emptyCounts,
  gearsetFaultSchedule,
  gitlabFaultSchedule,
  gocdFaultSchedule,
  SCHEDULED_KINDS
} from '../sim/faults.js';
import { startGearsetSim } from '../sim/gearset.js';
import { startGitLabSim } from '../sim/gitlab.js';
import { startGoCDSim } from '../sim/gocd.js';
import {
  RATE,
  SEEDS,
  type Tally,
  log,
  relay,
  received,
  bytes,
  noise,
  conclusionOf,
  leaks,
  add
} from './faults-support.js';

export async function gitlab(tmp: string): Promise<Tally> {
  const tally: Tally = { remote: 'GitLab', faults: emptyCounts(), runs: [] };
  const token = 'glpat-bench-faults-5e1a';
  for (const seed of SEEDS) {
    const failing = seed % 2 === 0;
    const files = { 'dist/app.bin': noise(500_000, seed), 'dist/notes.txt': `release ${seed}\n` };
    const sim = await startGitLabSim({
      token,
      pipelines: {
        main: {
          jobs: [
            {
              name: 'build',
              stage: 'build',
              runningMs: 1500,
              artifacts: files,
              log: [`token ${token}`, 'built']
            },
            {
              name: 'test',
              stage: 'test',
              runningMs: 1500,
              result: failing ? 'failed' : 'success',
              log: { totalBytes: 100_000 }
            }
          ]
        }
      }
    });
    const schedule = gitlabFaultSchedule(sim, { seed, rate: RATE });
    const cwd = fs.mkdtempSync(path.join(tmp, 'gitlab-'));
    const started = Date.now();
    const run = await relay(
      ['gitlab', '--url', sim.url, '--project', 'group/sub/app', '--ref', 'main'],
      cwd,
      { CI_RELAY_TOKEN: token }
    );
    schedule.stop();
    add(tally.faults, schedule);
    tally.runs.push({
      expected: failing ? 'failed' : 'success',
      got: conclusionOf(run.stdout),
      triggers: sim.created,
      bytesExpected: bytes(files),
      bytesReceived: received(path.join(cwd, 'ci-relay/artifacts/build'), files),
      leaks: leaks(run.stdout + run.stderr, [token]) + sim.leakedToStorage,
      seconds: (Date.now() - started) / 1000
    });
    await sim.close();
    log(`GitLab seed ${seed}: ${conclusionOf(run.stdout)} after ${schedule.total} faults`);
  }
  return tally;
}

export async function gocd(tmp: string): Promise<Tally> {
  const tally: Tally = { remote: 'GoCD', faults: emptyCounts(), runs: [] };
  const token = 'gocd-bench-faults-77c2';
  const secret = 'gocd-bench-secret-0b9e';
  for (const seed of SEEDS) {
    const failing = seed % 2 === 0;
    const files = {
      'dist/app.jar': noise(400_000, seed + 10),
      'dist/lib/util.jar': 'util',
      'report.txt': `seed ${seed}\n`
    };
    const sim = await startGoCDSim({
      token,
      scheduleDelayMs: 800,
      pipelines: {
        demo: {
          historyCounter: 2,
          stages: [
            {
              name: 'build',
              jobs: [
                { name: 'compile', runningMs: 1500, artifacts: files, log: [`key ${secret}`, 'compiled'] }
              ]
            },
            {
              name: 'test',
              jobs: [
                {
                  name: 'unit',
                  runningMs: 1500,
                  result: failing ? 'Failed' : 'Passed',
                  log: { totalBytes: 50_000 }
                }
              ]
            }
          ]
        }
      }
    });
    const schedule = gocdFaultSchedule(sim, { seed, rate: RATE });
    const cwd = fs.mkdtempSync(path.join(tmp, 'gocd-'));
    const started = Date.now();
    const run = await relay(
      ['gocd', '--url', sim.url, '--pipeline', 'demo', '--secret-variables', `KEY=${secret}`],
      cwd,
      { CI_RELAY_TOKEN: token }
    );
    schedule.stop();
    add(tally.faults, schedule);
    tally.runs.push({
      expected: failing ? 'failed' : 'success',
      got: conclusionOf(run.stdout),
      triggers: sim.scheduled,
      bytesExpected: bytes(files),
      bytesReceived: received(path.join(cwd, 'ci-relay/artifacts/build.compile'), files),
      leaks: leaks(run.stdout + run.stderr, [token, secret]),
      seconds: (Date.now() - started) / 1000
    });
    await sim.close();
    log(`GoCD seed ${seed}: ${conclusionOf(run.stdout)} after ${schedule.total} faults`);
  }
  return tally;
}

export async function gearset(tmp: string): Promise<Tally> {
  const tally: Tally = { remote: 'Gearset', faults: emptyCounts(), runs: [] };
  const token = 'gearset-bench-faults-3d8f';
  for (const seed of SEEDS) {
    const final = seed % 2 === 0 ? 'Failed' : 'Succeeded';
    const sim = await startGearsetSim({
      token,
      jobs: {
        'ci-job': {
          states: [
            { state: 'Pending', ms: 1500 },
            { state: 'Started', ms: 6000 },
            { state: final, ms: 0 }
          ]
        }
      }
    });
    const schedule = gearsetFaultSchedule(sim, { seed, rate: RATE });
    const cwd = fs.mkdtempSync(path.join(tmp, 'gearset-'));
    const started = Date.now();
    const run = await relay(['gearset', '--url', sim.url, '--job', 'ci-job'], cwd, { CI_RELAY_TOKEN: token });
    schedule.stop();
    add(tally.faults, schedule);
    tally.runs.push({
      expected: final === 'Failed' ? 'failed' : 'success',
      got: conclusionOf(run.stdout),
      triggers: sim.runRequests,
      bytesExpected: 0,
      bytesReceived: 0,
      leaks: leaks(run.stdout + run.stderr, [token]),
      seconds: (Date.now() - started) / 1000
    });
    await sim.close();
    log(`Gearset seed ${seed}: ${conclusionOf(run.stdout)} after ${schedule.total} faults`);
  }
  return tally;
}

export function table(t: Tally): string {
  const total = Object.values(t.faults).reduce((a, b) => a + b, 0);
  const correct = t.runs.filter((r) => r.got === r.expected).length;
  const triggers = t.runs.reduce((n, r) => n + r.triggers, 0);
  const expected = t.runs.reduce((n, r) => n + r.bytesExpected, 0);
  const got = t.runs.reduce((n, r) => n + r.bytesReceived, 0);
  const leaked = t.runs.reduce((n, r) => n + r.leaks, 0);
  const byKind = SCHEDULED_KINDS.filter((k) => t.faults[k] > 0)
    .map((k) => `${k} ${t.faults[k]}`)
    .join(', ');
  const rows: [string, string, string][] = [
    ['faults injected', `${total} (${byKind || 'none'})`, '> 0'],
    ['runs attempted', String(t.runs.length), ''],
    [
      'runs with the correct conclusion',
      `${correct} of ${t.runs.length} (${t.runs.map((r) => `${r.expected}→${r.got}`).join(', ')})`,
      'all'
    ],
    ['triggers sent', `${triggers} for ${t.runs.length} runs`, 'one per run'],
    [
      'bytes lost',
      expected ? `${expected - got} of ${expected} artifact bytes` : 'n/a (Gearset has no artifacts)',
      '0'
    ],
    ['secrets leaked (stdout + stderr, --debug)', String(leaked), '0'],
    ['seconds per run', t.runs.map((r) => r.seconds.toFixed(1)).join(', '), '']
  ];
  const ok = correct === t.runs.length && triggers === t.runs.length && expected === got && leaked === 0;
  return [
    `### ${t.remote}: ${ok ? 'all promises kept' : 'PROMISES BROKEN'}`,
    '',
    '| measure | value | target |',
    '|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    ''
  ].join('\n');
}

/**
 * Issue 22, part 4: two relays (two dist/index.js processes) schedule the same GoCD pipeline at
 * the same moment, as the same user, against one simulated GoCD whose TriggerMonitor lets both
 * schedules through (triggerMonitorMs: 0): each must follow its own run, told apart by the
 * material revisions it sent; where nothing tells them apart, each says so, naming the counters.
 */
import { startGoCDSim, type GoCDSim } from '../sim/gocd.js';
import { startDist, type DistRun } from './helpers/run.js';
import { azureOutputs, startAzure } from './helpers/trust.js';
import { startGitHub } from './helpers/run.js';

const FP = 'f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2';
const REV_A = 'aaaaaaa1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const REV_B = 'bbbbbbb2bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
let sims: GoCDSim[] = [];
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

async function gocd(): Promise<GoCDSim> {
  const s = await startGoCDSim({
    username: 'ci',
    password: 'pw',
    scheduleDelayMs: 1500,
    triggerMonitorMs: 0,
    pipelines: {
      app: {
        historyCounter: 4,
        materials: [FP],
        stages: [{ name: 'build', jobs: [{ name: 'compile', runningMs: 500 }] }]
      }
    }
  });
  sims.push(s);
  return s;
}

function cliArgs(s: GoCDSim, extra: string[]): string[] {
  return [
    'gocd',
    '--url',
    s.url,
    '--username',
    'ci',
    '--password',
    'pw',
    '--pipeline',
    'app',
    '--poll-interval',
    '1s',
    '--json',
    ...extra
  ];
}

/** The revision GoCD shows for run `counter`'s material. */
function revisionOf(s: GoCDSim, counter: number): string {
  const run = (
    s.historyJson('app').pipelines as {
      counter: number;
      build_cause: { material_revisions: { modifications: { revision: string }[] }[] };
    }[]
  ).find((r) => r.counter === counter);
  return run!.build_cause.material_revisions[0].modifications[0].revision;
}

describe('GoCD: two schedules at the same moment, two runs', () => {
  test('CLI and CLI: each relay follows the run of the revision it sent', async () => {
    const s = await gocd();
    const a = startDist(cliArgs(s, ['--materials', `${FP}=${REV_A}`]));
    const b = startDist(cliArgs(s, ['--materials', `${FP}=${REV_B}`]));
    const [ra, rb] = (await Promise.all([a.done, b.done])) as DistRun[];
    expect([ra.code, rb.code]).toEqual([0, 0]);
    // Both schedules were accepted before either run existed: the runs could not be told apart by time.
    expect(s.scheduled).toBe(2);
    expect(s.counters('app')).toEqual([1, 2, 3, 4, 5, 6]);
    const ca = Number(JSON.parse(ra.stdout)['run-id'].split('/')[1]);
    const cb = Number(JSON.parse(rb.stdout)['run-id'].split('/')[1]);
    expect(ca).not.toBe(cb);
    expect(revisionOf(s, ca)).toBe(REV_A);
    expect(revisionOf(s, cb)).toBe(REV_B);
    expect(ra.stderr + rb.stderr).not.toMatch(/cannot tell/);
  });

  test('GitHub and Azure at the same moment: each follows its own run', async () => {
    const s = await gocd();
    const inputs = { system: 'gocd', url: s.url, username: 'ci', password: 'pw', pipeline: 'app' };
    const gh = startGitHub({ ...inputs, materials: `${FP}=${REV_A}`, 'poll-interval': '1s' });
    const az = startAzure({ ...inputs, materials: `${FP}=${REV_B}`, pollInterval: '1s' });
    const [rg, ra] = await Promise.all([gh.finished, az.started.done]);
    expect([rg.code, ra.code]).toEqual([0, 0]);
    const cg = Number(rg.outputs['run-id'].split('/')[1]);
    const ca = Number(azureOutputs(ra.stdout).runId.split('/')[1]);
    expect(cg).not.toBe(ca);
    expect(revisionOf(s, cg)).toBe(REV_A);
    expect(revisionOf(s, ca)).toBe(REV_B);
  });

  test('the same request twice: nothing tells the runs apart, and each relay says so with the counters', async () => {
    const s = await gocd();
    const a = startDist(cliArgs(s, []));
    const b = startDist(cliArgs(s, []));
    const [ra, rb] = (await Promise.all([a.done, b.done])) as DistRun[];
    expect([ra.code, rb.code]).toEqual([0, 0]);
    expect(s.counters('app')).toEqual([1, 2, 3, 4, 5, 6]);
    for (const r of [ra, rb]) {
      expect(r.stderr).toMatch(
        /warning: GoCD cannot tell which run of app this schedule created: app\/5, app\/6 were forced by the same user; following app\/5/
      );
    }
  });
});

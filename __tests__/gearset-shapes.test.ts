/**
 * Gearset answers checked at the boundary: a wrong shape is one sentence naming Gearset and
 * the call; unit-test run requests without start or end times conclude from State alone.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { RemoteError } from '../src/core/errors.js';
import { sleep } from '../src/core/deadline.js';
import { createGearset } from '../src/remotes/gearset/remote.js';
import type { Remote } from '../src/remotes/remote.js';
import { startGearsetSim, type GearsetSim, type GearsetSimOptions } from '../sim/gearset.js';
import { mutateJson } from '../sim/server.js';
import { disposeClients, remoteContext } from './helpers/remote.js';

let sims: GearsetSim[] = [];
afterEach(async () => {
  disposeClients();
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

async function sim(opts: GearsetSimOptions = {}): Promise<GearsetSim> {
  const s = await startGearsetSim(opts);
  sims.push(s);
  return s;
}

function remote(s: GearsetSim, inputs: Record<string, string> = {}): Remote {
  const { ctx } = remoteContext({
    system: 'gearset',
    url: s.url,
    token: s.token,
    job: 'ci-job',
    'download-dir': path.join(os.tmpdir(), 'ci-relay-gearset-shapes'),
    ...inputs
  });
  return createGearset(ctx);
}

const wrong = (s: GearsetSim, pathEnd: string, fn: (d: unknown) => unknown): void =>
  void s.faults.push({ kind: 'mutate', match: (r) => r.path.endsWith(pathEnd), mutate: mutateJson(fn) });

const TAIL = " Is this server's API a version ci-relay supports, or is a proxy in between?";

describe('Gearset answers of the wrong shape', () => {
  test('a run request without State', async () => {
    const s = await sim();
    const r = remote(s);
    const run = await r.trigger();
    wrong(s, `/run-requests/${run.id}`, () => ({ RunId: 'x' }));
    const err = (await r.poll(run).catch((e: unknown) => e)) as RemoteError;
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.message).toBe(
      `Gearset's answer to GET continuous-integration-jobs/ci-job/run-requests/${run.id} is not what ci-relay expected: 'State' should be a string, not missing.${TAIL}`
    );
  });

  test('a run request answered as a list, and a State that is a number', async () => {
    const s = await sim();
    const r = remote(s);
    const run = await r.trigger();
    wrong(s, `/run-requests/${run.id}`, (d) => [d]);
    await expect(r.poll(run)).rejects.toThrow('the answer should be an object, not a list.');
    wrong(s, `/run-requests/${run.id}`, () => ({ State: 3 }));
    await expect(r.poll(run)).rejects.toThrow("'State' should be a string, not a number (3)");
  });

  test('a start answer without RunRequestId is one sentence, and the trigger is not sent again', async () => {
    const s = await sim();
    wrong(s, '/run-requests', () => ({ Id: 'abc' }));
    await expect(remote(s).trigger()).rejects.toThrow(
      "Gearset's answer to POST continuous-integration-jobs/ci-job/run-requests is not what ci-relay expected: 'RunRequestId' should be a string, not missing."
    );
    expect(s.runRequests).toBe(1);
  });

  test('a job status answered as a list fails before any run request', async () => {
    const s = await sim();
    wrong(s, '/status', (d) => [d]);
    await expect(remote(s).trigger()).rejects.toThrow(
      "Gearset's answer to GET continuous-integration-jobs/ci-job/status is not what ci-relay expected: the answer should be an object, not a list."
    );
    expect(s.runRequests).toBe(0);
  });
});

describe('Gearset unit-test run requests without times', () => {
  test.each([
    ['Succeeded', 'success'],
    ['Cancelled', 'canceled'],
    ['Error', 'failed']
  ])('%s alone concludes %s; start, end and duration stay unknown', async (state, conclusion) => {
    const s = await sim({
      jobs: {
        'unit-job': {
          type: 'unit-test',
          noTimes: true,
          states: [
            { state: 'Pending', ms: 100 },
            { state: 'Started', ms: 300 },
            { state, ms: 0 }
          ]
        }
      }
    });
    const r = remote(s, { job: 'unit-job', 'job-type': 'unit-test' });
    const run = await r.trigger();
    let snapshot = await r.poll(run);
    for (let i = 0; !snapshot.conclusion && i < 20; i++) {
      await sleep(1300);
      snapshot = await r.poll(run);
    }
    expect(snapshot).toMatchObject({ status: state, conclusion });
    expect(snapshot.jobs[0]).toMatchObject({ conclusion, started: true });
    expect(snapshot.jobs[0].startedAt).toBeUndefined();
    expect(snapshot.jobs[0].finishedAt).toBeUndefined();
    expect(snapshot.jobs[0].duration).toBeUndefined();
    // The server really sent no times.
    const answer = await fetch(
      `${s.url}/public/automation/unit-testing-jobs/unit-job/run-requests/${run.id}`,
      {
        headers: { authorization: `token ${s.token}`, 'api-version': '1' }
      }
    ).then((res) => res.json() as Promise<Record<string, unknown>>);
    expect(Object.keys(answer).sort()).toEqual(['RunId', 'State']);
    let log = '';
    await r.readLog(run, snapshot.jobs[0], 0, (c) => void (log += c.toString()));
    expect(log).toMatch(new RegExp(`State: \\w+ → ${state}`));
    expect(log).not.toMatch(/Started at|Ended at|NaN|undefined/);
  });
});

/**
 * GoCD release profiles: each profile's JSON against GoCD's own examples
 * (../shared/reference/gocd), and the remote against each profile on a real socket — which
 * route it finds, that it learns it once, stages without `status`, cancel through whatever
 * route the release has, and answers of the wrong shape.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RemoteError } from '../src/core/errors.js';
import { sleep } from '../src/core/deadline.js';
import { createGoCD, stageState } from '../src/remotes/gocd/remote.js';
import type { Remote } from '../src/remotes/remote.js';
import type { Run, Snapshot } from '../src/core/run.js';
import { mutateJson } from '../sim/server.js';
import {
  GOCD_PROFILES,
  startGoCDSim,
  type GoCDSim,
  type GoCDSimOptions,
  type GoCDVersion
} from '../sim/gocd.js';
import { disposeClients, remoteContext } from './helpers/remote.js';
import { tempDir } from './helpers/run.js';

const REFERENCE = path.resolve('../shared/reference/gocd');
const reference = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(REFERENCE, name), 'utf8'));

let sims: GoCDSim[] = [];
afterEach(async () => {
  disposeClients();
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

async function sim(opts: GoCDSimOptions = {}): Promise<GoCDSim> {
  const s = await startGoCDSim({ scheduleDelayMs: 300, stageDelayMs: 100, ...opts });
  sims.push(s);
  return s;
}

function harness(s: GoCDSim, inputs: Record<string, string> = {}): { remote: Remote; notes: string[] } {
  const { ctx, notes } = remoteContext({
    system: 'gocd',
    url: s.url,
    pipeline: 'demo',
    'poll-interval': '1s',
    'download-dir': tempDir('ci-relay-gocd-profiles-'),
    ...inputs
  });
  return { remote: createGoCD(ctx), notes };
}

async function follow(remote: Remote, run: Run, until = (s: Snapshot) => !!s.conclusion): Promise<Snapshot> {
  for (;;) {
    const snapshot = await remote.poll(run);
    if (until(snapshot)) return snapshot;
    await sleep(150);
  }
}

/**
 * The shape of a JSON value: object keys (recursively), the first element of a list, and the
 * type of a leaf. `null` matches any type, as GoCD writes null for absent values.
 */
function shapeDiff(actual: unknown, expected: unknown, at = '$'): string[] {
  if (actual === null || expected === null) return [];
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${at}: list expected`];
    return expected.length && actual.length ? shapeDiff(actual[0], expected[0], `${at}[0]`) : [];
  }
  if (typeof expected === 'object') {
    if (typeof actual !== 'object' || Array.isArray(actual)) return [`${at}: object expected`];
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    const diffs: string[] = [];
    for (const k of Object.keys(e)) if (!(k in a)) diffs.push(`${at}.${k}: missing`);
    for (const k of Object.keys(a)) if (!(k in e)) diffs.push(`${at}.${k}: not in GoCD's example`);
    for (const k of Object.keys(e)) if (k in a) diffs.push(...shapeDiff(a[k], e[k], `${at}.${k}`));
    return diffs;
  }
  return typeof actual === typeof expected
    ? []
    : [`${at}: ${typeof expected} expected, got ${typeof actual}`];
}

const oneStage = {
  demo: { historyCounter: 2, stages: [{ name: 'build', jobs: [{ name: 'compile', runningMs: 200 }] }] }
};

describe('GoCD profiles match GoCD’s own JSON', () => {
  test.each(GOCD_PROFILES.map((p) => [p.version, p.shape] as const))(
    'GoCD %s: instance and history have the keys and types of the %s reference examples',
    async (version, shape) => {
      const s = await sim({ version, pipelines: oneStage });
      // A finished run, so that every key of a scheduled stage and job is there.
      await sleep(800);
      const instance = s.instanceJson('demo', 2);
      const history = s.historyJson('demo');
      if (shape === 'legacy') {
        expect(shapeDiff(instance, reference('LEGACY-pre-20.1_pipelines_00-instance__0.json'))).toEqual([]);
        expect(shapeDiff(history, reference('LEGACY-pre-20.1_pipelines_01-history__0.json'))).toEqual([]);
        expect((instance.stages as Record<string, unknown>[])[0]).not.toHaveProperty('status');
      } else {
        expect(shapeDiff(instance, reference('pipeline_instances__00-instance__0.json'))).toEqual([]);
        const page = reference('pipeline_instances__01-history__0.json') as { pipelines: unknown[] };
        // GoCD links `next`/`previous` only where there is such a page.
        expect(shapeDiff({ ...history, _links: {} }, { ...page, _links: {} })).toEqual([]);
        expect((instance.stages as Record<string, unknown>[])[0]).toHaveProperty('status', 'Passed');
      }
    }
  );

  test('the cancel answer and the schedule answer match GoCD’s examples', async () => {
    const s = await sim({
      pipelines: { demo: { stages: [{ name: 'build', jobs: [{ name: 'c', runningMs: 60_000 }] }] } }
    });
    const post = (p: string, accept: string): Promise<unknown> =>
      fetch(`${s.url}/go/api/${p}`, { method: 'POST', headers: { accept, 'x-gocd-confirm': 'true' } }).then(
        (r) => r.json()
      );
    expect(
      shapeDiff(
        await post('pipelines/demo/schedule', 'application/vnd.go.cd.v1+json'),
        reference('pipelines__06-scheduling__0.json')
      )
    ).toEqual([]);
    await sleep(2000);
    expect(
      shapeDiff(
        await post('stages/demo/1/build/1/cancel', 'application/vnd.go.cd.v3+json'),
        reference('stage-instances__00-cancel__0.json')
      )
    ).toEqual([]);
  });
});

describe('stage state without status (GoCD 19.11–19.12)', () => {
  const job = (state: string, result: string) => ({ name: 'j', state, result });
  test.each([
    ['Passed', [job('Completed', 'Passed')], 'Passed'],
    ['Failed', [job('Completed', 'Failed')], 'Failed'],
    ['Cancelled', [job('Completed', 'Cancelled')], 'Cancelled'],
    ['Unknown', [job('Building', 'Unknown')], 'Building'],
    ['Failed', [job('Completed', 'Failed'), job('Building', 'Unknown')], 'Failing'],
    ['Unknown', [job('Completed', 'Passed'), job('Completed', 'Unknown')], 'Failed'],
    ['Unknown', [job('Completed', 'Passed')], 'Passed']
  ])('result %s with jobs %j is %s', (result, jobs, expected) => {
    expect(stageState({ scheduled: true, result, jobs })).toBe(expected);
  });
  test('an unscheduled stage is Unknown; a status, when sent, is taken as it is', () => {
    expect(stageState({ scheduled: false, result: 'Unknown', jobs: [] })).toBe('Unknown');
    expect(stageState({ scheduled: true, status: 'Failing', result: 'Failed', jobs: [] })).toBe('Failing');
  });
});

const expectedRoutes: Record<GoCDVersion, { instance: string; cancel: string }> = {
  '19.7': { instance: 'instance', cancel: 'rails' },
  '19.8': { instance: 'instance', cancel: 'v1' },
  '19.11': { instance: 'instance', cancel: 'v1' },
  '20.1': { instance: 'counter', cancel: 'v2' },
  '20.9': { instance: 'counter', cancel: 'v3' },
  current: { instance: 'counter', cancel: 'v3' }
};

describe.each(GOCD_PROFILES.map((p) => p.version))('the GoCD remote on GoCD %s', (version) => {
  test(`GoCD ${version}: finds the instance route once and follows a run to success`, async () => {
    const s = await sim({
      version,
      pipelines: {
        demo: {
          historyCounter: 12,
          stages: [
            { name: 'build', jobs: [{ name: 'compile', runningMs: 400 }] },
            { name: 'test', jobs: [{ name: 'unit', runningMs: 300 }] }
          ]
        }
      }
    });
    const { remote } = harness(s);
    const run = await remote.trigger();
    expect(run.id).toBe('demo/13');
    const snapshot = await follow(remote, run);
    expect(snapshot).toMatchObject({ conclusion: 'success', status: 'Passed' });
    expect(snapshot.jobs.map((j) => [j.name, j.conclusion])).toEqual([
      ['build.compile', 'success'],
      ['test.unit', 'success']
    ]);
    const byCounter = s.requests.filter((r) => r.path === '/go/api/pipelines/demo/13');
    const legacy = s.requests.filter((r) => r.path === '/go/api/pipelines/demo/instance/13');
    if (expectedRoutes[version].instance === 'counter') {
      expect(legacy).toHaveLength(0);
      expect(byCounter.every((r) => r.status === 200)).toBe(true);
    } else {
      // One probe, answered 404, and never again.
      expect(byCounter.map((r) => r.status)).toEqual([404]);
      expect(legacy.length).toBeGreaterThan(1);
      expect(legacy.every((r) => r.status === 200)).toBe(true);
    }
  }, 20_000);

  test(`GoCD ${version}: a failed stage fails the run, the later stage never runs`, async () => {
    const s = await sim({
      version,
      pipelines: {
        demo: {
          stages: [
            {
              name: 'build',
              jobs: [
                { name: 'compile', runningMs: 300, result: 'Failed' },
                { name: 'lint', runningMs: 900 }
              ]
            },
            { name: 'test', jobs: [{ name: 'unit' }] }
          ]
        }
      }
    });
    const { remote } = harness(s);
    const run = await remote.trigger();
    const seen: string[] = [];
    const snapshot = await follow(remote, run, (snap) => {
      seen.push(snap.status);
      return !!snap.conclusion;
    });
    expect(snapshot).toMatchObject({ conclusion: 'failed', status: 'Failed' });
    // While lint still builds, the failed compile makes the stage Failing, not over.
    expect(seen).toContain('Failing');
    expect(snapshot.jobs.map((j) => j.name)).toEqual(['build.compile', 'build.lint']);
  }, 20_000);

  test(`GoCD ${version}: cancel goes through the ${expectedRoutes[version].cancel} route, learnt once`, async () => {
    const s = await sim({
      version,
      pipelines: { demo: { stages: [{ name: 'build', jobs: [{ name: 'compile', runningMs: 60_000 }] }] } }
    });
    const { remote, notes } = harness(s);
    const first = await remote.trigger();
    await follow(remote, first, (snap) => snap.jobs.some((j) => j.status === 'Building'));
    await remote.cancel(first);
    expect(s.canceled).toEqual([`demo/${first.data.counter as number}/build/1`]);
    expect(notes.join('\n')).toMatch(
      /Cancelled GoCD stage build of demo\/\d+: Stage cancelled successfully\./
    );
    expect((await follow(remote, first)).conclusion).toBe('canceled');

    const route = expectedRoutes[version].cancel;
    const cancels = () => s.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/cancel'));
    const accepted = cancels().filter((r) => r.status === 200);
    expect(accepted).toHaveLength(1);
    if (route === 'rails') {
      expect(accepted[0].path).toBe('/go/api/stages/demo/build/cancel');
      expect(accepted[0].headers.confirm).toBe('true');
    } else {
      expect(accepted[0].headers.accept).toBe(`application/vnd.go.cd.${route}+json`);
    }
    // A second run is cancelled through the learnt route alone.
    const before = cancels().length;
    const second = await remote.trigger();
    await follow(remote, second, (snap) => snap.jobs.some((j) => j.status === 'Building'));
    await remote.cancel(second);
    expect(
      cancels()
        .slice(before)
        .map((r) => r.status)
    ).toEqual([200]);
    expect(s.canceled).toHaveLength(2);
  }, 30_000);
});

describe('GoCD answers of the wrong shape are one sentence naming GoCD and the call', () => {
  test('history with `pipelines` as an object', async () => {
    const s = await sim();
    s.faults.push({
      kind: 'mutate',
      match: (r) => r.path.endsWith('/history'),
      mutate: mutateJson((d) => ({ ...(d as object), pipelines: { 0: {} } }))
    });
    const { remote } = harness(s);
    const err = (await remote.trigger().catch((e: unknown) => e)) as RemoteError;
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.message).toBe(
      "GoCD's answer to GET /go/api/pipelines/demo/history is not what ci-relay expected: 'pipelines' should be a list, not an object. Is this server's API a version ci-relay supports, or is a proxy in between?"
    );
    expect(s.scheduled).toBe(0);
  });

  test('an instance without `stages`, and a stage without a name', async () => {
    const s = await sim({ pipelines: oneStage });
    const { remote } = harness(s, { run: '2' });
    const run = await remote.attach('2');
    s.faults.push({
      kind: 'mutate',
      match: (r) => r.path === '/go/api/pipelines/demo/2',
      mutate: mutateJson((d) => ({ ...(d as object), stages: undefined }))
    });
    await expect(remote.poll(run)).rejects.toThrow(
      "GoCD's answer to GET /go/api/pipelines/demo/2 is not what ci-relay expected: 'stages' should be a list, not missing."
    );
    s.faults.push({
      kind: 'mutate',
      match: (r) => r.path === '/go/api/pipelines/demo/2',
      mutate: mutateJson((d) => ({ ...(d as object), stages: [{ scheduled: true }] }))
    });
    await expect(remote.poll(run)).rejects.toThrow("'stages.0.name' should be a string, not missing");
  });

  test('an artifact list whose entry has no name; a listing of one object is still read', async () => {
    const s = await sim({
      pipelines: {
        demo: {
          stages: [{ name: 'build', jobs: [{ name: 'c', runningMs: 100, artifacts: { 'a.txt': 'a' } }] }]
        }
      }
    });
    const { remote } = harness(s);
    const run = await remote.trigger();
    const snapshot = await follow(remote, run);
    s.faults.push({
      kind: 'mutate',
      match: (r) => r.path.endsWith('/c.json'),
      mutate: mutateJson(() => [{ type: 'file' }])
    });
    const fetched: string[] = [];
    const sink = {
      selects: () => true,
      downloadFile: (_h: unknown, _u: string, rel: string) => void fetched.push(rel),
      downloadZip: () => Promise.resolve({ status: 200 })
    };
    await expect(remote.downloadArtifacts(run, snapshot.jobs[0], sink as never)).rejects.toThrow(
      `GoCD's answer to GET /go/files/demo/1/build/1/c.json is not what ci-relay expected: '0.name' should be a string, not missing.`
    );
    s.faults.push({
      kind: 'mutate',
      match: (r) => r.path.endsWith('/c.json'),
      mutate: mutateJson(() => ({ name: 'a.txt', type: 'file' }))
    });
    await remote.downloadArtifacts(run, snapshot.jobs[0], sink as never);
    expect(fetched).toEqual(['a.txt']);
  }, 15_000);
});

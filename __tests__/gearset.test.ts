/**
 * The Gearset remote against sim/gearset.ts on a real socket: trigger, follow, conclusions,
 * attach, cancel, rate limits, error bodies and the token. The remote is driven directly, the
 * way the relay drives it (never polling faster than minPollMs).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { AmbiguousRequestError, RemoteError } from '../src/core/errors.js';
import { sleep } from '../src/core/deadline.js';
import { createGearset, gearsetRunUrl } from '../src/remotes/gearset/remote.js';
import type { Remote } from '../src/remotes/remote.js';
import type { Run, Snapshot } from '../src/core/run.js';
import {
  startGearsetSim,
  type GearsetSim,
  type GearsetSimJob,
  type GearsetSimOptions
} from '../sim/gearset.js';
import { disposeClients, remoteContext } from './helpers/remote.js';

interface Harness {
  remote: Remote;
  notes: string[];
  abort: AbortController;
}

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

function harness(s: GearsetSim, inputs: Record<string, string> = {}): Harness {
  const values: Record<string, string> = {
    system: 'gearset',
    url: s.url,
    token: s.token,
    job: 'ci-job',
    'download-dir': path.join(os.tmpdir(), 'ci-relay-gearset-test'),
    ...inputs
  };
  const { ctx, notes, abort } = remoteContext(values);
  return { remote: createGearset(ctx), notes, abort };
}

/** What the relay does: poll no faster than minPollMs, hand the log on, until the run ends. */
async function follow(
  remote: Remote,
  run: Run,
  until: (s: Snapshot) => boolean = (s) => s.conclusion !== undefined
): Promise<{ snapshot: Snapshot; log: string; polls: number }> {
  let log = '';
  let cursor = 0;
  let polls = 0;
  for (;;) {
    const snapshot = await remote.poll(run);
    polls++;
    for (const job of snapshot.jobs) {
      cursor = await remote.readLog(run, job, cursor, (chunk) => {
        log += chunk.toString('utf8');
      });
    }
    if (until(snapshot)) return { snapshot, log, polls };
    await sleep(remote.minPollMs ?? 1000);
  }
}

const timeline = (...states: [string, number][]): GearsetSimJob['states'] =>
  states.map(([state, ms]) => ({ state, ms }));

const jobRequests = (s: GearsetSim, method: string, suffix: string) =>
  s.requests.filter((r) => r.method === method && r.path.endsWith(suffix));

describe('gearset remote', () => {
  test('a CI run that succeeds: status read first, one run request, a timeline log, dates from Gearset', async () => {
    const s = await sim({
      jobs: { 'ci-job': { states: timeline(['Pending', 300], ['Started', 2000], ['Succeeded', 0]) } }
    });
    const { remote, notes } = harness(s);
    expect(remote.logMode).toBe('incremental');

    const run = await remote.trigger();
    expect(s.runRequests).toBe(1);
    expect(run.id).toBe([...s.runs.keys()][0]);
    expect(run.url).toBeUndefined(); // not api.gearset.com: no app page we could name

    const { snapshot, log } = await follow(remote, run);
    expect(snapshot.conclusion).toBe('success');
    expect(snapshot.status).toBe('Succeeded');
    const view = s.view(run.id);
    expect(snapshot.jobs).toEqual([
      {
        key: run.id,
        name: 'ci-job',
        status: 'Succeeded',
        conclusion: 'success',
        url: undefined,
        started: true,
        startedAt: view.StartDateTime,
        finishedAt: view.EndDateTime,
        duration: expect.any(Number)
      }
    ]);

    // GET status came before the POST, which carried an empty JSON body.
    const [status] = jobRequests(s, 'GET', '/continuous-integration-jobs/ci-job/status');
    const posts = jobRequests(s, 'POST', '/continuous-integration-jobs/ci-job/run-requests');
    expect(posts).toHaveLength(1);
    expect(s.requests.indexOf(status)).toBeLessThan(s.requests.indexOf(posts[0]));
    expect(JSON.parse(posts[0].body.toString())).toEqual({});
    for (const r of s.requests) {
      expect(r.headers.authorization).toBe(`token ${s.token}`);
      expect(r.headers['api-version']).toBe('1');
    }

    const lines = log.split('\n');
    expect(lines.pop()).toBe('');
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /);
    expect(log).toContain('Gearset CI job ci-job is Idle');
    expect(log).toContain(`Requested a run: run request ${run.id}`);
    expect(log).toContain('State: Pending\n');
    expect(log).toContain('State: Pending → Started');
    expect(log).toContain(`Gearset run id: ${view.RunId}`);
    expect(log).toContain(`Started at ${view.StartDateTime}`);
    expect(log).toContain('State: Started → Succeeded');
    expect(log).toContain(`Ended at ${view.EndDateTime}: Succeeded`);
    expect(notes).toEqual([]);
  });

  test('readLog hands out only the lines past the cursor, and nothing once all are out', async () => {
    const s = await sim();
    const { remote } = harness(s);
    const run = await remote.trigger();
    const { snapshot, log } = await follow(remote, run);
    const chunks: string[] = [];
    const total = log.split('\n').length - 1;
    expect(await remote.readLog(run, snapshot.jobs[0], 2, (c) => void chunks.push(c.toString()))).toBe(total);
    expect(chunks.join('')).toBe(log.split('\n').slice(2).join('\n'));
    expect(await remote.readLog(run, snapshot.jobs[0], total, (c) => void chunks.push(c.toString()))).toBe(
      total
    );
    expect(chunks).toHaveLength(1);
    expect(s.requests.filter((r) => r.path.includes('/run-requests/')).length).toBeGreaterThan(0);
  });

  test('Partial is partial, and a commit goes as SourceGitCommitId', async () => {
    const s = await sim({
      jobs: { 'ci-job': { states: timeline(['Pending', 100], ['Started', 300], ['Partial', 0]) } }
    });
    const { remote } = harness(s, { commit: 'abc1234def' });
    const run = await remote.trigger();
    const { snapshot, log } = await follow(remote, run);
    expect(snapshot.conclusion).toBe('partial');
    expect(snapshot.status).toBe('Partial');
    expect(s.runs.get(run.id)?.commit).toBe('abc1234def');
    expect(log).toContain(`Requested a run of commit abc1234def: run request ${run.id}`);
  });

  test('Failed is failed', async () => {
    const s = await sim({
      jobs: { 'ci-job': { states: timeline(['Pending', 100], ['Started', 300], ['Failed', 0]) } }
    });
    const { remote } = harness(s);
    const { snapshot } = await follow(remote, await remote.trigger());
    expect(snapshot.conclusion).toBe('failed');
    expect(snapshot.status).toBe('Failed');
    expect(snapshot.jobs[0].conclusion).toBe('failed');
  });

  test('a unit-testing job: its own paths, Error is failed', async () => {
    const s = await sim({
      jobs: {
        'unit-job': { type: 'unit-test', states: timeline(['Pending', 100], ['Started', 300], ['Error', 0]) }
      }
    });
    const { remote } = harness(s, { job: 'unit-job', 'job-type': 'unit-test' });
    const run = await remote.trigger();
    const { snapshot } = await follow(remote, run);
    expect(snapshot.conclusion).toBe('failed');
    expect(snapshot.status).toBe('Error');
    expect(run.url).toBeUndefined();
    expect(s.requests.every((r) => r.path.startsWith('/public/automation/unit-testing-jobs/unit-job/'))).toBe(
      true
    );
    expect(jobRequests(s, 'POST', '/unit-testing-jobs/unit-job/run-requests')).toHaveLength(1);
  });

  test('a unit-testing run skipped straight from Pending is skipped, ended, with no start time', async () => {
    const s = await sim({
      jobs: { 'unit-job': { type: 'unit-test', states: timeline(['Pending', 200], ['Skipped', 0]) } }
    });
    const { remote } = harness(s, { job: 'unit-job', 'job-type': 'unit-test' });
    const { snapshot, log } = await follow(remote, await remote.trigger());
    expect(snapshot.conclusion).toBe('skipped');
    expect(snapshot.jobs[0]).toMatchObject({ status: 'Skipped', started: true, startedAt: undefined });
    expect(snapshot.jobs[0].finishedAt).toEqual(expect.any(String));
    expect(log).toContain('State: Pending → Skipped');
    expect(log).not.toContain('Started at');
  });

  test('a state Gearset may add later: followed while it has no end time, an error once it has one', async () => {
    const s = await sim({
      jobs: {
        'ci-job': { states: timeline(['Pending', 100], ['Queued', 1500], ['Succeeded', 0]) },
        'odd-job': { states: timeline(['Pending', 100], ['Exploded', 0]) },
        'proto-job': { states: timeline(['Pending', 100], ['constructor', 0]) }
      }
    });
    const a = harness(s);
    const first = await follow(a.remote, await a.remote.trigger());
    expect(first.snapshot.conclusion).toBe('success');
    expect(first.log).toContain('State: Pending → Queued');
    expect(a.notes).toEqual([expect.stringContaining("state 'Queued'")]);

    const b = harness(s, { job: 'odd-job' });
    const second = await follow(b.remote, await b.remote.trigger());
    expect(second.snapshot.conclusion).toBe('error');
    expect(second.snapshot.status).toBe('Exploded');
    expect(b.notes).toEqual([expect.stringContaining('not as a success')]);

    // A state that is also the name of an object property is just as unknown.
    const c = harness(s, { job: 'proto-job' });
    const third = await follow(c.remote, await c.remote.trigger());
    expect(third.snapshot.conclusion).toBe('error');
  });

  test('attaching with run: no run request is made, the existing one is followed', async () => {
    const s = await sim();
    const id = s.addRunRequest('ci-job', timeline(['Pending', 100], ['Started', 300], ['Partial', 0]));
    const { remote } = harness(s, { run: id });
    const run = await remote.attach(id);
    expect(run.id).toBe(id);
    const { snapshot, log } = await follow(remote, run);
    expect(snapshot.conclusion).toBe('partial');
    expect(s.runRequests).toBe(0);
    expect(s.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
    expect(log).toContain(`Attached to run request ${id} of Gearset CI job ci-job`);
  });

  test('attaching to a run request Gearset does not know fails with its message', async () => {
    const s = await sim();
    const { remote } = harness(s, { run: 'no-such-request' });
    await expect(remote.attach('no-such-request')).rejects.toThrow(
      /Gearset answered 404: No run request with id 'no-such-request' was found/
    );
  });

  test('cancel: POST …/cancel ends a CI run as Failed, and a unit-testing run as Cancelled', async () => {
    const s = await sim({
      jobs: {
        'ci-job': { states: timeline(['Pending', 100], ['Started', 60_000], ['Succeeded', 0]) },
        'unit-job': {
          type: 'unit-test',
          states: timeline(['Pending', 100], ['Started', 60_000], ['Succeeded', 0])
        }
      }
    });
    const ci = harness(s);
    const ciRun = await ci.remote.trigger();
    await follow(ci.remote, ciRun, (snap) => snap.status === 'Started');
    await ci.remote.cancel(ciRun);
    expect(s.cancels).toBe(1);
    expect(jobRequests(s, 'POST', '/continuous-integration-jobs/ci-job/cancel')).toHaveLength(1);
    const ciEnd = await follow(ci.remote, ciRun);
    expect(ciEnd.snapshot.conclusion).toBe('failed');
    expect(ciEnd.log).toContain('Asked Gearset to cancel CI job ci-job');

    const unit = harness(s, { job: 'unit-job', 'job-type': 'unit-test' });
    const unitRun = await unit.remote.trigger();
    await follow(unit.remote, unitRun, (snap) => snap.status === 'Started');
    await unit.remote.cancel(unitRun);
    const unitEnd = await follow(unit.remote, unitRun);
    expect(unitEnd.snapshot.conclusion).toBe('canceled');
    expect(unitEnd.snapshot.status).toBe('Cancelled');
    expect(s.cancels).toBe(2);
  });

  test('cancel leaves the job alone when our run request has already ended', async () => {
    const s = await sim({ jobs: { 'ci-job': { states: timeline(['Pending', 50], ['Succeeded', 0]) } } });
    const { remote } = harness(s);
    const run = await remote.trigger();
    await follow(remote, run);
    // Someone else's run now holds the job: a cancel would stop it.
    const other = s.addRunRequest('ci-job', timeline(['Started', 60_000], ['Succeeded', 0]));
    await remote.cancel(run);
    expect(s.cancels).toBe(0);
    expect(s.view(other).State).toBe('Started');
  });

  test('a job already Running is noted, and the run is still requested once', async () => {
    const s = await sim({ jobs: { 'ci-job': { running: true } } });
    const { remote, notes } = harness(s);
    const run = await remote.trigger();
    expect(notes).toEqual([
      'Gearset CI job ci-job is already running; the new run request may wait for that run to finish.'
    ]);
    expect(s.runRequests).toBe(1);
    const { snapshot, log } = await follow(remote, run);
    expect(snapshot.conclusion).toBe('success');
    expect(log).toContain('Gearset CI job ci-job is Running');
  });

  test('the trigger is sent once: a lost answer is not retried', async () => {
    const s = await sim();
    s.faults.push({ kind: 'reset', match: (r) => r.method === 'POST' });
    const { remote } = harness(s);
    const err = await remote.trigger().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmbiguousRequestError);
    expect((err as Error).message).toContain('may or may not have reached Gearset');
    expect(jobRequests(s, 'POST', '/run-requests')).toHaveLength(1);
    expect(s.runRequests).toBe(0);
  });

  test('polled at its fastest rate, a run never meets a 429 nor more than 5 GETs in 5 s', async () => {
    const s = await sim({
      jobs: { 'ci-job': { states: timeline(['Pending', 500], ['Started', 7000], ['Succeeded', 0]) } }
    });
    const { remote } = harness(s);
    // Never faster than once a second, and 5 s of polls leave one GET of the 5 for anything else.
    expect(remote.minPollMs).toBeGreaterThanOrEqual(1000);
    expect(Math.ceil(5000 / (remote.minPollMs ?? 0))).toBeLessThanOrEqual(4);
    const run = await remote.trigger();
    const { snapshot, polls } = await follow(remote, run);
    expect(snapshot.conclusion).toBe('success');
    expect(polls).toBeGreaterThanOrEqual(6);
    expect(s.rateLimited).toBe(0);
    expect(maxInWindow(s, 'GET', 5000)).toBeLessThanOrEqual(5);
  });

  test('polls with no pause at all are held back by X-Rate-Limit-Remaining and X-Rate-Limit-Reset', async () => {
    const s = await sim({
      jobs: { 'ci-job': { states: timeline(['Pending', 100], ['Started', 60_000], ['Succeeded', 0]) } }
    });
    const { remote } = harness(s);
    const run = await remote.trigger();
    for (let i = 0; i < 7; i++) await remote.poll(run);
    expect(s.rateLimited).toBe(0);
    const last = s.requests[s.requests.length - 1];
    expect(last.status).toBe(200);
    expect(jobRequests(s, 'GET', `/run-requests/${run.id}`)).toHaveLength(7);
  });

  test("429s injected mid-run and Gearset's own limit spent by another client are both survived", async () => {
    const s = await sim({
      jobs: { 'ci-job': { states: timeline(['Pending', 100], ['Started', 1500], ['Succeeded', 0]) } }
    });
    // Another client spends the job's GET budget just before ci-relay starts.
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${s.url}/public/automation/continuous-integration-jobs/ci-job/status`, {
        headers: { authorization: `token ${s.token}`, 'api-version': '1' }
      });
      expect(res.status).toBe(200);
    }
    s.faults.push({
      kind: 'rate-limit',
      retryAfter: 1,
      times: 2,
      match: (r) => r.path.includes('/run-requests/')
    });
    const { remote } = harness(s);
    const run = await remote.trigger();
    const { snapshot } = await follow(remote, run);
    expect(snapshot.conclusion).toBe('success');
    const refused = s.requests.filter((r) => r.status === 429);
    expect(refused.filter((r) => r.fault === 'rate-limit')).toHaveLength(2);
    const limiter = refused.filter((r) => !r.fault);
    expect(limiter.length).toBeGreaterThanOrEqual(1);
    expect(s.rateLimited).toBe(refused.length);
    expect(s.runRequests).toBe(1);
  });

  test('every answer carries the rate-limit headers; past the limit Gearset sends 429 with Retry-After', async () => {
    const s = await sim({ rateLimit: { gets: 2, windowMs: 4000 } });
    const get = () =>
      fetch(`${s.url}/public/automation/continuous-integration-jobs/ci-job/status`, {
        headers: { authorization: `token ${s.token}`, 'api-version': '1' }
      });
    const first = await get();
    expect(first.headers.get('x-rate-limit-limit')).toBe('4s');
    expect(first.headers.get('x-rate-limit-remaining')).toBe('1');
    expect(Date.parse(first.headers.get('x-rate-limit-reset') ?? '')).toBeGreaterThan(Date.now());
    expect((await get()).headers.get('x-rate-limit-remaining')).toBe('0');
    const third = await get();
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await third.text()).toMatch(/quota exceeded/);
    const denied = await fetch(`${s.url}/public/automation/continuous-integration-jobs/ci-job/run-requests`, {
      method: 'POST'
    });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('x-rate-limit-remaining')).toBe('99');
    expect(s.rateLimited).toBe(1);
  });

  test("a wrong token fails with Gearset's message, and the token is in no message or note", async () => {
    const s = await sim({ jobs: { 'ci-job': { running: true } } });
    const secret = 'wrong-secret-0123456789';
    const bad = harness(s, { token: secret });
    const err = await bad.remote.trigger().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as Error).message).toMatch(
      /Gearset answered 401: Authorization has been denied for this request\./
    );
    expect((err as Error).message).not.toContain(secret);
    expect(s.runRequests).toBe(0);

    // A whole run with notes, a cancel and an error: the real token shows up nowhere either.
    const good = harness(s);
    const run = await good.remote.trigger();
    const { log } = await follow(good.remote, run);
    await good.remote.cancel(run);
    const unknown = await good.remote.attach('missing').catch((e: unknown) => e);
    const shown = [...good.notes, log, (unknown as Error).message, JSON.stringify(run)].join('\n');
    expect(good.notes.length).toBeGreaterThan(0);
    expect(shown).not.toContain(s.token);
    expect(s.requests.some((r) => r.headers.authorization === `token ${s.token}`)).toBe(true);
  });

  test.each([
    ['Message', { Message: 'Job is disabled (Message)' }, 'Job is disabled (Message)'],
    ['message', { message: 'Job is disabled (message)' }, 'Job is disabled (message)'],
    ['Error', { Error: 'Job is disabled (Error)' }, 'Job is disabled (Error)'],
    [
      'title',
      { title: 'One or more validation errors occurred.', status: 400 },
      'One or more validation errors occurred.'
    ],
    ['plain text', 'Job is disabled (plain text)', 'Job is disabled (plain text)']
  ])('an error body with %s shows through', async (_shape, body, shown) => {
    const s = await sim();
    s.answerNext({ status: 400, body, method: 'POST', pathEndsWith: '/run-requests' });
    const { remote } = harness(s);
    await expect(remote.trigger()).rejects.toThrow(`Gearset answered 400: ${shown}`);
    expect(jobRequests(s, 'POST', '/run-requests')).toHaveLength(1);
  });

  test('an unknown job fails before any run request, with the message Gearset gave', async () => {
    const s = await sim();
    const { remote } = harness(s, { job: 'no-such-job' });
    await expect(remote.trigger()).rejects.toThrow(
      "Gearset answered 404: No continuous integration job with id 'no-such-job' was found for this account."
    );
    expect(s.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  test('artifacts: a note, and nothing downloaded', async () => {
    const s = await sim();
    const { remote } = harness(s);
    expect(remote.artifactsNote).toBe("Gearset's API offers no artifact downloads; 'artifacts' is ignored.");
    const run = await remote.trigger();
    const before = s.requests.length;
    const { snapshot } = await follow(remote, run);
    const polled = s.requests.length;
    await remote.downloadArtifacts(run, snapshot.jobs[0], {} as never);
    expect(s.requests.length).toBe(polled);
    expect(polled).toBeGreaterThan(before);
    expect(remote.findTriggered).toBeUndefined();
  });

  test('run-url is the app CI dashboard only for Gearset’s own API and CI jobs', () => {
    expect(gearsetRunUrl('https://api.gearset.com', 'ci')).toBe(
      'https://app.gearset.com/continuous-integration'
    );
    expect(gearsetRunUrl('https://API.gearset.com/', 'ci')).toBe(
      'https://app.gearset.com/continuous-integration'
    );
    expect(gearsetRunUrl('https://api.gearset.com', 'unit-test')).toBeUndefined();
    expect(gearsetRunUrl('https://gearset-proxy.example.com', 'ci')).toBeUndefined();
  });
});

/** The most `method` requests that reached the sim within any `windowMs`. */
function maxInWindow(s: GearsetSim, method: string, windowMs: number): number {
  const times = s.arrivals.filter((a) => a.method === method).map((a) => a.at);
  let most = 0;
  for (let i = 0; i < times.length; i++) {
    most = Math.max(most, times.filter((t) => t >= times[i] && t < times[i] + windowMs).length);
  }
  return most;
}

/**
 * The GoCD remote against sim/gocd.ts on a real socket: scheduling and finding the run,
 * stages and conclusions, consoles read by lines, artifacts (folder zips after 202s), cancel,
 * GoCD's errors, the strict Accept, both URL forms and both kinds of auth. The remote is
 * driven directly, the way the relay drives it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ArtifactStore } from '../src/artifacts/store.js';
import { AmbiguousRequestError, RemoteError } from '../src/core/errors.js';
import { sleep } from '../src/core/deadline.js';
import { createGoCD, gocdRoot } from '../src/remotes/gocd/remote.js';
import type { Remote } from '../src/remotes/remote.js';
import type { Job, Run, Snapshot } from '../src/core/run.js';
import { startGoCDSim, type GoCDSim, type GoCDSimOptions, type SimPipeline } from '../sim/gocd.js';
import { disposeClients, remoteContext } from './helpers/remote.js';
import { tempDir } from './helpers/run.js';
import type { RecordedRequest } from '../sim/server.js';

const V1 = 'application/vnd.go.cd.v1+json';
const V3 = 'application/vnd.go.cd.v3+json';

interface Harness {
  remote: Remote;
  notes: string[];
  abort: AbortController;
  dir: string;
}

let sims: GoCDSim[] = [];

afterEach(async () => {
  disposeClients();
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

async function sim(opts: GoCDSimOptions = {}): Promise<GoCDSim> {
  const s = await startGoCDSim({ scheduleDelayMs: 600, ...opts });
  sims.push(s);
  return s;
}

function harness(s: GoCDSim, inputs: Record<string, string> = {}): Harness {
  const dir = tempDir('ci-relay-gocd-test-');
  const values: Record<string, string> = {
    system: 'gocd',
    url: s.url,
    pipeline: 'demo',
    'poll-interval': '1s',
    'download-dir': dir,
    ...inputs
  };
  const { ctx, notes, abort } = remoteContext(values);
  return { remote: createGoCD(ctx), notes, abort, dir };
}

interface Followed {
  snapshot: Snapshot;
  logs: Map<string, string>;
  jobs: Map<string, Job>;
}

/** What the relay does: poll, read every started job's log from its cursor, until the run ends. */
async function follow(
  remote: Remote,
  run: Run,
  until: (s: Snapshot) => boolean = (s) => !!s.conclusion
): Promise<Followed> {
  const logs = new Map<string, string>();
  const cursors = new Map<string, number>();
  const jobs = new Map<string, Job>();
  const read = async (job: Job): Promise<void> => {
    const chunks: Buffer[] = [];
    const cursor = await remote.readLog(run, job, cursors.get(job.key) ?? 0, (chunk) => {
      chunks.push(Buffer.from(chunk));
    });
    cursors.set(job.key, cursor);
    logs.set(job.name, (logs.get(job.name) ?? '') + Buffer.concat(chunks).toString('utf8'));
  };
  for (;;) {
    const snapshot = await remote.poll(run);
    for (const job of snapshot.jobs) {
      jobs.set(job.key, job);
      if (job.started || job.conclusion) await read(job);
    }
    if (until(snapshot)) return { snapshot, logs, jobs };
    await sleep(250);
  }
}

const twoStages = (extra: Partial<SimPipeline> = {}): Record<string, SimPipeline> => ({
  demo: {
    historyCounter: 3,
    stages: [
      { name: 'build', jobs: [{ name: 'compile', runningMs: 1500, log: { totalBytes: 300_000 } }] },
      {
        name: 'test',
        jobs: [
          { name: 'unit', runningMs: 1200, log: Array.from({ length: 40 }, (_, i) => `test ${i} ok — ✓`) },
          { name: 'lint', runningMs: 300 }
        ]
      }
    ],
    ...extra
  }
});

const consoleRequests = (s: GoCDSim): RecordedRequest[] =>
  s.requests.filter((r) => r.path.endsWith('/console.log'));
const apiRequests = (s: GoCDSim): RecordedRequest[] =>
  s.requests.filter((r) => r.path.startsWith('/go/api/'));

describe('GoCD remote', () => {
  test('normalises the server url so /go appears once', () => {
    expect(gocdRoot('https://ci.example.com')).toBe('https://ci.example.com');
    expect(gocdRoot('https://ci.example.com/go')).toBe('https://ci.example.com');
    expect(gocdRoot('https://ci.example.com/go/')).toBe('https://ci.example.com');
    expect(gocdRoot('https://ci.example.com/tools/go')).toBe('https://ci.example.com/tools');
  });

  test('two-stage success: schedules once, finds the run, streams both consoles with each line fetched once', async () => {
    const s = await sim({ pipelines: twoStages() });
    const { remote, notes } = harness(s, {
      variables: 'GREETING=hello=world',
      'secret-variables': 'API_KEY=s3cr3t-value',
      materials: 'f6e7a3899c55e1682ffb00383bdf8f882bcee2141e79a8728254190a1fddcf4f=abc123',
      'update-materials': 'true'
    });

    const run = await remote.trigger();
    expect(run.id).toBe('demo/4');
    expect(run.url).toBe(`${s.url}/go/pipelines/value_stream_map/demo/4`);
    expect(run.data).toMatchObject({ pipeline: 'demo', counter: 4 });
    expect(notes.join('\n')).toContain(
      'Request to schedule pipeline demo accepted; waiting for GoCD to create the run'
    );

    const { snapshot, logs, jobs } = await follow(remote, run);
    expect(snapshot.conclusion).toBe('success');
    expect(snapshot.status).toBe('Passed');
    expect([...jobs.values()].map((j) => [j.name, j.stage, j.key, j.status, j.conclusion])).toEqual([
      ['build.compile', 'build', 'build/1/compile', 'Passed', 'success'],
      ['test.unit', 'test', 'test/1/unit', 'Passed', 'success'],
      ['test.lint', 'test', 'test/1/lint', 'Passed', 'success']
    ]);
    expect(jobs.get('build/1/compile')?.url).toBe(`${s.url}/go/tab/build/detail/demo/4/build/1/compile`);

    // Both consoles, whole and in order.
    const compile = s.consoleText('demo', 4, 'build', 'compile');
    const unit = s.consoleText('demo', 4, 'test', 'unit');
    const lint = s.consoleText('demo', 4, 'test', 'lint');
    expect(Buffer.byteLength(compile)).toBe(300_000);
    expect(logs.get('build.compile')).toBe(compile);
    expect(logs.get('test.unit')).toBe(unit);
    expect(logs.get('test.lint')).toBe(lint);
    // Each line fetched once: the sim served exactly the consoles' final size, in several reads.
    const total = Buffer.byteLength(compile) + Buffer.byteLength(unit) + Buffer.byteLength(lint);
    expect(s.consoleBytesServed).toBe(total);
    const compileReads = consoleRequests(s).filter(
      (r) => r.path.includes('/build/1/compile/') && r.status === 200
    );
    expect(compileReads.some((r) => Number(r.query.get('startLineNumber')) > 0)).toBe(true);

    // Scheduled exactly once, with what the inputs said.
    expect(s.scheduled).toBe(1);
    expect(s.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/schedule'))).toHaveLength(1);
    expect(s.schedules[0].body).toEqual({
      environment_variables: [
        { name: 'GREETING', value: 'hello=world', secure: false },
        { name: 'API_KEY', value: 's3cr3t-value', secure: true }
      ],
      materials: [
        {
          fingerprint: 'f6e7a3899c55e1682ffb00383bdf8f882bcee2141e79a8728254190a1fddcf4f',
          revision: 'abc123'
        }
      ],
      update_materials_before_scheduling: true
    });
    // Every API call carried exactly one Accept, GoCD's v1 (the sim would have answered 404 otherwise).
    for (const r of apiRequests(s).filter((r) => !r.path.startsWith('/go/api/admin/'))) {
      expect(r.headers.accept).toBe(V1);
      expect(r.status).toBeLessThan(300);
    }
    expect(notes.join('\n')).not.toContain('s3cr3t-value');
  });

  test('a failing first stage ends the run as failed; the later stage never runs', async () => {
    const s = await sim({
      pipelines: {
        demo: {
          stages: [
            {
              name: 'build',
              jobs: [
                { name: 'compile', result: 'Failed', runningMs: 400 },
                { name: 'docs', runningMs: 900 }
              ]
            },
            { name: 'test', jobs: [{ name: 'unit' }] }
          ]
        }
      }
    });
    const { remote } = harness(s);
    const run = await remote.trigger();
    expect(run.id).toBe('demo/1');
    const { snapshot, jobs } = await follow(remote, run);
    expect(snapshot.conclusion).toBe('failed');
    expect(snapshot.status).toBe('Failed');
    expect(jobs.get('build/1/compile')).toMatchObject({ status: 'Failed', conclusion: 'failed' });
    expect(jobs.get('build/1/docs')).toMatchObject({ status: 'Passed', conclusion: 'success' });
    expect([...jobs.values()].some((j) => j.stage === 'test')).toBe(false);
    // A little later the test stage is still not scheduled.
    await sleep(800);
    const again = await remote.poll(run);
    expect(again.conclusion).toBe('failed');
    expect(again.jobs.some((j) => j.stage === 'test')).toBe(false);
  });

  test('a job still building in a failing stage keeps the run going (Failing is not over)', async () => {
    const s = await sim({
      pipelines: {
        demo: {
          stages: [
            {
              name: 'build',
              jobs: [
                { name: 'fast', result: 'Failed', runningMs: 100 },
                { name: 'slow', runningMs: 2500 }
              ]
            }
          ]
        }
      }
    });
    const { remote } = harness(s);
    const run = await remote.trigger();
    const failing = await follow(remote, run, (snap) => snap.status === 'Failing' || !!snap.conclusion);
    expect(failing.snapshot.status).toBe('Failing');
    expect(failing.snapshot.conclusion).toBeUndefined();
    const { snapshot } = await follow(remote, run);
    expect(snapshot.conclusion).toBe('failed');
  });

  test('a manual stage after a passed one: blocked after the grace, without hanging', async () => {
    const s = await sim({
      pipelines: {
        demo: {
          stages: [
            { name: 'build', jobs: [{ name: 'compile', runningMs: 300 }] },
            { name: 'deploy', manual: true, jobs: [{ name: 'prod' }] }
          ]
        }
      }
    });
    const { remote } = harness(s);
    const run = await remote.trigger();
    const { snapshot, jobs } = await follow(remote, run);
    expect(snapshot.conclusion).toBe('blocked');
    expect(snapshot.status).toBe('Passed');
    expect([...jobs.keys()]).toEqual(['build/1/compile']);
    // It asked the config API (refused: not an admin) with its own Accept, and went on.
    const config = s.requests.filter((r) => r.path === '/go/api/admin/pipelines/demo');
    expect(config).toHaveLength(1);
    expect(config[0].headers.accept).toBe('application/vnd.go.cd.v11+json');
    expect(config[0].status).toBe(403);
    // Not at once: GoCD may yet schedule the next stage, so it kept polling through the grace.
    const polls = s.requests.filter((r) => r.path === '/go/api/pipelines/demo/1');
    expect(polls.length).toBeGreaterThan(15);
  }, 25_000);

  test('with the config API readable, a manual stage is blocked and an automatic one is awaited', async () => {
    const s = await sim({
      configApi: true,
      // Longer than the grace: without the config the gap would have looked like a manual stage.
      stageDelayMs: 12_000,
      pipelines: {
        demo: {
          stages: [
            { name: 'build', jobs: [{ name: 'compile', runningMs: 200 }] },
            { name: 'test', jobs: [{ name: 'unit', runningMs: 200 }] },
            { name: 'deploy', manual: true, jobs: [{ name: 'prod' }] }
          ]
        }
      }
    });
    const { remote } = harness(s);
    const run = await remote.trigger();
    const { snapshot, jobs } = await follow(remote, run);
    // The long gap before `test` did not end the run: the config said it is automatic.
    expect(snapshot.conclusion).toBe('blocked');
    expect([...jobs.keys()]).toEqual(['build/1/compile', 'test/1/unit']);
    expect(s.requests.filter((r) => r.path === '/go/api/admin/pipelines/demo')).toHaveLength(1);
  }, 25_000);

  test('cancel cancels the running stage with Accept v3 and X-GoCD-Confirm; the run ends canceled', async () => {
    const s = await sim({
      pipelines: {
        demo: {
          stages: [
            {
              name: 'build',
              jobs: [
                { name: 'compile', runningMs: 60_000 },
                { name: 'docs', runningMs: 60_000 }
              ]
            },
            { name: 'test', jobs: [{ name: 'unit' }] }
          ]
        }
      }
    });
    const { remote, notes } = harness(s);
    const run = await remote.trigger();
    await follow(
      remote,
      run,
      (snap) => snap.status === 'Building' && snap.jobs.every((j) => j.status === 'Building')
    );
    await remote.cancel(run);
    expect(s.canceled).toEqual(['demo/1/build/1']);
    const cancels = s.requests.filter((r) => r.path.endsWith('/cancel'));
    expect(cancels).toHaveLength(1);
    expect(cancels[0].path).toBe('/go/api/stages/demo/1/build/1/cancel');
    expect(cancels[0].headers.accept).toBe(V3);
    expect(cancels[0].headers['x-gocd-confirm']).toBe('true');
    expect(notes.join('\n')).toContain('Stage cancelled successfully.');

    const { snapshot, jobs } = await follow(remote, run);
    expect(snapshot.conclusion).toBe('canceled');
    expect(snapshot.status).toBe('Cancelled');
    expect([...jobs.values()].map((j) => j.conclusion)).toEqual(['canceled', 'canceled']);
    // Cancelling a finished run sends nothing more.
    await remote.cancel(run);
    expect(s.requests.filter((r) => r.path.endsWith('/cancel'))).toHaveLength(1);
  });

  test('a folder artifact is fetched as a zip after GoCD answers 202, and extracted; files come one by one', async () => {
    const jar = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 256));
    const s = await sim({
      zipPending: 2,
      pipelines: {
        demo: {
          stages: [
            {
              name: 'build',
              jobs: [
                {
                  name: 'compile',
                  runningMs: 200,
                  artifacts: {
                    'dist/app.jar': jar,
                    'dist/sub/readme.txt': 'read me\n',
                    'report.txt': 'all green\n'
                  }
                }
              ]
            }
          ]
        }
      }
    });
    const { remote, dir } = harness(s);
    const run = await remote.trigger();
    const { snapshot, jobs } = await follow(remote, run);
    expect(snapshot.conclusion).toBe('success');
    const job = jobs.get('build/1/compile') as Job;

    const store = new ArtifactStore(dir, ['**'], 1e9, (m) => {
      throw new Error(m);
    });
    const sink = store.forJob('build.compile');
    await remote.downloadArtifacts(run, job, sink);
    const out = path.join(dir, 'artifacts', 'build.compile');
    expect(fs.readFileSync(path.join(out, 'dist', 'app.jar'))).toEqual(jar);
    expect(fs.readFileSync(path.join(out, 'dist', 'sub', 'readme.txt'), 'utf8')).toBe('read me\n');
    expect(fs.readFileSync(path.join(out, 'report.txt'), 'utf8')).toBe('all green\n');
    // The console folder is the job's log already.
    expect(fs.existsSync(path.join(out, 'cruise-output'))).toBe(false);
    const zips = s.requests.filter((r) => r.path === '/go/files/demo/1/build/1/compile/dist.zip');
    expect(zips.map((r) => r.status)).toEqual([202, 202, 200]);
    expect(s.requests.some((r) => r.path.includes('cruise-output') && !r.path.endsWith('console.log'))).toBe(
      false
    );

    // A glob that selects one file inside a folder fetches that file, not the folder's zip.
    const s2 = await sim({
      pipelines: {
        demo: {
          stages: [
            {
              name: 'build',
              jobs: [
                {
                  name: 'compile',
                  runningMs: 200,
                  artifacts: { 'dist/app.jar': jar, 'dist/sub/readme.txt': 'read me\n' }
                }
              ]
            }
          ]
        }
      }
    });
    const h2 = harness(s2, { artifacts: 'dist/sub/*.txt' });
    const run2 = await h2.remote.trigger();
    const f2 = await follow(h2.remote, run2);
    const store2 = new ArtifactStore(h2.dir, ['dist/sub/*.txt'], 1e9, () => undefined);
    await h2.remote.downloadArtifacts(
      run2,
      f2.jobs.get('build/1/compile') as Job,
      store2.forJob('build.compile')
    );
    const out2 = path.join(h2.dir, 'artifacts', 'build.compile');
    expect(fs.readFileSync(path.join(out2, 'dist', 'sub', 'readme.txt'), 'utf8')).toBe('read me\n');
    expect(fs.existsSync(path.join(out2, 'dist', 'app.jar'))).toBe(false);
    expect(s2.requests.some((r) => r.path.endsWith('.zip'))).toBe(false);
  });

  test('an artifact list given as a single object (as GoCD documents it) is read too', async () => {
    const s = await sim({
      singleObjectListing: true,
      zipPending: 0,
      pipelines: {
        demo: {
          stages: [
            {
              name: 'build',
              jobs: [{ name: 'compile', runningMs: 200, artifacts: { 'dist/app.jar': 'jar' } }]
            }
          ]
        }
      }
    });
    const { remote, dir } = harness(s);
    const run = await remote.trigger();
    const { jobs } = await follow(remote, run);
    const listing = await fetch(`${s.url}/go/files/demo/1/build/1/compile.json`).then((r) => r.json());
    expect(Array.isArray(listing)).toBe(false);
    const store = new ArtifactStore(dir, ['**'], 1e9, () => undefined);
    await remote.downloadArtifacts(run, jobs.get('build/1/compile') as Job, store.forJob('build.compile'));
    expect(fs.readFileSync(path.join(dir, 'artifacts', 'build.compile', 'dist', 'app.jar'), 'utf8')).toBe(
      'jar'
    );
  });

  test('an artifact list answered with broken JSON is asked for again, not dropped', async () => {
    const s = await sim({
      zipPending: 0,
      pipelines: {
        demo: {
          stages: [
            { name: 'build', jobs: [{ name: 'compile', runningMs: 200, artifacts: { 'app.jar': 'jar' } }] }
          ]
        }
      }
    });
    const { remote, dir } = harness(s);
    const run = await remote.trigger();
    const { jobs } = await follow(remote, run);
    s.faults.push({ kind: 'malformed', match: (r) => r.path.endsWith('/compile.json') });
    const store = new ArtifactStore(dir, ['**'], 1e9, () => undefined);
    await remote.downloadArtifacts(run, jobs.get('build/1/compile') as Job, store.forJob('build.compile'));
    expect(s.injected.map((f) => f.kind)).toEqual(['malformed']);
    expect(fs.readFileSync(path.join(dir, 'artifacts', 'build.compile', 'app.jar'), 'utf8')).toBe('jar');
  });

  test('409 on schedule (paused pipeline) is a RemoteError with GoCD’s message, after exactly one POST', async () => {
    const s = await sim({ pipelines: twoStages({ paused: true }) });
    const { remote } = harness(s);
    const err = (await remote.trigger().catch((e: unknown) => e)) as RemoteError;
    expect(err).toBeInstanceOf(RemoteError);
    expect(err).not.toBeInstanceOf(AmbiguousRequestError);
    expect(err.status).toBe(409);
    expect(err.message).toContain(
      'GoCD answered 409: Failed to trigger pipeline [demo] { Pipeline [demo] is paused }'
    );
    expect(s.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(s.scheduled).toBe(0);
  });

  test('422 (unknown material) and 404 (unknown pipeline) carry GoCD’s message', async () => {
    const s = await sim({ pipelines: twoStages(), scheduleDelayMs: 100 });
    const bad = harness(s, { materials: 'deadbeef=abc' });
    const err = (await bad.remote.trigger().catch((e: unknown) => e)) as RemoteError;
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.status).toBe(422);
    expect(err.message).toContain(
      'GoCD answered 422: Request to schedule pipeline rejected: material [deadbeef] not found.'
    );

    const missing = harness(s, { pipeline: 'nope' });
    const err2 = (await missing.remote.trigger().catch((e: unknown) => e)) as RemoteError;
    expect(err2).toBeInstanceOf(RemoteError);
    expect(err2.status).toBe(404);
    expect(err2.message).toMatch(/^GoCD answered 404: Either the resource you requested was not found/);
    expect(s.scheduled).toBe(0);
  });

  test('the simulator is strict about Accept: missing, wrong version or combined values get 404', async () => {
    const s = await sim({ pipelines: twoStages() });
    const get = async (
      p: string,
      headers: Record<string, string>,
      method = 'GET'
    ): Promise<{ status: number; body: unknown }> => {
      const res = await fetch(`${s.url}${p}`, { method, headers });
      return { status: res.status, body: await res.json() };
    };
    const wrong = { message: 'The url you are trying to reach appears to be incorrect.' };
    expect(await get('/go/api/pipelines/demo/history', {})).toEqual({ status: 404, body: wrong });
    expect(await get('/go/api/pipelines/demo/history', { accept: 'application/json' })).toEqual({
      status: 404,
      body: wrong
    });
    expect(await get('/go/api/pipelines/demo/history', { accept: `application/json, ${V1}` })).toEqual({
      status: 404,
      body: wrong
    });
    expect(await get('/go/api/pipelines/demo/history', { accept: 'application/vnd.go.cd.v2+json' })).toEqual({
      status: 404,
      body: wrong
    });
    expect((await get('/go/api/pipelines/demo/history', { accept: V1 })).status).toBe(200);
    // The stage cancel wants v3, not v1.
    expect(
      await get('/go/api/stages/demo/3/build/1/cancel', { accept: V1, 'x-gocd-confirm': 'true' }, 'POST')
    ).toEqual({
      status: 404,
      body: wrong
    });
  });

  test('the url works with and without /go', async () => {
    for (const url of [
      (s: GoCDSim) => s.url,
      (s: GoCDSim) => `${s.url}/go`,
      (s: GoCDSim) => `${s.url}/go/`
    ]) {
      const s = await sim({ pipelines: twoStages() });
      const { remote } = harness(s, { url: url(s), run: '2' });
      const run = await remote.attach('2');
      expect(run.id).toBe('demo/2');
      expect(run.url).toBe(`${s.url}/go/pipelines/value_stream_map/demo/2`);
      const snap = await remote.poll(run);
      expect(snap.conclusion).toBe('success');
      expect(s.requests.map((r) => r.path)).toEqual(['/go/api/pipelines/demo/2', '/go/api/pipelines/demo/2']);
    }
  });

  test('attach follows an existing counter; an unknown one is GoCD’s 404', async () => {
    const s = await sim({ pipelines: twoStages() });
    const { remote } = harness(s, { run: '3' });
    const run = await remote.attach('3');
    expect(run).toMatchObject({ id: 'demo/3', data: { pipeline: 'demo', counter: 3 } });
    const { snapshot, logs } = await follow(remote, run);
    expect(snapshot.conclusion).toBe('success');
    expect(logs.get('build.compile')).toBe(s.consoleText('demo', 3, 'build', 'compile'));
    const err = (await remote.attach('99').catch((e: unknown) => e)) as RemoteError;
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.status).toBe(404);
    expect(s.scheduled).toBe(0);
  });

  test('bearer token and basic auth are sent as GoCD expects; bad credentials are GoCD’s 401/403', async () => {
    const bearer = await sim({ pipelines: twoStages(), token: 'tok-123', username: 'ci-bot' });
    const b = harness(bearer, { token: 'tok-123' });
    const run = await b.remote.trigger();
    expect(run.id).toBe('demo/4');
    expect(bearer.requests.every((r) => r.headers.authorization === 'Bearer tok-123')).toBe(true);

    const basic = await sim({ pipelines: twoStages(), username: 'ci-bot', password: 'pa55word' });
    const h = harness(basic, { username: 'ci-bot', password: 'pa55word' });
    const run2 = await h.remote.trigger();
    expect(run2.id).toBe('demo/4');
    const expected = `Basic ${Buffer.from('ci-bot:pa55word').toString('base64')}`;
    expect(basic.requests.every((r) => r.headers.authorization === expected)).toBe(true);

    const wrong = harness(basic, { username: 'ci-bot', password: 'wrong' });
    const err = (await wrong.remote.trigger().catch((e: unknown) => e)) as RemoteError;
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.message).toContain('GoCD answered 401: You are not authenticated!');
    expect(err.message).not.toContain('wrong');

    const forbidden = await sim({ pipelines: twoStages(), token: 'tok-123', authFailure: 403 });
    const none = harness(forbidden);
    const err2 = (await none.remote.attach('1').catch((e: unknown) => e)) as RemoteError;
    expect(err2.status).toBe(403);
    expect(forbidden.requests[0].headers.authorization).toBeUndefined();
  });

  test('finds our forced run even when a material-triggered run takes the next counter', async () => {
    const holder: { sim?: GoCDSim } = {};
    const s = await sim({
      pipelines: twoStages(),
      username: 'admin',
      password: 'x',
      onSchedule: (p) => holder.sim?.addRun(p, { forced: false })
    });
    holder.sim = s;
    const { remote } = harness(s, { username: 'admin', password: 'x' });
    const run = await remote.trigger();
    expect(s.counters('demo')).toEqual([1, 2, 3, 4, 5]);
    expect(run.id).toBe('demo/5');
  });

  test('after a schedule whose answer was lost, findTriggered finds the run without scheduling again', async () => {
    const s = await sim({ pipelines: twoStages(), loseScheduleAnswer: true });
    const { remote } = harness(s);
    const err = await remote.trigger().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmbiguousRequestError);
    const found = await remote.findTriggered?.();
    expect(found?.id).toBe('demo/4');
    expect(s.scheduled).toBe(1);
    expect(s.requests.filter((r) => r.path.endsWith('/schedule'))).toHaveLength(1);
  });

  test('console: 404 before the job has one leaves the cursor; half-written lines wait for their end', async () => {
    const s = await sim({
      partialLines: true,
      pipelines: {
        demo: {
          stages: [
            {
              name: 'build',
              jobs: [
                {
                  name: 'compile',
                  runningMs: 2500,
                  log: Array.from({ length: 60 }, (_, i) => `step ${i} ${'='.repeat(i)}`)
                }
              ]
            },
            { name: 'test', jobs: [{ name: 'unit' }] }
          ]
        }
      }
    });
    const { remote } = harness(s);
    const run = await remote.trigger();
    const notYet: Job = {
      key: 'test/1/unit',
      name: 'test.unit',
      stage: 'test',
      status: 'Scheduled',
      started: false
    };
    const got: Buffer[] = [];
    expect(await remote.readLog(run, notYet, 7, (c) => void got.push(c))).toBe(7);
    expect(got).toHaveLength(0);

    const { logs } = await follow(remote, run, (snap) =>
      snap.jobs.some((j) => j.key === 'build/1/compile' && !!j.conclusion)
    );
    expect(logs.get('build.compile')).toBe(s.consoleText('demo', 1, 'build', 'compile'));
    const served = consoleRequests(s).filter((r) => r.status === 200);
    expect(served.length).toBeGreaterThan(1);
  });
});

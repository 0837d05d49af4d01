/**
 * The GitLab simulator (sim/gitlab.ts) checked on its own, over real HTTP: its JSON against
 * GitLab's own JSON schemas (reference/gitlab), and its behaviour against PROTOCOLS.md.
 * No timing assertions: tests wait for states, never for durations.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import AjvModule from 'ajv';
import type { ValidateFunction } from 'ajv';
import yauzl from 'yauzl';
import {
  GITLAB_PROFILES,
  startGitLabSim,
  type GitLabSim,
  type GitLabSimOptions,
  type SimJob
} from '../sim/gitlab.js';

const Ajv = AjvModule.default;
const TOKEN = 'glpat-sim-token';
const AUTH = { 'PRIVATE-TOKEN': TOKEN };
const PROJECT = '/api/v4/projects/group%2Fsub%2Fapp';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// ---------------------------------------------------------------------------------------------
// GitLab's schemas

function referenceDir(): string {
  const candidates = [
    process.env.GITLAB_REFERENCE_DIR,
    path.resolve('reference/gitlab'),
    path.resolve('../shared/reference/gitlab'),
    '/work/shared/reference/gitlab'
  ];
  const dir = candidates.find((d) => d && fs.existsSync(path.join(d, 'public_api/v4/job.json')));
  if (!dir)
    throw new Error(`GitLab reference schemas not found (tried ${candidates.filter(Boolean).join(', ')})`);
  return dir;
}

interface Schemas {
  job: ValidateFunction;
  /** job.json plus `failure_reason`: see loadSchemas. */
  failedJob: ValidateFunction;
  pipeline: ValidateFunction;
  /** PipelineBasic: a bridge's downstream_pipeline. */
  pipelineBasic: ValidateFunction;
  pipelines: ValidateFunction;
}

/**
 * Every reference file is added under an id that mirrors its path, so their relative $refs
 * (`user/basic.json`, `../../../status/ci_detailed_status.json`, …) resolve to each other.
 * Three defects of the files as GitLab keeps them (its Ruby validator tolerates them, Ajv does
 * not) are repaired here, in the test, never in the sim's favour:
 *  - pipeline/detail.json types timestamps as "date", which is no JSON Schema type (GitLab's
 *    json-schema gem passes unknown types); the API sends ISO 8601 strings, so "string".
 *  - job.json's `project` lists `ci_job_token_scope_enabled` without a `properties` wrapper;
 *    it is wrapped, as evidently meant.
 *  - status/ci_detailed_status.json refers to illustration.json and action.json, which are not
 *    in reference/; stand-ins with the shape of GitLab's spec fixtures are added (the sim sends
 *    `illustration: null` like GitLab, and no `action`).
 */
function loadSchemas(): Schemas {
  const base = 'https://gitlab.example/schemas/';
  const dir = referenceDir();
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strictTypes: false });
  ajv.addFormat('date-time', {
    type: 'string',
    validate: (s: string) =>
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) && !isNaN(Date.parse(s))
  });
  const fixDates = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(fixDates);
    if (!node || typeof node !== 'object') return node;
    const out: Json = {};
    for (const [k, v] of Object.entries(node)) {
      out[k] = k === 'type' && Array.isArray(v) ? v.map((t) => (t === 'date' ? 'string' : t)) : fixDates(v);
    }
    return out;
  };
  const walk = (rel: string): string[] =>
    fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
      const p = rel ? `${rel}/${e.name}` : e.name;
      return e.isDirectory() ? walk(p) : e.name.endsWith('.json') ? [p] : [];
    });
  const loaded: Record<string, Json> = {};
  for (const rel of walk('')) {
    let schema = fixDates(JSON.parse(fs.readFileSync(path.join(dir, rel), 'utf8'))) as Json;
    if (rel === 'public_api/v4/job.json' && schema.properties.project.ci_job_token_scope_enabled) {
      const { ci_job_token_scope_enabled: flag, ...rest } = schema.properties.project;
      schema = {
        ...schema,
        properties: {
          ...schema.properties,
          project: { ...rest, type: 'object', properties: { ci_job_token_scope_enabled: flag } }
        }
      };
    }
    loaded[rel] = schema;
    ajv.addSchema({ ...schema, $id: base + rel });
  }
  for (const [rel, schema] of Object.entries({
    'status/illustration.json': {
      oneOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['image', 'size', 'title'],
          properties: {
            image: { type: 'string' },
            size: { type: 'string' },
            title: { type: 'string' },
            content: { type: 'string' }
          }
        }
      ]
    },
    'status/action.json': {
      type: 'object',
      required: ['icon', 'title', 'path', 'method'],
      properties: {
        icon: { enum: ['retry', 'play', 'cancel'] },
        title: { type: 'string' },
        path: { type: 'string' },
        method: { type: 'string' }
      }
    }
  })) {
    if (!loaded[rel]) ajv.addSchema({ ...schema, $id: base + rel });
  }
  // GitLab sends `failure_reason` for failed jobs (Entities::Ci::JobBasic: `if: job.failed?`;
  // PROTOCOLS.md), but job.json, with additionalProperties:false, does not list it. Failed jobs
  // are validated against job.json extended by that one property (same folder, so its relative
  // $refs still resolve), and every other job against job.json itself.
  const job = loaded['public_api/v4/job.json'];
  ajv.addSchema({
    ...job,
    $id: `${base}public_api/v4/job-with-failure-reason.json`,
    properties: { ...job.properties, failure_reason: { type: 'string' } }
  });
  const get = (rel: string): ValidateFunction => {
    const v = ajv.getSchema(base + rel);
    if (!v) throw new Error(`schema ${rel} not loaded`);
    return v;
  };
  return {
    job: get('public_api/v4/job.json'),
    failedJob: get('public_api/v4/job-with-failure-reason.json'),
    pipeline: get('public_api/v4/pipeline/detail.json'),
    pipelineBasic: get('public_api/v4/pipeline/basic.json'),
    pipelines: get('public_api/v4/pipelines.json')
  };
}

function expectValid(validate: ValidateFunction, data: unknown, what: string): void {
  const ok = validate(data);
  if (!ok) throw new Error(`${what} does not match the schema: ${JSON.stringify(validate.errors, null, 1)}`);
}

// ---------------------------------------------------------------------------------------------
// Helpers

interface Answer {
  status: number;
  headers: Headers;
  body: Json;
  text: string;
}

async function call(
  sim: GitLabSim,
  method: string,
  p: string,
  opts: { json?: unknown; form?: string; headers?: Record<string, string>; auth?: boolean } = {}
): Promise<Answer> {
  const headers: Record<string, string> = { ...(opts.auth === false ? {} : AUTH), ...(opts.headers ?? {}) };
  let body: string | undefined;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = opts.form;
  }
  const res = await fetch(`${sim.url}${p.startsWith('/api') ? p : PROJECT + p}`, {
    method,
    headers,
    body,
    redirect: 'manual'
  });
  const text = await res.text();
  let parsed: Json = {};
  try {
    parsed = JSON.parse(text) as Json;
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

const get = (sim: GitLabSim, p: string): Promise<Json> => call(sim, 'GET', p).then((a) => a.body);

/** Poll until `ok` holds (the limit only guards against a hang; nothing is asserted about time). */
async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 1000; i++) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never reached: ${what} (last: ${JSON.stringify(last)?.slice(0, 500)})`);
}

const TERMINAL = ['success', 'failed', 'canceled', 'skipped'];
const pipelineDone = (p: Json): boolean => TERMINAL.includes(p.status);

async function createPipeline(sim: GitLabSim, ref = 'main', variables: Json[] = []): Promise<Json> {
  const a = await call(sim, 'POST', '/pipeline', { json: { ref, variables } });
  expect(a.status).toBe(201);
  return a.body;
}

const jobsOf = (sim: GitLabSim, pid: number, query = ''): Promise<Json[]> =>
  get(sim, `/pipelines/${pid}/jobs?per_page=100${query}`) as Promise<unknown> as Promise<Json[]>;

const byName = (jobs: Json[], name: string): Json => {
  const j = jobs.find((x) => x.name === name);
  if (!j) throw new Error(`no job ${name} in ${jobs.map((x) => x.name).join(', ')}`);
  return j;
};

function unzip(buf: Buffer): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('no zip'));
      const out: Record<string, string> = {};
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (err2, stream) => {
          if (err2 || !stream) return reject(err2 ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out[entry.fileName] = Buffer.concat(chunks).toString('utf8');
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

const fast = (job: SimJob): SimJob => ({ pendingMs: 10, runningMs: 60, ...job });

let sim: GitLabSim | undefined;
async function start(opts: GitLabSimOptions): Promise<GitLabSim> {
  sim = await startGitLabSim(opts);
  return sim;
}
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

// ---------------------------------------------------------------------------------------------

describe('GitLab simulator', () => {
  const schemas = loadSchemas();

  test('job and pipeline JSON match GitLab’s schemas, running and finished', async () => {
    const s = await start({
      pipelines: {
        main: {
          jobs: [
            fast({
              name: 'build',
              stage: 'build',
              runningMs: 300,
              artifacts: { 'out/report.txt': 'all good\n', 'bin/tool': Buffer.from([0, 1, 2, 3]) }
            }),
            fast({ name: 'flaky', stage: 'test', result: 'failed', allowFailure: true }),
            fast({ name: 'unit', stage: 'test' })
          ]
        }
      }
    });
    const created = await createPipeline(s);
    expectValid(schemas.pipeline, created, 'the created pipeline');
    expect(created.web_url).toBe(`${s.url}/group/sub/app/-/pipelines/${created.id}`);

    const created2 = await jobsOf(s, created.id);
    for (const j of created2) expectValid(schemas.job, j, `job ${j.name} (${j.status})`);

    const running = await waitFor(
      () => get(s, `/jobs/${byName(created2, 'build').id}`),
      (j) => j.status === 'running',
      'build running'
    );
    expectValid(schemas.job, running, 'a running job');
    expect(running.runner).not.toBeNull();
    expect(running.started_at).not.toBeNull();
    expect(running.finished_at).toBeNull();
    expect(running.artifacts_file).toBeUndefined();
    expect(running.web_url).toBe(`${s.url}/group/sub/app/-/jobs/${running.id}`);
    expectValid(schemas.pipeline, await get(s, `/pipelines/${created.id}`), 'a running pipeline');

    const done = await waitFor(() => get(s, `/pipelines/${created.id}`), pipelineDone, 'pipeline finished');
    expectValid(schemas.pipeline, done, 'a finished pipeline');
    // The schemas do bite: a timestamp that is not a string, or a missing web_url, is refused.
    expect(schemas.pipeline({ ...done, started_at: 12 })).toBe(false);
    expect(schemas.pipeline({ ...done, web_url: undefined })).toBe(false);
    expect(schemas.job({ ...created2[0], runner: { id: 1 } })).toBe(false);
    expect(done.status).toBe('success');
    expect(done.detailed_status.group).toBe('success_with_warnings');
    expect(done.finished_at).not.toBeNull();

    const finished = await get(s, `/jobs/${running.id}`);
    expectValid(schemas.job, finished, 'a finished job with artifacts');
    expect(finished.artifacts_file).toEqual({ filename: 'artifacts.zip', size: expect.any(Number) });
    expect(finished.artifacts).toContainEqual({
      file_type: 'archive',
      size: finished.artifacts_file.size,
      filename: 'artifacts.zip',
      file_format: 'zip'
    });

    const flaky = byName(await jobsOf(s, created.id), 'flaky');
    expect(flaky.status).toBe('failed');
    expect(flaky.failure_reason).toBe('script_failure');
    expectValid(schemas.failedJob, flaky, 'a failed job');
    // …which job.json alone refuses, only for failure_reason:
    expect(schemas.job(flaky)).toBe(false);
    expect(schemas.job.errors?.map((e) => e.params)).toEqual([{ additionalProperty: 'failure_reason' }]);

    const list = await call(s, 'GET', '/pipelines');
    expectValid(schemas.pipelines, list.body, 'the pipeline list');
  });

  test('a two-stage pipeline runs its stages in order to success', async () => {
    const s = await start({
      pipelines: {
        main: { jobs: [fast({ name: 'build', stage: 'build' }), fast({ name: 'test', stage: 'test' })] }
      }
    });
    const created = await createPipeline(s);
    expect(created.id).toBe(1000);
    expect(['created', 'pending']).toContain(created.status);
    const seen = new Set<string>();
    const snapshots: Json[][] = [];
    await waitFor(
      async () => {
        const [p, jobs] = await Promise.all([get(s, `/pipelines/${created.id}`), jobsOf(s, created.id)]);
        seen.add(p.status);
        snapshots.push(jobs);
        return p;
      },
      pipelineDone,
      'pipeline finished'
    );
    expect(seen).toContain('running');
    expect([...seen].pop()).toBe('success');
    for (const jobs of snapshots) {
      expect(jobs.map((j) => j.id)).toEqual([5001, 5000]); // newest first
      if (byName(jobs, 'test').status !== 'created') expect(byName(jobs, 'build').status).toBe('success');
    }
    const statuses = new Set(snapshots.map((jobs) => byName(jobs, 'test').status));
    expect(statuses).toContain('created');
    expect(statuses).toContain('success');
    expect(s.pipelines.map((p) => [p.id, p.status, p.source])).toEqual([[1000, 'success', 'api']]);
    expect(s.created).toBe(1);
  });

  test('a failed job skips the later stages and fails the pipeline', async () => {
    const s = await start({
      pipelines: {
        main: {
          jobs: [
            fast({ name: 'build', stage: 'build', result: 'failed', failureReason: 'runner_system_failure' }),
            fast({ name: 'test', stage: 'test' }),
            fast({ name: 'deploy', stage: 'deploy', manual: 'blocking' })
          ]
        }
      }
    });
    const p = await createPipeline(s);
    const done = await waitFor(() => get(s, `/pipelines/${p.id}`), pipelineDone, 'pipeline finished');
    expect(done.status).toBe('failed');
    const jobs = await jobsOf(s, p.id);
    expect(jobs.map((j) => [j.name, j.status])).toEqual([
      ['deploy', 'skipped'],
      ['test', 'skipped'],
      ['build', 'failed']
    ]);
    expect(byName(jobs, 'build').failure_reason).toBe('runner_system_failure');
    expect(byName(jobs, 'test').started_at).toBeNull();
  });

  test('allow_failure: a failure that is allowed does not stop the pipeline', async () => {
    const s = await start({
      pipelines: {
        main: {
          jobs: [
            fast({ name: 'lint', stage: 'check', result: 'failed', allowFailure: true }),
            fast({ name: 'test', stage: 'test' })
          ]
        }
      }
    });
    const p = await createPipeline(s);
    const done = await waitFor(() => get(s, `/pipelines/${p.id}`), pipelineDone, 'pipeline finished');
    expect(done.status).toBe('success');
    const jobs = await jobsOf(s, p.id);
    expect(byName(jobs, 'lint')).toMatchObject({ status: 'failed', allow_failure: true });
    expect(byName(jobs, 'test').status).toBe('success');
  });

  test('a blocking manual job leaves the pipeline "manual"; an optional one lets it succeed', async () => {
    const script = (manual: 'blocking' | 'optional') => ({
      jobs: [
        fast({ name: 'build', stage: 'build' }),
        fast({ name: 'deploy', stage: 'deploy', manual }),
        fast({ name: 'notify', stage: 'post' })
      ]
    });
    const s = await start({ pipelines: { blocking: script('blocking'), optional: script('optional') } });

    const b = await createPipeline(s, 'blocking');
    await waitFor(
      () => get(s, `/pipelines/${b.id}`),
      (p) => p.status === 'manual',
      'blocked'
    );
    let jobs = await jobsOf(s, b.id);
    expect(jobs.map((j) => [j.name, j.status, j.allow_failure])).toEqual([
      ['notify', 'created', false],
      ['deploy', 'manual', false],
      ['build', 'success', false]
    ]);
    expect((await get(s, `/pipelines/${b.id}`)).finished_at).toBeNull();

    const o = await createPipeline(s, 'optional');
    const done = await waitFor(() => get(s, `/pipelines/${o.id}`), pipelineDone, 'optional finished');
    expect(done.status).toBe('success');
    jobs = await jobsOf(s, o.id);
    expect(jobs.map((j) => [j.name, j.status, j.allow_failure])).toEqual([
      ['notify', 'success', false],
      ['deploy', 'manual', true],
      ['build', 'success', false]
    ]);
    // The blocked one has not moved meanwhile.
    expect(s.pipelines.find((p) => p.id === b.id)?.status).toBe('manual');
  });

  test('play runs a manual job with variables; non-manual jobs are unplayable; replay makes a new job', async () => {
    const s = await start({
      pipelines: {
        main: {
          jobs: [
            fast({ name: 'build', stage: 'build' }),
            fast({ name: 'deploy', stage: 'deploy', manual: 'blocking' }),
            fast({ name: 'notify', stage: 'post' })
          ]
        }
      }
    });
    const p = await createPipeline(s);
    await waitFor(
      () => get(s, `/pipelines/${p.id}`),
      (x) => x.status === 'manual',
      'blocked'
    );
    const deploy = byName(await jobsOf(s, p.id), 'deploy');

    const build = byName(await jobsOf(s, p.id), 'build');
    const unplayable = await call(s, 'POST', `/jobs/${build.id}/play`);
    expect(unplayable.status).toBe(400);
    expect(unplayable.body).toEqual({ message: '400 Bad request - Unplayable Job' });

    const played = await call(s, 'POST', `/jobs/${deploy.id}/play`, {
      json: { job_variables_attributes: [{ key: 'TARGET', value: 'prod' }] }
    });
    expect(played.status).toBe(200);
    expect(played.body).toMatchObject({ id: deploy.id, status: 'pending' });
    expectValid(schemas.job, played.body, 'a played job');
    expect(s.jobs.find((j) => j.id === deploy.id)?.playedWith).toEqual({ TARGET: 'prod' });

    const done = await waitFor(() => get(s, `/pipelines/${p.id}`), pipelineDone, 'pipeline finished');
    expect(done.status).toBe('success');
    expect(byName(await jobsOf(s, p.id), 'notify').status).toBe('success');

    const again = await call(s, 'POST', `/jobs/${deploy.id}/play`, {
      json: { job_variables_attributes: [{ key: 'TARGET', value: 'staging' }] }
    });
    expect(again.status).toBe(200);
    expect(again.body.id).not.toBe(deploy.id);
    expect(again.body.name).toBe('deploy');
    expect(s.jobs.find((j) => j.id === again.body.id)?.playedWith).toEqual({ TARGET: 'staging' });
    expect(s.jobs.find((j) => j.id === deploy.id)).toMatchObject({ retried: true, status: 'success' });
    const listed = await jobsOf(s, p.id);
    expect(listed.map((j) => j.id)).toContain(again.body.id);
    expect(listed.map((j) => j.id)).not.toContain(deploy.id);
    expect((await jobsOf(s, p.id, '&include_retried=true')).map((j) => j.id)).toContain(deploy.id);
  });

  test('playAfterRunReturns "original": replaying answers with the job played, as GitLab does today', async () => {
    const s = await start({
      playAfterRunReturns: 'original',
      pipelines: { main: { jobs: [fast({ name: 'deploy', stage: 'deploy', manual: 'blocking' })] } }
    });
    const p = await createPipeline(s);
    const [deploy] = await waitFor(
      () => jobsOf(s, p.id),
      (jobs) => jobs[0].status === 'manual',
      'manual'
    );
    expect((await call(s, 'POST', `/jobs/${deploy.id}/play`)).body.id).toBe(deploy.id);
    await waitFor(() => get(s, `/pipelines/${p.id}`), pipelineDone, 'pipeline finished');
    const again = await call(s, 'POST', `/jobs/${deploy.id}/play`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: deploy.id, status: 'success' });
    const [fresh] = await jobsOf(s, p.id);
    expect(fresh.id).toBeGreaterThan(deploy.id);
    expect(fresh.name).toBe('deploy');
  });

  test('retry answers 201 with a new job; the old one stays as it was', async () => {
    const s = await start({
      pipelines: {
        main: {
          jobs: [
            fast({ name: 'test', stage: 'test', result: 'failed' }),
            fast({ name: 'deploy', stage: 'deploy' })
          ]
        }
      }
    });
    const p = await createPipeline(s);
    await waitFor(() => get(s, `/pipelines/${p.id}`), pipelineDone, 'pipeline finished');
    const old = byName(await jobsOf(s, p.id), 'test');

    const retried = await call(s, 'POST', `/jobs/${old.id}/retry`);
    expect(retried.status).toBe(201);
    expect(retried.body.id).toBeGreaterThan(old.id);
    expect(retried.body).toMatchObject({ name: 'test', stage: 'test', status: 'pending' });
    expectValid(schemas.job, retried.body, 'a retried job');
    expect(await get(s, `/jobs/${old.id}`)).toMatchObject({ id: old.id, status: 'failed' });
    // The pipeline runs again, and the skipped stage is waiting again.
    const again = await get(s, `/pipelines/${p.id}`);
    expect(['pending', 'running']).toContain(again.status);
    expect(byName(await jobsOf(s, p.id), 'deploy').status).toBe('created');

    const notYet = await call(s, 'POST', `/jobs/${retried.body.id}/retry`);
    expect(notYet.status).toBe(403);
    expect(notYet.body).toEqual({ message: '403 Forbidden - Job is not retryable' });

    const done = await waitFor(() => get(s, `/pipelines/${p.id}`), pipelineDone, 'pipeline finished again');
    expect(done.status).toBe('failed'); // same script, same result
    expect((await get(s, `/jobs/${retried.body.id}`)).status).toBe('failed');
  });

  test('job lists are paginated with GitLab’s headers', async () => {
    const s = await start({
      perPage: 2,
      pipelines: { main: { jobs: ['a', 'b', 'c', 'd', 'e'].map((name) => fast({ name, stage: 'test' })) } }
    });
    const p = await createPipeline(s);
    const ids: number[] = [];
    let page = '1';
    const pages: Headers[] = [];
    while (page !== '') {
      const a = await call(s, 'GET', `/pipelines/${p.id}/jobs?per_page=100&page=${page}`);
      expect(a.status).toBe(200);
      pages.push(a.headers);
      ids.push(...(a.body as unknown as Json[]).map((j) => j.id as number));
      page = a.headers.get('x-next-page') ?? '';
    }
    expect(pages.map((h) => [h.get('x-page'), h.get('x-per-page'), h.get('x-next-page')])).toEqual([
      ['1', '2', '2'],
      ['2', '2', '3'],
      ['3', '2', '']
    ]);
    expect(pages.every((h) => h.get('x-total') === '5' && h.get('x-total-pages') === '3')).toBe(true);
    expect(pages[0].get('link')).toContain('rel="next"');
    expect(ids).toEqual([5004, 5003, 5002, 5001, 5000]);
  });

  test('the trace is the whole log so far, growing while the job runs', async () => {
    const lines = (n: number, prefix: string): string[] =>
      Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`);
    const full = (l: string[]): string => l.map((x) => `${x}\n`).join('');
    const long = lines(600, 'long step'); // one line per 100 ms: growth is seen whatever the load
    const short = lines(20, 'short step');
    const s = await start({
      pipelines: {
        main: {
          jobs: [
            { name: 'long', stage: 'build', pendingMs: 50, runningMs: 60_000, log: long },
            fast({ name: 'short', stage: 'build', log: short }),
            fast({ name: 'big', stage: 'build', log: { totalBytes: 100_000 } })
          ]
        }
      }
    });
    const p = await createPipeline(s);
    const jobs = await jobsOf(s, p.id);
    let served = 0;
    const trace = async (id: number): Promise<string> => {
      const a = await call(s, 'GET', `/jobs/${id}/trace`);
      expect(a.status).toBe(200);
      expect(a.headers.get('content-type')).toMatch(/^text\/plain/);
      served += Buffer.byteLength(a.text);
      return a.text;
    };

    const longId = byName(jobs, 'long').id as number;
    const traces: string[] = [await trace(longId)];
    expect(traces[0]).toBe(''); // pending: no log yet
    await waitFor(
      async () => {
        traces.push(await trace(longId));
        return new Set(traces.filter((t) => t !== '')).size;
      },
      (distinct) => distinct >= 2,
      'the long log growing'
    );
    for (const t of traces) expect(full(long).startsWith(t)).toBe(true);
    for (let i = 1; i < traces.length; i++)
      expect(traces[i].length).toBeGreaterThanOrEqual(traces[i - 1].length);
    // Canceled: the log stops where it was.
    await call(s, 'POST', `/jobs/${longId}/cancel`);
    const cut = await trace(longId);
    expect(full(long).startsWith(cut) && cut.length < full(long).length).toBe(true);
    expect(await trace(longId)).toBe(cut);

    const shortId = byName(jobs, 'short').id as number;
    await waitFor(
      () => get(s, `/jobs/${shortId}`),
      (j) => j.status === 'success',
      'short finished'
    );
    expect(await trace(shortId)).toBe(full(short));

    const bigId = byName(jobs, 'big').id as number;
    await waitFor(
      () => get(s, `/jobs/${bigId}`),
      (j) => j.status === 'success',
      'big finished'
    );
    const big = await trace(bigId);
    expect(big.length).toBe(100_000);
    expect(big.split('\n')[0]).toMatch(/^line 0000001 x+$/);
    expect(s.traceBytesServed).toBe(served);
    expect(s.jobs.find((j) => j.id === bigId)?.traceBytesServed).toBe(100_000);
  });

  test('artifacts: 302 to storage, which serves them without credentials and refuses them with', async () => {
    const files = { 'out/report.txt': 'all good\n', 'out/deep/data.json': '{"a":1}' };
    const s = await start({
      pipelines: {
        main: {
          jobs: [
            fast({ name: 'build', stage: 'build', artifacts: files }),
            fast({ name: 'plain', stage: 'build' })
          ]
        }
      }
    });
    const p = await createPipeline(s);
    const jobs = await jobsOf(s, p.id);
    const build = byName(jobs, 'build');
    expect((await call(s, 'GET', `/jobs/${build.id}/artifacts`)).status).toBe(404); // not uploaded yet
    await waitFor(() => get(s, `/pipelines/${p.id}`), pipelineDone, 'pipeline finished');

    const none = await call(s, 'GET', `/jobs/${byName(jobs, 'plain').id}/artifacts`);
    expect(none.status).toBe(404);
    expect(none.body).toEqual({ message: '404 Not Found' });

    const redirect = await call(s, 'GET', `/jobs/${build.id}/artifacts`);
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location') ?? '';
    expect(location.startsWith(`${s.storage.url}/bucket/${build.id}/artifacts.zip?`)).toBe(true);
    expect(new URL(location).searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);

    const zip = await fetch(location);
    expect(zip.status).toBe(200);
    const bytes = Buffer.from(await zip.arrayBuffer());
    expect(zip.headers.get('content-length')).toBe(String(bytes.length));
    expect(bytes.length).toBe((await get(s, `/jobs/${build.id}`)).artifacts_file.size);
    expect(await unzip(bytes)).toEqual(files);
    expect(s.leakedToStorage).toBe(0);

    const leaked = await fetch(location, { headers: AUTH });
    expect(leaked.status).toBe(400);
    expect(await leaked.text()).toContain('<Code>InvalidArgument</Code>');
    expect(s.leakedToStorage).toBe(1);
    const bearer = await fetch(location, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(bearer.status).toBe(400);
    expect(s.leakedToStorage).toBe(2);

    const unsigned = await fetch(location.replace(/\?.*$/, ''));
    expect(unsigned.status).toBe(403);
    const forged = await fetch(
      location.replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${'0'.repeat(64)}`)
    );
    expect(forged.status).toBe(403);

    const one = await call(s, 'GET', `/jobs/${build.id}/artifacts/out/deep/data.json`);
    expect(one.status).toBe(302);
    const file = await fetch(one.headers.get('location') ?? '');
    expect(await file.text()).toBe('{"a":1}');
    expect((await call(s, 'GET', `/jobs/${build.id}/artifacts/out/missing.txt`)).status).toBe(404);
    expect(s.storage.requests.filter((r) => r.headers['private-token'] !== undefined)).toHaveLength(1);
  });

  test('storage honours Range: bytes=N-', async () => {
    const s = await start({
      pipelines: {
        main: { jobs: [fast({ name: 'build', stage: 'build', artifacts: { 'a.txt': 'x'.repeat(5000) } })] }
      }
    });
    const p = await createPipeline(s);
    await waitFor(() => get(s, `/pipelines/${p.id}`), pipelineDone, 'pipeline finished');
    const [job] = await jobsOf(s, p.id);
    const location = (await call(s, 'GET', `/jobs/${job.id}/artifacts`)).headers.get('location') ?? '';
    const whole = Buffer.from(await (await fetch(location)).arrayBuffer());

    const part = await fetch(location, { headers: { Range: 'bytes=100-' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-${whole.length - 1}/${whole.length}`);
    expect(part.headers.get('content-length')).toBe(String(whole.length - 100));
    expect(Buffer.from(await part.arrayBuffer()).equals(whole.subarray(100))).toBe(true);

    const past = await fetch(location, { headers: { Range: `bytes=${whole.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${whole.length}`);
  });

  test('a bridge starts a child pipeline and follows its status', async () => {
    const s = await start({
      pipelines: {
        main: {
          jobs: [
            fast({ name: 'build', stage: 'build' }),
            {
              name: 'trigger-child',
              stage: 'downstream',
              pendingMs: 10,
              child: {
                jobs: [fast({ name: 'child-a', stage: 'one' }), fast({ name: 'child-b', stage: 'two' })]
              }
            }
          ]
        }
      }
    });
    const p = await createPipeline(s);
    const bridges = (await get(s, `/pipelines/${p.id}/bridges`)) as unknown as Json[];
    expect(bridges).toHaveLength(1);
    expect(bridges[0]).toMatchObject({ name: 'trigger-child', status: 'created', downstream_pipeline: null });
    expect((await jobsOf(s, p.id)).map((j) => j.name)).toEqual(['build']);

    const withChild = await waitFor(
      async () => ((await get(s, `/pipelines/${p.id}/bridges`)) as unknown as Json[])[0],
      (b) => b.downstream_pipeline !== null,
      'child created'
    );
    const childId = withChild.downstream_pipeline.id as number;
    expect(withChild.downstream_pipeline).toMatchObject({
      id: childId,
      project_id: 42,
      ref: 'main',
      web_url: `${s.url}/group/sub/app/-/pipelines/${childId}`
    });
    const child = await get(s, `/pipelines/${childId}`);
    expectValid(schemas.pipeline, child, 'a child pipeline');
    expect(child.source).toBe('parent_pipeline');

    const done = await waitFor(() => get(s, `/pipelines/${p.id}`), pipelineDone, 'parent finished');
    expect(done.status).toBe('success');
    expect((await get(s, `/pipelines/${childId}`)).status).toBe('success');
    const bridge = ((await get(s, `/pipelines/${p.id}/bridges`)) as unknown as Json[])[0];
    expect(bridge).toMatchObject({
      status: 'success',
      downstream_pipeline: { id: childId, status: 'success' }
    });
    const childJobs = await jobsOf(s, childId);
    expect(childJobs.map((j) => [j.name, j.status])).toEqual([
      ['child-b', 'success'],
      ['child-a', 'success']
    ]);
    for (const j of childJobs) expectValid(schemas.job, j, 'a child job');
    expect(s.pipelines.map((x) => [x.id, x.source, x.parentId])).toEqual([
      [p.id, 'api', undefined],
      [childId, 'parent_pipeline', p.id]
    ]);
    expect(s.created).toBe(1);
    expect(s.bridges.map((b) => [b.name, b.childId])).toEqual([['trigger-child', childId]]);
  });

  test('a failing child fails its bridge and the parent', async () => {
    const s = await start({
      pipelines: {
        main: {
          jobs: [
            {
              name: 'kid',
              stage: 'downstream',
              pendingMs: 10,
              child: { jobs: [fast({ name: 'x', stage: 's', result: 'failed' })] }
            },
            fast({ name: 'after', stage: 'after' })
          ]
        }
      }
    });
    const p = await createPipeline(s);
    const done = await waitFor(() => get(s, `/pipelines/${p.id}`), pipelineDone, 'parent finished');
    expect(done.status).toBe('failed');
    const [bridge] = (await get(s, `/pipelines/${p.id}/bridges`)) as unknown as Json[];
    expect(bridge).toMatchObject({ status: 'failed', downstream_pipeline: { status: 'failed' } });
    expect(byName(await jobsOf(s, p.id), 'after').status).toBe('skipped');
  });

  test('cancel: a pipeline cancel cancels what is unfinished; a job cancel skips later stages', async () => {
    const slow = (): GitLabSimOptions['pipelines'] => ({
      main: {
        jobs: [
          { name: 'build', stage: 'build', pendingMs: 10, runningMs: 60_000, log: ['one', 'two', 'three'] },
          fast({ name: 'test', stage: 'test' }),
          {
            name: 'kid',
            stage: 'build',
            pendingMs: 10,
            child: { jobs: [{ name: 'c', stage: 's', pendingMs: 10, runningMs: 60_000 }] }
          }
        ]
      }
    });
    const s = await start({ pipelines: slow() });
    const p = await createPipeline(s);
    await waitFor(
      () => jobsOf(s, p.id),
      (jobs) => byName(jobs, 'build').status === 'running',
      'build running'
    );
    const [bridge] = await waitFor(
      () => get(s, `/pipelines/${p.id}/bridges`) as Promise<unknown> as Promise<Json[]>,
      (b) => b[0].status === 'running',
      'child running'
    );
    const canceled = await call(s, 'POST', `/pipelines/${p.id}/cancel`);
    expect(canceled.status).toBe(200);
    expect(canceled.body.status).toBe('canceled');
    expect((await jobsOf(s, p.id)).map((j) => [j.name, j.status])).toEqual([
      ['test', 'canceled'],
      ['build', 'canceled']
    ]);
    expect((await get(s, `/pipelines/${bridge.downstream_pipeline.id}`)).status).toBe('canceled');
    expect(s.pipelines.map((x) => x.canceled)).toEqual([true, true]);
    const build = byName(await jobsOf(s, p.id), 'build');
    expect(build.finished_at).not.toBeNull();
    expectValid(schemas.job, build, 'a canceled job');

    // A job cancel (201, like any POST GitLab does not give a status to) lets the stage end
    // canceled, so the next stage is skipped and the pipeline ends canceled.
    const p2 = await createPipeline(s);
    const running = await waitFor(
      () => jobsOf(s, p2.id),
      (jobs) => byName(jobs, 'build').status === 'running',
      'build running'
    );
    const kid = ((await get(s, `/pipelines/${p2.id}/bridges`)) as unknown as Json[])[0];
    const jobCancel = await call(s, 'POST', `/jobs/${byName(running, 'build').id}/cancel`);
    expect(jobCancel.status).toBe(201);
    expect(jobCancel.body.status).toBe('canceled');
    const childId = (
      await waitFor(
        async () => ((await get(s, `/pipelines/${p2.id}/bridges`)) as unknown as Json[])[0],
        (b) => b.downstream_pipeline !== null,
        'child created'
      )
    ).downstream_pipeline.id;
    expect(kid.name).toBe('kid');
    await call(s, 'POST', `/pipelines/${childId}/cancel`);
    const done = await waitFor(() => get(s, `/pipelines/${p2.id}`), pipelineDone, 'pipeline finished');
    expect(done.status).toBe('canceled');
    expect(byName(await jobsOf(s, p2.id), 'test').status).toBe('skipped');
    expect(((await get(s, `/pipelines/${p2.id}/bridges`)) as unknown as Json[])[0].status).toBe('canceled');
  });

  test('auth, project paths, refs and the trigger API', async () => {
    const s = await start({});
    expect(await call(s, 'GET', '/pipelines', { auth: false })).toMatchObject({
      status: 401,
      body: { message: '401 Unauthorized' }
    });
    expect(
      (await call(s, 'GET', '/pipelines', { auth: false, headers: { 'PRIVATE-TOKEN': 'nope' } })).status
    ).toBe(401);
    expect(
      (await call(s, 'GET', '/pipelines', { auth: false, headers: { Authorization: `Bearer ${TOKEN}` } }))
        .status
    ).toBe(200);
    expect((await call(s, 'GET', '/api/v4/projects/42/pipelines')).status).toBe(200);
    expect((await call(s, 'GET', '/api/v4/projects/group%2fsub%2fapp/pipelines')).status).toBe(200);
    expect(await call(s, 'GET', '/api/v4/projects/other%2Fproject/pipelines')).toMatchObject({
      status: 404,
      body: { message: '404 Project Not Found' }
    });
    expect(await call(s, 'POST', '/pipeline', { json: { ref: 'nope' } })).toMatchObject({
      status: 400,
      body: { message: { base: ['Reference not found'] } }
    });

    const trig = await call(s, 'POST', '/trigger/pipeline', {
      auth: false,
      form: 'token=glptt-sim-trigger&ref=main&variables[DEPLOY]=yes&variables[EQ]=a%3Db'
    });
    expect(trig.status).toBe(201);
    expect(trig.body.source).toBe('trigger');
    expect(s.pipelines.find((p) => p.id === trig.body.id)?.variables).toEqual({ DEPLOY: 'yes', EQ: 'a=b' });
    expect(await get(s, `/pipelines/${trig.body.id}/variables`)).toEqual([
      { variable_type: 'env_var', key: 'DEPLOY', value: 'yes' },
      { variable_type: 'env_var', key: 'EQ', value: 'a=b' }
    ]);
    const multipart = new FormData();
    multipart.set('token', 'glptt-sim-trigger');
    multipart.set('ref', 'main');
    multipart.set('variables[X]', '1');
    const res = await fetch(`${s.url}${PROJECT}/trigger/pipeline`, { method: 'POST', body: multipart });
    expect(res.status).toBe(201);
    expect(
      await call(s, 'POST', '/trigger/pipeline', { auth: false, form: 'token=wrong&ref=main' })
    ).toMatchObject({
      status: 404,
      body: { message: '404 Not Found' }
    });

    const api = await createPipeline(s, 'main', [{ key: 'A', value: '1', variable_type: 'env_var' }]);
    expect(s.pipelines.find((p) => p.id === api.id)?.variables).toEqual({ A: '1' });
    expect(s.created).toBe(3);

    const list = await call(s, 'GET', '/pipelines?ref=main&order_by=id&sort=desc&source=api');
    expect((list.body as unknown as Json[]).map((p) => p.id)).toEqual([api.id]);
    const all = (await get(s, '/pipelines?ref=main&order_by=id&sort=desc')) as unknown as Json[];
    expect(all.map((p) => p.id)).toEqual([1002, 1001, 1000]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await get(s, `/pipelines?updated_after=${encodeURIComponent(future)}`)).toEqual([]);
  });

  test('429s carry Retry-After and RateLimit-Reset, like GitLab', async () => {
    const s = await start({});
    s.faults.push({ kind: 'rate-limit', retryAfter: 2, match: (r) => r.path.endsWith('/pipelines') });
    const before = Math.floor(Date.now() / 1000);
    const limited = await call(s, 'GET', '/pipelines');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    const reset = Number(limited.headers.get('ratelimit-reset'));
    expect(reset).toBeGreaterThanOrEqual(before + 2);
    expect(limited.text).toBe('Retry later\n');
    expect(s.injected).toEqual([{ kind: 'rate-limit', path: `${PROJECT}/pipelines` }]);
    expect(s.requests[0]).toMatchObject({ status: 429, fault: 'rate-limit' });
    expect((await call(s, 'GET', '/pipelines')).status).toBe(200);
    expect(s.faults).toHaveLength(0);
  });

  describe.each(GITLAB_PROFILES.map((p) => [p.name, p] as const))('profile %s', (_name, profile) => {
    test('its JSON matches GitLab’s schemas; its routes, fields and lists are as the profile says', async () => {
      const s = await start({
        profile,
        pipelines: {
          main: {
            jobs: [
              fast({ name: 'build', stage: 'build', result: 'failed', allowFailure: true }),
              fast({ name: 'unit', stage: 'build', tests: [{ suite: 's', name: 'ok', status: 'success' }] }),
              fast({ name: 'trigger', stage: 'deploy', child: { jobs: [fast({ name: 'c', stage: 'c' })] } })
            ]
          }
        }
      });
      expect(s.profile).toBe(profile);
      const created = await createPipeline(s);
      expectValid(schemas.pipeline, created, 'the created pipeline');
      const done = await waitFor(() => get(s, `/pipelines/${created.id}`), pipelineDone, 'pipeline done');
      expectValid(schemas.pipeline, done, 'the finished pipeline');
      for (const j of await jobsOf(s, created.id)) {
        expectValid(j.status === 'failed' ? schemas.failedJob : schemas.job, j, `job ${j.name}`);
      }
      const version = await get(s, '/api/v4/version');
      expect(version.version).toBe(profile.version);

      const status = async (p: string): Promise<number> => (await call(s, 'GET', p)).status;
      const at = `/pipelines/${created.id}`;
      expect(await status(`${at}/bridges`)).toBe(profile.routes.bridges ? 200 : 404);
      expect(await status(`${at}/trigger_jobs`)).toBe(profile.routes.triggerJobs ? 200 : 404);
      expect(await status(`${at}/test_report`)).toBe(profile.routes.testReport ? 200 : 404);
      expect(await status(`${at}/test_report_summary`)).toBe(profile.routes.testReportSummary ? 200 : 404);
      expect(await status(`${at}/variables`)).toBe(profile.routes.pipelineVariables ? 200 : 404);

      const route = profile.routes.triggerJobs ? 'trigger_jobs' : 'bridges';
      if (profile.routes.bridges || profile.routes.triggerJobs) {
        const [bridge] = (await get(s, `${at}/${route}`)) as unknown as Json[];
        const ds = bridge.downstream_pipeline as Json;
        expectValid(schemas.pipelineBasic, ds, 'downstream_pipeline');
        expect('project_id' in ds).toBe(profile.fields.downstreamProjectId);
        expect(await status(`/pipelines/${ds.id}`)).toBe(profile.children.readable ? 200 : 404);
        expect(await status(`/pipelines/${ds.id}/jobs`)).toBe(profile.children.readable ? 200 : 404);
      }

      // Retry the failed job: before 13.5 the list keeps the old attempt too, oldest first.
      const build = (await jobsOf(s, created.id)).find((j) => j.name === 'build')!;
      expect((await call(s, 'POST', `/jobs/${build.id}/retry`)).status).toBe(201);
      const ids = (await jobsOf(s, created.id)).filter((j) => j.name === 'build').map((j) => j.id as number);
      expect(ids.length).toBe(profile.lists.jobsIncludeRetried ? 2 : 1);
      if (ids.length === 2) expect(ids[0]).toBeLessThan(ids[1]);

      // gitlab.com 17.7+: variables refused with the chain's own message.
      const refused = await call(s, 'POST', '/pipeline', {
        json: { ref: 'main', variables: [{ key: 'A', value: '1' }] }
      });
      expect(refused.status).toBe(profile.variables.forbidden ? 400 : 201);
      if (profile.variables.forbidden) {
        expect(refused.body).toEqual({
          message: { base: ['Insufficient permissions to set pipeline variables'] }
        });
      }
    });
  });
});

/**
 * Every body real GitLab and GoCD servers sent (../shared/reference/recorded/, see its README),
 * replayed through the code that reads a live answer: served from 127.0.0.1 to the remotes where
 * a call reads it (trigger, schedule, run-url), else through the remote's shape (expectShape, as
 * its api does) and its own mapping. Issue 20: four of them were misread.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { expectShape, z } from '../src/transport/shape.js';
import { Http } from '../src/transport/http.js';
import {
  Bridge,
  Job,
  Pipeline,
  TestReport,
  TestReportSummary,
  Variables,
  Version
} from '../src/remotes/gitlab/shapes.js';
import { ENDED, projectOfUrl } from '../src/remotes/gitlab/pipeline.js';
import { outputText, readTestReport } from '../src/remotes/gitlab/test-report.js';
import { createGitLab } from '../src/remotes/gitlab/remote.js';
import type { GitLabApi } from '../src/remotes/gitlab/api.js';
import {
  artifactListSchema,
  historySchema,
  instanceSchema,
  messageSchema
} from '../src/remotes/gocd/shapes.js';
import { withStatus } from '../src/remotes/gocd/stages.js';
import { GoCDApi } from '../src/remotes/gocd/api.js';
import { createGoCD } from '../src/remotes/gocd/remote.js';
import { openZip } from '../src/artifacts/zip.js';
import { disposeClients, remoteContext } from './helpers/remote.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/reference/recorded');
const file = (rel: string): Buffer => fs.readFileSync(path.join(ROOT, rel));
const json = (rel: string): unknown => JSON.parse(file(rel).toString('utf8'));
const gitlab = (call: string) => ({ system: 'GitLab', call });
const gocd = (call: string) => ({ system: 'GoCD', call });

/** Every recorded file; each test below takes the ones it replays off this list. */
const ALL = fs
  .readdirSync(ROOT, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name !== 'README.md')
  .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)))
  .sort();
const replayed = new Set<string>();
const use = (rel: string): string => {
  replayed.add(rel);
  return rel;
};

/** A 127.0.0.1 server answering each `METHOD path` with recorded replies, in turn (the last repeats). */
interface Reply {
  status: number;
  type: string;
  body: Buffer | string;
}
async function replayServer(
  routes: Record<string, Reply[]>
): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const key = `${req.method} ${req.url?.replace(/\?.*/, '')}`;
    seen.push(key);
    req.resume();
    const replies = routes[key];
    const reply = replies ? (replies.length > 1 ? replies.shift()! : replies[0]) : undefined;
    if (!reply) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"404 Not Found"}');
      return;
    }
    res.writeHead(reply.status, { 'content-type': reply.type }).end(reply.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise((r) => server.close(() => r()))
  };
}
const jsonReply = (rel: string, status = 200): Reply => ({
  status,
  type: 'application/json',
  body: file(use(rel))
});

afterEach(() => disposeClients());

describe('GitLab', () => {
  test.each([
    ['gitlab/narkoz/pipeline.json', 'success'],
    ['gitlab/narkoz/pipeline_create.json', undefined],
    ['gitlab/narkoz/pipeline_cancel.json', 'canceled'],
    ['gitlab/python-gitlab/pipeline_content.json', undefined]
  ])('pipeline %s reads, its status maps', (rel, conclusion) => {
    const p = expectShape(Pipeline, json(use(rel)), gitlab('GET pipeline'));
    expect(typeof p.id).toBe('number');
    expect(ENDED[p.status]).toBe(conclusion);
  });

  test.each(['gitlab/narkoz/pipeline_jobs.json', 'gitlab/go-gitlab/list_project_jobs.json'])(
    'job list %s reads',
    (rel) => {
      const jobs = expectShape(z.array(Job), json(use(rel)), gitlab('GET jobs'));
      expect(jobs.length).toBeGreaterThan(0);
      for (const j of jobs) expect(typeof j.name).toBe('string');
    }
  );

  test.each(['gitlab/narkoz/job.json', 'gitlab/python-gitlab/failed_job.json'])('job %s reads', (rel) => {
    const j = expectShape(Job, json(use(rel)), gitlab('GET job'));
    expect(j.id).toBeGreaterThan(0);
  });

  test('a cross-project downstream pipeline is looked up in the project its web_url names (pre-14, no /-/)', () => {
    const bridges = expectShape(
      z.array(Bridge),
      json(use('gitlab/narkoz/pipeline_bridges.json')),
      gitlab('GET bridges')
    );
    const ds = bridges[0].downstream_pipeline!;
    expect(ds.project_id).toBeUndefined();
    // The server's external_url (example.com) is not the URL ci-relay calls: the path decides.
    expect(projectOfUrl(ds.web_url!, 'http://127.0.0.1:1')).toBe('diaspora/diaspora-client');
    expect(projectOfUrl('https://example.com/gl/g/sub/p/-/pipelines/5', 'https://gl.internal/gl')).toBe(
      'g/sub/p'
    );
    expect(projectOfUrl('https://example.com/g/p/-/jobs/5', 'https://example.com')).toBeUndefined();
  });

  test('python-gitlab bridges read; a downstream with project_id needs no URL', () => {
    const bridges = expectShape(
      z.array(Bridge),
      json(use('gitlab/python-gitlab/bridges.json')),
      gitlab('GET bridges')
    );
    expect(bridges.length).toBe(1);
  });

  test('pipeline variables (one without variable_type) and versions read', () => {
    expect(
      expectShape(Variables, json(use('gitlab/narkoz/pipeline_variables.json')), gitlab('GET variables'))
        .length
    ).toBeGreaterThan(0);
    for (const rel of ['gitlab/narkoz/version.json', 'gitlab/go-gitlab/version.json'])
      expect(expectShape(Version, json(use(rel)), gitlab('GET version')).version).toMatch(/^\d+\.\d+/);
  });

  /** GitLabApi.optional as the live api does it: the body through expectShape. */
  const fakeApi = (bodies: Record<string, unknown>): GitLabApi =>
    ({
      optional: async (schema: z.ZodType, p: string, call: string) => {
        const key = Object.keys(bodies).find((k) => p.endsWith(k));
        if (!key) return { status: 404 };
        return { value: expectShape(schema, bodies[key], gitlab(call)), status: 200 };
      }
    }) as unknown as GitLabApi;

  test('a test report whose system_output is a string, an object and a list is read whole', async () => {
    const body = json(use('gitlab/go-gitlab/get_pipeline_testreport.json'));
    const report = await readTestReport(fakeApi({ '/test_report': body }), 'projects/1', 1);
    expect(report).toBeDefined();
    const messages = report!.failures.map((f) => f.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Failed test'),
        expect.stringContaining('MultipleExceptionError: Failed test'),
        expect.stringMatching(/Failed test a\nFailed test b/)
      ])
    );
    expect(outputText({ message: 'm', type: 't', __content__: 'trace' })).toBe('t: m\ntrace');
  });

  test.each(['gitlab/narkoz/pipeline_test_report.json', 'gitlab/python-gitlab/test_report.json'])(
    'test report %s reads',
    async (rel) => {
      const body = json(use(rel));
      expect(expectShape(TestReport, body, gitlab('GET test_report')).total_count).toBeGreaterThanOrEqual(0);
      await readTestReport(fakeApi({ '/test_report': body }), 'projects/1', 1);
    }
  );

  test('test_report_summary (suite_error: null, build_ids) reads', async () => {
    const body = json(use('gitlab/python-gitlab/test_report_summary.json'));
    const s = expectShape(TestReportSummary, body, gitlab('GET test_report_summary'));
    const report = await readTestReport(fakeApi({ '/test_report_summary': body }), 'projects/1', 1);
    expect(report?.total ?? 0).toBe(s.total.count);
  });

  test('the recorded artifacts archive opens and lists its entries', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-relay-recorded-'));
    const zipFile = path.join(dir, 'a.zip');
    fs.writeFileSync(zipFile, file(use('gitlab/narkoz/job_artifacts.zip')));
    const zip = await openZip(zipFile);
    const names: string[] = [];
    try {
      for (let e = await zip.nextEntry(); e; e = await zip.nextEntry())
        names.push(Buffer.from(e.fileName as unknown as Buffer).toString('utf8'));
    } finally {
      zip.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(names.length).toBeGreaterThan(0);
  });

  test.each([
    ['a path', 'foo/bar', true],
    ['a numeric project, from its path_with_namespace', '1', true],
    ['a numeric project the token cannot read: empty, never the id', '1', false]
  ])('run-url without web_url (8.x trigger answer), %s', async (_what, project, readable) => {
    const enc = encodeURIComponent(project);
    const server = await replayServer({
      [`POST /api/v4/projects/${enc}/pipeline`]: [jsonReply('gitlab/narkoz/pipeline_create.json', 201)],
      ...(readable
        ? {
            [`GET /api/v4/projects/${enc}`]: [
              { status: 200, type: 'application/json', body: '{"id":1,"path_with_namespace":"foo/bar"}' }
            ]
          }
        : {})
    });
    try {
      const { ctx } = remoteContext({
        system: 'gitlab',
        url: server.url,
        token: 't',
        project,
        ref: 'master'
      });
      const run = await createGitLab(ctx).trigger();
      expect(run.id).toBe('61');
      expect(run.url).toBe(readable ? `${server.url}/foo/bar/-/pipelines/61` : undefined);
      expect(run.url ?? '').not.toContain('/1/-/');
    } finally {
      await server.close();
    }
  });
});

describe('GoCD', () => {
  test.each([
    'gocd/py-gocd/history-before-schedule.json',
    'gocd/py-gocd/history-after-schedule-1.json',
    'gocd/py-gocd/history-after-schedule-2.json',
    'gocd/py-gocd/history-console-output.json',
    'gocd/py-gocd/history-job-not-finished.json',
    'gocd/api.go.cd/pipeline-history.json',
    'gocd/go-gocd/pipeline.1.json'
  ])('history %s reads', (rel) => {
    const h = expectShape(historySchema, json(use(rel)), gocd('GET history'));
    expect(h.pipelines.length).toBeGreaterThan(0);
    for (const p of h.pipelines) expect(p.counter).toBeGreaterThan(0);
  });

  test.each([
    'gocd/py-gocd/instance-simple-1.json',
    'gocd/py-gocd/instance-dummy-5.json',
    'gocd/api.go.cd/pipeline-instance.json',
    'gocd/go-gocd/pipeline.0.json'
  ])('instance %s reads; its stages map', (rel) => {
    const i = expectShape(instanceSchema, json(use(rel)), gocd('GET instance'));
    expect(i.counter).toBeGreaterThan(0);
    const stages = withStatus(i.stages as never);
    for (const s of stages) expect(typeof s.status).toBe('string');
  });

  test.each(['gocd/py-gocd/artifact-list.json', 'gocd/api.go.cd/artifacts-index.json'])(
    'artifact listing %s reads',
    (rel) => {
      expect(expectShape(artifactListSchema, json(use(rel)), gocd('GET files')).length).toBeGreaterThan(0);
    }
  );

  test('the v3 stage cancel message reads', () => {
    const m = expectShape(messageSchema, json(use('gocd/api.go.cd/stage-cancel.json')), gocd('POST cancel'));
    expect(m?.message).toBeTruthy();
  });

  async function schedule(reply: Reply): Promise<{ message: string | undefined; seen: string[] }> {
    const server = await replayServer({ 'POST /go/api/pipelines/Simple/schedule': [reply] });
    const h = new Http({ baseUrl: `${server.url}/go/`, credentials: {}, serverName: 'GoCD', backoffMs: 10 });
    try {
      return { message: await new GoCDApi(h, 'Simple').schedule({}), seen: server.seen };
    } finally {
      h.dispose();
      await server.close();
    }
  }

  test('an older GoCD answering the schedule with 202 text/html has scheduled: its words, one POST', async () => {
    const { message, seen } = await schedule({
      status: 202,
      type: 'text/html; charset=utf-8',
      body: file(use('gocd/py-gocd/schedule-202.txt'))
    });
    expect(message).toBe('Request to schedule pipeline Simple accepted');
    expect(seen).toEqual(['POST /go/api/pipelines/Simple/schedule']);
  });

  test("the v1 schedule's JSON 202 gives its message; a 200 HTML page is still no API", async () => {
    const expected = (json(use('gocd/api.go.cd/schedule.json')) as { message: string }).message;
    expect((await schedule(jsonReply('gocd/api.go.cd/schedule.json', 202))).message).toBe(expected);
    await expect(schedule({ status: 200, type: 'text/html', body: '<html>login</html>' })).rejects.toThrow(
      /HTML page/
    );
  });

  test('the whole py-gocd cassette: history, 202 text/html schedule, history until run 9 appears', async () => {
    const server = await replayServer({
      'GET /go/api/pipelines/Simple/history': [
        jsonReply('gocd/py-gocd/history-before-schedule.json'),
        jsonReply('gocd/py-gocd/history-after-schedule-1.json'),
        jsonReply('gocd/py-gocd/history-after-schedule-2.json')
      ],
      'POST /go/api/pipelines/Simple/schedule': [
        { status: 202, type: 'text/html; charset=utf-8', body: file('gocd/py-gocd/schedule-202.txt') }
      ]
    });
    try {
      const { ctx, notes } = remoteContext({
        system: 'gocd',
        url: server.url,
        username: 'anonymous',
        password: 'x',
        pipeline: 'Simple',
        'poll-interval': '1s',
        timeout: '60s'
      });
      const run = await createGoCD(ctx).trigger();
      expect(run.id).toBe('Simple/9');
      expect(notes.join('\n')).toContain('Request to schedule pipeline Simple accepted');
      expect(server.seen.filter((s) => s.startsWith('POST'))).toHaveLength(1);
    } finally {
      await server.close();
    }
  }, 30_000);

  test('text bodies: the console log, an artifact file and the old stage cancel are text as served', () => {
    for (const rel of [
      'gocd/py-gocd/console-simple-9.log',
      'gocd/py-gocd/artifact-output.txt',
      'gocd/py-gocd/stage-cancel.txt'
    ])
      expect(file(use(rel)).length).toBeGreaterThan(0);
  });
});

test('every recorded body is replayed above', () => {
  expect(ALL.length).toBe(37);
  expect(ALL.filter((f) => !replayed.has(f))).toEqual([]);
});

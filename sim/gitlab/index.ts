/**
 * A GitLab (REST v4) server as ci-relay meets it (PROTOCOLS.md, "GitLab"): pipelines created
 * through the API or a trigger token, stages that move with time, manual jobs (blocking or
 * not), play / retry / cancel, paginated job lists, bridges starting child pipelines, whole-log
 * traces, test reports, and artifacts answered with a 302 to a second "object storage" server
 * that rejects credentials and wants its pre-signed query.
 *
 * The routes, fields and list rules follow a server profile (profiles.ts), one per GitLab release.
 * Statuses are computed the way GitLab computes them (status.ts); state follows from timestamps
 * (model.ts); entities are rendered in render.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import type * as http from 'node:http';
import { sendJson, sendText, startServer, type SimRequest } from '../server.js';
import { JobRec, PipelineRec, World } from './model.js';
import {
  HttpError,
  badRequest,
  decodeSegment,
  intParam,
  notFound,
  readParams,
  recordNotFound,
  requireString,
  sendS3Error,
  xmlEscape,
  type Params
} from './params.js';
import { gitlabProfile } from './profiles.js';
import { Renderer, SIM_EPOCH, type TestSuite } from './render.js';
import { AVAILABLE_STATUSES, COMPLETED, RETRYABLE } from './status.js';
import type {
  GitLabSim,
  GitLabSimOptions,
  SimBridgeState,
  SimJobState,
  SimPipeline,
  SimPipelineState,
  SimTestCase
} from './types.js';

export * from './types.js';
export { compositeStatus } from './status.js';
export { GITLAB_PROFILES, DEFAULT_PROFILE, gitlabProfile, type GitLabProfile } from './profiles.js';

// ---------------------------------------------------------------------------------------------
// The servers

interface SignedObject {
  path: string;
  body: Buffer;
  contentType: string;
}

export async function startGitLabSim(opts: GitLabSimOptions = {}): Promise<GitLabSim> {
  const token = opts.token ?? 'glpat-sim-token';
  const triggerToken = opts.triggerToken ?? 'glptt-sim-trigger';
  const projectId = opts.projectId ?? 42;
  const projectPath = opts.projectPath ?? 'group/sub/app';
  const scripts: Record<string, SimPipeline> = opts.pipelines ?? {
    main: {
      jobs: [
        { name: 'build', stage: 'build' },
        { name: 'test', stage: 'test' }
      ]
    }
  };
  const maxPerPage = Math.max(1, opts.perPage ?? 100);
  const profile = gitlabProfile(opts.profile);
  const world = new World(projectPath, opts.traceUpdateMs ?? 0);
  const render = new Renderer(world, projectId, profile);
  const signed = new Map<string, SignedObject>();
  let leakedToStorage = 0;

  // ----- object storage ----------------------------------------------------------------------

  const storage = await startServer((req, res) => {
    const credential = ['private-token', 'authorization', 'job-token'].find(
      (h) => req.headers[h] !== undefined
    );
    if (credential) {
      leakedToStorage++;
      // S3 refuses a second auth mechanism on a pre-signed URL (and echoes what it got).
      return sendS3Error(
        res,
        400,
        'InvalidArgument',
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string ' +
          'parameter or the Authorization header should be specified',
        `<ArgumentName>${xmlEscape(credential)}</ArgumentName>` +
          `<ArgumentValue>${xmlEscape(String(req.headers[credential]))}</ArgumentValue>`
      );
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendS3Error(
        res,
        405,
        'MethodNotAllowed',
        'The specified method is not allowed against this resource.'
      );
    }
    const signature = req.query.get('X-Amz-Signature');
    if (!signature) return sendS3Error(res, 403, 'AccessDenied', 'Access Denied');
    const object = signed.get(signature);
    if (!object || object.path !== req.path) {
      return sendS3Error(
        res,
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.'
      );
    }
    const body = object.body;
    const headers: http.OutgoingHttpHeaders = {
      'content-type': object.contentType,
      'accept-ranges': 'bytes',
      etag: `"${createHash('md5').update(body).digest('hex')}"`,
      'last-modified': new Date(SIM_EPOCH).toUTCString()
    };
    let status = 200;
    let slice = body;
    const range = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? '').trim());
    if (range && (range[1] !== '' || range[2] !== '')) {
      let start: number;
      let end: number;
      if (range[1] === '') {
        start = Math.max(0, body.length - Number(range[2]));
        end = body.length - 1;
      } else {
        start = Number(range[1]);
        end = range[2] === '' ? body.length - 1 : Math.min(Number(range[2]), body.length - 1);
      }
      if (start >= body.length || end < start) {
        return sendS3Error(res, 416, 'InvalidRange', 'The requested range is not satisfiable', '', {
          'content-range': `bytes */${body.length}`
        });
      }
      status = 206;
      slice = body.subarray(start, end + 1);
      headers['content-range'] = `bytes ${start}-${end}/${body.length}`;
    }
    headers['content-length'] = slice.length;
    res.writeHead(status, headers);
    res.end(req.method === 'HEAD' ? undefined : slice);
  });

  function presign(path: string, body: Buffer, contentType: string): string {
    const signature = randomBytes(32).toString('hex');
    signed.set(signature, { path, body, contentType });
    const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
    const query = new URLSearchParams({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': `SIMACCESSKEY/${date.slice(0, 8)}/us-east-1/s3/aws4_request`,
      'X-Amz-Date': date,
      'X-Amz-Expires': '900',
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Signature': signature
    });
    return `${storage.url}${path}?${query.toString()}`;
  }

  // ----- the API -----------------------------------------------------------------------------

  const api = await startServer(async (req, res) => {
    try {
      await route(req, res);
    } catch (err) {
      // Answer here rather than rethrow: the base does not catch for requests it delayed ('slow').
      if (res.headersSent) return void res.destroy();
      if (err instanceof HttpError) return json(res, err.status, err.body);
      json(res, 500, { message: `500 Internal Server Error (simulator: ${String(err)})` });
    }
  });
  world.url = api.url;

  function json(
    res: http.ServerResponse,
    status: number,
    body: unknown,
    headers: http.OutgoingHttpHeaders = {}
  ): void {
    sendJson(res, status, body, {
      'cache-control': 'max-age=0, private, must-revalidate',
      'x-request-id': randomBytes(13).toString('hex').toUpperCase(),
      'x-gitlab-meta': '{"correlation_id":"sim","version":"1"}',
      ...headers
    });
  }

  function authenticated(req: SimRequest): boolean {
    const priv = req.headers['private-token'];
    if (typeof priv === 'string' && priv === token) return true;
    const auth = req.headers.authorization;
    return typeof auth === 'string' && /^Bearer\s+/i.test(auth) && auth.replace(/^Bearer\s+/i, '') === token;
  }

  function paginate<T>(
    req: SimRequest,
    items: T[],
    withTotal = true
  ): { page: T[]; headers: http.OutgoingHttpHeaders } {
    const perRaw = Number(req.query.get('per_page') ?? '20');
    const per = Math.min(maxPerPage, Number.isInteger(perRaw) && perRaw >= 1 ? perRaw : 20);
    const pageRaw = Number(req.query.get('page') ?? '1');
    const page = Number.isInteger(pageRaw) && pageRaw >= 1 ? pageRaw : 1;
    const totalPages = Math.max(1, Math.ceil(items.length / per));
    const slice = items.slice((page - 1) * per, page * per);
    const hasNext = page * per < items.length;
    const link = (p: number): string => {
      const q = new URLSearchParams(req.query);
      q.set('page', String(p));
      q.set('per_page', String(per));
      return `${api.url}${req.path}?${q.toString()}`;
    };
    const links = [
      ...(page > 1 ? [`<${link(page - 1)}>; rel="prev"`] : []),
      ...(hasNext ? [`<${link(page + 1)}>; rel="next"`] : []),
      `<${link(1)}>; rel="first"`,
      ...(withTotal ? [`<${link(totalPages)}>; rel="last"`] : [])
    ];
    const headers: http.OutgoingHttpHeaders = {
      'x-page': String(page),
      'x-per-page': String(per),
      'x-next-page': hasNext ? String(page + 1) : '',
      'x-prev-page': page > 1 ? String(page - 1) : '',
      link: links.join(', ')
    };
    if (withTotal) {
      headers['x-total'] = String(items.length);
      headers['x-total-pages'] = String(totalPages);
    }
    return { page: slice, headers };
  }

  function scopeFilter(req: SimRequest): ((status: string) => boolean) | undefined {
    const scope = [...req.query.getAll('scope'), ...req.query.getAll('scope[]')];
    if (scope.length === 0) return undefined;
    if (scope.some((s) => !AVAILABLE_STATUSES.includes(s)))
      throw badRequest('scope does not have a valid value');
    return (status) => scope.includes(status);
  }

  function findPipeline(raw: string): PipelineRec {
    const id = intParam(raw, 'pipeline_id');
    const p = world.pipelines.find((x) => x.id === id);
    if (!p) throw recordNotFound();
    return p;
  }

  /**
   * The JUnit reports of the pipeline's latest ended jobs, its child pipelines' included, as
   * Ci::Pipeline#test_reports gathers them (latest_test_report_builds_in_self_and_project_descendants).
   */
  function testSuites(p: PipelineRec, now: number): TestSuite[] {
    const cases: (SimTestCase & { jobId: number })[] = [];
    const visit = (q: PipelineRec): void => {
      for (const j of world.latest(q)) {
        if (j.child) visit(j.child);
        else if (j.spec.tests && COMPLETED.has(world.jobStatus(j, now)))
          cases.push(...j.spec.tests.map((t) => ({ ...t, jobId: j.id })));
      }
    };
    visit(p);
    const bySuite = new Map<string, TestSuite>();
    for (const c of cases) {
      const suite = bySuite.get(c.suite) ?? { name: c.suite, buildIds: [], cases: [] };
      if (!suite.buildIds.includes(c.jobId)) suite.buildIds.push(c.jobId);
      suite.cases.push(c);
      bySuite.set(c.suite, suite);
    }
    return [...bySuite.values()];
  }

  /** Child pipelines could not be read through the API on 12.x–13.2 (PROTOCOLS.md, "Versions"). */
  function findReadablePipeline(raw: string): PipelineRec {
    const p = findPipeline(raw);
    if (p.project || (p.source === 'parent_pipeline' && !profile.children.readable)) throw recordNotFound();
    return p;
  }

  function findJob(raw: string, opts2: { bridges?: boolean } = {}): JobRec {
    const id = intParam(raw, 'job_id');
    const j = world.recs.find((x) => x.id === id && (opts2.bridges || !x.bridge));
    if (!j) throw recordNotFound();
    return j;
  }

  function projectMatches(seg: string): boolean {
    const id = decodeSegment(seg);
    return id === String(projectId) || id.toLowerCase() === projectPath.toLowerCase();
  }

  async function createFromScript(
    ref: string,
    variables: Record<string, string>,
    source: 'api' | 'trigger'
  ): Promise<PipelineRec> {
    const script = Object.prototype.hasOwnProperty.call(scripts, ref) ? scripts[ref] : undefined;
    if (!script) throw new HttpError(400, { message: { base: ['Reference not found'] } });
    if (script.jobs.length === 0) {
      throw new HttpError(400, { message: { base: ['No stages / jobs for this pipeline.'] } });
    }
    if (profile.variables.forbidden && Object.keys(variables).length > 0) {
      // Gitlab::Ci::Pipeline::Chain::Validate::Abilities (gitlab.com 17.7+ default role no_one_allowed);
      // chain errors reach the API through render_validation_error! as {"message":{"base":[…]}}.
      throw new HttpError(400, { message: { base: ['Insufficient permissions to set pipeline variables'] } });
    }
    await world.prepare(script);
    const now = Date.now();
    world.advanceAll(now);
    const p = world.createPipeline(script, ref, variables, source, now);
    world.created++;
    return p;
  }

  async function route(req: SimRequest, res: http.ServerResponse): Promise<void> {
    const segs = req.path.split('/').slice(1);
    if (segs[0] !== 'api' || segs[1] !== 'v4') {
      return sendText(res, 404, '<html><body><h1>404 Not Found</h1></body></html>', {
        'content-type': 'text/html'
      });
    }
    const rest = segs.slice(2);
    if (rest[rest.length - 1] === '') rest.pop();
    const m = req.method;

    // The trigger API authenticates with the trigger token alone.
    if (m === 'POST' && rest[0] === 'projects' && rest.length >= 4) {
      const tail = rest.slice(2);
      const plain = tail.length === 2 && tail[0] === 'trigger' && tail[1] === 'pipeline';
      const withRef =
        tail[0] === 'ref' && tail.length >= 4 && tail.slice(-2).join('/') === 'trigger/pipeline';
      if (plain || withRef) {
        const params = readParams(req);
        if (withRef) params.ref = tail.slice(1, -2).map(decodeSegment).join('/');
        const missing = ['ref', 'token'].filter((k) => params[k] === undefined || params[k] === '');
        if (missing.length) throw badRequest(missing.map((k) => `${k} is missing`).join(', '));
        const vars = params.variables ?? {};
        if (
          typeof vars !== 'object' ||
          Array.isArray(vars) ||
          !Object.entries(vars as Params).every(([, v]) => typeof v === 'string')
        ) {
          throw new HttpError(400, { message: 'variables needs to be a map of key-valued strings' });
        }
        if (!projectMatches(rest[1]) || params.token !== triggerToken) throw notFound();
        const p = await createFromScript(
          String(params.ref),
          { ...(vars as Record<string, string>) },
          'trigger'
        );
        return json(res, 201, render.pipeline(p, Date.now()));
      }
    }

    if (!authenticated(req)) return json(res, 401, { message: '401 Unauthorized' });

    if (m === 'GET' && rest.length === 1 && rest[0] === 'user') {
      return json(res, 200, { ...render.user(), email: 'sim@example.com', is_admin: false });
    }
    if (m === 'GET' && rest.length === 1 && rest[0] === 'version') {
      return json(res, 200, { version: profile.version, revision: 'sim', kas: { enabled: false } });
    }
    if (rest[0] !== 'projects' || rest.length < 2) throw new HttpError(404, { error: '404 Not Found' });
    if (!projectMatches(rest[1])) throw notFound('Project');

    const now = Date.now();
    world.advanceAll(now);
    const r = rest.slice(2);
    const is = (method: string, ...pattern: string[]): boolean =>
      m === method && r.length === pattern.length && pattern.every((p, i) => p === '*' || p === r[i]);

    if (is('GET')) return json(res, 200, render.project());

    if (is('POST', 'pipeline')) {
      const params = readParams(req);
      const ref = requireString(params, 'ref');
      const variables: Record<string, string> = {};
      const list = params.variables ?? [];
      if (!Array.isArray(list)) throw badRequest('variables is invalid');
      list.forEach((v: unknown, i) => {
        const item = (v && typeof v === 'object' ? v : {}) as Params;
        for (const k of ['key', 'value']) {
          if (item[k] === undefined || item[k] === null) throw badRequest(`variables[${i}][${k}] is missing`);
        }
        if (item.variable_type !== undefined && !['env_var', 'file'].includes(String(item.variable_type))) {
          throw badRequest(`variables[${i}][variable_type] does not have a valid value`);
        }
        variables[String(item.key)] = String(item.value);
      });
      // GitLab 9.x's POST /pipeline accepted only `ref`: variables were dropped without a word.
      const p = await createFromScript(ref, profile.variables.createHonoured ? variables : {}, 'api');
      return json(res, 201, render.pipeline(p, Date.now()));
    }

    if (is('GET', 'pipelines')) {
      const q = req.query;
      let list = world.pipelines.slice();
      const eq = (name: string, get: (p: PipelineRec) => string): void => {
        const want = q.get(name);
        if (want !== null && want !== '') list = list.filter((p) => get(p) === want);
      };
      eq('ref', (p) => p.ref);
      eq('sha', (p) => p.sha);
      eq('source', (p) => p.source);
      eq('status', (p) => world.pipelineStatus(p, now));
      const scope = q.get('scope');
      if (scope === 'running' || scope === 'pending')
        list = list.filter((p) => world.pipelineStatus(p, now) === scope);
      if (scope === 'finished') list = list.filter((p) => COMPLETED.has(world.pipelineStatus(p, now)));
      if (scope === 'tags') list = [];
      const time = (name: string): number | undefined => {
        const v = q.get(name);
        if (v === null || v === '') return undefined;
        const t = Date.parse(v);
        if (Number.isNaN(t)) throw badRequest(`${name} is invalid`);
        return t;
      };
      const ua = time('updated_after');
      const ub = time('updated_before');
      const ca = time('created_after');
      const cb = time('created_before');
      if (ua !== undefined) list = list.filter((p) => world.pipelineUpdatedAt(p, now) > ua);
      if (ub !== undefined) list = list.filter((p) => world.pipelineUpdatedAt(p, now) < ub);
      if (ca !== undefined) list = list.filter((p) => p.createdAt > ca);
      if (cb !== undefined) list = list.filter((p) => p.createdAt < cb);
      const orderBy = q.get('order_by') ?? 'id';
      if (!['id', 'status', 'ref', 'updated_at', 'user_id'].includes(orderBy)) {
        throw badRequest('order_by does not have a valid value');
      }
      const sort = q.get('sort') ?? 'desc';
      if (!['asc', 'desc'].includes(sort)) throw badRequest('sort does not have a valid value');
      const key = (p: PipelineRec): string | number =>
        orderBy === 'status'
          ? world.pipelineStatus(p, now)
          : orderBy === 'ref'
            ? p.ref
            : orderBy === 'updated_at'
              ? world.pipelineUpdatedAt(p, now)
              : p.id;
      list.sort((a, b) => {
        const ka = key(a);
        const kb = key(b);
        const c = ka < kb ? -1 : ka > kb ? 1 : a.id - b.id;
        return sort === 'asc' ? c : -c;
      });
      const { page, headers } = paginate(req, list);
      return json(
        res,
        200,
        page.map((p) => render.pipelineBasic(p, now, true)),
        headers
      );
    }

    if (is('GET', 'pipelines', '*')) return json(res, 200, render.pipeline(findReadablePipeline(r[1]), now));

    if (is('GET', 'pipelines', '*', 'variables') && profile.routes.pipelineVariables) {
      const p = findReadablePipeline(r[1]);
      return json(
        res,
        200,
        Object.entries(p.variables).map(([key, value]) => ({ variable_type: 'env_var', key, value }))
      );
    }

    if (
      (is('GET', 'pipelines', '*', 'test_report') && profile.routes.testReport) ||
      (is('GET', 'pipelines', '*', 'test_report_summary') && profile.routes.testReportSummary)
    ) {
      const p = findReadablePipeline(r[1]);
      const suites = testSuites(p, now);
      return r[2] === 'test_report'
        ? json(res, 200, render.testReport(suites))
        : json(res, 200, render.testReportSummary(suites));
    }

    if (
      is('GET', 'pipelines', '*', 'jobs') ||
      (is('GET', 'pipelines', '*', 'bridges') && profile.routes.bridges) ||
      (is('GET', 'pipelines', '*', 'trigger_jobs') && profile.routes.triggerJobs)
    ) {
      const p = findReadablePipeline(r[1]);
      const bridges = r[2] !== 'jobs';
      const includeRetried =
        !bridges && (profile.lists.jobsIncludeRetried || req.query.get('include_retried') === 'true');
      const filter = scopeFilter(req);
      const oldestFirst = !bridges && profile.lists.jobsOrder === 'oldest_first';
      const list = p.recs
        .filter((j) => j.bridge === bridges && (includeRetried || !j.retried))
        .filter((j) => !filter || filter(world.jobStatus(j, now)))
        .sort((a, b) => (oldestFirst ? a.id - b.id : b.id - a.id));
      const { page, headers } = paginate(req, list);
      return json(
        res,
        200,
        page.map((j) => (bridges ? render.bridge(j, now) : render.job(j, now))),
        headers
      );
    }

    if (is('POST', 'pipelines', '*', 'cancel')) {
      const p = findPipeline(r[1]);
      world.cancelPipeline(p, now);
      return json(res, 200, render.pipeline(p, now));
    }

    if (is('POST', 'pipelines', '*', 'retry')) {
      const p = findPipeline(r[1]);
      for (const j of world.latest(p)) {
        const s = world.jobStatus(j, now);
        if (s === 'failed' || s === 'canceled') world.cloneJob(j, now);
      }
      return json(res, 201, render.pipeline(p, now));
    }

    if (is('GET', 'jobs')) {
      const filter = scopeFilter(req);
      const list = world.recs
        .filter((j) => !j.bridge && (!filter || filter(world.jobStatus(j, now))))
        .sort((a, b) => b.id - a.id);
      // GitLab paginates this list without counting (no X-Total / X-Total-Pages).
      const { page, headers } = paginate(req, list, false);
      return json(
        res,
        200,
        page.map((j) => render.job(j, now)),
        headers
      );
    }

    if (is('GET', 'jobs', '*')) return json(res, 200, render.job(findJob(r[1]), now));

    if (is('GET', 'jobs', '*', 'trace')) {
      const j = findJob(r[1]);
      const body = world.trace(j, now);
      j.traceBytesServed += body.length;
      world.traceBytesServed += body.length;
      return sendText(res, 200, body, {
        'content-type': 'text/plain',
        'content-disposition': `infile; filename="${j.id}.log"`,
        'cache-control': 'max-age=0, private, must-revalidate'
      });
    }

    if (is('POST', 'jobs', '*', 'play')) {
      const j = findJob(r[1], { bridges: true });
      const params = readParams(req);
      const raw = params.job_variables_attributes ?? [];
      if (!Array.isArray(raw)) throw badRequest('job_variables_attributes is invalid');
      const vars: Record<string, string> = {};
      raw.forEach((v: unknown, i) => {
        const item = (v && typeof v === 'object' ? v : {}) as Params;
        for (const k of ['key', 'value']) {
          if (typeof item[k] !== 'string')
            throw badRequest(`job_variables_attributes[${i}][${k}] is missing`);
        }
        vars[item.key as string] = item.value as string;
      });
      // Before 14.9 /play took no job_variables_attributes: Grape dropped the undeclared parameter.
      if (!profile.variables.playHonoured) for (const k of Object.keys(vars)) delete vars[k];
      const status = world.jobStatus(j, now);
      if (j.manual && status === 'manual') {
        j.queuedAt = now;
        j.playedWith = vars;
        return json(res, 200, j.bridge ? render.bridge(j, now) : render.job(j, now));
      }
      if (j.manual && RETRYABLE.has(status) && !j.retried) {
        const fresh = world.cloneJob(j, now, raw.length ? vars : undefined);
        const shown = opts.playAfterRunReturns === 'original' ? j : fresh;
        return json(res, 200, shown.bridge ? render.bridge(shown, now) : render.job(shown, now));
      }
      throw new HttpError(400, { message: '400 Bad request - Unplayable Job' });
    }

    if (is('POST', 'jobs', '*', 'retry')) {
      const j = findJob(r[1], { bridges: true });
      if (!RETRYABLE.has(world.jobStatus(j, now)) || j.retried) {
        throw new HttpError(403, { message: '403 Forbidden - Job is not retryable' });
      }
      const fresh = world.cloneJob(j, now);
      return json(res, 201, fresh.bridge ? render.bridge(fresh, now) : render.job(fresh, now));
    }

    if (is('POST', 'jobs', '*', 'cancel')) {
      const j = findJob(r[1]);
      world.cancelJob(j, now);
      // No explicit status in lib/api/ci/jobs.rb: Grape answers a POST with 201.
      return json(res, 201, render.job(j, now));
    }

    if (m === 'GET' && r[0] === 'jobs' && r[2] === 'artifacts' && r.length >= 3) {
      const j = findJob(r[1]);
      const zip = world.archive(j, now);
      if (!zip) throw notFound();
      let location: string;
      if (r.length === 3) {
        location = presign(`/bucket/${j.id}/artifacts.zip`, zip, 'application/zip');
      } else {
        const path = r.slice(3).map(decodeSegment).join('/');
        const content = j.spec.artifacts?.[path];
        if (content === undefined) throw notFound();
        const key = `/bucket/${j.id}/files/${path.split('/').map(encodeURIComponent).join('/')}`;
        location = presign(
          key,
          Buffer.isBuffer(content) ? content : Buffer.from(content),
          'application/octet-stream'
        );
      }
      return sendText(res, 302, `This resource has been moved temporarily to ${location}.`, { location });
    }

    throw new HttpError(404, { error: '404 Not Found' });
  }

  const sim: GitLabSim = {
    url: api.url,
    port: api.port,
    requests: api.requests,
    faults: api.faults,
    injected: api.injected,
    storage,
    get pipelines(): SimPipelineState[] {
      return world.observe(() => world.pipelines.slice());
    },
    get jobs(): SimJobState[] {
      return world.observe(() => world.recs.filter((j) => !j.bridge));
    },
    get bridges(): SimBridgeState[] {
      return world.observe(() => world.recs.filter((j) => j.bridge));
    },
    get created(): number {
      return world.created;
    },
    get leakedToStorage(): number {
      return leakedToStorage;
    },
    get traceBytesServed(): number {
      return world.traceBytesServed;
    },
    profile,
    close: async () => {
      await Promise.all([api.close(), storage.close()]);
    }
  };
  return sim;
}

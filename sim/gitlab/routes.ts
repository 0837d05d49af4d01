/**
 * The simulated GitLab REST v4 API's routes (lib/api/ci/pipelines.rb, lib/api/ci/jobs.rb,
 * lib/api/ci/triggers.rb in gitlabhq), as the profile of the server's release allows them.
 */
import type * as http from 'node:http';
import { sendText, type SimRequest } from '../server.js';
import type { GitLabContext } from './context.js';
import type { PipelineRec } from './records.js';
import {
  HttpError,
  badRequest,
  decodeSegment,
  notFound,
  readParams,
  requireString,
  type Params
} from './params.js';
import { COMPLETED, RETRYABLE } from './status.js';

export async function route(ctx: GitLabContext, req: SimRequest, res: http.ServerResponse): Promise<void> {
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
    const withRef = tail[0] === 'ref' && tail.length >= 4 && tail.slice(-2).join('/') === 'trigger/pipeline';
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
      if (!ctx.projectMatches(rest[1]) || params.token !== ctx.triggerToken) throw notFound();
      const p = await ctx.createFromScript(
        String(params.ref),
        { ...(vars as Record<string, string>) },
        'trigger',
        params.inputs
      );
      return ctx.json(res, 201, ctx.render.pipeline(p, Date.now()));
    }
  }

  if (!ctx.authenticated(req)) return ctx.json(res, 401, { message: '401 Unauthorized' });

  if (m === 'GET' && rest.length === 1 && rest[0] === 'user') {
    return ctx.json(res, 200, { ...ctx.render.user(), email: 'sim@example.com', is_admin: false });
  }
  if (m === 'GET' && rest.length === 1 && rest[0] === 'version') {
    return ctx.json(res, 200, { version: ctx.profile.version, revision: 'sim', kas: { enabled: false } });
  }
  if (rest[0] !== 'projects' || rest.length < 2) throw new HttpError(404, { error: '404 Not Found' });
  if (!ctx.projectMatches(rest[1])) throw notFound('Project');

  const now = Date.now();
  ctx.world.advanceAll(now);
  const r = rest.slice(2);
  const is = (method: string, ...pattern: string[]): boolean =>
    m === method && r.length === pattern.length && pattern.every((p, i) => p === '*' || p === r[i]);

  if (is('GET')) return ctx.json(res, 200, ctx.render.project());

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
    const p = await ctx.createFromScript(
      ref,
      ctx.profile.variables.createHonoured ? variables : {},
      'api',
      params.inputs
    );
    return ctx.json(res, 201, ctx.render.pipeline(p, Date.now()));
  }

  if (is('GET', 'pipelines')) {
    const q = req.query;
    let list = ctx.world.pipelines.slice();
    const eq = (name: string, get: (p: PipelineRec) => string): void => {
      const want = q.get(name);
      if (want !== null && want !== '') list = list.filter((p) => get(p) === want);
    };
    eq('ref', (p) => p.ref);
    eq('sha', (p) => p.sha);
    eq('source', (p) => p.source);
    eq('status', (p) => ctx.world.pipelineStatus(p, now));
    const scope = q.get('scope');
    if (scope === 'running' || scope === 'pending')
      list = list.filter((p) => ctx.world.pipelineStatus(p, now) === scope);
    if (scope === 'finished') list = list.filter((p) => COMPLETED.has(ctx.world.pipelineStatus(p, now)));
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
    if (ua !== undefined) list = list.filter((p) => ctx.world.pipelineUpdatedAt(p, now) > ua);
    if (ub !== undefined) list = list.filter((p) => ctx.world.pipelineUpdatedAt(p, now) < ub);
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
        ? ctx.world.pipelineStatus(p, now)
        : orderBy === 'ref'
          ? p.ref
          : orderBy === 'updated_at'
            ? ctx.world.pipelineUpdatedAt(p, now)
            : p.id;
    list.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      const c = ka < kb ? -1 : ka > kb ? 1 : a.id - b.id;
      return sort === 'asc' ? c : -c;
    });
    const { page, headers } = ctx.paginate(req, list);
    return ctx.json(
      res,
      200,
      page.map((p) => ctx.render.pipelineBasic(p, now, true)),
      headers
    );
  }

  if (is('GET', 'pipelines', '*'))
    return ctx.json(res, 200, ctx.render.pipeline(ctx.findReadablePipeline(r[1]), now));

  if (is('GET', 'pipelines', '*', 'variables') && ctx.profile.routes.pipelineVariables) {
    const p = ctx.findReadablePipeline(r[1]);
    return ctx.json(
      res,
      200,
      Object.entries(p.variables).map(([key, value]) => ({ variable_type: 'env_var', key, value }))
    );
  }

  if (
    (is('GET', 'pipelines', '*', 'test_report') && ctx.profile.routes.testReport) ||
    (is('GET', 'pipelines', '*', 'test_report_summary') && ctx.profile.routes.testReportSummary)
  ) {
    const p = ctx.findReadablePipeline(r[1]);
    const suites = ctx.testSuites(p, now);
    return r[2] === 'test_report'
      ? ctx.json(res, 200, ctx.render.testReport(suites))
      : ctx.json(res, 200, ctx.render.testReportSummary(suites));
  }

  if (
    is('GET', 'pipelines', '*', 'jobs') ||
    (is('GET', 'pipelines', '*', 'bridges') && ctx.profile.routes.bridges) ||
    (is('GET', 'pipelines', '*', 'trigger_jobs') && ctx.profile.routes.triggerJobs)
  ) {
    const p = ctx.findReadablePipeline(r[1]);
    const bridges = r[2] !== 'jobs';
    const includeRetried =
      !bridges && (ctx.profile.lists.jobsIncludeRetried || req.query.get('include_retried') === 'true');
    const filter = ctx.scopeFilter(req);
    const oldestFirst = !bridges && ctx.profile.lists.jobsOrder === 'oldest_first';
    const list = p.recs
      .filter((j) => j.bridge === bridges && (includeRetried || !j.retried))
      .filter((j) => !filter || filter(ctx.world.jobStatus(j, now)))
      .sort((a, b) => (oldestFirst ? a.id - b.id : b.id - a.id));
    const { page, headers } = ctx.paginate(req, list);
    return ctx.json(
      res,
      200,
      page.map((j) => (bridges ? ctx.render.bridge(j, now) : ctx.render.job(j, now))),
      headers
    );
  }

  if (is('POST', 'pipelines', '*', 'cancel')) {
    const p = ctx.findPipeline(r[1]);
    ctx.world.cancelPipeline(p, now);
    return ctx.json(res, 200, ctx.render.pipeline(p, now));
  }

  if (is('POST', 'pipelines', '*', 'retry')) {
    const p = ctx.findPipeline(r[1]);
    for (const j of ctx.world.latest(p)) {
      const s = ctx.world.jobStatus(j, now);
      if (s === 'failed' || s === 'canceled') ctx.world.cloneJob(j, now);
    }
    return ctx.json(res, 201, ctx.render.pipeline(p, now));
  }

  if (is('GET', 'jobs')) {
    const filter = ctx.scopeFilter(req);
    const list = ctx.world.recs
      .filter((j) => !j.bridge && (!filter || filter(ctx.world.jobStatus(j, now))))
      .sort((a, b) => b.id - a.id);
    // GitLab paginates this list without counting (no X-Total / X-Total-Pages).
    const { page, headers } = ctx.paginate(req, list, false);
    return ctx.json(
      res,
      200,
      page.map((j) => ctx.render.job(j, now)),
      headers
    );
  }

  if (is('GET', 'jobs', '*')) return ctx.json(res, 200, ctx.render.job(ctx.findJob(r[1]), now));

  if (is('GET', 'jobs', '*', 'trace')) {
    const j = ctx.findJob(r[1]);
    const body = ctx.world.trace(j, now);
    j.traceBytesServed += body.length;
    ctx.world.traceBytesServed += body.length;
    return sendText(res, 200, body, {
      'content-type': 'text/plain',
      'content-disposition': `infile; filename="${j.id}.log"`,
      'cache-control': 'max-age=0, private, must-revalidate'
    });
  }

  if (is('POST', 'jobs', '*', 'play')) {
    const j = ctx.findJob(r[1], { bridges: true });
    const params = readParams(req);
    const raw = params.job_variables_attributes ?? [];
    if (!Array.isArray(raw)) throw badRequest('job_variables_attributes is invalid');
    const vars: Record<string, string> = {};
    raw.forEach((v: unknown, i) => {
      const item = (v && typeof v === 'object' ? v : {}) as Params;
      for (const k of ['key', 'value']) {
        if (typeof item[k] !== 'string') throw badRequest(`job_variables_attributes[${i}][${k}] is missing`);
      }
      vars[item.key as string] = item.value as string;
    });
    // Before 14.9 /play took no job_variables_attributes: Grape dropped the undeclared parameter.
    if (!ctx.profile.variables.playHonoured) for (const k of Object.keys(vars)) delete vars[k];
    // `job_inputs` (profile.inputs.job); a release without it drops the parameter.
    const jobInputs = params.job_inputs;
    if (jobInputs !== undefined && (typeof jobInputs !== 'object' || Array.isArray(jobInputs)))
      throw badRequest('job_inputs is invalid');
    const status = ctx.world.jobStatus(j, now);
    if (j.manual && status === 'manual') {
      j.queuedAt = now;
      j.playedWith = vars;
      if (ctx.profile.inputs.job && jobInputs) j.playedInputs = { ...(jobInputs as Record<string, unknown>) };
      return ctx.json(res, 200, j.bridge ? ctx.render.bridge(j, now) : ctx.render.job(j, now));
    }
    if (j.manual && RETRYABLE.has(status) && !j.retried) {
      const fresh = ctx.world.cloneJob(j, now, raw.length ? vars : undefined);
      const shown = ctx.opts.playAfterRunReturns === 'original' ? j : fresh;
      return ctx.json(res, 200, shown.bridge ? ctx.render.bridge(shown, now) : ctx.render.job(shown, now));
    }
    throw new HttpError(400, { message: '400 Bad request - Unplayable Job' });
  }

  if (is('POST', 'jobs', '*', 'retry')) {
    const j = ctx.findJob(r[1], { bridges: true });
    if (!RETRYABLE.has(ctx.world.jobStatus(j, now)) || j.retried) {
      throw new HttpError(403, { message: '403 Forbidden - Job is not retryable' });
    }
    const fresh = ctx.world.cloneJob(j, now);
    return ctx.json(res, 201, fresh.bridge ? ctx.render.bridge(fresh, now) : ctx.render.job(fresh, now));
  }

  if (is('POST', 'jobs', '*', 'cancel')) {
    const j = ctx.findJob(r[1]);
    ctx.world.cancelJob(j, now);
    // No explicit status in lib/api/ci/jobs.rb: Grape answers a POST with 201.
    return ctx.json(res, 201, ctx.render.job(j, now));
  }

  if (m === 'GET' && r[0] === 'jobs' && r[2] === 'artifacts' && r.length >= 3) {
    const j = ctx.findJob(r[1]);
    const zip = ctx.world.archive(j, now);
    if (!zip) throw notFound();
    let location: string;
    if (r.length === 3) {
      location = ctx.presign(`/bucket/${j.id}/artifacts.zip`, zip, 'application/zip');
    } else {
      const path = r.slice(3).map(decodeSegment).join('/');
      const content = j.spec.artifacts?.[path];
      if (content === undefined) throw notFound();
      const key = `/bucket/${j.id}/files/${path.split('/').map(encodeURIComponent).join('/')}`;
      location = ctx.presign(
        key,
        Buffer.isBuffer(content) ? content : Buffer.from(content),
        'application/octet-stream'
      );
    }
    return sendText(res, 302, `This resource has been moved temporarily to ${location}.`, { location });
  }

  throw new HttpError(404, { error: '404 Not Found' });
}

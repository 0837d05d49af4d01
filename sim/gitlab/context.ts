/**
 * What every route of the simulated GitLab API shares: the world and how it is rendered, the
 * server profile, the project, and the helpers that answer (JSON, pagination, lookups).
 */
import { randomBytes } from 'node:crypto';
import type * as http from 'node:http';
import { sendJson, type SimRequest } from '../server.js';
import type { World } from './model.js';
import type { JobRec, PipelineRec } from './records.js';
import { HttpError, badRequest, decodeSegment, intParam, recordNotFound } from './params.js';
import type { GitLabProfile } from './profiles.js';
import { Renderer, type TestSuite } from './render.js';
import { AVAILABLE_STATUSES, COMPLETED } from './status.js';
import type { GitLabSimOptions, SimPipeline, SimTestCase } from './types.js';

export class GitLabContext {
  /** The API's own address, once its server listens. */
  url = '';
  readonly render: Renderer;

  constructor(
    readonly world: World,
    readonly profile: GitLabProfile,
    readonly opts: GitLabSimOptions,
    readonly token: string,
    readonly triggerToken: string,
    readonly projectId: number,
    readonly projectPath: string,
    readonly scripts: Record<string, SimPipeline>,
    readonly maxPerPage: number,
    /** A pre-signed object storage URL serving `body` (storage.ts). */
    readonly presign: (path: string, body: Buffer, contentType: string) => string
  ) {
    this.render = new Renderer(world, projectId, profile);
  }

  json(
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

  authenticated(req: SimRequest): boolean {
    const priv = req.headers['private-token'];
    if (typeof priv === 'string' && priv === this.token) return true;
    const auth = req.headers.authorization;
    return (
      typeof auth === 'string' && /^Bearer\s+/i.test(auth) && auth.replace(/^Bearer\s+/i, '') === this.token
    );
  }

  paginate<T>(
    req: SimRequest,
    items: T[],
    withTotal = true
  ): { page: T[]; headers: http.OutgoingHttpHeaders } {
    const perRaw = Number(req.query.get('per_page') ?? '20');
    const per = Math.min(this.maxPerPage, Number.isInteger(perRaw) && perRaw >= 1 ? perRaw : 20);
    const pageRaw = Number(req.query.get('page') ?? '1');
    const page = Number.isInteger(pageRaw) && pageRaw >= 1 ? pageRaw : 1;
    const totalPages = Math.max(1, Math.ceil(items.length / per));
    const slice = items.slice((page - 1) * per, page * per);
    // A broken or hostile server (opts.endlessPages) names a next page past the end, forever.
    const hasNext = page * per < items.length || !!this.opts.endlessPages;
    const link = (p: number): string => {
      const q = new URLSearchParams(req.query);
      q.set('page', String(p));
      q.set('per_page', String(per));
      return `${this.url}${req.path}?${q.toString()}`;
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

  scopeFilter(req: SimRequest): ((status: string) => boolean) | undefined {
    const scope = [...req.query.getAll('scope'), ...req.query.getAll('scope[]')];
    if (scope.length === 0) return undefined;
    if (scope.some((s) => !AVAILABLE_STATUSES.includes(s)))
      throw badRequest('scope does not have a valid value');
    return (status) => scope.includes(status);
  }

  findPipeline(raw: string): PipelineRec {
    const id = intParam(raw, 'pipeline_id');
    const p = this.world.pipelines.find((x) => x.id === id);
    if (!p) throw recordNotFound();
    return p;
  }

  /**
   * The JUnit reports of the pipeline's latest ended jobs, its child pipelines' included, as
   * Ci::Pipeline#test_reports gathers them (latest_test_report_builds_in_self_and_project_descendants).
   */
  testSuites(p: PipelineRec, now: number): TestSuite[] {
    const cases: (SimTestCase & { jobId: number })[] = [];
    const visit = (q: PipelineRec): void => {
      for (const j of this.world.latest(q)) {
        if (j.child) visit(j.child);
        else if (j.spec.tests && COMPLETED.has(this.world.jobStatus(j, now)))
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
  findReadablePipeline(raw: string): PipelineRec {
    const p = this.findPipeline(raw);
    if (p.project || (p.source === 'parent_pipeline' && !this.profile.children.readable))
      throw recordNotFound();
    return p;
  }

  findJob(raw: string, opts2: { bridges?: boolean } = {}): JobRec {
    const id = intParam(raw, 'job_id');
    const j = this.world.recs.find((x) => x.id === id && (opts2.bridges || !x.bridge));
    if (!j) throw recordNotFound();
    return j;
  }

  projectMatches(seg: string): boolean {
    const id = decodeSegment(seg);
    return id === String(this.projectId) || id.toLowerCase() === this.projectPath.toLowerCase();
  }

  async createFromScript(
    ref: string,
    variables: Record<string, string>,
    source: 'api' | 'trigger' | 'push',
    inputs: unknown = undefined
  ): Promise<PipelineRec> {
    const script = Object.prototype.hasOwnProperty.call(this.scripts, ref) ? this.scripts[ref] : undefined;
    if (!script) throw new HttpError(400, { message: { base: ['Reference not found'] } });
    if (script.jobs.length === 0) {
      throw new HttpError(400, { message: { base: ['No stages / jobs for this pipeline.'] } });
    }
    if (this.profile.variables.forbidden && Object.keys(variables).length > 0) {
      // Gitlab::Ci::Pipeline::Chain::Validate::Abilities (gitlab.com 17.7+ default role no_one_allowed);
      // chain errors reach the API through render_validation_error! as {"message":{"base":[…]}}.
      throw new HttpError(400, { message: { base: ['Insufficient permissions to set pipeline variables'] } });
    }
    // A release without `optional :inputs` (profile.inputs.pipeline false): Grape drops the parameter.
    const kept = this.profile.inputs.pipeline ? checkInputs(script, inputs) : {};
    await this.world.prepare(script);
    const now = Date.now();
    this.world.advanceAll(now);
    const p = this.world.createPipeline(script, ref, variables, source, now);
    p.inputs = kept;
    this.world.created++;
    return p;
  }
}

/**
 * A pipeline's inputs as GitLab checks them against the spec:inputs of its configuration
 * (lib/gitlab/ci/config/interpolation and lib/gitlab/ci/inputs/*: "unknown input arguments",
 * "`x` input: provided value is not a number", "`x` input: required value has not been
 * provided"); such errors fail the creation with 400 {"message":{"base":[…]}}. The API itself
 * (lib/api/ci/pipelines.rb, `optional :inputs, type: Hash`) refuses a non-map.
 */
export function checkInputs(script: SimPipeline, inputs: unknown): Record<string, unknown> {
  if (inputs === undefined || inputs === null) inputs = {};
  if (typeof inputs !== 'object' || Array.isArray(inputs)) throw badRequest('inputs is invalid');
  const given = inputs as Record<string, unknown>;
  const spec = script.inputs;
  if (!spec) {
    if (Object.keys(given).length) {
      throw new HttpError(400, {
        message: {
          base: ['Given inputs not defined in the `spec` section of the included configuration file']
        }
      });
    }
    return {};
  }
  const errors: string[] = [];
  const unknown = Object.keys(given).filter((k) => !(k in spec));
  if (unknown.length) errors.push(`unknown input arguments: ${unknown.join(', ')}`);
  for (const [name, def] of Object.entries(spec)) {
    const v = given[name];
    if (v === undefined) {
      if (def.default === undefined) errors.push(`\`${name}\` input: required value has not been provided`);
      continue;
    }
    const type = def.type ?? 'string';
    const ok =
      type === 'array' ? Array.isArray(v) : type === 'number' ? typeof v === 'number' : typeof v === type;
    if (!ok) errors.push(`\`${name}\` input: provided value is not a ${type === 'array' ? 'array' : type}`);
  }
  if (errors.length) throw new HttpError(400, { message: { base: errors } });
  return { ...given };
}

/**
 * GoCD's API as the server at hand offers it. Which routes and Accept versions exist changed
 * between 19.8 and today; what works is learned from the answers (a 404 is how GoCD refuses a
 * route or an Accept version it does not have) and remembered for the rest of the run, so a
 * poll pays for a probe once. Version facts are cited from gocd/gocd's tags.
 */
import type { Http, RequestOpts } from '../../transport/http.js';
import { RemoteError } from '../../core/errors.js';
import { expectShape, type z } from '../../transport/shape.js';
import { notTheApi } from '../../transport/json.js';
import { configSchema, historySchema, instanceSchema, messageSchema, type GoCDInstance } from './shapes.js';

const accept = (v: number): string => `application/vnd.go.cd.v${v}+json`;
const seg = (s: string | number): string => encodeURIComponent(String(s));
/** GoCD's word for a route or Accept version it does not have. */
const WRONG_URL = /appears to be incorrect/i;

/**
 * Where a pipeline instance is read:
 * - `GET /go/api/pipelines/:p/:counter`: 19.12+ (urlrewrite.xml "Pipeline Instance API V1 and
 *   latest" → api-pipeline-instance-v1, first in 19.12.0);
 * - `GET /go/api/pipelines/:p/instance/:counter`: the Rails `pipelines#instance_by_counter`
 *   route up to 20.x (server/…/rails/config/routes.rb, gone by 20.9.0), served by Spark in
 *   19.11 when the Accept is a GoCD one (urlrewrite.xml "Pipeline Instance API").
 */
type InstanceRoute = 'counter' | 'instance';

/**
 * Stage cancel, newest first: v3 (api-stage-instance-v3, 20.9+), v2 (api-stage-instance-v2,
 * 19.12–21.3), v1 (api-stage-operations-v1, 19.8–20.3), then the Rails route
 * `POST /go/api/stages/:p/:s/cancel` (routes.rb `cancel_stage_using_pipeline_stage_name`, last in
 * 19.10.0), which cancels the stage's latest run and needs a `Confirm: true` header
 * (rails/lib/header_constraint.rb).
 */
type CancelRoute = 3 | 2 | 1 | 'rails';
const CANCEL_ROUTES: CancelRoute[] = [3, 2, 1, 'rails'];

/**
 * The pipeline config API (`GET /go/api/admin/pipelines/:p`, admin): v11 from 20.8, v10
 * 19.10–20.10, v7–v9 before 19.10 (api/api-pipeline-config-vN per tag); `approval.type` is the
 * same in each (api-shared-v9 and -v11 ApprovalRepresenter).
 */
const CONFIG_VERSIONS = [11, 10, 9];

export interface StageRef {
  pipeline: string;
  counter: number;
  stage: string;
  stageCounter: string;
}

export class GoCDApi {
  private instanceRoute: InstanceRoute | undefined;
  private cancelRoute: CancelRoute | undefined;
  /** Stage approval types from the config API: undefined = not asked yet, null = not ours to read. */
  private approvals: Map<string, string> | null | undefined;

  constructor(
    private readonly http: Http,
    private readonly pipeline: string
  ) {}

  /** A /go/api JSON answer checked against `schema`; `accept` lists statuses handed back unchecked. */
  private async call<S extends z.ZodType>(
    schema: S,
    method: string,
    path: string,
    opts: RequestOpts & { version?: number } = {}
  ): Promise<{ status: number; body: z.output<S> | undefined }> {
    const res = await this.http.jsonResponse<unknown>(method, `api/${path}`, {
      ...opts,
      headers: { accept: accept(opts.version ?? 1), ...opts.headers }
    });
    if (opts.accept?.includes(res.status)) return { status: res.status, body: undefined };
    return {
      status: res.status,
      body: expectShape(schema, res.body, {
        system: 'GoCD',
        call: `${method} /go/api/${path.replace(/\?.*/, '')}`
      })
    };
  }

  async history(query: string): Promise<z.output<typeof historySchema>> {
    const { body } = await this.call(
      historySchema,
      'GET',
      `pipelines/${seg(this.pipeline)}/history?${query}`
    );
    return body as z.output<typeof historySchema>;
  }

  /** The instance, from whichever route this server has. */
  async instance(counter: number, pipeline = this.pipeline): Promise<GoCDInstance> {
    const paths: Record<InstanceRoute, string> = {
      counter: `pipelines/${seg(pipeline)}/${counter}`,
      instance: `pipelines/${seg(pipeline)}/instance/${counter}`
    };
    const routes: InstanceRoute[] = this.instanceRoute ? [this.instanceRoute] : ['counter', 'instance'];
    const refusals: RemoteError[] = [];
    for (const route of routes) {
      try {
        const { body } = await this.call(instanceSchema, 'GET', paths[route]);
        this.instanceRoute = route;
        return body as GoCDInstance;
      } catch (err) {
        if (!(err instanceof RemoteError) || err.status !== 404) throw err;
        refusals.push(err);
      }
    }
    // Both 404: the one that is not GoCD's "wrong url" says the run is not there.
    throw refusals.find((e) => !WRONG_URL.test(e.message)) ?? refusals[0];
  }

  /**
   * Schedules the pipeline (Accept v1 on every version: api-pipeline-operations-v1, 19.8+) and
   * returns GoCD's message. A 202 means scheduled, whatever its body: GoCD before the v1 API
   * answers `202 text/html` "Request to schedule pipeline … accepted" (recorded in gaqzi/py-gocd
   * tests/fixtures/cassettes/api/pipeline/schedule-successful-and-return-new-instance.yml; the old
   * Pipeline API of gocd/docs.go.cd user/api/Pipeline_API.md), which the transport's JSON reader
   * would take for a proxy's page. The POST is sent once (`idempotent: false`) and its body read
   * here, never asked for again. Any other 2xx must be the API's JSON.
   */
  async schedule(body: unknown): Promise<string | undefined> {
    const path = `pipelines/${seg(this.pipeline)}/schedule`;
    const call = `POST /go/api/${path}`;
    const res = await this.http.request('POST', `api/${path}`, {
      json: body,
      headers: { accept: accept(1), 'x-gocd-confirm': 'true' },
      idempotent: false
    });
    const text = res.body.toString('utf8');
    let parsed: unknown;
    try {
      parsed = text.trim() ? JSON.parse(text) : null;
    } catch {
      if (res.status === 202) return plainMessage(text);
      throw new RemoteError(
        `GoCD answered ${call} with ${notTheApi(res.headers, res.body) ?? 'something that is not JSON'}, not JSON: is a login or proxy page in front of the API?`,
        res.status
      );
    }
    if (res.status === 202) {
      const message = messageSchema.safeParse(parsed);
      return message.success ? message.data?.message : plainMessage(text);
    }
    return expectShape(messageSchema, parsed, { system: 'GoCD', call })?.message;
  }

  /** Cancels one stage run through the newest route this server has; returns GoCD's message. */
  async cancelStage(ref: StageRef): Promise<string | undefined> {
    const routes = this.cancelRoute !== undefined ? [this.cancelRoute] : CANCEL_ROUTES;
    let first: RemoteError | undefined;
    for (const route of routes) {
      try {
        const message = await this.cancelVia(route, ref);
        this.cancelRoute = route;
        return message;
      } catch (err) {
        if (!(err instanceof RemoteError) || err.status !== 404 || routes.length === 1) throw err;
        first ??= err;
      }
    }
    // Every route answered 404: the stage run is not there (the newest route's word says so).
    throw first as RemoteError;
  }

  private async cancelVia(route: CancelRoute, ref: StageRef): Promise<string | undefined> {
    if (route === 'rails') {
      const res = await this.http.request(
        'POST',
        `api/stages/${seg(ref.pipeline)}/${seg(ref.stage)}/cancel`,
        {
          headers: { confirm: 'true', 'x-gocd-confirm': 'true' },
          idempotent: true
        }
      );
      // Rails answers its localized message as text.
      return res.body.toString('utf8').trim().slice(0, 200) || undefined;
    }
    const path = `stages/${[ref.pipeline, ref.counter, ref.stage, ref.stageCounter].map(seg).join('/')}/cancel`;
    const { body } = await this.call(messageSchema, 'POST', path, {
      version: route,
      headers: { 'x-gocd-confirm': 'true' },
      idempotent: true
    });
    return body?.message ?? undefined;
  }

  /** Approval types by stage name from the pipeline config; null when it is not ours to read. */
  async stageApprovals(): Promise<Map<string, string> | null> {
    if (this.approvals !== undefined) return this.approvals;
    this.approvals = null;
    for (const version of CONFIG_VERSIONS) {
      try {
        const { status, body } = await this.call(
          configSchema,
          'GET',
          `admin/pipelines/${seg(this.pipeline)}`,
          {
            version,
            accept: [401, 403, 404]
          }
        );
        if (status === 404) continue;
        if (status !== 200 || !body) break;
        this.approvals = new Map();
        for (const stage of body.stages)
          if (stage.approval?.type) this.approvals.set(stage.name, stage.approval.type);
        break;
      } catch (err) {
        // An answer we cannot read leaves the grace to decide, as a refusal does.
        if (err instanceof RemoteError) break;
        throw err;
      }
    }
    return this.approvals;
  }
}

/** A text or HTML answer as one short line of its words. */
function plainMessage(text: string): string | undefined {
  const words = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return words ? words.slice(0, 300) : undefined;
}

/**
 * A GoCD server as ci-relay meets it (PROTOCOLS.md, "GoCD"), in the version its profile names
 * (profiles.ts): strict versioned Accept on Spark routes (Rails ones take any), asynchronous
 * scheduling (202 without a counter, the run appearing in history later), stages that move
 * with time, manual stages left waiting, consoles growing in whole lines read with
 * startLineNumber, artifact lists as top-level arrays, folder zips that answer 202 while GoCD
 * builds them, and stage cancel. State follows from timestamps: no timers.
 */
import type * as http from 'node:http';
import { sendJson, sendText, startServer, type SimRequest, type SimServer } from '../server.js';
import { Files } from './files.js';
import { historyJson, instanceJson, pipelineConfigJson } from './json.js';
import { DEFAULT_MATERIAL, defaultPipelines, World, type SimPipeline } from './model.js';
import { gocdProfile, type GoCDProfile, type GoCDVersion } from './profiles.js';

export type { SimJob, SimPipeline, SimStage } from './model.js';
export { GOCD_PROFILES, gocdProfile, type GoCDProfile, type GoCDVersion } from './profiles.js';

export interface GoCDSimOptions {
  /** The GoCD release to reproduce (default `current`). */
  version?: GoCDVersion;
  pipelines?: Record<string, SimPipeline>;
  /** Bearer token accepted (its user is `username`, else `admin`). */
  token?: string;
  username?: string;
  password?: string;
  /** How long after a schedule the run appears in history (default 1500 ms). */
  scheduleDelayMs?: number;
  /**
   * How long after a forced schedule another is refused with 409 (default: until its run appears).
   * GoCD marks a forced pipeline in its TriggerMonitor while the build cause is produced (the
   * material check), then the run waits in the schedule queue: two schedules a moment apart may
   * both be accepted, and both become runs.
   */
  triggerMonitorMs?: number;
  /** How long after a stage passes the next automatic stage is scheduled (default 300 ms). */
  stageDelayMs?: number;
  /** 202 answers before a folder zip is ready (default 2). */
  zipPending?: number;
  /** The status for missing or wrong credentials (default 401). */
  authFailure?: 401 | 403 | 404;
  /** Serve the pipeline config API (admin) so stage approval types can be read (default: 403). */
  configApi?: boolean;
  /** While a job builds, end the console with half of the next line (no newline). */
  partialLines?: boolean;
  /** Answer <job>.json with a single object (the first artifact entry), as GoCD's docs show it. */
  singleObjectListing?: boolean;
  /** A proxy in front of GoCD times out: the schedule is accepted, but 504 is what comes back. */
  loseScheduleAnswer?: boolean;
  /**
   * Schedules are accepted (202) and then come to nothing, as when the material update fails or
   * there is nothing to schedule: GoCD says so only in its server-health messages.
   */
  dropSchedules?: boolean;
  /** Called when a schedule is accepted, after the request is queued. */
  onSchedule?: (pipeline: string) => void;
}

export interface GoCDSim extends SimServer {
  profile: GoCDProfile;
  /** Schedule POSTs accepted. */
  scheduled: number;
  /** The bodies of accepted schedules. */
  schedules: { pipeline: string; body: ScheduleBody }[];
  /** Stages cancelled, as `pipeline/counter/stage/stageCounter`. */
  canceled: string[];
  /** Bytes of console.log bodies served. */
  consoleBytesServed: number;
  /** The complete console of a job, as it reads once the job has finished. */
  consoleText(pipeline: string, counter: number, stage: string, job: string): string;
  /** A run started by something else (a material change, another user). */
  addRun(pipeline: string, opts?: { forced?: boolean; approver?: string; delayMs?: number }): void;
  /** Approves a manual stage (the button in GoCD's UI). */
  approve(pipeline: string, counter: number, stage: string): void;
  /** Counters of the runs that exist, ascending. */
  counters(pipeline: string): number[];
  /** The instance JSON this release answers for a run, as it stands now. */
  instanceJson(pipeline: string, counter: number): Record<string, unknown>;
  /** A history page as this release answers it. */
  historyJson(pipeline: string): Record<string, unknown>;
}

export interface ScheduleBody {
  environment_variables?: { name: string; value: string; secure?: boolean }[];
  materials?: { fingerprint: string; revision: string }[];
  update_materials_before_scheduling?: boolean;
}

const WRONG_URL = { message: 'The url you are trying to reach appears to be incorrect.' };
const NOT_FOUND =
  'Either the resource you requested was not found, or you are not authorized to perform this action.';
const CONFIRM = "Missing required header 'X-GoCD-Confirm' with value 'true'";

/** A route of the API: the Accept versions it answers (`any`: a Rails route, which ignores Accept). */
interface Route {
  pattern: RegExp;
  accept: number[] | 'any';
  handle: (req: SimRequest, res: http.ServerResponse, p: string[]) => void;
}

export async function startGoCDSim(opts: GoCDSimOptions = {}): Promise<GoCDSim> {
  const profile = gocdProfile(opts.version);
  const world = new World(opts.pipelines ?? defaultPipelines(), opts.stageDelayMs ?? 300);
  const { pipelines } = world;
  const scheduleDelayMs = opts.scheduleDelayMs ?? 1500;
  const user = opts.username ?? (opts.token ? 'admin' : 'anonymous');

  const authorized = (req: SimRequest): boolean => {
    if (!opts.token && !opts.username) return true;
    const auth = req.headers.authorization ?? '';
    if (opts.token && auth === `Bearer ${opts.token}`) return true;
    if (opts.username && opts.password !== undefined) {
      const basic = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
      if (auth === basic) return true;
    }
    return false;
  };

  const authFail = (res: http.ServerResponse): void => {
    const status = opts.authFailure ?? 401;
    const message =
      status === 401
        ? 'You are not authenticated!'
        : status === 403
          ? 'You are not authorized to perform this action.'
          : NOT_FOUND;
    sendJson(res, status, { message }, status === 401 ? { 'www-authenticate': 'Basic realm="GoCD"' } : {});
  };

  const sim = (await startServer((req, res) => handle(req, res))) as GoCDSim;
  const files = new Files(world, {
    zipPending: opts.zipPending ?? 2,
    partialLines: opts.partialLines ?? false,
    singleObjectListing: opts.singleObjectListing ?? false,
    baseUrl: () => sim.url,
    countConsole: (bytes) => (sim.consoleBytesServed += bytes)
  });
  sim.profile = profile;
  sim.scheduled = 0;
  sim.schedules = [];
  sim.canceled = [];
  sim.consoleBytesServed = 0;
  sim.consoleText = (pipeline, counter, stage, job) => {
    const run = world.findRun(pipeline, counter);
    const sdef = pipelines[pipeline]?.stages.find((s) => s.name === stage);
    const jdef = sdef?.jobs.find((j) => j.name === job);
    if (!run || !sdef || !jdef) throw new Error(`no job ${pipeline}/${counter}/${stage}/${job}`);
    return world
      .consoleLines(run, sdef, jdef)
      .map((l) => `${l}\n`)
      .join('');
  };
  sim.addRun = (pipeline, o = {}) => {
    world.pending.push({
      pipeline,
      visibleAt: Date.now() + (o.delayMs ?? 0),
      forced: o.forced ?? false,
      approver: o.approver ?? (o.forced ? user : '')
    });
    world.materialize();
  };
  sim.approve = (pipeline, counter, stage) => {
    const run = world.findRun(pipeline, counter);
    const i = pipelines[pipeline]?.stages.findIndex((s) => s.name === stage) ?? -1;
    if (!run || i < 0) throw new Error(`no stage ${pipeline}/${counter}/${stage}`);
    run.stages[i].approvedAt = Date.now();
  };
  sim.counters = (pipeline) => {
    world.materialize();
    return (world.runs.get(pipeline) ?? []).map((r) => r.counter);
  };
  sim.instanceJson = (pipeline, counter) => {
    const run = world.findRun(pipeline, counter);
    if (!run) throw new Error(`no run ${pipeline}/${counter}`);
    return instanceJson(world, profile, run, user);
  };
  sim.historyJson = (pipeline) => historyJson(world, profile, pipeline, { size: 10 }, sim.url, user);

  const routes: Route[] = [
    profile.history === 'spark'
      ? { pattern: /^GET pipelines\/[^/]+\/history$/, accept: [1], handle: (q, s, p) => history(q, s, p[1]) }
      : {
          pattern: /^GET pipelines\/[^/]+\/history(\/\d+)?$/,
          accept: 'any',
          handle: (q, s, p) => history(q, s, p[1], p[3])
        },
    { pattern: /^POST pipelines\/[^/]+\/schedule$/, accept: [1], handle: (q, s, p) => schedule(q, s, p[1]) },
    {
      pattern: /^GET pipelines\/[^/]+\/\d+$/,
      accept: profile.instanceByCounter,
      handle: (_q, s, p) => instance(s, p[1], Number(p[2]))
    },
    {
      pattern: /^GET pipelines\/[^/]+\/instance\/\d+$/,
      accept: profile.legacyInstance ? 'any' : [],
      handle: (_q, s, p) => instance(s, p[1], Number(p[3]))
    },
    {
      pattern: /^POST stages(\/[^/]+){4}\/cancel$/,
      accept: profile.cancel,
      handle: (q, s, p) => cancelStage(q, s, p[1], p[2], p[3], p[4])
    },
    {
      pattern: /^POST stages\/[^/]+\/[^/]+\/cancel$/,
      accept: profile.legacyCancel ? 'any' : [],
      handle: (q, s, p) => cancelLatestStage(q, s, p[1], p[2])
    },
    {
      pattern: /^GET admin\/pipelines\/[^/]+$/,
      accept: profile.config,
      handle: (_q, s, p) => pipelineConfig(s, p[2])
    },
    {
      pattern: /^GET current_user$/,
      accept: [1],
      handle: (_q, s) => sendJson(s, 200, { login_name: user, display_name: user, enabled: true })
    }
  ];

  function handle(req: SimRequest, res: http.ServerResponse): void {
    const parts = req.path.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'go') return sendText(res, 404, 'Not Found');
    if (!authorized(req)) return authFail(res);
    world.materialize();
    if (parts[1] === 'api') return api(req, res, parts.slice(2));
    if (parts[1] === 'files' && req.method === 'GET') return files.serve(req, res, parts.slice(2));
    return sendText(res, 404, 'Not Found');
  }

  function api(req: SimRequest, res: http.ServerResponse, p: string[]): void {
    const route = `${req.method} ${p.join('/')}`;
    // GoCD routes on the Accept header too: another version is another (missing) route.
    const found = routes.find(
      (r) =>
        r.pattern.test(route) &&
        (r.accept === 'any' ||
          r.accept.some((v) => req.headers.accept === `application/vnd.go.cd.v${v}+json`))
    );
    if (!found) return sendJson(res, 404, WRONG_URL);
    found.handle(req, res, p);
  }

  function instance(res: http.ServerResponse, pipeline: string, counter: number): void {
    const run = world.findRun(pipeline, counter);
    if (!run) return sendJson(res, 404, { message: NOT_FOUND });
    sendJson(res, 200, instanceJson(world, profile, run, user));
  }

  function history(req: SimRequest, res: http.ServerResponse, pipeline: string, offset?: string): void {
    if (!pipelines[pipeline]) return sendJson(res, 404, { message: NOT_FOUND });
    if (profile.history === 'rails') {
      return sendJson(
        res,
        200,
        historyJson(world, profile, pipeline, { size: 10, offset: Number(offset ?? 0) }, sim.url, user)
      );
    }
    const size = Number(req.query.get('page_size') ?? 10);
    if (!Number.isInteger(size) || size < 10 || size > 100) {
      return sendJson(res, 422, {
        message: "The query parameter 'page_size', if specified must be a number between 10 and 100."
      });
    }
    const after = req.query.get('after');
    sendJson(
      res,
      200,
      historyJson(
        world,
        profile,
        pipeline,
        { size, after: after === null ? undefined : Number(after) },
        sim.url,
        user
      )
    );
  }

  function schedule(req: SimRequest, res: http.ServerResponse, pipeline: string): void {
    const def = pipelines[pipeline];
    if (!def) return sendJson(res, 404, { message: `Pipeline '${pipeline}' not found.` });
    let body: ScheduleBody = {};
    if (req.body.length) {
      try {
        body = JSON.parse(req.body.toString('utf8')) as ScheduleBody;
      } catch {
        return sendJson(res, 400, { message: 'Error parsing JSON request body.' });
      }
    } else if (req.headers['x-gocd-confirm'] !== 'true') {
      return sendJson(res, 400, { message: CONFIRM });
    }
    const refuse = (why: string): void =>
      sendJson(res, 409, {
        message: `Failed to trigger pipeline [${pipeline}] { Pipeline [${pipeline}] ${why} }`
      });
    if (def.paused) return refuse('is paused');
    if (def.locked) return refuse('is locked as another instance of this pipeline is running.');
    const now = Date.now();
    if (world.pending.some((p) => p.pipeline === pipeline && (p.blocksUntil ?? p.visibleAt) > now))
      return refuse('is already scheduled');
    const known = def.materials ?? [DEFAULT_MATERIAL];
    for (const m of body.materials ?? []) {
      if (!known.includes(m.fingerprint)) {
        return sendJson(res, 422, {
          message: `Request to schedule pipeline rejected: material [${m.fingerprint}] not found.`
        });
      }
    }
    for (const v of body.environment_variables ?? []) {
      if (
        typeof v.name !== 'string' ||
        typeof v.value !== 'string' ||
        (v.secure !== undefined && typeof v.secure !== 'boolean')
      ) {
        return sendJson(res, 422, {
          message: 'Environment variables must have a name, a value and a boolean secure.'
        });
      }
      if (def.variables && !def.variables.includes(v.name)) {
        return sendJson(res, 422, {
          message: `Variable '${v.name}' has not been configured for pipeline '${pipeline}'`
        });
      }
    }
    sim.scheduled++;
    sim.schedules.push({ pipeline, body });
    if (!opts.dropSchedules) {
      const revisions = body.materials?.length
        ? Object.fromEntries(body.materials.map((m) => [m.fingerprint, m.revision]))
        : undefined;
      world.pending.push({
        pipeline,
        visibleAt: now + scheduleDelayMs,
        forced: true,
        approver: user,
        revisions,
        blocksUntil: opts.triggerMonitorMs === undefined ? undefined : now + opts.triggerMonitorMs
      });
    }
    if (opts.loseScheduleAnswer)
      sendText(res, 504, '<html><body><h1>504 Gateway Time-out</h1></body></html>');
    else sendJson(res, 202, { message: `Request to schedule pipeline ${pipeline} accepted` });
    opts.onSchedule?.(pipeline);
  }

  /** Cancels stage `stage` of run `counter` if it is active; the answer says what happened. */
  function cancelRun(pipeline: string, counter: number, stage: string): 'cancelled' | 'inactive' | 'missing' {
    const run = world.findRun(pipeline, counter);
    const i = run ? pipelines[pipeline].stages.findIndex((s) => s.name === stage) : -1;
    const now = Date.now();
    const v = run && i >= 0 ? world.view(run, now)[i] : undefined;
    if (!run || !v || !v.scheduled) return 'missing';
    if (v.status !== 'Building' && v.status !== 'Failing') return 'inactive';
    run.stages[i].cancelledAt = now;
    sim.canceled.push(`${pipeline}/${counter}/${stage}/1`);
    return 'cancelled';
  }

  function cancelStage(
    req: SimRequest,
    res: http.ServerResponse,
    pipeline: string,
    counter: string,
    stage: string,
    sc: string
  ): void {
    if (req.headers['x-gocd-confirm'] !== 'true') return sendJson(res, 400, { message: CONFIRM });
    const outcome =
      /^\d+$/.test(counter) && sc === '1' ? cancelRun(pipeline, Number(counter), stage) : 'missing';
    if (outcome === 'missing') {
      return sendJson(res, 404, {
        message: `Stage '${stage}' with counter '${sc}' not found. Please make sure specified stage or stage run with specified counter exists.`
      });
    }
    if (outcome === 'inactive')
      return sendJson(res, 200, { message: 'Stage is not active. Cancellation Ignored.' });
    sendJson(res, 200, { message: 'Stage cancelled successfully.' });
  }

  /**
   * The Rails route (≤ 19.10): the stage's latest run is cancelled; without `Confirm: true` the
   * route does not match (rails/lib/header_constraint.rb) and Rails answers 404.
   */
  function cancelLatestStage(
    req: SimRequest,
    res: http.ServerResponse,
    pipeline: string,
    stage: string
  ): void {
    if (String(req.headers.confirm ?? '').toLowerCase() !== 'true') return sendText(res, 404, 'Not Found!');
    const latest = [...(world.runs.get(pipeline) ?? [])]
      .reverse()
      .find((r) => world.view(r)[pipelines[pipeline].stages.findIndex((s) => s.name === stage)]?.scheduled);
    const outcome = latest ? cancelRun(pipeline, latest.counter, stage) : 'missing';
    if (outcome === 'missing')
      return sendText(res, 404, `Stage '${stage}' of pipeline '${pipeline}' not found.`);
    sendText(
      res,
      200,
      outcome === 'cancelled' ? 'Stage cancelled successfully.' : 'Stage is not active. Cancellation Ignored.'
    );
  }

  function pipelineConfig(res: http.ServerResponse, pipeline: string): void {
    if (!opts.configApi)
      return sendJson(res, 403, { message: 'You are not authorized to perform this action.' });
    if (!pipelines[pipeline]) return sendJson(res, 404, { message: NOT_FOUND });
    sendJson(res, 200, pipelineConfigJson(world, pipeline), { etag: '"sim-config"' });
  }

  return sim;
}

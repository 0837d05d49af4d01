/**
 * A GoCD server as ci-relay meets it (PROTOCOLS.md, "GoCD"): strict versioned Accept on
 * /go/api, asynchronous scheduling (202 without a counter, the run appearing in history
 * later), stages that move with time, manual stages left waiting, consoles growing in whole
 * lines read with startLineNumber, artifact lists as top-level arrays, folder zips that answer
 * 202 while GoCD builds them, and stage cancel. State follows from timestamps: no timers.
 */
import type * as http from 'node:http';
import yazl from 'yazl';
import { sendJson, sendText, startServer, type SimRequest, type SimServer } from './server.js';

export interface SimJob {
  name: string;
  result?: 'Passed' | 'Failed' | 'Cancelled';
  /** Time in Building (default 1000 ms). */
  runningMs?: number;
  /** The console's lines (no line ends), or a generated console of exactly this many bytes. */
  log?: string[] | { totalBytes: number };
  /** Artifact paths (`/`-separated, folders implied) → content; uploaded when the job completes. */
  artifacts?: Record<string, string | Buffer>;
}

export interface SimStage {
  name: string;
  jobs: SimJob[];
  /** Waits for someone to approve it (GoCD `approval.type: manual`). */
  manual?: boolean;
}

export interface SimPipeline {
  stages: SimStage[];
  paused?: boolean;
  locked?: boolean;
  /** Runs that exist before the test starts (1…historyCounter, material-triggered). */
  historyCounter?: number;
  /** Known material fingerprints; a schedule naming another is refused with 422. */
  materials?: string[];
  /** Declared environment variables; when given, a schedule naming another is refused with 422. */
  variables?: string[];
}

export interface GoCDSimOptions {
  pipelines?: Record<string, SimPipeline>;
  /** Bearer token accepted (its user is `username`, else `admin`). */
  token?: string;
  username?: string;
  password?: string;
  /** How long after a schedule the run appears in history (default 1500 ms). */
  scheduleDelayMs?: number;
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
  /** Called when a schedule is accepted, after the request is queued. */
  onSchedule?: (pipeline: string) => void;
}

export interface GoCDSim extends SimServer {
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
}

export interface ScheduleBody {
  environment_variables?: { name: string; value: string; secure?: boolean }[];
  materials?: { fingerprint: string; revision: string }[];
  update_materials_before_scheduling?: boolean;
}

const WRONG_URL = { message: 'The url you are trying to reach appears to be incorrect.' };
const NOT_FOUND =
  'Either the resource you requested was not found, or you are not authorized to perform this action.';
const DEFAULT_MATERIAL = 'f6e7a3899c55e1682ffb00383bdf8f882bcee2141e79a8728254190a1fddcf4f';
const SCHEDULED_MS = 100;
const ASSIGNED_MS = 100;

interface SimRunState {
  pipeline: string;
  counter: number;
  createdAt: number;
  forced: boolean;
  approver: string;
  revision: string;
  stages: { cancelledAt?: number; approvedAt?: number }[];
  consoles: Map<string, string[]>;
}

interface Pending {
  pipeline: string;
  visibleAt: number;
  forced: boolean;
  approver: string;
}

interface JobView {
  def: SimJob;
  state: 'Scheduled' | 'Assigned' | 'Building' | 'Completed';
  result: 'Passed' | 'Failed' | 'Cancelled' | 'Unknown';
  scheduledAt: number;
  buildingAt: number;
  endsAt: number;
}

interface StageView {
  def: SimStage;
  scheduled: boolean;
  scheduledAt: number;
  status: 'Building' | 'Failing' | 'Passed' | 'Failed' | 'Cancelled' | 'Unknown';
  endedAt?: number;
  jobs: JobView[];
}

function defaultPipelines(): Record<string, SimPipeline> {
  return {
    demo: {
      stages: [
        { name: 'build', jobs: [{ name: 'compile' }] },
        { name: 'test', jobs: [{ name: 'unit' }] }
      ]
    }
  };
}

/** Whole lines of exactly `totalBytes` bytes (newlines included). */
function generatedLog(totalBytes: number): string[] {
  const lines: string[] = [];
  let left = totalBytes;
  for (let i = 1; left > 0; i++) {
    const size = Math.min(100, left);
    const head = `line ${String(i).padStart(6, '0')} `;
    lines.push(head.padEnd(size - 1, 'x').slice(0, size - 1));
    left -= size;
  }
  return lines;
}

export async function startGoCDSim(opts: GoCDSimOptions = {}): Promise<GoCDSim> {
  const pipelines = opts.pipelines ?? defaultPipelines();
  const scheduleDelayMs = opts.scheduleDelayMs ?? 1500;
  const stageDelayMs = opts.stageDelayMs ?? 300;
  const zipPending = opts.zipPending ?? 2;
  const user = opts.username ?? (opts.token ? 'admin' : 'anonymous');
  const runs = new Map<string, SimRunState[]>();
  const lastCounter = new Map<string, number>();
  let pending: Pending[] = [];
  const zipAsks = new Map<string, number>();

  const makeRun = (pipeline: string, createdAt: number, forced: boolean, approver: string): SimRunState => {
    const counter = (lastCounter.get(pipeline) ?? 0) + 1;
    lastCounter.set(pipeline, counter);
    const run: SimRunState = {
      pipeline,
      counter,
      createdAt,
      forced,
      approver,
      revision: `${counter.toString(16).padStart(8, '0')}c194b49db102b705ebc13e604e490ae1`,
      stages: pipelines[pipeline].stages.map(() => ({})),
      consoles: new Map()
    };
    const list = runs.get(pipeline) ?? [];
    list.push(run);
    runs.set(pipeline, list);
    return run;
  };

  for (const [name, p] of Object.entries(pipelines)) {
    const long = Date.now() - 86_400_000;
    for (let i = 0; i < (p.historyCounter ?? 0); i++) makeRun(name, long + i * 60_000, false, '');
  }

  /** Queued schedules become runs (and get their counters) once their time has come. */
  const materialize = (now = Date.now()): void => {
    const due = pending.filter((p) => p.visibleAt <= now).sort((a, b) => a.visibleAt - b.visibleAt);
    if (!due.length) return;
    pending = pending.filter((p) => p.visibleAt > now);
    for (const p of due) makeRun(p.pipeline, p.visibleAt, p.forced, p.approver);
  };

  const findRun = (pipeline: string, counter: number): SimRunState | undefined => {
    materialize();
    return runs.get(pipeline)?.find((r) => r.counter === counter);
  };

  const consoleLines = (run: SimRunState, stage: SimStage, job: SimJob): string[] => {
    const key = `${stage.name}/${job.name}`;
    let lines = run.consoles.get(key);
    if (!lines) {
      const id = `${run.pipeline}/${run.counter}/${stage.name}/1/${job.name}`;
      const body = Array.isArray(job.log)
        ? job.log
        : job.log
          ? generatedLog(job.log.totalBytes)
          : [`Building ${stage.name}.${job.name}`, 'compiling…', 'running checks', 'all good'];
      lines =
        job.log && !Array.isArray(job.log)
          ? body
          : [`[go] Job Started: ${id}`, ...body, `[go] Job completed ${id}`];
      run.consoles.set(key, lines);
    }
    return lines;
  };

  /** Where every stage and job of a run stands at `now`. */
  const view = (run: SimRunState, now = Date.now()): StageView[] => {
    const defs = pipelines[run.pipeline].stages;
    const out: StageView[] = [];
    let readyAt: number | undefined = run.createdAt;
    defs.forEach((def, i) => {
      const marks = run.stages[i];
      let scheduledAt: number | undefined;
      if (readyAt !== undefined) {
        if (i === 0) scheduledAt = readyAt;
        else if (!def.manual) scheduledAt = readyAt + stageDelayMs;
        else if (marks.approvedAt !== undefined) scheduledAt = Math.max(marks.approvedAt, readyAt);
      }
      if (scheduledAt === undefined || scheduledAt > now) {
        out.push({ def, scheduled: false, scheduledAt: 0, status: 'Unknown', jobs: [] });
        readyAt = undefined;
        return;
      }
      const s = scheduledAt;
      const jobs = def.jobs.map((job): JobView => {
        const buildingAt = s + SCHEDULED_MS + ASSIGNED_MS;
        let endsAt = buildingAt + (job.runningMs ?? 1000);
        let result: JobView['result'] = job.result ?? 'Passed';
        if (marks.cancelledAt !== undefined && marks.cancelledAt < endsAt) {
          endsAt = marks.cancelledAt;
          result = 'Cancelled';
        }
        const state: JobView['state'] =
          now >= endsAt
            ? 'Completed'
            : now >= buildingAt
              ? 'Building'
              : now >= s + SCHEDULED_MS
                ? 'Assigned'
                : 'Scheduled';
        return {
          def: job,
          state,
          result: state === 'Completed' ? result : 'Unknown',
          scheduledAt: s,
          buildingAt,
          endsAt
        };
      });
      const done = jobs.every((j) => j.state === 'Completed');
      let status: StageView['status'];
      if (done) {
        status = jobs.some((j) => j.result === 'Cancelled')
          ? 'Cancelled'
          : jobs.some((j) => j.result === 'Failed')
            ? 'Failed'
            : 'Passed';
      } else status = jobs.some((j) => j.result === 'Failed') ? 'Failing' : 'Building';
      const endedAt = done ? Math.max(s, ...jobs.map((j) => j.endsAt)) : undefined;
      out.push({ def, scheduled: true, scheduledAt: s, status, endedAt, jobs });
      readyAt = status === 'Passed' ? endedAt : undefined;
    });
    return out;
  };

  const instanceJson = (run: SimRunState): Record<string, unknown> => {
    const stages = view(run);
    return {
      name: run.pipeline,
      counter: run.counter,
      label: String(run.counter),
      natural_order: run.counter,
      can_run: true,
      preparing_to_schedule: false,
      comment: null,
      scheduled_date: run.createdAt,
      build_cause: {
        trigger_message: run.forced
          ? `Forced by ${run.approver}`
          : 'modified by Pick E Reader <pick.e.reader@example.com>',
        trigger_forced: run.forced,
        approver: run.approver,
        material_revisions: [
          {
            changed: !run.forced,
            material: {
              name: 'https://github.com/gocd/gocd',
              fingerprint: pipelines[run.pipeline].materials?.[0] ?? DEFAULT_MATERIAL,
              type: 'Git',
              description: 'URL: https://github.com/gocd/gocd, Branch: master'
            },
            modifications: [
              {
                revision: run.revision,
                modified_time: run.createdAt,
                user_name: 'Pick E Reader <pick.e.reader@example.com>',
                comment: 'my hola mundo changes',
                email_address: null
              }
            ]
          }
        ]
      },
      stages: stages.map((s, i) =>
        s.scheduled
          ? {
              result: ['Passed', 'Failed', 'Cancelled'].includes(s.status) ? s.status : 'Unknown',
              status: s.status,
              rerun_of_counter: null,
              name: s.def.name,
              counter: '1',
              scheduled: true,
              approval_type: s.def.manual ? 'manual' : 'success',
              approved_by:
                i === 0 ? (run.forced ? run.approver : 'changes') : s.def.manual ? user : 'changes',
              operate_permission: true,
              can_run: true,
              jobs: s.jobs.map((j) => ({
                name: j.def.name,
                scheduled_date: j.scheduledAt,
                state: j.state,
                result: j.result
              }))
            }
          : {
              // GoCD cannot tell a manual stage from one not scheduled yet here.
              result: 'Unknown',
              status: 'Unknown',
              rerun_of_counter: null,
              name: s.def.name,
              counter: '0',
              scheduled: false,
              approval_type: null,
              approved_by: null,
              operate_permission: true,
              can_run: false,
              jobs: []
            }
      )
    };
  };

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

  /** One version, exactly: GoCD routes on the Accept header and knows no other. */
  const acceptIs = (req: SimRequest, version: number): boolean =>
    req.headers.accept === `application/vnd.go.cd.v${version}+json`;

  const sim = (await startServer((req, res) => handle(req, res))) as GoCDSim;
  sim.scheduled = 0;
  sim.schedules = [];
  sim.canceled = [];
  sim.consoleBytesServed = 0;
  sim.consoleText = (pipeline, counter, stage, job) => {
    const run = findRun(pipeline, counter);
    const sdef = pipelines[pipeline]?.stages.find((s) => s.name === stage);
    const jdef = sdef?.jobs.find((j) => j.name === job);
    if (!run || !sdef || !jdef) throw new Error(`no job ${pipeline}/${counter}/${stage}/${job}`);
    return consoleLines(run, sdef, jdef)
      .map((l) => `${l}\n`)
      .join('');
  };
  sim.addRun = (pipeline, o = {}) => {
    pending.push({
      pipeline,
      visibleAt: Date.now() + (o.delayMs ?? 0),
      forced: o.forced ?? false,
      approver: o.approver ?? (o.forced ? user : '')
    });
    materialize();
  };
  sim.approve = (pipeline, counter, stage) => {
    const run = findRun(pipeline, counter);
    const i = pipelines[pipeline]?.stages.findIndex((s) => s.name === stage) ?? -1;
    if (!run || i < 0) throw new Error(`no stage ${pipeline}/${counter}/${stage}`);
    run.stages[i].approvedAt = Date.now();
  };
  sim.counters = (pipeline) => {
    materialize();
    return (runs.get(pipeline) ?? []).map((r) => r.counter);
  };

  function handle(req: SimRequest, res: http.ServerResponse): void {
    const parts = req.path.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'go') return sendText(res, 404, 'Not Found');
    if (!authorized(req)) return authFail(res);
    materialize();
    if (parts[1] === 'api') return api(req, res, parts.slice(2));
    if (parts[1] === 'files' && req.method === 'GET') return files(req, res, parts.slice(2));
    return sendText(res, 404, 'Not Found');
  }

  function api(req: SimRequest, res: http.ServerResponse, p: string[]): void {
    const route = `${req.method} ${p.join('/')}`;
    const routes: [RegExp, number, () => void][] = [
      [/^GET pipelines\/[^/]+\/history$/, 1, () => history(req, res, p[1])],
      [/^POST pipelines\/[^/]+\/schedule$/, 1, () => schedule(req, res, p[1])],
      [/^GET pipelines\/[^/]+\/\d+$/, 1, () => instance(res, p[1], Number(p[2]))],
      [/^POST stages(\/[^/]+){4}\/cancel$/, 3, () => cancelStage(req, res, p[1], p[2], p[3], p[4])],
      [/^GET admin\/pipelines\/[^/]+$/, 11, () => pipelineConfig(res, p[2])],
      [
        /^GET current_user$/,
        1,
        () => sendJson(res, 200, { login_name: user, display_name: user, enabled: true })
      ]
    ];
    const found = routes.find(([pattern]) => pattern.test(route));
    // GoCD routes on the Accept header too: another version is another (missing) route.
    if (!found || !acceptIs(req, found[1])) return sendJson(res, 404, WRONG_URL);
    found[2]();
  }

  function instance(res: http.ServerResponse, pipeline: string, counter: number): void {
    const run = findRun(pipeline, counter);
    if (!run) return sendJson(res, 404, { message: NOT_FOUND });
    sendJson(res, 200, instanceJson(run));
  }

  function history(req: SimRequest, res: http.ServerResponse, pipeline: string): void {
    if (!pipelines[pipeline]) return sendJson(res, 404, { message: NOT_FOUND });
    const size = Number(req.query.get('page_size') ?? 10);
    if (!Number.isInteger(size) || size < 10 || size > 100) {
      return sendJson(res, 422, {
        message: "The query parameter 'page_size', if specified must be a number between 10 and 100."
      });
    }
    const after = req.query.get('after');
    const all = [...(runs.get(pipeline) ?? [])].sort((a, b) => b.counter - a.counter);
    const from = after === null ? all : all.filter((r) => r.counter < Number(after));
    const page = from.slice(0, size);
    const links: Record<string, { href: string }> = {};
    if (from.length > size) {
      links.next = {
        href: `${sim.url}/go/api/pipelines/${pipeline}/history?after=${page[page.length - 1].counter}`
      };
    }
    sendJson(res, 200, { _links: links, pipelines: page.map(instanceJson) });
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
      return sendJson(res, 400, { message: "Missing required header 'X-GoCD-Confirm' with value 'true'" });
    }
    if (def.paused) {
      return sendJson(res, 409, {
        message: `Failed to trigger pipeline [${pipeline}] { Pipeline [${pipeline}] is paused }`
      });
    }
    if (def.locked) {
      return sendJson(res, 409, {
        message: `Failed to trigger pipeline [${pipeline}] { Pipeline [${pipeline}] is locked as another instance of this pipeline is running. }`
      });
    }
    if (pending.some((p) => p.pipeline === pipeline)) {
      return sendJson(res, 409, {
        message: `Failed to trigger pipeline [${pipeline}] { Pipeline [${pipeline}] is already scheduled }`
      });
    }
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
    pending.push({ pipeline, visibleAt: Date.now() + scheduleDelayMs, forced: true, approver: user });
    if (opts.loseScheduleAnswer)
      sendText(res, 504, '<html><body><h1>504 Gateway Time-out</h1></body></html>');
    else sendJson(res, 202, { message: `Request to schedule pipeline ${pipeline} accepted` });
    opts.onSchedule?.(pipeline);
  }

  function cancelStage(
    req: SimRequest,
    res: http.ServerResponse,
    pipeline: string,
    counter: string,
    stage: string,
    sc: string
  ): void {
    if (req.headers['x-gocd-confirm'] !== 'true') {
      return sendJson(res, 400, { message: "Missing required header 'X-GoCD-Confirm' with value 'true'" });
    }
    const run = /^\d+$/.test(counter) ? findRun(pipeline, Number(counter)) : undefined;
    const i = run ? pipelines[pipeline].stages.findIndex((s) => s.name === stage) : -1;
    const now = Date.now();
    const v = run && i >= 0 ? view(run, now)[i] : undefined;
    if (!run || !v || !v.scheduled || sc !== '1') {
      return sendJson(res, 404, {
        message: `Stage '${stage}' with counter '${sc}' not found. Please make sure specified stage or stage run with specified counter exists.`
      });
    }
    if (v.status !== 'Building' && v.status !== 'Failing') {
      return sendJson(res, 200, { message: 'Stage is not active. Cancellation Ignored.' });
    }
    run.stages[i].cancelledAt = now;
    sim.canceled.push(`${pipeline}/${counter}/${stage}/${sc}`);
    sendJson(res, 200, { message: 'Stage cancelled successfully.' });
  }

  function pipelineConfig(res: http.ServerResponse, pipeline: string): void {
    if (!opts.configApi)
      return sendJson(res, 403, { message: 'You are not authorized to perform this action.' });
    const def = pipelines[pipeline];
    if (!def) return sendJson(res, 404, { message: NOT_FOUND });
    sendJson(
      res,
      200,
      {
        name: pipeline,
        stages: def.stages.map((s) => ({
          name: s.name,
          fetch_materials: true,
          clean_working_directory: false,
          never_cleanup_artifacts: false,
          approval: {
            type: s.manual ? 'manual' : 'success',
            allow_only_on_success: false,
            authorization: { roles: [], users: [] }
          },
          environment_variables: [],
          jobs: s.jobs.map((j) => ({ name: j.name }))
        }))
      },
      { etag: '"sim-config"' }
    );
  }

  /** /go/files/:p/:counter/:stage/:sc/:job(.json | /path…) */
  function files(req: SimRequest, res: http.ServerResponse, p: string[]): void {
    const [pipeline, counter, stage, sc] = p;
    const notFound = (): void => sendText(res, 404, 'The artifact you are looking for does not exist.');
    if (p.length < 5 || !pipelines[pipeline] || !/^\d+$/.test(counter) || sc !== '1') return notFound();
    const run = findRun(pipeline, Number(counter));
    const stageIndex = pipelines[pipeline].stages.findIndex((s) => s.name === stage);
    if (!run || stageIndex < 0) return notFound();
    const sv = view(run)[stageIndex];
    const listing = p.length === 5 && p[4].endsWith('.json');
    const jobName = listing ? p[4].slice(0, -'.json'.length) : p[4];
    const job = sv.jobs.find((j) => j.def.name === jobName);
    if (!sv.scheduled || !job) return notFound();
    const console = job.state === 'Building' || job.state === 'Completed';
    const tree = artifactTree(run, sv.def, job);
    const base = `${sim.url}/go/files/${[pipeline, counter, stage, sc, jobName].map(encodeURIComponent).join('/')}`;
    if (listing) {
      const entries = console ? listingJson(tree, base, '') : [];
      if (opts.singleObjectListing) {
        const first =
          entries.find((e) => (e as { name: string }).name !== 'cruise-output') ?? entries[0] ?? {};
        return sendJson(res, 200, first);
      }
      return sendJson(res, 200, entries);
    }
    const rel = p.slice(5).join('/');
    if (rel === 'cruise-output/console.log') return serveConsole(req, res, run, sv.def, job);
    if (job.state !== 'Completed') return notFound();
    const file = tree.get(rel);
    if (file !== undefined) return sendText(res, 200, file, { 'content-type': 'application/octet-stream' });
    if (rel.endsWith('.zip')) {
      const folder = rel.slice(0, -'.zip'.length);
      const inside = [...tree.keys()].filter((k) => k.startsWith(`${folder}/`));
      if (inside.length)
        return serveZip(
          res,
          `${run.pipeline}/${run.counter}/${stage}/${jobName}/${folder}`,
          folder,
          inside,
          tree
        );
    }
    return notFound();
  }

  /** Every file of a job: its artifacts once it has completed, and the console folder. */
  function artifactTree(run: SimRunState, stage: SimStage, job: JobView): Map<string, string | Buffer> {
    const tree = new Map<string, string | Buffer>();
    tree.set('cruise-output/console.log', revealedConsole(run, stage, job, 0).text);
    tree.set('cruise-output/md5.checksum', '');
    if (job.state === 'Completed') {
      for (const [path, content] of Object.entries(job.def.artifacts ?? {})) tree.set(path, content);
    }
    return tree;
  }

  function listingJson(tree: Map<string, string | Buffer>, base: string, under: string): unknown[] {
    const names = new Map<string, boolean>();
    for (const path of tree.keys()) {
      if (under && !path.startsWith(`${under}/`)) continue;
      const rest = under ? path.slice(under.length + 1) : path;
      const [first, ...more] = rest.split('/');
      names.set(first, (names.get(first) ?? false) || more.length > 0);
    }
    return [...names.entries()].map(([name, isFolder]) => {
      const path = under ? `${under}/${name}` : name;
      const url = `${base}/${path.split('/').map(encodeURIComponent).join('/')}`;
      return isFolder
        ? { name, url, type: 'folder', files: listingJson(tree, base, path) }
        : { name, url, type: 'file' };
    });
  }

  function revealedConsole(run: SimRunState, stage: SimStage, job: JobView, from: number): { text: string } {
    const lines = consoleLines(run, stage, job.def);
    const now = Date.now();
    let shown = lines.length;
    let partial = '';
    if (job.state !== 'Completed') {
      const share = Math.min(1, (now - job.buildingAt) / Math.max(1, job.endsAt - job.buildingAt));
      shown = Math.floor(share * lines.length);
      if (opts.partialLines && shown < lines.length)
        partial = lines[shown].slice(0, Math.ceil(lines[shown].length / 2));
    } else if (job.result === 'Cancelled') {
      const share = Math.min(1, (job.endsAt - job.buildingAt) / Math.max(1, job.def.runningMs ?? 1000));
      shown = Math.max(0, Math.floor(share * lines.length));
    }
    const slice = lines.slice(from, shown);
    return { text: slice.map((l) => `${l}\n`).join('') + (from <= shown ? partial : '') };
  }

  function serveConsole(
    req: SimRequest,
    res: http.ServerResponse,
    run: SimRunState,
    stage: SimStage,
    job: JobView
  ): void {
    if (job.state !== 'Building' && job.state !== 'Completed') {
      return sendText(res, 404, 'The console log is not available yet.');
    }
    const from = Math.max(0, Number(req.query.get('startLineNumber') ?? 0) || 0);
    const body = Buffer.from(revealedConsole(run, stage, job, from).text, 'utf8');
    sim.consoleBytesServed += body.length;
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length });
    // In pieces, as a big console would arrive.
    for (let i = 0; i < body.length; i += 64 * 1024) res.write(body.subarray(i, i + 64 * 1024));
    res.end();
  }

  function serveZip(
    res: http.ServerResponse,
    key: string,
    folder: string,
    inside: string[],
    tree: Map<string, string | Buffer>
  ): void {
    const asked = (zipAsks.get(key) ?? 0) + 1;
    zipAsks.set(key, asked);
    if (asked <= zipPending) {
      res.writeHead(202, { 'content-length': 0 });
      res.end();
      return;
    }
    // Like GoCD's ZipUtil: every entry under the folder's own name, sub-folders as entries too.
    const root = folder.split('/').pop() as string;
    const zip = new yazl.ZipFile();
    const dirs = new Set<string>();
    for (const path of inside) {
      const rel = path.slice(folder.length + 1);
      const parts = rel.split('/');
      for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
    }
    for (const d of [...dirs].sort()) zip.addEmptyDirectory(`${root}/${d}/`);
    for (const path of inside) {
      const content = tree.get(path) as string | Buffer;
      zip.addBuffer(
        Buffer.isBuffer(content) ? content : Buffer.from(content),
        `${root}/${path.slice(folder.length + 1)}`
      );
    }
    zip.end();
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => {
      const body = Buffer.concat(chunks);
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': body.length });
      res.end(body);
    });
  }

  return sim;
}

/**
 * A GitLab (REST v4) server as ci-relay meets it (PROTOCOLS.md, "GitLab"): pipelines created
 * through the API or a trigger token, stages that move with time, manual jobs (blocking or
 * not), play / retry / cancel, paginated job lists, bridges starting child pipelines, whole-log
 * traces, and artifacts answered with a 302 to a second "object storage" server that rejects
 * credentials and wants its pre-signed query.
 *
 * State follows from timestamps: every request (and every read of `sim.pipelines`/`sim.jobs`)
 * brings the model up to Date.now(), recording each transition at the moment it happened, so
 * there are no timers and nothing keeps the process alive after close().
 *
 * Statuses are computed the way GitLab computes them: a pipeline's status (and whether a stage
 * may start) is GitLab's composite of its latest jobs (Gitlab::Ci::Status::Composite), where a
 * failed/canceled job with allow_failure counts as "success with warnings" and a manual job
 * with allow_failure (an optional manual job) is ignored.
 */
import { createHash, randomBytes } from 'node:crypto';
import type * as http from 'node:http';
import yazl from 'yazl';
import { sendJson, sendText, startServer, type SimRequest, type SimServer } from './server.js';

export interface SimJob {
  name: string;
  stage: string;
  /** Final status once it has run: 'success' | 'failed' | 'canceled' | 'skipped'. Default 'success'. */
  result?: 'success' | 'failed' | 'canceled';
  allowFailure?: boolean;
  /** 'blocking': a manual job that blocks the pipeline (pipeline status 'manual' = blocked);
   *  'optional': a manual job that does not (pipeline may finish 'success' while it stays 'manual'). */
  manual?: 'blocking' | 'optional';
  /** Time in 'pending' before 'running' (default 200). For a bridge: time before its child exists. */
  pendingMs?: number;
  /** Time in 'running' (default 1000). */
  runningMs?: number;
  /** Log lines, emitted evenly over runningMs (all present once the job has ended). Or a generated
   *  log of about totalBytes (lines of lineBytes, default 80, newline included). Without it, a
   *  three-line runner-like log. */
  log?: string[] | { totalBytes: number; lineBytes?: number };
  /** Artifact files (path → content); served as a real zip built with yazl. */
  artifacts?: Record<string, string | Buffer>;
  /** When the runner uploads artifacts (default 'always': on success and on failure, never when
   *  canceled). GitLab's own default is 'on_success'. */
  artifactsWhen?: 'on_success' | 'on_failure' | 'always';
  /** `failure_reason` of a failed job (default 'script_failure'). */
  failureReason?: string;
  /** A bridge (trigger) job: starts this child pipeline; listed under /bridges, not /jobs. */
  child?: SimPipeline;
}

export interface SimPipeline {
  jobs: SimJob[];
}

export interface GitLabSimOptions {
  /** Default 'glpat-sim-token'; requests need PRIVATE-TOKEN or Authorization: Bearer with it. */
  token?: string;
  /** Default 'glptt-sim-trigger'. */
  triggerToken?: string;
  /** Default 42. */
  projectId?: number;
  /** Default 'group/sub/app' (also reachable as group%2Fsub%2Fapp). */
  projectPath?: string;
  /** Script per ref; a ref not listed → 400 {"message":{"base":["Reference not found"]}}.
   *  Default: `main` with jobs `build` (stage build) and `test` (stage test). */
  pipelines?: Record<string, SimPipeline>;
  /** Server-side max per_page (default 100) so tests can force pagination. */
  perPage?: number;
  /** What POST /jobs/:id/play answers for a manual job that already ran (which GitLab retries as
   *  a NEW job): 'new' (default) the new job; 'original' the job that was played, as GitLab's
   *  lib/api/ci/jobs.rb does today (it presents the receiver of `job.play`). */
  playAfterRunReturns?: 'new' | 'original';
}

export interface SimPipelineState {
  id: number;
  iid: number;
  ref: string;
  sha: string;
  status: string;
  variables: Record<string, string>;
  source: 'api' | 'trigger' | 'parent_pipeline';
  parentId?: number;
  /** Set once the pipeline was canceled through the API (directly or from its parent). */
  canceled: boolean;
  /** Epoch ms. */
  createdAt: number;
  webUrl: string;
  /** Its jobs (not bridges), retried ones included. */
  jobs: SimJobState[];
}

export interface SimJobState {
  id: number;
  name: string;
  stage: string;
  status: string;
  pipelineId: number;
  /** The variables it was played with (manual jobs). */
  playedWith?: Record<string, string>;
  traceBytesServed: number;
  /** Replaced by a newer job (retry, or play after it ran). */
  retried: boolean;
  allowFailure: boolean;
  manual?: 'blocking' | 'optional';
  webUrl: string;
}

export interface SimBridgeState {
  id: number;
  name: string;
  stage: string;
  status: string;
  pipelineId: number;
  /** The child pipeline, once created. */
  childId?: number;
}

export interface GitLabSim extends SimServer {
  /** The second, "object storage" server that artifact downloads redirect to. */
  storage: SimServer;
  /** Every pipeline, children included, in creation order. */
  pipelines: SimPipelineState[];
  /** Every job (not bridges), in creation order. */
  jobs: SimJobState[];
  /** Every bridge job. */
  bridges: SimBridgeState[];
  /** Pipelines created through POST /pipeline or the trigger API (not children). */
  readonly created: number;
  /** Requests that reached storage carrying PRIVATE-TOKEN, Authorization or JOB-TOKEN (must stay 0). */
  readonly leakedToStorage: number;
  /** Sum of trace bytes served, for log-efficiency tests. */
  readonly traceBytesServed: number;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Statuses

const DEFAULT_PENDING_MS = 200;
const DEFAULT_RUNNING_MS = 1000;
const AVAILABLE_STATUSES = [
  'created',
  'waiting_for_resource',
  'preparing',
  'pending',
  'running',
  'success',
  'failed',
  'canceled',
  'skipped',
  'manual',
  'scheduled'
];
const COMPLETED = new Set(['success', 'failed', 'canceled', 'skipped']);
/** Ci::HasStatus::CANCELABLE_STATUSES: manual jobs are NOT canceled by a cancel. */
const CANCELABLE = new Set([
  'created',
  'waiting_for_resource',
  'preparing',
  'pending',
  'running',
  'scheduled'
]);
const RETRYABLE = new Set(['success', 'failed', 'canceled']);

interface StatusItem {
  status: string;
  allowFailure: boolean;
}

/** Gitlab::Ci::Status::Composite#status, as in GitLab's lib/gitlab/ci/status/composite.rb. */
export function compositeStatus(items: StatusItem[]): string | undefined {
  if (items.length === 0) return undefined;
  const set = new Set<string>();
  for (const { status, allowFailure } of items) {
    if (allowFailure && (status === 'failed' || status === 'canceled')) set.add('success_with_warnings');
    else if (allowFailure && status === 'manual') set.add('ignored');
    else set.add(status);
  }
  const only = (...names: string[]): boolean => [...set].every((s) => names.includes(s));
  const any = (...names: string[]): boolean => names.some((n) => set.has(n));
  if (only('skipped', 'ignored')) return 'skipped';
  if (only('success', 'skipped', 'success_with_warnings', 'ignored')) return 'success';
  if (only('created', 'success_with_warnings', 'ignored')) return 'created';
  if (only('preparing', 'success_with_warnings', 'ignored')) return 'preparing';
  if (only('canceled', 'success', 'skipped', 'success_with_warnings', 'ignored')) return 'canceled';
  if (only('pending', 'created', 'skipped', 'success_with_warnings', 'ignored')) return 'pending';
  if (any('running', 'pending')) return 'running';
  if (any('waiting_for_resource')) return 'waiting_for_resource';
  if (any('manual')) return 'manual';
  if (any('scheduled')) return 'scheduled';
  if (any('preparing')) return 'preparing';
  if (any('created')) return 'running';
  return 'failed';
}

// ---------------------------------------------------------------------------------------------
// The model

class PipelineRec implements SimPipelineState {
  readonly stageNames: string[];
  readonly recs: JobRec[] = [];
  canceled = false;

  constructor(
    private readonly world: World,
    readonly id: number,
    readonly iid: number,
    readonly ref: string,
    readonly script: SimPipeline,
    readonly variables: Record<string, string>,
    readonly source: 'api' | 'trigger' | 'parent_pipeline',
    readonly createdAt: number,
    readonly parentId?: number
  ) {
    this.stageNames = [...new Set(script.jobs.map((j) => j.stage))];
  }

  get sha(): string {
    return shaFor(this.ref);
  }
  get status(): string {
    return this.world.observe((now) => this.world.pipelineStatus(this, now));
  }
  get webUrl(): string {
    return `${this.world.projectUrl}/-/pipelines/${this.id}`;
  }
  get jobs(): SimJobState[] {
    return this.recs.filter((j) => !j.bridge);
  }
}

class JobRec implements SimJobState {
  /** When its stage was reached (a manual job shows 'manual' from then on). */
  reachedAt?: number;
  /** When it went pending. */
  queuedAt?: number;
  skippedAt?: number;
  canceledAt?: number;
  retried = false;
  playedWith?: Record<string, string>;
  child?: PipelineRec;
  traceBytesServed = 0;

  constructor(
    private readonly world: World,
    readonly id: number,
    readonly pipeline: PipelineRec,
    readonly spec: SimJob,
    readonly stageIdx: number,
    readonly createdAt: number
  ) {}

  get name(): string {
    return this.spec.name;
  }
  get stage(): string {
    return this.spec.stage;
  }
  get pipelineId(): number {
    return this.pipeline.id;
  }
  get bridge(): boolean {
    return this.spec.child !== undefined;
  }
  get manual(): 'blocking' | 'optional' | undefined {
    return this.spec.manual;
  }
  /** Manual jobs are allow_failure: true unless they block (GitLab's `when: manual` default). */
  get allowFailure(): boolean {
    if (this.spec.manual === 'optional') return true;
    if (this.spec.manual === 'blocking') return false;
    return this.spec.allowFailure ?? false;
  }
  get pendingMs(): number {
    return this.spec.pendingMs ?? DEFAULT_PENDING_MS;
  }
  get runningMs(): number {
    return this.spec.runningMs ?? DEFAULT_RUNNING_MS;
  }
  get status(): string {
    return this.world.observe((now) => this.world.jobStatus(this, now));
  }
  get webUrl(): string {
    return `${this.world.projectUrl}/-/jobs/${this.id}`;
  }
  get childId(): number | undefined {
    return this.world.observe(() => this.child?.id);
  }
}

interface Settled {
  at: number;
  status: string;
}

interface LogText {
  buf: Buffer;
  lines: number;
  /** Byte offset just past line k-1 (end of the first k lines). */
  end(k: number): number;
}

class World {
  readonly pipelines: PipelineRec[] = [];
  readonly recs: JobRec[] = [];
  nextPipelineId = 1000;
  nextJobId = 5000;
  nextIid = 1;
  created = 0;
  traceBytesServed = 0;
  url = '';
  private readonly zips = new WeakMap<SimJob, Buffer>();
  private readonly logs = new WeakMap<SimJob, LogText>();

  constructor(readonly projectPath: string) {}

  get projectUrl(): string {
    return `${this.url}/${this.projectPath}`;
  }

  observe<T>(fn: (now: number) => T): T {
    const now = Date.now();
    this.advanceAll(now);
    return fn(now);
  }

  // --- creation -------------------------------------------------------------------------------

  async prepare(script: SimPipeline): Promise<void> {
    for (const spec of script.jobs) {
      if (spec.child) await this.prepare(spec.child);
      if (spec.artifacts && Object.keys(spec.artifacts).length > 0 && !this.zips.has(spec)) {
        this.zips.set(spec, await buildZip(spec.artifacts));
      }
    }
  }

  createPipeline(
    script: SimPipeline,
    ref: string,
    variables: Record<string, string>,
    source: PipelineRec['source'],
    createdAt: number,
    parentId?: number
  ): PipelineRec {
    const p = new PipelineRec(
      this,
      this.nextPipelineId++,
      this.nextIid++,
      ref,
      script,
      variables,
      source,
      createdAt,
      parentId
    );
    // GitLab creates every job of the pipeline at once, stage by stage.
    const ordered = script.jobs
      .map((spec, i) => ({ spec, i, stageIdx: p.stageNames.indexOf(spec.stage) }))
      .sort((a, b) => a.stageIdx - b.stageIdx || a.i - b.i);
    for (const { spec, stageIdx } of ordered) this.addJob(p, spec, stageIdx, createdAt);
    this.pipelines.push(p);
    return p;
  }

  private addJob(p: PipelineRec, spec: SimJob, stageIdx: number, createdAt: number): JobRec {
    const j = new JobRec(this, this.nextJobId++, p, spec, stageIdx, createdAt);
    p.recs.push(j);
    this.recs.push(j);
    return j;
  }

  /** A new job replacing `old` (retry, or play of a manual job that already ran); it is enqueued at once. */
  cloneJob(old: JobRec, now: number, playedWith?: Record<string, string>): JobRec {
    const j = this.addJob(old.pipeline, old.spec, old.stageIdx, now);
    old.retried = true;
    j.reachedAt = now;
    j.queuedAt = now;
    j.playedWith = playedWith ?? old.playedWith;
    // Ci::ResetSkippedJobsService: later jobs skipped because of the old result are processed again.
    for (const later of this.latest(old.pipeline)) {
      if (later.stageIdx > old.stageIdx && later.skippedAt !== undefined) {
        later.skippedAt = undefined;
        later.reachedAt = undefined;
      }
    }
    old.pipeline.canceled = false;
    return j;
  }

  latest(p: PipelineRec): JobRec[] {
    return p.recs.filter((j) => !j.retried);
  }

  // --- time -----------------------------------------------------------------------------------

  advanceAll(now: number): void {
    // Children appended while iterating are visited too; advancing twice changes nothing.
    for (const p of this.pipelines) this.advance(p, now);
  }

  /** Reach stages whose predecessors have all settled, at the moment they settled. */
  private advance(p: PipelineRec, now: number): void {
    const prev: (Settled & { allowFailure: boolean })[] = [];
    const latest = this.latest(p);
    for (let k = 0; k < p.stageNames.length; k++) {
      const jobs = latest.filter((j) => j.stageIdx === k);
      const gate = k === 0 ? p.createdAt : Math.max(p.createdAt, ...prev.map((s) => s.at));
      const before = k === 0 ? 'success' : compositeStatus(prev);
      for (const j of jobs) {
        if (j.reachedAt !== undefined || j.skippedAt !== undefined || j.canceledAt !== undefined) continue;
        if (before === 'success' || before === 'skipped') {
          j.reachedAt = gate;
          if (!j.manual) j.queuedAt = gate;
        } else {
          j.skippedAt = gate;
        }
      }
      let open = true;
      for (const j of jobs) {
        if (j.bridge) this.advanceBridge(j, now);
        const s = this.settle(j, now);
        if (s) prev.push({ ...s, allowFailure: j.allowFailure });
        else open = false;
      }
      if (!open) return;
    }
  }

  private advanceBridge(j: JobRec, now: number): void {
    const at = j.queuedAt === undefined ? undefined : j.queuedAt + j.pendingMs;
    if (!j.child && at !== undefined && at <= now && (j.canceledAt === undefined || j.canceledAt > at)) {
      j.child = this.createPipeline(
        j.spec.child as SimPipeline,
        j.pipeline.ref,
        {},
        'parent_pipeline',
        at,
        j.pipeline.id
      );
    }
    if (j.child) this.advance(j.child, now);
  }

  startedAt(j: JobRec, now: number): number | undefined {
    if (j.queuedAt === undefined) return undefined;
    const s = j.queuedAt + j.pendingMs;
    if (s > now) return undefined;
    if (j.canceledAt !== undefined && j.canceledAt <= s) return undefined;
    if (j.bridge && !j.child) return undefined;
    return s;
  }

  /** When and how the job stopped moving, if it has (optional manual jobs settle as 'manual'). */
  settle(j: JobRec, now: number): Settled | undefined {
    if (j.canceledAt !== undefined) return { at: j.canceledAt, status: 'canceled' };
    if (j.skippedAt !== undefined) return { at: j.skippedAt, status: 'skipped' };
    if (j.queuedAt === undefined) {
      if (j.manual && j.allowFailure && j.reachedAt !== undefined)
        return { at: j.reachedAt, status: 'manual' };
      return undefined;
    }
    const start = j.queuedAt + j.pendingMs;
    if (j.bridge) {
      if (!j.child) return undefined;
      const c = this.pipelineFinish(j.child, now);
      if (!c) return undefined;
      return { at: Math.max(start, c.at), status: bridgeStatusFor(c.status) };
    }
    const end = start + j.runningMs;
    return end <= now ? { at: end, status: j.spec.result ?? 'success' } : undefined;
  }

  jobStatus(j: JobRec, now: number): string {
    if (j.canceledAt !== undefined) return 'canceled';
    if (j.skippedAt !== undefined) return 'skipped';
    if (j.queuedAt === undefined) return j.manual && j.reachedAt !== undefined ? 'manual' : 'created';
    const start = j.queuedAt + j.pendingMs;
    if (now < start) return 'pending';
    if (j.bridge) {
      if (!j.child) return 'pending';
      const cs = this.pipelineStatus(j.child, now);
      return COMPLETED.has(cs) ? bridgeStatusFor(cs) : 'running';
    }
    if (now < start + j.runningMs) return 'running';
    return j.spec.result ?? 'success';
  }

  pipelineStatus(p: PipelineRec, now: number): string {
    const items = this.latest(p).map((j) => ({
      status: this.jobStatus(j, now),
      allowFailure: j.allowFailure
    }));
    return compositeStatus(items) ?? 'created';
  }

  hasWarnings(p: PipelineRec, now: number): boolean {
    return this.latest(p).some(
      (j) => j.allowFailure && ['failed', 'canceled'].includes(this.jobStatus(j, now))
    );
  }

  pipelineFinish(p: PipelineRec, now: number): Settled | undefined {
    let at = p.createdAt;
    const items: StatusItem[] = [];
    for (const j of this.latest(p)) {
      const s = this.settle(j, now);
      if (!s) return undefined;
      at = Math.max(at, s.at);
      items.push({ status: s.status, allowFailure: j.allowFailure });
    }
    const status = compositeStatus(items) ?? 'skipped';
    return COMPLETED.has(status) ? { at, status } : undefined;
  }

  pipelineStartedAt(p: PipelineRec, now: number): number | undefined {
    const starts = p.recs.map((j) => this.startedAt(j, now)).filter((t): t is number => t !== undefined);
    return starts.length ? Math.min(...starts) : undefined;
  }

  private jobEvents(j: JobRec, now: number): number[] {
    return [
      j.createdAt,
      j.reachedAt,
      j.queuedAt,
      j.skippedAt,
      j.canceledAt,
      this.startedAt(j, now),
      this.settle(j, now)?.at
    ].filter((t): t is number => t !== undefined && t <= now);
  }

  pipelineUpdatedAt(p: PipelineRec, now: number): number {
    return Math.max(p.createdAt, ...p.recs.flatMap((j) => this.jobEvents(j, now)));
  }

  jobFinishedAt(j: JobRec, now: number): number | undefined {
    const s = this.settle(j, now);
    return s && ['success', 'failed', 'canceled'].includes(s.status) ? s.at : undefined;
  }

  // --- actions --------------------------------------------------------------------------------

  cancelPipeline(p: PipelineRec, now: number): void {
    p.canceled = true;
    for (const j of this.latest(p)) {
      if (CANCELABLE.has(this.jobStatus(j, now))) j.canceledAt = now;
    }
    // CancelPipelineService cascades to child pipelines.
    for (const j of p.recs) if (j.child) this.cancelPipeline(j.child, now);
  }

  cancelJob(j: JobRec, now: number): void {
    if (CANCELABLE.has(this.jobStatus(j, now))) j.canceledAt = now;
  }

  // --- logs and artifacts ---------------------------------------------------------------------

  logOf(j: JobRec): LogText {
    let log = this.logs.get(j.spec);
    if (!log) {
      log = makeLog(j.spec);
      this.logs.set(j.spec, log);
    }
    return log;
  }

  /** The whole trace so far: nothing before the job runs, lines appearing evenly while it runs. */
  trace(j: JobRec, now: number): Buffer {
    const start = this.startedAt(j, now);
    if (j.bridge || start === undefined) return Buffer.alloc(0);
    const log = this.logOf(j);
    const end = start + j.runningMs;
    const cutoff = Math.min(now, j.canceledAt ?? Infinity);
    if (cutoff >= end) return log.buf;
    const k = Math.floor(((cutoff - start) / j.runningMs) * log.lines);
    return log.buf.subarray(0, log.end(Math.max(0, Math.min(k, log.lines))));
  }

  /** The artifacts zip, once the runner has uploaded it. */
  archive(j: JobRec, now: number): Buffer | undefined {
    if (j.bridge || !j.spec.artifacts) return undefined;
    const zip = this.zips.get(j.spec);
    if (!zip) return undefined;
    const status = this.settle(j, now)?.status;
    const when = j.spec.artifactsWhen ?? 'always';
    const uploaded =
      (status === 'success' && when !== 'on_failure') || (status === 'failed' && when !== 'on_success');
    return uploaded ? zip : undefined;
  }
}

function bridgeStatusFor(childStatus: string): string {
  // Ci::Bridge#inherit_status_from_downstream! (strategy: depend).
  if (childStatus === 'success') return 'success';
  if (childStatus === 'canceled') return 'canceled';
  return 'failed';
}

function shaFor(ref: string): string {
  return createHash('sha1').update(`sim:${ref}`).digest('hex');
}

function makeLog(spec: SimJob): LogText {
  const log = spec.log;
  if (log && !Array.isArray(log)) {
    const lineBytes = Math.max(16, log.lineBytes ?? 80);
    const lines = Math.max(1, Math.round(log.totalBytes / lineBytes));
    const buf = Buffer.alloc(lines * lineBytes, 'x');
    for (let i = 0; i < lines; i++) {
      const at = i * lineBytes;
      buf.write(`line ${String(i + 1).padStart(7, '0')} `, at, 'latin1');
      buf[at + lineBytes - 1] = 0x0a;
    }
    return { buf, lines, end: (k) => k * lineBytes };
  }
  const texts = log ?? [
    'Running with gitlab-runner 17.5.0 (sim)',
    `$ ./ci/${spec.name}.sh`,
    (spec.result ?? 'success') === 'success' ? 'Job succeeded' : 'ERROR: Job failed: exit code 1'
  ];
  const parts = texts.map((t) => Buffer.from(`${t}\n`));
  const offsets = [0];
  for (const part of parts) offsets.push(offsets[offsets.length - 1] + part.length);
  return { buf: Buffer.concat(parts), lines: parts.length, end: (k) => offsets[k] };
}

function buildZip(files: Record<string, string | Buffer>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    const mtime = new Date('2024-01-01T00:00:00Z');
    for (const [path, content] of Object.entries(files)) {
      zip.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content), path, { mtime });
    }
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
    zip.end();
  });
}

// ---------------------------------------------------------------------------------------------
// Rendering (GitLab's API entities)

const iso = (t: number | undefined): string | null => (t === undefined ? null : new Date(t).toISOString());
const SIM_EPOCH = Date.parse('2024-01-01T00:00:00Z');

interface DetailedStatusText {
  icon: string;
  text: string;
  label: string;
  group: string;
}

function detailedStatusText(status: string, warnings: boolean): DetailedStatusText {
  if (status === 'success' && warnings) {
    return {
      icon: 'status_warning',
      text: 'Warning',
      label: 'passed with warnings',
      group: 'success_with_warnings'
    };
  }
  const table: Record<string, [string, string]> = {
    created: ['Created', 'created'],
    waiting_for_resource: ['Waiting', 'waiting for resource'],
    preparing: ['Preparing', 'preparing'],
    pending: ['Pending', 'pending'],
    running: ['Running', 'running'],
    success: ['Passed', 'passed'],
    failed: ['Failed', 'failed'],
    canceled: ['Canceled', 'canceled'],
    skipped: ['Skipped', 'skipped'],
    manual: ['Blocked', 'waiting for manual action'],
    scheduled: ['Scheduled', 'scheduled']
  };
  const [text, label] = table[status] ?? [status, status];
  return { icon: `status_${status}`, text, label, group: status };
}

class Renderer {
  constructor(
    private readonly world: World,
    private readonly projectId: number
  ) {}

  user(): Record<string, unknown> {
    return {
      id: 1,
      username: 'sim-user',
      name: 'Sim User',
      state: 'active',
      locked: false,
      avatar_url: 'https://www.gravatar.com/avatar/00000000000000000000000000000000?s=80&d=identicon',
      web_url: `${this.world.url}/sim-user`
    };
  }

  private fullUser(): Record<string, unknown> {
    return {
      ...this.user(),
      created_at: iso(SIM_EPOCH),
      bio: '',
      location: '',
      public_email: null,
      linkedin: '',
      twitter: '',
      discord: '',
      website_url: '',
      organization: '',
      job_title: '',
      pronouns: null,
      bot: false,
      work_information: null,
      followers: 0,
      following: 0,
      local_time: null
    };
  }

  private commit(p: PipelineRec): Record<string, unknown> {
    const when = iso(SIM_EPOCH);
    return {
      id: p.sha,
      short_id: p.sha.slice(0, 8),
      created_at: when,
      parent_ids: [shaFor(`${p.ref}^`)],
      title: `Update ${p.ref}`,
      message: `Update ${p.ref}\n`,
      author_name: 'Sim User',
      author_email: 'sim@example.com',
      authored_date: when,
      committer_name: 'Sim User',
      committer_email: 'sim@example.com',
      committed_date: when,
      trailers: {},
      extended_trailers: {},
      web_url: `${this.world.projectUrl}/-/commit/${p.sha}`
    };
  }

  /** Entities::Ci::PipelineBasic; with `name` as PipelineBasicWithMetadata (the list). */
  pipelineBasic(p: PipelineRec, now: number, withName = false): Record<string, unknown> {
    return {
      id: p.id,
      iid: p.iid,
      project_id: this.projectId,
      sha: p.sha,
      ref: p.ref,
      status: this.world.pipelineStatus(p, now),
      source: p.source,
      created_at: iso(p.createdAt),
      updated_at: iso(this.world.pipelineUpdatedAt(p, now)),
      web_url: p.webUrl,
      ...(withName ? { name: null } : {})
    };
  }

  /** Entities::Ci::PipelineWithMetadata. */
  pipeline(p: PipelineRec, now: number): Record<string, unknown> {
    const w = this.world;
    const status = w.pipelineStatus(p, now);
    const started = w.pipelineStartedAt(p, now);
    const finished = COMPLETED.has(status) ? w.pipelineFinish(p, now)?.at : undefined;
    const ds = detailedStatusText(status, w.hasWarnings(p, now));
    return {
      ...this.pipelineBasic(p, now, true),
      before_sha: '0000000000000000000000000000000000000000',
      tag: false,
      yaml_errors: null,
      user: this.user(),
      started_at: iso(started),
      finished_at: iso(finished),
      committed_at: null,
      duration:
        started !== undefined && finished !== undefined ? Math.round((finished - started) / 1000) : null,
      queued_duration: started !== undefined ? Math.round((started - p.createdAt) / 1000) : null,
      coverage: null,
      detailed_status: {
        ...ds,
        tooltip: ds.label,
        has_details: true,
        details_path: `/${w.projectPath}/-/pipelines/${p.id}`,
        illustration: null,
        favicon: `/assets/ci_favicons/favicon_${ds.icon}.png`
      }
    };
  }

  /** Entities::Ci::JobBasic. */
  private jobBasic(j: JobRec, now: number): Record<string, unknown> {
    const w = this.world;
    const status = w.jobStatus(j, now);
    const started = w.startedAt(j, now);
    const finished = w.jobFinishedAt(j, now);
    const out: Record<string, unknown> = {
      id: j.id,
      status,
      stage: j.stage,
      name: j.name,
      ref: j.pipeline.ref,
      tag: false,
      coverage: null,
      allow_failure: j.allowFailure,
      created_at: iso(j.createdAt),
      started_at: iso(started),
      finished_at: iso(finished),
      erased_at: null,
      duration: started !== undefined ? ((finished ?? now) - started) / 1000 : null,
      queued_duration:
        j.queuedAt !== undefined && j.queuedAt <= now
          ? ((started ?? finished ?? now) - j.queuedAt) / 1000
          : null,
      user: this.fullUser(),
      commit: this.commit(j.pipeline),
      pipeline: this.pipelineBasic(j.pipeline, now),
      web_url: j.webUrl,
      project: { ci_job_token_scope_enabled: false }
    };
    if (status === 'failed') {
      out.failure_reason = j.bridge ? 'unknown_failure' : (j.spec.failureReason ?? 'script_failure');
    }
    return out;
  }

  /** Entities::Ci::Job. */
  job(j: JobRec, now: number): Record<string, unknown> {
    const w = this.world;
    const started = w.startedAt(j, now);
    const finished = w.jobFinishedAt(j, now);
    const zip = w.archive(j, now);
    const artifacts: Record<string, unknown>[] = [];
    if (zip) {
      artifacts.push({
        file_type: 'archive',
        size: zip.length,
        filename: 'artifacts.zip',
        file_format: 'zip'
      });
      artifacts.push({
        file_type: 'metadata',
        size: 64 + Math.floor(zip.length / 20),
        filename: 'metadata.gz',
        file_format: 'gzip'
      });
    }
    // GitLab archives the trace as an artifact once the job has finished.
    if (finished !== undefined && started !== undefined) {
      artifacts.push({
        file_type: 'trace',
        size: w.trace(j, now).length,
        filename: 'job.log',
        file_format: 'raw'
      });
    }
    const runnerStarted = iso(SIM_EPOCH);
    return {
      ...this.jobBasic(j, now),
      ...(zip ? { artifacts_file: { filename: 'artifacts.zip', size: zip.length } } : {}),
      artifacts,
      runner:
        started === undefined
          ? null
          : {
              id: 7,
              description: 'sim-runner',
              ip_address: '127.0.0.1',
              active: true,
              is_shared: true,
              name: 'gitlab-runner',
              online: true,
              status: 'online'
            },
      runner_manager:
        started === undefined
          ? null
          : {
              id: 11,
              system_id: 's_0123456789ab',
              version: '17.5.0',
              revision: '12030cf4',
              platform: 'linux',
              architecture: 'amd64',
              created_at: runnerStarted,
              contacted_at: iso(now),
              ip_address: '127.0.0.1',
              status: 'online'
            },
      artifacts_expire_at: zip && finished !== undefined ? iso(finished + 30 * 24 * 3600 * 1000) : null,
      archived: false,
      tag_list: []
    };
  }

  /** Entities::Ci::Bridge. */
  bridge(j: JobRec, now: number): Record<string, unknown> {
    return {
      ...this.jobBasic(j, now),
      downstream_pipeline: j.child ? this.pipelineBasic(j.child, now) : null
    };
  }

  project(): Record<string, unknown> {
    const path = this.world.projectPath;
    const name = path.split('/').pop() ?? path;
    return {
      id: this.projectId,
      description: null,
      name,
      name_with_namespace: path.split('/').join(' / '),
      path: name,
      path_with_namespace: path,
      created_at: iso(SIM_EPOCH),
      default_branch: 'main',
      web_url: this.world.projectUrl,
      http_url_to_repo: `${this.world.projectUrl}.git`,
      visibility: 'private',
      archived: false
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Request helpers

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
}

const badRequest = (error: string): HttpError => new HttpError(400, { error });
const notFound = (what?: string): HttpError =>
  new HttpError(404, { message: what ? `404 ${what} Not Found` : '404 Not Found' });
const recordNotFound = (): HttpError => new HttpError(404, { message: '404 Not found' });

type Params = Record<string, unknown>;

/** Rack-style nested parameters: `a[b]=1`, `a[]=1`, `a[][k]=1&a[][v]=2`. */
function nestParams(pairs: Iterable<[string, string]>): Params {
  const out: Params = {};
  for (const [key, value] of pairs) {
    const m = /^([^[\]]+)((?:\[[^\]]*\])*)$/.exec(key);
    if (!m) {
      out[key] = value;
      continue;
    }
    const parts = [m[1], ...[...m[2].matchAll(/\[([^\]]*)\]/g)].map((x) => x[1])];
    assignNested(out, parts, value);
  }
  return out;
}

function assignNested(obj: Params, parts: string[], value: string): void {
  const [head, ...rest] = parts;
  if (rest.length === 0) {
    obj[head] = value;
    return;
  }
  if (rest[0] === '') {
    const arr = Array.isArray(obj[head]) ? (obj[head] as unknown[]) : (obj[head] = []);
    if (rest.length === 1) {
      arr.push(value);
      return;
    }
    const sub = rest.slice(1);
    let last = arr[arr.length - 1] as Params | undefined;
    if (!last || typeof last !== 'object' || sub[0] in last) {
      last = {};
      arr.push(last);
    }
    assignNested(last, sub, value);
    return;
  }
  const next = obj[head] && typeof obj[head] === 'object' ? (obj[head] as Params) : (obj[head] = {});
  assignNested(next as Params, rest, value);
}

function parseMultipart(body: Buffer, boundary: string): [string, string][] {
  const out: [string, string][] = [];
  const text = body.toString('latin1');
  for (const part of text.split(`--${boundary}`)) {
    const sep = part.indexOf('\r\n\r\n');
    if (sep < 0) continue;
    const head = part.slice(0, sep);
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    if (name === undefined) continue;
    const value = part.slice(sep + 4).replace(/\r\n$/, '');
    out.push([name, Buffer.from(value, 'latin1').toString('utf8')]);
  }
  return out;
}

/** Grape merges the query string and the body (JSON, form or multipart) into `params`. */
function readParams(req: SimRequest): Params {
  const params: Params = nestParams(req.query.entries());
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (req.body.length === 0) return params;
  if (type.includes('json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(req.body.toString('utf8'));
    } catch {
      throw badRequest('The provided content-type is application/json but the body is not valid JSON');
    }
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) Object.assign(params, parsed);
    return params;
  }
  if (type.includes('multipart/form-data')) {
    const boundary = /boundary="?([^";]+)"?/i.exec(String(req.headers['content-type']))?.[1];
    if (boundary) Object.assign(params, nestParams(parseMultipart(req.body, boundary)));
    return params;
  }
  Object.assign(params, nestParams(new URLSearchParams(req.body.toString('utf8')).entries()));
  return params;
}

function requireString(params: Params, name: string): string {
  const v = params[name];
  if (v === undefined || v === null || v === '') throw badRequest(`${name} is missing`);
  if (typeof v !== 'string') throw badRequest(`${name} is invalid`);
  return v;
}

function intParam(raw: string, name: string): number {
  if (!/^\d+$/.test(raw)) throw badRequest(`${name} is invalid`);
  return Number(raw);
}

function decodeSegment(seg: string): string {
  try {
    return decodeURIComponent(seg);
  } catch {
    throw new HttpError(404, { error: '404 Not Found' });
  }
}

function sendS3Error(
  res: http.ServerResponse,
  status: number,
  code: string,
  message: string,
  extra = '',
  headers: http.OutgoingHttpHeaders = {}
): void {
  const id = randomBytes(8).toString('hex').toUpperCase();
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${code}</Code><Message>${message}</Message>${extra}<RequestId>${id}</RequestId>` +
    `<HostId>${randomBytes(24).toString('base64')}</HostId></Error>`;
  sendText(res, status, xml, { 'content-type': 'application/xml', 'x-amz-request-id': id, ...headers });
}

const xmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

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
  const world = new World(projectPath);
  const render = new Renderer(world, projectId);
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
      return json(res, 200, { version: '17.5.0-ee', revision: 'sim', kas: { enabled: false } });
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
      const p = await createFromScript(ref, variables, 'api');
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

    if (is('GET', 'pipelines', '*')) return json(res, 200, render.pipeline(findPipeline(r[1]), now));

    if (is('GET', 'pipelines', '*', 'variables')) {
      const p = findPipeline(r[1]);
      return json(
        res,
        200,
        Object.entries(p.variables).map(([key, value]) => ({ variable_type: 'env_var', key, value }))
      );
    }

    if (is('GET', 'pipelines', '*', 'jobs') || is('GET', 'pipelines', '*', 'bridges')) {
      const p = findPipeline(r[1]);
      const bridges = r[2] === 'bridges';
      const includeRetried = !bridges && req.query.get('include_retried') === 'true';
      const filter = scopeFilter(req);
      const list = p.recs
        .filter((j) => j.bridge === bridges && (includeRetried || !j.retried))
        .filter((j) => !filter || filter(world.jobStatus(j, now)))
        .sort((a, b) => b.id - a.id);
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
    close: async () => {
      await Promise.all([api.close(), storage.close()]);
    }
  };
  return sim;
}

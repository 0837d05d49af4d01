/**
 * The simulated server's state. State follows from timestamps: every request (and every read
 * of `sim.pipelines`/`sim.jobs`) brings the model up to Date.now(), recording each transition at
 * the moment it happened, so there are no timers and nothing keeps the process alive after close().
 */
import yazl from 'yazl';
import { CANCELABLE, COMPLETED, compositeStatus, type StatusItem } from './status.js';
import type { SimJob, SimPipeline } from './types.js';
import { JobRec, PipelineRec, type RecordWorld } from './records.js';

// ---------------------------------------------------------------------------------------------
// The model

export interface Settled {
  at: number;
  status: string;
}

export interface LogText {
  buf: Buffer;
  lines: number;
  /** Byte offset just past line k-1 (end of the first k lines). */
  end(k: number): number;
}

export class World implements RecordWorld {
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

  constructor(
    readonly projectPath: string,
    /** The runner's trace upload cadence (0: every line at once). */
    readonly traceUpdateMs = 0
  ) {}

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
        j.spec.downstreamProject ? 'pipeline' : 'parent_pipeline',
        at,
        j.pipeline.id
      );
      j.child.project = j.spec.downstreamProject;
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
    let cutoff = Math.min(now, j.canceledAt ?? Infinity);
    if (cutoff >= end) return log.buf;
    // The runner sends what it has every traceUpdateMs, not each line as it comes.
    if (this.traceUpdateMs > 0)
      cutoff = start + Math.floor((cutoff - start) / this.traceUpdateMs) * this.traceUpdateMs;
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

export function bridgeStatusFor(childStatus: string): string {
  // Ci::Bridge#inherit_status_from_downstream! (strategy: depend).
  if (childStatus === 'success') return 'success';
  if (childStatus === 'canceled') return 'canceled';
  return 'failed';
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

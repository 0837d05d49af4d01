/**
 * The simulated GoCD's state: pipelines as configured, runs and their counters, and where every
 * stage and job of a run stands at a given moment. State follows from timestamps: no timers.
 */
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

export interface SimRunState {
  pipeline: string;
  counter: number;
  createdAt: number;
  forced: boolean;
  approver: string;
  revision: string;
  /** Revisions the schedule asked for, by material fingerprint (the build cause shows them). */
  revisions?: Record<string, string>;
  stages: { cancelledAt?: number; approvedAt?: number }[];
  consoles: Map<string, string[]>;
}

export interface Pending {
  pipeline: string;
  visibleAt: number;
  forced: boolean;
  approver: string;
  revisions?: Record<string, string>;
  /** Until when another forced schedule of the pipeline is refused (GoCD's TriggerMonitor). */
  blocksUntil?: number;
}

export interface JobView {
  def: SimJob;
  state: 'Scheduled' | 'Assigned' | 'Building' | 'Completed';
  result: 'Passed' | 'Failed' | 'Cancelled' | 'Unknown';
  scheduledAt: number;
  buildingAt: number;
  endsAt: number;
}

export interface StageView {
  def: SimStage;
  scheduled: boolean;
  scheduledAt: number;
  status: 'Building' | 'Failing' | 'Passed' | 'Failed' | 'Cancelled' | 'Unknown';
  endedAt?: number;
  jobs: JobView[];
}

export const DEFAULT_MATERIAL = 'f6e7a3899c55e1682ffb00383bdf8f882bcee2141e79a8728254190a1fddcf4f';
const SCHEDULED_MS = 100;
const ASSIGNED_MS = 100;

export function defaultPipelines(): Record<string, SimPipeline> {
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

export class World {
  readonly runs = new Map<string, SimRunState[]>();
  private readonly lastCounter = new Map<string, number>();
  pending: Pending[] = [];

  constructor(
    readonly pipelines: Record<string, SimPipeline>,
    private readonly stageDelayMs: number
  ) {
    for (const [name, p] of Object.entries(pipelines)) {
      const long = Date.now() - 86_400_000;
      for (let i = 0; i < (p.historyCounter ?? 0); i++) this.makeRun(name, long + i * 60_000, false, '');
    }
  }

  makeRun(pipeline: string, createdAt: number, forced: boolean, approver: string): SimRunState {
    const counter = (this.lastCounter.get(pipeline) ?? 0) + 1;
    this.lastCounter.set(pipeline, counter);
    const run: SimRunState = {
      pipeline,
      counter,
      createdAt,
      forced,
      approver,
      revision: `${counter.toString(16).padStart(8, '0')}c194b49db102b705ebc13e604e490ae1`,
      stages: this.pipelines[pipeline].stages.map(() => ({})),
      consoles: new Map()
    };
    const list = this.runs.get(pipeline) ?? [];
    list.push(run);
    this.runs.set(pipeline, list);
    return run;
  }

  /** Queued schedules become runs (and get their counters) once their time has come. */
  materialize(now = Date.now()): void {
    const due = this.pending.filter((p) => p.visibleAt <= now).sort((a, b) => a.visibleAt - b.visibleAt);
    if (!due.length) return;
    this.pending = this.pending.filter((p) => p.visibleAt > now);
    for (const p of due) {
      const run = this.makeRun(p.pipeline, p.visibleAt, p.forced, p.approver);
      if (p.revisions) run.revisions = p.revisions;
    }
  }

  findRun(pipeline: string, counter: number): SimRunState | undefined {
    this.materialize();
    return this.runs.get(pipeline)?.find((r) => r.counter === counter);
  }

  consoleLines(run: SimRunState, stage: SimStage, job: SimJob): string[] {
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
  }

  /** Where every stage and job of a run stands at `now`. */
  view(run: SimRunState, now = Date.now()): StageView[] {
    const defs = this.pipelines[run.pipeline].stages;
    const out: StageView[] = [];
    let readyAt: number | undefined = run.createdAt;
    defs.forEach((def, i) => {
      const marks = run.stages[i];
      let scheduledAt: number | undefined;
      if (readyAt !== undefined) {
        if (i === 0) scheduledAt = readyAt;
        else if (!def.manual) scheduledAt = readyAt + this.stageDelayMs;
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
  }

  /** The console as far as the agent has uploaded it, from line `from` on. */
  revealedConsole(
    run: SimRunState,
    stage: SimStage,
    job: JobView,
    from: number,
    partialLines: boolean
  ): string {
    const lines = this.consoleLines(run, stage, job.def);
    const now = Date.now();
    let shown = lines.length;
    let partial = '';
    if (job.state !== 'Completed') {
      const share = Math.min(1, (now - job.buildingAt) / Math.max(1, job.endsAt - job.buildingAt));
      shown = Math.floor(share * lines.length);
      if (partialLines && shown < lines.length)
        partial = lines[shown].slice(0, Math.ceil(lines[shown].length / 2));
    } else if (job.result === 'Cancelled') {
      const share = Math.min(1, (job.endsAt - job.buildingAt) / Math.max(1, job.def.runningMs ?? 1000));
      shown = Math.max(0, Math.floor(share * lines.length));
    }
    const slice = lines.slice(from, shown);
    return slice.map((l) => `${l}\n`).join('') + (from <= shown ? partial : '');
  }
}

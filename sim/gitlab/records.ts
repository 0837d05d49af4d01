/**
 * A simulated pipeline and job as records: what they were created with and what happened to
 * them (timestamps). Their statuses are read through the world that moves them on (model.ts).
 */
import { createHash } from 'node:crypto';
import { DEFAULT_PENDING_MS, DEFAULT_RUNNING_MS } from './status.js';
import type { SimJob, SimJobState, SimPipeline, SimPipelineState } from './types.js';

/** What a record asks of the world it lives in (World, in model.ts). */
export interface RecordWorld {
  readonly url: string;
  readonly projectUrl: string;
  /** Brings the world up to now, then reads it. */
  observe<T>(fn: (now: number) => T): T;
  pipelineStatus(p: PipelineRec, now: number): string;
  jobStatus(j: JobRec, now: number): string;
}

export class PipelineRec implements SimPipelineState {
  readonly stageNames: string[];
  readonly recs: JobRec[] = [];
  canceled = false;
  /** The pipeline inputs it was created with, as the server kept them (profile.inputs). */
  inputs: Record<string, unknown> = {};
  /** The commit, when it is not the ref's (a push of another commit). */
  shaOverride?: string;
  /** Set for a multi-project downstream pipeline: the other project it runs in. */
  project?: { id: number; path: string };

  constructor(
    private readonly world: RecordWorld,
    readonly id: number,
    readonly iid: number,
    readonly ref: string,
    readonly script: SimPipeline,
    readonly variables: Record<string, string>,
    readonly source: 'api' | 'trigger' | 'parent_pipeline' | 'pipeline' | 'push',
    readonly createdAt: number,
    readonly parentId?: number
  ) {
    this.stageNames = [...new Set(script.jobs.map((j) => j.stage))];
  }

  get sha(): string {
    return this.shaOverride ?? shaFor(this.ref);
  }
  get status(): string {
    return this.world.observe((now) => this.world.pipelineStatus(this, now));
  }
  get projectUrl(): string {
    return this.project ? `${this.world.url}/${this.project.path}` : this.world.projectUrl;
  }
  get webUrl(): string {
    return `${this.projectUrl}/-/pipelines/${this.id}`;
  }
  get jobs(): SimJobState[] {
    return this.recs.filter((j) => !j.bridge);
  }
}

export class JobRec implements SimJobState {
  /** When its stage was reached (a manual job shows 'manual' from then on). */
  reachedAt?: number;
  /** When it went pending. */
  queuedAt?: number;
  skippedAt?: number;
  canceledAt?: number;
  retried = false;
  playedWith?: Record<string, string>;
  /** The job_inputs it was played with, as the server kept them (profile.inputs.job). */
  playedInputs?: Record<string, unknown>;
  child?: PipelineRec;
  traceBytesServed = 0;

  constructor(
    private readonly world: RecordWorld,
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
    return `${this.pipeline.projectUrl}/-/jobs/${this.id}`;
  }
  get childId(): number | undefined {
    return this.world.observe(() => this.child?.id);
  }
}

export function shaFor(ref: string): string {
  return createHash('sha1').update(`sim:${ref}`).digest('hex');
}

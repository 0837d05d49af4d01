/** What a test scripts (SimJob, SimPipeline) and what the simulator exposes of its state. */
import type { SimServer } from '../server.js';
import type { GitLabProfile } from './profiles.js';

/** One test case of a job's JUnit report (artifacts:reports:junit), as GitLab parses it. */
export interface SimTestCase {
  suite: string;
  name: string;
  classname?: string;
  file?: string;
  status: 'success' | 'failed' | 'skipped' | 'error';
  /** Seconds. */
  time?: number;
  /** The failure's message (GitLab's system_output). */
  message?: string;
}

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
  /** A multi-project trigger: the child runs in this other project, which the token cannot read. */
  downstreamProject?: { id: number; path: string };
  /** The job's JUnit report, read by the pipeline test report routes once the job has ended. */
  tests?: SimTestCase[];
}

export interface SimPipeline {
  jobs: SimJob[];
  /**
   * The `spec:inputs` of its .gitlab-ci.yml: when declared, a server that takes inputs refuses an
   * undeclared name, a value of the wrong type and a missing one without default.
   */
  inputs?: Record<string, { type?: 'string' | 'number' | 'boolean' | 'array'; default?: unknown }>;
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
  /** Every list names a next page (X-Next-Page, Link rel="next"), past its end with empty pages:
   *  a broken proxy or a hostile server whose listings never end (issue 20). */
  endlessPages?: boolean;
  /** What POST /jobs/:id/play answers for a manual job that already ran (which GitLab retries as
   *  a NEW job): 'new' (default) the new job; 'original' the job that was played, as GitLab's
   *  lib/api/ci/jobs.rb does today (it presents the receiver of `job.play`). */
  playAfterRunReturns?: 'new' | 'original';
  /** The GitLab release whose API this server has (profiles.ts; default '16.x', today's API). */
  profile?: string | GitLabProfile;
  /** How often a running job's trace grows, as the runner uploads it (default 0: line by line).
   *  gitlab.com: 60 000 while nobody watches the job's page, 3 000 while someone does
   *  (gitlabhq lib/gitlab/ci/trace.rb, UPDATE_FREQUENCY_DEFAULT / _WHEN_BEING_WATCHED). */
  traceUpdateMs?: number;
}

export interface SimPipelineState {
  id: number;
  iid: number;
  ref: string;
  sha: string;
  status: string;
  variables: Record<string, string>;
  /** The pipeline inputs the server kept (none on a release that does not take them). */
  inputs: Record<string, unknown>;
  source: 'api' | 'trigger' | 'parent_pipeline' | 'pipeline' | 'push';
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
  /** The job_inputs it was played with, as the server kept them. */
  playedInputs?: Record<string, unknown>;
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
  /** The profile this server follows. */
  readonly profile: GitLabProfile;
  /**
   * A push (or a mirror's sync) of `ref`: GitLab creates the pipeline for that commit, `source:
   * push`. `sha` defaults to the ref's own (shaFor(ref)); another gives a pipeline of another commit.
   */
  push(ref: string, sha?: string): Promise<SimPipelineState>;
  close(): Promise<void>;
}

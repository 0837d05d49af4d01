import type { ArtifactSink } from '../../artifacts/store.js';
import { RemoteError } from '../../core/errors.js';
import type { GitLabSettings } from '../../config/settings.js';
import type { TestSummary } from '../../core/test-summary.js';
import type { Remote, RemoteContext } from '../remote.js';
import type { Job, LogSink, Run, Snapshot } from '../../core/run.js';
import { GitLabApi } from './api.js';
import { ENDED, PipelineTree, latestPerName } from './pipeline.js';
import { Job as JobShape, Pipeline, ProjectIdentity, type Job as GlJob } from './shapes.js';
import { readTestReport } from './test-report.js';
import { waitForCommitPipeline } from './commit.js';
import {
  JOB_INPUTS_SINCE,
  PIPELINE_INPUTS_SINCE,
  checkVariablesApplied,
  requireInputs,
  warnIfPlayIgnoresVariables
} from './versions.js';

/** How the run is followed, kept in Run.data so a post step can cancel it. */
interface RunData extends Record<string, unknown> {
  pipelineId: number;
  /** The job followed alone (by name or id), once known. */
  jobId?: number;
  /** `job` input as a name: follow only that job. */
  jobName?: string;
  /** The manual job has been played (a POST sent at most once). */
  played?: boolean;
  /** The named job has left the states in which it may still become manual: follow it by id. */
  settled?: boolean;
}

/** A job in these states has not run yet and may still turn `manual` (to be played). */
const NOT_YET_RUN = ['created', 'waiting_for_resource', 'scheduled'];

const FORBIDDEN_VARIABLES = 'Insufficient permissions to set pipeline variables';

export function createGitLab(ctx: RemoteContext): Remote {
  return new GitLab(ctx);
}

class GitLab implements Remote {
  readonly logMode = 'whole' as const;
  private readonly api: GitLabApi;
  private readonly gl: GitLabSettings;
  private readonly project: string;
  /** Jobs last seen, by key, with the project they belong to, for logs and artifacts. */
  private readonly seen = new Map<string, { gl: GlJob; project: string }>();
  private tree?: PipelineTree;
  /** ci-relay created the pipeline (its inputs went there, not to a played job). */
  private created = false;

  constructor(private readonly ctx: RemoteContext) {
    const s = ctx.settings;
    this.gl = s.gitlab!;
    this.api = new GitLabApi(
      ctx.httpFor({
        baseUrl: `${s.url}/api/v4/`,
        credentials: s.token ? { 'private-token': s.token } : {},
        serverName: 'GitLab'
      })
    );
    this.project = `projects/${encodeURIComponent(this.gl.project)}`;
  }

  private get jobById(): number | undefined {
    return this.gl.job && /^\d+$/.test(this.gl.job) ? Number(this.gl.job) : undefined;
  }

  private get variables(): [string, string][] {
    return Object.entries(this.ctx.settings.variables);
  }

  private get hasInputs(): boolean {
    return Object.keys(this.gl.inputs).length > 0;
  }

  async trigger(): Promise<Run> {
    const jobId = this.jobById;
    if (jobId !== undefined) return this.startJob(jobId);
    if (this.gl.sha) return this.waitForCommit(this.gl.sha);
    if (this.hasInputs)
      await requireInputs(this.api, this.ctx.warn, PIPELINE_INPUTS_SINCE, 'pipeline inputs');
    const vars = this.variables;
    const inputs = this.hasInputs ? { inputs: this.gl.inputs } : {};
    let pipeline: Pipeline;
    this.created = true;
    if (this.gl.triggerToken) {
      // lib/api/ci/triggers.rb: `requires :token`, `optional :variables, type: Hash`, `optional
      // :inputs, type: Hash`; typed input values need a JSON body (a form makes every value text).
      const form: Record<string, string> = { token: this.gl.triggerToken, ref: this.gl.ref! };
      for (const [k, v] of vars) form[`variables[${k}]`] = v;
      const body = this.hasInputs
        ? {
            json: {
              token: this.gl.triggerToken,
              ref: this.gl.ref,
              variables: Object.fromEntries(vars),
              ...inputs
            }
          }
        : { form };
      pipeline = await this.withRemedy(() =>
        this.api.json(Pipeline, 'POST', `${this.project}/trigger/pipeline`, 'POST trigger/pipeline', body)
      );
    } else {
      pipeline = await this.withRemedy(() =>
        this.api.json(Pipeline, 'POST', `${this.project}/pipeline`, 'POST pipeline', {
          json: {
            ref: this.gl.ref,
            variables: vars.map(([key, value]) => ({ key, value, variable_type: 'env_var' })),
            ...inputs
          }
        })
      );
      if (vars.length)
        await checkVariablesApplied(this.api, this.project, pipeline.id, this.variables, this.ctx.warn);
    }
    return this.pipelineRun(pipeline);
  }

  /** `sha`: nothing is created; the commit's pipeline is followed like an attached run. */
  private async waitForCommit(sha: string): Promise<Run> {
    await this.requireJobInputs();
    const pipeline = await waitForCommitPipeline({
      api: this.api,
      project: this.project,
      sha,
      ref: this.gl.ref,
      pollIntervalMs: this.ctx.settings.pollIntervalMs,
      signal: this.ctx.signal,
      note: (m) => this.ctx.note(m)
    });
    this.ctx.note(
      `Pipeline ${pipeline.id}${pipeline.ref ? ` on ${pipeline.ref}` : ''} is the one for commit ${sha}.`
    );
    return this.pipelineRun(pipeline);
  }

  /** `inputs` for a manual job to play go as `job_inputs`: only to a server that takes them. */
  private async requireJobInputs(): Promise<void> {
    if (this.hasInputs)
      await requireInputs(
        this.api,
        this.ctx.warn,
        JOB_INPUTS_SINCE,
        'inputs for a played manual job (job_inputs)'
      );
  }

  /** gitlab.com 17.7+ projects refuse pipeline variables by default: say how to allow them. */
  private async withRemedy<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      if (err instanceof RemoteError && err.status === 400 && err.message.includes(FORBIDDEN_VARIABLES)) {
        throw new RemoteError(
          `${err.message}. This project does not let the token's user set pipeline variables: lower the project's "Minimum role to use pipeline variables" (Settings > CI/CD > Variables; ci_pipeline_variables_minimum_override_role) to that user's role, or run without \`variables\`.`,
          400
        );
      }
      throw err;
    }
  }

  /** A numeric `job`: play it if manual, retry it if it has ended, else follow it. */
  private async startJob(jobId: number): Promise<Run> {
    await this.requireJobInputs();
    let job = await this.getJob(jobId);
    if (job.status === 'manual') {
      job = await this.play(job.id);
      this.ctx.note(`Played manual job ${job.name} (${job.id}).`);
    } else if (ENDED[job.status]) {
      job = await this.api.json(
        JobShape,
        'POST',
        `${this.project}/jobs/${jobId}/retry`,
        `POST job ${jobId} retry`
      );
      this.ctx.note(`Retried job ${job.name}: the new job is ${job.id}.`);
    }
    const pipelineId = job.pipeline?.id;
    if (!pipelineId) throw new RemoteError(`GitLab did not say which pipeline job ${job.id} belongs to.`);
    const pipeline = await this.getPipeline(pipelineId);
    return {
      id: String(pipeline.id),
      url: await this.urlOf(pipeline),
      data: { pipelineId, jobId: job.id, played: true } satisfies RunData
    };
  }

  private async play(jobId: number): Promise<GlJob> {
    const vars = this.variables.map(([key, value]) => ({ key, value }));
    // The inputs went to the pipeline when ci-relay created it; a job rejects inputs it does not declare.
    const jobInputs = this.hasInputs && !this.created ? { job_inputs: this.gl.inputs } : {};
    const played = await this.api.json(
      JobShape,
      'POST',
      `${this.project}/jobs/${jobId}/play`,
      `POST job ${jobId} play`,
      {
        json: { ...(vars.length ? { job_variables_attributes: vars } : {}), ...jobInputs }
      }
    );
    if (vars.length) await warnIfPlayIgnoresVariables(this.api, this.ctx.warn);
    return played;
  }

  private getJob(jobId: number, project = this.project): Promise<GlJob> {
    return this.api.json(JobShape, 'GET', `${project}/jobs/${jobId}`, `GET job ${jobId}`);
  }

  private getPipeline(id: number | string): Promise<Pipeline> {
    return this.api.json(
      Pipeline,
      'GET',
      `${this.project}/pipelines/${encodeURIComponent(String(id))}`,
      `GET pipeline ${id}`
    );
  }

  /**
   * GitLab 9.x pipelines have no web_url: build it from the project's own path, never from a
   * numeric id (`<url>/1/-/pipelines/61` is no page); left empty when the project cannot be read.
   */
  private async urlOf(pipeline: Pipeline): Promise<string | undefined> {
    if (pipeline.web_url) return pipeline.web_url;
    const path = await this.projectPath();
    return path
      ? `${this.ctx.settings.url.replace(/\/+$/, '')}/${path}/-/pipelines/${pipeline.id}`
      : undefined;
  }

  private projectPathOnce?: Promise<string | undefined>;
  /**
   * The project's path as given, or, for a numeric id, as the project API names it
   * (`path_with_namespace`: gitlabhq lib/api/entities/project_identity.rb, GET /projects/:id).
   */
  private projectPath(): Promise<string | undefined> {
    if (!/^\d+$/.test(this.gl.project)) return Promise.resolve(this.gl.project);
    this.projectPathOnce ??= this.api
      .optional(ProjectIdentity, this.project, `GET project ${this.gl.project}`, [401, 403, 404])
      .then((r) => r.value?.path_with_namespace ?? undefined)
      .catch(() => undefined);
    return this.projectPathOnce;
  }

  private async pipelineRun(pipeline: Pipeline): Promise<Run> {
    const data: RunData = { pipelineId: pipeline.id };
    if (this.gl.job && this.jobById === undefined) data.jobName = this.gl.job;
    return { id: String(pipeline.id), url: await this.urlOf(pipeline), data };
  }

  /** After a lost answer to the create request: the newest pipeline on our ref created since we started. */
  async findTriggered(): Promise<Run | undefined> {
    if (this.jobById !== undefined || !this.gl.ref) return undefined;
    const since = new Date(this.ctx.startedAt - 60_000).toISOString();
    const list = await this.api.json(
      Pipeline.array(),
      'GET',
      `${this.project}/pipelines?ref=${encodeURIComponent(this.gl.ref)}&order_by=id&sort=desc&per_page=20&updated_after=${encodeURIComponent(since)}`,
      'GET pipelines'
    );
    const mine = list.find(
      (p) =>
        (!p.source || p.source === (this.gl.triggerToken ? 'trigger' : 'api')) &&
        (!p.created_at || Date.parse(p.created_at) >= this.ctx.startedAt - 60_000)
    );
    return mine ? this.pipelineRun(mine) : undefined;
  }

  async attach(id: string): Promise<Run> {
    await this.requireJobInputs();
    return this.pipelineRun(await this.getPipeline(id));
  }

  async poll(run: Run): Promise<Snapshot> {
    const data = run.data as RunData;
    if (data.jobName && !data.settled) return this.pollNamedJob(data);
    if (data.jobId !== undefined) return this.pollJob(data.jobId);
    this.tree ??= new PipelineTree(
      {
        api: this.api,
        baseUrl: this.ctx.settings.url,
        warn: (m) => this.ctx.warn(m),
        seen: (gl, project) => this.seen.set(String(gl.id), { gl, project }),
        toJob: (gl, prefix) => this.toJob(gl, prefix)
      },
      this.project,
      data.pipelineId
    );
    return this.tree.poll();
  }

  /** One job followed alone. */
  private async pollJob(jobId: number): Promise<Snapshot> {
    const gl = await this.getJob(jobId);
    this.seen.set(String(gl.id), { gl, project: this.project });
    const job = this.toJob(gl);
    let conclusion = ENDED[gl.status];
    if (gl.status === 'manual') conclusion = 'blocked';
    if (conclusion) job.conclusion = conclusion;
    return { status: gl.status, conclusion, jobs: [job] };
  }

  /** The pipeline's job of that name: played once if manual, then followed alone. */
  private async pollNamedJob(data: RunData): Promise<Snapshot> {
    const jobs =
      (await this.api.pages(
        JobShape,
        `${this.project}/pipelines/${data.pipelineId}/jobs`,
        `GET pipeline ${data.pipelineId} jobs`
      )) ?? [];
    const job = latestPerName(jobs.filter((j) => j.name === data.jobName))[0];
    if (!job) {
      const pipeline = await this.getPipeline(data.pipelineId);
      if (ENDED[pipeline.status] || pipeline.status === 'manual') {
        throw new RemoteError(`Pipeline ${data.pipelineId} has no job named '${data.jobName}'.`);
      }
      return { status: pipeline.status, jobs: [] };
    }
    data.jobId = job.id;
    if (job.status === 'manual' && !data.played) {
      data.played = true;
      data.settled = true;
      const played = await this.play(job.id);
      data.jobId = played.id;
      this.ctx.note(`Played manual job ${played.name} (${played.id}).`);
      return this.pollJob(played.id);
    }
    // Still waiting for earlier stages: look it up by name again next time, so that it is
    // played once it turns manual.
    if (NOT_YET_RUN.includes(job.status)) return { status: job.status, jobs: [this.toJob(job)] };
    data.settled = true;
    return this.pollJob(job.id);
  }

  private toJob(gl: GlJob, prefix = ''): Job {
    return {
      key: String(gl.id),
      name: `${prefix}${gl.name}`,
      stage: gl.stage ?? undefined,
      status: gl.status,
      conclusion: ENDED[gl.status],
      url: gl.web_url ?? undefined,
      started: !!gl.started_at,
      startedAt: gl.started_at ?? undefined,
      finishedAt: gl.finished_at ?? undefined,
      duration: gl.duration ?? undefined,
      allowedToFail: gl.allow_failure === true || undefined
    };
  }

  private projectOf(jobKey: string): string {
    return this.seen.get(jobKey)?.project ?? this.project;
  }

  /** The trace is the whole log every time: skip what was already handed out. */
  async readLog(_run: Run, job: Job, cursor: number, sink: LogSink): Promise<number> {
    // A trace cut short is fetched again from its start: what an earlier attempt handed out counts.
    let delivered = cursor;
    return this.api.http.stream(
      `${this.projectOf(job.key)}/jobs/${job.key}/trace`,
      { accept: [403, 404] },
      async (res) => {
        if (res.status === 404 || res.status === 403) {
          res.body.resume();
          return delivered;
        }
        let offset = 0;
        for await (const chunk of res.body as AsyncIterable<Buffer>) {
          const end = offset + chunk.length;
          if (end > delivered) {
            await sink(offset >= delivered ? chunk : chunk.subarray(delivered - offset));
            delivered = end;
          }
          offset = end;
        }
        return delivered;
      }
    );
  }

  async downloadArtifacts(_run: Run, job: Job, sink: ArtifactSink): Promise<void> {
    const seen = this.seen.get(job.key);
    if (!seen?.gl.artifacts_file) return;
    await sink.downloadZip(this.api.http, `${seen.project}/jobs/${job.key}/artifacts`, '', {
      accept: [404]
    });
  }

  async testReport(run: Run): Promise<TestSummary | undefined> {
    return readTestReport(this.api, this.project, (run.data as RunData).pipelineId);
  }

  async cancel(run: Run): Promise<void> {
    const data = run.data as RunData;
    const http = this.api.http;
    if (data.jobId !== undefined) {
      await http.request('POST', `${this.project}/jobs/${data.jobId}/cancel`, { idempotent: true });
      return;
    }
    await http.request('POST', `${this.project}/pipelines/${data.pipelineId}/cancel`, { idempotent: true });
    for (const child of this.tree?.projects() ?? []) {
      await http
        .request('POST', `${child.project}/pipelines/${child.id}/cancel`, { idempotent: true })
        .catch(() => undefined);
    }
  }
}

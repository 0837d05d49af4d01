import type { ArtifactSink } from '../artifacts.js';
import { RemoteError } from '../errors.js';
import type { Http } from '../http.js';
import type { GitLabSettings } from '../settings.js';
import type { Conclusion, Job, LogSink, Remote, RemoteContext, Run, Snapshot } from './remote.js';

/** GitLab REST v4: the parts of its pipeline and job entities ci-relay reads. */
interface GlPipeline {
  id: number;
  status: string;
  web_url: string;
  ref?: string;
  source?: string;
  created_at?: string;
}
interface GlJob {
  id: number;
  name: string;
  stage: string;
  status: string;
  web_url: string;
  allow_failure?: boolean;
  started_at?: string | null;
  finished_at?: string | null;
  duration?: number | null;
  failure_reason?: string;
  artifacts_file?: { filename: string; size: number } | null;
  pipeline?: { id: number };
}
interface GlBridge extends GlJob {
  downstream_pipeline: { id: number; project_id: number; status?: string } | null;
}

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

const ENDED: Record<string, Conclusion> = {
  success: 'success',
  failed: 'failed',
  canceled: 'canceled',
  skipped: 'skipped'
};
/** Pages of jobs asked for at once (GitLab's maximum). */
const PER_PAGE = 100;

export function createGitLab(ctx: RemoteContext): Remote {
  return new GitLab(ctx);
}

class GitLab implements Remote {
  readonly logMode = 'whole' as const;
  private readonly http: Http;
  private readonly gl: GitLabSettings;
  private readonly project: string;
  /** Jobs last seen, by key, for artifact lookups. */
  private readonly seen = new Map<string, GlJob & { projectId?: number }>();
  /** Child pipelines found through bridges: pipeline id → bridge name. */
  private readonly children = new Map<number, { name: string; projectId: number }>();

  constructor(private readonly ctx: RemoteContext) {
    const s = ctx.settings;
    this.gl = s.gitlab!;
    this.http = ctx.httpFor({
      baseUrl: `${s.url}/api/v4/`,
      credentials: s.token ? { 'private-token': s.token } : {},
      serverName: 'GitLab'
    });
    this.project = `projects/${encodeURIComponent(this.gl.project)}`;
  }

  private get jobById(): number | undefined {
    return this.gl.job && /^\d+$/.test(this.gl.job) ? Number(this.gl.job) : undefined;
  }

  async trigger(): Promise<Run> {
    const jobId = this.jobById;
    if (jobId !== undefined) return this.startJob(jobId);
    const vars = this.ctx.settings.variables;
    let pipeline: GlPipeline;
    if (this.gl.triggerToken) {
      const form: Record<string, string> = { token: this.gl.triggerToken, ref: this.gl.ref! };
      for (const [k, v] of Object.entries(vars)) form[`variables[${k}]`] = v;
      pipeline = await this.http.json<GlPipeline>('POST', `${this.project}/trigger/pipeline`, { form });
    } else {
      pipeline = await this.http.json<GlPipeline>('POST', `${this.project}/pipeline`, {
        json: {
          ref: this.gl.ref,
          variables: Object.entries(vars).map(([key, value]) => ({ key, value, variable_type: 'env_var' }))
        }
      });
    }
    return this.pipelineRun(pipeline);
  }

  /** A numeric `job`: play it if manual, retry it if it has ended, else follow it. */
  private async startJob(jobId: number): Promise<Run> {
    let job = await this.http.json<GlJob>('GET', `${this.project}/jobs/${jobId}`);
    if (job.status === 'manual') {
      job = await this.play(job.id);
      this.ctx.note(`Played manual job ${job.name} (${job.id}).`);
    } else if (ENDED[job.status]) {
      job = await this.http.json<GlJob>('POST', `${this.project}/jobs/${jobId}/retry`);
      this.ctx.note(`Retried job ${job.name}: the new job is ${job.id}.`);
    }
    const pipelineId = job.pipeline?.id;
    if (!pipelineId) throw new RemoteError(`GitLab did not say which pipeline job ${job.id} belongs to.`);
    const pipeline = await this.http.json<GlPipeline>('GET', `${this.project}/pipelines/${pipelineId}`);
    return {
      id: String(pipeline.id),
      url: pipeline.web_url,
      data: { pipelineId, jobId: job.id, played: true } satisfies RunData
    };
  }

  private play(jobId: number): Promise<GlJob> {
    const vars = Object.entries(this.ctx.settings.variables).map(([key, value]) => ({ key, value }));
    return this.http.json<GlJob>('POST', `${this.project}/jobs/${jobId}/play`, {
      json: vars.length ? { job_variables_attributes: vars } : {}
    });
  }

  private pipelineRun(pipeline: GlPipeline): Run {
    const data: RunData = { pipelineId: pipeline.id };
    if (this.gl.job && this.jobById === undefined) data.jobName = this.gl.job;
    return { id: String(pipeline.id), url: pipeline.web_url, data };
  }

  /** After a lost answer to the create request: the newest pipeline on our ref created since we started. */
  async findTriggered(): Promise<Run | undefined> {
    if (this.jobById !== undefined || !this.gl.ref) return undefined;
    const since = new Date(this.ctx.startedAt - 60_000).toISOString();
    const list = await this.http.json<GlPipeline[]>(
      'GET',
      `${this.project}/pipelines?ref=${encodeURIComponent(this.gl.ref)}&order_by=id&sort=desc&per_page=20&updated_after=${encodeURIComponent(since)}`
    );
    const mine = list.find(
      (p) =>
        (!p.source || p.source === (this.gl.triggerToken ? 'trigger' : 'api')) &&
        (!p.created_at || Date.parse(p.created_at) >= this.ctx.startedAt - 60_000)
    );
    return mine ? this.pipelineRun(mine) : undefined;
  }

  async attach(id: string): Promise<Run> {
    const pipeline = await this.http.json<GlPipeline>(
      'GET',
      `${this.project}/pipelines/${encodeURIComponent(id)}`
    );
    return this.pipelineRun(pipeline);
  }

  async poll(run: Run): Promise<Snapshot> {
    const data = run.data as RunData;
    if (data.jobName && !data.settled) return this.pollNamedJob(run, data);
    if (data.jobId !== undefined) return this.pollJob(run, data.jobId);
    return this.pollPipeline(data.pipelineId);
  }

  /** One job followed alone. */
  private async pollJob(run: Run, jobId: number): Promise<Snapshot> {
    const gl = await this.http.json<GlJob>('GET', `${this.project}/jobs/${jobId}`);
    const job = this.toJob(gl);
    let conclusion = ENDED[gl.status];
    if (gl.status === 'manual') conclusion = 'blocked';
    if (conclusion) job.conclusion = conclusion;
    void run;
    return { status: gl.status, conclusion, jobs: [job] };
  }

  /** The pipeline's job of that name: played once if manual, then followed alone. */
  private async pollNamedJob(run: Run, data: RunData): Promise<Snapshot> {
    const jobs = await this.pages<GlJob>(`${this.project}/pipelines/${data.pipelineId}/jobs`);
    const job = jobs.filter((j) => j.name === data.jobName).sort((a, b) => b.id - a.id)[0];
    if (!job) {
      const pipeline = await this.http.json<GlPipeline>(
        'GET',
        `${this.project}/pipelines/${data.pipelineId}`
      );
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
      return this.pollJob(run, played.id);
    }
    // Still waiting for earlier stages: look it up by name again next time, so that it is
    // played once it turns manual.
    if (NOT_YET_RUN.includes(job.status)) return { status: job.status, jobs: [this.toJob(job)] };
    data.settled = true;
    return this.pollJob(run, job.id);
  }

  /** The whole pipeline, child pipelines included. */
  private async pollPipeline(pipelineId: number): Promise<Snapshot> {
    const pipeline = await this.http.json<GlPipeline>('GET', `${this.project}/pipelines/${pipelineId}`);
    const jobs: Job[] = [];
    let childrenDone = true;
    const visit = async (projectPath: string, id: number, prefix: string): Promise<void> => {
      const own = await this.pages<GlJob>(`${projectPath}/pipelines/${id}/jobs`);
      jobs.push(...own.sort((a, b) => a.id - b.id).map((j) => this.toJob(j, prefix)));
      const bridges = await this.pages<GlBridge>(`${projectPath}/pipelines/${id}/bridges`);
      for (const bridge of bridges.sort((a, b) => a.id - b.id)) {
        const child = bridge.downstream_pipeline;
        if (!child) {
          if (!ENDED[bridge.status]) childrenDone = false;
          continue;
        }
        this.children.set(child.id, { name: bridge.name, projectId: child.project_id });
        const childProject = `projects/${child.project_id}`;
        const status = (await this.http.json<GlPipeline>('GET', `${childProject}/pipelines/${child.id}`))
          .status;
        if (!ENDED[status] && status !== 'manual') childrenDone = false;
        await visit(childProject, child.id, `${prefix}${bridge.name}.`);
      }
    };
    await visit(this.project, pipelineId, '');

    let conclusion: Conclusion | undefined = ENDED[pipeline.status];
    if (pipeline.status === 'manual') conclusion = 'blocked';
    if (conclusion && !childrenDone && conclusion !== 'canceled') conclusion = undefined;
    if (conclusion) {
      for (const job of jobs) {
        if (job.conclusion) continue;
        job.conclusion = job.status === 'manual' && conclusion === 'blocked' ? 'blocked' : 'skipped';
      }
    }
    return { status: pipeline.status, conclusion, jobs };
  }

  private toJob(gl: GlJob, prefix = ''): Job {
    const key = String(gl.id);
    this.seen.set(key, gl);
    return {
      key,
      name: `${prefix}${gl.name}`,
      stage: gl.stage,
      status: gl.status,
      conclusion: ENDED[gl.status],
      url: gl.web_url,
      started: !!gl.started_at,
      startedAt: gl.started_at ?? undefined,
      finishedAt: gl.finished_at ?? undefined,
      duration: gl.duration ?? undefined
    };
  }

  /** Every page of a list, following X-Next-Page. */
  private async pages<T>(path: string): Promise<T[]> {
    const all: T[] = [];
    for (let page = '1'; page;) {
      const res = await this.http.jsonResponse<T[]>('GET', `${path}?per_page=${PER_PAGE}&page=${page}`);
      all.push(...(res.body ?? []));
      const next = res.headers['x-next-page'];
      page = typeof next === 'string' && next !== page ? next : '';
    }
    return all;
  }

  private projectOf(jobKey: string): string {
    const gl = this.seen.get(jobKey);
    const child = gl?.pipeline ? this.children.get(gl.pipeline.id) : undefined;
    return child ? `projects/${child.projectId}` : this.project;
  }

  /** The trace is the whole log every time: skip what was already handed out. */
  async readLog(_run: Run, job: Job, cursor: number, sink: LogSink): Promise<number> {
    // A trace cut short is fetched again from its start: what an earlier attempt handed out counts.
    let delivered = cursor;
    return this.http.stream(
      `${this.projectOf(job.key)}/jobs/${job.key}/trace`,
      { accept: [404] },
      async (res) => {
        if (res.status === 404) {
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
    const gl = this.seen.get(job.key);
    if (!gl?.artifacts_file) return;
    await sink.downloadZip(this.http, `${this.projectOf(job.key)}/jobs/${job.key}/artifacts`, '', {
      accept: [404]
    });
  }

  async cancel(run: Run): Promise<void> {
    const data = run.data as RunData;
    if (data.jobId !== undefined) {
      await this.http.request('POST', `${this.project}/jobs/${data.jobId}/cancel`, { idempotent: true });
      return;
    }
    await this.http.request('POST', `${this.project}/pipelines/${data.pipelineId}/cancel`, {
      idempotent: true
    });
    for (const [id, child] of this.children) {
      await this.http
        .request('POST', `projects/${child.projectId}/pipelines/${id}/cancel`, { idempotent: true })
        .catch(() => undefined);
    }
  }
}

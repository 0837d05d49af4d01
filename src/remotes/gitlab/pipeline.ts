/**
 * Following a whole pipeline, child pipelines included, asking only for what can have changed
 * (issue 14): each poll reads the pipeline's jobs, and the pipeline itself only when it can
 * have ended (no job of its own is on its way: see `active`); trigger jobs are listed at the start
 * and again only while one has not ended, when the jobs list shows new ids, or when the pipeline
 * moved while a manual trigger job waited; a child that has ended is not read again.
 *
 * ETag/If-None-Match would not help: GitLab's ETag caching (lib/gitlab/etag_caching/router/
 * rails.rb and restful.rb) covers only the web UI's `.json` routes, never /api/v4.
 */
import type { Conclusion, Job } from '../../core/run.js';
import type { GitLabApi } from './api.js';
import { Bridge, Job as JobShape, Pipeline, type Job as GlJob } from './shapes.js';

export const ENDED: Record<string, Conclusion> = {
  success: 'success',
  failed: 'failed',
  canceled: 'canceled',
  skipped: 'skipped'
};

/** Where a server lists trigger jobs, learned from its answers once per run. */
type BridgeRoute = 'trigger_jobs' | 'bridges' | 'none';

/** One pipeline of the tree: the run's own, or a child. */
interface Node {
  project: string;
  id: number;
  prefix: string;
  status?: string;
  jobs: Job[];
  jobIds: Set<number>;
  bridges?: Bridge[];
  /** The pipeline's status and its jobs' statuses when its trigger jobs were last listed. */
  listedAt?: string;
  /** Set when GitLab would not let us read this child: it is followed through its bridge. */
  unreadable?: Bridge;
  /** It and everything below it ended: nothing of it is read again. */
  ended?: boolean;
}

export interface TreeHost {
  api: GitLabApi;
  /** The server's root URL (for finding a child's project from its web_url). */
  baseUrl: string;
  warn(message: string): void;
  /** Records a job as last seen, for logs and artifacts. */
  seen(gl: GlJob, project: string): void;
  toJob(gl: GlJob, prefix: string): Job;
}

export interface TreeSnapshot {
  status: string;
  conclusion?: Conclusion;
  jobs: Job[];
}

/** Trigger jobs in these states wait on something else (an earlier stage, a person) to move. */
const WAITING = ['created', 'manual'];
/** A trigger job that moves on its own (pending, running, scheduled, …): worth listing again. */
const moving = (b: Bridge): boolean => !ENDED[b.status] && !WAITING.includes(b.status);

/**
 * A job on its way. While one of its own jobs is, a pipeline cannot have ended: its status is
 * made from its latest jobs' (gitlabhq app/models/ci/pipeline.rb `update_status`, from
 * `statuses.latest.status`, Ci::HasStatus), and a cancel cancels its jobs (`cancel_running`).
 * So the pipeline's own GET is skipped while one is, which halves a poll.
 */
const active = (status: string): boolean => !ENDED[status] && !WAITING.includes(status);

/** Before 13.5 the jobs list holds retried jobs too: keep the newest per name (highest id). */
export function latestPerName<T extends { id: number; name: string }>(jobs: T[]): T[] {
  const newest = new Map<string, T>();
  for (const j of jobs) {
    const had = newest.get(j.name);
    if (!had || j.id > had.id) newest.set(j.name, j);
  }
  return [...newest.values()].sort((a, b) => a.id - b.id);
}

export class PipelineTree {
  private route?: BridgeRoute;
  private readonly root: Node;
  /** Child pipelines by id, in the order found. */
  readonly children = new Map<number, Node>();

  constructor(
    private readonly host: TreeHost,
    project: string,
    id: number
  ) {
    this.root = { project, id, prefix: '', jobs: [], jobIds: new Set() };
  }

  async poll(): Promise<TreeSnapshot> {
    let own = await this.readJobs(this.root);
    if (this.root.status === undefined || !own.some((j) => active(j.status))) {
      const pipeline = await this.host.api.json(
        Pipeline,
        'GET',
        `${this.root.project}/pipelines/${this.root.id}`,
        `GET pipeline ${this.root.id}`
      );
      this.root.status = pipeline.status;
      own = await this.jobsAfter(this.root, own);
    }
    const status = this.root.status;
    const childrenDone = await this.visit(this.root, own);
    const jobs = this.flatten(this.root);

    let conclusion: Conclusion | undefined = ENDED[status];
    if (status === 'manual') conclusion = 'blocked';
    if (conclusion && !childrenDone && conclusion !== 'canceled') conclusion = undefined;
    if (conclusion) {
      for (const job of jobs) {
        if (job.conclusion) continue;
        job.conclusion = job.status === 'manual' && conclusion === 'blocked' ? 'blocked' : 'skipped';
      }
    }
    return { status, conclusion, jobs };
  }

  /**
   * The jobs were read before the pipeline: one that ended since is concluded from jobs read
   * after it, or a job that ended in between would be taken for one that never ran.
   */
  private async jobsAfter(node: Node, own: GlJob[]): Promise<GlJob[]> {
    const status = node.status ?? '';
    const settled = (j: GlJob): boolean => !!ENDED[j.status] || j.status === 'manual';
    return (ENDED[status] || status === 'manual') && !own.every(settled) ? this.readJobs(node) : own;
  }

  /** A pipeline's own jobs, the newest of each name. */
  private async readJobs(node: Node): Promise<GlJob[]> {
    const path = `${node.project}/pipelines/${node.id}/jobs`;
    const listed = await this.host.api.pages(JobShape, path, `GET pipeline ${node.id} jobs`);
    return latestPerName(listed ?? []);
  }

  /**
   * Takes in what can have changed in this pipeline (its jobs, read now unless given) and its
   * children; true once they all ended.
   */
  private async visit(node: Node, jobs?: GlJob[]): Promise<boolean> {
    const own = jobs ?? (await this.readJobs(node));
    const fresh = own.some((j) => !node.jobIds.has(j.id));
    const moment = `${node.status} ${own.map((j) => `${j.id}:${j.status}`).join(',')}`;
    for (const j of own) {
      node.jobIds.add(j.id);
      this.host.seen(j, node.project);
    }
    node.jobs = own.map((j) => this.host.toJob(j, node.prefix));

    // A waiting trigger job can only move when something else in the pipeline did. A moving
    // one whose child pipeline is read needs no listing: its end is that child's end.
    const stale =
      node.bridges === undefined ||
      fresh ||
      node.bridges.some((b) => moving(b) && !this.followed(b)) ||
      (node.listedAt !== moment && node.bridges.some((b) => WAITING.includes(b.status)));
    if (stale) {
      node.bridges = await this.listBridges(node);
      node.listedAt = moment;
    }

    let done = true;
    for (const bridge of node.bridges ?? []) {
      const ds = bridge.downstream_pipeline;
      // An unplayed manual trigger job (allow_failure by default) never holds a finished pipeline back.
      if (!ds) {
        if (!ENDED[bridge.status] && bridge.status !== 'manual') done = false;
        continue;
      }
      let child = this.children.get(ds.id);
      if (!child) {
        child = {
          project: this.projectOf(ds, node.project),
          id: ds.id,
          prefix: `${node.prefix}${bridge.name}.`,
          jobs: [],
          jobIds: new Set()
        };
        this.children.set(ds.id, child);
      }
      if (!(await this.follow(child, bridge))) done = false;
    }
    return done;
  }

  /** Its child pipeline is known and read directly. */
  private followed(bridge: Bridge): boolean {
    const ds = bridge.downstream_pipeline;
    const child = ds ? this.children.get(ds.id) : undefined;
    return !!child && !child.unreadable;
  }

  /** One child: read it unless it ended (or cannot be read); true once it has ended. */
  private async follow(child: Node, bridge: Bridge): Promise<boolean> {
    if (child.unreadable) {
      child.unreadable = bridge;
      return !!ENDED[bridge.status];
    }
    if (child.ended) return true;
    // Read first once, then only when none of its own jobs is on its way.
    let own: GlJob[] | undefined;
    if (child.status !== undefined) {
      own = await this.readJobs(child);
      if (own.some((j) => active(j.status))) {
        await this.visit(child, own);
        return false;
      }
    }
    const { value, status } = await this.host.api.optional(
      Pipeline,
      `${child.project}/pipelines/${child.id}`,
      `GET pipeline ${child.id}`,
      [403, 404]
    );
    if (!value) {
      child.unreadable = bridge;
      this.host.warn(
        `GitLab does not let ci-relay read pipeline ${child.id} of trigger job '${bridge.name}' (${status}; a child pipeline on GitLab 12.x–13.2, or a project this token cannot read): following the trigger job's own status instead.`
      );
      return !!ENDED[bridge.status];
    }
    child.status = value.status;
    const below = await this.visit(child, own && (await this.jobsAfter(child, own)));
    child.ended = below && !!ENDED[value.status];
    return below && (!!ENDED[value.status] || value.status === 'manual');
  }

  /** trigger_jobs (~19.2+), else bridges, else none (≤ ~12.x); learned once for the run. */
  private async listBridges(node: Node): Promise<Bridge[]> {
    const path = `${node.project}/pipelines/${node.id}`;
    for (const route of ['trigger_jobs', 'bridges'] as const) {
      if (this.route !== undefined && this.route !== route) continue;
      const list = await this.host.api.pages(
        Bridge,
        `${path}/${route}`,
        `GET pipeline ${node.id} ${route}`,
        [404]
      );
      if (list) {
        this.route = route;
        return list.sort((a, b) => a.id - b.id);
      }
      if (this.route === route) return [];
    }
    this.route = 'none';
    return [];
  }

  /**
   * The project a downstream pipeline lives in: its `project_id` (around 14.0), else the project
   * its own web_url names (a cross-project trigger lives in another project), never the parent's
   * when the pipeline says otherwise.
   */
  private projectOf(ds: NonNullable<Bridge['downstream_pipeline']>, parent: string): string {
    if (ds.project_id !== undefined && ds.project_id !== null) return `projects/${ds.project_id}`;
    const path = ds.web_url ? projectOfUrl(ds.web_url, this.host.baseUrl) : undefined;
    return path ? `projects/${encodeURIComponent(path)}` : parent;
  }

  private flatten(node: Node): Job[] {
    const out = [...node.jobs];
    for (const bridge of node.bridges ?? []) {
      const child = bridge.downstream_pipeline ? this.children.get(bridge.downstream_pipeline.id) : undefined;
      if (!child) continue;
      if (child.unreadable) {
        const b = child.unreadable;
        out.push({ ...this.host.toJob(b, node.prefix), started: false });
      } else out.push(...this.flatten(child));
    }
    return out;
  }

  /** Every child pipeline found, with its project, for cancel and for logs. */
  projects(): { id: number; project: string }[] {
    return [...this.children.values()].map((c) => ({ id: c.id, project: c.project }));
  }
}

/**
 * The project path a pipeline's web_url names: `<root>/<group>/<project>/-/pipelines/<id>`, or
 * before GitLab moved its routes under `/-/` (pre-14 bridges, narkoz/gitlab's recorded
 * pipeline_bridges.json) `<root>/<group>/<project>/pipelines/<id>`. The URL's host may be the
 * server's external_url rather than the one ci-relay calls: only the path after the relative URL
 * root of `baseUrl` counts.
 */
export function projectOfUrl(webUrl: string, baseUrl: string): string | undefined {
  let path: string;
  let root: string;
  try {
    path = new URL(webUrl).pathname;
    root = new URL(baseUrl).pathname.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
  if (root && path.startsWith(`${root}/`)) path = path.slice(root.length);
  const m = /^\/(.+?)(?:\/-)?\/pipelines\/\d+\/?$/.exec(path);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return undefined;
  }
}

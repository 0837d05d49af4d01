/**
 * A GitLab (REST v4) server as ci-relay meets it (PROTOCOLS.md, "GitLab"): pipelines created
 * through the API or a trigger token, stages that move with time, manual jobs (blocking or
 * not), play / retry / cancel, paginated job lists, bridges starting child pipelines, whole-log
 * traces, test reports, and artifacts answered with a 302 to a second "object storage" server
 * that rejects credentials and wants its pre-signed query.
 *
 * The routes, fields and list rules follow a server profile (profiles.ts), one per GitLab release.
 * Statuses are computed the way GitLab computes them (status.ts); state follows from timestamps
 * (model.ts, over the records of records.ts); entities are rendered in render.ts.
 */
import { startServer } from '../server.js';
import { GitLabContext } from './context.js';
import { World } from './model.js';
import { HttpError } from './params.js';
import { gitlabProfile } from './profiles.js';
import { route } from './routes.js';
import { startObjectStorage } from './storage.js';
import type {
  GitLabSim,
  GitLabSimOptions,
  SimBridgeState,
  SimJobState,
  SimPipeline,
  SimPipelineState
} from './types.js';

export * from './types.js';
export { compositeStatus } from './status.js';
export { GITLAB_PROFILES, DEFAULT_PROFILE, gitlabProfile, type GitLabProfile } from './profiles.js';

export async function startGitLabSim(opts: GitLabSimOptions = {}): Promise<GitLabSim> {
  const scripts: Record<string, SimPipeline> = opts.pipelines ?? {
    main: {
      jobs: [
        { name: 'build', stage: 'build' },
        { name: 'test', stage: 'test' }
      ]
    }
  };
  const profile = gitlabProfile(opts.profile);
  const projectPath = opts.projectPath ?? 'group/sub/app';
  const world = new World(projectPath, opts.traceUpdateMs ?? 0);
  const storage = await startObjectStorage();
  const ctx = new GitLabContext(
    world,
    profile,
    opts,
    opts.token ?? 'glpat-sim-token',
    opts.triggerToken ?? 'glptt-sim-trigger',
    opts.projectId ?? 42,
    projectPath,
    scripts,
    Math.max(1, opts.perPage ?? 100),
    storage.presign
  );

  const api = await startServer(async (req, res) => {
    try {
      await route(ctx, req, res);
    } catch (err) {
      // Answer here rather than rethrow: the base does not catch for requests it delayed ('slow').
      if (res.headersSent) return void res.destroy();
      if (err instanceof HttpError) return ctx.json(res, err.status, err.body);
      ctx.json(res, 500, { message: `500 Internal Server Error (simulator: ${String(err)})` });
    }
  });
  world.url = api.url;
  ctx.url = api.url;

  const sim: GitLabSim = {
    url: api.url,
    port: api.port,
    requests: api.requests,
    faults: api.faults,
    injected: api.injected,
    storage: storage.server,
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
      return storage.leaked;
    },
    get traceBytesServed(): number {
      return world.traceBytesServed;
    },
    profile,
    push: async (ref, sha) => {
      const p = await ctx.createFromScript(ref, {}, 'push');
      if (sha) p.shaOverride = sha;
      world.created--; // not created through the API
      return p;
    },
    close: async () => {
      await Promise.all([api.close(), storage.server.close()]);
    }
  };
  return sim;
}

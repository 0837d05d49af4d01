/**
 * The part of GitHub's REST API that ci-relay talks to: commit statuses
 * (https://docs.github.com/rest/commits/statuses). A real server on 127.0.0.1 that records every
 * status posted, checks the token as GitHub does (`Authorization: token …` or `Bearer …`), and
 * answers as GitHub does when it refuses one:
 * - 403 `Resource not accessible by integration`: a GITHUB_TOKEN without `statuses: write`;
 * - 404 `Not Found`: a repository or commit the token cannot see;
 * - 429 or 403 with `x-ratelimit-remaining: 0` (the primary rate limit) and `retry-after`
 *   (a secondary one);
 * - 422 `Validation Failed`: an unknown state, a description over 140 characters, or more than
 *   1000 statuses for one sha and context (the limits GitHub's documentation gives).
 * Mounted under `prefix` (GitHub Enterprise Server serves the API under `/api/v3`).
 */
import { sendJson, startServer, type SimServer } from '../server.js';

export interface PostedStatus {
  owner: string;
  repo: string;
  sha: string;
  state: string;
  context: string;
  description?: string;
  target_url?: string;
}

export type Refusal = 403 | 404 | 429 | 'rate-limit';

export interface GitHubSimOptions {
  /** Default 'ghs_sim_token'. */
  token?: string;
  /** Default '' (github.com); '/api/v3' for Enterprise Server. */
  prefix?: string;
  /** Default 'octo/app'. */
  repository?: string;
}

export interface GitHubSim extends SimServer {
  /** The API root ci-relay is given as GITHUB_API_URL. */
  apiUrl: string;
  token: string;
  statuses: PostedStatus[];
  /** The next `times` status posts are refused this way (default: every one). */
  refuse(how: Refusal, times?: number): void;
  /** The next status post is answered with a redirect to `location`. */
  redirectTo(location: string): void;
}

const DOCS = 'https://docs.github.com/rest/commits/statuses#create-a-commit-status';
const STATES = ['error', 'failure', 'pending', 'success'];

export async function startGitHubSim(opts: GitHubSimOptions = {}): Promise<GitHubSim> {
  const token = opts.token ?? 'ghs_sim_token';
  const prefix = opts.prefix ?? '';
  const repository = opts.repository ?? 'octo/app';
  const statuses: PostedStatus[] = [];
  let refusal: { how: Refusal; times: number } | undefined;
  let redirect: string | undefined;

  const server = await startServer((req, res) => {
    if (!req.path.startsWith(`${prefix}/`)) return sendJson(res, 404, { message: 'Not Found' });
    const parts = req.path.slice(prefix.length).split('/').filter(Boolean).map(decodeURIComponent);
    const auth = req.headers.authorization ?? '';
    if (auth !== `token ${token}` && auth !== `Bearer ${token}`) {
      return sendJson(res, 401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
        status: '401'
      });
    }
    // POST /repos/{owner}/{repo}/statuses/{sha}
    if (req.method === 'POST' && parts[0] === 'repos' && parts[3] === 'statuses' && parts.length === 5) {
      const [, owner, repo, , sha] = parts;
      if (redirect) {
        const location = redirect;
        redirect = undefined;
        res.writeHead(307, { location });
        res.end();
        return;
      }
      if (refusal) {
        const how = refusal.how;
        if (--refusal.times <= 0) refusal = undefined;
        return refuse(res, how);
      }
      if (`${owner}/${repo}` !== repository || !/^[0-9a-f]{40}$/.test(sha))
        return sendJson(res, 404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(req.body.toString('utf8')) as Record<string, unknown>;
      } catch {
        return sendJson(res, 400, {
          message: 'Problems parsing JSON',
          documentation_url: DOCS,
          status: '400'
        });
      }
      const context = typeof body.context === 'string' ? body.context : 'default';
      const invalid = (field: string, code: string, message?: string): void =>
        sendJson(res, 422, {
          message: 'Validation Failed',
          errors: [{ resource: 'Status', field, code, ...(message ? { message } : {}) }],
          documentation_url: DOCS,
          status: '422'
        });
      if (typeof body.state !== 'string' || !STATES.includes(body.state))
        return invalid('state', 'custom', 'state is not included in the list');
      if (typeof body.description === 'string' && body.description.length > 140)
        return invalid('description', 'custom', 'description is too long (maximum is 140 characters)');
      if (
        statuses.filter((s) => s.sha === sha && s.context.toLowerCase() === context.toLowerCase()).length >=
        1000
      )
        return invalid(
          'context',
          'custom',
          'This SHA and context has reached the maximum number of statuses.'
        );
      const status: PostedStatus = {
        owner,
        repo,
        sha,
        state: body.state,
        context,
        description: typeof body.description === 'string' ? body.description : undefined,
        target_url: typeof body.target_url === 'string' ? body.target_url : undefined
      };
      statuses.push(status);
      return sendJson(res, 201, {
        id: statuses.length,
        url: `${sim.apiUrl}/repos/${owner}/${repo}/statuses/${sha}`,
        state: status.state,
        description: status.description ?? null,
        target_url: status.target_url ?? null,
        context,
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString()
      });
    }
    // GET /repos/{owner}/{repo}/commits/{ref}/statuses
    if (req.method === 'GET' && parts[0] === 'repos' && parts[3] === 'commits' && parts[5] === 'statuses') {
      return sendJson(res, 200, statuses.filter((s) => s.sha === parts[4]).reverse());
    }
    return sendJson(res, 404, {
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest',
      status: '404'
    });
  });

  function refuse(res: Parameters<typeof sendJson>[0], how: Refusal): void {
    if (how === 403) {
      return sendJson(res, 403, {
        message: 'Resource not accessible by integration',
        documentation_url: DOCS,
        status: '403'
      });
    }
    if (how === 404)
      return sendJson(res, 404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
    const reset = Math.floor(Date.now() / 1000) + 60;
    const limits = {
      'x-ratelimit-limit': '1000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-used': '1000',
      'x-ratelimit-reset': String(reset),
      'x-ratelimit-resource': 'core'
    };
    if (how === 'rate-limit') {
      return sendJson(
        res,
        403,
        {
          message: 'API rate limit exceeded for installation ID 1.',
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
          status: '403'
        },
        limits
      );
    }
    return sendJson(
      res,
      429,
      {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        documentation_url:
          'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        status: '429'
      },
      { ...limits, 'retry-after': '60' }
    );
  }

  const sim: GitHubSim = Object.assign(server, {
    apiUrl: `${server.url}${prefix}`,
    token,
    statuses,
    refuse(how: Refusal, times = Number.POSITIVE_INFINITY) {
      refusal = { how, times };
    },
    redirectTo(location: string) {
      redirect = location;
    }
  });
  return sim;
}

/**
 * The remote run mirrored as a commit status on GitHub (`github-status`), through
 * @actions/github's Octokit: `pending` once the run was triggered or attached, then its end.
 *
 * The commit is the one the workflow runs for: on `pull_request` and `pull_request_target`
 * GITHUB_SHA is the merge commit (or the base), which a pull request never shows, so the
 * status goes on the pull request's head commit from the event payload.
 *
 * A status is a courtesy: one that cannot be posted is a warning, never the run's failure.
 */
import * as fs from 'node:fs';
import { getOctokit } from '@actions/github';
import type { Conclusion } from '../core/run.js';

export type StatusState = 'pending' | 'success' | 'failure' | 'error';

/** What a status is posted on and with, read from the runner's environment. */
export interface StatusTarget {
  apiUrl: string;
  owner: string;
  repo: string;
  sha: string;
}

/** The environment's target, or a sentence saying what is missing. */
export function statusTarget(env: NodeJS.ProcessEnv = process.env): StatusTarget | string {
  const apiUrl = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
  try {
    const u = new URL(apiUrl);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error();
  } catch {
    return `GITHUB_API_URL is not a URL: '${apiUrl}'`;
  }
  const [owner, repo, ...rest] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo || rest.length) return `GITHUB_REPOSITORY is not set to owner/repo`;
  let sha = env.GITHUB_SHA ?? '';
  if (env.GITHUB_EVENT_NAME === 'pull_request' || env.GITHUB_EVENT_NAME === 'pull_request_target') {
    const head = pullRequestHead(env.GITHUB_EVENT_PATH);
    if (!head)
      return `the ${env.GITHUB_EVENT_NAME} event at GITHUB_EVENT_PATH names no pull_request.head.sha`;
    sha = head;
  }
  if (!/^[0-9a-f]{40}$/i.test(sha)) return `GITHUB_SHA is not a commit id`;
  return { apiUrl, owner, repo, sha };
}

function pullRequestHead(file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    const event = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      pull_request?: { head?: { sha?: unknown } };
    };
    const sha = event.pull_request?.head?.sha;
    return typeof sha === 'string' ? sha : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The status's state for a run's end: what `success-on` accepts is `success`; a run that ended
 * with a verdict the user does not accept is a `failure`; one with no verdict (ci-relay could
 * not finish, the wait timed out, the job was cancelled) is an `error`.
 */
export function finalState(conclusion: Conclusion, accepted: boolean): StatusState {
  if (accepted) return 'success';
  if (conclusion === 'error' || conclusion === 'timed_out' || conclusion === 'canceled') return 'error';
  return 'failure';
}

/** GitHub refuses descriptions over 140 characters. */
export function statusDescription(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 140 ? `${line.slice(0, 139)}…` : line;
}

export interface StatusPost {
  state: StatusState;
  description: string;
  targetUrl?: string;
}

/** Waits for GitHub this long per status: a slow API must not hold up the step. */
const POST_TIMEOUT_MS = 15_000;

export class CommitStatus {
  private readonly octokit: ReturnType<typeof getOctokit>;

  constructor(
    private readonly target: StatusTarget,
    token: string,
    readonly context: string
  ) {
    // Per request below, not here: a `request` here would replace @actions/github's proxy-aware fetch.
    this.octokit = getOctokit(token, { baseUrl: target.apiUrl });
  }

  /** Posts one status; returns a sentence saying why it was not posted, or undefined. */
  async post(status: StatusPost): Promise<string | undefined> {
    const { owner, repo, sha } = this.target;
    try {
      const res = await this.octokit.rest.repos.createCommitStatus({
        owner,
        repo,
        sha,
        state: status.state,
        context: this.context,
        description: statusDescription(status.description),
        ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
        // Never follow a redirect: the token is for GITHUB_API_URL's origin only, and a status
        // endpoint that redirects is a misconfiguration to report, not to chase.
        request: { signal: AbortSignal.timeout(POST_TIMEOUT_MS), redirect: 'manual' }
      });
      if ((res.status as number) >= 300)
        return `GitHub answered ${res.status} (a redirect), which ci-relay does not follow with the token: check GITHUB_API_URL`;
      return undefined;
    } catch (err) {
      return refusal(err, `${owner}/${repo}`, sha);
    }
  }
}

/** Octokit's RequestError (or a network failure) as one sentence that says what to do. */
function refusal(err: unknown, repository: string, sha: string): string {
  const e = err as {
    status?: number;
    message?: string;
    name?: string;
    response?: { headers?: Record<string, string | undefined>; data?: unknown };
  };
  const headers = e.response?.headers ?? {};
  const serverMessage =
    (e.response?.data as { message?: unknown } | undefined)?.message ??
    (typeof e.message === 'string' ? e.message : '');
  const said = typeof serverMessage === 'string' && serverMessage ? ` (GitHub said: ${serverMessage})` : '';
  const status = e.status;
  if (status === 429 || (status === 403 && headers['x-ratelimit-remaining'] === '0')) {
    const retry = headers['retry-after']
      ? ` for ${headers['retry-after']}s`
      : headers['x-ratelimit-reset']
        ? ` until ${new Date(Number(headers['x-ratelimit-reset']) * 1000).toISOString()}`
        : '';
    return `GitHub's rate limit is spent${retry}${said}`;
  }
  if (status === 403)
    return `the token may not write statuses: give the workflow or job 'permissions: statuses: write'${said}`;
  if (status === 404)
    return `GitHub answered 404 for commit ${sha.slice(0, 12)} of ${repository}: the token cannot see that repository, or it needs 'permissions: statuses: write'${said}`;
  if (status === 401) return `GitHub refused the github-token as bad credentials${said}`;
  if (status && status >= 300 && status < 400)
    return `GitHub answered ${status} (a redirect), which ci-relay does not follow with the token: check GITHUB_API_URL`;
  if (status) return `GitHub answered ${status}${said}`;
  if (e.name === 'TimeoutError' || e.name === 'AbortError')
    return `GitHub did not answer within ${POST_TIMEOUT_MS / 1000}s`;
  return `could not reach GitHub: ${typeof e.message === 'string' ? e.message : String(err)}`;
}

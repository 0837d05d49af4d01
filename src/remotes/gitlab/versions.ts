/**
 * What a GitLab server takes, read from `GET /version` where only its version can tell: a server
 * that does not know `inputs` or `job_inputs` drops them without a word and runs without them.
 *
 * Where each bound comes from (GitLab's own tracker and source):
 * - `inputs` on `POST /projects/:id/pipeline` and on the trigger API (`POST …/trigger/pipeline`,
 *   the token in the body): added behind the `ci_inputs_for_pipelines` flag in 17.10
 *   (gitlab-org/gitlab!182125 "Support inputs for pipeline creation service", !182704, issue
 *   #519958 "Accept inputs for all pipeline creation endpoints"), and generally available with
 *   `spec:inputs` for pipelines in 18.1 (epic &16321; CONTRACT.md). Before 18.1 a server may
 *   have the flag off, so 18.1 is the bound: on 17.10–18.0 the flag decides and the API answer
 *   does not say.
 * - `job_inputs` on `POST /projects/:id/jobs/:id/play`: job inputs (epic &17833) came behind the
 *   `ci_job_inputs` flag (gitlab-org/gitlab!210490, late 2025), the play endpoints in issue
 *   #582076; approximate bound ~18.9, the release they were announced with (#588646). Approximate:
 *   an older server answers as if they were applied.
 * The version answer itself: lib/api/version.rb (`{version, revision, kas, enterprise}`), which
 * needs a token with read_user or api scope; a job token or a narrow token gets 401/403.
 */
import type { GitLabApi } from './api.js';
import { RemoteError } from '../../core/errors.js';
import { Variables, Version } from './shapes.js';

export const PIPELINE_INPUTS_SINCE: [number, number] = [18, 1];
export const JOB_INPUTS_SINCE: [number, number] = [18, 9];

/** `17.7.0-ee` → [17, 7]; undefined when it does not read as a version. */
export function versionOf(text: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export function atLeast(v: [number, number], min: [number, number]): boolean {
  return v[0] > min[0] || (v[0] === min[0] && v[1] >= min[1]);
}

/** The server's version text, or undefined when this token may not read it (401/403/404). */
export async function serverVersion(api: GitLabApi): Promise<string | undefined> {
  const { value } = await api.optional(Version, 'version', 'GET version', [401, 403, 404]);
  return value?.version;
}

/**
 * Whether the server takes `what`: 'yes', 'no' (its version is older than `min`), or
 * 'unknown' (it did not say its version).
 */
export function takes(version: string | undefined, min: [number, number]): 'yes' | 'no' | 'unknown' {
  const v = version === undefined ? undefined : versionOf(version);
  if (!v) return 'unknown';
  return atLeast(v, min) ? 'yes' : 'no';
}

/**
 * A server that does not take inputs runs the pipeline (or job) without them, without a word:
 * refuse before anything is started. A server that does not say its version gets them, with a
 * warning (versions.ts).
 */
export async function requireInputs(
  api: GitLabApi,
  warn: (message: string) => void,
  since: [number, number],
  what: string
): Promise<void> {
  const version = await serverVersion(api);
  const verdict = takes(version, since);
  if (verdict === 'no') {
    throw new RemoteError(
      `GitLab ${version} does not take ${what} (GitLab ${since.join('.')} and later do), so nothing was started: upgrade the server, or pass the values as 'variables'.`
    );
  }
  if (verdict === 'unknown') {
    warn(
      `GitLab did not say its version to this token, so ci-relay cannot tell whether it takes ${what} (GitLab ${since.join('.')} and later do); sending them: an older server would run without them.`
    );
  }
}

/**
 * Before 14.9, /play ignored job_variables_attributes, and no answer shows a job's variables:
 * here only the server's version can tell. Unknown counts as old (say so rather than pretend).
 */
export async function warnIfPlayIgnoresVariables(
  api: GitLabApi,
  warn: (message: string) => void
): Promise<void> {
  const { value } = await api.optional(Version, 'version', 'GET version', [401, 403, 404]);
  const [major, minor] = (value?.version ?? '').split('.').map(Number);
  if (major > 14 || (major === 14 && minor >= 9)) return;
  warn(
    value
      ? `GitLab ${value.version} ignores variables for a played manual job (before 14.9): the job runs without them.`
      : 'The variables for the played manual job may have been ignored: GitLab before 14.9 ignores them, and this server did not say its version.'
  );
}

/**
 * GitLab 9.x's POST /pipeline dropped variables without a word: read them back (the pipeline
 * variables API, 11.11+) and say which are missing; a server without that API may have dropped them.
 */
export async function checkVariablesApplied(
  api: GitLabApi,
  project: string,
  pipelineId: number,
  variables: [string, string][],
  warn: (message: string) => void
): Promise<void> {
  const { value, status } = await api.optional(
    Variables,
    `${project}/pipelines/${pipelineId}/variables`,
    `GET pipeline ${pipelineId} variables`,
    [403, 404]
  );
  if (status === 403) return;
  const missing = value
    ? variables.map(([k]) => k).filter((k) => !value.some((v) => v.key === k))
    : variables.map(([k]) => k);
  if (!missing.length) return;
  warn(
    value
      ? `GitLab did not apply the variables ${missing.join(', ')} to pipeline ${pipelineId}.`
      : `The variables may not have been applied to pipeline ${pipelineId}: this GitLab cannot show a pipeline's variables, and old releases (9.x) drop them from POST /pipeline without a word.`
  );
}

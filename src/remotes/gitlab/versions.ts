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
import { Version } from './shapes.js';

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

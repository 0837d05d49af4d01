/**
 * `sha`: wait for the pipeline GitLab creates for a commit (a push, a mirror, a merge request)
 * instead of creating one.
 *
 * `GET /projects/:id/pipelines?sha=…&ref=…&order_by=id&sort=desc` (lib/api/ci/pipelines.rb,
 * `optional :sha` / `optional :ref`; Ci::PipelinesFinder filters them by equality, so only a whole
 * SHA matches). The `sha` filter is in the pipelines list since its early releases
 * (doc/api/pipelines.md lists it beside `ref` in the 2017 docs), but Grape ignores parameters a
 * release does not declare, so every candidate is checked here too: another commit's pipeline, or
 * one on another ref when `ref` is given, is never taken. Child pipelines (`source:
 * parent_pipeline`) share their parent's commit and are followed through it, never alone.
 */
import { sleep } from '../../core/deadline.js';
import type { GitLabApi } from './api.js';
import { Pipeline } from './shapes.js';

/** The first look comes at once, the next after this; the gap then doubles up to poll-interval. */
const FIRST_WAIT_MS = 1000;

export interface CommitWait {
  api: GitLabApi;
  /** `projects/<encoded id>`. */
  project: string;
  sha: string;
  ref?: string;
  pollIntervalMs: number;
  signal: AbortSignal;
  note(message: string): void;
}

/** The newest pipeline of the commit (on `ref` when given); polls until one appears. */
export async function waitForCommitPipeline(w: CommitWait): Promise<Pipeline> {
  const query = [
    `sha=${encodeURIComponent(w.sha)}`,
    w.ref ? `ref=${encodeURIComponent(w.ref)}` : '',
    'order_by=id',
    'sort=desc',
    'per_page=20'
  ]
    .filter(Boolean)
    .join('&');
  const where = `commit ${w.sha}${w.ref ? ` on ${w.ref}` : ''}`;
  let delay = FIRST_WAIT_MS;
  let told = false;
  for (;;) {
    // One request per look: the same politeness as one poll of a run.
    const list = await w.api.json(
      Pipeline.array(),
      'GET',
      `${w.project}/pipelines?${query}`,
      'GET pipelines'
    );
    const found = list
      .filter(
        (p) => p.sha?.toLowerCase() === w.sha && (!w.ref || p.ref === w.ref) && p.source !== 'parent_pipeline'
      )
      .sort((a, b) => b.id - a.id)[0];
    if (found) return found;
    if (!told) {
      told = true;
      w.note(
        `No pipeline for ${where} yet: waiting for GitLab to create one (a push or a mirror may take minutes).`
      );
    }
    await sleep(delay, w.signal);
    delay = Math.min(delay * 2, w.pollIntervalMs);
  }
}

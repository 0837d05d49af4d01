/**
 * Server profiles: the API surface of real GitLab releases, as data. Adding a version is adding
 * a row. Each fact below was read from GitLab's own source (gitlabhq/gitlabhq) or is a row of
 * PROTOCOLS.md's "Versions" table; bounds marked ~ there are approximate, so a profile is named
 * after a release on the far side of each bound.
 *
 * - routes.testReport: `GET …/pipelines/:id/test_report`, "introduced in GitLab 13.0";
 *   routes.testReportSummary: `…/test_report_summary`, "introduced in GitLab 14.2"
 *   (lib/api/ci/pipelines.rb, the `desc … detail` of each route).
 * - routes.pipelineVariables: `GET …/pipelines/:id/variables`, "introduced in GitLab 11.11" (same file).
 * - routes.bridges: `GET …/pipelines/:id/bridges` (present in lib/api/ci/pipelines.rb; absent ≤ ~12.x,
 *   PROTOCOLS.md). routes.triggerJobs: `…/trigger_jobs`, which ~19.2 prefers (PROTOCOLS.md).
 * - fields.downstreamProjectId: Entities::Ci::Bridge's downstream_pipeline is a PipelineBasic,
 *   which gained `project_id` around 14.0 (PROTOCOLS.md; reference/…/pipeline/basic.OLDER-*.json
 *   is the older shape without it).
 * - children.readable: parent_pipeline pipelines 404 through the pipelines/jobs API on 12.x–13.2.
 * - lists.jobsIncludeRetried: before 13.5 the pipeline jobs list had no `include_retried` filter
 *   and listed retried jobs too, oldest first; later Ci::JobsFinder filters `latest` unless
 *   include_retried (lib/api/ci/pipelines.rb: `optional :include_retried … default: false`).
 * - variables.playHonoured: `job_variables_attributes` on POST /jobs/:id/play from 14.9.
 * - variables.forbidden: gitlab.com 17.7+ projects whose "minimum role to use pipeline variables"
 *   excludes the caller: 400 "Insufficient permissions to set pipeline variables".
 * - inputs.pipeline: `optional :inputs` on POST /projects/:id/pipeline and the trigger API, behind
 *   `ci_inputs_for_pipelines` from 17.10 (gitlab-org/gitlab!182125, !182704), generally available
 *   with pipeline spec:inputs in 18.1; before, Grape drops the undeclared parameter and the
 *   pipeline runs without it. inputs.job: `job_inputs` on POST /jobs/:id/play (epic &17833, issue
 *   #582076, flag `ci_job_inputs`), ~18.9 (src/remotes/gitlab/versions.ts).
 * - ETag: GitLab's ETag caching (lib/gitlab/etag_caching/router/rails.rb, restful.rb) covers only
 *   the web UI's `.json` routes (`/pipelines/:id.json`, `/builds/:id.json`, …), never /api/v4,
 *   so no profile answers If-None-Match with 304.
 */
export interface GitLabProfile {
  /** The release it is named after, as tests print it: `13.2`. */
  name: string;
  /** What GET /version answers. */
  version: string;
  routes: {
    bridges: boolean;
    triggerJobs: boolean;
    testReport: boolean;
    testReportSummary: boolean;
    pipelineVariables: boolean;
  };
  fields: {
    /** downstream_pipeline carries project_id. */
    downstreamProjectId: boolean;
  };
  children: {
    /** Child (parent_pipeline) pipelines and their jobs can be read through the API. */
    readable: boolean;
  };
  lists: {
    /** The pipeline jobs list includes retried jobs (and ignores include_retried). */
    jobsIncludeRetried: boolean;
    /** Order of the pipeline jobs list. */
    jobsOrder: 'newest_first' | 'oldest_first';
  };
  inputs: {
    /** POST /pipeline and the trigger API take `inputs` (spec:inputs); before, Grape drops them. */
    pipeline: boolean;
    /** POST /jobs/:id/play takes `job_inputs`. */
    job: boolean;
  };
  variables: {
    /** POST /pipeline applies `variables`. */
    createHonoured: boolean;
    /** POST /jobs/:id/play applies `job_variables_attributes`. */
    playHonoured: boolean;
    /** Any non-empty variables are refused with gitlab.com's 400 (17.7+ projects). */
    forbidden: boolean;
  };
}

const MODERN: Omit<GitLabProfile, 'name' | 'version'> = {
  routes: {
    bridges: true,
    triggerJobs: false,
    testReport: true,
    testReportSummary: true,
    pipelineVariables: true
  },
  fields: { downstreamProjectId: true },
  children: { readable: true },
  lists: { jobsIncludeRetried: false, jobsOrder: 'newest_first' },
  inputs: { pipeline: false, job: false },
  variables: { createHonoured: true, playHonoured: true, forbidden: false }
};

type Row = [name: string, version: string, changes: (p: GitLabProfile) => void];

/** One row per release, oldest first; each lists how it differs from today's API. */
const ROWS: Row[] = [
  [
    '12.0',
    '12.0.12',
    (p) => {
      p.routes = { ...p.routes, bridges: false, testReport: false, testReportSummary: false };
      p.fields.downstreamProjectId = false;
      p.children.readable = false;
      p.lists = { jobsIncludeRetried: true, jobsOrder: 'oldest_first' };
      p.variables.playHonoured = false;
    }
  ],
  [
    '13.2',
    '13.2.10',
    (p) => {
      p.routes.testReportSummary = false;
      p.fields.downstreamProjectId = false;
      p.children.readable = false;
      p.lists = { jobsIncludeRetried: true, jobsOrder: 'oldest_first' };
      p.variables.playHonoured = false;
    }
  ],
  [
    '13.5',
    '13.5.7',
    (p) => {
      p.routes.testReportSummary = false;
      p.fields.downstreamProjectId = false;
      p.variables.playHonoured = false;
    }
  ],
  ['14.9', '14.9.5', () => undefined],
  ['16.x', '16.11.10', () => undefined],
  ['17.7', '17.7.0-ee', (p) => (p.variables.forbidden = true)],
  ['18.1', '18.1.0-ee', (p) => (p.inputs.pipeline = true)],
  [
    '19.2',
    '19.2.0-ee',
    (p) => {
      p.routes.triggerJobs = true;
      p.inputs = { pipeline: true, job: true };
    }
  ]
];

export const GITLAB_PROFILES: readonly GitLabProfile[] = ROWS.map(([name, version, changes]) => {
  const p = structuredClone({ name, version, ...MODERN }) as GitLabProfile;
  changes(p);
  return Object.freeze(p);
});

/** The simulator's default: today's API, as the sim always behaved. */
export const DEFAULT_PROFILE = '16.x';

export function gitlabProfile(name: string | GitLabProfile = DEFAULT_PROFILE): GitLabProfile {
  if (typeof name !== 'string') return name;
  const p = GITLAB_PROFILES.find((x) => x.name === name);
  if (!p)
    throw new Error(`no GitLab profile '${name}' (have ${GITLAB_PROFILES.map((x) => x.name).join(', ')})`);
  return p;
}

// Rendering: GitLab's API entities (lib/api/entities/ci/*.rb), shaped by the server profile.
import { COMPLETED } from './status.js';
import type { World } from './model.js';
import { shaFor, type JobRec, type PipelineRec } from './records.js';
import type { GitLabProfile } from './profiles.js';
import type { SimTestCase } from './types.js';

/** One suite of the pipeline's test report: its cases, and the jobs they came from. */
export interface TestSuite {
  name: string;
  buildIds: number[];
  cases: SimTestCase[];
}

function counts(cases: SimTestCase[]): Record<string, number> {
  const n = (s: string): number => cases.filter((c) => c.status === s).length;
  const time = cases.reduce((t, c) => t + (c.time ?? 0), 0);
  return {
    total_time: Math.round(time * 100) / 100,
    total_count: cases.length,
    success_count: n('success'),
    failed_count: n('failed'),
    skipped_count: n('skipped'),
    error_count: n('error')
  };
}

// ---------------------------------------------------------------------------------------------
// Rendering (GitLab's API entities)

export const iso = (t: number | undefined): string | null =>
  t === undefined ? null : new Date(t).toISOString();
export const SIM_EPOCH = Date.parse('2024-01-01T00:00:00Z');

interface DetailedStatusText {
  icon: string;
  text: string;
  label: string;
  group: string;
}

function detailedStatusText(status: string, warnings: boolean): DetailedStatusText {
  if (status === 'success' && warnings) {
    return {
      icon: 'status_warning',
      text: 'Warning',
      label: 'passed with warnings',
      group: 'success_with_warnings'
    };
  }
  const table: Record<string, [string, string]> = {
    created: ['Created', 'created'],
    waiting_for_resource: ['Waiting', 'waiting for resource'],
    preparing: ['Preparing', 'preparing'],
    pending: ['Pending', 'pending'],
    running: ['Running', 'running'],
    success: ['Passed', 'passed'],
    failed: ['Failed', 'failed'],
    canceled: ['Canceled', 'canceled'],
    skipped: ['Skipped', 'skipped'],
    manual: ['Blocked', 'waiting for manual action'],
    scheduled: ['Scheduled', 'scheduled']
  };
  const [text, label] = table[status] ?? [status, status];
  return { icon: `status_${status}`, text, label, group: status };
}

export class Renderer {
  constructor(
    private readonly world: World,
    private readonly projectId: number,
    private readonly profile: GitLabProfile
  ) {}

  user(): Record<string, unknown> {
    return {
      id: 1,
      username: 'sim-user',
      name: 'Sim User',
      state: 'active',
      locked: false,
      avatar_url: 'https://www.gravatar.com/avatar/00000000000000000000000000000000?s=80&d=identicon',
      web_url: `${this.world.url}/sim-user`
    };
  }

  private fullUser(): Record<string, unknown> {
    return {
      ...this.user(),
      created_at: iso(SIM_EPOCH),
      bio: '',
      location: '',
      public_email: null,
      linkedin: '',
      twitter: '',
      discord: '',
      website_url: '',
      organization: '',
      job_title: '',
      pronouns: null,
      bot: false,
      work_information: null,
      followers: 0,
      following: 0,
      local_time: null
    };
  }

  private commit(p: PipelineRec): Record<string, unknown> {
    const when = iso(SIM_EPOCH);
    return {
      id: p.sha,
      short_id: p.sha.slice(0, 8),
      created_at: when,
      parent_ids: [shaFor(`${p.ref}^`)],
      title: `Update ${p.ref}`,
      message: `Update ${p.ref}\n`,
      author_name: 'Sim User',
      author_email: 'sim@example.com',
      authored_date: when,
      committer_name: 'Sim User',
      committer_email: 'sim@example.com',
      committed_date: when,
      trailers: {},
      extended_trailers: {},
      web_url: `${this.world.projectUrl}/-/commit/${p.sha}`
    };
  }

  /** Entities::Ci::PipelineBasic; with `name` as PipelineBasicWithMetadata (the list). */
  pipelineBasic(p: PipelineRec, now: number, withName = false): Record<string, unknown> {
    return {
      id: p.id,
      iid: p.iid,
      project_id: p.project?.id ?? this.projectId,
      sha: p.sha,
      ref: p.ref,
      status: this.world.pipelineStatus(p, now),
      source: p.source,
      created_at: iso(p.createdAt),
      updated_at: iso(this.world.pipelineUpdatedAt(p, now)),
      web_url: p.webUrl,
      ...(withName ? { name: null } : {})
    };
  }

  /** Entities::Ci::PipelineWithMetadata. */
  pipeline(p: PipelineRec, now: number): Record<string, unknown> {
    const w = this.world;
    const status = w.pipelineStatus(p, now);
    const started = w.pipelineStartedAt(p, now);
    const finished = COMPLETED.has(status) ? w.pipelineFinish(p, now)?.at : undefined;
    const ds = detailedStatusText(status, w.hasWarnings(p, now));
    return {
      ...this.pipelineBasic(p, now, true),
      before_sha: '0000000000000000000000000000000000000000',
      tag: false,
      yaml_errors: null,
      user: this.user(),
      started_at: iso(started),
      finished_at: iso(finished),
      committed_at: null,
      duration:
        started !== undefined && finished !== undefined ? Math.round((finished - started) / 1000) : null,
      queued_duration: started !== undefined ? Math.round((started - p.createdAt) / 1000) : null,
      coverage: null,
      detailed_status: {
        ...ds,
        tooltip: ds.label,
        has_details: true,
        details_path: `/${w.projectPath}/-/pipelines/${p.id}`,
        illustration: null,
        favicon: `/assets/ci_favicons/favicon_${ds.icon}.png`
      }
    };
  }

  /** Entities::Ci::JobBasic. */
  private jobBasic(j: JobRec, now: number): Record<string, unknown> {
    const w = this.world;
    const status = w.jobStatus(j, now);
    const started = w.startedAt(j, now);
    const finished = w.jobFinishedAt(j, now);
    const out: Record<string, unknown> = {
      id: j.id,
      status,
      stage: j.stage,
      name: j.name,
      ref: j.pipeline.ref,
      tag: false,
      coverage: null,
      allow_failure: j.allowFailure,
      created_at: iso(j.createdAt),
      started_at: iso(started),
      finished_at: iso(finished),
      erased_at: null,
      duration: started !== undefined ? ((finished ?? now) - started) / 1000 : null,
      queued_duration:
        j.queuedAt !== undefined && j.queuedAt <= now
          ? ((started ?? finished ?? now) - j.queuedAt) / 1000
          : null,
      user: this.fullUser(),
      commit: this.commit(j.pipeline),
      pipeline: this.pipelineBasic(j.pipeline, now),
      web_url: j.webUrl,
      project: { ci_job_token_scope_enabled: false }
    };
    if (status === 'failed') {
      out.failure_reason = j.bridge ? 'unknown_failure' : (j.spec.failureReason ?? 'script_failure');
    }
    return out;
  }

  /** Entities::Ci::Job. */
  job(j: JobRec, now: number): Record<string, unknown> {
    const w = this.world;
    const started = w.startedAt(j, now);
    const finished = w.jobFinishedAt(j, now);
    const zip = w.archive(j, now);
    const artifacts: Record<string, unknown>[] = [];
    if (zip) {
      artifacts.push({
        file_type: 'archive',
        size: zip.length,
        filename: 'artifacts.zip',
        file_format: 'zip'
      });
      artifacts.push({
        file_type: 'metadata',
        size: 64 + Math.floor(zip.length / 20),
        filename: 'metadata.gz',
        file_format: 'gzip'
      });
    }
    // GitLab archives the trace as an artifact once the job has finished.
    if (finished !== undefined && started !== undefined) {
      artifacts.push({
        file_type: 'trace',
        size: w.trace(j, now).length,
        filename: 'job.log',
        file_format: 'raw'
      });
    }
    const runnerStarted = iso(SIM_EPOCH);
    return {
      ...this.jobBasic(j, now),
      ...(zip ? { artifacts_file: { filename: 'artifacts.zip', size: zip.length } } : {}),
      artifacts,
      runner:
        started === undefined
          ? null
          : {
              id: 7,
              description: 'sim-runner',
              ip_address: '127.0.0.1',
              active: true,
              is_shared: true,
              name: 'gitlab-runner',
              online: true,
              status: 'online'
            },
      runner_manager:
        started === undefined
          ? null
          : {
              id: 11,
              system_id: 's_0123456789ab',
              version: '17.5.0',
              revision: '12030cf4',
              platform: 'linux',
              architecture: 'amd64',
              created_at: runnerStarted,
              contacted_at: iso(now),
              ip_address: '127.0.0.1',
              status: 'online'
            },
      artifacts_expire_at: zip && finished !== undefined ? iso(finished + 30 * 24 * 3600 * 1000) : null,
      archived: false,
      tag_list: []
    };
  }

  /** Entities::Ci::Bridge. */
  bridge(j: JobRec, now: number): Record<string, unknown> {
    return {
      ...this.jobBasic(j, now),
      downstream_pipeline: j.child ? this.downstream(j.child, now) : null
    };
  }

  /** Before ~14.0 the bridge's downstream_pipeline had no project_id (PROTOCOLS.md, "Versions"). */
  private downstream(p: PipelineRec, now: number): Record<string, unknown> {
    const { project_id: projectId, ...rest } = this.pipelineBasic(p, now);
    return this.profile.fields.downstreamProjectId ? { project_id: projectId, ...rest } : rest;
  }

  /** TestReportEntity with details (app/serializers/test_report_entity.rb, test_suite_entity.rb, test_case_entity.rb). */
  testReport(suites: TestSuite[]): Record<string, unknown> {
    return {
      ...counts(suites.flatMap((s) => s.cases)),
      test_suites: suites.map((s) => ({
        name: s.name,
        ...counts(s.cases),
        suite_error: null,
        test_cases: s.cases.map((c) => ({
          status: c.status,
          name: c.name,
          classname: c.classname ?? s.name,
          file: c.file ?? null,
          execution_time: c.time ?? 0,
          system_output: c.message ?? null,
          stack_trace: null,
          recent_failures: null
        }))
      }))
    };
  }

  /** TestReportSummaryEntity (app/serializers/test_report_summary_entity.rb). */
  testReportSummary(suites: TestSuite[]): Record<string, unknown> {
    const all = counts(suites.flatMap((s) => s.cases));
    return {
      total: {
        time: all.total_time,
        count: all.total_count,
        success: all.success_count,
        failed: all.failed_count,
        skipped: all.skipped_count,
        error: all.error_count,
        suite_error: null
      },
      test_suites: suites.map((s) => ({
        name: s.name,
        ...counts(s.cases),
        build_ids: s.buildIds,
        suite_error: null
      }))
    };
  }

  project(): Record<string, unknown> {
    const path = this.world.projectPath;
    const name = path.split('/').pop() ?? path;
    return {
      id: this.projectId,
      description: null,
      name,
      name_with_namespace: path.split('/').join(' / '),
      path: name,
      path_with_namespace: path,
      created_at: iso(SIM_EPOCH),
      default_branch: 'main',
      web_url: this.world.projectUrl,
      http_url_to_repo: `${this.world.projectUrl}.git`,
      visibility: 'private',
      archived: false
    };
  }
}

/**
 * The fields of GitLab's API entities that ci-relay relies on (lib/api/entities/ci/*.rb), checked
 * at the boundary by expectShape. Only what is read is described; extra fields stay welcome, and
 * fields that older releases lack are optional (PROTOCOLS.md, "Versions").
 */
import { z } from '../../transport/shape.js';

const time = z.string().nullish();

export const Pipeline = z.object({
  id: z.number(),
  status: z.string(),
  /** GitLab 9.x pipelines carry no web_url. */
  web_url: z.string().nullish(),
  ref: z.string().nullish(),
  sha: z.string().nullish(),
  source: z.string().nullish(),
  created_at: time,
  updated_at: time,
  project_id: z.number().nullish()
});
export type Pipeline = z.output<typeof Pipeline>;

export const Job = z.object({
  id: z.number(),
  name: z.string(),
  stage: z.string().nullish(),
  status: z.string(),
  web_url: z.string().nullish(),
  allow_failure: z.boolean().nullish(),
  started_at: time,
  finished_at: time,
  duration: z.number().nullish(),
  failure_reason: z.string().nullish(),
  artifacts_file: z.object({ filename: z.string().nullish(), size: z.number().nullish() }).nullish(),
  pipeline: z.object({ id: z.number(), project_id: z.number().nullish() }).nullish()
});
export type Job = z.output<typeof Job>;

/** Entities::Ci::Bridge: a job whose downstream_pipeline is a PipelineBasic (no project_id before ~14). */
export const Bridge = Job.extend({
  downstream_pipeline: z
    .object({
      id: z.number(),
      project_id: z.number().nullish(),
      status: z.string().nullish(),
      web_url: z.string().nullish()
    })
    .nullish()
});
export type Bridge = z.output<typeof Bridge>;

export const Variables = z.array(z.object({ key: z.string() }));

export const Version = z.object({ version: z.string() });

const count = z.number().nullish();

/** TestReportSummaryEntity (GitLab 14.2+). */
export const TestReportSummary = z.object({
  total: z.object({
    time: count,
    count: z.number(),
    success: count,
    failed: count,
    skipped: count,
    error: count
  })
});

/** TestReportEntity with its suites and cases (GitLab 13.0+). */
export const TestReport = z.object({
  total_time: count,
  total_count: z.number(),
  success_count: count,
  failed_count: count,
  skipped_count: count,
  error_count: count,
  test_suites: z.array(
    z.object({
      name: z.string().nullish(),
      test_cases: z
        .array(
          z.object({
            status: z.string(),
            name: z.string().nullish(),
            classname: z.string().nullish(),
            file: z.string().nullish(),
            execution_time: z.number().nullish(),
            system_output: z.string().nullish(),
            stack_trace: z.string().nullish()
          })
        )
        .nullish()
    })
  )
});
export type TestReport = z.output<typeof TestReport>;

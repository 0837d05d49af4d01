/**
 * The GoCD answers ci-relay relies on, as zod schemas of the fields it reads (extra fields are
 * welcome). Every shape here is met by GoCD 19.8 to today: the legacy Rails representers
 * (`PipelineInstanceAPIModel`, ≤ 19.11), 19.11's Spark `StageInstanceModelRepresenter` and the
 * `api-pipeline-instance-v1` representers (19.12+) — see ../shared/reference/gocd.
 */
import { z } from '../../transport/shape.js';

/** GoCD writes `null` for an absent value as often as it leaves the key out. */
const opt = <T extends z.ZodType>(t: T) => t.nullish().transform((v) => v ?? undefined);

export const jobSchema = z.object({
  name: z.string(),
  state: opt(z.string()),
  result: opt(z.string())
});

export const stageSchema = z.object({
  name: z.string(),
  /** A string in the instance API; a number in some older answers. */
  counter: opt(z.union([z.string(), z.number()])),
  /** Absent on GoCD ≤ 19.12 (only `result`): see stages.ts. */
  status: opt(z.string()),
  result: opt(z.string()),
  scheduled: opt(z.boolean()),
  approval_type: opt(z.string()),
  jobs: opt(z.array(jobSchema))
});

const buildCause = z.object({
  trigger_forced: opt(z.boolean()),
  approver: opt(z.string()),
  /** The revisions the run builds: a schedule's `materials` show here (claim.ts). */
  material_revisions: opt(
    z.array(
      z.object({
        material: opt(z.object({ fingerprint: opt(z.string()) })),
        modifications: opt(z.array(z.object({ revision: opt(z.string()) })))
      })
    )
  )
});

export const instanceSchema = z.object({
  counter: z.number(),
  stages: z.array(stageSchema)
});

/** A history entry: only what tells whose run it is. */
const historyRun = z.object({
  counter: z.number(),
  build_cause: opt(buildCause)
});

/**
 * Spark's history (19.12+) pages by `_links.next`; the Rails one (≤ 19.11,
 * `PipelineHistoryAPIModel`) by `pagination.offset` and has no `_links`: its first page is the
 * newest ten, which is all the search for a new run needs.
 */
export const historySchema = z.object({
  _links: opt(z.object({ next: opt(z.object({ href: opt(z.string()) })) })),
  pipelines: z.array(historyRun)
});

/** The 202 of schedule and the 200 of cancel: `{"message": …}`, or no body at all. */
export const messageSchema = z.object({ message: opt(z.string()) }).nullable();

export const configSchema = z.object({
  stages: z.array(z.object({ name: z.string(), approval: opt(z.object({ type: opt(z.string()) })) }))
});

export interface ArtifactEntry {
  name: string;
  type?: string;
  files?: ArtifactEntry[];
}

const artifactEntry: z.ZodType<ArtifactEntry> = z.lazy(() =>
  z.object({
    name: z.string(),
    type: opt(z.string()),
    files: opt(z.array(artifactEntry))
  })
);

/** GoCD answers a top-level array; its docs show one object (PROTOCOLS.md): both are taken, as a list. */
export const artifactListSchema = z.preprocess((v) => (Array.isArray(v) ? v : [v]), z.array(artifactEntry));

export type GoCDJob = z.output<typeof jobSchema>;
export type GoCDStage = z.output<typeof stageSchema>;
export type GoCDInstance = z.output<typeof instanceSchema>;
export type GoCDHistoryRun = z.output<typeof historyRun>;

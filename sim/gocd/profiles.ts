/**
 * GoCD releases as the simulator reproduces them: one row per release, so adding a version is
 * adding a row. Each fact was read in gocd/gocd at the release's tag:
 * - instance and history routes: server/…/WEB-INF/urlrewrite.xml ("Pipeline Instance API V1 and
 *   latest" and "Pipeline History API" → Spark from 19.12.0) and rails/config/routes.rb
 *   (`pipelines#instance_by_counter`, `pipelines#history` with `(:offset)`; the Rails API
 *   routes are gone by 20.9.0);
 * - stage cancel: the `CANCEL_STAGE_PATH` controllers api-stage-operations-v1 (19.8.0–20.3.0),
 *   api-stage-instance-v2 (19.12.0–21.3.0), api-stage-instance-v3 (20.9.0+), and the Rails
 *   route `stages#cancel_stage_using_pipeline_stage_name` (up to 19.10.0);
 * - 19.7.0 has api-stage-operations-v1 without a cancel route: only the Rails one cancels;
 * - config API: api-pipeline-config-v6…v8 (19.7), v7…v9 (19.8), v10 (19.10.0–20.10.0), v11 (20.8.0+);
 * - stage fields: the Rails `PipelineInstanceAPIModel` and 19.11's Spark
 *   `StageInstanceModelRepresenter` carry `id` and no `status`; api-pipeline-instance-v1 drops
 *   `id` in 19.12.0 and adds `status` in 20.1.0.
 */
export type GoCDVersion = '19.7' | '19.8' | '19.11' | '20.1' | '20.9' | 'current';

export interface GoCDProfile {
  version: GoCDVersion;
  /** Accept versions of `GET /go/api/pipelines/:p/:counter`; empty: no such route. */
  instanceByCounter: number[];
  /** `GET /go/api/pipelines/:p/instance/:counter` (Rails, or Spark in 19.11: either Accept). */
  legacyInstance: boolean;
  /**
   * `spark`: `{_links, pipelines}`, `page_size`/`after`, Accept v1 only; `rails`:
   * `{pipelines, pagination}` ten at a time, `history/:offset`, any Accept.
   */
  history: 'spark' | 'rails';
  /** Accept versions of `POST /go/api/stages/:p/:c/:s/:sc/cancel`. */
  cancel: number[];
  /** `POST /go/api/stages/:p/:s/cancel` (Rails; needs `Confirm: true`; cancels the stage's latest run). */
  legacyCancel: boolean;
  /** Accept versions of `GET /go/api/admin/pipelines/:p`. */
  config: number[];
  /** Pipeline instance JSON: `legacy` (ids, stages without `status`) or `current`. */
  shape: 'legacy' | 'current';
}

export const GOCD_PROFILES: readonly GoCDProfile[] = [
  {
    version: '19.7',
    instanceByCounter: [],
    legacyInstance: true,
    history: 'rails',
    cancel: [],
    legacyCancel: true,
    config: [6, 7, 8],
    shape: 'legacy'
  },
  {
    version: '19.8',
    instanceByCounter: [],
    legacyInstance: true,
    history: 'rails',
    cancel: [1],
    legacyCancel: true,
    config: [7, 8, 9],
    shape: 'legacy'
  },
  {
    version: '19.11',
    instanceByCounter: [],
    legacyInstance: true,
    history: 'rails',
    cancel: [1],
    legacyCancel: false,
    config: [10],
    shape: 'legacy'
  },
  {
    version: '20.1',
    instanceByCounter: [1],
    legacyInstance: true,
    history: 'spark',
    cancel: [1, 2],
    legacyCancel: false,
    config: [10],
    shape: 'current'
  },
  {
    version: '20.9',
    instanceByCounter: [1],
    legacyInstance: false,
    history: 'spark',
    cancel: [2, 3],
    legacyCancel: false,
    config: [10, 11],
    shape: 'current'
  },
  {
    version: 'current',
    instanceByCounter: [1],
    legacyInstance: false,
    history: 'spark',
    cancel: [3],
    legacyCancel: false,
    config: [11],
    shape: 'current'
  }
];

export function gocdProfile(version: GoCDVersion = 'current'): GoCDProfile {
  const found = GOCD_PROFILES.find((p) => p.version === version);
  if (!found) throw new Error(`no GoCD profile ${version}`);
  return found;
}

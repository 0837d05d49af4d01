/**
 * The JSON a GoCD release answers for a pipeline instance, in the shape of its profile:
 * `current` as api-pipeline-instance-v1 writes it (../shared/reference/gocd/pipeline_instances_*),
 * `legacy` as the Rails `PipelineInstanceAPIModel` and 19.11's Spark representer do
 * (reference/gocd/LEGACY-pre-20.1_*: ids, stages without `status`, no `scheduled_date`).
 */
import { DEFAULT_MATERIAL, type SimRunState, type StageView, type World } from './model.js';
import type { GoCDProfile } from './profiles.js';

const FINAL = ['Passed', 'Failed', 'Cancelled'];

/** What a stage's `result` says for its state (domain/…/StageState.java: Failing → Failed). */
function stageResult(status: StageView['status']): string {
  if (status === 'Failing') return 'Failed';
  return FINAL.includes(status) ? status : 'Unknown';
}

export function instanceJson(
  world: World,
  profile: GoCDProfile,
  run: SimRunState,
  user: string
): Record<string, unknown> {
  const legacy = profile.shape === 'legacy';
  const stages = world.view(run);
  const fingerprint = world.pipelines[run.pipeline].materials?.[0] ?? DEFAULT_MATERIAL;
  // GoCD's database ids: any stable numbers do.
  const id = (n: number): number => run.counter * 100 + n;
  const modification = {
    revision: run.revisions?.[fingerprint] ?? run.revision,
    modified_time: run.createdAt,
    user_name: 'Pick E Reader <pick.e.reader@example.com>',
    comment: 'my hola mundo changes',
    email_address: null,
    ...(legacy ? { id: id(99) } : {})
  };
  const material = legacy
    ? { description: 'URL: https://github.com/gocd/gocd, Branch: master', fingerprint, type: 'Git', id: 1 }
    : {
        name: 'https://github.com/gocd/gocd',
        fingerprint,
        type: 'Git',
        description: 'URL: https://github.com/gocd/gocd, Branch: master'
      };
  const stageJson = (s: StageView, i: number): Record<string, unknown> => {
    const common = s.scheduled
      ? {
          result: stageResult(s.status),
          ...(legacy ? {} : { status: s.status }),
          rerun_of_counter: null,
          name: s.def.name,
          counter: '1',
          scheduled: true,
          approval_type: s.def.manual ? 'manual' : 'success',
          approved_by: i === 0 ? (run.forced ? run.approver : 'changes') : s.def.manual ? user : 'changes',
          operate_permission: true,
          can_run: true,
          jobs: s.jobs.map((j, k) => ({
            name: j.def.name,
            scheduled_date: j.scheduledAt,
            state: j.state,
            result: j.result,
            ...(legacy ? { id: id(i * 10 + k) } : {})
          }))
        }
      : {
          // GoCD cannot tell a manual stage from one not scheduled yet here.
          result: 'Unknown',
          ...(legacy ? {} : { status: 'Unknown' }),
          rerun_of_counter: null,
          name: s.def.name,
          counter: '0',
          scheduled: false,
          approval_type: null,
          approved_by: null,
          operate_permission: true,
          can_run: false,
          jobs: []
        };
    return legacy ? { ...common, id: s.scheduled ? id(i) : 0 } : common;
  };
  return {
    name: run.pipeline,
    counter: run.counter,
    label: String(run.counter),
    natural_order: run.counter,
    can_run: true,
    preparing_to_schedule: false,
    comment: null,
    ...(legacy ? { id: id(0) } : { scheduled_date: run.createdAt }),
    build_cause: {
      trigger_message: run.forced
        ? `Forced by ${run.approver}`
        : 'modified by Pick E Reader <pick.e.reader@example.com>',
      trigger_forced: run.forced,
      approver: run.approver,
      material_revisions: [{ changed: !run.forced, material, modifications: [modification] }]
    },
    stages: stages.map(stageJson)
  };
}

/** One page of history, newest first, as the profile's history route answers it. */
export function historyJson(
  world: World,
  profile: GoCDProfile,
  pipeline: string,
  page: { size: number; after?: number; offset?: number },
  baseUrl: string,
  user: string
): Record<string, unknown> {
  const all = [...(world.runs.get(pipeline) ?? [])].sort((a, b) => b.counter - a.counter);
  if (profile.history === 'rails') {
    // rails api/pipelines_controller.rb#history: ten at a time from `offset`, with `pagination`.
    const offset = page.offset ?? 0;
    return {
      pipelines: all.slice(offset, offset + 10).map((r) => instanceJson(world, profile, r, user)),
      pagination: { offset, total: all.length, page_size: 10 }
    };
  }
  const from = page.after === undefined ? all : all.filter((r) => r.counter < (page.after as number));
  const shown = from.slice(0, page.size);
  const links: Record<string, { href: string }> = {};
  if (from.length > page.size) {
    links.next = {
      href: `${baseUrl}/go/api/pipelines/${pipeline}/history?after=${shown[shown.length - 1].counter}`
    };
  }
  return { _links: links, pipelines: shown.map((r) => instanceJson(world, profile, r, user)) };
}

/** `GET /go/api/admin/pipelines/:p`: what ci-relay reads of it, the approval of each stage. */
export function pipelineConfigJson(world: World, pipeline: string): Record<string, unknown> {
  const def = world.pipelines[pipeline];
  return {
    name: pipeline,
    stages: def.stages.map((s) => ({
      name: s.name,
      fetch_materials: true,
      clean_working_directory: false,
      never_cleanup_artifacts: false,
      approval: {
        type: s.manual ? 'manual' : 'success',
        allow_only_on_success: false,
        authorization: { roles: [], users: [] }
      },
      environment_variables: [],
      jobs: s.jobs.map((j) => ({ name: j.name }))
    }))
  };
}

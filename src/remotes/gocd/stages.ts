/**
 * GoCD stage and job words → ci-relay's states and conclusions (PROTOCOLS.md, "GoCD").
 * Pure functions: no requests.
 */
import type { Conclusion } from '../../core/run.js';
import type { GoCDStage } from './shapes.js';

/** What a stage says of itself, in any GoCD version. */
export interface StageWords {
  status?: string;
  result?: string;
  scheduled?: boolean;
  jobs?: { state?: string; result?: string }[];
}

export const FINISHED_STAGE = ['Passed', 'Failed', 'Cancelled'];

/** A GoCD job's state and result → our conclusion, once the job is Completed. */
export function jobConclusion(state: string | undefined, result: string | undefined): Conclusion | undefined {
  if (state !== 'Completed') return undefined;
  switch (result) {
    case 'Passed':
      return 'success';
    case 'Cancelled':
      return 'canceled';
    default:
      // Failed, Unknown, or a word we do not know: never a success.
      return 'failed';
  }
}

/**
 * The stage's state as GoCD ≥ 20.1 reports it in `status` (Building, Failing, Passed, Failed,
 * Cancelled, Unknown). GoCD 19.11 and 19.12 send only `result` (gocd/gocd 19.12.0
 * api/api-pipeline-instance-v1/…/StageInstanceModelRepresenter.java; `status` is added in
 * 20.1.0), as do the Rails representers before them: there the state follows from `result` and
 * the jobs. A stage with a job still going is going, whatever `result` says (GoCD's `Failing`
 * state carries the result Failed: domain/…/StageState.java); a finished stage whose result is not a final word takes
 * its jobs' results, and an unknown one is never Passed.
 */
export function stageState(stage: StageWords): string {
  if (stage.status) return stage.status;
  if (!stage.scheduled) return 'Unknown';
  const jobs = stage.jobs ?? [];
  if (!jobs.length)
    return FINISHED_STAGE.includes(stage.result ?? '') ? (stage.result as string) : 'Building';
  if (jobs.some((j) => j.state !== 'Completed')) {
    return jobs.some((j) => j.result === 'Failed') || stage.result === 'Failed' ? 'Failing' : 'Building';
  }
  if (FINISHED_STAGE.includes(stage.result ?? '')) return stage.result as string;
  if (jobs.some((j) => j.result === 'Cancelled')) return 'Cancelled';
  return jobs.every((j) => j.result === 'Passed') ? 'Passed' : 'Failed';
}

/** Stages with `status` filled in, whichever GoCD sent them. */
export function withStatus(stages: GoCDStage[]): (GoCDStage & { status: string })[] {
  return stages.map((s) => ({ ...s, status: stageState(s) }));
}

/**
 * What the stages alone say of the run: a conclusion, `undefined` while it goes on, or
 * `next-unscheduled` with the stage whose approval decides between `success`-pending and
 * `blocked` (the caller asks the config API or waits out the grace).
 */
export function stagesOutcome(
  stages: (GoCDStage & { status: string })[]
): Conclusion | undefined | { waitingOn: GoCDStage } {
  const scheduled = stages.filter((s) => s.scheduled);
  if (!scheduled.length) return undefined;
  if (scheduled.some((s) => !FINISHED_STAGE.includes(s.status))) return undefined;
  if (scheduled.some((s) => s.status === 'Failed')) return 'failed';
  if (scheduled.some((s) => s.status === 'Cancelled')) return 'canceled';
  const next = stages.find((s) => !s.scheduled);
  if (!next) return 'success';
  // The previous stage passed and the next is not scheduled: manual, or not scheduled *yet*.
  if (next.approval_type === 'manual') return 'blocked';
  if (next.approval_type === 'success') return undefined;
  return { waitingOn: next };
}

/**
 * Which run a schedule created. GoCD's 202 names no counter (PROTOCOLS.md), and two relays that
 * schedule the same pipeline a moment apart, as the same user, each see both runs appear above
 * their snapshot. A run is claimed by the evidence GoCD gives in its history entry's build cause
 * (GoCD's PipelineHistory representer: `build_cause {trigger_forced, approver,
 * material_revisions[{material {fingerprint}, modifications[{revision}]}]}`):
 * - `trigger_forced`: an API schedule is a forced run; a run a material change started is not;
 * - `approver`: the user who forced it, when ci-relay knows its own (basic auth);
 * - the material revisions sent in `materials`: a run that builds another revision of a material
 *   pinned here was someone else's schedule.
 * Environment variables are not in the history, so they cannot tell runs apart. Where the evidence
 * cannot (same user, no pinned materials, or the same ones), the lowest such counter is followed
 * with a warning naming it and the others.
 */
import type { GoCDHistoryRun } from './shapes.js';

export interface Sent {
  materials: { fingerprint: string; revision: string }[];
  /** Our user, when ci-relay knows it (basic auth); a token's user is not known. */
  username?: string;
}

/** `pinned`: forced by us, and it builds every revision we pinned; `forced`: forced, no contrary evidence. */
export type Claim = 'pinned' | 'forced' | 'foreign' | 'not-ours';

export function claimOf(run: GoCDHistoryRun, sent: Sent): Claim {
  const cause = run.build_cause;
  const revisions = (cause?.material_revisions ?? []).flatMap((mr) =>
    (mr.modifications ?? []).map((m) => ({ fingerprint: mr.material?.fingerprint, revision: m.revision }))
  );
  // Builds another revision of a material we pinned: another schedule's run, whoever forced it.
  const contrary = sent.materials.some((want) => {
    const same = revisions.filter((r) => !r.fingerprint || r.fingerprint === want.fingerprint);
    return same.length > 0 && !same.some((r) => r.revision === want.revision);
  });
  if (contrary) return 'not-ours';
  if (!cause?.trigger_forced) return 'foreign';
  if (sent.username && (cause.approver ?? '').toLowerCase() !== sent.username.toLowerCase()) return 'foreign';
  const pinned =
    sent.materials.length > 0 &&
    sent.materials.every((want) =>
      revisions.some(
        (r) => (!r.fingerprint || r.fingerprint === want.fingerprint) && r.revision === want.revision
      )
    );
  return pinned ? 'pinned' : 'forced';
}

export interface Pick {
  run: GoCDHistoryRun;
  /** Other runs above the snapshot that the evidence cannot tell from it. */
  alike: number[];
  claim: Claim;
}

/**
 * The run a schedule created, among the runs above the snapshot: the lowest pinned one, else the
 * lowest forced one (with the alike others named), else, once `acceptForeign`, the lowest run
 * without contrary evidence.
 */
export function pickRun(runs: GoCDHistoryRun[], sent: Sent, acceptForeign: boolean): Pick | undefined {
  const ascending = [...runs].sort((a, b) => a.counter - b.counter);
  const claims = ascending.map((run) => ({ run, claim: claimOf(run, sent) }));
  for (const want of ['pinned', 'forced'] as const) {
    const found = claims.filter((c) => c.claim === want);
    if (found.length) return { ...found[0], alike: found.slice(1).map((c) => c.run.counter) };
  }
  if (!acceptForeign) return undefined;
  const foreign = claims.find((c) => c.claim === 'foreign');
  return foreign ? { ...foreign, alike: [] } : undefined;
}

/**
 * Gearset's Automation API (PROTOCOLS.md, "Gearset"): start a CI or unit-testing job, follow
 * its run request until it ends. The API has no log and no artifacts, so the log is the
 * timeline ci-relay itself observed while polling.
 */
import type { Http } from '../../transport/http.js';
import type { GearsetSettings } from '../../config/settings.js';
import { expectShape, z } from '../../transport/shape.js';
import type { Remote, RemoteContext } from '../remote.js';
import type { Conclusion, Job, LogSink, Run, Snapshot } from '../../core/run.js';

/** The API's default root; the only one whose web app we know (see dashboardUrl). */
const DEFAULT_API = 'https://api.gearset.com';

/**
 * The CI dashboard of the Gearset app that `api.gearset.com` serves. Gearset has no page per
 * run request (its runs are listed under the job's "View history"), and the job's own page is
 * not addressable by job id, so the dashboard that lists the job is the closest page there is.
 * Unit-testing jobs have no documented app address; they get no URL rather than a guessed one,
 * and neither does any other `url` (a proxy or a regional instance whose app we cannot know).
 */
const CI_DASHBOARD = 'https://app.gearset.com/continuous-integration';

/**
 * Gearset allows 5 GETs per 5 s per job. Polls 1.25 s apart take at most 4 of those 5, which
 * leaves one for the status read before the trigger or the state check before a cancel; http.ts
 * also waits out X-Rate-Limit-Reset when X-Rate-Limit-Remaining reaches 0, for whatever else
 * (another client polling the same job) spends the budget.
 */
export const GEARSET_MIN_POLL_MS = 1250;

/** Gearset's own words for a run request that has ended, by what they mean to ci-relay. */
const TERMINAL = new Map<string, Conclusion>([
  ['Succeeded', 'success'],
  ['Partial', 'partial'],
  ['Failed', 'failed'],
  // Unit-testing jobs only; a CI run request that ever says them means the same.
  ['Skipped', 'skipped'],
  ['Error', 'failed'],
  ['Cancelled', 'canceled']
]);
const GOING = ['Pending', 'Started'];

/** An id or a time: Gearset sends strings; a number or null is taken too, anything else is not its API. */
const word = z.union([z.string(), z.number()]).nullish();

/** The fields ci-relay reads (extra ones welcome). Times may be missing: unit-test run requests send only State and RunId. */
const runRequestSchema = z.object({
  State: z.string().trim().min(1),
  RunId: word,
  StartDateTime: word,
  EndDateTime: word
});
const jobStatusSchema = z.object({ State: word });
const startSchema = z.object({
  RunRequestId: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().trim().min(1))
});

type RunRequestState = z.output<typeof runRequestSchema>;

/** What ci-relay has seen of one run request: the log it hands out, and what it last saw. */
interface Timeline {
  lines: string[];
  state?: string;
  runId?: string;
  start?: string;
  end?: string;
  /** Unknown states already reported, so each is noted once. */
  unknown: Set<string>;
}

export function createGearset(ctx: RemoteContext): Remote {
  const gearset = ctx.settings.gearset;
  if (!gearset) throw new Error('createGearset needs settings.gearset');
  const { job, jobType, commit } = gearset;
  const config = {
    baseUrl: `${ctx.settings.url}/public/automation/`,
    credentials: { authorization: `token ${ctx.settings.token ?? ''}`, 'api-version': '1' },
    serverName: 'Gearset'
  };
  /*
   * GETs and POSTs are counted in separate budgets (5 per 5 s, 100 per hour), and http.ts
   * paces a client by the last rate-limit headers it saw. One client per budget keeps a spent
   * GET budget from holding back a cancel.
   */
  const reads: Http = ctx.httpFor(config);
  const writes: Http = ctx.httpFor(config);
  const jobPath = `${jobType === 'ci' ? 'continuous-integration-jobs' : 'unit-testing-jobs'}/${encodeURIComponent(job)}`;
  const kind = jobType === 'ci' ? 'CI job' : 'unit-testing job';
  const runUrl = gearsetRunUrl(ctx.settings.url, jobType);
  const timelines = new Map<string, Timeline>();

  const runRequestPath = (id: string): string => `${jobPath}/run-requests/${encodeURIComponent(id)}`;

  function timeline(id: string): Timeline {
    let t = timelines.get(id);
    if (!t) {
      t = { lines: [], unknown: new Set() };
      timelines.set(id, t);
    }
    return t;
  }

  function log(t: Timeline, text: string): void {
    t.lines.push(`${new Date().toISOString()} ${text}`);
  }

  function makeRun(id: string): Run {
    return { id, url: runUrl, data: { job, jobType, runRequestId: id } };
  }

  async function fetchState(id: string): Promise<RunRequestState> {
    const body = await reads.json<unknown>('GET', runRequestPath(id));
    return expectShape(runRequestSchema, body, { system: 'Gearset', call: `GET ${runRequestPath(id)}` });
  }

  /** Records what changed since the last look, as timestamped lines. */
  function observe(id: string, body: RunRequestState): void {
    const t = timeline(id);
    const state = body.State;
    const runId = text(body.RunId);
    const start = text(body.StartDateTime);
    const end = text(body.EndDateTime);
    if (state !== t.state) {
      log(t, t.state === undefined ? `State: ${state}` : `State: ${t.state} → ${state}`);
      t.state = state;
      if (!TERMINAL.has(state) && !GOING.includes(state) && !t.unknown.has(state)) {
        t.unknown.add(state);
        ctx.note(
          `Gearset reported state '${state}' for run request ${id}, which ci-relay does not know; ` +
            (end ? 'the run has ended, and not as a success.' : 'it keeps following the run until it ends.')
        );
      }
    }
    if (runId && runId !== t.runId) {
      log(t, `Gearset run id: ${runId}`);
      t.runId = runId;
    }
    if (start && start !== t.start) {
      log(t, `Started at ${start}`);
      t.start = start;
    }
    if (end && end !== t.end) {
      log(t, `Ended at ${end}: ${state}`);
      t.end = end;
    }
  }

  function snapshot(run: Run): Snapshot {
    const t = timeline(run.id);
    const state = t.state ?? 'Pending';
    let conclusion: Conclusion | undefined = TERMINAL.get(state);
    /*
     * A state Gearset adds later may be a new way of going on ("Queued") or of ending. An end
     * time is what tells them apart: without one the run is still followed (the timeout
     * bounds the wait); with one the run is over, and since ci-relay cannot tell how it ended,
     * it is an error, never a success.
     */
    if (!conclusion && !GOING.includes(state) && t.end) conclusion = 'error';
    const jobEntry: Job = {
      key: run.id,
      name: job,
      status: state,
      conclusion,
      url: run.url,
      // Pending is the queue; once out of it (or ended straight from it) there is a log to show.
      started: state !== 'Pending' || conclusion !== undefined,
      startedAt: t.start,
      finishedAt: conclusion ? t.end : undefined,
      duration: conclusion ? seconds(t.start, t.end) : undefined
    };
    return { status: state, conclusion, jobs: [jobEntry] };
  }

  return {
    logMode: 'incremental',
    minPollMs: GEARSET_MIN_POLL_MS,
    artifactsNote: "Gearset's API offers no artifact downloads; 'artifacts' is ignored.",

    async trigger(): Promise<Run> {
      const status = expectShape(jobStatusSchema, await reads.json<unknown>('GET', `${jobPath}/status`), {
        system: 'Gearset',
        call: `GET ${jobPath}/status`
      });
      const jobState = text(status.State);
      const statusAt = new Date().toISOString();
      if (jobState === 'Running') {
        ctx.note(
          `Gearset ${kind} ${job} is already running; the new run request may wait for that run to finish.`
        );
      }
      const answer = await writes.json<unknown>('POST', `${jobPath}/run-requests`, {
        json: commit ? { SourceGitCommitId: commit } : {},
        idempotent: false
      });
      const id = String(
        expectShape(startSchema, answer, { system: 'Gearset', call: `POST ${jobPath}/run-requests` })
          .RunRequestId
      ).trim();
      const t = timeline(id);
      if (jobState) t.lines.push(`${statusAt} Gearset ${kind} ${job} is ${jobState}`);
      log(t, `Requested a run${commit ? ` of commit ${commit}` : ''}: run request ${id}`);
      return makeRun(id);
    },

    async attach(id: string): Promise<Run> {
      const body = await fetchState(id);
      log(timeline(id), `Attached to run request ${id} of Gearset ${kind} ${job}`);
      observe(id, body);
      return makeRun(id);
    },

    async poll(run: Run): Promise<Snapshot> {
      observe(run.id, await fetchState(run.id));
      return snapshot(run);
    },

    async readLog(run: Run, _job: Job, cursor: number, sink: LogSink): Promise<number> {
      const lines = timeline(run.id).lines;
      if (cursor >= lines.length) return cursor;
      await sink(
        Buffer.from(
          lines
            .slice(cursor)
            .map((l) => `${l}\n`)
            .join(''),
          'utf8'
        )
      );
      return lines.length;
    },

    async downloadArtifacts(): Promise<void> {
      // Nothing to fetch: artifactsNote says so once.
    },

    async cancel(run: Run): Promise<void> {
      /*
       * Gearset's cancel stops whatever run the JOB has going, not a given run request. If
       * ours has already ended, a cancel could stop a run someone else started since: look
       * first. When the look fails (rate limit, abort), cancelling is still the safer mistake.
       */
      try {
        const body = await fetchState(run.id);
        observe(run.id, body);
        if (snapshot(run).conclusion) return;
      } catch {
        // fall through to the cancel
      }
      await writes.request('POST', `${jobPath}/cancel`, { json: {}, idempotent: true });
      log(timeline(run.id), `Asked Gearset to cancel ${kind} ${job}`);
    }
  };
}

/** `run-url`: the app's CI dashboard where the API is Gearset's own, else none. */
export function gearsetRunUrl(url: string, jobType: GearsetSettings['jobType']): string | undefined {
  return jobType === 'ci' && url.replace(/\/+$/, '').toLowerCase() === DEFAULT_API ? CI_DASHBOARD : undefined;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function seconds(from?: string, to?: string): number | undefined {
  if (!from || !to) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms >= 0 ? Math.round(ms / 1000) : undefined;
}

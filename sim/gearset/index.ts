/**
 * A Gearset Automation API (`/public/automation/…`) on a real socket: token auth, the
 * `api-version` header, CI and unit-testing jobs whose run requests follow a scripted
 * timeline, cancel, and Gearset's rate limits with their headers.
 *
 * Everything is derived from timestamps when a request comes in, so no timer outlives close().
 *
 * Choices where Gearset documents nothing, made to match its ASP.NET stack:
 * - Rate limits are sliding windows per job and per method class (GETs 5 per 5 s, POSTs 100 per
 *   hour). Every answer carries X-Rate-Limit-Limit (the period, as AspNetCoreRateLimit sends
 *   it: `5s`, `1h`), X-Rate-Limit-Remaining and X-Rate-Limit-Reset (ISO time at which the
 *   oldest counted request leaves the window). Past the limit: 429 with Retry-After (seconds)
 *   and AspNetCoreRateLimit's plain-text body. Refused requests do not count.
 * - Cancel (`POST …/:job/cancel`) ends every run request of the job that has not ended: a
 *   unit-testing run becomes `Cancelled`; a CI run, whose documented states have no such
 *   word, becomes `Failed`. Cancelling a job with nothing going answers 200 all the same.
 * - A missing or wrong `api-version` gets ASP.NET API Versioning's `{"Error":{"Code","Message"}}`.
 */
import { randomUUID } from 'node:crypto';
import type * as http from 'node:http';
import { sendJson, sendText, startServer, type SimRequest, type SimServer } from '../server.js';

export interface GearsetSimState {
  state: string;
  /** How long this state lasts; the last state is final and its `ms` is ignored. */
  ms: number;
}

export interface GearsetSimJob {
  type?: 'ci' | 'unit-test';
  /** The timeline of every run request of this job (default Pending 200 ms, Started 800 ms, Succeeded). */
  states?: GearsetSimState[];
  /** Someone else's run holds the job (status Running) until a run request of ours starts. */
  running?: boolean;
  /**
   * Run-request answers carry only `State` and `RunId`, never `StartDateTime`/`EndDateTime`, as
   * unit-testing run requests may (PROTOCOLS.md, "Versions").
   */
  noTimes?: boolean;
}

export interface GearsetSimOptions {
  /** Default 'gearset-sim-token'. */
  token?: string;
  /** Default: `ci-job` (a CI job) and `unit-job` (a unit-testing job). */
  jobs?: Record<string, GearsetSimJob>;
  /** GETs allowed per job per window; default 5 per 5000 ms. */
  rateLimit?: { gets: number; windowMs: number };
  /** POSTs allowed per job per window; default 100 per hour. */
  postLimit?: { posts: number; windowMs: number };
}

export interface GearsetSimRunRequest {
  id: string;
  job: string;
  type: 'ci' | 'unit-test';
  createdAt: number;
  states: GearsetSimState[];
  /** The SourceGitCommitId it was asked for. */
  commit?: string;
  /** Gearset's run id, shown once the run has started. */
  runId: string;
  cancelledAt?: number;
  cancelledState?: string;
}

/** A canned answer for the next matching request (error-body shapes). */
export interface GearsetSimAnswer {
  status: number;
  /** JSON (objects) or plain text (strings). */
  body: unknown;
  method?: string;
  /** Matches when the path ends with this. */
  pathEndsWith?: string;
}

export interface GearsetSim extends SimServer {
  token: string;
  /** Run requests created by POST …/run-requests. */
  runRequests: number;
  /** POST …/cancel received (and authorized). */
  cancels: number;
  /** 429s sent, by the rate limiter or injected faults. */
  readonly rateLimited: number;
  runs: Map<string, GearsetSimRunRequest>;
  /** Creates a run request as if someone else had started one (for `run`); returns its id. */
  addRunRequest(job: string, states?: GearsetSimState[]): string;
  /** When each request reached the Gearset handler (after any injected fault), for rate checks. */
  arrivals: { at: number; method: string; path: string }[];
  /** Answers the next matching request with this instead. */
  answerNext(answer: GearsetSimAnswer): void;
  /** What GET …/run-requests/:id would answer now. */
  view(id: string): RunRequestView;
}

export interface RunRequestView {
  State: string;
  RunId?: string;
  StartDateTime?: string;
  EndDateTime?: string;
}

const DEFAULT_STATES: GearsetSimState[] = [
  { state: 'Pending', ms: 200 },
  { state: 'Started', ms: 800 },
  { state: 'Succeeded', ms: 0 }
];
const KINDS: Record<string, 'ci' | 'unit-test'> = {
  'continuous-integration-jobs': 'ci',
  'unit-testing-jobs': 'unit-test'
};
const PREFIX = '/public/automation/';

export async function startGearsetSim(opts: GearsetSimOptions = {}): Promise<GearsetSim> {
  const token = opts.token ?? 'gearset-sim-token';
  const jobs: Record<string, GearsetSimJob> = opts.jobs ?? {
    'ci-job': {},
    'unit-job': { type: 'unit-test' }
  };
  const getLimit = { limit: opts.rateLimit?.gets ?? 5, windowMs: opts.rateLimit?.windowMs ?? 5000 };
  const postLimit = { limit: opts.postLimit?.posts ?? 100, windowMs: opts.postLimit?.windowMs ?? 3_600_000 };
  const windows = new Map<string, number[]>();
  const runs = new Map<string, GearsetSimRunRequest>();
  const answers: GearsetSimAnswer[] = [];
  const counts = { runRequests: 0, cancels: 0 };
  const arrivals: GearsetSim['arrivals'] = [];

  function create(job: string, states?: GearsetSimState[], commit?: string): GearsetSimRunRequest {
    const run: GearsetSimRunRequest = {
      id: randomUUID(),
      job,
      type: jobs[job]?.type ?? 'ci',
      createdAt: Date.now(),
      states: states ?? jobs[job]?.states ?? DEFAULT_STATES,
      commit,
      runId: randomUUID()
    };
    runs.set(run.id, run);
    return run;
  }

  /** The run request as it stands at `now`, from its timeline and any cancel. */
  function view(
    run: GearsetSimRunRequest,
    now = Date.now()
  ): RunRequestView & { ended: boolean; started: boolean } {
    let at = run.createdAt;
    let index = 0;
    for (; index < run.states.length - 1; index++) {
      if (at + run.states[index].ms > now) break;
      at += run.states[index].ms;
    }
    // Start: when the first state that is neither Pending nor final began.
    let startAt: number | undefined;
    let t = run.createdAt;
    for (let i = 0; i < run.states.length - 1 && t <= now; t += run.states[i].ms, i++) {
      if (run.states[i].state !== 'Pending') {
        startAt = t;
        break;
      }
    }
    if (run.cancelledAt !== undefined && run.cancelledAt <= now) {
      const started = startAt !== undefined && startAt <= run.cancelledAt;
      return {
        State: run.cancelledState ?? 'Cancelled',
        RunId: started ? run.runId : undefined,
        StartDateTime: started ? iso(startAt as number) : undefined,
        EndDateTime: iso(run.cancelledAt),
        ended: true,
        started
      };
    }
    const final = index === run.states.length - 1;
    const started = startAt !== undefined;
    return {
      State: run.states[index].state,
      RunId: started ? run.runId : undefined,
      StartDateTime: started ? iso(startAt as number) : undefined,
      EndDateTime: final ? iso(at) : undefined,
      ended: final,
      started
    };
  }

  function jobStatus(job: string): 'Idle' | 'Running' {
    const mine = [...runs.values()].filter((r) => r.job === job).map((r) => view(r));
    if (mine.some((v) => v.started && !v.ended)) return 'Running';
    if (jobs[job]?.running && !mine.some((v) => v.started)) return 'Running';
    return 'Idle';
  }

  /** Counts the request against its window; returns the headers to send, and whether it is refused. */
  function limit(
    key: string,
    rule: { limit: number; windowMs: number }
  ): { headers: http.OutgoingHttpHeaders; refused?: number } {
    const now = Date.now();
    const seen = (windows.get(key) ?? []).filter((t) => t > now - rule.windowMs);
    windows.set(key, seen);
    const base = { 'x-rate-limit-limit': period(rule.windowMs) };
    if (seen.length >= rule.limit) {
      const freeAt = seen[seen.length - rule.limit] + rule.windowMs;
      return {
        headers: { ...base, 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': iso(freeAt) },
        refused: Math.max(1, Math.ceil((freeAt - now) / 1000))
      };
    }
    seen.push(now);
    return {
      headers: {
        ...base,
        'x-rate-limit-remaining': String(rule.limit - seen.length),
        'x-rate-limit-reset': iso(seen[0] + rule.windowMs)
      }
    };
  }

  const handler = (req: SimRequest, res: http.ServerResponse): void => {
    arrivals.push({ at: Date.now(), method: req.method, path: req.path });
    const rest = req.path.startsWith(PREFIX)
      ? req.path.slice(PREFIX.length).split('/').map(decodeURIComponent)
      : [];
    const [kindSegment, job, ...tail] = rest;
    const kind = KINDS[kindSegment ?? ''];
    const isGet = req.method === 'GET' || req.method === 'HEAD';
    const rule = isGet ? getLimit : postLimit;
    const { headers, refused } = limit(`${kind ? job : ''}|${isGet ? 'GET' : 'POST'}`, rule);
    if (refused !== undefined) {
      return sendText(
        res,
        429,
        `API calls quota exceeded! maximum admitted ${rule.limit} per ${period(rule.windowMs)}.`,
        {
          ...headers,
          'retry-after': String(refused)
        }
      );
    }
    const json = (status: number, body: unknown): void => sendJson(res, status, body, headers);

    const canned = answers.findIndex(
      (a) => (!a.method || a.method === req.method) && (!a.pathEndsWith || req.path.endsWith(a.pathEndsWith))
    );
    if (canned >= 0) {
      const [a] = answers.splice(canned, 1);
      if (typeof a.body === 'string') return sendText(res, a.status, a.body, headers);
      return json(a.status, a.body);
    }

    if (req.headers.authorization !== `token ${token}`) {
      return json(401, { Message: 'Authorization has been denied for this request.' });
    }
    const version = req.headers['api-version'];
    if (!version) {
      return json(400, {
        Error: {
          Code: 'ApiVersionUnspecified',
          Message: 'An API version is required, but was not specified.'
        }
      });
    }
    if (version !== '1') {
      return json(400, {
        Error: {
          Code: 'UnsupportedApiVersion',
          Message: `The HTTP resource that matches the request URI '${req.path}' does not support the API version '${String(version)}'.`
        }
      });
    }

    const route = `${req.method} ${tail.length ? tail[0] : ''}${tail.length > 1 ? '/:id' : ''}`;
    const known = ['GET status', 'POST run-requests', 'GET run-requests/:id', 'POST cancel'];
    if (!kind || !job || !known.includes(route) || tail.length > 2) {
      return json(404, { Message: `No HTTP resource was found that matches the request URI '${req.path}'.` });
    }
    if (!Object.hasOwn(jobs, job) || (jobs[job].type ?? 'ci') !== kind) {
      const what = kind === 'ci' ? 'continuous integration job' : 'unit testing job';
      return json(404, { Message: `No ${what} with id '${job}' was found for this account.` });
    }

    switch (route) {
      case 'GET status':
        return json(200, { State: jobStatus(job) });
      case 'POST run-requests': {
        let body: unknown = {};
        try {
          if (req.body.length) body = JSON.parse(req.body.toString('utf8'));
        } catch {
          return json(400, { Message: 'The request is invalid.' });
        }
        const commit = (body as { SourceGitCommitId?: unknown } | null)?.SourceGitCommitId;
        if (commit !== undefined && typeof commit !== 'string') {
          return json(400, { Message: 'SourceGitCommitId must be a string.' });
        }
        counts.runRequests++;
        return json(200, { RunRequestId: create(job, undefined, commit).id });
      }
      case 'GET run-requests/:id': {
        const run = runs.get(tail[1]);
        if (!run || run.job !== job) {
          return json(404, { Message: `No run request with id '${tail[1]}' was found for job '${job}'.` });
        }
        const v = view(run);
        const answer: RunRequestView = { State: v.State };
        if (v.RunId) answer.RunId = v.RunId;
        if (v.StartDateTime && !jobs[job]?.noTimes) answer.StartDateTime = v.StartDateTime;
        if (v.EndDateTime && !jobs[job]?.noTimes) answer.EndDateTime = v.EndDateTime;
        return json(200, answer);
      }
      case 'POST cancel': {
        counts.cancels++;
        const now = Date.now();
        for (const run of runs.values()) {
          if (run.job !== job || run.cancelledAt !== undefined || view(run, now).ended) continue;
          run.cancelledAt = now;
          run.cancelledState = run.type === 'unit-test' ? 'Cancelled' : 'Failed';
        }
        return json(200, {});
      }
    }
  };

  const server = await startServer(handler);
  // Getters must be defined, not copied (Object.assign would copy today's value).
  const sim = Object.defineProperties(server, {
    runRequests: { get: () => counts.runRequests, enumerable: true },
    cancels: { get: () => counts.cancels, enumerable: true },
    rateLimited: { get: () => server.requests.filter((r) => r.status === 429).length, enumerable: true }
  }) as GearsetSim;
  sim.token = token;
  sim.runs = runs;
  sim.arrivals = arrivals;
  sim.addRunRequest = (job, states) => create(job, states).id;
  sim.answerNext = (answer) => void answers.push(answer);
  sim.view = (id) => {
    const run = runs.get(id);
    if (!run) throw new Error(`no run request ${id}`);
    const { State, RunId, StartDateTime, EndDateTime } = view(run);
    return { State, RunId, StartDateTime, EndDateTime };
  };
  return sim;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** `5s`, `1h`, `2.5s`: a window as AspNetCoreRateLimit names its period. */
function period(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

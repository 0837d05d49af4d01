/**
 * Fault schedules: a standing rule on a simulator that keeps injecting faults for a whole run,
 * on a deterministic schedule. Every `period`-th request that some fault may hit gets the next
 * fault kind in a seeded rotation: connection resets, 502 and 503 from a proxy, 429 with
 * Retry-After, slow answers, bodies cut short, malformed JSON, and real answers whose status
 * word flipped to one nobody has seen (UNKNOWN_STATUS).
 *
 * Faults land where they can happen for real and where a client can tell them apart from a
 * good answer: malformed JSON and flipped statuses only on JSON answers (a 200 with wrong bytes
 * on a log or a zip is, to any client, the log or the zip); triggers and other POSTs only get
 * 429, which says the request was not processed (a lost trigger answer is the trigger-at-most-
 * once tests' business, not the schedule's). A period of at least 2 means the retry that
 * follows a fault is never itself hit, so a correct client always gets through.
 */
import type { GearsetSim } from './gearset.js';
import type { GitLabSim } from './gitlab.js';
import type { GoCDSim } from './gocd.js';
import { mutateJson, type Fault, type SimRequest, type SimServer } from './server.js';

/** The status word a flipped answer carries: no remote has it, so no client may read it as an end. */
export const UNKNOWN_STATUS = 'quantum_flux';

export const SCHEDULED_KINDS = [
  'reset',
  '502',
  '503',
  '429',
  'slow',
  'truncate',
  'malformed',
  'unknown-status'
] as const;
export type ScheduledKind = (typeof SCHEDULED_KINDS)[number];

/** What may hit a request whose answer is not JSON (logs, archives, redirects). */
export const TRANSPORT_KINDS: readonly ScheduledKind[] = ['reset', '502', '503', '429', 'slow', 'truncate'];
/** What may hit a JSON answer without a status word to flip. */
export const JSON_KINDS: readonly ScheduledKind[] = [...TRANSPORT_KINDS, 'malformed'];

export interface FaultScheduleOptions {
  /** Picks the rotation order and where in the period the first fault falls (default 1). */
  seed?: number;
  /** The share of eligible requests that get a fault, 0–0.5 (default 0.3 → every 3rd). */
  rate?: number;
  /** The kinds to inject (default all). */
  kinds?: readonly ScheduledKind[];
  /** The kinds that may hit this request; none → it is left alone and not counted. Default: every kind for GETs, none else. */
  eligible?: (req: SimRequest) => readonly ScheduledKind[];
  /** `unknown-status`: rewrites the JSON answer so that its status word is UNKNOWN_STATUS. */
  flip?: (data: unknown, req: SimRequest) => unknown;
  /** `slow`: how late (default 1500 ms). */
  slowMs?: number;
  /** `429`: Retry-After seconds (default 1). */
  retryAfter?: number;
}

export interface FaultSchedule {
  /** Faults injected so far, by kind. */
  readonly counts: Record<ScheduledKind, number>;
  /** All faults injected so far. */
  readonly total: number;
  /** Removes the rule: no more faults. */
  stop(): void;
}

/** mulberry32: a small seeded PRNG, so a seed always gives the same rotation. */
function prng(seed: number): () => number {
  let a = seed >>> 0 || 1;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function emptyCounts(): Record<ScheduledKind, number> {
  return Object.fromEntries(SCHEDULED_KINDS.map((k) => [k, 0])) as Record<ScheduledKind, number>;
}

/** Keeps injecting faults into `server` until stop(). */
export function applyFaultSchedule(server: SimServer, opts: FaultScheduleOptions = {}): FaultSchedule {
  const seed = opts.seed ?? 1;
  const rate = Math.min(0.5, Math.max(0.01, opts.rate ?? 0.3));
  const period = Math.max(2, Math.round(1 / rate));
  const random = prng(seed);
  // The rotation: every kind once, in a seeded order; a kind that cannot hit a request stays at
  // the front until one comes that it can.
  const queue = [...(opts.kinds ?? SCHEDULED_KINDS)];
  for (let i = queue.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [queue[i], queue[j]] = [queue[j], queue[i]];
  }
  const wanted = new Set(queue);
  const eligible = opts.eligible ?? ((req: SimRequest) => (req.method === 'GET' ? SCHEDULED_KINDS : []));
  const counts = emptyCounts();
  let seen = seed % period;

  const toFault = (kind: ScheduledKind): Fault => {
    switch (kind) {
      case 'reset':
        return { kind: 'reset' };
      case '502':
      case '503':
        return { kind: 'status', status: Number(kind) };
      case '429':
        return { kind: 'rate-limit', retryAfter: opts.retryAfter ?? 1 };
      case 'slow':
        return { kind: 'slow', delayMs: opts.slowMs ?? 1500 };
      case 'truncate':
        return { kind: 'truncate' };
      case 'malformed':
        return { kind: 'malformed' };
      case 'unknown-status': {
        const flip = opts.flip ?? ((d: unknown) => d);
        return { kind: 'mutate', mutate: mutateJson(flip) };
      }
    }
  };

  const rule = (req: SimRequest): Fault | undefined => {
    const may = eligible(req).filter((k) => wanted.has(k) && (k !== 'unknown-status' || opts.flip));
    if (!may.length) return undefined;
    seen++;
    if (seen % period !== 0) return undefined;
    const at = queue.findIndex((k) => may.includes(k));
    if (at < 0) return undefined;
    const [kind] = queue.splice(at, 1);
    queue.push(kind);
    counts[kind]++;
    return toFault(kind);
  };
  server.faults.push(rule);
  return {
    counts,
    get total() {
      return Object.values(counts).reduce((a, b) => a + b, 0);
    },
    stop() {
      const i = server.faults.indexOf(rule);
      if (i >= 0) server.faults.splice(i, 1);
    }
  };
}

/** Several schedules read as one. */
function combined(schedules: FaultSchedule[]): FaultSchedule {
  return {
    get counts() {
      const all = emptyCounts();
      for (const s of schedules) for (const k of SCHEDULED_KINDS) all[k] += s.counts[k];
      return all;
    },
    get total() {
      return schedules.reduce((n, s) => n + s.total, 0);
    },
    stop() {
      schedules.forEach((s) => s.stop());
    }
  };
}

type PresetOptions = Omit<FaultScheduleOptions, 'eligible' | 'flip'>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * GitLab: the API (pipeline and job statuses flip; a finished job keeps its status, as a
 * finished GitLab job never changes) and the object storage its artifact downloads go to.
 */
export function gitlabFaultSchedule(sim: GitLabSim, opts: PresetOptions = {}): FaultSchedule {
  const api = applyFaultSchedule(sim, {
    ...opts,
    eligible: (req) => {
      if (req.method === 'POST') return ['429'];
      if (req.method !== 'GET') return [];
      if (/\/trace$/.test(req.path) || /\/artifacts(\/|$)/.test(req.path)) return TRANSPORT_KINDS;
      return SCHEDULED_KINDS;
    },
    flip: (data, req) => {
      if (/\/pipelines\/\d+$/.test(req.path) && isObject(data)) return { ...data, status: UNKNOWN_STATUS };
      const unfinished = (j: unknown): unknown =>
        isObject(j) && !j.finished_at ? { ...j, status: UNKNOWN_STATUS } : j;
      if (/\/jobs\/\d+$/.test(req.path)) return unfinished(data);
      if (/\/(jobs|bridges)$/.test(req.path) && Array.isArray(data)) return data.map(unfinished);
      return data;
    }
  });
  const storage = applyFaultSchedule(sim.storage, {
    ...opts,
    seed: (opts.seed ?? 1) + 7,
    eligible: (req) => (req.method === 'GET' ? TRANSPORT_KINDS : [])
  });
  return combined([api, storage]);
}

/**
 * GoCD: /go/api (stage statuses flip), consoles, artifact listings and files. Artifact listings
 * (`<job>.json`) get no malformed JSON: src/remotes/gocd/ reads them with http.request and
 * gives up on bad JSON without asking again, so the job's artifacts would be skipped with a
 * warning (reported; see __tests__/faults.test.ts).
 */
export function gocdFaultSchedule(sim: GoCDSim, opts: PresetOptions = {}): FaultSchedule {
  return applyFaultSchedule(sim, {
    ...opts,
    eligible: (req) => {
      if (req.method === 'POST') return ['429'];
      if (req.method !== 'GET') return [];
      if (req.path.startsWith('/go/api/')) return SCHEDULED_KINDS;
      return TRANSPORT_KINDS;
    },
    flip: (data, req) => {
      if (
        !/^\/go\/api\/pipelines\/[^/]+\/\d+$/.test(req.path) ||
        !isObject(data) ||
        !Array.isArray(data.stages)
      )
        return data;
      return {
        ...data,
        stages: data.stages.map((s: unknown) =>
          isObject(s) && s.scheduled ? { ...s, status: UNKNOWN_STATUS } : s
        )
      };
    }
  });
}

/**
 * Gearset: run-request States flip while the run goes on (no EndDateTime). An unknown State
 * WITH an end time is how Gearset would announce a new way of ending, which ci-relay reports
 * as `error` (src/remotes/gearset/): that is not a transient fault, so it is not injected.
 */
export function gearsetFaultSchedule(sim: GearsetSim, opts: PresetOptions = {}): FaultSchedule {
  return applyFaultSchedule(sim, {
    ...opts,
    eligible: (req) => {
      if (req.method === 'POST') return ['429'];
      if (req.method !== 'GET') return [];
      return /\/run-requests\/[^/]+$/.test(req.path) ? SCHEDULED_KINDS : JSON_KINDS;
    },
    flip: (data) => (isObject(data) && !data.EndDateTime ? { ...data, State: UNKNOWN_STATUS } : data)
  });
}

/**
 * Flips the status word of the first `times` answers that show the run has ENDED — the answer a
 * client is most tempted to stop on — to UNKNOWN_STATUS. `ended` reads the real answer; `flip`
 * rewrites it. Answers before the end pass untouched.
 */
export function flipWhenEnded(
  server: SimServer,
  opts: {
    match: (req: SimRequest) => boolean;
    ended: (data: unknown) => boolean;
    flip: (data: unknown) => unknown;
    times?: number;
  }
): { readonly flipped: number; stop(): void } {
  const times = opts.times ?? 3;
  let flipped = 0;
  const fault: Fault = {
    kind: 'mutate',
    mutate: mutateJson((data) => {
      if (flipped >= times || !opts.ended(data)) return data;
      flipped++;
      return opts.flip(data);
    })
  };
  const rule = (req: SimRequest): Fault | undefined =>
    flipped < times && opts.match(req) ? fault : undefined;
  server.faults.push(rule);
  return {
    get flipped() {
      return flipped;
    },
    stop() {
      const i = server.faults.indexOf(rule);
      if (i >= 0) server.faults.splice(i, 1);
    }
  };
}

import type { IncomingHttpHeaders } from 'node:http';
import { sleep } from '../core/deadline.js';
import { withinDeadline } from './retries.js';

/**
 * Budget pacing: once the budget left (RateLimit-Remaining, X-Rate-Limit-Remaining) falls to
 * this share of the limit, the requests left are spread evenly until the reset instead of
 * spent at once. When the limit is not a count (Gearset's X-Rate-Limit-Limit is the period,
 * `5s`), the budget is known to be low only at its last request, which then waits for the reset.
 */
const LOW_BUDGET_SHARE = 0.1;
const LOW_BUDGET_REQUESTS = 1;
/**
 * A budget is often shared: a fleet of CI jobs on one bot token, none of which knows how many
 * others there are. Once this share of the limit is spent, a read (GET) waits until the
 * window's time has caught up with the budget spent (half the budget gone → wait for half the
 * window), so the fleet as a whole spends at most the limit per window, however large it is.
 * Writes (trigger, cancel) are never held back by it.
 */
const SHARED_BUDGET_SHARE = 0.5;
/** RateLimit-Limit is per minute (GitLab: limit × 60 s / period, lib/gitlab/rack_attack.rb). */
const BUDGET_WINDOW_MS = 60_000;

/**
 * A server's rate-limit budget as its answers' headers tell it: the times before which no
 * request (`notBefore`) or no read (`readNotBefore`) should be sent. The Http client waits
 * for them, within the step's deadline.
 */
export class RateBudget {
  /** Set from rate-limit headers: no request before this time. */
  notBefore = 0;
  /** Set from a shared budget spent ahead of its window's time: no read before this time. */
  readNotBefore = 0;

  /**
   * Reads the budget headers (GitLab's RateLimit-*, Gearset's X-Rate-Limit-*): with none left,
   * nothing is sent before the reset; with little left, the requests left are spread evenly
   * until the reset, so that the budget lasts instead of ending in a 429. Gearset sends its
   * headers on every answer (PROTOCOLS.md); GitLab documents RateLimit-* on throttled answers
   * (gitlabhq doc/user/admin_area/settings/user_and_ip_rate_limits.md, since 13.8), and proxies
   * in front of it may add them to all: whatever answer carries them is read.
   */
  note(headers: IncomingHttpHeaders): void {
    const raw = header(headers, 'x-rate-limit-remaining') ?? header(headers, 'ratelimit-remaining');
    if (raw === undefined || !Number.isFinite(Number(raw))) return;
    const remaining = Number(raw);
    const now = Date.now();
    const reset = resetTime(headers, now);
    if (reset === undefined || reset <= now) return;
    const until = Math.min(reset, now + 15 * 60_000);
    if (remaining <= 0) {
      this.notBefore = Math.max(this.notBefore, until);
      return;
    }
    const limit = Number(header(headers, 'x-rate-limit-limit') ?? header(headers, 'ratelimit-limit'));
    if (Number.isFinite(limit) && limit > 0 && remaining <= limit * SHARED_BUDGET_SHARE) {
      const window = Math.max(BUDGET_WINDOW_MS, until - now);
      this.readNotBefore = Math.max(
        this.readNotBefore,
        Math.min(until, until - (window * remaining) / limit)
      );
    }
    const low = Number.isFinite(limit) && limit > 0 ? limit * LOW_BUDGET_SHARE : LOW_BUDGET_REQUESTS;
    if (remaining > low) return;
    this.notBefore = Math.max(this.notBefore, now + (until - now) / remaining);
  }
}

/** Seconds (or an HTTP date) in Retry-After; a unix time or ISO date in the reset headers. */
export function retryDelayMs(headers: IncomingHttpHeaders, now = Date.now()): number | undefined {
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = resetTime(headers, now);
  return reset === undefined ? undefined : Math.max(0, reset - now);
}

/** Unix milliseconds or seconds, an ISO/HTTP date, or (small numbers, as the IETF draft has it) seconds from now. */
function resetTime(headers: IncomingHttpHeaders, now = Date.now()): number | undefined {
  const raw = header(headers, 'ratelimit-reset') ?? header(headers, 'x-rate-limit-reset');
  if (!raw) return undefined;
  const n = Number(raw);
  if (Number.isFinite(n)) return n > 1e12 ? n : n < 1e9 ? now + n * 1000 : n * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : date;
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** What pacing needs of the client it serves. */
export interface PaceContext {
  serverName: string;
  signal?: AbortSignal;
  deadline?: number;
  debug?: (message: string) => void;
}

/** Waits while a rate limit's budget is spent, or for this request's share of what is left of it. */
export async function pace(budget: RateBudget, verb: string, ctx: PaceContext): Promise<void> {
  const wait = budget.notBefore - Date.now();
  if (wait > 0) {
    withinDeadline(
      ctx,
      wait,
      `its rate limit budget is spent until ${new Date(budget.notBefore).toISOString()}`
    );
    ctx.debug?.(`${ctx.serverName} rate limit: waiting ${Math.ceil(wait / 100) / 10}s`);
    await sleep(wait, ctx.signal);
  }
  // A shared budget's pacing is a courtesy, not the server's demand: it never ends the step.
  const share = budget.readNotBefore - Date.now();
  const deadline = ctx.deadline;
  if (verb === 'GET' && share > 0 && (deadline === undefined || Date.now() + share < deadline)) {
    ctx.debug?.(
      `${ctx.serverName} rate limit budget shared and spent ahead of time: waiting ${Math.ceil(share / 100) / 10}s`
    );
    await sleep(share, ctx.signal);
  }
}

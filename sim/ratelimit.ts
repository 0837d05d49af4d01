/**
 * gitlab.com's authenticated API limit as a standing FaultRule (sim/server.ts): 2,000 requests a
 * minute per user, counted in fixed windows, and past it a 429 with a plain-text body and the
 * headers GitLab's Rack::Attack answer carries.
 *
 * From GitLab's lib/gitlab/rack_attack.rb (`throttled_response` and `throttled_response_headers`,
 * gitlabhq/gitlabhq): Rack::Attack counts per discriminator (the user, for
 * throttle_authenticated_api) in a window that is `epoch_time / period` (a fixed window, not a
 * sliding one), and a throttled request gets
 *   429, Content-Type: text/plain, body "Retry later" (Gitlab::Throttle.rate_limiting_response_text),
 *   RateLimit-Name: throttle_authenticated_api, RateLimit-Limit: limit × 60 s / period (rounded up),
 *   RateLimit-Observed: the count, RateLimit-Remaining: max(limit − count, 0),
 *   RateLimit-Reset: end of the window (Unix seconds), RateLimit-ResetTime: the same as an HTTP date,
 *   Retry-After: period − (now mod period) seconds.
 * A throttled request still counts (Rack::Attack increments before it compares).
 * gitlab.com's figure, 2,000 a minute for authenticated API traffic: GitLab's
 * doc/user/gitlab_com (rate limits on GitLab.com).
 *
 * gitlab.com also sends the RateLimit-* headers (without Retry-After) on answers that were not
 * throttled, as observed on its API: a FaultRule only shapes the answers it takes, so
 * `headers(req)` gives them for a proxy in front of the simulator to add (bench/fleet.ts).
 */
import type { Fault, FaultRule, SimRequest } from './server.js';

export interface RateLimitOptions {
  /** Requests allowed per period and user (gitlab.com: 2,000). */
  limit?: number;
  /** Seconds (gitlab.com: 60). */
  periodS?: number;
  /** The user a request counts against; default its PRIVATE-TOKEN or bearer token. */
  discriminator?: (req: SimRequest) => string | undefined;
}

export interface RateLimiter {
  /** Push into `server.faults`. */
  rule: FaultRule;
  /** Requests counted (throttled ones included) and throttled, over the limiter's life. */
  readonly counted: number;
  readonly throttled: number;
  /** The budget headers of an answer that was not throttled, for this request's user, now. */
  headers(req: SimRequest): Record<string, string>;
}

export function gitlabRateLimit(opts: RateLimitOptions = {}): RateLimiter {
  const limit = opts.limit ?? 2000;
  const period = opts.periodS ?? 60;
  const who =
    opts.discriminator ??
    ((req: SimRequest): string | undefined => {
      const token = req.headers['private-token'];
      if (typeof token === 'string') return token;
      const auth = req.headers.authorization;
      return typeof auth === 'string' ? auth.replace(/^Bearer\s+/i, '') : undefined;
    });
  const counts = new Map<string, number>();
  let counted = 0;
  let throttled = 0;
  const rule: FaultRule = (req): Fault | undefined => {
    const user = who(req);
    if (user === undefined) return undefined;
    const now = Math.floor(Date.now() / 1000);
    const window = Math.floor(now / period);
    const key = `${user}:${window}`;
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    // Windows gone by are forgotten.
    for (const k of counts.keys()) if (!k.endsWith(`:${window}`)) counts.delete(k);
    counted++;
    if (count <= limit) return undefined;
    throttled++;
    const retryAfter = period - (now % period);
    return {
      kind: 'rate-limit',
      retryAfter,
      headers: { 'content-type': 'text/plain', ...budget(count, now), 'retry-after': String(retryAfter) }
    };
  };
  const budget = (count: number, now: number): Record<string, string> => {
    const reset = now + period - (now % period);
    return {
      'ratelimit-name': 'throttle_authenticated_api',
      'ratelimit-limit': String(Math.ceil((limit * 60) / period)),
      'ratelimit-observed': String(count),
      'ratelimit-remaining': String(Math.max(limit - count, 0)),
      'ratelimit-reset': String(reset),
      'ratelimit-resettime': new Date(reset * 1000).toUTCString()
    };
  };
  return {
    rule,
    headers(req) {
      const user = who(req);
      if (user === undefined) return {};
      const now = Math.floor(Date.now() / 1000);
      return budget(counts.get(`${user}:${Math.floor(now / period)}`) ?? 0, now);
    },
    get counted() {
      return counted;
    },
    get throttled() {
      return throttled;
    }
  };
}

/**
 * sim/ratelimit.ts: gitlab.com's per-user limit as a FaultRule, with Rack::Attack's 429.
 */
import { gitlabRateLimit } from '../sim/ratelimit.js';
import { sendJson, startServer, type SimServer } from '../sim/server.js';

let server: SimServer;

beforeEach(async () => {
  server = await startServer((_req, res) => sendJson(res, 200, { ok: true }));
});

afterEach(() => server.close());

const get = (headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${server.url}/api/v4/projects/1`, { headers });

test('past the limit in a window: 429, "Retry later" and the RateLimit-* headers; other users and anonymous requests are not counted', async () => {
  const limiter = gitlabRateLimit({ limit: 5, periodS: 60 });
  server.faults.push(limiter.rule);
  // Not across a window boundary: the counts start again there.
  const second = new Date().getSeconds();
  if (second > 55) await new Promise((r) => setTimeout(r, (61 - second) * 1000));
  const statuses: number[] = [];
  let last: Response | undefined;
  for (let i = 0; i < 7; i++) {
    last = await get({ 'private-token': 'alice' });
    statuses.push(last.status);
    if (last.status === 429) continue;
    await last.arrayBuffer();
  }
  expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
  const h = last!.headers;
  expect(await last!.text()).toBe('Retry later\n');
  expect(h.get('content-type')).toMatch(/^text\/plain/);
  expect(h.get('ratelimit-name')).toBe('throttle_authenticated_api');
  expect(h.get('ratelimit-limit')).toBe('5');
  expect(h.get('ratelimit-observed')).toBe('7');
  expect(h.get('ratelimit-remaining')).toBe('0');
  const now = Math.floor(Date.now() / 1000);
  const retryAfter = Number(h.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  const reset = Number(h.get('ratelimit-reset'));
  expect(reset % 60).toBe(0);
  expect(Math.abs(reset - (now + retryAfter))).toBeLessThanOrEqual(1);
  expect(h.get('ratelimit-resettime')).toBe(new Date(reset * 1000).toUTCString());
  expect((await get({ authorization: 'Bearer bob' })).status).toBe(200);
  expect((await get()).status).toBe(200);
  expect(limiter.throttled).toBe(2);
  expect(limiter.counted).toBe(8);
});

test('RateLimit-Limit is given per minute whatever the period', async () => {
  const limiter = gitlabRateLimit({ limit: 1, periodS: 30 });
  server.faults.push(limiter.rule);
  const second = new Date().getSeconds() % 30;
  if (second > 27) await new Promise((r) => setTimeout(r, (31 - second) * 1000));
  await (await get({ 'private-token': 'alice' })).arrayBuffer();
  const res = await get({ 'private-token': 'alice' });
  expect(res.status).toBe(429);
  expect(res.headers.get('ratelimit-limit')).toBe('2');
  expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(30);
});

test('headers(req): the budget an answer that was not throttled carries, for its user', async () => {
  const limiter = gitlabRateLimit({ limit: 5, periodS: 60 });
  server.faults.push(limiter.rule);
  const second = new Date().getSeconds();
  if (second > 57) await new Promise((r) => setTimeout(r, (61 - second) * 1000));
  for (let i = 0; i < 2; i++) await (await get({ 'private-token': 'alice' })).arrayBuffer();
  const alice = server.requests[0];
  const h = limiter.headers(alice);
  expect(h['ratelimit-observed']).toBe('2');
  expect(h['ratelimit-remaining']).toBe('3');
  expect(h['ratelimit-limit']).toBe('5');
  expect(Number(h['ratelimit-reset']) % 60).toBe(0);
  expect(h['retry-after']).toBeUndefined();
  expect(limiter.headers({ ...alice, headers: {} })).toEqual({});
});

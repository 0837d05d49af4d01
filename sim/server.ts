/**
 * What every simulator shares: a real HTTP server on 127.0.0.1 with a random port, a record
 * of every request it received (headers included, so tests can check where credentials went),
 * and injectable faults (connection resets before or after the request was handled, 5xx, 429,
 * slow or truncated answers, bad JSON, real answers rewritten). sim/faults.ts turns these into
 * schedules that keep injecting faults for a whole run.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SimRequest {
  method: string;
  /** Path without the query, still percent-encoded (GitLab's `group%2Fname` stays one segment). */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** What a request looked like, kept for assertions. */
export interface RecordedRequest extends SimRequest {
  status: number;
  /** Bytes of body sent back. */
  bytesOut: number;
  fault?: FaultKind;
}

/**
 * - `reset`: the connection is dropped before the request is handled (nothing happened).
 * - `reset-after`: the request IS handled (a trigger creates its run), then the connection is
 *   dropped instead of answering: the client cannot know whether it reached the server.
 * - `status`: a 5xx (or any) answer from a proxy in front of the server; `rate-limit`: 429.
 * - `slow`: the real answer, late. `truncate`: the real answer, cut in half mid-body.
 * - `malformed`: 200 with broken JSON. `mutate`: the real answer rewritten by `mutate` (e.g. a
 *   status word flipped to one the client has never seen).
 * - `silent`: the real status and headers, then not one byte more, the connection left open
 *   (a hung upstream behind a proxy). `drip`: the real answer, `dripBytes` every `delayMs`.
 * - `html`: 200 with an HTML login page, as an SSO or proxy in front of the API answers
 *   (the request never reached the server). `redirect-loop`: 302 to the same URL, forever.
 */
export type FaultKind =
  | 'reset'
  | 'reset-after'
  | 'status'
  | 'rate-limit'
  | 'slow'
  | 'truncate'
  | 'malformed'
  | 'mutate'
  | 'silent'
  | 'drip'
  | 'html'
  | 'redirect-loop';

export interface Fault {
  kind: FaultKind;
  /** Which requests it may hit; all when absent. */
  match?: (req: SimRequest) => boolean;
  /** How many requests it hits before it is spent (default 1). */
  times?: number;
  /** `status`: the status to answer (default 502). */
  status?: number;
  /** `rate-limit`: Retry-After seconds (default 1). */
  retryAfter?: number;
  /** Headers added to the fault's answer (e.g. a server's own rate-limit headers). */
  headers?: http.OutgoingHttpHeaders;
  /** `drip`: bytes sent at each step (default 64). */
  dripBytes?: number;
  /** `slow`: delay before answering, ms (default 2000); `drip`: between steps (default 200). */
  delayMs?: number;
  /** `status`: the body to answer (default a proxy's HTML page). */
  body?: string | Buffer;
  /** `mutate`: rewrites the real answer's body (see `mutateJson` for JSON answers). */
  mutate?: (body: Buffer, req: SimRequest, status: number) => Buffer;
}

/**
 * A standing rule consulted for every request that no queued fault took: returns the fault
 * to inject into this one, or undefined. Rules are never used up (sim/faults.ts).
 */
export type FaultRule = (req: SimRequest) => Fault | undefined;

/** A `mutate` function for JSON answers: parses, rewrites, re-serializes; other bodies pass untouched. */
export function mutateJson(fn: (data: unknown, req: SimRequest) => unknown): NonNullable<Fault['mutate']> {
  return (body, req) => {
    let data: unknown;
    try {
      data = JSON.parse(body.toString('utf8'));
    } catch {
      return body;
    }
    return Buffer.from(JSON.stringify(fn(data, req)));
  };
}

export type Handler = (req: SimRequest, res: http.ServerResponse) => void | Promise<void>;

export interface SimServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Faults still to be injected, applied in order to matching requests; rules stay for good. */
  faults: (Fault | FaultRule)[];
  /** Faults injected so far. */
  injected: { kind: FaultKind; path: string }[];
  close(): Promise<void>;
}

export async function startServer(handler: Handler, opts: { host?: string } = {}): Promise<SimServer> {
  const requests: RecordedRequest[] = [];
  const faults: (Fault | FaultRule)[] = [];
  const injected: { kind: FaultKind; path: string }[] = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://sim');
      const simReq: SimRequest = {
        method: req.method ?? 'GET',
        path: u.pathname,
        query: u.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks)
      };
      const record: RecordedRequest = { ...simReq, status: 0, bytesOut: 0 };
      requests.push(record);
      const origWrite = res.write.bind(res);
      const origEnd = res.end.bind(res);
      res.write = ((chunk: unknown, ...rest: unknown[]) => {
        if (chunk) record.bytesOut += Buffer.byteLength(chunk as Buffer);
        return (origWrite as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof res.write;
      res.end = ((chunk?: unknown, ...rest: unknown[]) => {
        if (chunk && typeof chunk !== 'function') record.bytesOut += Buffer.byteLength(chunk as Buffer);
        record.status = res.statusCode;
        return (origEnd as (...a: unknown[]) => http.ServerResponse)(chunk, ...rest);
      }) as typeof res.end;

      const fault = takeFault(faults, simReq);
      if (fault) {
        record.fault = fault.kind;
        injected.push({ kind: fault.kind, path: simReq.path });
        return void injectFault(fault, simReq, res, handler).catch(() => res.destroy());
      }
      Promise.resolve(handler(simReq, res)).catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { message: `simulator error: ${String(err)}` });
        else res.destroy();
      });
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, opts.host ?? '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    faults,
    injected,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })
  };
}

function takeFault(faults: (Fault | FaultRule)[], req: SimRequest): Fault | undefined {
  const queued = faults.findIndex((f) => typeof f !== 'function' && (!f.match || f.match(req)));
  if (queued >= 0) {
    const fault = faults[queued] as Fault;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) faults.splice(queued, 1);
    return fault;
  }
  for (const rule of faults) {
    if (typeof rule !== 'function') continue;
    const fault = rule(req);
    if (fault) return fault;
  }
  return undefined;
}

interface Captured {
  status: number;
  headers: http.OutgoingHttpHeaders;
  body: Buffer;
}

/**
 * Runs the real handler against a stand-in response and hands back what it would have sent,
 * so that a fault can do something else with it (cut it, rewrite it, or drop it).
 */
function capture(handler: Handler, req: SimRequest, res: http.ServerResponse): Promise<Captured> {
  return new Promise<Captured>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const fake = Object.create(res) as http.ServerResponse;
    let status: number | undefined;
    let headers: http.OutgoingHttpHeaders = {};
    let ended = false;
    fake.writeHead = ((s: number, h?: http.OutgoingHttpHeaders | string) => {
      status = s;
      if (h && typeof h === 'object') for (const [k, v] of Object.entries(h)) headers[k.toLowerCase()] = v;
      return fake;
    }) as typeof res.writeHead;
    fake.setHeader = ((k: string, v: string) => {
      headers[k.toLowerCase()] = v;
      return fake;
    }) as typeof res.setHeader;
    fake.write = ((c: Buffer | string) => {
      if (c !== undefined && c !== null) chunks.push(Buffer.from(c));
      return true;
    }) as typeof res.write;
    fake.end = ((c?: Buffer | string | (() => void)) => {
      if (c !== undefined && c !== null && typeof c !== 'function') chunks.push(Buffer.from(c));
      if (!ended) {
        ended = true;
        headers = { ...headers };
        delete headers['content-length'];
        resolve({ status: status ?? fake.statusCode ?? 200, headers, body: Buffer.concat(chunks) });
      }
      return fake;
    }) as typeof res.end;
    Promise.resolve(handler(req, fake)).catch(reject);
  });
}

async function injectFault(
  fault: Fault,
  req: SimRequest,
  res: http.ServerResponse,
  handler: Handler
): Promise<void> {
  switch (fault.kind) {
    case 'reset':
      res.socket?.destroy();
      return;
    case 'reset-after':
      // The server did the work; the answer is lost on the way back.
      try {
        await capture(handler, req, res);
      } finally {
        res.socket?.destroy();
      }
      return;
    case 'status': {
      const status = fault.status ?? 502;
      const reason = http.STATUS_CODES[status] ?? 'Error';
      return sendText(res, status, fault.body ?? `<html><body><h1>${status} ${reason}</h1></body></html>`, {
        'content-type': fault.body === undefined ? 'text/html' : 'text/plain; charset=utf-8',
        ...fault.headers
      });
    }
    case 'rate-limit': {
      // As GitLab's Rack::Attack answers: Retry-After and the RateLimit-* headers, text body.
      const retryAfter = fault.retryAfter ?? 1;
      const reset = Math.floor(Date.now() / 1000) + retryAfter;
      return sendText(res, 429, 'Retry later\n', {
        'retry-after': String(retryAfter),
        'ratelimit-remaining': '0',
        'ratelimit-reset': String(reset),
        'ratelimit-resettime': new Date(reset * 1000).toUTCString(),
        ...fault.headers
      });
    }
    case 'malformed':
      return sendText(res, 200, '{"status": "runn', { 'content-type': 'application/json' });
    case 'slow':
      await new Promise((r) => setTimeout(r, fault.delayMs ?? 2000));
      return handler(req, res);
    case 'truncate': {
      // Answer for real, but cut the body in half while promising all of it.
      const { status, headers, body } = await capture(handler, req, res);
      res.writeHead(status, { ...headers, 'content-length': String(body.length) });
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
      return;
    }
    case 'silent': {
      // Headers go out at once; the body never comes (nor the end of it).
      const { status, headers } = await capture(handler, req, res);
      res.writeHead(status, headers);
      res.flushHeaders();
      return;
    }
    case 'drip': {
      const { status, headers, body } = await capture(handler, req, res);
      res.writeHead(status, { ...headers, 'content-length': String(body.length) });
      const step = fault.dripBytes ?? 64;
      for (let at = 0; at < body.length && !res.destroyed; at += step) {
        res.write(body.subarray(at, at + step));
        await sleep(fault.delayMs ?? 200);
      }
      res.end();
      return;
    }
    case 'html':
      return sendText(
        res,
        200,
        '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><form action="/sso/login">Sign in to continue</form></body></html>\n',
        { 'content-type': 'text/html; charset=utf-8', ...fault.headers }
      );
    case 'redirect-loop':
      res.writeHead(302, { location: `${req.path}?${req.query.toString()}`, 'content-length': '0' });
      res.end();
      return;
    case 'mutate': {
      const { status, headers, body } = await capture(handler, req, res);
      const out = fault.mutate ? fault.mutate(body, req, status) : body;
      res.writeHead(status, { ...headers, 'content-length': String(out.length) });
      res.end(out);
      return;
    }
  }
}

export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: http.OutgoingHttpHeaders = {}
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers
  });
  res.end(text);
}

export function sendText(
  res: http.ServerResponse,
  status: number,
  text: string | Buffer,
  headers: http.OutgoingHttpHeaders = {}
): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers
  });
  res.end(text);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

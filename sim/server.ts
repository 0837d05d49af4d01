/**
 * What every simulator shares: a real HTTP server on 127.0.0.1 with a random port, a record
 * of every request it received (headers included, so tests can check where credentials went),
 * and injectable faults (connection resets, 5xx, 429, slow or truncated answers, bad JSON).
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

export type FaultKind = 'reset' | 'status' | 'rate-limit' | 'slow' | 'truncate' | 'malformed';

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
  /** `slow`: delay before answering, ms (default 2000). */
  delayMs?: number;
}

export type Handler = (req: SimRequest, res: http.ServerResponse) => void | Promise<void>;

export interface SimServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Faults still to be injected, applied in order to matching requests. */
  faults: Fault[];
  /** Faults injected so far. */
  injected: { kind: FaultKind; path: string }[];
  close(): Promise<void>;
}

export async function startServer(handler: Handler, opts: { host?: string } = {}): Promise<SimServer> {
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
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
        return void injectFault(fault, simReq, res, handler);
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

function takeFault(faults: Fault[], req: SimRequest): Fault | undefined {
  const i = faults.findIndex((f) => !f.match || f.match(req));
  if (i < 0) return undefined;
  const fault = faults[i];
  fault.times = (fault.times ?? 1) - 1;
  if (fault.times <= 0) faults.splice(i, 1);
  return fault;
}

async function injectFault(fault: Fault, req: SimRequest, res: http.ServerResponse, handler: Handler): Promise<void> {
  switch (fault.kind) {
    case 'reset':
      res.socket?.destroy();
      return;
    case 'status':
      return sendText(res, fault.status ?? 502, `<html><body><h1>${fault.status ?? 502} Bad Gateway</h1></body></html>`, {
        'content-type': 'text/html',
        ...fault.headers
      });
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
      const captured: Buffer[] = [];
      const fake = Object.create(res) as http.ServerResponse;
      let status = 200;
      let headers: http.OutgoingHttpHeaders = {};
      fake.writeHead = ((s: number, h?: http.OutgoingHttpHeaders) => {
        status = s;
        headers = { ...headers, ...(h ?? {}) };
        return fake;
      }) as typeof res.writeHead;
      fake.setHeader = ((k: string, v: string) => {
        headers[k.toLowerCase()] = v;
        return fake;
      }) as typeof res.setHeader;
      fake.write = ((c: Buffer | string) => {
        captured.push(Buffer.from(c));
        return true;
      }) as typeof res.write;
      fake.end = ((c?: Buffer | string) => {
        if (c && typeof c !== 'function') captured.push(Buffer.from(c));
        const body = Buffer.concat(captured);
        delete headers['content-length'];
        res.writeHead(status, { ...headers, 'content-length': String(body.length) });
        res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
        return fake;
      }) as typeof res.end;
      return handler(req, fake);
    }
  }
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendText(res: http.ServerResponse, status: number, text: string | Buffer, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * src/transport/ against real servers on 127.0.0.1: where credentials go across redirects, TLS
 * (a self-signed certificate made with openssl, trusted through caCert or tlsVerify: false),
 * retries and what is never retried, server messages, resumed downloads, rate-limit pacing
 * and proxies from the environment.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Deadline } from '../src/core/deadline.js';
import { AbortedError, AmbiguousRequestError, DeadlineError, RemoteError } from '../src/core/errors.js';
import { Http, type HttpConfig } from '../src/transport/http.js';
import { retryDelayMs } from '../src/transport/budget.js';
import { serverMessage } from '../src/transport/json.js';
import { sleep } from '../src/core/deadline.js';
import { sendJson, sendText, startServer, type Handler, type SimServer } from '../sim/server.js';
import { selfSignedCert } from './helpers/tls.js';

const TOKEN = 'glpat-http-test-T0KEN';

let tmp: string;
const servers: { close(): Promise<void> }[] = [];
const clients: Http[] = [];

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-relay-http-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
afterEach(async () => {
  clients.splice(0).forEach((c) => c.dispose());
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A sim server whose requests also carry their arrival time. */
async function sim(
  handler: Handler = (_req, res) => sendJson(res, 200, { ok: true })
): Promise<SimServer & { at: number[] }> {
  const at: number[] = [];
  const s = await startServer((req, res) => {
    at.push(Date.now());
    return handler(req, res);
  });
  servers.push(s);
  return Object.assign(s, { at });
}

function client(config: Partial<HttpConfig> & { baseUrl: string }): Http {
  const h = new Http({
    credentials: { 'private-token': TOKEN },
    serverName: 'TestServer',
    backoffMs: 20,
    ...config
  });
  clients.push(h);
  return h;
}

/** A plain node:http or node:https server we drive by hand. */
async function listen<S extends http.Server | https.Server>(
  server: S,
  host = '127.0.0.1'
): Promise<{ server: S; port: number }> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  servers.push({
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })
  });
  return { server, port: (server.address() as AddressInfo).port };
}

/** A port on which nothing listens. */
async function deadPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('credentials and redirects', () => {
  test('credentials go to the base origin', async () => {
    const s = await sim();
    const h = client({ baseUrl: `${s.url}/api/v4/` });
    expect(await h.json('GET', 'projects/1')).toEqual({ ok: true });
    expect(s.requests[0].path).toBe('/api/v4/projects/1');
    expect(s.requests[0].headers['private-token']).toBe(TOKEN);
  });

  test.each([301, 302, 303, 307, 308])('a %d to another origin carries no credentials', async (status) => {
    const storage = await sim((_req, res) => sendText(res, 200, 'artifact bytes'));
    const api = await sim((_req, res) => {
      res.writeHead(status, { location: `${storage.url}/bucket/file.zip?X-Amz-Signature=abc` });
      res.end();
    });
    const h = client({
      baseUrl: `${api.url}/api/v4`,
      credentials: { 'private-token': TOKEN, authorization: `Bearer ${TOKEN}` }
    });
    const res = await h.request('GET', 'jobs/1/artifacts', { headers: { 'x-extra': 'kept' } });
    expect(res.body.toString()).toBe('artifact bytes');
    expect(res.url).toBe(`${storage.url}/bucket/file.zip?X-Amz-Signature=abc`);
    expect(api.requests[0].headers['private-token']).toBe(TOKEN);
    expect(api.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(storage.requests).toHaveLength(1);
    expect(storage.requests[0].headers['private-token']).toBeUndefined();
    expect(storage.requests[0].headers.authorization).toBeUndefined();
    expect(JSON.stringify(storage.requests[0].headers)).not.toContain(TOKEN);
    expect(storage.requests[0].headers['x-extra']).toBe('kept');
  });

  test('a redirect to the same host on another port is another origin', async () => {
    const other = await sim((_req, res) => sendJson(res, 200, { there: true }));
    const api = await sim((_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${other.port}/x` });
      res.end();
    });
    await client({ baseUrl: api.url }).json('GET', 'start');
    expect(other.requests[0].headers['private-token']).toBeUndefined();
  });

  test('a redirect to the same origin keeps the credentials', async () => {
    const s = await sim((req, res) => {
      if (req.path === '/api/v4/old') {
        res.writeHead(301, { location: '/api/v4/new' });
        return void res.end();
      }
      sendJson(res, 200, { path: req.path });
    });
    const h = client({ baseUrl: `${s.url}/api/v4` });
    expect(await h.json('GET', 'old')).toEqual({ path: '/api/v4/new' });
    expect(s.requests.map((r) => r.headers['private-token'])).toEqual([TOKEN, TOKEN]);
  });

  test('credentials come back when a redirect chain returns to our origin, but not in between', async () => {
    let apiUrl = '';
    const middle = await sim((_req, res) => {
      res.writeHead(302, { location: `${apiUrl}/back` });
      res.end();
    });
    const api = await sim((req, res) => {
      if (req.path === '/start') {
        res.writeHead(302, { location: `${middle.url}/hop` });
        return void res.end();
      }
      sendJson(res, 200, { done: true });
    });
    apiUrl = api.url;
    expect(await client({ baseUrl: api.url }).json('GET', 'start')).toEqual({ done: true });
    expect(middle.requests[0].headers['private-token']).toBeUndefined();
    expect(api.requests.map((r) => r.headers['private-token'])).toEqual([TOKEN, TOKEN]);
  });

  test('a 303 after a POST becomes a GET without the body; a 307 repeats the POST', async () => {
    const s = await sim((req, res) => {
      if (req.path === '/see-other') {
        res.writeHead(303, { location: '/result' });
        return void res.end();
      }
      if (req.path === '/temporary') {
        res.writeHead(307, { location: '/again' });
        return void res.end();
      }
      sendJson(res, 200, { method: req.method, body: req.body.toString() });
    });
    const h = client({ baseUrl: s.url });
    expect(await h.json('POST', 'see-other', { json: { a: 1 } })).toEqual({ method: 'GET', body: '' });
    expect(await h.json('POST', 'temporary', { json: { a: 1 } })).toEqual({
      method: 'POST',
      body: '{"a":1}'
    });
  });

  test('too many redirects are an error naming the host, never an answer', async () => {
    const s = await sim();
    s.faults.push({ kind: 'redirect-loop', times: 100 });
    const err = await client({ baseUrl: s.url })
      .request('GET', 'loop')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as Error).message).toBe(
      'TestServer: 127.0.0.1:' +
        s.port +
        ' redirected /loop more than 5 times (a redirect loop?); ci-relay gave up'
    );
    expect(s.requests.length).toBe(6);
  });

  test('an http→https redirect on the same host is followed (each protocol gets its own agent)', async () => {
    const tls = await tlsServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"secure":true}');
    });
    const plain = await sim((_req, res) => {
      res.writeHead(301, { location: `https://127.0.0.1:${tls.port}/api` });
      res.end();
    });
    const h = client({ baseUrl: plain.url, caCert: cert.pem });
    expect(await h.json('GET', 'api')).toEqual({ secure: true });
    // And back to the plain server with the same client.
    expect(await h.json('GET', 'api')).toEqual({ secure: true });
    expect(tls.requests[0].headers['private-token']).toBeUndefined();
  });
});

/* ---------------------------------------------------------------- TLS */

const cert = { pem: '', key: '', otherPem: '', otherKey: '' };

beforeAll(() => {
  const a = selfSignedCert(tmp, 'ci-relay-test-ca');
  const b = selfSignedCert(tmp, 'someone-else');
  cert.pem = a.pem;
  cert.key = a.key;
  cert.otherPem = b.pem;
  cert.otherKey = b.key;
});

interface TlsServer {
  port: number;
  url: string;
  requests: { path: string; headers: http.IncomingHttpHeaders }[];
}

async function tlsServer(
  handler: http.RequestListener,
  which: 'ours' | 'other' = 'ours'
): Promise<TlsServer> {
  const requests: TlsServer['requests'] = [];
  const server = https.createServer(
    { key: which === 'ours' ? cert.key : cert.otherKey, cert: which === 'ours' ? cert.pem : cert.otherPem },
    (req, res) => {
      requests.push({ path: req.url ?? '', headers: req.headers });
      handler(req, res);
    }
  );
  const { port } = await listen(server);
  return { port, url: `https://127.0.0.1:${port}`, requests };
}

describe('TLS', () => {
  const ok: http.RequestListener = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"tls":"ok"}');
  };

  test('caCert trusts a self-signed server', async () => {
    const s = await tlsServer(ok);
    const h = client({ baseUrl: s.url, caCert: cert.pem });
    expect(await h.json('GET', 'x')).toEqual({ tls: 'ok' });
    expect(s.requests[0].headers['private-token']).toBe(TOKEN);
  });

  test('without caCert the self-signed server is refused, not retried, as a RemoteError', async () => {
    const s = await tlsServer(ok);
    const h = client({ baseUrl: s.url });
    const err = await rejection(h.json('GET', 'x'));
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.message).toMatch(/TestServer/);
    expect(err.message).toMatch(/certificate/i);
    expect(h.stats.retries).toBe(0);
    expect(s.requests).toHaveLength(0);
  });

  test('caCert for another CA does not trust the server', async () => {
    const s = await tlsServer(ok, 'other');
    const h = client({ baseUrl: s.url, caCert: cert.pem });
    await expect(h.json('GET', 'x')).rejects.toThrow(/certificate/i);
    expect(s.requests).toHaveLength(0);
  });

  test('tlsVerify: false accepts any certificate', async () => {
    const s = await tlsServer(ok, 'other');
    const h = client({ baseUrl: s.url, tlsVerify: false });
    expect(await h.json('GET', 'x')).toEqual({ tls: 'ok' });
  });

  test('an https→http redirect is refused and the http server sees nothing', async () => {
    const plain = await sim();
    const s = await tlsServer((_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${plain.port}/downgraded` });
      res.end();
    });
    const h = client({ baseUrl: s.url, caCert: cert.pem });
    const err = await rejection(h.json('GET', 'x'));
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.message).toMatch(/refuses to downgrade/);
    expect(plain.requests).toHaveLength(0);
    expect(h.stats.retries).toBe(0);
  });
});

/* ---------------------------------------------------------------- retries */

describe('retries', () => {
  test('a GET is retried after 502, 503, a reset and a 504, and succeeds', async () => {
    const s = await sim((_req, res) => sendJson(res, 200, { status: 'running' }));
    s.faults.push(
      { kind: 'status', status: 502 },
      { kind: 'status', status: 503 },
      { kind: 'reset' },
      { kind: 'status', status: 504 }
    );
    const h = client({ baseUrl: s.url });
    expect(await h.json('GET', 'pipelines/1')).toEqual({ status: 'running' });
    expect(s.requests).toHaveLength(5);
    expect(h.stats.retries).toBe(4);
    expect(h.stats.requests).toBe(5);
  });

  test('a GET gives up after maxAttempts with a RemoteError holding the status', async () => {
    const s = await sim();
    s.faults.push({ kind: 'status', status: 503, times: 10 });
    const h = client({ baseUrl: s.url, maxAttempts: 3 });
    const err = (await rejection(h.json('GET', 'x'))) as RemoteError;
    expect(err).toBeInstanceOf(RemoteError);
    expect(err).not.toBeInstanceOf(AmbiguousRequestError);
    expect(err.status).toBe(503);
    expect(err.message).toMatch(/TestServer answered 503/);
    expect(err.message).toMatch(/gave up after 3 attempts/);
    expect(s.requests).toHaveLength(3);
  });

  test('a 429 waits for Retry-After', async () => {
    let calls = 0;
    const s = await sim((_req, res) =>
      ++calls === 1
        ? sendText(res, 429, 'Slow down', { 'retry-after': '1' })
        : sendJson(res, 200, { ok: true })
    );
    const notes: string[] = [];
    const h = client({ baseUrl: s.url, debug: (m) => notes.push(m) });
    expect(await h.json('GET', 'x')).toEqual({ ok: true });
    expect(s.requests.map((r) => r.status)).toEqual([429, 200]);
    expect(notes.join('\n')).toMatch(/trying again in 1s/);
    // The backoff alone would have been ~20ms.
    expect(s.at[1] - s.at[0]).toBeGreaterThanOrEqual(950);
  });

  test('a POST is not retried after a 502: AmbiguousRequestError, one POST seen', async () => {
    const s = await sim((_req, res) => sendJson(res, 201, { id: 1 }));
    s.faults.push({ kind: 'status', status: 502 });
    const h = client({ baseUrl: s.url });
    const err = await rejection(h.json('POST', 'projects/1/pipeline', { json: { ref: 'main' } }));
    expect(err).toBeInstanceOf(AmbiguousRequestError);
    expect(err.message).toMatch(/may or may not have reached TestServer/);
    expect(s.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(h.stats.retries).toBe(0);
  });

  test('a POST is not retried after a connection reset', async () => {
    const s = await sim((_req, res) => sendJson(res, 201, { id: 1 }));
    s.faults.push({ kind: 'reset' });
    const h = client({ baseUrl: s.url });
    await expect(h.request('POST', 'trigger', { form: { token: 'x' } })).rejects.toBeInstanceOf(
      AmbiguousRequestError
    );
    expect(s.requests).toHaveLength(1);
  });

  test('a POST whose answer is not JSON is not retried either', async () => {
    const s = await sim((_req, res) => sendJson(res, 201, { id: 1 }));
    s.faults.push({ kind: 'malformed' });
    const h = client({ baseUrl: s.url });
    await expect(h.json('POST', 'trigger', { json: {} })).rejects.toBeInstanceOf(AmbiguousRequestError);
    expect(s.requests).toHaveLength(1);
  });

  test('an idempotent POST (a cancel) is retried', async () => {
    const s = await sim((_req, res) => sendJson(res, 200, { canceled: true }));
    s.faults.push({ kind: 'status', status: 502 });
    const h = client({ baseUrl: s.url });
    expect(await h.json('POST', 'cancel', { idempotent: true })).toEqual({ canceled: true });
    expect(s.requests).toHaveLength(2);
  });

  test('a POST refused with 429 was not acted on, so it is sent again', async () => {
    const s = await sim((_req, res) => sendJson(res, 201, { id: 7 }));
    s.faults.push({ kind: 'rate-limit', retryAfter: 0 });
    const h = client({ baseUrl: s.url });
    expect(await h.json('POST', 'trigger', { json: {} })).toEqual({ id: 7 });
    expect(s.requests.map((r) => r.status)).toEqual([429, 201]);
  });

  test('a POST to a port where nothing listens was never sent: it is retried, and reaches the server once it is up', async () => {
    const port = await deadPort();
    const received: string[] = [];
    let started: Promise<unknown> | undefined;
    const h = client({
      baseUrl: `http://127.0.0.1:${port}`,
      backoffMs: 200,
      debug: (m) => {
        if (/trying again/.test(m) && !started) {
          const server = http.createServer((req, res) => {
            received.push(req.method ?? '');
            req.resume();
            req.on('end', () => {
              res.writeHead(201, { 'content-type': 'application/json' });
              res.end('{"created":true}');
            });
          });
          started = new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
          servers.push({
            close: () =>
              new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
              })
          });
        }
      }
    });
    expect(await h.json('POST', 'trigger', { json: { go: 1 } })).toEqual({ created: true });
    expect(received).toEqual(['POST']);
    expect(h.stats.retries).toBeGreaterThanOrEqual(1);
  });

  test('a POST to a dead port gives up as a RemoteError, not an ambiguous one', async () => {
    const port = await deadPort();
    const h = client({ baseUrl: `http://127.0.0.1:${port}`, maxAttempts: 2 });
    const err = await rejection(h.json('POST', 'trigger', { json: {} }));
    expect(err).toBeInstanceOf(RemoteError);
    expect(err).not.toBeInstanceOf(AmbiguousRequestError);
    expect(err.message).toMatch(/ECONNREFUSED/);
    expect(err.message).toMatch(/gave up after 2 attempts/);
  });

  test('malformed JSON on a GET is retried', async () => {
    const s = await sim((_req, res) => sendJson(res, 200, { status: 'success' }));
    s.faults.push({ kind: 'malformed' });
    const h = client({ baseUrl: s.url });
    expect(await h.json('GET', 'x')).toEqual({ status: 'success' });
    expect(h.stats.retries).toBe(1);
  });

  test('a body cut short on a GET is retried', async () => {
    const s = await sim((_req, res) => sendJson(res, 200, { long: 'x'.repeat(10_000) }));
    s.faults.push({ kind: 'truncate' });
    const h = client({ baseUrl: s.url });
    expect(await h.json<{ long: string }>('GET', 'x')).toEqual({ long: 'x'.repeat(10_000) });
    expect(s.requests).toHaveLength(2);
  });

  test('an abort signal ends the wait between attempts', async () => {
    const s = await sim();
    s.faults.push({ kind: 'status', status: 503, times: 100 });
    const abort = new AbortController();
    const h = client({
      baseUrl: s.url,
      backoffMs: 60_000,
      signal: abort.signal,
      debug: (m) => {
        if (/trying again/.test(m)) abort.abort();
      }
    });
    await expect(h.json('GET', 'x')).rejects.toBeInstanceOf(AbortedError);
    expect(s.requests).toHaveLength(1);
  });

  test('an empty JSON body is null', async () => {
    const s = await sim((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    expect(await client({ baseUrl: s.url }).json('POST', 'x', { idempotent: true })).toBeNull();
  });
});

/* ---------------------------------------------------------------- errors */

describe('errors carry the server message', () => {
  test.each([
    [404, { message: '404 Project Not Found' }, '404 Project Not Found'],
    [400, { message: { base: ['reference not found'] } }, 'reference not found ('],
    [
      400,
      { message: { ref: ['is missing'], variables: ['is invalid'] } },
      'ref is missing; variables is invalid'
    ],
    [404, { Message: 'No CI job with that id' }, 'No CI job with that id'],
    [401, { error: 'invalid_token', error_description: 'Token was revoked' }, 'invalid_token'],
    [
      422,
      { title: 'One or more validation errors occurred.', status: 422 },
      'One or more validation errors occurred.'
    ],
    [409, { errors: ['first problem', 'second problem'] }, 'first problem; second problem'],
    [403, 'You are not allowed to trigger this pipeline', 'You are not allowed to trigger this pipeline'],
    [404, '<html><body><h1>Not Found</h1><p>No such page</p></body></html>', 'Not Found No such page']
  ])('%d %j', async (status, body, message) => {
    const s = await sim((_req, res) =>
      typeof body === 'string' ? sendText(res, status, body) : sendJson(res, status, body)
    );
    const h = client({ baseUrl: s.url });
    const err = (await rejection(h.json('GET', 'projects/1'))) as RemoteError;
    expect(err).toBeInstanceOf(RemoteError);
    expect(err).not.toBeInstanceOf(AmbiguousRequestError);
    expect(err.status).toBe(status);
    expect(err.message).toContain(`TestServer answered ${status}: ${message}`);
    expect(err.message).not.toContain('base');
    expect(err.message).toContain('/projects/1');
    expect(s.requests).toHaveLength(1);
  });

  test('a status in accept is returned, not raised', async () => {
    const s = await sim((_req, res) => sendJson(res, 404, { message: 'none' }));
    const res = await client({ baseUrl: s.url }).jsonResponse('GET', 'x', { accept: [404] });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: 'none' });
  });

  test('messages never show the query string of a URL', async () => {
    const storage = await sim((_req, res) => sendText(res, 403, 'Request has expired'));
    const api = await sim((_req, res) => {
      res.writeHead(302, { location: `${storage.url}/bucket/a.zip?X-Amz-Signature=SIGNATURE123` });
      res.end();
    });
    const err = await rejection(client({ baseUrl: api.url }).request('GET', 'artifacts?private_token=abc'));
    expect(err.message).toContain('Request has expired');
    expect(err.message).toContain(`${storage.url}/bucket/a.zip`);
    expect(err.message).not.toContain('SIGNATURE123');
  });
});

describe('serverMessage', () => {
  test.each([
    ['', ''],
    ['   ', ''],
    ['"just a string"', 'just a string'],
    ['{"message":"m"}', 'm'],
    ['{"Message":"M"}', 'M'],
    ['{"error":{"message":"nested"}}', 'message nested'],
    ['{"message":{"base":["a","b"]}}', 'a; b'],
    ['{"message":{"base":["x"],"ref":["is bad"]}}', 'x; ref is bad'],
    ['[{"message":"one"},{"message":"two"}]', 'one; two'],
    ['{"unknown":"shape"}', '{"unknown":"shape"}'],
    ['{"message":null,"error":"second key"}', 'second key'],
    ['<p>Bad\n\n  gateway</p>', 'Bad gateway']
  ])('%j → %j', (body, message) => {
    expect(serverMessage(body)).toBe(message);
  });
  test('long text is cut', () => {
    const out = serverMessage(Buffer.from('x'.repeat(2000)));
    expect(out).toHaveLength(501);
    expect(out.endsWith('…')).toBe(true);
  });
});

describe('retryDelayMs', () => {
  const now = Date.UTC(2030, 0, 1, 12, 0, 0);
  test.each([
    [{ 'retry-after': '5' }, 5000],
    [{ 'retry-after': '0' }, 0],
    [{ 'retry-after': new Date(now + 7000).toUTCString() }, 7000],
    [{ 'retry-after': new Date(now - 7000).toUTCString() }, 0],
    [{ 'ratelimit-reset': String(now / 1000 + 30) }, 30_000],
    [{ 'x-rate-limit-reset': new Date(now + 2500).toISOString() }, 2500],
    [{ 'x-rate-limit-reset': String(now + 4000) }, 4000],
    [{ 'ratelimit-reset': '30' }, 30_000],
    [{}, undefined],
    [{ 'retry-after': 'soon' }, undefined]
  ])('%j → %s', (headers, ms) => {
    expect(retryDelayMs(headers, now)).toBe(ms);
  });
  test('Retry-After wins over the reset headers', () => {
    expect(retryDelayMs({ 'retry-after': '2', 'ratelimit-reset': String(now / 1000 + 60) }, now)).toBe(2000);
  });
});

/* ---------------------------------------------------------------- downloads */

describe('download', () => {
  test('a disk error (a folder that is a file) is not retried as if the network had failed', async () => {
    const s = await sim((_req, res) => sendText(res, 200, 'artifact bytes'));
    const blocker = path.join(tmp, 'not-a-folder');
    fs.writeFileSync(blocker, 'x');
    const err = await rejection(client({ baseUrl: s.url }).download('file', path.join(blocker, 'out.bin')));
    expect((err as NodeJS.ErrnoException).code).toBe('ENOTDIR');
    expect(s.requests).toHaveLength(1);
  });

  const payload = randomBytes(300_000);

  /**
   * Serves `payload`; the first answer promises all of it and breaks off half way, once the
   * client has that half on disk (else it may drop what it buffered, and start over).
   */
  function flakyServer(rangeSupport: boolean, file: string): Handler {
    let calls = 0;
    return async (req, res) => {
      calls++;
      const range = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''));
      if (calls === 1) {
        res.writeHead(200, { 'content-length': payload.length, 'content-type': 'application/zip' });
        res.write(payload.subarray(0, payload.length / 2));
        while (!fs.existsSync(file) || fs.statSync(file).size < payload.length / 2) await sleep(5);
        res.socket?.destroy();
        return;
      }
      if (rangeSupport && range) {
        const from = Number(range[1]);
        res.writeHead(206, {
          'content-length': payload.length - from,
          'content-range': `bytes ${from}-${payload.length - 1}/${payload.length}`
        });
        return void res.end(payload.subarray(from));
      }
      res.writeHead(200, { 'content-length': payload.length });
      res.end(payload);
    };
  }

  test('a transfer cut short resumes with Range and ends byte-identical', async () => {
    const file = path.join(tmp, 'resumed.bin');
    const s = await sim(flakyServer(true, file));
    const h = client({ baseUrl: s.url });
    const res = await h.download('artifacts.zip', file);
    expect(res).toEqual({ status: 206, bytes: payload.length });
    expect(fs.readFileSync(file).equals(payload)).toBe(true);
    expect(s.requests).toHaveLength(2);
    expect(s.requests[0].headers.range).toBeUndefined();
    const range = /^bytes=(\d+)-$/.exec(String(s.requests[1].headers.range));
    expect(range).not.toBeNull();
    expect(Number(range![1])).toBe(payload.length / 2);
    expect(s.requests[1].headers['private-token']).toBe(TOKEN);
  });

  test('a server without Range support sends it all again, and the file is not doubled', async () => {
    const file = path.join(tmp, 'restarted.bin');
    const s = await sim(flakyServer(false, file));
    const res = await client({ baseUrl: s.url }).download('artifacts.zip', file);
    expect(res).toEqual({ status: 200, bytes: payload.length });
    expect(fs.readFileSync(file).equals(payload)).toBe(true);
    expect(s.requests[1].headers.range).toBe(`bytes=${payload.length / 2}-`);
  });

  test('a 206 for another range than asked is taken as a fresh start, not appended', async () => {
    const file = path.join(tmp, 'whole-206.bin');
    let calls = 0;
    const s = await sim(async (_req, res) => {
      calls++;
      if (calls === 1) {
        res.writeHead(200, { 'content-length': payload.length });
        res.write(payload.subarray(0, payload.length / 2));
        while (!fs.existsSync(file) || fs.statSync(file).size < payload.length / 2) await sleep(5);
        res.socket?.destroy();
        return;
      }
      res.writeHead(206, {
        'content-length': payload.length,
        'content-range': `bytes 0-${payload.length - 1}/${payload.length}`
      });
      res.end(payload);
    });
    await client({ baseUrl: s.url }).download('a.zip', file);
    expect(s.requests[1].headers.range).toBe(`bytes=${payload.length / 2}-`);
    expect(fs.readFileSync(file).equals(payload)).toBe(true);
  });

  test('a body that is always cut short is never kept as complete', async () => {
    const s = await sim((_req, res) => {
      res.writeHead(200, { 'content-length': 1000 });
      res.write(Buffer.alloc(100), () => res.socket?.destroy());
    });
    const file = path.join(tmp, 'never.bin');
    const err = await rejection(client({ baseUrl: s.url, maxAttempts: 3 }).download('a.zip', file));
    expect(err).toBeInstanceOf(RemoteError);
    expect(err.message).toMatch(/cut short|ended at/);
    expect(s.requests).toHaveLength(3);
  });

  test('a status in accept returns without writing', async () => {
    const s = await sim((_req, res) => sendJson(res, 404, { message: 'no artifacts' }));
    const file = path.join(tmp, 'absent.bin');
    expect(await client({ baseUrl: s.url }).download('a.zip', file, { accept: [404] })).toEqual({
      status: 404,
      bytes: 0
    });
    expect(fs.existsSync(file)).toBe(false);
  });

  test('limit sees the running total and can stop the download', async () => {
    const s = await sim((_req, res) => {
      res.writeHead(200, { 'content-length': payload.length });
      res.end(payload);
    });
    const seen: number[] = [];
    const err = await rejection(
      client({ baseUrl: s.url }).download('a.zip', path.join(tmp, 'limited.bin'), {
        limit: (n) => {
          seen.push(n);
          if (n > 100_000) throw new RemoteError('too big');
        }
      })
    );
    expect(err.message).toBe('too big');
    expect(seen.every((n, i) => i === 0 || n > seen[i - 1])).toBe(true);
    expect(s.requests).toHaveLength(1);
  });
});

/* ---------------------------------------------------------------- pacing */

describe('rate-limit pacing', () => {
  test('X-Rate-Limit-Remaining: 0 holds the next request until X-Rate-Limit-Reset (ISO)', async () => {
    let reset = 0;
    const s = await sim((_req, res) => {
      reset = Date.now() + 1200;
      sendJson(
        res,
        200,
        { ok: true },
        { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': new Date(reset).toISOString() }
      );
    });
    const notes: string[] = [];
    const h = client({ baseUrl: s.url, debug: (m) => notes.push(m) });
    await h.json('GET', 'a');
    const firstReset = reset;
    await h.json('GET', 'b');
    expect(s.at[1]).toBeGreaterThanOrEqual(firstReset - 5);
    expect(notes.join('\n')).toMatch(/rate limit: waiting/);
    expect(h.stats.retries).toBe(0);
  });

  test('RateLimit-Remaining: 0 with a unix-seconds RateLimit-Reset (GitLab)', async () => {
    let reset = 0;
    const s = await sim((_req, res) => {
      reset = Math.ceil(Date.now() / 1000) + 1;
      sendJson(res, 200, { ok: true }, { 'ratelimit-remaining': '0', 'ratelimit-reset': String(reset) });
    });
    const h = client({ baseUrl: s.url });
    await h.json('GET', 'a');
    const firstReset = reset * 1000;
    await h.json('GET', 'b');
    expect(s.at[1]).toBeGreaterThanOrEqual(firstReset - 5);
  });

  test('a budget far from spent: no waiting', async () => {
    const s = await sim((_req, res) =>
      sendJson(
        res,
        200,
        {},
        {
          'x-rate-limit-limit': '1000',
          'x-rate-limit-remaining': '600',
          'x-rate-limit-reset': new Date(Date.now() + 60_000).toISOString()
        }
      )
    );
    const notes: string[] = [];
    const h = client({ baseUrl: s.url, debug: (m) => notes.push(m) });
    await h.json('GET', 'a');
    await h.json('GET', 'b');
    expect(notes.join('\n')).not.toMatch(/rate limit/);
  });
});

describe('a budget shared by many processes (issue 14)', () => {
  /** GitLab's budget headers: `remaining` of 2,000 left, the window resetting in `resetS` seconds. */
  const shared = (remaining: number, resetS: number): Promise<SimServer & { at: number[] }> =>
    sim((_req, res) =>
      sendJson(
        res,
        200,
        { ok: true },
        {
          'ratelimit-limit': '2000',
          'ratelimit-remaining': String(remaining),
          'ratelimit-reset': String(resetS)
        }
      )
    );

  test('past half the budget spent ahead of the window: reads wait until the window catches up, writes do not', async () => {
    // 900 of 2,000 left with 28 s to go: 45 % of the budget for 47 % of the window's time, so
    // the next read waits until 27 s (45 % of 60 s) are left: about 1 s.
    const s = await shared(900, 28);
    const notes: string[] = [];
    const h = client({ baseUrl: s.url, debug: (m) => notes.push(m) });
    await h.json('GET', 'a');
    await h.request('POST', 'b');
    await h.json('GET', 'c');
    expect(s.at[1] - s.at[0]).toBeLessThan(500);
    expect(s.at[2] - s.at[0]).toBeGreaterThanOrEqual(800);
    expect(s.at[2] - s.at[0]).toBeLessThan(5000);
    expect(notes.join('\n')).toMatch(/budget shared and spent ahead of time: waiting/);
  });

  test('with the budget spent no faster than the window goes by, no read waits', async () => {
    // 900 left with 20 s to go: the window is ahead of the spending.
    const s = await shared(900, 20);
    const notes: string[] = [];
    const h = client({ baseUrl: s.url, debug: (m) => notes.push(m) });
    await h.json('GET', 'a');
    await h.json('GET', 'b');
    expect(s.at[1] - s.at[0]).toBeLessThan(500);
    expect(notes.join('\n')).not.toMatch(/rate limit/);
  });

  test('the courtesy wait never outlasts the step: past the deadline the read goes at once, without error', async () => {
    const s = await shared(900, 40);
    const h = client({ baseUrl: s.url, deadline: Date.now() + 3000 });
    await h.json('GET', 'a');
    await h.json('GET', 'b');
    expect(s.at[1] - s.at[0]).toBeLessThan(500);
  });
});

/* ---------------------------------------------------------------- streams */

describe('stream', () => {
  test('consume reads the body; a break while it does tries the whole exchange again', async () => {
    const s = await sim((_req, res) => sendText(res, 200, 'line 1\nline 2\n'.repeat(1000)));
    s.faults.push({ kind: 'truncate' });
    const h = client({ baseUrl: s.url });
    const text = await h.stream('trace', {}, async (res) => {
      let out = '';
      for await (const chunk of res.body) out += chunk;
      return out;
    });
    expect(text).toBe('line 1\nline 2\n'.repeat(1000));
    expect(s.requests).toHaveLength(2);
  });

  test('an error of consume itself is not retried', async () => {
    const s = await sim((_req, res) => sendText(res, 200, 'x'));
    const h = client({ baseUrl: s.url });
    await expect(
      h.stream('x', {}, async () => {
        throw new RemoteError('consumer says no');
      })
    ).rejects.toThrow('consumer says no');
    expect(s.requests).toHaveLength(1);
  });
});

describe('resolve', () => {
  test('relative paths join the base, absolute URLs pass', () => {
    const h = client({ baseUrl: 'https://gitlab.example.com/api/v4' });
    expect(h.resolve('projects/1')).toBe('https://gitlab.example.com/api/v4/projects/1');
    expect(h.resolve('/projects/1')).toBe('https://gitlab.example.com/api/v4/projects/1');
    expect(h.resolve('projects/group%2Fname/pipelines?ref=main')).toBe(
      'https://gitlab.example.com/api/v4/projects/group%2Fname/pipelines?ref=main'
    );
    expect(h.resolve('https://other.example.com/x')).toBe('https://other.example.com/x');
  });
});

test('sleep rejects at once on an aborted signal', async () => {
  const a = new AbortController();
  a.abort();
  await expect(sleep(10_000, a.signal)).rejects.toBeInstanceOf(AbortedError);
});

/* ---------------------------------------------------------------- proxies */

/** Loopback addresses always bypass a proxy, so proxied targets go by a name only the test proxy knows. */
const NAME = 'proxied.ci-relay.test';

interface Proxy {
  port: number;
  /** CONNECT targets and absolute-URI requests seen. */
  seen: string[];
}

/** A tiny forward proxy: CONNECT tunnels (to 127.0.0.1 whatever the name) and plain absolute-URI requests. */
async function startProxy(): Promise<Proxy> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const target = new URL(req.url ?? '');
    const up = http.request(
      {
        host: target.hostname === NAME ? '127.0.0.1' : target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: req.method,
        headers: req.headers
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      }
    );
    req.pipe(up);
  });
  const tunnels = new Set<net.Socket>();
  server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    tunnels.add(socket);
    const [host, port] = (req.url ?? '').split(':');
    const up = net.connect(Number(port), host === NAME ? '127.0.0.1' : host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    tunnels.add(up);
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  const { port } = await listen(server);
  // Tunnels leave the server's own bookkeeping: end them when the test ends.
  servers.push({ close: async () => tunnels.forEach((t) => t.destroy()) });
  return { port, seen };
}

describe('proxies from the environment', () => {
  const saved: Record<string, string | undefined> = {};
  const names = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'];
  beforeEach(() => {
    for (const n of names) {
      saved[n] = process.env[n];
      delete process.env[n];
    }
  });
  afterEach(() => {
    for (const n of names) {
      if (saved[n] === undefined) delete process.env[n];
      else process.env[n] = saved[n];
    }
  });

  test('HTTP_PROXY carries http requests, credentials included', async () => {
    const proxy = await startProxy();
    const s = await sim();
    process.env.HTTP_PROXY = `http://127.0.0.1:${proxy.port}`;
    const h = client({ baseUrl: `http://${NAME}:${s.port}/api` });
    expect(await h.json('GET', 'x')).toEqual({ ok: true });
    expect(proxy.seen.join('\n')).toContain(`${NAME}:${s.port}`);
    expect(s.requests[0].headers['private-token']).toBe(TOKEN);
  });

  test('HTTPS_PROXY tunnels https requests, and caCert still applies through the tunnel', async () => {
    const proxy = await startProxy();
    const s = await tlsServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"through":"tunnel"}');
    });
    process.env.HTTPS_PROXY = `http://127.0.0.1:${proxy.port}`;
    const h = client({ baseUrl: `https://${NAME}:${s.port}`, caCert: cert.pem });
    expect(await h.json('GET', 'x')).toEqual({ through: 'tunnel' });
    expect(proxy.seen).toEqual([`CONNECT ${NAME}:${s.port}`]);
    expect(s.requests).toHaveLength(1);
  });

  test('HTTPS_PROXY with an untrusted server still fails', async () => {
    const proxy = await startProxy();
    const s = await tlsServer((_req, res) => res.end('{}'), 'other');
    process.env.HTTPS_PROXY = `http://127.0.0.1:${proxy.port}`;
    const h = client({ baseUrl: `https://${NAME}:${s.port}`, caCert: cert.pem });
    await expect(h.json('GET', 'x')).rejects.toThrow(/certificate/i);
    expect(s.requests).toHaveLength(0);
  });

  test('the environment is read when each request is made', async () => {
    const proxy = await startProxy();
    const s = await sim();
    const h = client({ baseUrl: `http://${NAME}:${s.port}` });
    process.env.HTTP_PROXY = `http://127.0.0.1:${proxy.port}`;
    await h.json('GET', 'x');
    expect(proxy.seen.length).toBeGreaterThan(0);
  });

  const external = Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
  (external ? test : test.skip)('NO_PROXY excludes a host: its requests go direct', async () => {
    const proxy = await startProxy();
    const s = await startServer((_req, res) => sendJson(res, 200, { direct: true }), { host: external });
    servers.push(s);
    process.env.HTTP_PROXY = `http://127.0.0.1:${proxy.port}`;

    // Without NO_PROXY the proxy sees it …
    expect(await client({ baseUrl: `http://${external}:${s.port}` }).json('GET', 'x')).toEqual({
      direct: true
    });
    expect(proxy.seen).toHaveLength(1);

    // … with it, it does not.
    process.env.NO_PROXY = `localhost,${external}`;
    expect(await client({ baseUrl: `http://${external}:${s.port}` }).json('GET', 'y')).toEqual({
      direct: true
    });
    expect(proxy.seen).toHaveLength(1);
    expect(s.requests).toHaveLength(2);
  });
});

/* ---------------------------------------------------------------- budget pacing */

/**
 * A server with a budget, as GitLab's Rack::Attack throttles answer (RateLimit-Limit,
 * -Remaining, -Reset in unix seconds on every answer; 429 once it is spent): `limit`
 * requests per `windowMs`.
 */
async function budgetServer(limit: number, windowMs: number, names: 'gitlab' | 'gearset' | 'gearset-period') {
  let windowStart = Date.now();
  let used = 0;
  let refused = 0;
  const s = await sim((_req, res) => {
    const now = Date.now();
    if (now - windowStart >= windowMs) {
      windowStart = now;
      used = 0;
    }
    const reset = windowStart + windowMs;
    const headers =
      names === 'gitlab'
        ? {
            'ratelimit-limit': String(limit),
            'ratelimit-remaining': String(Math.max(0, limit - used - 1)),
            'ratelimit-reset': String(reset / 1000)
          }
        : {
            // Gearset's AspNetCoreRateLimit sends the period here, not a count (sim/gearset.ts).
            'x-rate-limit-limit': names === 'gearset-period' ? `${windowMs / 1000}s` : String(limit),
            'x-rate-limit-remaining': String(Math.max(0, limit - used - 1)),
            'x-rate-limit-reset': new Date(reset).toISOString()
          };
    if (used >= limit) {
      refused++;
      return sendText(res, 429, 'Retry later\n', {
        ...headers,
        'retry-after': String(Math.ceil((reset - now) / 1000))
      });
    }
    used++;
    sendJson(res, 200, { ok: true }, headers);
  });
  return Object.assign(s, { refused: () => refused });
}

describe('pacing by the server budget headers', () => {
  test.each(['gitlab', 'gearset'] as const)(
    '%s headers: 60 requests against a budget of 50 per 2 s get no 429: the last ones are spread until the reset',
    async (names) => {
      const s = await budgetServer(50, 2000, names);
      const h = client({ baseUrl: s.url });
      const t0 = Date.now();
      for (let i = 0; i < 60; i++) await h.json('GET', `p/${i}`);
      expect(s.refused()).toBe(0);
      expect(h.stats.retries).toBe(0);
      // The budget ran low within the first window: the rest waited for it.
      expect(Date.now() - t0).toBeGreaterThan(1500);
      // Spread, not held until the reset and then bursting: within the first window's 50
      // requests, several gaps are long (held-until-reset would give exactly one).
      const gaps = s.at.slice(1, 50).map((t, i) => t - s.at[i]);
      expect(gaps.filter((g) => g > 20).length).toBeGreaterThanOrEqual(3);
    }
  );

  test('Gearset as it is (the limit header is a period): 12 requests against 5 per 2 s get no 429', async () => {
    const s = await budgetServer(5, 2000, 'gearset-period');
    const h = client({ baseUrl: s.url });
    for (let i = 0; i < 12; i++) await h.json('GET', `p/${i}`);
    expect(s.refused()).toBe(0);
    expect(h.stats.retries).toBe(0);
  });

  test('a budget reset past the deadline is not waited for: one sentence, at once', async () => {
    const s = await sim((_req, res) =>
      sendJson(
        res,
        200,
        {},
        { 'ratelimit-remaining': '0', 'ratelimit-reset': String(Math.floor(Date.now() / 1000) + 300) }
      )
    );
    const h = client({ baseUrl: s.url, deadline: Date.now() + 2000 });
    await h.json('GET', 'a');
    const t0 = Date.now();
    const err = await h.json('GET', 'b').catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(500);
    expect(err).toBeInstanceOf(DeadlineError);
    expect((err as Error).message).toMatch(
      /^TestServer asked to wait (299|300)s, past the timeout \(2s were left\)/
    );
    expect(s.requests).toHaveLength(1);
  });
});

/* ---------------------------------------------------------------- deadline, silence, abort */

describe('the deadline and the abort reach every wait and transfer', () => {
  test('a server silent after its headers: the attempt fails after the silence limit and is tried again', async () => {
    const s = await sim();
    s.faults.push({ kind: 'silent' });
    const h = client({ baseUrl: s.url, socketTimeoutMs: 300 });
    const t0 = Date.now();
    expect(await h.json('GET', 'poll')).toEqual({ ok: true });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(s.requests).toHaveLength(2);
    expect(h.stats.retries).toBe(1);
  });

  test('a deadline that passes mid-request abandons it at once with a DeadlineError', async () => {
    const s = await sim();
    s.faults.push({ kind: 'silent', times: 10 });
    const deadline = new Deadline(600, new AbortController().signal);
    const h = client({ baseUrl: s.url, signal: deadline.signal, deadline: deadline.at });
    const t0 = Date.now();
    const err = await h.json('GET', 'poll').catch((e: unknown) => e);
    deadline.dispose();
    expect(err).toBeInstanceOf(DeadlineError);
    expect((err as Error).message).toBe('The run did not end within 1s.');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(550);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(s.requests).toHaveLength(1);
  });

  test('a backoff that would cross the deadline ends at the deadline, not after', async () => {
    const s = await sim((_req, res) => sendText(res, 503, 'down'));
    const deadline = new Deadline(700, new AbortController().signal);
    const h = client({ baseUrl: s.url, signal: deadline.signal, deadline: deadline.at, backoffMs: 5000 });
    const t0 = Date.now();
    const err = await h.json('GET', 'poll').catch((e: unknown) => e);
    deadline.dispose();
    expect(err).toBeInstanceOf(DeadlineError);
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  test('Retry-After beyond the deadline is not slept through: the user reads how long it asked', async () => {
    const s = await sim();
    s.faults.push({ kind: 'rate-limit', retryAfter: 300 });
    const h = client({ baseUrl: s.url, deadline: Date.now() + 8000 });
    const t0 = Date.now();
    const err = await h.json('GET', 'poll').catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(err).toBeInstanceOf(DeadlineError);
    expect((err as Error).message).toMatch(
      /^TestServer asked to wait 300s, past the timeout \((7|8)s were left\): TestServer answered 429: Retry later \(GET \/poll\)$/
    );
  });

  test('an abort ends a slow download at once, mid-body', async () => {
    const s = await sim((_req, res) => sendText(res, 200, Buffer.alloc(200_000, 1)));
    s.faults.push({ kind: 'drip', dripBytes: 1000, delayMs: 100 });
    const abort = new AbortController();
    const h = client({ baseUrl: s.url, signal: abort.signal });
    const file = path.join(tmp, 'drip.bin');
    setTimeout(() => abort.abort(new AbortedError()), 500);
    const t0 = Date.now();
    const err = await h.download('big.bin', file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortedError);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(s.requests).toHaveLength(1);
  });

  test('an abort ends a request still waiting for its headers, and later requests still work', async () => {
    let hang = true;
    const s = await sim((_req, res) => {
      if (!hang) sendJson(res, 200, { ok: 'after' });
    });
    const abort = new AbortController();
    const config = { signal: abort.signal };
    // As connect() builds it: the signal is read at each request (a cancel's grace replaces it).
    const h = new Http({
      baseUrl: s.url,
      credentials: {},
      serverName: 'TestServer',
      get signal() {
        return config.signal;
      }
    });
    clients.push(h);
    setTimeout(() => abort.abort(), 300);
    const err = await h.json('GET', 'hung').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortedError);
    hang = false;
    config.signal = new AbortController().signal;
    expect(await h.json('GET', 'next')).toEqual({ ok: 'after' });
  });
});

describe('answers that are not the API fail at once', () => {
  test('a 200 HTML page where JSON was expected: one sentence naming the call, one request', async () => {
    const s = await sim();
    s.faults.push({ kind: 'html', times: 10 });
    const err = await client({ baseUrl: s.url })
      .json('GET', 'projects/42/pipelines/7')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as Error).message).toBe(
      'TestServer answered GET /projects/42/pipelines/7 with an HTML page, not JSON: is a login or proxy page in front of the API?'
    );
    expect(s.requests).toHaveLength(1);
  });

  test('on a trigger it is not an ambiguous request: the server clearly answered', async () => {
    const s = await sim();
    s.faults.push({ kind: 'html', times: 10 });
    const err = await client({ baseUrl: s.url })
      .json('POST', 'trigger', { json: {} })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect(err).not.toBeInstanceOf(AmbiguousRequestError);
    expect(s.requests).toHaveLength(1);
  });

  test('plain text where JSON was expected fails at once; JSON cut short is still retried', async () => {
    const s = await sim();
    s.faults.push({ kind: 'status', status: 200, body: 'Service is starting' });
    const err = await client({ baseUrl: s.url })
      .json('GET', 'a')
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      'TestServer answered GET /a with something else (text/plain; charset=utf-8), not JSON: is a login or proxy page in front of the API?'
    );
    s.faults.push({ kind: 'malformed' });
    expect(await client({ baseUrl: s.url }).json('GET', 'b')).toEqual({ ok: true });
  });
});

test('an old signal that aborts after a cancel grace replaced it ends nothing of the new one', async () => {
  const s = await sim();
  s.faults.push({ kind: 'drip', dripBytes: 2, delayMs: 100, match: (r) => r.path === '/cancel' });
  const old = new AbortController();
  const config = { signal: old.signal };
  const h = new Http({
    baseUrl: s.url,
    credentials: {},
    serverName: 'TestServer',
    get signal() {
      return config.signal;
    }
  });
  clients.push(h);
  expect(await h.json('GET', 'warm')).toEqual({ ok: true });
  config.signal = new AbortController().signal;
  setTimeout(() => old.abort(), 150);
  expect(await h.json('POST', 'cancel', { idempotent: true })).toEqual({ ok: true });
  expect(s.requests.filter((r) => r.path === '/cancel')).toHaveLength(1);
});

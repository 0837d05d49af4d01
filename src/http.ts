import * as fs from 'node:fs';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, RequestOptions } from 'node:http';
import { rootCertificates } from 'node:tls';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { HttpClient } from '@actions/http-client';
import type { RequestHandler } from '@actions/http-client/lib/interfaces';
import { abortReason } from './deadline.js';
import { RateBudget, header, retryDelayMs } from './budget.js';

export { retryDelayMs };
import { AbortedError, AmbiguousRequestError, DeadlineError, RemoteError } from './errors.js';

export interface HttpConfig {
  /** Relative request paths resolve against this (e.g. `https://gitlab.example.com/api/v4/`). */
  baseUrl: string;
  /** Headers that carry credentials: sent only to `baseUrl`'s origin, never across a redirect to another. */
  credentials: Record<string, string>;
  /** The server's name in messages ("GitLab answered 404: …"). */
  serverName: string;
  /** Extra trusted CA certificates (PEM), added to the system's. */
  caCert?: string;
  tlsVerify?: boolean;
  /** Attempts for a request that may be repeated (GETs, cancels). */
  maxAttempts?: number;
  /** Lower bound of the exponential backoff (ms); tests shorten it. */
  backoffMs?: number;
  /** No answer (headers, or a byte of a JSON body) for this long fails the attempt (ms). */
  socketTimeoutMs?: number;
  /** No byte of a streamed body (a log, a download) for this long fails the attempt (ms). */
  transferSilenceMs?: number;
  debug?: (message: string) => void;
  /**
   * Ends every wait and every transfer in flight at once (timeout, cancellation); its reason
   * (a DeadlineError or an AbortedError) is what the interrupted call rejects with.
   */
  signal?: AbortSignal;
  /** When the step's deadline passes (ms since the epoch): no wait the server asks for goes past it. */
  deadline?: number;
}

export interface RequestOpts {
  headers?: Record<string, string>;
  /** A JSON body (objects) or a URL-encoded form (`form`). */
  json?: unknown;
  form?: Record<string, string>;
  /**
   * May the request be sent again after a network error, 5xx or 429? Defaults to true for GET
   * and HEAD. A trigger must leave it false: a lost answer raises AmbiguousRequestError instead.
   */
  idempotent?: boolean;
  /** Statuses returned to the caller instead of raised (e.g. 202 "still zipping", 404 "none"). */
  accept?: number[];
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The final URL after redirects. */
  url: string;
}

export interface StreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
  url: string;
}

const REDIRECTS = [301, 302, 303, 307, 308];
const RETRY_STATUSES = [429, 500, 502, 503, 504];
/** Errors raised before any byte of the request could reach the server. */
const NOT_SENT = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'];
const MAX_REDIRECTS = 5;
/**
 * Silence limits. An API answer is small and quick: 20 s without one is a dead connection
 * (a poll is retried, within the deadline). A streamed body may be large and slow: it fails
 * only when no byte at all came for a minute, however long the whole transfer takes.
 */
export const ANSWER_SILENCE_MS = 20_000;
export const TRANSFER_SILENCE_MS = 60_000;

/** Pulls the server's own message out of an error body: JSON `message`, `error`, … or the text. */
export function serverMessage(body: Buffer | string): string {
  const text = body.toString().trim();
  if (!text) return '';
  try {
    const data = JSON.parse(text) as unknown;
    const found = findMessage(data);
    if (found) return found;
  } catch {
    // not JSON: the text itself
  }
  const plain = text
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > 500 ? `${plain.slice(0, 500)}…` : plain;
}

function findMessage(data: unknown): string | undefined {
  if (typeof data === 'string') return data;
  if (Array.isArray(data)) return data.map(findMessage).filter(Boolean).join('; ') || undefined;
  if (data && typeof data === 'object') {
    const obj = data as Record<string, unknown>;
    for (const key of ['message', 'Message', 'error', 'Error', 'title', 'error_description', 'errors']) {
      if (obj[key] === undefined || obj[key] === null) continue;
      const value = obj[key];
      if (typeof value === 'object' && !Array.isArray(value)) {
        // GitLab: {"message": {"base": ["reference not found"]}}
        const parts = Object.entries(value as Record<string, unknown>).map(
          ([k, v]) => (k === 'base' ? '' : `${k} `) + (findMessage(v) ?? JSON.stringify(v))
        );
        if (parts.length) return parts.join('; ');
      }
      const found = findMessage(value);
      if (found) return found;
    }
  }
  return undefined;
}

/** Rejects with the signal's reason (a DeadlineError or an AbortedError) when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

class RetryableError extends Error {
  constructor(
    message: string,
    readonly delayMs?: number,
    readonly status?: number
  ) {
    super(message);
  }
}

/**
 * The only HTTP client: credentials only to the configured origin, redirects followed by hand
 * (credential-free to other origins, never https→http), retries with backoff that honour
 * Retry-After and rate-limit headers, streamed downloads that resume.
 */
export class Http {
  /** One client per protocol: @actions/http-client keeps one keep-alive agent per client, of one protocol. */
  private readonly clients = new Map<string, HttpClient>();
  private readonly origin: string;
  private readonly base: URL;
  /** What the server's rate-limit headers said of the budget left. */
  private readonly budget = new RateBudget();
  /** Bodies being read: an abort destroys them at once. */
  private readonly live = new Set<IncomingMessage>();
  /** The signal whose abort is already wired to end every transfer. */
  private watched: AbortSignal | undefined;
  /** Counts of what was sent, for messages and tests. */
  readonly stats = { requests: 0, retries: 0, bytes: 0 };

  constructor(private readonly config: HttpConfig) {
    this.base = new URL(config.baseUrl.endsWith('/') ? config.baseUrl : `${config.baseUrl}/`);
    this.origin = this.base.origin;
  }

  private client(url: URL): HttpClient {
    const known = this.clients.get(url.protocol);
    if (known) return known;
    const ca =
      this.config.caCert && url.protocol === 'https:' ? [...rootCertificates, this.config.caCert] : undefined;
    const handlers: RequestHandler[] = ca
      ? [
          {
            prepareRequest: (options: RequestOptions & { ca?: string[] }) => {
              options.ca = ca;
              // A proxy tunnel (HTTPS_PROXY) makes its TLS socket from its own options only.
              const agent = options.agent as
                { proxyOptions?: unknown; options?: Record<string, unknown> } | undefined;
              if (agent?.proxyOptions && agent.options) agent.options.ca = ca;
            },
            canHandleAuthentication: () => false,
            handleAuthentication: () => Promise.reject(new Error('unused'))
          }
        ]
      : [];
    const client = new HttpClient('ci-relay', handlers, {
      allowRedirects: false,
      allowRetries: false,
      ignoreSslError: this.config.tlsVerify === false,
      keepAlive: true,
      socketTimeout: this.config.socketTimeoutMs ?? ANSWER_SILENCE_MS
    });
    this.clients.set(url.protocol, client);
    return client;
  }

  private get answerSilenceMs(): number {
    return this.config.socketTimeoutMs ?? ANSWER_SILENCE_MS;
  }

  /** Absolute URL of a path relative to the base (absolute URLs pass through). */
  resolve(path: string): string {
    return new URL(path.replace(/^\//, ''), this.base).toString();
  }

  dispose(): void {
    for (const client of this.clients.values()) client.dispose();
    this.clients.clear();
  }

  /**
   * Wires the current signal (it changes when a cancel gets its grace) to end every transfer
   * in flight: bodies being read are destroyed with the abort's reason, and the clients'
   * agents with their sockets (a request still waiting for headers ends with them). Later
   * requests get fresh clients.
   */
  private watchAbort(): AbortSignal | undefined {
    const signal = this.config.signal;
    if (!signal) return undefined;
    if (signal.aborted) throw abortReason(signal);
    if (signal !== this.watched) {
      this.watched = signal;
      signal.addEventListener(
        'abort',
        () => {
          // A signal already replaced (a cancel's grace began just before it fired) ends nothing:
          // what is in flight now belongs to the new one.
          if (this.config.signal !== signal) return;
          const reason = abortReason(signal);
          for (const body of this.live) body.destroy(reason);
          this.live.clear();
          this.dispose();
        },
        { once: true }
      );
    }
    return signal;
  }

  /** A request whose whole answer is read; errors (≥ 400 not in `accept`) become RemoteError. */
  async request(method: string, path: string, opts: RequestOpts = {}): Promise<HttpResponse> {
    return this.withRetries(method, path, opts, async () => {
      const res = await this.open(method, path, opts, this.answerSilenceMs);
      const body = await readAll(res.body);
      return { status: res.status, headers: res.headers, body, url: res.url };
    });
  }

  async json<T>(method: string, path: string, opts: RequestOpts = {}): Promise<T> {
    return (await this.jsonResponse<T>(method, path, opts)).body;
  }

  /**
   * A JSON answer with its status and headers (pagination, Location, …). A body that says it is
   * JSON but does not parse was broken on the way and is retried like a dropped connection; a
   * 2xx that is something else (an HTML login page, a proxy's text) is not the API: it fails at
   * once. An accepted status of 300 or more without JSON has a null body.
   */
  async jsonResponse<T>(
    method: string,
    path: string,
    opts: RequestOpts = {}
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: T }> {
    return this.withRetries(method, path, opts, async () => {
      const res = await this.open(
        method,
        path,
        { ...opts, headers: { accept: 'application/json', ...opts.headers } },
        this.answerSilenceMs
      );
      const body = await readAll(res.body);
      try {
        return {
          status: res.status,
          headers: res.headers,
          body: (body.length ? JSON.parse(body.toString('utf8')) : null) as T
        };
      } catch {
        // An accepted error status (404 "none") need not carry JSON.
        if (res.status >= 300) return { status: res.status, headers: res.headers, body: null as T };
        const notApi = notTheApi(res.headers, body);
        if (notApi) {
          throw new RemoteError(
            `${this.config.serverName} answered ${method} ${this.show(path)} with ${notApi}, not JSON: is a login or proxy page in front of the API?`,
            res.status
          );
        }
        throw new RetryableError(
          `${this.config.serverName} sent a reply that is not JSON for ${method} ${this.show(path)}`
        );
      }
    });
  }

  /**
   * Streams the answer of a GET. `consume` must read `body` to its end; when the connection
   * breaks while it does, the whole exchange is tried again.
   */
  async stream<T>(path: string, opts: RequestOpts, consume: (res: StreamResponse) => Promise<T>): Promise<T> {
    return this.withRetries('GET', path, opts, async () => {
      const res = await this.open('GET', path, opts);
      try {
        return await consume(res);
      } catch (err) {
        res.body.destroy();
        throw err;
      }
    });
  }

  /**
   * Downloads to `file`, streaming. A transfer cut short is resumed with Range where the
   * server allows it, else restarted; a short body is never kept as complete.
   * Returns the bytes written, or undefined when the server answered a status in `accept`.
   */
  async download(
    path: string,
    file: string,
    opts: RequestOpts & { limit?: (bytes: number) => void } = {}
  ): Promise<{ status: number; bytes: number }> {
    let written = 0;
    return this.withRetries('GET', path, opts, async () => {
      const headers = { ...opts.headers };
      if (written > 0) headers.range = `bytes=${written}-`;
      const res = await this.open('GET', path, { ...opts, headers });
      if (
        res.status >= 300 ||
        (opts.accept?.includes(res.status) && res.status !== 200 && res.status !== 206)
      ) {
        await readAll(res.body);
        return { status: res.status, bytes: 0 };
      }
      const resumed =
        res.status === 206 &&
        written > 0 &&
        header(res.headers, 'content-range')?.startsWith(`bytes ${written}-`);
      if (!resumed) written = 0;
      const expected = header(res.headers, 'content-length');
      const total = expected === undefined ? undefined : Number(expected) + written;
      let seen = written;
      let out: FileSink;
      try {
        out = new FileSink(file, written > 0 ? 'a' : 'w', (chunk) => {
          seen += chunk.length;
          this.stats.bytes += chunk.length;
          opts.limit?.(seen);
        });
      } catch (err) {
        res.body.destroy();
        throw err;
      }
      try {
        await pipeline(res.body, out);
      } catch (err) {
        // The file's size counts only once its last write is done: resuming from less duplicates bytes.
        if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
        if (err instanceof RemoteError || !isNetworkError(err)) throw err;
        written = fileSize(file);
        throw new RetryableError(`the download of ${this.show(path)} was cut short after ${written} bytes`);
      }
      if (total !== undefined && seen !== total) {
        written = fileSize(file);
        throw new RetryableError(`the download of ${this.show(path)} ended at ${seen} of ${total} bytes`);
      }
      written = 0;
      return { status: res.status, bytes: seen };
    });
  }

  /** One exchange: redirects followed by hand, credentials only to our origin. Body unread. */
  private async open(
    method: string,
    path: string,
    opts: RequestOpts,
    silenceMs = this.config.transferSilenceMs ?? TRANSFER_SILENCE_MS
  ): Promise<StreamResponse> {
    let url = new URL(this.resolve(path));
    let verb = method;
    let data: string | null = null;
    const headers: OutgoingHttpHeaders = { ...opts.headers };
    if (opts.json !== undefined) {
      data = JSON.stringify(opts.json);
      headers['content-type'] = 'application/json';
    } else if (opts.form) {
      data = new URLSearchParams(opts.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    for (let hop = 0; ; hop++) {
      await this.pace(verb);
      const signal = this.watchAbort();
      const sent: OutgoingHttpHeaders =
        url.origin === this.origin ? { ...this.config.credentials, ...headers } : { ...headers };
      this.config.debug?.(`${verb} ${this.show(url.toString())}`);
      this.stats.requests++;
      let res: Awaited<ReturnType<HttpClient['request']>>;
      try {
        res = await untilAborted(this.client(url).request(verb, url.toString(), data, sent), signal);
      } catch (err) {
        if (signal?.aborted) throw abortReason(signal);
        if (isTlsError(err)) {
          throw new RemoteError(
            `${this.config.serverName} at ${url.origin} has a TLS certificate ci-relay does not trust (${(err as Error).message}); give its CA in ca-cert`
          );
        }
        throw err;
      }
      const msg = res.message;
      const status = msg.statusCode ?? 0;
      this.track(msg, silenceMs);
      this.budget.note(msg.headers);
      if (REDIRECTS.includes(status) && msg.headers.location) {
        msg.resume();
        if (hop >= MAX_REDIRECTS) {
          throw new RemoteError(
            `${this.config.serverName}: ${url.host} redirected ${this.show(path)} more than ${MAX_REDIRECTS} times (a redirect loop?); ci-relay gave up`
          );
        }
        const next = new URL(msg.headers.location, url);
        if (url.protocol === 'https:' && next.protocol !== 'https:') {
          throw new RemoteError(
            `${this.config.serverName} redirected ${this.show(url.toString())} from https to ${next.protocol.replace(':', '')}; ci-relay refuses to downgrade`
          );
        }
        if (status === 303 || ((status === 301 || status === 302) && verb === 'POST')) {
          verb = 'GET';
          data = null;
          delete headers['content-type'];
        }
        url = next;
        continue;
      }
      if (status >= 400 && !opts.accept?.includes(status)) {
        const body = await readAll(msg).catch(() => Buffer.alloc(0));
        const text = serverMessage(body);
        const what = `${this.config.serverName} answered ${status}${text ? `: ${text}` : ''} (${verb} ${this.show(url.toString())})`;
        if (RETRY_STATUSES.includes(status))
          throw new RetryableError(what, retryDelayMs(msg.headers), status);
        throw new RemoteError(what, status);
      }
      return { status, headers: msg.headers, body: msg, url: url.toString() };
    }
  }

  /**
   * Keeps a body where an abort can reach it, and ends it when its socket was silent for
   * `silenceMs` (the socket's own idle timer: it counts progress, not the transfer's length).
   */
  private track(body: IncomingMessage, silenceMs: number): void {
    this.live.add(body);
    const socket = body.socket;
    const onSilence = (): void => {
      body.destroy(
        Object.assign(
          new Error(`timeout: nothing came from ${this.config.serverName} for ${silenceMs / 1000}s`),
          { code: 'ETIMEDOUT' }
        )
      );
    };
    socket?.setTimeout(silenceMs);
    socket?.on('timeout', onSilence);
    body.once('close', () => {
      this.live.delete(body);
      socket?.off('timeout', onSilence);
    });
  }

  private async withRetries<T>(
    method: string,
    path: string,
    opts: RequestOpts,
    attempt: () => Promise<T>
  ): Promise<T> {
    const idempotent = opts.idempotent ?? (method === 'GET' || method === 'HEAD');
    const maxAttempts = this.config.maxAttempts ?? 7;
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (err) {
        const signal = this.config.signal;
        if (signal?.aborted) throw abortReason(signal);
        const failure = classify(err);
        if (!failure) throw err;
        const notSent = failure.notSent || failure.status === 429;
        if (!idempotent && !notSent) {
          throw new AmbiguousRequestError(
            `${failure.message} — the ${method} to ${this.show(path)} may or may not have reached ${this.config.serverName}`
          );
        }
        if (n >= maxAttempts) {
          throw new RemoteError(`${failure.message} (gave up after ${n} attempts)`, failure.status);
        }
        const backoff = (this.config.backoffMs ?? 1000) * 2 ** (n - 1);
        const jittered = backoff / 2 + Math.random() * backoff;
        const delay = Math.min(failure.delayMs ?? jittered, 15 * 60_000);
        if (failure.delayMs !== undefined) this.withinDeadline(delay, failure.message);
        this.stats.retries++;
        this.config.debug?.(`${failure.message}; trying again in ${Math.round(delay / 100) / 10}s`);
        await sleep(delay, this.config.signal);
      }
    }
  }

  /** A wait the server asked for that would pass the deadline is not slept through: it ends the step now. */
  private withinDeadline(waitMs: number, why: string): void {
    const deadline = this.config.deadline;
    if (deadline === undefined || Date.now() + waitMs <= deadline) return;
    throw new DeadlineError(
      `${this.config.serverName} asked to wait ${Math.ceil(waitMs / 1000)}s, past the timeout (${Math.max(0, Math.ceil((deadline - Date.now()) / 1000))}s were left): ${why}`
    );
  }

  /** Waits while a rate limit's budget is spent, or for this request's share of what is left of it. */
  private async pace(verb: string): Promise<void> {
    const wait = this.budget.notBefore - Date.now();
    if (wait > 0) {
      this.withinDeadline(
        wait,
        `its rate limit budget is spent until ${new Date(this.budget.notBefore).toISOString()}`
      );
      this.config.debug?.(`${this.config.serverName} rate limit: waiting ${Math.ceil(wait / 100) / 10}s`);
      await sleep(wait, this.config.signal);
    }
    // A shared budget's pacing is a courtesy, not the server's demand: it never ends the step.
    const share = this.budget.readNotBefore - Date.now();
    const deadline = this.config.deadline;
    if (verb === 'GET' && share > 0 && (deadline === undefined || Date.now() + share < deadline)) {
      this.config.debug?.(
        `${this.config.serverName} rate limit budget shared and spent ahead of time: waiting ${Math.ceil(share / 100) / 10}s`
      );
      await sleep(share, this.config.signal);
    }
  }

  /** A URL as shown in messages: no query (pre-signed URLs carry credentials there). */
  private show(pathOrUrl: string): string {
    try {
      const u = new URL(this.resolve(pathOrUrl));
      return u.origin === this.origin ? u.pathname : `${u.origin}${u.pathname}`;
    } catch {
      return pathOrUrl;
    }
  }
}

/** Bytes gathered before each write to disk… */
const WRITE_BATCH = 1024 * 1024;
/** …or whatever has come once the first of them has waited this long (a slow transfer). */
const WRITE_AFTER_MS = 20;

/**
 * A file written in batches of about WRITE_BATCH bytes, each with one synchronous writev, as
 * curl writes. fs.WriteStream sends every 64 KiB network chunk on its own round trip through
 * libuv's thread pool: on two cores that held a 1 GiB download to about 60% of curl's speed,
 * where this keeps up with it (a batch is ~1 ms of blocking on a page cache). `onChunk` sees
 * every chunk before it is kept and may refuse it by throwing. Bytes received reach the file
 * within WRITE_AFTER_MS, and still do when the transfer breaks (they are a prefix of the body:
 * a resumed download asks for less); 'close' comes once the file is closed, so its size is
 * then exactly the bytes written.
 */
export class FileSink extends Writable {
  private readonly fd: number;
  private batch: Buffer[] = [];
  private size = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    file: string,
    flags: 'w' | 'a',
    private readonly onChunk?: (chunk: Buffer) => void
  ) {
    super();
    this.fd = fs.openSync(file, flags);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    try {
      this.onChunk?.(chunk);
      this.batch.push(chunk);
      this.size += chunk.length;
      if (this.size >= WRITE_BATCH) this.flush();
      else this.timer ??= setTimeout(() => this.flushLater(), WRITE_AFTER_MS);
    } catch (err) {
      return done(err as Error);
    }
    done();
  }

  override _final(done: (err?: Error | null) => void): void {
    try {
      this.flush();
    } catch (err) {
      return done(err as Error);
    }
    done();
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    try {
      this.flush();
    } catch {
      // the error that destroyed the stream is the one to report
    }
    clearTimeout(this.timer);
    fs.close(this.fd, (closeErr) => done(err ?? closeErr));
  }

  private flushLater(): void {
    this.timer = undefined;
    try {
      this.flush();
    } catch (err) {
      this.destroy(err as Error);
    }
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.size === 0) return;
    const chunks = this.batch;
    const size = this.size;
    this.batch = [];
    this.size = 0;
    let n = fs.writevSync(this.fd, chunks);
    if (n < size) {
      // A short write: the rest, from where it stopped.
      const rest = Buffer.concat(chunks, size);
      while (n < size) {
        const wrote = fs.writeSync(this.fd, rest, n, size - n);
        if (wrote <= 0) throw new Error('a write to disk wrote nothing');
        n += wrote;
      }
    }
  }
}

function classify(
  err: unknown
): { message: string; delayMs?: number; status?: number; notSent?: boolean } | undefined {
  if (err instanceof RetryableError)
    return { message: err.message, delayMs: err.delayMs, status: err.status };
  if (err instanceof RemoteError || err instanceof AbortedError) return undefined;
  if (isNetworkError(err)) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    return { message: `network error: ${(err as Error).message}`, notSent: NOT_SENT.includes(code) };
  }
  return undefined;
}

/** Duck-typed: errors raised by Node itself may belong to another realm than our `Error`. */
function isError(err: unknown): err is NodeJS.ErrnoException {
  return typeof err === 'object' && err !== null && typeof (err as Error).message === 'string';
}

function isTlsError(err: unknown): boolean {
  return isError(err) && /^ERR_TLS_CERT|CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(err.code ?? '');
}

/** What the disk says (a full disk, no permission): trying the network again cannot help. */
const FILE_SYSTEM_ERRORS = [
  'ENOSPC',
  'EDQUOT',
  'EACCES',
  'EPERM',
  'EROFS',
  'EISDIR',
  'ENOTDIR',
  'EEXIST',
  'EMFILE',
  'ENFILE',
  'EFBIG',
  'EIO'
];

function isNetworkError(err: unknown): boolean {
  if (!isError(err) || isTlsError(err)) return false;
  const code = err.code ?? '';
  if (FILE_SYSTEM_ERRORS.includes(code) || (err as NodeJS.ErrnoException).syscall === 'open') return false;
  return (
    /^(E[A-Z]+|ERR_STREAM_PREMATURE_CLOSE|UND_ERR.*)$/.test(code) ||
    /socket hang up|aborted|timeout|premature close/i.test(err.message)
  );
}

/** What a 2xx that should be JSON is instead, when it is plainly not the API (`undefined`: JSON, broken). */
function notTheApi(headers: IncomingHttpHeaders, body: Buffer): string | undefined {
  const type = (header(headers, 'content-type') ?? '').toLowerCase();
  const start = body.subarray(0, 512).toString('utf8').trimStart().toLowerCase();
  if (type.includes('html') || start.startsWith('<!doctype html') || start.startsWith('<html'))
    return 'an HTML page';
  if (type.includes('json') || /^[[{"]/.test(start)) return undefined;
  return `something else (${type || 'no content type'})`;
}

/** Rejects with the abort's reason as soon as `signal` aborts, without waiting for a slow answer. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      }
    );
  });
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
    length += (chunk as Buffer).length;
  }
  const expected = header(stream.headers, 'content-length');
  if (expected !== undefined && Number(expected) !== length && stream.statusCode !== 304) {
    throw Object.assign(new Error(`aborted: expected ${expected} bytes, got ${length}`), {
      code: 'ECONNRESET'
    });
  }
  return Buffer.concat(chunks, length);
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * transport/ owns the one HTTP client every remote uses (@actions/http-client underneath):
 * credentials only to their own origin, redirects followed by hand (redirects.ts), retries that
 * honour Retry-After (retries.ts), rate budgets (budget.ts), streamed downloads (download.ts),
 * JSON answers and their shapes (json.ts, shape.ts). It imports only core/; it knows no
 * remote's URLs and no host.
 */
import type { IncomingHttpHeaders, IncomingMessage, RequestOptions } from 'node:http';
import { rootCertificates } from 'node:tls';
import { HttpClient } from '@actions/http-client';
import type { RequestHandler } from '@actions/http-client/lib/interfaces';
import { abortReason, untilAborted } from '../core/deadline.js';
import { RemoteError } from '../core/errors.js';
import { RateBudget, pace, retryDelayMs } from './budget.js';
import { download } from './download.js';
import { notTheApi, readAll, serverMessage } from './json.js';
import { headersFor, isRedirect, nextHop, type Hop } from './redirects.js';
import { RETRY_STATUSES, RetryableError, isTlsError, withRetries } from './retries.js';
import type { Exchanges, HttpConfig, HttpResponse, RequestOpts, StreamResponse } from './types.js';

export type { HttpConfig, HttpResponse, RequestOpts, StreamResponse } from './types.js';

/**
 * Silence limits. An API answer is small and quick: 20 s without one is a dead connection
 * (a poll is retried, within the deadline). A streamed body may be large and slow: it fails
 * only when no byte at all came for a minute, however long the whole transfer takes.
 */
export const ANSWER_SILENCE_MS = 20_000;
export const TRANSFER_SILENCE_MS = 60_000;

/** The only HTTP client; see the header above for what each of its concerns lives in. */
export class Http implements Exchanges {
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
    return this.retrying(method, path, opts, async () => {
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
    return this.retrying(method, path, opts, async () => {
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
    return this.retrying('GET', path, opts, async () => {
      const res = await this.open('GET', path, opts);
      try {
        return await consume(res);
      } catch (err) {
        res.body.destroy();
        throw err;
      }
    });
  }

  /** Downloads to `file`, streaming and resuming (download.ts). */
  download(
    path: string,
    file: string,
    opts: RequestOpts & { limit?: (bytes: number) => void } = {}
  ): Promise<{ status: number; bytes: number }> {
    return download(this, path, file, opts);
  }

  /** One exchange: redirects followed by hand (redirects.ts), credentials only to our origin. Body unread. */
  open(
    method: string,
    path: string,
    opts: RequestOpts,
    silenceMs = this.config.transferSilenceMs ?? TRANSFER_SILENCE_MS
  ): Promise<StreamResponse> {
    const headers: Hop['headers'] = { ...opts.headers };
    let data: string | null = null;
    if (opts.json !== undefined) {
      data = JSON.stringify(opts.json);
      headers['content-type'] = 'application/json';
    } else if (opts.form) {
      data = new URLSearchParams(opts.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    return this.follow(
      { url: new URL(this.resolve(path)), verb: method, data, headers },
      path,
      silenceMs,
      opts.accept
    );
  }

  private async follow(
    first: Hop,
    path: string,
    silenceMs: number,
    accept?: number[]
  ): Promise<StreamResponse> {
    let hop = first;
    for (let hops = 0; ; hops++) {
      const { url, verb, data } = hop;
      await pace(this.budget, verb, this.config);
      const signal = this.watchAbort();
      const sent = headersFor(url, this.origin, this.config.credentials, hop.headers);
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
      const location = msg.headers.location;
      if (isRedirect(status, location)) {
        msg.resume();
        hop = nextHop(hop, status, location, hops, this.config.serverName, (p) => this.show(p), path);
        continue;
      }
      if (status >= 400 && !accept?.includes(status)) {
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

  /** Runs one attempt of an exchange with the retries it may have (retries.ts). */
  retrying<T>(method: string, path: string, opts: RequestOpts, attempt: () => Promise<T>): Promise<T> {
    return withRetries(
      this.config,
      this,
      method,
      path,
      opts.idempotent ?? (method === 'GET' || method === 'HEAD'),
      attempt
    );
  }

  /** A URL as shown in messages: no query (pre-signed URLs carry credentials there). */
  show(pathOrUrl: string): string {
    try {
      const u = new URL(this.resolve(pathOrUrl));
      return u.origin === this.origin ? u.pathname : `${u.origin}${u.pathname}`;
    } catch {
      return pathOrUrl;
    }
  }
}

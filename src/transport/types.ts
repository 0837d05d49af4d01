/** The shapes of the transport's requests and answers, shared by its modules. */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

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

/** What the exchange-level helpers (downloads) need of the client. */
export interface Exchanges {
  open(method: string, path: string, opts: RequestOpts): Promise<StreamResponse>;
  retrying<T>(method: string, path: string, opts: RequestOpts, attempt: () => Promise<T>): Promise<T>;
  readonly stats: { requests: number; retries: number; bytes: number };
  show(pathOrUrl: string): string;
}

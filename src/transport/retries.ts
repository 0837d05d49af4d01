/**
 * Retries: which failures may be tried again (network errors, 5xx, 429), how long to wait
 * (exponential backoff with jitter, or the server's Retry-After), and never past the deadline.
 * A request that must not be repeated (a trigger) whose answer was lost becomes an
 * AmbiguousRequestError instead.
 */
import { abortReason, sleep } from '../core/deadline.js';
import { AbortedError, AmbiguousRequestError, DeadlineError, RemoteError } from '../core/errors.js';

export const RETRY_STATUSES = [429, 500, 502, 503, 504];
/** Errors raised before any byte of the request could reach the server. */
const NOT_SENT = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'];

/** A failure worth another attempt, with the wait the server asked for when it did. */
export class RetryableError extends Error {
  constructor(
    message: string,
    readonly delayMs?: number,
    readonly status?: number
  ) {
    super(message);
  }
}

/** What the retry loop reads of the client's configuration (HttpConfig has it all). */
export interface RetryConfig {
  serverName: string;
  maxAttempts?: number;
  backoffMs?: number;
  signal?: AbortSignal;
  deadline?: number;
  debug?: (message: string) => void;
}

/** What the retry loop tells the client: its retry count, and how it shows a URL. */
export interface RetryClient {
  readonly stats: { retries: number };
  show(path: string): string;
}

/** Runs `attempt` until it succeeds, fails for good, or may not be repeated. */
export async function withRetries<T>(
  ctx: RetryConfig,
  client: RetryClient,
  method: string,
  path: string,
  idempotent: boolean,
  attempt: () => Promise<T>
): Promise<T> {
  const maxAttempts = ctx.maxAttempts ?? 7;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (ctx.signal?.aborted) throw abortReason(ctx.signal);
      const failure = classify(err);
      if (!failure) throw err;
      const notSent = failure.notSent || failure.status === 429;
      if (!idempotent && !notSent) {
        throw new AmbiguousRequestError(
          `${failure.message} — the ${method} to ${client.show(path)} may or may not have reached ${ctx.serverName}`
        );
      }
      if (n >= maxAttempts) {
        throw new RemoteError(`${failure.message} (gave up after ${n} attempts)`, failure.status);
      }
      const backoff = (ctx.backoffMs ?? 1000) * 2 ** (n - 1);
      const jittered = backoff / 2 + Math.random() * backoff;
      const delay = Math.min(failure.delayMs ?? jittered, 15 * 60_000);
      if (failure.delayMs !== undefined) withinDeadline(ctx, delay, failure.message);
      client.stats.retries++;
      ctx.debug?.(`${failure.message}; trying again in ${Math.round(delay / 100) / 10}s`);
      await sleep(delay, ctx.signal);
    }
  }
}

/** A wait the server asked for that would pass the deadline is not slept through: it ends the step now. */
export function withinDeadline(
  ctx: { serverName: string; deadline?: number },
  waitMs: number,
  why: string
): void {
  const deadline = ctx.deadline;
  if (deadline === undefined || Date.now() + waitMs <= deadline) return;
  throw new DeadlineError(
    `${ctx.serverName} asked to wait ${Math.ceil(waitMs / 1000)}s, past the timeout (${Math.max(0, Math.ceil((deadline - Date.now()) / 1000))}s were left): ${why}`
  );
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

export function isTlsError(err: unknown): boolean {
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

export function isNetworkError(err: unknown): boolean {
  if (!isError(err) || isTlsError(err)) return false;
  const code = err.code ?? '';
  if (FILE_SYSTEM_ERRORS.includes(code) || (err as NodeJS.ErrnoException).syscall === 'open') return false;
  return (
    /^(E[A-Z]+|ERR_STREAM_PREMATURE_CLOSE|UND_ERR.*)$/.test(code) ||
    /socket hang up|aborted|timeout|premature close/i.test(err.message)
  );
}

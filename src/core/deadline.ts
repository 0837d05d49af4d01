import { AbortedError, DeadlineError } from './errors.js';

/**
 * The one deadline of a step: `timeout` from the start, carried by every wait (trigger, polls,
 * log reads, backoffs, Retry-After pauses, downloads) through `signal`. It aborts with a
 * DeadlineError when the time passes and with an AbortedError when the calling job is
 * cancelled, so whoever catches the abort can tell the two apart.
 */
export class Deadline {
  readonly at: number;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly timeoutMs: number,
    cancelled: AbortSignal,
    now = Date.now()
  ) {
    this.at = now + timeoutMs;
    const onCancel = (): void => this.controller.abort(new AbortedError());
    if (cancelled.aborted) onCancel();
    else cancelled.addEventListener('abort', onCancel, { once: true });
    this.timer = setTimeout(
      () => this.controller.abort(new DeadlineError(`The run did not end within ${seconds(timeoutMs)}s.`)),
      Math.max(0, this.at - now)
    );
    // Nothing else may be left to do when it fires: it must not hold the process open.
    this.timer.unref();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get passed(): boolean {
    return this.signal.reason instanceof DeadlineError || Date.now() >= this.at;
  }

  get cancelled(): boolean {
    return this.signal.reason instanceof AbortedError;
  }

  remainingMs(): number {
    return Math.max(0, this.at - Date.now());
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}

/** A short, bounded window of its own (cancelling a run after a timeout or an abort). */
export function graceWindow(ms: number): { signal: AbortSignal; at: number } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DeadlineError(`The cancel did not end within ${seconds(ms)}s.`)),
    ms
  );
  timer.unref();
  return { signal: controller.signal, at: Date.now() + ms };
}

/** What an aborted signal says: ours carry an AbortedError or a DeadlineError; anything else is a cancel. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof DeadlineError || reason instanceof AbortedError ? reason : new AbortedError();
}

export function seconds(ms: number): number {
  return Math.round(ms / 1000);
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

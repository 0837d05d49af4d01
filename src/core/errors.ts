/** Bad input or configuration: nothing was sent. CLI exit 2. */
export class InputError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/**
 * ci-relay could not talk to the server (auth, network, protocol), or the server refused
 * what was asked. The message is the server's own where it gave one. CLI exit 4.
 */
export class RemoteError extends Error {
  readonly exitCode = 4;
  constructor(
    message: string,
    readonly status?: number
  ) {
    super(message);
    this.name = 'RemoteError';
  }
}

/**
 * A request that changes state (a trigger) failed after it may have reached the server:
 * retrying could start a second run.
 */
export class AmbiguousRequestError extends RemoteError {
  constructor(message: string) {
    super(message);
    this.name = 'AmbiguousRequestError';
  }
}

/** Artifacts passed `max-artifact-size`, or an archive looked like a zip bomb: the download stops. */
export class ArtifactLimitError extends RemoteError {
  constructor(message: string) {
    super(message);
    this.name = 'ArtifactLimitError';
  }
}

/**
 * The step's `timeout` passed (or a wait the server asked for would pass it): what was in
 * flight was abandoned. The relay turns it into the conclusion `timed_out`.
 */
export class DeadlineError extends RemoteError {
  constructor(message: string) {
    super(message);
    this.name = 'DeadlineError';
  }
}

/** The wait was abandoned because the calling job was cancelled. */
export class AbortedError extends Error {
  constructor() {
    super('ci-relay was cancelled');
    this.name = 'AbortedError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

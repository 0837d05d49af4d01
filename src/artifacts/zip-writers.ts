/**
 * Small zip entries inflated and written on every core (issue 14): an archive of thousands of
 * files costs its inflation and, as much again, the kernel's work creating the files, which one
 * thread does one file at a time. So entries go to worker threads running src/zip-writer.cjs,
 * one per core but the main thread's, and the main thread writes one itself whenever each
 * worker already has enough queued to stay busy while it does. Workers start on the first
 * entry that needs one and end with `close()`.
 */
import { createRequire } from 'node:module';
import * as os from 'node:os';
import { Worker } from 'node:worker_threads';

const { writeEntry } = createRequire(import.meta.url)(
  './zip-writer.cjs'
) as typeof import('./zip-writer.cjs');

/** Entries queued on a worker before the main thread takes the next one itself. */
const QUEUED_PER_WORKER = 8;

interface Reply {
  done: number[];
  failed: { id: number; message: string; code?: string; syscall?: string; path?: string; damaged: boolean }[];
}

interface Pending {
  resolve(): void;
  reject(err: Error): void;
}

/** A failure inside the archive's data (not the disk's): the caller reports the archive as damaged. */
export class DamagedEntryError extends Error {}

/** A worker thread and the entries sent to it that have not come back. */
interface Lane {
  worker: Worker;
  queued: Set<number>;
  sent: number;
  /**
   * Entries it has ended, counted by the worker itself: while the main thread writes entries
   * it cannot take in the worker's replies, yet must know when the worker's queue runs low.
   */
  ended: Int32Array;
}

const backlog = (lane: Lane): number => lane.sent - Atomics.load(lane.ended, 0);

export class ZipWriters {
  private readonly lanes: Lane[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closed = false;
  /** Entries written by worker threads, and by the main thread. */
  readonly counts = { workers: 0, here: 0 };

  /** `threads` worker threads at most, by default one per core but the main thread's. */
  constructor(private readonly threads = os.availableParallelism() - 1) {}

  /**
   * Inflates `raw` (deflated when `method` is 8, stored when 0) to exactly `bytes` bytes and
   * writes them to `target`, whose folder exists and was checked. `raw` may be handed over to a
   * thread and be unusable afterwards; one that owns its whole ArrayBuffer
   * (Buffer.allocUnsafeSlow) is handed over without a copy.
   */
  async write(target: string, raw: Uint8Array, method: number, bytes: number): Promise<void> {
    if (this.closed) throw new Error('the zip writers are closed');
    const lane = this.laneWithRoom();
    if (!lane) return this.here(target, raw, method, bytes);
    this.counts.workers++;
    const id = this.nextId++;
    lane.queued.add(id);
    lane.sent++;
    // Handing over a slice of a shared buffer would take the rest of it away from its owners.
    const own = raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength ? raw : new Uint8Array(raw);
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      lane.worker.postMessage({ id, target, raw: own, method, size: bytes }, [own.buffer as ArrayBuffer]);
    });
  }

  /** Ends the threads; entries still being written are awaited by their callers first. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.lanes.splice(0).map((l) => l.worker.terminate()));
  }

  private here(target: string, raw: Uint8Array, method: number, bytes: number): void {
    this.counts.here++;
    try {
      writeEntry(target, raw, method, bytes);
    } catch (err) {
      throw (err as { damaged?: boolean }).damaged ? new DamagedEntryError((err as Error).message) : err;
    }
  }

  /** The least busy worker if it has room in its queue (one is started while fewer run), else none. */
  private laneWithRoom(): Lane | undefined {
    let best: Lane | undefined;
    for (const l of this.lanes) if (!best || backlog(l) < backlog(best)) best = l;
    if (best && backlog(best) === 0) return best;
    if (this.lanes.length < this.threads) return this.start();
    return best && backlog(best) < QUEUED_PER_WORKER ? best : undefined;
  }

  private start(): Lane {
    const ended = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(new URL('./zip-writer.cjs', import.meta.url), {
      workerData: { zipWriter: true, ended }
    });
    const lane: Lane = { worker, queued: new Set(), sent: 0, ended };
    this.lanes.push(lane);
    worker.on('message', ({ done, failed }: Reply) => {
      for (const id of done) this.end(lane, id)?.resolve();
      for (const { id, damaged, message, ...errno } of failed) {
        const err = damaged ? new DamagedEntryError(message) : Object.assign(new Error(message), errno);
        this.end(lane, id)?.reject(err);
      }
    });
    const fail = (err: Error): void => {
      for (const id of [...lane.queued]) this.end(lane, id)?.reject(err);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!this.closed) fail(new Error(`a zip writer thread stopped (exit code ${code})`));
    });
    return lane;
  }

  private end(lane: Lane, id: number): Pending | undefined {
    const p = this.pending.get(id);
    lane.queued.delete(id);
    this.pending.delete(id);
    return p;
  }
}

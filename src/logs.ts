import * as fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { Host } from './hosts/host.js';
import type { Job, Remote, Run } from './remotes/remote.js';
import type { JobNames } from './paths.js';
import { StreamRedactor } from './redact.js';

/** Below this size a whole-log remote is read at every poll, so small logs stay live. */
export const LIVE_WHOLE_LOG_BYTES = 64 * 1024;
/** How many lines of a failed job's log `log: on-failure` shows. */
export const FAILURE_TAIL_LINES = 200;
/** Bytes read back from a saved log at once when showing it. */
const READ_BACK = 256 * 1024;

interface JobLog {
  job: Job;
  file: string;
  fd: number;
  /** The remote's cursor. */
  cursor: number;
  /** Bytes in the file. */
  written: number;
  /** Bytes of the file shown in the host's log. */
  shown: number;
  decoder: StringDecoder;
  partial: string;
  /** The last read after the job ended has been done. */
  complete: boolean;
  /** Its group has been opened. */
  shownHeader: boolean;
  /** Masks secrets a remote echoes, before the bytes are saved or shown. */
  redactor: StreamRedactor;
  lastRead: number;
  /** Size and time of the two last reads, to pace whole-log remotes. */
  lastSize: number;
  growthPerMs: number;
  wait: number;
}

/**
 * Reads each job's log as it grows, saves it to `<download-dir>/<job>.log` (secrets the remote
 * echoes are masked there too: a workflow may upload that folder), and (with
 * `log: stream`) shows it live, one group per job: the job in focus streams as it grows, the
 * others wait in their files until their turn, so groups never interleave.
 */
export class LogFollower {
  private readonly logs = new Map<string, JobLog>();
  private focus: JobLog | undefined;

  constructor(
    private readonly host: Host,
    private readonly remote: Remote,
    private readonly run: Run,
    private readonly names: JobNames,
    private readonly options: { stream: boolean; pollIntervalMs: number; now?: () => number }
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Reads what is due of each started job's log; shows it when streaming. */
  async update(jobs: Job[]): Promise<void> {
    for (const job of jobs) {
      if (!job.started && !job.conclusion) continue;
      const log = this.entry(job);
      log.job = job;
      if (log.complete) continue;
      if (job.conclusion) {
        await this.readToEnd(log);
      } else if (this.due(log)) {
        await this.read(log);
      }
    }
    if (this.options.stream) this.show(jobs);
  }

  /** Reads every ended job's log to its end, and shows what is left. */
  async finish(jobs: Job[]): Promise<void> {
    for (const job of jobs) {
      if (!job.started && !job.conclusion) continue;
      const log = this.entry(job);
      log.job = job;
      if (!log.complete) await this.readToEnd(log);
    }
    if (this.options.stream) this.show(jobs, true);
    for (const log of this.logs.values()) fs.closeSync(log.fd);
  }

  /** The saved log of a job, when it has one. */
  file(job: Job): string | undefined {
    return this.logs.get(job.key)?.file;
  }

  /** Shows the last lines of a saved log in a group (for `log: on-failure`). */
  showTail(job: Job): void {
    const log = this.logs.get(job.key);
    if (!log || log.written === 0) return;
    const start = Math.max(0, log.written - 512 * 1024);
    const text = readRange(log.file, start, log.written).toString('utf8');
    const lines = text.split('\n');
    if (start > 0) lines.shift();
    if (lines[lines.length - 1] === '') lines.pop();
    const tail = lines.slice(-FAILURE_TAIL_LINES);
    this.host.startGroup(`${job.name}: ${job.status} (last ${tail.length} lines of its log)`);
    this.host.remoteLines(tail.map(trimLine));
    this.host.endGroup();
  }

  private entry(job: Job): JobLog {
    let log = this.logs.get(job.key);
    if (!log) {
      const file = this.names.logPath(job.key, job.name);
      log = {
        job,
        file,
        fd: fs.openSync(file, 'w'),
        cursor: 0,
        written: 0,
        shown: 0,
        decoder: new StringDecoder('utf8'),
        partial: '',
        complete: false,
        shownHeader: false,
        redactor: new StreamRedactor(this.host.secrets),
        lastRead: 0,
        lastSize: 0,
        growthPerMs: 0,
        wait: 0
      };
      this.logs.set(job.key, log);
    }
    return log;
  }

  /**
   * Incremental remotes fetch only what is new: read at every poll. Whole-log remotes re-send
   * everything, so once a log is past LIVE_WHOLE_LOG_BYTES it is read when it should have
   * doubled: the bytes fetched stay within a small multiple of the final size.
   */
  private due(log: JobLog): boolean {
    if (this.remote.logMode === 'incremental' || log.lastRead === 0) return true;
    if (log.lastSize < LIVE_WHOLE_LOG_BYTES) return true;
    return this.now() - log.lastRead >= log.wait;
  }

  /** The last read of an ended job, and what the redactor held back. */
  private async readToEnd(log: JobLog): Promise<void> {
    await this.read(log);
    this.save(log, log.redactor.end());
    log.complete = true;
  }

  private async read(log: JobLog): Promise<void> {
    const before = log.written;
    log.cursor = await this.remote.readLog(this.run, log.job, log.cursor, (chunk) => {
      this.save(log, log.redactor.push(chunk));
    });
    const now = this.now();
    if (this.remote.logMode === 'whole') {
      const grown = log.written - before;
      if (log.lastRead > 0 && grown > 0) log.growthPerMs = grown / Math.max(1, now - log.lastRead);
      // Next read when the log should have doubled; if it did not grow, wait twice as long.
      log.wait =
        grown > 0 && log.growthPerMs > 0
          ? Math.max(this.options.pollIntervalMs, log.written / log.growthPerMs)
          : Math.min(Math.max(log.wait * 2, this.options.pollIntervalMs), 10 * 60_000);
      log.lastSize = log.written;
    }
    log.lastRead = now;
  }

  /** Saved and, for the job in focus, shown: the same bytes, secrets masked. */
  private save(log: JobLog, bytes: Buffer): void {
    if (!bytes.length) return;
    fs.writeSync(log.fd, bytes);
    log.written += bytes.length;
    if (this.options.stream && this.focus === log) this.display(log, bytes);
  }

  /** Moves the focus along: finish the job in focus, then show the next one's backlog. */
  private show(jobs: Job[], final = false): void {
    for (;;) {
      if (!this.focus) {
        const next = jobs
          .map((j) => this.logs.get(j.key))
          .find(
            (l): l is JobLog =>
              !!l && (l.shown < l.written || (!l.complete && !l.job.conclusion) || !l.shownHeader)
          );
        if (!next) return;
        this.focus = next;
        next.shownHeader = true;
        this.host.startGroup(groupTitle(next.job));
        this.catchUp(next);
      } else {
        this.catchUp(this.focus);
      }
      const f = this.focus;
      if (!f.complete && !final) return;
      this.flush(f);
      this.host.info(
        `${f.job.name}: ${f.job.status}${f.job.duration !== undefined ? ` after ${Math.round(f.job.duration)}s` : ''}`
      );
      this.host.endGroup();
      this.focus = undefined;
    }
  }

  /** Shows what was saved before this job came into focus. */
  private catchUp(log: JobLog): void {
    while (log.shown < log.written) {
      const end = Math.min(log.written, log.shown + READ_BACK);
      this.display(log, readRange(log.file, log.shown, end));
    }
  }

  private display(log: JobLog, chunk: Buffer): void {
    log.shown += chunk.length;
    const text = log.partial + log.decoder.write(chunk);
    const lines = text.split('\n');
    log.partial = lines.pop() ?? '';
    this.host.remoteLines(lines.map(trimLine));
  }

  private flush(log: JobLog): void {
    const rest = log.partial + log.decoder.end();
    log.partial = '';
    if (rest) this.host.remoteLines([trimLine(rest)]);
  }
}

function groupTitle(job: Job): string {
  return job.stage && !job.name.startsWith(`${job.stage}.`) ? `${job.name} (${job.stage})` : job.name;
}

/** A terminal line may redraw itself with \r: show what it ended as. */
function trimLine(line: string): string {
  const l = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (!l.includes('\r')) return l;
  const parts = l.split('\r').filter((p) => p.length > 0);
  return parts[parts.length - 1] ?? '';
}

function readRange(file: string, start: number, end: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(end - start);
    let off = 0;
    while (off < buf.length) {
      const n = fs.readSync(fd, buf, off, buf.length - off, start + off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    fs.closeSync(fd);
  }
}

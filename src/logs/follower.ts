import * as fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { Host } from '../core/host.js';
import type { Job, LogSink, Run } from '../core/run.js';
import type { JobNames } from '../core/names.js';
import { openForWrite } from '../core/files.js';
import { StreamRedactor } from './redact.js';

/** What the follower needs of a remote: how it serves logs, and a read past a cursor. */
export interface LogSource {
  readonly logMode: 'incremental' | 'whole';
  readLog(run: Run, job: Job, cursor: number, sink: LogSink): Promise<number>;
}

/** Below this size a whole-log remote is read once a poll interval while it grows, so small logs stay live. */
export const LIVE_WHOLE_LOG_BYTES = 64 * 1024;
/**
 * A small whole log that did not grow is read less often, up to this many poll intervals apart.
 * GitLab's runner sends the trace in increments: every 3 s while someone watches the job's page
 * in the web UI, else every 60 s (UPDATE_FREQUENCY_DEFAULT / _WHEN_BEING_WATCHED in
 * gitlabhq lib/gitlab/ci/trace.rb, told to the runner by X-GitLab-Trace-Update-Interval; only
 * Projects::JobsController#trace marks it watched, never the API), with gitlab-runner's own
 * floor of 3 s (UpdateInterval in common/consts.go): most reads at every poll find nothing new.
 */
export const IDLE_LOG_POLLS = 3;
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
  /** The shown line's text so far, in pieces: joined once, when its newline comes (linear in its length). */
  partial: string[];
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
    private readonly remote: LogSource,
    private readonly run: Run,
    private readonly names: JobNames,
    private readonly options: { stream: boolean; pollIntervalMs: number; now?: () => number }
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /**
   * Reads what is due of each started job's log; shows it when streaming. A whole-log remote
   * re-sends a log in full, and only the job in focus is shown live: the other running jobs'
   * logs are read when they come into focus or end (every byte is still saved).
   */
  async update(jobs: Job[]): Promise<void> {
    const live = this.remote.logMode === 'whole' ? this.live(jobs) : undefined;
    for (const job of jobs) {
      if (!job.started && !job.conclusion) continue;
      const log = this.entry(job);
      log.job = job;
      if (log.complete) continue;
      if (job.conclusion) {
        await this.readToEnd(log);
      } else if ((live === undefined || live === job.key) && this.due(log)) {
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

  /** The running job whose log is shown live: the one in focus, else the next to come into it. */
  private live(jobs: Job[]): string {
    const f = this.focus;
    if (f && !f.complete && !f.job.conclusion) return f.job.key;
    const next = jobs.find((j) => j.started && !j.conclusion && !this.logs.get(j.key)?.complete);
    return next?.key ?? '';
  }

  private entry(job: Job): JobLog {
    let log = this.logs.get(job.key);
    if (!log) {
      const file = this.names.logPath(job.key, job.name);
      log = {
        job,
        file,
        // A symlink planted at <job>.log is replaced, never followed.
        fd: openForWrite(file),
        cursor: 0,
        written: 0,
        shown: 0,
        decoder: new StringDecoder('utf8'),
        partial: [],
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
   * everything: a small log is read once a poll interval while it grows (not at each of the
   * quick first polls), less often while it does not; past LIVE_WHOLE_LOG_BYTES it is read when
   * it should have doubled, so the bytes fetched stay within a small multiple of the final size.
   */
  private due(log: JobLog): boolean {
    if (this.remote.logMode === 'incremental' || log.lastRead === 0) return true;
    // Polls come a poll interval apart from the end of the last one's work, not exactly.
    const slack = Math.min(2_000, this.options.pollIntervalMs / 4);
    return this.now() - log.lastRead + slack >= log.wait;
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
      // A small log stays live: read once a poll interval while it grows, at most
      // IDLE_LOG_POLLS intervals apart while it does not.
      const poll = this.options.pollIntervalMs;
      const small = log.written < LIVE_WHOLE_LOG_BYTES;
      if (grown > 0 && small) log.wait = poll;
      else if (grown > 0 && log.growthPerMs > 0) log.wait = Math.max(poll, log.written / log.growthPerMs);
      else log.wait = Math.min(Math.max(log.wait * 2, poll), small ? IDLE_LOG_POLLS * poll : 10 * 60_000);
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
    const text = log.decoder.write(chunk);
    const nl = text.indexOf('\n');
    if (nl < 0) {
      // A line longer than a chunk: kept in pieces, never re-split (that was quadratic).
      if (text) log.partial.push(text);
      return;
    }
    log.partial.push(text.slice(0, nl));
    const lines = text.slice(nl + 1).split('\n');
    const last = lines.pop() ?? '';
    lines.unshift(log.partial.join(''));
    log.partial = last ? [last] : [];
    this.host.remoteLines(lines.map(trimLine));
  }

  private flush(log: JobLog): void {
    log.partial.push(log.decoder.end());
    const rest = log.partial.join('');
    log.partial = [];
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

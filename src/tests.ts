/**
 * Test results, normalized: from JUnit XML files among the artifacts and from a remote's own
 * report (GitLab's pipeline test report API). The hosts show one TestSummary.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Minimatch } from 'minimatch';
import { SaxesParser } from 'saxes';

/** One test case as a report gives it. */
export interface TestCase {
  suite: string;
  name: string;
  /** Source file and line, when the report has them. */
  file?: string;
  line?: number;
  status: 'passed' | 'failed' | 'error' | 'skipped';
  /** The failure's message and details (failed and error cases). */
  message?: string;
  /** Seconds. */
  time?: number;
}

/** Totals of every report read (the `tests` output), with the failed cases to show. */
export interface TestSummary {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  errors: number;
  /** Seconds. */
  time: number;
  /** Failed and errored cases, in report order; may be capped, the totals never are. */
  failures: TestCase[];
}

/**
 * Failed cases kept per summary: enough for any table or annotation we show, while a report
 * with a million failures still parses in flat memory (the totals count every one).
 */
export const MAX_FAILURES_KEPT = 500;
/** Characters of a failure's message and details kept; the first lines are what we show. */
export const MAX_MESSAGE_CHARS = 4000;

export function emptySummary(): TestSummary {
  return { total: 0, passed: 0, failed: 0, skipped: 0, errors: 0, time: 0, failures: [] };
}

/** Several summaries as one: totals added, failures in order up to MAX_FAILURES_KEPT. */
export function mergeSummaries(parts: TestSummary[]): TestSummary {
  const out = emptySummary();
  for (const p of parts) {
    out.total += p.total;
    out.passed += p.passed;
    out.failed += p.failed;
    out.skipped += p.skipped;
    out.errors += p.errors;
    out.time += p.time;
    for (const f of p.failures) if (out.failures.length < MAX_FAILURES_KEPT) out.failures.push(f);
  }
  out.time = Math.round(out.time * 1000) / 1000;
  return out;
}

/** The `tests` output: totals only. */
export function testTotals(s: TestSummary): Omit<TestSummary, 'failures'> {
  return {
    total: s.total,
    passed: s.passed,
    failed: s.failed,
    skipped: s.skipped,
    errors: s.errors,
    time: s.time
  };
}

/** A file that is not a readable JUnit report; the message names what is wrong, not the file. */
export class JUnitError extends Error {}

/**
 * Reads one JUnit XML file as a stream (saxes, the parser jsdom uses), so that a report of any
 * size takes flat memory. Understands `<testsuites>`, nested `<testsuite>`, and `<testcase>`
 * with `<failure>`, `<error>` or `<skipped>`; `file` and `line` come from the case, else from
 * its suite. saxes expands no external entities and fetches nothing.
 */
export async function readJUnit(file: string): Promise<TestSummary> {
  const summary = emptySummary();
  const parser = new SaxesParser({ position: true });
  const suites: { name: string; file?: string }[] = [];
  let root: string | undefined;
  let current: (TestCase & { text: string[]; chars: number }) | undefined;
  /** Inside the <failure>/<error> whose text is the message's details. */
  let inFailure = false;
  let failure: Error | undefined;

  parser.on('error', (err) => {
    failure ??= new JUnitError(err.message);
  });
  parser.on('opentag', (tag) => {
    const a = tag.attributes as Record<string, string>;
    if (root === undefined) {
      root = tag.name;
      if (root !== 'testsuites' && root !== 'testsuite')
        failure ??= new JUnitError(`its root element is <${root}>, not <testsuites> or <testsuite>`);
    }
    switch (tag.name) {
      case 'testsuite':
        suites.push({ name: a.name ?? '', file: a.file || a.filepath || suites.at(-1)?.file });
        break;
      case 'testcase': {
        const suite = suites.at(-1);
        const line = Number(a.line ?? a.lineno);
        current = {
          suite: suite?.name || a.classname || '',
          name: a.name ?? '',
          file: a.file || a.filepath || suite?.file || undefined,
          line: Number.isInteger(line) && line > 0 ? line : undefined,
          status: 'passed',
          time: seconds(a.time),
          text: [],
          chars: 0
        };
        break;
      }
      case 'failure':
      case 'error':
        if (!current || current.status === 'failed' || current.status === 'error') break;
        current.status = tag.name === 'failure' ? 'failed' : 'error';
        inFailure = true;
        if (a.message) add(a.message);
        break;
      case 'skipped':
        if (current && current.status === 'passed') current.status = 'skipped';
        break;
    }
  });
  const onText = (text: string): void => {
    if (inFailure && text.trim()) add(text);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', (tag) => {
    if (tag.name === 'failure' || tag.name === 'error') inFailure = false;
    else if (tag.name === 'testsuite') suites.pop();
    else if (tag.name === 'testcase' && current) {
      const { text, chars: _chars, ...c } = current;
      count(summary, c, text.join('\n').trim());
      current = undefined;
    }
  });

  function add(text: string): void {
    if (!current || current.chars >= MAX_MESSAGE_CHARS) return;
    const piece = text.trim().slice(0, MAX_MESSAGE_CHARS - current.chars);
    // The message attribute is often the body's first line: say it once.
    if (current.text.length === 1 && piece.startsWith(current.text[0])) {
      current.text[0] = piece;
      current.chars = piece.length;
      return;
    }
    current.text.push(piece);
    current.chars += piece.length;
  }

  const stream = fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 64 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      parser.write(chunk);
      if (failure) break;
    }
    if (!failure) parser.close();
  } finally {
    stream.destroy();
  }
  if (failure) throw failure;
  summary.time = Math.round(summary.time * 1000) / 1000;
  return summary;
}

function count(summary: TestSummary, c: TestCase, message: string): void {
  summary.total++;
  summary.time += c.time ?? 0;
  if (c.status === 'passed') summary.passed++;
  else if (c.status === 'skipped') summary.skipped++;
  else {
    if (c.status === 'failed') summary.failed++;
    else summary.errors++;
    if (summary.failures.length < MAX_FAILURES_KEPT)
      summary.failures.push({ ...c, message: message || undefined });
  }
}

function seconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  // Some reporters write `1,234.5`.
  const n = Number(value.replace(/,/g, ''));
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** A JUnit file found among the artifacts: where it is, and the path it is shown and copied by. */
export interface ReportFile {
  path: string;
  /** `<job>/<path inside the job's artifacts>`, `/`-separated. */
  name: string;
}

/**
 * The files under each job's artifact folder that `globs` select (matched against the path
 * inside the job's artifacts, as `artifacts` is), in job order then path order. Symbolic links
 * are not followed: an artifact cannot make us read outside the download folder.
 */
export function findReports(jobDirs: { name: string; dir: string }[], globs: string[]): ReportFile[] {
  const matchers = globs.map((g) => new Minimatch(g, { dot: true }));
  const out: ReportFile[] = [];
  for (const job of jobDirs) {
    const found: ReportFile[] = [];
    const walk = (dir: string, rel: string): void => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const relPath = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(path.join(dir, e.name), relPath);
        else if (e.isFile() && matchers.some((m) => m.match(relPath)))
          found.push({ path: path.join(dir, e.name), name: `${path.basename(job.dir)}/${relPath}` });
      }
    };
    walk(job.dir, '');
    out.push(...found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
  }
  return out;
}

export interface TestResults {
  summary?: TestSummary;
  /** The JUnit files read, copied under `<download-dir>/test-results/`. */
  files: string[];
  /** Where the results came from, for the log. */
  source?: 'artifacts' | 'remote';
}

export interface ReadOptions {
  downloadDir: string;
  globs: string[];
  jobDirs: { name: string; dir: string }[];
  /** The remote's own report, asked for only when no JUnit artifact was read. */
  remoteReport?: () => Promise<TestSummary | undefined>;
  warn(message: string): void;
}

/**
 * Every test result of a run, counted once. The JUnit files among the artifacts come first:
 * when one of them is read, they are the results, since a remote's own report (GitLab's test
 * report) is built from the same JUnit files its jobs upload and adding it would count every
 * test twice. Only when no artifact report was read is the remote asked for its own.
 * Each file read is copied to `<download-dir>/test-results/<job>/…` for Jenkins' `junit` step
 * and Azure's test publishing; a file that cannot be parsed is a warning naming it, and is not
 * copied, so no host's test view chokes on it.
 */
export async function readTestResults(opts: ReadOptions): Promise<TestResults> {
  if (!opts.globs.length) return { files: [] };
  const parts: TestSummary[] = [];
  const files: string[] = [];
  const outDir = path.join(opts.downloadDir, 'test-results');
  for (const report of findReports(opts.jobDirs, opts.globs)) {
    try {
      parts.push(await readJUnit(report.path));
    } catch (err) {
      const why = err instanceof JUnitError ? err.message : (err as Error).message;
      opts.warn(`Test results: '${report.name}' is not a readable JUnit report (${why}); it was skipped.`);
      continue;
    }
    const target = path.join(outDir, ...report.name.split('/'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(report.path, target);
    files.push(target);
  }
  if (parts.length) return { summary: mergeSummaries(parts), files, source: 'artifacts' };
  const remote = opts.remoteReport ? await opts.remoteReport() : undefined;
  if (remote) return { summary: mergeSummaries([remote]), files, source: 'remote' };
  return { files };
}

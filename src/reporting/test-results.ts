/**
 * A run's test results, counted once: JUnit files among the downloaded artifacts, else the
 * remote's own report.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Minimatch } from 'minimatch';
import { copyFileNoFollow, FoldersInside } from '../core/files.js';
import { mergeSummaries, type TestSummary } from '../core/test-summary.js';
import { JUnitError, readJUnit } from './junit.js';

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
    // Folders still to read, without recursion: artifacts may be any number of folders deep.
    const todo: { dir: string; rel: string }[] = [{ dir: job.dir, rel: '' }];
    for (let next = todo.pop(); next; next = todo.pop()) {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(next.dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        const relPath = next.rel ? `${next.rel}/${e.name}` : e.name;
        if (e.isDirectory()) todo.push({ dir: path.join(next.dir, e.name), rel: relPath });
        else if (e.isFile() && matchers.some((m) => m.match(relPath)))
          found.push({ path: path.join(next.dir, e.name), name: `${path.basename(job.dir)}/${relPath}` });
      }
    }
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
  const folders = new FoldersInside(opts.downloadDir);
  for (const report of findReports(opts.jobDirs, opts.globs)) {
    try {
      parts.push(await readJUnit(report.path));
    } catch (err) {
      const why = err instanceof JUnitError ? err.message : (err as Error).message;
      opts.warn(`Test results: '${report.name}' is not a readable JUnit report (${why}); it was skipped.`);
      continue;
    }
    const target = path.join(outDir, ...report.name.split('/'));
    // Never through a symlink planted in the download folder: a folder leading outside is refused,
    // a link at the file itself replaced.
    if (!folders.ensure(path.dirname(target))) {
      opts.warn(
        `Test results: '${report.name}' was not copied: its folder leads outside the download folder.`
      );
    } else {
      copyFileNoFollow(report.path, target);
      files.push(target);
    }
  }
  if (parts.length) return { summary: mergeSummaries(parts), files, source: 'artifacts' };
  const remote = opts.remoteReport ? await opts.remoteReport() : undefined;
  if (remote) return { summary: mergeSummaries([remote]), files, source: 'remote' };
  return { files };
}

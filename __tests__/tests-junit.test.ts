/**
 * src/reporting/junit.ts and test-results.ts: JUnit files read as streams (saxes), malformed ones refused with a reason,
 * several reports merged, and a remote's own report (a fake remote implementing testReport)
 * used only when no artifact report was read, so that nothing is counted twice.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { CliHost } from '../src/hosts/cli.js';
import type { Remote } from '../src/remotes/remote.js';
import type { Run } from '../src/core/run.js';
import { Reporting } from '../src/reporting/report-back.js';
import type { Result } from '../src/core/result.js';
import { readSettings } from '../src/config/settings.js';
import { JUnitError, readJUnit } from '../src/reporting/junit.js';
import { readTestResults } from '../src/reporting/test-results.js';
import {
  MAX_FAILURES_KEPT,
  MAX_MESSAGE_CHARS,
  mergeSummaries,
  type TestSummary
} from '../src/core/test-summary.js';
import { tempDir } from './helpers/run.js';

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

describe('readJUnit', () => {
  test('nested suites, every status, file and line from the case or its suite, messages said once', async () => {
    const dir = tempDir();
    const file = write(
      dir,
      'r.xml',
      `<?xml version="1.0"?>
<testsuites name="all">
  <testsuite name="outer" file="spec/outer.rb">
    <testcase name="ok" classname="Outer" time="0.25"/>
    <testsuite name="inner">
      <testcase name="bad" classname="Inner" file="spec/inner.rb" line="12" time="1.5">
        <failure message="expected 1, got 2" type="Assertion">expected 1, got 2
  at spec/inner.rb:12</failure>
        <system-out>noise that is not the message</system-out>
      </testcase>
    </testsuite>
    <testcase name="boom" time="0.25"><error message="NoMethodError"><![CDATA[undefined method <x> & more]]></error></testcase>
    <testcase name="later"><skipped message="todo"/></testcase>
  </testsuite>
  <testsuite name="py">
    <testcase classname="tests.test_a" name="test_b" file="tests/test_a.py" line="0"/>
  </testsuite>
</testsuites>`
    );
    const s = await readJUnit(file);
    expect({ ...s, failures: undefined }).toEqual({
      total: 5,
      passed: 2,
      failed: 1,
      skipped: 1,
      errors: 1,
      time: 2,
      failures: undefined
    });
    expect(s.failures).toEqual([
      {
        suite: 'inner',
        name: 'bad',
        file: 'spec/inner.rb',
        line: 12,
        status: 'failed',
        time: 1.5,
        message: 'expected 1, got 2\n  at spec/inner.rb:12'
      },
      {
        suite: 'outer',
        name: 'boom',
        file: 'spec/outer.rb',
        line: undefined,
        status: 'error',
        time: 0.25,
        message: 'NoMethodError\nundefined method <x> & more'
      }
    ]);
  });

  test.each([
    [
      'an unclosed element',
      '<testsuites><testsuite name="x"><testcase name="y"></testsuite></testsuites>',
      /unexpected close tag|closing tag/i
    ],
    ['text that is not XML', 'PASS all 3 tests', /text data outside of root node|root/i],
    ['an empty file', '', /must contain a root element/],
    ['another kind of XML', '<html><body/></html>', /its root element is <html>/],
    ['an undefined entity', '<testsuite><testcase name="&nope;"/></testsuite>', /undefined entity/i]
  ])('%s is refused with the reason', async (_what, text, reason) => {
    const file = write(tempDir(), 'bad.xml', text);
    const err = await readJUnit(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JUnitError);
    expect((err as Error).message).toMatch(reason);
  });

  test('an external entity is never fetched or read (no XXE)', async () => {
    const dir = tempDir();
    const secret = write(dir, 'secret.txt', 'TOP-SECRET');
    const file = write(
      dir,
      'xxe.xml',
      `<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file://${secret}">]><testsuite><testcase name="a"><failure>&x;</failure></testcase></testsuite>`
    );
    const result = await readJUnit(file).then(
      (s) => JSON.stringify(s),
      (e: Error) => e.message
    );
    expect(result).not.toContain('TOP-SECRET');
  });

  test('failures kept are capped, and so is each message; the totals count every case', async () => {
    const n = MAX_FAILURES_KEPT + 250;
    const long = 'x'.repeat(MAX_MESSAGE_CHARS * 3);
    const cases = Array.from(
      { length: n },
      (_, i) => `<testcase name="t${i}"><failure>${long}</failure></testcase>`
    );
    const file = write(tempDir(), 'many.xml', `<testsuite name="s">${cases.join('')}</testsuite>`);
    const s = await readJUnit(file);
    expect(s.total).toBe(n);
    expect(s.failed).toBe(n);
    expect(s.failures).toHaveLength(MAX_FAILURES_KEPT);
    expect(s.failures[0].message).toHaveLength(MAX_MESSAGE_CHARS);
  });

  test('a 64 MB report is read as a stream: the heap grows far less than the file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'huge.xml');
    const out = fs.createWriteStream(file);
    out.write('<?xml version="1.0"?><testsuites><testsuite name="huge">');
    const chunk = Array.from(
      { length: 1000 },
      (_, i) =>
        `<testcase classname="a.b.C" name="case ${i} ${'y'.repeat(40)}" time="0.001">${
          i % 100 === 0 ? `<failure message="m">${'z'.repeat(200)}</failure>` : ''
        }</testcase>`
    ).join('\n');
    let bytes = 0;
    while (bytes < 64 * 1024 * 1024) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      bytes += chunk.length;
    }
    out.end('</testsuite></testsuites>');
    await new Promise<void>((r) => out.once('finish', () => r()));
    const size = fs.statSync(file).size;
    // What the parser holds, not the garbage it leaves: V8 lets uncollected garbage grow as it
    // likes (Node 24's more than Node 20's), so each sample is taken after a full collection.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const live = (): number => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const before = live();
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, live())), 250);
    const s = await readJUnit(file);
    clearInterval(timer);
    const rounds = bytes / chunk.length;
    expect(s.total).toBe(rounds * 1000);
    expect(s.failed).toBe(rounds * 10);
    // A whole-document parser holds the text (twice the bytes as UTF-16) and a tree.
    expect(peak - before).toBeLessThan(size / 2);
  }, 60_000);
});

const summary = (over: Partial<TestSummary>): TestSummary => ({
  total: 0,
  passed: 0,
  failed: 0,
  skipped: 0,
  errors: 0,
  time: 0,
  failures: [],
  ...over
});

test('mergeSummaries adds the totals and keeps the failures in order', () => {
  const a = summary({
    total: 3,
    passed: 1,
    failed: 1,
    errors: 1,
    time: 0.1,
    failures: [{ suite: 'a', name: '1', status: 'failed' }]
  });
  const b = summary({
    total: 2,
    passed: 1,
    skipped: 1,
    time: 0.2,
    failures: [{ suite: 'b', name: '2', status: 'error' }]
  });
  expect(mergeSummaries([a, b])).toEqual({
    total: 5,
    passed: 2,
    failed: 1,
    skipped: 1,
    errors: 1,
    time: 0.3,
    failures: [...a.failures, ...b.failures]
  });
});

describe('readTestResults: artifact JUnit files and the remote’s own report, never both', () => {
  const REMOTE = summary({
    total: 7,
    passed: 6,
    failed: 1,
    failures: [{ suite: 'gl', name: 'from api', status: 'failed' }]
  });

  function layout(): { downloadDir: string; jobDirs: { name: string; dir: string }[] } {
    const downloadDir = tempDir();
    const build = path.join(downloadDir, 'artifacts', 'build');
    const test = path.join(downloadDir, 'artifacts', 'test');
    write(build, 'reports/a.xml', '<testsuite name="a"><testcase name="x"/></testsuite>');
    write(test, 'reports/b.xml', '<testsuite name="b"><testcase name="y"><failure/></testcase></testsuite>');
    write(test, 'reports/notes.txt', 'not a report');
    write(test, 'reports/broken.xml', '<testsuite>');
    return {
      downloadDir,
      jobDirs: [
        { name: 'build', dir: build },
        { name: 'test', dir: test }
      ]
    };
  }

  test('artifact reports found: they are the results, copied to test-results/, and the remote is not asked', async () => {
    const { downloadDir, jobDirs } = layout();
    const asked: string[] = [];
    const warnings: string[] = [];
    const r = await readTestResults({
      downloadDir,
      jobDirs,
      globs: ['reports/*.xml'],
      remoteReport: async () => {
        asked.push('remote');
        return REMOTE;
      },
      warn: (m) => warnings.push(m)
    });
    expect(asked).toEqual([]);
    expect(r.source).toBe('artifacts');
    expect(r.summary).toMatchObject({ total: 2, passed: 1, failed: 1 });
    expect(r.files).toEqual([
      path.join(downloadDir, 'test-results', 'build', 'reports', 'a.xml'),
      path.join(downloadDir, 'test-results', 'test', 'reports', 'b.xml')
    ]);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^Test results: 'test\/reports\/broken.xml' is not a readable JUnit report \(.+\); it was skipped\.$/
      )
    ]);
    expect(fs.existsSync(path.join(downloadDir, 'test-results', 'test', 'reports', 'broken.xml'))).toBe(
      false
    );
  });

  test('no artifact report matched: the remote’s own report is the result', async () => {
    const { downloadDir, jobDirs } = layout();
    const r = await readTestResults({
      downloadDir,
      jobDirs,
      globs: ['**/junit-*.xml'],
      remoteReport: async () => REMOTE,
      warn: () => {}
    });
    expect(r).toEqual({ summary: REMOTE, files: [], source: 'remote' });
  });

  test('test-results empty: off, nothing is read and the remote is not asked', async () => {
    const { downloadDir, jobDirs } = layout();
    let asked = false;
    const r = await readTestResults({
      downloadDir,
      jobDirs,
      globs: [],
      remoteReport: async () => {
        asked = true;
        return REMOTE;
      },
      warn: () => {}
    });
    expect(r).toEqual({ files: [] });
    expect(asked).toBe(false);
  });

  test('a symbolic link among the artifacts is not followed', async () => {
    const { downloadDir, jobDirs } = layout();
    const outside = write(tempDir(), 'outside.xml', '<testsuite><testcase name="outside"/></testsuite>');
    fs.symlinkSync(outside, path.join(jobDirs[0].dir, 'reports', 'link.xml'));
    const r = await readTestResults({ downloadDir, jobDirs, globs: ['reports/*.xml'], warn: () => {} });
    expect(r.summary?.total).toBe(2);
  });
});

describe('Reporting with any remote that implements testReport', () => {
  function host(): { host: CliHost; text: () => string } {
    let text = '';
    const sink = new Writable({
      write(chunk: Buffer, _e, cb) {
        text += chunk.toString();
        cb();
      }
    });
    return { host: new CliHost([], {}, sink, sink), text: () => text };
  }
  const run: Run = { id: '9', url: 'https://ci.example/9', data: {} };

  function result(downloadDir: string): Result {
    return {
      system: 'GitLab',
      conclusion: 'failed',
      status: 'failed',
      runId: '9',
      runUrl: run.url!,
      jobs: [],
      logFile: '',
      downloadDir,
      duration: 3,
      accepted: false,
      waited: true
    };
  }

  const fakeRemote = (report: () => Promise<TestSummary | undefined>): Remote =>
    ({
      testReport: (r: Run) => (r === run ? report() : Promise.reject(new Error('wrong run')))
    }) as unknown as Remote;

  test('the remote’s report becomes result.tests, and is said to come from it', async () => {
    const cwd = tempDir();
    const settings = readSettings(
      (n) => ({ system: 'gitlab', project: 'g/app', ref: 'main', 'test-results': '**/*.xml' })[n] ?? '',
      () => {},
      cwd
    );
    const { host: h, text } = host();
    const r = result(settings.downloadDir);
    const report = summary({
      total: 4,
      passed: 3,
      failed: 1,
      time: 1.25,
      failures: [{ suite: 's', name: 'n', status: 'failed', message: 'm' }]
    });
    await new Reporting(settings, h).ended(
      r,
      fakeRemote(async () => report),
      run
    );
    expect(r.tests).toEqual(report);
    expect(text()).toContain(
      "Tests (GitLab's test report): 3 passed, 1 failed, 0 skipped, 0 errors in 1.3s (4 tests)"
    );
  });

  test('a remote report that fails is a warning naming the remote, and no tests are set', async () => {
    const cwd = tempDir();
    const settings = readSettings(
      (n) => ({ system: 'gitlab', project: 'g/app', ref: 'main', 'test-results': '**/*.xml' })[n] ?? '',
      () => {},
      cwd
    );
    const { host: h, text } = host();
    const r = result(settings.downloadDir);
    await new Reporting(settings, h).ended(
      r,
      fakeRemote(async () => {
        throw new Error('GitLab answered 500');
      }),
      run
    );
    expect(r.tests).toBeUndefined();
    expect(text()).toContain("warning: Could not read GitLab's test report: GitLab answered 500");
  });
});

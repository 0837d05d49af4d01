/**
 * `npm run bench -- junit` (bench/bench.ts imports this file, which runs at import; `tsx
 * bench/junit.ts` runs it alone): a 100 MB JUnit report among a GitLab job's artifacts, read
 * by a whole relay run through dist/index.js (`--test-results`), against the same run with
 * test results off. Prints one markdown table: the peak RSS of each, the time the test results
 * added, and the parser's own throughput (src/reporting/junit.ts in this process).
 *
 * Needs `npm run build` first. About 30 seconds and 250 MB of free space in os.tmpdir().
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startGitLabSim } from '../sim/gitlab.js';
import { readJUnit } from '../src/reporting/junit.js';
import { DIST, MB, TIME_BIN, hasCommand, runRelay, writePreload, type RelayRun } from './support.js';

const TOKEN = 'glpat-bench-token';
const REPORT_BYTES = Number(process.env.BENCH_JUNIT_MB || 100) * MB;
/** The bound `npm run bench` holds a relay run to (its "Peak RSS" row). */
const RSS_BOUND = 150 * MB;

const log = (message: string): void => {
  process.stderr.write(`[bench junit] ${message}\n`);
};

/** A JUnit report of about `bytes`: 1% of cases failing with a multi-line message, some skipped. */
async function writeReport(file: string, bytes: number): Promise<{ cases: number; failed: number }> {
  const out = fs.createWriteStream(file);
  const put = async (text: string): Promise<void> => {
    if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
  };
  await put('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bench">\n');
  let written = 0;
  let cases = 0;
  let failed = 0;
  for (let suite = 0; written < bytes; suite++) {
    const lines = [`  <testsuite name="suite.${suite}" tests="1000" file="src/suite${suite}.test.ts">`];
    for (let i = 0; i < 1000; i++, cases++) {
      const attrs = `classname="com.example.suite${suite}.Case${i % 37}" name="does thing ${i} in suite ${suite}" time="0.0${i % 10}"`;
      if (i % 100 === 7) {
        failed++;
        lines.push(
          `    <testcase ${attrs} line="${i}"><failure message="expected ${i} to equal ${i + 1}" type="AssertionError">expected ${i} to equal ${i + 1}\n      at Object.&lt;anonymous&gt; (src/suite${suite}.test.ts:${i}:13)\n      at processTicksAndRejections (node:internal/process/task_queues:95:5)</failure></testcase>`
        );
      } else if (i % 250 === 3) lines.push(`    <testcase ${attrs}><skipped/></testcase>`);
      else lines.push(`    <testcase ${attrs}><system-out>ok ${'.'.repeat(40)}</system-out></testcase>`);
    }
    lines.push('  </testsuite>\n');
    const text = lines.join('\n');
    written += Buffer.byteLength(text);
    await put(text);
  }
  await put('</testsuites>\n');
  await new Promise<void>((r) => out.end(() => r()));
  return { cases, failed };
}

async function main(): Promise<void> {
  if (!fs.existsSync(DIST)) {
    console.error('dist/index.js is missing: run `npm run build` first.');
    process.exitCode = 2;
    return;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-junit-'));
  try {
    const useTime = await hasCommand(TIME_BIN, ['-V']).then(
      async (ok) => ok || hasCommand(TIME_BIN, ['--version'])
    );
    const preload = writePreload(tmp);
    const file = path.join(tmp, 'junit.xml');
    log(`writing a ${REPORT_BYTES / MB} MB JUnit report`);
    const { cases, failed } = await writeReport(file, REPORT_BYTES);
    const size = fs.statSync(file).size;

    log('parsing it in this process');
    const t0 = performance.now();
    const parsed = await readJUnit(file);
    const parseMs = performance.now() - t0;
    if (parsed.total !== cases || parsed.failed !== failed)
      throw new Error(`parsed ${parsed.total}/${parsed.failed}, expected ${cases}/${failed}`);

    const sim = await startGitLabSim({
      token: TOKEN,
      pipelines: {
        main: {
          jobs: [
            {
              name: 'test',
              stage: 'test',
              runningMs: 500,
              artifacts: { 'reports/junit.xml': fs.readFileSync(file) }
            }
          ]
        }
      }
    });
    const relay = async (name: string, extra: string[]): Promise<{ run: RelayRun; ms: number }> => {
      const cwd = path.join(tmp, name);
      fs.mkdirSync(cwd);
      const started = Date.now();
      const run = await runRelay(
        [
          'gitlab',
          '--url',
          sim.url,
          '--project',
          'group/sub/app',
          '--ref',
          'main',
          '--poll-interval',
          '1s',
          '--json',
          ...extra
        ],
        { cwd, preload, useTime, env: { CI_RELAY_TOKEN: TOKEN } }
      );
      if (run.code !== 0)
        throw new Error(`the ${name} run exited ${run.code}: ${run.stderrTail.slice(-2000)}`);
      return { run, ms: Date.now() - started };
    };
    try {
      log('a relay run that downloads the report (test results off)');
      const off = await relay('off', []);
      log('the same run reading it (--test-results reports/*.xml)');
      const on = await relay('on', ['--test-results', 'reports/*.xml']);
      const tests = JSON.parse(String(on.run.result?.tests ?? '{}')) as { total?: number; failed?: number };
      if (tests.total !== cases || tests.failed !== failed)
        throw new Error(
          `the run reported ${JSON.stringify(tests)}, expected ${cases} cases, ${failed} failed`
        );
      const rss = (r: RelayRun): string => (r.peakRss ? `${(r.peakRss / MB).toFixed(0)} MB` : 'n/a');
      const ok = on.run.peakRss !== undefined ? on.run.peakRss < RSS_BOUND : undefined;
      console.log(
        [
          '| measure | value | reference | target |',
          '|---|---|---|---|',
          `| Peak RSS of a relay run reading a ${(size / MB).toFixed(0)} MB JUnit report (${cases.toLocaleString('en')} cases, ${failed.toLocaleString('en')} failed) | ${rss(on.run)} | the same run, test results off: ${rss(off.run)} | < ${RSS_BOUND / MB} MB ${ok === undefined ? '' : ok ? '✅' : '❌'} |`,
          `| Wall time of that run | ${(on.ms / 1000).toFixed(1)} s | test results off: ${(off.ms / 1000).toFixed(1)} s | — |`,
          `| src/reporting/junit.ts readJUnit, in process | ${(size / MB / (parseMs / 1000)).toFixed(0)} MB/s (${(parseMs / 1000).toFixed(1)} s) | — | — |`,
          '',
          `Peak RSS from ${on.run.rssFrom ?? 'n/a'}.`
        ].join('\n')
      );
    } finally {
      await sim.close();
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await main();

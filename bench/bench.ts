/**
 * `npm run bench` (issue 7): starts the simulators on 127.0.0.1, runs the built bundle
 * (dist/index.js, as Jenkins' `sh` would) against them, and prints ONE markdown table, each
 * figure beside its reference measured in the same run. `npm run bench -- faults` runs
 * bench/faults.ts instead, `npm run bench -- fleet` bench/fleet.ts (100 relays on one token
 * against gitlab.com's limit), `npm run bench -- artifacts` only the artifact download+extract
 * measures (the 1 GiB zip and the many-file zip against curl + unzip -q), `npm run bench -- junit`
 * bench/junit.ts (a 100 MB JUnit report).
 *
 * Needs `npm run build` first. Takes about two and a half minutes on two cores and about 4 GB
 * of free space in os.tmpdir() for a moment; every temporary file is deleted at the end.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startGitLabSim, type GitLabSim } from '../sim/gitlab.js';
import { startGoCDSim, type GoCDSim } from '../sim/gocd.js';
import type { SimServer } from '../sim/server.js';
import { cleanEnv } from '../__tests__/helpers/run.js';
import {
  DIST,
  MB,
  MiB,
  TIME_BIN,
  hasCommand,
  median,
  runRelay,
  runTimed,
  stamp,
  startFileServer,
  startProxy,
  treeBytes,
  writePreload,
  writeZip,
  type RelayRun,
  type ZipEntrySpec
} from './support.js';

interface Row {
  measure: string;
  value: string;
  reference: string;
  target: string;
  ok?: boolean;
}

const GITLAB_TOKEN = 'glpat-bench-token';
const GOCD_TOKEN = 'gocd-bench-token';
const PROJECT = 'group/sub/app';
/** The 50 MB log and how long it takes to grow. */
const LOG_BYTES = 50_000_000;
const LOG_GROWS_MS = 30_000;
const PENDING_MS = 200;
/** The long job of "requests per minute while waiting": still running at the end of minute 2. */
const WAIT_POLL_S = 10;
const WAIT_RUNNING_MS = 125_000;
const LATENCY_POLL_S = 2;
const LATENCY_RUNS = 5;
const DOWNLOAD_ROUNDS = 3;
/** Files in the many-file artifact (issue 14: thousands of ~48 KiB text files, ~250 MB unpacked). */
const MANY_FILES = 5000;

const log = (message: string): void => {
  process.stderr.write(`[bench] ${message}\n`);
};
const fmt = (n: number, digits = 1): string => n.toFixed(digits);
const ratio = (n: number): string => `${n.toFixed(2)}×`;
const sleepMs = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  if (!fs.existsSync(DIST)) {
    console.error('dist/index.js is missing: run `npm run build` first.');
    process.exitCode = 2;
    return;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ci-relay-'));
  const servers: SimServer[] = [];
  const cleanup = (): void => fs.rmSync(tmp, { recursive: true, force: true });
  const onSignal = (): void => {
    cleanup();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const started = Date.now();
  try {
    const useTime = await hasCommand(TIME_BIN, ['-V']).then(
      async (ok) => ok || hasCommand(TIME_BIN, ['--version'])
    );
    const unzip = await hasCommand('unzip', ['-v']);
    const curl = await hasCommand('curl', ['--version']);
    const preload = writePreload(tmp);
    const rows: Row[] = [];

    // 1. Start-up, first: nothing else running.
    log('ci-relay --version vs node -e 0');
    const version = measureVersion();

    // 2. The archives, written before anything time-sensitive runs (writing them blocks).
    log('writing a 1 GiB artifact zip and a 384 MiB zip to extract');
    const bigZip = path.join(tmp, 'artifacts-1GiB.zip');
    const bigEntries = [1, 2, 3, 4].map((i) => ({
      name: `out/part-${i}.bin`,
      size: 256 * MiB,
      kind: 'stored' as const
    }));
    const bigZipBytes = writeZip(bigZip, bigEntries);
    const exZip = path.join(tmp, 'extract.zip');
    const exEntries = [1, 2, 3].flatMap((i) => [
      { name: `bin/blob-${i}.bin`, size: 64 * MiB, kind: 'stored' as const },
      { name: `logs/build-${i}.log`, size: 64 * MiB, kind: 'deflated' as const }
    ]);
    const exZipBytes = writeZip(exZip, exEntries);
    const exUnpacked = exEntries.reduce((n, e) => n + e.size, 0);
    log(`writing a ${MANY_FILES}-file zip (deflated text, a built site's worth)`);
    const manyZip = path.join(tmp, 'artifacts-many.zip');
    const manyEntries = manyFileEntries();
    const manyZipBytes = writeZip(manyZip, manyEntries);
    const manyUnpacked = manyEntries.reduce((n, e) => n + e.size, 0);
    const archives = { bigZip, bigZipBytes, manyZip, manyZipBytes, manyUnpacked };
    const tools = { useTime, curl, unzip };

    // 3. In the background for two minutes: a long job, polled at the default interval.
    log(
      `starting a ${WAIT_RUNNING_MS / 1000}s GitLab job followed with poll-interval ${WAIT_POLL_S}s (runs in the background)`
    );
    const waiting = await startWaiting(tmp, preload, servers);

    // 4. End-of-run latency with a short poll-interval, runs ending at spread-out phases.
    log(`end-of-run latency: ${LATENCY_RUNS} runs with poll-interval ${LATENCY_POLL_S}s`);
    const latencies = await measureLatency(tmp, preload, servers);

    // 5. Log bytes with a 50 MB log.
    log(
      `log bytes: a ${LOG_BYTES / MB} MB log growing over ${LOG_GROWS_MS / 1000}s, GoCD and GitLab at once`
    );
    const logs = await measureLogs(tmp, preload, servers);

    // 6. The 1 GiB artifact, then the many-file one: through GitLab, downloaded and extracted.
    const { big: download, many } = await measureArtifactDownloads(tmp, preload, servers, archives, tools);

    // 7. Extraction.
    log(`extracting ${fmt(exUnpacked / MB, 0)} MB and ${MANY_FILES} files: ArtifactStore vs unzip`);
    const failed = (err: Error): { storeMs: number; unzipMs?: number; error: string } => ({
      storeMs: NaN,
      unzipMs: undefined,
      error: err.message
    });
    const extraction = await measureExtraction(tmp, exZip, exUnpacked, unzip).catch(failed);
    const manyExtraction = await measureExtraction(tmp, manyZip, manyUnpacked, unzip).catch(failed);

    log('waiting for the background job to end');
    const wait = await waiting.result();

    // ---- the table -------------------------------------------------------------------------
    rows.push({
      measure: `Artifact download, ${fmt(bigZipBytes / 2 ** 30, 2)} GiB zip (full relay run: GitLab job → 302 → storage, best of ${DOWNLOAD_ROUNDS})`,
      value: download.relayMBs ? `${fmt(download.relayMBs, 0)} MB/s` : 'failed',
      reference: download.curlMBs ? `curl: ${fmt(download.curlMBs, 0)} MB/s` : 'n/a (curl not installed)',
      target: '≥ 0.8× curl',
      ok: download.relayMBs && download.curlMBs ? download.relayMBs >= 0.8 * download.curlMBs : undefined
    });
    if (download.relayMBs && download.curlMBs)
      rows[rows.length - 1].value += ` (${ratio(download.relayMBs / download.curlMBs)})`;
    rows.push({
      measure: 'Peak RSS of that ci-relay process (download, then extracting the 1 GiB)',
      value: download.relayRss ? `${fmt(download.relayRss / MB, 0)} MB` : 'n/a',
      reference: [
        download.curlRss ? `curl: ${fmt(download.curlRss / MB, 0)} MB` : '',
        wait.peakRss ? `ci-relay run without artifacts: ${fmt(wait.peakRss / MB, 0)} MB` : '',
        `node -e 0: ${fmt(version.nodeRss / MB, 0)} MB`
      ]
        .filter(Boolean)
        .join('; '),
      target: '< 150 MB',
      ok: download.relayRss ? download.relayRss < 150 * MB : undefined
    });
    rows.push(
      downloadExtractRow(
        `Artifact download+extract, ${fmt(bigZipBytes / 2 ** 30, 2)} GiB zip in 4 stored entries (full relay run, best of ${DOWNLOAD_ROUNDS})`,
        download,
        1.0
      ),
      downloadExtractRow(
        `Artifact download+extract, ${fmt(manyZipBytes / MB, 0)} MB zip → ${fmt(manyUnpacked / MB, 0)} MB in ${MANY_FILES} deflated files (full relay run, best of ${DOWNLOAD_ROUNDS})`,
        many,
        1.5
      )
    );
    rows.push({
      measure: `Peak RSS of that ci-relay process (${MANY_FILES} files)`,
      value: many.relayRss ? `${fmt(many.relayRss / MB, 0)} MB` : 'n/a',
      reference: download.relayRss ? `the 1 GiB run: ${fmt(download.relayRss / MB, 0)} MB` : '',
      target: '< 150 MB',
      ok: many.relayRss ? many.relayRss < 150 * MB : undefined
    });
    rows.push({
      measure: `Zip extraction, ${fmt(exZipBytes / MB, 0)} MB zip → ${fmt(exUnpacked / MB, 0)} MB in 6 entries (3 stored, 3 deflated; best of 2)`,
      value:
        'error' in extraction
          ? `failed: ${extraction.error}`
          : `${fmt(extraction.storeMs / 1000, 2)} s (${fmt(exUnpacked / MB / (extraction.storeMs / 1000), 0)} MB/s)`,
      reference: extraction.unzipMs
        ? `unzip -q: ${fmt(extraction.unzipMs / 1000, 2)} s`
        : 'n/a (unzip not installed)',
      target: '≤ 2× unzip',
      ok:
        'error' in extraction
          ? false
          : extraction.unzipMs
            ? extraction.storeMs <= 2 * extraction.unzipMs
            : undefined
    });
    rows.push({
      measure: `Zip extraction, ${fmt(manyZipBytes / MB, 0)} MB zip → ${fmt(manyUnpacked / MB, 0)} MB in ${MANY_FILES} deflated files (in process, best of 2)`,
      value:
        'error' in manyExtraction
          ? `failed: ${manyExtraction.error}`
          : `${fmt(manyExtraction.storeMs / 1000, 2)} s${manyExtraction.unzipMs ? ` (${ratio(manyExtraction.unzipMs / manyExtraction.storeMs)} the speed)` : ''}`,
      reference: manyExtraction.unzipMs
        ? `unzip -q: ${fmt(manyExtraction.unzipMs / 1000, 2)} s`
        : 'n/a (unzip not installed)',
      target: 'report',
      ok: 'error' in manyExtraction ? false : undefined
    });
    for (const l of logs) {
      rows.push({
        measure: `${l.system} ${l.what} bytes fetched / final log (${fmt(l.finalBytes / MB, 0)} MB over ${LOG_GROWS_MS / 1000}s, poll-interval ${l.pollS}s)`,
        value: `${ratio(l.fetched / l.finalBytes)} (${fmt(l.fetched / MB, 1)} MB in ${l.reads} reads)`,
        reference: `final log: ${fmt(l.finalBytes / MB, 1)} MB`,
        target: `≤ ${l.limit}×`,
        ok: l.ok && l.fetched <= l.limit * l.finalBytes
      });
    }
    rows.push({
      measure: `Requests per minute while waiting (GitLab job, poll-interval ${WAIT_POLL_S}s, minute 2 after the trigger)`,
      value: `${wait.requests} req/min (${wait.polls} status polls × ${fmt(wait.requests / Math.max(1, wait.polls), 1)} requests)`,
      reference: `${60 / WAIT_POLL_S} polls/min (60 s / ${WAIT_POLL_S} s)`,
      target: `≤ ${60 / WAIT_POLL_S} polls/min`,
      ok: wait.polls > 0 && wait.polls <= 60 / WAIT_POLL_S
    });
    rows.push({
      measure: `End-of-run latency: scripted end → first poll that saw it (→ ci-relay exited); poll-interval ${WAIT_POLL_S}s, the job above`,
      value:
        wait.noticedMs !== undefined
          ? `${fmt(wait.noticedMs / 1000, 2)} s (exited ${wait.latencyMs !== undefined ? fmt(wait.latencyMs / 1000, 2) : '?'} s)`
          : 'failed',
      reference: `poll-interval: ${WAIT_POLL_S} s`,
      target: `noticed ≤ ${WAIT_POLL_S} s`,
      ok: wait.noticedMs !== undefined && wait.noticedMs <= WAIT_POLL_S * 1000
    });
    const worst =
      latencies.length === LATENCY_RUNS ? Math.max(...latencies.map((l) => l.noticed)) : undefined;
    const worstExit = latencies.length ? Math.max(...latencies.map((l) => l.exited)) : undefined;
    rows.push({
      measure: `End-of-run latency, poll-interval ${LATENCY_POLL_S}s: worst of ${LATENCY_RUNS} runs ending at phases ${(LATENCY_POLL_S / LATENCY_RUNS).toFixed(1)} s apart (→ exited)`,
      value:
        worst !== undefined
          ? `${fmt(worst / 1000, 2)} s (exited ${fmt((worstExit ?? 0) / 1000, 2)} s; all noticed: ${latencies.map((l) => fmt(l.noticed / 1000, 2)).join(', ')})`
          : `failed (${latencies.length} of ${LATENCY_RUNS} runs measured)`,
      reference: `poll-interval: ${LATENCY_POLL_S} s`,
      target: `noticed ≤ ${LATENCY_POLL_S} s`,
      ok: worst !== undefined && worst <= LATENCY_POLL_S * 1000
    });
    rows.push({
      measure: `\`ci-relay --version\` wall time (median of ${version.runs})`,
      value: `${fmt(version.relayMs, 0)} ms (${ratio(version.relayMs / version.nodeMs)})`,
      reference: `node -e 0: ${fmt(version.nodeMs, 0)} ms`,
      target: '< 2× node -e 0',
      ok: version.relayMs < 2 * version.nodeMs
    });
    const distBytes = treeBytes(path.dirname(DIST));
    rows.push({
      measure: 'Bundle size',
      value: `dist/ ${fmt(distBytes / 1024, 0)} KiB; dist/index.js ${fmt(fs.statSync(DIST).size / 1024, 1)} KiB`,
      reference: `${fs.readdirSync(path.dirname(DIST)).filter((f) => f.endsWith('.js')).length} .js files (chunks load on demand)`,
      target: 'report',
      ok: undefined
    });

    const cell = (s: string): string => s.replace(/\|/g, '\\|');
    const lines = [
      '| measure | ci-relay | reference | target | ok? |',
      '|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${cell(r.measure)} | ${cell(r.value)} | ${cell(r.reference)} | ${cell(r.target)} | ${r.ok === undefined ? '—' : r.ok ? 'yes' : '**no**'} |`
      )
    ];
    console.log(lines.join('\n'));
    console.log(
      [
        '',
        `Node ${process.version}, ${os.cpus().length} CPUs, ${os.platform()} ${os.release()}; all servers on 127.0.0.1; ${Math.round((Date.now() - started) / 1000)} s in all.`,
        `Throughput is timed by the storage server: from the request's arrival to the last byte handed to the kernel, the same for curl and ci-relay.`,
        `Peak RSS from ${download.rssFrom ?? 'n/a'}. Latency runs from the simulator's scripted end of the run to the arrival of the first status poll after it (which saw the end); "exited" is the child's own exit time, after reading the last log and collecting.`,
        ...download.notes,
        ...many.notes,
        ...(logs
          .filter((l) => !l.ok)
          .map((l) => `${l.system}: the run did not end as expected (${l.note}).`) ?? [])
      ].join('\n')
    );
    if (rows.some((r) => r.ok === false)) process.exitCode = 1;
  } finally {
    await Promise.all(servers.map((s) => s.close().catch(() => undefined)));
    cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

// ---------------------------------------------------------------------------------------------

function measureVersion(): { relayMs: number; nodeMs: number; nodeRss: number; runs: number } {
  const env = cleanEnv();
  const once = (args: string[]): number => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { env, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (${r.status})`);
    return performance.now() - t0;
  };
  once([DIST, '--version']);
  once(['-e', '0']);
  const relay: number[] = [];
  const node: number[] = [];
  const runs = 11;
  for (let i = 0; i < runs; i++) {
    node.push(once(['-e', '0']));
    relay.push(once([DIST, '--version']));
  }
  // VmHWM where there is one: getrusage's maxrss survives fork + exec (see writePreload).
  const peak =
    "let kb = process.resourceUsage().maxRSS; try { kb = Number(/VmHWM:\\s*(\\d+)/.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))[1]); } catch {} process.stdout.write(String(kb));";
  const rss = spawnSync(process.execPath, ['-e', peak], { env });
  return {
    relayMs: median(relay),
    nodeMs: median(node),
    nodeRss: Number(rss.stdout.toString()) * 1024,
    runs
  };
}

/** Closes the servers of a finished measure (they are left to main's cleanup when it fails). */
async function release(servers: SimServer[], done: SimServer[]): Promise<void> {
  await Promise.all(done.map((s) => s.close().catch(() => undefined)));
  for (const s of done) servers.splice(servers.indexOf(s), 1);
}

function gitlabArgs(url: string, pollS: number, extra: string[] = []): string[] {
  return [
    'gitlab',
    '--url',
    url,
    '--project',
    PROJECT,
    '--ref',
    'main',
    '--poll-interval',
    `${pollS}s`,
    '--json',
    ...extra
  ];
}

function subdir(tmp: string, name: string): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

async function startWaiting(
  tmp: string,
  preload: string,
  servers: SimServer[]
): Promise<{
  result(): Promise<{
    requests: number;
    polls: number;
    noticedMs?: number;
    latencyMs?: number;
    peakRss?: number;
  }>;
}> {
  const sim = await startGitLabSim({
    token: GITLAB_TOKEN,
    pipelines: {
      main: { jobs: [{ name: 'long', stage: 'test', pendingMs: PENDING_MS, runningMs: WAIT_RUNNING_MS }] }
    }
  });
  servers.push(sim);
  const times = stamp(sim);
  const cwd = subdir(tmp, 'waiting');
  const running = runRelay(gitlabArgs(sim.url, WAIT_POLL_S), {
    cwd,
    preload,
    useTime: false,
    env: { CI_RELAY_TOKEN: GITLAB_TOKEN }
  });
  return {
    async result() {
      const run = await running;
      const p = sim.pipelines[0];
      if (!p || run.code !== 0) {
        log(`the waiting run failed (exit ${run.code}): ${run.stderrTail.slice(-2000)}`);
        return { requests: 0, polls: 0 };
      }
      const from = p.createdAt + 60_000;
      const to = p.createdAt + 120_000;
      let requests = 0;
      let polls = 0;
      sim.requests.forEach((r, i) => {
        if (times[i] < from || times[i] >= to) return;
        requests++;
        // Every poll reads the jobs; the pipeline itself only once none of them is on its way.
        if (/\/pipelines\/\d+\/jobs$/.test(r.path)) polls++;
      });
      const endAt = p.createdAt + PENDING_MS + WAIT_RUNNING_MS;
      return {
        requests,
        polls,
        noticedMs: noticed(sim, times, p.id, endAt),
        peakRss: run.peakRss,
        latencyMs: run.exitAt !== undefined ? run.exitAt - endAt : undefined
      };
    }
  };
}

/** From the run's end to the first status poll that reached the simulator after it (and saw it). */
function noticed(sim: SimServer, times: number[], pipelineId: number, endAt: number): number | undefined {
  const i = sim.requests.findIndex(
    (r, k) => times[k] >= endAt && r.method === 'GET' && r.path.endsWith(`/pipelines/${pipelineId}`)
  );
  return i < 0 ? undefined : times[i] - endAt;
}

async function measureLatency(
  tmp: string,
  preload: string,
  servers: SimServer[]
): Promise<{ noticed: number; exited: number }[]> {
  const step = (LATENCY_POLL_S * 1000) / LATENCY_RUNS;
  const running = (i: number): number => 5000 + i * step;
  const pipelines = Object.fromEntries(
    Array.from({ length: LATENCY_RUNS }, (_, i) => [
      `r${i}`,
      { jobs: [{ name: 'job', stage: 'test', pendingMs: PENDING_MS, runningMs: running(i) }] }
    ])
  );
  const sim = await startGitLabSim({ token: GITLAB_TOKEN, pipelines });
  servers.push(sim);
  const times = stamp(sim);
  const runs = await Promise.all(
    Array.from({ length: LATENCY_RUNS }, (_, i) =>
      runRelay(
        [
          'gitlab',
          '--url',
          sim.url,
          '--project',
          PROJECT,
          '--ref',
          `r${i}`,
          '--poll-interval',
          `${LATENCY_POLL_S}s`,
          '--json'
        ],
        {
          cwd: subdir(tmp, `latency-${i}`),
          preload,
          useTime: false,
          env: { CI_RELAY_TOKEN: GITLAB_TOKEN }
        }
      )
    )
  );
  const out: { noticed: number; exited: number }[] = [];
  runs.forEach((run, i) => {
    const p = sim.pipelines.find((x) => x.ref === `r${i}`);
    const endAt = p ? p.createdAt + PENDING_MS + running(i) : 0;
    const seen = p ? noticed(sim, times, p.id, endAt) : undefined;
    if (!p || run.code !== 0 || run.exitAt === undefined || seen === undefined) {
      log(`latency run r${i} failed (exit ${run.code}): ${run.stderrTail.slice(-1000)}`);
      return;
    }
    out.push({ noticed: seen, exited: run.exitAt - endAt });
  });
  await release(servers, [sim]);
  return out;
}

interface LogMeasure {
  system: string;
  what: string;
  pollS: number;
  fetched: number;
  finalBytes: number;
  reads: number;
  limit: number;
  ok: boolean;
  note?: string;
}

async function measureLogs(tmp: string, preload: string, servers: SimServer[]): Promise<LogMeasure[]> {
  const gocd: GoCDSim = await startGoCDSim({
    token: GOCD_TOKEN,
    scheduleDelayMs: 1000,
    pipelines: {
      bench: {
        stages: [
          {
            name: 'build',
            jobs: [{ name: 'compile', runningMs: LOG_GROWS_MS, log: { totalBytes: LOG_BYTES } }]
          }
        ]
      }
    }
  });
  servers.push(gocd);
  const gitlabSims: { pollS: number; sim: GitLabSim }[] = [];
  for (const pollS of [10, 1]) {
    const sim = await startGitLabSim({
      token: GITLAB_TOKEN,
      pipelines: {
        main: {
          jobs: [
            {
              name: 'build',
              stage: 'build',
              pendingMs: PENDING_MS,
              runningMs: LOG_GROWS_MS,
              log: { totalBytes: LOG_BYTES }
            }
          ]
        }
      }
    });
    servers.push(sim);
    gitlabSims.push({ pollS, sim });
  }
  const savedLog = (run: RelayRun): number => {
    const jobs = (run.result?.jobs ?? []) as { log?: string }[];
    const file = jobs[0]?.log;
    return file && fs.existsSync(file) ? fs.statSync(file).size : 0;
  };
  const [gocdRun, ...gitlabRuns] = await Promise.all([
    runRelay(['gocd', '--url', gocd.url, '--pipeline', 'bench', '--poll-interval', '10s', '--json'], {
      cwd: subdir(tmp, 'log-gocd'),
      preload,
      useTime: false,
      env: { CI_RELAY_TOKEN: GOCD_TOKEN }
    }),
    ...gitlabSims.map(({ sim, pollS }) =>
      runRelay(gitlabArgs(sim.url, pollS), {
        cwd: subdir(tmp, `log-gitlab-${pollS}`),
        preload,
        useTime: false,
        env: { CI_RELAY_TOKEN: GITLAB_TOKEN }
      })
    )
  ]);
  const out: LogMeasure[] = [];
  const gocdFinal = Buffer.byteLength(
    gocd.consoleText('bench', gocd.counters('bench').at(-1) ?? 1, 'build', 'compile')
  );
  out.push({
    system: 'GoCD',
    what: 'console',
    pollS: 10,
    fetched: gocd.consoleBytesServed,
    finalBytes: gocdFinal,
    reads: gocd.requests.filter((r) => r.path.endsWith('/console.log')).length,
    limit: 1.05,
    ok: gocdRun.code === 0 && savedLog(gocdRun) === gocdFinal,
    note: `exit ${gocdRun.code}, saved ${savedLog(gocdRun)} of ${gocdFinal} bytes`
  });
  gitlabRuns.forEach((run, i) => {
    const { sim, pollS } = gitlabSims[i];
    out.push({
      system: 'GitLab',
      what: 'trace',
      pollS,
      fetched: sim.traceBytesServed,
      finalBytes: LOG_BYTES,
      reads: sim.requests.filter((r) => r.path.endsWith('/trace')).length,
      limit: 4,
      ok: run.code === 0 && savedLog(run) === LOG_BYTES,
      note: `exit ${run.code}, saved ${savedLog(run)} of ${LOG_BYTES} bytes`
    });
  });
  // Their 50 MB logs would make every garbage collection of the servers still to come slower.
  await release(servers, [gocd, ...gitlabSims.map((g) => g.sim)]);
  return out;
}

interface DownloadMeasure {
  relayMBs?: number;
  curlMBs?: number;
  /** Best of the rounds: storage request's arrival → ci-relay exited (downloaded and extracted). */
  relayTotalMs?: number;
  /** Best of the rounds: curl started → unzip -q ended. */
  refTotalMs?: number;
  relayRss?: number;
  curlRss?: number;
  rssFrom?: string;
  notes: string[];
}

/**
 * A full relay run whose GitLab job's artifacts answer with a 302 to `zip` on a file server,
 * against `curl` + `unzip -q` on the same URL, alternating who goes first.
 */
async function measureDownload(
  tmp: string,
  preload: string,
  servers: SimServer[],
  what: { label: string; zip: string; zipBytes: number; unpacked: number; manyFiles: boolean },
  tools: { useTime: boolean; curl: boolean; unzip: boolean }
): Promise<DownloadMeasure> {
  const { zip, zipBytes, unpacked, label } = what;
  const { useTime, curl, unzip } = tools;
  const notes: string[] = [];
  const objectPath = '/bucket/1/artifacts.zip';
  const storage = await startFileServer(new Map([[objectPath, zip]]));
  servers.push(storage);
  const url = `${storage.url}${objectPath}`;
  // GitLab as the relay meets it; the job's artifacts answer with a 302 to the file above.
  const sim = await startGitLabSim({
    token: GITLAB_TOKEN,
    pipelines: {
      main: {
        jobs: [
          {
            name: 'build',
            stage: 'build',
            pendingMs: PENDING_MS,
            runningMs: 300,
            artifacts: { 'placeholder.txt': 'replaced by the bench' }
          }
        ]
      }
    }
  });
  servers.push(sim);
  const front = await startProxy(sim.url, (req, res) => {
    if (req.method === 'GET' && /^\/api\/v4\/projects\/[^/]+\/jobs\/\d+\/artifacts$/.test(req.path)) {
      res.writeHead(302, { location: `${url}?X-Amz-Signature=bench`, 'content-length': '0' });
      res.end();
      return true;
    }
    return false;
  });
  servers.push(front);

  const curlSpeeds: number[] = [];
  const relaySpeeds: number[] = [];
  const relayTotals: number[] = [];
  const refTotals: number[] = [];
  let curlRss: number | undefined;
  let relayRss: number | undefined;
  let rssFrom: string | undefined;
  // Thousands of files deleted make ext4 skip the freed inodes one by one for the next 60 to
  // 300 s (fs/ext4/ialloc.c, recently_deleted): the many-file trees stay until the whole bench
  // ends (with its temporary folder), so no measure creates files just after such a delete.
  const remove = (dir: string): void => {
    if (!what.manyFiles) fs.rmSync(dir, { recursive: true, force: true });
  };
  const lastTransfer = (): number | undefined => {
    const t = storage.transfers.at(-1);
    return t && t.bytes === zipBytes ? zipBytes / MB / (t.ms / 1000) : undefined;
  };
  const runCurl = async (round: number): Promise<void> => {
    const out = path.join(tmp, 'curl.out');
    const t0 = performance.now();
    const r = await runTimed('curl', ['-s', '-o', out, url], useTime);
    const speed = lastTransfer();
    if (r.code !== 0 || !speed || fs.statSync(out).size !== zipBytes) {
      notes.push(`${label}: curl failed (exit ${r.code}).`);
      fs.rmSync(out, { force: true });
      return;
    }
    curlSpeeds.push(speed);
    if (r.peakRss) curlRss = Math.max(curlRss ?? 0, r.peakRss);
    if (unzip) {
      const dir = path.join(tmp, `unzip-${label}-${round}`);
      const u = await runTimed('unzip', ['-q', '-o', out, '-d', dir], false);
      const ms = performance.now() - t0;
      if (u.code !== 0 || treeBytes(dir) !== unpacked) notes.push(`${label}: unzip failed (exit ${u.code}).`);
      else refTotals.push(ms);
      remove(dir);
    }
    fs.rmSync(out, { force: true });
  };
  const runCiRelay = async (round: number): Promise<void> => {
    const cwd = subdir(tmp, `download-${label}-${round}`);
    const before = storage.transfers.length;
    const run = await runRelay(gitlabArgs(front.url, 1), {
      cwd,
      preload,
      useTime,
      env: { CI_RELAY_TOKEN: GITLAB_TOKEN }
    });
    const got = storage.transfers.length > before ? lastTransfer() : undefined;
    const dir = path.join(cwd, 'ci-relay', 'artifacts', 'build');
    const extracted = fs.existsSync(dir) ? treeBytes(dir) : 0;
    if (run.code !== 0 || !got || extracted !== unpacked) {
      notes.push(
        `${label}: ci-relay download round ${round + 1}: exit ${run.code}, ${extracted} of ${unpacked} bytes extracted; ${run.stderrTail.slice(-800)}`
      );
    } else {
      relaySpeeds.push(got);
      const first = storage.transfers[before];
      if (run.exitAt !== undefined) relayTotals.push(run.exitAt - first.startedAt);
    }
    if (storage.transfers.slice(before).some((t) => t.credentials))
      notes.push('ci-relay sent credentials to the storage server!');
    if (run.peakRss) {
      relayRss = Math.max(relayRss ?? 0, run.peakRss);
      rssFrom = run.rssFrom;
    }
    remove(cwd);
  };
  // Writing right after gigabytes were deleted is slower on some VMs (pages go back to the host):
  // each goes first once, and each waits a moment after a delete.
  for (let round = 0; round < DOWNLOAD_ROUNDS; round++) {
    for (const who of round % 2 === 0 ? ['curl', 'relay'] : ['relay', 'curl']) {
      if (who === 'curl' && curl) await runCurl(round);
      if (who === 'relay') await runCiRelay(round);
      await sleepMs(1000);
    }
  }
  const each = (xs: number[], f: (x: number) => string): string => xs.map(f).join(', ');
  const mbs = (x: number): string => fmt(x, 0);
  const secs = (x: number): string => fmt(x / 1000, 2);
  notes.push(
    `${label} rounds: download MB/s curl ${each(curlSpeeds, mbs)}, ci-relay ${each(relaySpeeds, mbs)}; download+extract s curl + unzip -q ${each(refTotals, secs)}, ci-relay ${each(relayTotals, secs)}.`
  );
  await release(servers, [storage, sim, front]);
  return {
    relayMBs: relaySpeeds.length ? Math.max(...relaySpeeds) : undefined,
    curlMBs: curlSpeeds.length ? Math.max(...curlSpeeds) : undefined,
    relayTotalMs: relayTotals.length ? Math.min(...relayTotals) : undefined,
    refTotalMs: refTotals.length ? Math.min(...refTotals) : undefined,
    relayRss,
    curlRss,
    rssFrom,
    notes
  };
}

/** "download+extract" rows: ci-relay's whole time against curl + unzip -q's. */
function downloadExtractRow(measure: string, d: DownloadMeasure, least: number): Row {
  const speed = d.relayTotalMs && d.refTotalMs ? d.refTotalMs / d.relayTotalMs : undefined;
  return {
    measure,
    value: d.relayTotalMs
      ? `${fmt(d.relayTotalMs / 1000, 2)} s${speed ? ` (${ratio(speed)} the speed)` : ''}`
      : 'failed',
    reference: d.refTotalMs
      ? `curl + unzip -q: ${fmt(d.refTotalMs / 1000, 2)} s`
      : 'n/a (curl or unzip missing)',
    target: `≥ ${least.toFixed(1)}× curl + unzip -q`,
    ok: speed === undefined ? undefined : speed >= least
  };
}

/** The many-file artifact: a built site's worth of small, deflated text files. */
function manyFileEntries(): ZipEntrySpec[] {
  return Array.from({ length: MANY_FILES }, (_, i) => ({
    name: `site/section-${i % 40}/part-${i % 7}/page-${i}.html`,
    size: 48 * 1024 + (i % 17) * 64,
    kind: 'deflated' as const
  }));
}

async function measureExtraction(
  tmp: string,
  zip: string,
  unpacked: number,
  unzip: boolean
): Promise<{ storeMs: number; unzipMs?: number }> {
  const { ArtifactStore } = await import('../src/artifacts/store.js');
  type Extract = {
    extract(zipFile: string, dir: string, prefix: string, selects: (p: string) => boolean): Promise<void>;
  };
  const storeTimes: number[] = [];
  const unzipTimes: number[] = [];
  // Deleted once both rounds are done (see `remove` in measureDownload): no measure after this
  // one creates files.
  const later: string[] = [];
  try {
    for (let round = 0; round < 2; round++) {
      if (unzip) {
        const dir = path.join(tmp, `unzip-out-${round}`);
        const r = await runTimed('unzip', ['-q', '-o', zip, '-d', dir], false);
        if (r.code !== 0 || treeBytes(dir) !== unpacked)
          throw new Error(`unzip failed (exit ${r.code}): ${r.stderr}`);
        unzipTimes.push(r.ms);
        later.push(dir);
      }
      const root = path.join(tmp, `store-out-${round}`);
      later.push(root);
      fs.mkdirSync(root, { recursive: true });
      // The relay's own extraction (what ArtifactSink.downloadZip runs once the zip is on disk).
      const store = new ArtifactStore(root, ['**'], 5 * 2 ** 30, (m) => log(m)) as unknown as Extract;
      if (typeof store.extract !== 'function')
        throw new Error('ArtifactStore has no extract() any more: update bench/bench.ts');
      const dir = path.join(root, 'artifacts', 'job');
      const t0 = performance.now();
      await store.extract(zip, dir, '', () => true);
      storeTimes.push(performance.now() - t0);
      if (treeBytes(dir) !== unpacked) throw new Error('ArtifactStore extracted the wrong number of bytes');
    }
  } finally {
    for (const dir of later) fs.rmSync(dir, { recursive: true, force: true });
  }
  return {
    storeMs: Math.min(...storeTimes),
    unzipMs: unzipTimes.length ? Math.min(...unzipTimes) : undefined
  };
}

/** The 1 GiB and the many-file artifact, each downloaded and extracted through a GitLab job. */
async function measureArtifactDownloads(
  tmp: string,
  preload: string,
  servers: SimServer[],
  archives: {
    bigZip: string;
    bigZipBytes: number;
    manyZip: string;
    manyZipBytes: number;
    manyUnpacked: number;
  },
  tools: Parameters<typeof measureDownload>[4]
): Promise<{
  big: Awaited<ReturnType<typeof measureDownload>>;
  many: Awaited<ReturnType<typeof measureDownload>>;
}> {
  const { bigZip, bigZipBytes, manyZip, manyZipBytes, manyUnpacked } = archives;
  log(`1 GiB artifact: curl + unzip vs ci-relay, ${DOWNLOAD_ROUNDS} rounds`);
  const big = await measureDownload(
    tmp,
    preload,
    servers,
    { label: '1 GiB', zip: bigZip, zipBytes: bigZipBytes, unpacked: 4 * 256 * MiB, manyFiles: false },
    tools
  );
  log(`${MANY_FILES}-file artifact: curl + unzip vs ci-relay, ${DOWNLOAD_ROUNDS} rounds`);
  const many = await measureDownload(
    tmp,
    preload,
    servers,
    {
      label: `${MANY_FILES} files`,
      zip: manyZip,
      zipBytes: manyZipBytes,
      unpacked: manyUnpacked,
      manyFiles: true
    },
    tools
  );
  return { big, many };
}

/** `npm run bench -- artifacts`: only the artifact download+extract measures (about a minute). */
async function artifactsOnly(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ci-relay-'));
  const servers: SimServer[] = [];
  try {
    const useTime = await hasCommand(TIME_BIN, ['-V']).then(
      async (ok) => ok || hasCommand(TIME_BIN, ['--version'])
    );
    const tools = {
      useTime,
      curl: await hasCommand('curl', ['--version']),
      unzip: await hasCommand('unzip', ['-v'])
    };
    const preload = writePreload(tmp);
    const bigZip = path.join(tmp, 'artifacts-1GiB.zip');
    const bigZipBytes = writeZip(
      bigZip,
      [1, 2, 3, 4].map((i) => ({ name: `out/part-${i}.bin`, size: 256 * MiB, kind: 'stored' as const }))
    );
    const manyZip = path.join(tmp, 'artifacts-many.zip');
    const manyEntries = manyFileEntries();
    const manyZipBytes = writeZip(manyZip, manyEntries);
    const manyUnpacked = manyEntries.reduce((n, e) => n + e.size, 0);
    const archives = { bigZip, bigZipBytes, manyZip, manyZipBytes, manyUnpacked };
    const { big, many } = await measureArtifactDownloads(tmp, preload, servers, archives, tools);
    const rows = [
      downloadExtractRow(
        `1 GiB download+extract (${fmt(bigZipBytes / 2 ** 30, 2)} GiB, 4 stored entries)`,
        big,
        1.0
      ),
      downloadExtractRow(
        `${MANY_FILES}-file download+extract (${fmt(manyZipBytes / MB, 0)} MB → ${fmt(manyUnpacked / MB, 0)} MB)`,
        many,
        1.5
      )
    ];
    console.log('| measure | ci-relay | reference | target | ok? |\n|---|---|---|---|---|');
    for (const r of rows)
      console.log(
        `| ${r.measure} | ${r.value} | ${r.reference} | ${r.target} | ${r.ok === undefined ? '—' : r.ok ? 'yes' : '**no**'} |`
      );
    console.log(
      [
        `Peak RSS (${big.rssFrom ?? 'n/a'}): 1 GiB ${big.relayRss ? fmt(big.relayRss / MB, 0) : '?'} MB, ${MANY_FILES} files ${many.relayRss ? fmt(many.relayRss / MB, 0) : '?'} MB.`,
        ...big.notes,
        ...many.notes
      ].join('\n')
    );
  } finally {
    await Promise.all(servers.map((s) => s.close().catch(() => undefined)));
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// Last, so every constant above is initialized before main() runs.
if (process.argv[2] === 'faults') {
  if (fs.existsSync(new URL('./faults.ts', import.meta.url))) {
    // A specifier in a variable: type-checks whether or not bench/faults.ts exists yet.
    const faults = './faults.js';
    await import(faults);
  } else {
    console.log('bench/faults.ts does not exist yet: there is no fault benchmark to run.');
  }
} else if (process.argv[2] === 'fleet') {
  // A specifier in a variable, as for faults above.
  const fleet = './fleet.js';
  await import(fleet);
} else if (process.argv[2] === 'artifacts') {
  await artifactsOnly();
} else if (process.argv[2] === 'junit') {
  await import('./junit.js');
} else {
  await main();
}

/**
 * `npm run bench` (issue 7): starts the simulators on 127.0.0.1, runs the built bundle
 * (dist/index.js, as Jenkins' `sh` would) against them, and prints ONE markdown table, each
 * figure beside its reference measured in the same run. `npm run bench -- faults` runs
 * bench/faults.ts instead, `npm run bench -- fleet` bench/fleet.ts (100 relays on one token
 * against gitlab.com's limit), `npm run bench -- artifacts` only the artifact download+extract
 * measures (the 1 GiB zip and the many-file zip against curl + unzip -q), `npm run bench -- junit`
 * bench/junit.ts (a 100 MB JUnit report), `npm run bench -- many-runs` bench/many-runs.ts (20 runs
 * across GitLab, GoCD and Gearset in one step).
 *
 * One file per benchmark: startup.ts, waiting.ts (requests per minute, end latency), logs.ts,
 * artifacts.ts, faults.ts, fleet.ts, junit.ts; common.ts and support.ts hold what they share.
 *
 * Needs `npm run build` first. Takes about two and a half minutes on two cores and about 4 GB
 * of free space in os.tmpdir() for a moment; every temporary file is deleted at the end.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SimServer } from '../sim/server.js';
import { DIST, MB, MiB, TIME_BIN, hasCommand, treeBytes, writePreload, writeZip } from './support.js';
import { log, fmt, ratio, type Row } from './common.js';
import { measureVersion } from './startup.js';
import {
  WAIT_POLL_S,
  WAIT_RUNNING_MS,
  LATENCY_POLL_S,
  LATENCY_RUNS,
  startWaiting,
  measureLatency
} from './waiting.js';
import { LOG_BYTES, LOG_GROWS_MS, measureLogs } from './logs.js';
import {
  DOWNLOAD_ROUNDS,
  MANY_FILES,
  downloadExtractRow,
  manyFileEntries,
  measureExtraction,
  measureArtifactDownloads,
  artifactsOnly
} from './artifacts.js';

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
} else if (process.argv[2] === 'many-runs') {
  await import('./many-runs.js');
} else {
  await main();
}

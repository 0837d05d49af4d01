/** Artifacts: the 1 GiB and the many-file zip downloaded and extracted, against curl + unzip -q. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startGitLabSim } from '../sim/gitlab.js';
import type { SimServer } from '../sim/server.js';
import {
  MB,
  MiB,
  TIME_BIN,
  hasCommand,
  runRelay,
  runTimed,
  startFileServer,
  startProxy,
  treeBytes,
  writePreload,
  writeZip,
  type ZipEntrySpec
} from './support.js';
import {
  GITLAB_TOKEN,
  PENDING_MS,
  log,
  fmt,
  ratio,
  sleepMs,
  release,
  gitlabArgs,
  subdir,
  type Row
} from './common.js';

export const DOWNLOAD_ROUNDS = 3;

/** Files in the many-file artifact (issue 14: thousands of ~48 KiB text files, ~250 MB unpacked). */
export const MANY_FILES = 5000;

export interface DownloadMeasure {
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
export async function measureDownload(
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
export function downloadExtractRow(measure: string, d: DownloadMeasure, least: number): Row {
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
export function manyFileEntries(): ZipEntrySpec[] {
  return Array.from({ length: MANY_FILES }, (_, i) => ({
    name: `site/section-${i % 40}/part-${i % 7}/page-${i}.html`,
    size: 48 * 1024 + (i % 17) * 64,
    kind: 'deflated' as const
  }));
}

export async function measureExtraction(
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
export async function measureArtifactDownloads(
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
export async function artifactsOnly(): Promise<void> {
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

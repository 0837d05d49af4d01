/**
 * `npm run bench -- faults` (bench/bench.ts imports this file, which runs at import; `tsx
 * bench/faults.ts` runs it alone): whole relays through dist/index.js against each simulator
 * while sim/faults.ts keeps injecting faults — resets, 502/503, 429 with Retry-After, slow
 * answers, truncated bodies, malformed JSON, status words flipped to an unknown one — and, per
 * remote, a table of what was injected and what came out: runs with the correct conclusion,
 * triggers sent, artifact bytes lost, secrets leaked.
 *
 * Then the bounded faults (issue 12), each against a run that would go on for minutes, with
 * `timeout` 6s: a poll silent after its headers, a poll body dripping a byte at a time, a 429
 * whose Retry-After (300 s) is past the deadline, and SIGTERM during a hung poll. Per remote,
 * the worst wall time over `timeout` (and from SIGTERM to exit), with conclusions, triggers
 * and cancels.
 *
 * faults-remotes.ts runs the fault suite, faults-bounded.ts the bounded faults; faults-support.ts
 * holds what they share.
 *
 * Needs `npm run build` first. The three remotes run side by side; about two minutes in all.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DIST } from './support.js';
import { RATE, SEEDS, log } from './faults-support.js';
import { gitlab, gocd, gearset, table } from './faults-remotes.js';
import { BOUNDED_FAULTS, BOUNDED_TARGETS, bounded, boundedTable } from './faults-bounded.js';

async function main(): Promise<void> {
  if (!fs.existsSync(DIST)) {
    console.error('dist/index.js is missing: run `npm run build` first.');
    process.exitCode = 2;
    return;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-relay-bench-faults-'));
  try {
    log(`${SEEDS.length} runs per remote, a fault on one eligible request in ${Math.round(1 / RATE)}`);
    const tallies = await Promise.all([gitlab(tmp), gocd(tmp), gearset(tmp)]);
    console.log(`## Fault suite (rate ${RATE}, seeds ${SEEDS.join(', ')})\n`);
    for (const t of tallies) console.log(table(t));
    const broken = tallies.some((t) =>
      t.runs.some(
        (r) => r.got !== r.expected || r.triggers !== 1 || r.bytesReceived !== r.bytesExpected || r.leaks
      )
    );
    const limits = await Promise.all(
      BOUNDED_TARGETS.map(async (target) => ({ remote: target.remote, runs: await bounded(target, tmp) }))
    );
    console.log(boundedTable(limits));
    const unbounded = limits.some((l) =>
      l.runs.some(
        (b, i) =>
          b.conclusion !== BOUNDED_FAULTS[i].expected ||
          b.triggers !== 1 ||
          b.over > (BOUNDED_FAULTS[i].sigterm ? 5 : 15)
      )
    );
    if (broken || unbounded) process.exitCode = 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await main();

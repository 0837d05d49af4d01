/**
 * Issue 22, part 4: which run a GoCD schedule created, read from history entries real GoCD servers
 * sent (../shared/reference/recorded/gocd): claim.ts's evidence, one piece at a time.
 */
import * as fs from 'node:fs';
import { claimOf, pickRun } from '../src/remotes/gocd/claim.js';
import { historySchema, type GoCDHistoryRun } from '../src/remotes/gocd/shapes.js';

const recorded = (file: string): GoCDHistoryRun[] =>
  historySchema.parse(JSON.parse(fs.readFileSync(`../shared/reference/recorded/gocd/${file}`, 'utf8')))
    .pipelines;

// py-gocd: a run forced through the API by `anonymous`, building one Git revision.
const forced = recorded('py-gocd/history-after-schedule-1.json')[0];
const FP = '430ae9c756851465616526da7882dcfb2d34e58fb4dcd12a47588dec07b46a07';
const REV = '106a9ffe7131a15a44338eb703ecb31e1bc5de68';
// api.go.cd's example: a run a material change started.
const changed = recorded('api.go.cd/pipeline-history.json')[0];

test('a forced run building the revision we pinned, by our user, is ours', () => {
  expect(claimOf(forced, { materials: [{ fingerprint: FP, revision: REV }], username: 'anonymous' })).toBe(
    'pinned'
  );
  expect(claimOf(forced, { materials: [{ fingerprint: FP, revision: REV }] })).toBe('pinned');
});

test('another revision of a pinned material is another schedule: never ours', () => {
  expect(claimOf(forced, { materials: [{ fingerprint: FP, revision: 'f'.repeat(40) }] })).toBe('not-ours');
});

test('a pin of a material the run does not show is no contrary evidence', () => {
  expect(claimOf(forced, { materials: [{ fingerprint: 'other', revision: 'x' }] })).toBe('forced');
});

test('another user, or a run no one forced, is foreign', () => {
  expect(claimOf(forced, { materials: [], username: 'ci-bot' })).toBe('foreign');
  expect(claimOf(changed, { materials: [] })).toBe('foreign');
});

test('runs the evidence cannot tell apart: the lowest, with the others named', () => {
  const a = { ...forced, counter: 6 };
  const b = { ...forced, counter: 5 };
  expect(pickRun([a, b], { materials: [] }, false)).toMatchObject({
    run: { counter: 5 },
    alike: [6],
    claim: 'forced'
  });
  // A foreign run is taken only once foreign runs are accepted, and a contrary one never.
  expect(pickRun([changed], { materials: [] }, false)).toBeUndefined();
  expect(pickRun([changed], { materials: [] }, true)?.claim).toBe('foreign');
  expect(pickRun([a], { materials: [{ fingerprint: FP, revision: 'f'.repeat(40) }] }, true)).toBeUndefined();
});

import { Redactor, StreamRedactor } from '../src/logs/redact.js';

const SECRET = 'glpat-s3cr3t';

/** Feeds `text` to a StreamRedactor cut at the given places; returns what came out. */
function streamed(text: string, cuts: number[], secrets: readonly string[] = [SECRET]): string {
  const bytes = Buffer.from(text);
  const r = new StreamRedactor(secrets);
  const out: Buffer[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    out.push(r.push(bytes.subarray(from, cut)));
    from = cut;
  }
  out.push(r.end());
  return Buffer.concat(out).toString();
}

test('a secret cut in two by a chunk boundary, at every possible place, is still masked', () => {
  const text = `before ${SECRET} middle ${SECRET}${SECRET} after`;
  const expected = 'before *** middle ****** after';
  for (let cut = 0; cut <= Buffer.byteLength(text); cut++) {
    expect([cut, streamed(text, [cut])]).toEqual([cut, expected]);
  }
  // One byte at a time.
  expect(streamed(text, [...Array(Buffer.byteLength(text)).keys()].slice(1))).toBe(expected);
});

test('the longest of overlapping secrets wins; text without secrets passes unchanged, whatever the bytes', () => {
  expect(streamed(`x ${SECRET}-extended y`, [5], [SECRET, `${SECRET}-extended`])).toBe('x *** y');
  const binary = Buffer.from([0xff, 0xfe, 0x00, 0x41, 0xc3]);
  const r = new StreamRedactor([SECRET]);
  expect(Buffer.concat([r.push(binary), r.end()])).toEqual(binary);
  expect(new StreamRedactor([]).push(binary)).toBe(binary);
});

test('the streamed and the whole-text redactors agree', () => {
  const redactor = new Redactor();
  redactor.add(SECRET);
  const text = `a ${SECRET} b "${SECRET}" c`;
  expect(streamed(text, [3, 9, 17], redactor.values)).toBe(redactor.redact(text));
});

test('issue 20, finding 5: a long line full of secrets is masked in linear time (each secret searched once per byte)', () => {
  // 4 MiB of one secret back to back, with another secret that never occurs: a search per match
  // from each match to the end would be quadratic (hundreds of thousands of 4 MiB scans).
  const count = Math.floor((4 * 1024 * 1024) / SECRET.length);
  const text = SECRET.repeat(count);
  const started = Date.now();
  const r = new StreamRedactor([SECRET, 'never-there-at-all', 'gl']);
  const out = Buffer.concat([r.push(Buffer.from(text)), r.end()]).toString();
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(out).toBe('***'.repeat(count));
});

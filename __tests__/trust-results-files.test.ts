/**
 * Issue 20, finding 6: Azure splits `##vso[results.publish resultFiles=…]` at commas, so every
 * published path must be one file inside the download folder. JUnit reports whose names hold
 * commas (and `;`, `]`, which the task lib escapes) are copied under comma-free names, and what
 * the Azure host writes names exactly those copies, split as the agent splits it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { createAzureHost } from '../src/hosts/azure.js';
import { publishable, publishedName, readTestResults } from '../src/reporting/test-results.js';
import type { Host } from '../src/core/host.js';

const JUNIT = '<testsuite name="s" tests="1"><testcase name="t" classname="c"/></testsuite>';
let tmp: string;
let azure: Host;
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-relay-results-'));
  azure = await createAzureHost();
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** What the Azure host writes for these files, read as the agent reads it: the resultFiles list. */
function published(files: string[]): string[] {
  const original = process.stdout.write;
  let out = '';
  process.stdout.write = ((c: string | Uint8Array) => {
    out += String(c);
    return true;
  }) as typeof process.stdout.write;
  try {
    azure.publishTestResults(files);
  } finally {
    process.stdout.write = original;
  }
  const line = out.split('\n').find((l) => l.startsWith('##vso[results.publish '));
  if (!line) return [];
  const props = line.slice('##vso[results.publish '.length, line.indexOf(']'));
  const value = props
    .split(';')
    .find((p) => p.startsWith('resultFiles='))!
    .slice('resultFiles='.length)
    .replace(/%3B/g, ';')
    .replace(/%5D/g, ']')
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%AZP25/g, '%');
  // ResultsCommandExtension: resultFilesInput.Split(',').
  return value.split(',');
}

test('a JUnit file named with a comma is copied and published as one file inside the download folder', async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'run-'));
  const job = path.join(dir, 'artifacts', 'build');
  fs.mkdirSync(path.join(job, 'reports'), { recursive: true });
  for (const n of ['a,..,..,etc,passwd.xml', 'a_.._.._etc_passwd.xml', 'x;y].xml', 'plain.xml'])
    fs.writeFileSync(path.join(job, 'reports', n), JUNIT);
  const warnings: string[] = [];
  const read = await readTestResults({
    downloadDir: dir,
    globs: ['**/*.xml'],
    jobDirs: [{ name: 'build', dir: job }],
    warn: (m) => warnings.push(m)
  });
  expect(warnings).toEqual([]);
  expect(read.summary?.total).toBe(4);
  expect(read.files).toHaveLength(4);
  expect(new Set(read.files).size).toBe(4);
  for (const f of read.files) {
    expect(f).not.toContain(',');
    expect(path.relative(dir, f).startsWith('..')).toBe(false);
    expect(fs.readFileSync(f, 'utf8')).toBe(JUNIT);
  }
  const files = publishable(read.files, dir, (m) => warnings.push(m));
  expect(files).toEqual(read.files);
  expect(published(files)).toEqual(files);
});

test('what is not one regular file inside the download folder is left out with a warning', () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'run-'));
  const inside = path.join(dir, 'test-results', 'ok.xml');
  fs.mkdirSync(path.dirname(inside), { recursive: true });
  fs.writeFileSync(inside, JUNIT);
  const link = path.join(dir, 'test-results', 'link.xml');
  fs.symlinkSync('/etc/hostname', link);
  const comma = path.join(tmp, 'a,b');
  const warnings: string[] = [];
  const out = publishable(
    [inside, link, '/etc/hostname', path.join(comma, 'x.xml'), path.join(dir, 'gone.xml')],
    dir,
    (m) => warnings.push(m)
  );
  expect(out).toEqual([inside]);
  expect(warnings).toHaveLength(4);
  expect(publishable([path.join(comma, 'test-results', 'x.xml')], comma, () => {})).toEqual([]);
});

test('property: any report names, published, split back into exactly the copies, each inside the folder', () => {
  const segment = fc
    .array(fc.constantFrom('a', 'b', ',', ';', ']', '[', '_', '-', '.', ' ', '%', 'é', '2'), {
      minLength: 1,
      maxLength: 8
    })
    .map((c) => c.join(''))
    .filter((s) => s !== '.' && s !== '..');
  fc.assert(
    fc.property(
      fc.array(fc.array(segment, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 6 }),
      (names) => {
        const out = path.join(tmp, 'out');
        const taken: string[] = [];
        for (const n of names) taken.push(publishedName(out, `job/${n.join('/')}.xml`, taken));
        expect(new Set(taken).size).toBe(taken.length);
        for (const f of taken) {
          expect(f).not.toContain(',');
          expect(path.relative(out, f).startsWith('..')).toBe(false);
        }
        expect(published(taken)).toEqual(taken);
      }
    ),
    { numRuns: 200 }
  );
});

/**
 * Issue 20, finding 10: names no file system accepts. For any string, the job file name
 * (safeFileName) and an artifact path's name (safeSegment, the same rule) hold nothing Windows
 * forbids (`/ \ : * ? " < > |`, controls), are no Windows device name (CON, PRN, AUX, NUL,
 * COM0–9, LPT0–9 with ¹²³ too, CONIN$, CONOUT$; any case, any extension, spaces or dots after),
 * do not end in a dot or space, are never empty, and fit 255 bytes of UTF-8; distinct jobs keep
 * distinct names (JobNames), and each name is written for real.
 */
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JobNames, safeFileName, safeSegment } from '../src/core/names.js';
import { tempDir } from './helpers/run.js';

// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[/\\:*?"<>|\x00-\x1f\x7f-\x9f]/;
const DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;

/** As Windows reads a name: the part before the first dot, spaces and dots at its end ignored. */
const isDevice = (name: string): boolean => DEVICE.test(name.split('.')[0].replace(/[ .]+$/, ''));

/** Strings of every kind, and device names dressed in every way Windows still reads as one. */
const names = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc
    .tuple(
      fc.constantFrom('CON', 'con', 'Prn', 'AUX', 'nul', 'COM1', 'com0', 'LPT9', 'COM¹', 'com²', 'LPT³'),
      fc.constantFrom('', 'CONIN$', 'conout$'),
      fc.constantFrom('', ' ', '.', '. ', ' .', '..'),
      fc.constantFrom('', '.txt', '.log', '.tar.gz', '.')
    )
    .map(([a, b, c, d]) => `${b || a}${c}${d}`)
);

function expectSafe(name: string): void {
  expect(name.length).toBeGreaterThan(0);
  expect(name).not.toMatch(FORBIDDEN);
  expect(isDevice(name)).toBe(false);
  expect(name).not.toMatch(/[. ]$/);
  expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
}

test('property: safeFileName(any string) is safe on every file system, and can be made as a file', () => {
  const dir = tempDir('ci-relay-names-');
  fc.assert(
    fc.property(names, (raw) => {
      const name = safeFileName(raw);
      expectSafe(name);
      expect(name).not.toMatch(/^\./);
      const file = path.join(dir, `${name}.log`);
      expect(path.dirname(file)).toBe(dir);
      fs.writeFileSync(file, 'x');
      fs.rmSync(file);
    }),
    { numRuns: 2000 }
  );
});

test('property: safeSegment (an artifact path’s names) follows the same rule', () => {
  fc.assert(
    fc.property(names, (raw) => {
      fc.pre(Buffer.byteLength(raw) <= 250);
      expectSafe(safeSegment(raw));
    }),
    { numRuns: 2000 }
  );
});

test('property: distinct jobs keep distinct names, whatever they are called (case folded)', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), names), {
        selector: ([key]) => key,
        maxLength: 30
      }),
      (jobs) => {
        const jobNames = new JobNames('/tmp/none');
        const made = jobs.map(([key, name]) => jobNames.name(key, name));
        for (const n of made) expectSafe(n);
        expect(new Set(made.map((n) => n.toLowerCase())).size).toBe(made.length);
        // Asked again, a job gets the same name.
        expect(jobs.map(([key, name]) => jobNames.name(key, name))).toEqual(made);
      }
    ),
    { numRuns: 500 }
  );
});

test.each([
  ['CON', '_CON'],
  ['aux.txt', '_aux.txt'],
  ['COM¹', '_COM¹'],
  ['COM²', '_COM²'],
  ['COM³', '_COM³'],
  ['lpt¹.log', '_lpt¹.log'],
  ['CONIN$', '_CONIN$'],
  ['conout$.txt', '_conout$.txt'],
  ['LPT1.log', '_LPT1.log'],
  ['COM0', '_COM0'],
  ['con .txt', 'con_.txt'],
  ['ends with dot.', 'ends_with_dot_'],
  ['ends with space ', 'ends_with_space_'],
  ['CONSOLE', 'CONSOLE'],
  ['COM10', 'COM10']
])('safeFileName(%j) is %j', (raw, safe) => {
  expect(safeFileName(raw)).toBe(safe);
});

/**
 * Job names as file names: safe on every file system, short enough in bytes, and one per job
 * even when remote jobs share a name. Each name is also written for real in a temp folder.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JobNames, safeFileName } from '../src/core/names.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-relay-paths-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** No lone surrogate (half of a character cut in two). */
function wellFormed(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

/** A name is usable: one path segment, no parent, creatable as `<name>.log` right in `dir`. */
function expectUsable(name: string): void {
  // eslint-disable-next-line no-control-regex
  expect(name).not.toMatch(/[/\\<>:"|?*\x00-\x1f]/);
  expect(name).not.toMatch(/^\./);
  expect(name).not.toMatch(/[. ]$/);
  expect(name).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i);
  expect(name.length).toBeGreaterThan(0);
  expect(Buffer.byteLength(name)).toBeLessThanOrEqual(121);
  expect(wellFormed(name)).toBe(true);
  const file = path.join(dir, `${name}.log`);
  expect(path.dirname(file)).toBe(dir);
  fs.writeFileSync(file, 'x');
  expect(fs.readdirSync(dir)).toContain(`${name}.log`);
}

describe('safeFileName', () => {
  test.each([
    ['build', 'build'],
    ['../x', '__x'],
    ['..', '_'],
    ['.', '_'],
    ['.hidden', '_hidden'],
    ['a/b', 'a_b'],
    ['a\\b', 'a_b'],
    ['stage: build', 'stage__build'],
    ['build job 1', 'build_job_1'],
    ['tab\there\nnewline', 'tab_here_newline'],
    ['C:\\Windows', 'C__Windows'],
    ['<>:"|?*', '_______'],
    ['ends with dot.', 'ends_with_dot_'],
    ['ends with dots...', 'ends_with_dots_'],
    ['CON', '_CON'],
    ['con', '_con'],
    ['con.txt', '_con.txt'],
    ['Aux.tar.gz', '_Aux.tar.gz'],
    ['COM1', '_COM1'],
    ['lpt9', '_lpt9'],
    ['nul', '_nul'],
    ['CONSOLE', 'CONSOLE'],
    ['deploy 🚀 prod', 'deploy_🚀_prod'],
    ['déploiement', 'déploiement'],
    ['e\u0301t\u00e9', '\u00e9t\u00e9'],
    ['日本語のジョブ', '日本語のジョブ'],
    ['', '_'],
    ['   ', '_'],
    ['x\u0000y', 'x_y'],
    ['rspec 1/4', 'rspec_1_4'],
    ['job:[linux, amd64]', 'job_[linux,_amd64]']
  ])('%j → %j', (input, expected) => {
    expect(safeFileName(input)).toBe(expected);
    expectUsable(safeFileName(input));
  });

  test('a very long name is cut, and still usable', () => {
    const out = safeFileName('a'.repeat(500));
    expect(out).toBe('a'.repeat(120));
    expectUsable(out);
  });

  test('a long name of many-byte characters is cut by bytes, not characters', () => {
    const out = safeFileName('日本語'.repeat(100));
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(120);
    expect(out.length).toBe(40);
    expectUsable(out);
  });

  test('a cut never splits a character made of two UTF-16 units', () => {
    for (let pad = 0; pad < 4; pad++) {
      const out = safeFileName(`${'x'.repeat(pad)}${'🚀'.repeat(100)}`);
      expect(wellFormed(out)).toBe(true);
      expectUsable(out);
    }
  });

  test('a cut that ends on a dot or space still does not end with one', () => {
    const out = safeFileName(`${'a'.repeat(119)}. tail`);
    expect(out).not.toMatch(/[. ]$/);
    expectUsable(out);
  });
});

describe('JobNames', () => {
  test('unique names for jobs that share one, stable per key', () => {
    const names = new JobNames(dir);
    expect(names.name('101', 'build')).toBe('build');
    expect(names.name('102', 'build')).toBe('build-102');
    expect(names.name('103', 'build')).toBe('build-103');
    expect(names.name('101', 'build')).toBe('build');
    expect(names.name('102', 'renamed')).toBe('build-102');
  });

  test('names that differ only in case, or only in unsafe characters, are told apart', () => {
    const names = new JobNames(dir);
    const all = [
      names.name('1', 'Build'),
      names.name('2', 'build'),
      names.name('3', 'a/b'),
      names.name('4', 'a:b')
    ];
    expect(new Set(all.map((n) => n.toLowerCase())).size).toBe(4);
    expect(all).toEqual(['Build', 'build-2', 'a_b', 'a_b-4']);
  });

  test('a job whose name is another job’s suffixed name still gets one of its own', () => {
    const names = new JobNames(dir);
    expect(names.name('7', 'test')).toBe('test');
    expect(names.name('8', 'test-9')).toBe('test-9');
    expect(names.name('9', 'test')).toBe('test-9-2');
  });

  test('long duplicate names stay unique (the suffix survives the cut)', () => {
    const names = new JobNames(dir);
    const long = `integration tests ${'x'.repeat(300)}`;
    const got = [1, 2, 3, 4].map((k) => names.name(String(k), long));
    expect(new Set(got).size).toBe(4);
    for (const n of got) expectUsable(n);
    expect(got[1].endsWith('-2')).toBe(true);
  });

  test('long duplicate names whose keys are long too', () => {
    const names = new JobNames(dir);
    const long = '名'.repeat(200);
    const key = 'k'.repeat(200);
    const got = [names.name(`${key}1`, long), names.name(`${key}2`, long), names.name(`${key}3`, long)];
    expect(new Set(got).size).toBe(3);
    for (const n of got) expectUsable(n);
  });

  test('keys with unsafe characters make safe suffixes', () => {
    const names = new JobNames(dir);
    names.name('build/1', 'compile');
    const second = names.name('build/2', 'compile');
    expect(second).toBe('compile-build_2');
    expectUsable(second);
  });

  test('logPath puts <name>.log in the folder', () => {
    const names = new JobNames('/dl');
    expect(names.logPath('1', 'unit tests')).toBe(path.join('/dl', 'unit_tests.log'));
    expect(names.logPath('2', 'unit tests')).toBe(path.join('/dl', 'unit_tests-2.log'));
    expect(names.logPath('3', '../../etc/passwd')).toBe(path.join('/dl', '__.._etc_passwd.log'));
  });
});

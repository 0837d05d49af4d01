/**
 * The shape of src/ (docs/architecture.md) stays readable: few loose files, one folder per
 * part with a header saying what it owns, and no file longer than one sitting. Import circles
 * and upward imports are `npm run lint`'s (dependency-cruiser, .dependency-cruiser.cjs).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const SRC = path.resolve('src');
const PARTS = ['core', 'config', 'logs', 'transport', 'artifacts', 'hosts', 'remotes', 'reporting', 'relay'];
const MAX_LINES = 450;

function files(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(ts|cts|cjs)$/.test(f));
}

test('src/ itself holds at most 8 files, and a folder for each part', () => {
  const loose = fs.readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isFile());
  expect(loose.length).toBeLessThanOrEqual(8);
  const folders = fs
    .readdirSync(SRC, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
  expect(folders.sort()).toEqual([...PARTS].sort());
});

test.each(PARTS)(
  'src/%s/index.ts starts with a header saying what the part owns and must not import',
  (part) => {
    const text = fs.readFileSync(path.join(SRC, part, 'index.ts'), 'utf8');
    const header = /^\/\*\*([\s\S]*?)\*\//.exec(text)?.[1] ?? '';
    expect(header).toMatch(new RegExp(`${part}/`));
    expect(header).toMatch(/import|imports/);
  }
);

test(`no source file is longer than ${MAX_LINES} lines`, () => {
  const long = files(SRC)
    .map((f) => ({ f, lines: fs.readFileSync(path.join(SRC, f), 'utf8').split('\n').length }))
    .filter((x) => x.lines > MAX_LINES);
  expect(long).toEqual([]);
});

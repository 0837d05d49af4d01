/**
 * One version, written once. `npm version X.Y.Z` writes it into package.json (and the lock), then
 * runs the `version` lifecycle script, which runs this: it writes the same version into every
 * other file that states it (the statements below), then `npm run build` carries it into dist/
 * and `git add` puts them all into the commit and tag that npm makes.
 *
 *   tsx scripts/version.ts [--root DIR]           write DIR/package.json's version everywhere
 *   tsx scripts/version.ts --check [--root DIR]   list every statement that disagrees; exit 1 if any
 *
 * `__tests__/release-version.test.ts` fails when a statement disagrees with package.json, when a
 * file pins a version no statement covers, and when this script misses one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

export interface Version {
  full: string;
  major: string;
  minor: string;
  patch: string;
}

export function parseVersion(text: string): Version {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?$/.exec(text);
  if (!m) throw new Error(`'${text}' is not a version (X.Y.Z or X.Y.Z-pre)`);
  return { full: text, major: m[1], minor: m[2], patch: m[3] };
}

/** A way a file states the version: each capture group of `pattern` must read `says(version)`. */
interface Rule {
  name: string;
  pattern: RegExp;
  says: (v: Version) => string[];
  /** Written by `npm run build`, not by this script (checked all the same). */
  built?: boolean;
}

const V = String.raw`\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?`;
const rx = (source: string, flags = 'gm'): RegExp => new RegExp(source, flags + 'd');

/** Ways the documentation states it: the release files' names and the pins users copy. */
const DOC_RULES: Rule[] = [
  {
    name: 'release file name',
    pattern: rx(String.raw`ci-relay-(${V})\.(?:tgz|vsix)\b`),
    says: (v) => [v.full]
  },
  { name: 'exact tag', pattern: rx(String.raw`ci-relay@v(${V})(?![\w.-])`), says: (v) => [v.full] },
  { name: 'major tag', pattern: rx(String.raw`ci-relay@v(\d+)(?![\w.])`), says: (v) => [v.major] },
  { name: 'Azure task major', pattern: rx(String.raw`CiRelay@(\d+)(?![\w.])`), says: (v) => [v.major] },
  { name: 'release series', pattern: rx(String.raw`\`v(\d+)\.x\.y\``), says: (v) => [v.major] },
  { name: 'major tag in prose', pattern: rx(String.raw`major tag \`v(\d+)\``), says: (v) => [v.major] }
];

/** SECURITY.md's table of supported versions: `| 1.x | ✅ … |`. */
const SUPPORTED: Rule = {
  name: 'supported series',
  pattern: rx(String.raw`^\| (\d+)\.x `),
  says: (v) => [v.major]
};

/** Every file that states the version, with how. Paths are relative to the project root. */
export function statementFiles(root: string): { file: string; rules: Rule[] }[] {
  const docs = [
    'README.md',
    'SECURITY.md',
    'azure/overview.md',
    ...listFiles(root, 'docs').filter((f) => f.endsWith('.md')),
    ...listFiles(root, 'examples')
  ];
  return [
    {
      file: 'package.json',
      rules: [{ name: 'version', pattern: rx(`^  "version": "(${V})"`), says: (v) => [v.full] }]
    },
    {
      file: 'package-lock.json',
      rules: [
        { name: 'version', pattern: rx(`^  "version": "(${V})"`), says: (v) => [v.full] },
        {
          name: 'root package',
          pattern: rx(String.raw`^    "": \{\n      "name": "ci-relay",\n      "version": "(${V})"`),
          says: (v) => [v.full]
        }
      ]
    },
    {
      file: 'src/version.ts',
      rules: [{ name: 'VERSION', pattern: rx(`^export const VERSION = '(${V})';`), says: (v) => [v.full] }]
    },
    {
      file: 'dist/index.js',
      rules: [
        { name: 'VERSION', pattern: rx(`^const VERSION = '(${V})';`), says: (v) => [v.full], built: true }
      ]
    },
    {
      file: 'azure/CiRelayV1/task.json',
      rules: [
        {
          name: 'version',
          pattern: rx(String.raw`"version": \{\s*"Major": (\d+),\s*"Minor": (\d+),\s*"Patch": (\d+)\s*\}`),
          says: (v) => [v.major, v.minor, v.patch]
        }
      ]
    },
    {
      file: 'azure/vss-extension.json',
      rules: [{ name: 'version', pattern: rx(`^  "version": "(${V})"`), says: (v) => [v.full] }]
    },
    ...docs.map((file) => ({ file, rules: file === 'SECURITY.md' ? [...DOC_RULES, SUPPORTED] : DOC_RULES }))
  ];
}

function listFiles(root: string, dir: string): string[] {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return [];
  return (fs.readdirSync(full, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(full, f)).isFile())
    .map((f) => path.posix.join(dir, f.split(path.sep).join('/')))
    .sort();
}

export interface Statement {
  file: string;
  line: number;
  rule: string;
  /** What the file says, and what it should say. */
  says: string;
  should: string;
}

/** Every statement of the version under root, with what each should say for `version`. */
export function statements(root: string, version: Version): Statement[] {
  const out: Statement[] = [];
  for (const { file, rules } of statementFiles(root)) {
    const full = path.join(root, file);
    if (!fs.existsSync(full)) continue;
    const text = fs.readFileSync(full, 'utf8');
    for (const rule of rules) {
      for (const m of text.matchAll(rule.pattern)) {
        const line = text.slice(0, m.index).split('\n').length;
        out.push({
          file,
          line,
          rule: rule.name,
          says: m.slice(1).join('.'),
          should: rule.says(version).join('.')
        });
      }
    }
  }
  return out;
}

/** Writes `version` into every statement under root that this script writes; returns the files changed. */
export function writeVersion(root: string, version: Version, today = new Date()): string[] {
  const changed: string[] = [];
  for (const { file, rules } of statementFiles(root)) {
    const full = path.join(root, file);
    if (!fs.existsSync(full)) continue;
    const before = fs.readFileSync(full, 'utf8');
    let text = before;
    for (const rule of rules) {
      if (rule.built) continue;
      // Replace each capture group in place, from the end so earlier offsets hold.
      const edits: [number, number, string][] = [];
      for (const m of text.matchAll(rule.pattern)) {
        const says = rule.says(version);
        m.indices!.slice(1).forEach((span, i) => span && edits.push([span[0], span[1], says[i]]));
      }
      for (const [from, to, value] of edits.sort((a, b) => b[0] - a[0]))
        text = text.slice(0, from) + value + text.slice(to);
    }
    if (text !== before) {
      fs.writeFileSync(full, text);
      changed.push(file);
    }
  }
  if (openChangelogRelease(root, version, today)) changed.push('CHANGELOG.md');
  return changed;
}

/**
 * CHANGELOG.md: what [Unreleased] holds becomes this version's section (Keep a Changelog), under
 * a new, empty [Unreleased]. Nothing when the version already has its section.
 */
function openChangelogRelease(root: string, version: Version, today: Date): boolean {
  const file = path.join(root, 'CHANGELOG.md');
  if (!fs.existsSync(file)) return false;
  const text = fs.readFileSync(file, 'utf8');
  if (text.includes(`\n## [${version.full}]`)) return false;
  const unreleased = '\n## [Unreleased]\n';
  if (!text.includes(unreleased)) throw new Error('CHANGELOG.md has no "## [Unreleased]" section');
  const date = today.toISOString().slice(0, 10);
  fs.writeFileSync(file, text.replace(unreleased, `${unreleased}\n## [${version.full}] - ${date}\n`));
  return true;
}

function main(argv: string[]): number {
  let root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  let check = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--root') root = path.resolve(argv[++i] ?? '.');
    else if (argv[i] === '--check') check = true;
    else {
      process.stderr.write(`version: unknown argument '${argv[i]}'\n`);
      return 2;
    }
  }
  const version = parseVersion(
    (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version
  );
  if (!check) {
    for (const file of writeVersion(root, version))
      process.stdout.write(`version: ${version.full} → ${file}\n`);
  }
  const wrong = statements(root, version).filter((s) => s.says !== s.should && (check || !isBuilt(s)));
  for (const s of wrong)
    process.stderr.write(`${s.file}:${s.line}: ${s.rule} says ${s.says}, package.json ${s.should}\n`);
  return wrong.length ? 1 : 0;
}

const isBuilt = (s: Statement): boolean => s.file.startsWith('dist/');

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}

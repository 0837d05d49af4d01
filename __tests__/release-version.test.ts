/**
 * One version, written once (scripts/version.ts, npm's `version` lifecycle script): every file
 * that states the version agrees with package.json; no other file pins one; and the script, run
 * on a copy of the project after `npm version 9.8.7` would have written package.json, changes
 * every one of them to 9.8.7 (the real version is never bumped here).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseVersion, statementFiles, statements, writeVersion } from '../scripts/version.js';
import { tempDir } from './helpers/run.js';

const root = path.resolve('.');
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as {
  version: string;
  scripts: Record<string, string>;
};
const version = parseVersion(pkg.version);

/** The project's own text files: what a clone holds, less what is built or installed. */
function projectFiles(dir = '.'): string[] {
  const skip = new Set(['.git', 'node_modules', 'dist', 'lib', 'coverage', 'ci-relay']);
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = path.posix.join(dir, e.name).replace(/^\.\//, '');
    if (e.isDirectory()) {
      if (skip.has(e.name) || e.name.startsWith('.dist-')) continue;
      out.push(...projectFiles(rel));
    } else if (!/\.(png|tgz|vsix|zip)$/.test(e.name)) out.push(rel);
  }
  return out;
}

describe('every statement of the version', () => {
  const all = statements(root, version);

  test('agrees with package.json', () => {
    expect(all.filter((s) => s.says !== s.should)).toEqual([]);
  });

  test('is found where the version is stated: package, lock, source, bundle, task, extension, docs, examples', () => {
    const files = new Set(all.map((s) => s.file));
    for (const file of [
      'package.json',
      'package-lock.json',
      'src/version.ts',
      'dist/index.js',
      'azure/CiRelayV1/task.json',
      'azure/vss-extension.json',
      'azure/overview.md',
      'README.md',
      'SECURITY.md',
      'docs/reference.md',
      'examples/Jenkinsfile',
      'examples/azure-pipelines.yml',
      'examples/github-workflow.yml'
    ])
      expect([file, files.has(file)]).toEqual([file, true]);
    const task = JSON.parse(fs.readFileSync('azure/CiRelayV1/task.json', 'utf8')) as {
      version: { Major: number; Minor: number; Patch: number };
    };
    expect(`${task.version.Major}.${task.version.Minor}.${task.version.Patch}`).toBe(pkg.version);
    expect(
      (JSON.parse(fs.readFileSync('azure/vss-extension.json', 'utf8')) as { version: string }).version
    ).toBe(pkg.version);
  });

  test('no other file pins a version of ci-relay', () => {
    const covered = new Set(statementFiles(root).map((f) => f.file));
    // History names the versions it was written for.
    const pins =
      /ci-relay-\d+\.\d+\.\d+[^\s`'"]*\.(tgz|vsix)|ci-relay@v\d|CiRelay@\d|export const VERSION = '\d/;
    const stray = projectFiles()
      .filter((f) => !covered.has(f) && f !== 'CHANGELOG.md')
      // What users read and copy, not the code (a comment may name the task it belongs to).
      .filter((f) => !/^(src|sim|bench|scripts|__tests__)\//.test(f))
      .filter((f) => pins.test(fs.readFileSync(f, 'utf8')));
    expect(stray).toEqual([]);
  });

  test("npm's `version` lifecycle script writes them, re-formats (a longer version widens a table), rebuilds dist/ and stages every file it wrote", () => {
    const script = pkg.scripts.version;
    expect(script).toMatch(
      /^tsx scripts\/version\.ts && prettier --write [^&]* && npm run build && git add /
    );
    const staged = script.slice(script.indexOf('git add')).split(/\s+/);
    for (const { file } of statementFiles(root)) {
      if (file === 'package.json') continue; // npm's own commit takes it
      const top = file.split('/')[0];
      expect([file, staged.includes(file) || staged.includes(top)]).toEqual([file, true]);
    }
    expect(staged).toContain('CHANGELOG.md');
  });
});

describe('the version script on a copy of the project, after `npm version 9.8.7`', () => {
  let copy: string;
  let run: ReturnType<typeof spawnSync>;
  const sources = (): string[] => [
    ...statementFiles(root)
      .map((f) => f.file)
      .filter((f) => !f.startsWith('dist/') && fs.existsSync(f)),
    'CHANGELOG.md'
  ];

  beforeAll(() => {
    copy = tempDir('ci-relay-version-');
    for (const file of sources()) {
      fs.mkdirSync(path.join(copy, path.dirname(file)), { recursive: true });
      fs.copyFileSync(file, path.join(copy, file));
    }
    // What `npm version 9.8.7` itself writes before it runs the script.
    const copied = JSON.parse(fs.readFileSync(path.join(copy, 'package.json'), 'utf8')) as {
      version: string;
    };
    copied.version = '9.8.7';
    fs.writeFileSync(path.join(copy, 'package.json'), JSON.stringify(copied, null, 2) + '\n');
    run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/version.ts', '--root', copy], {
      cwd: root,
      encoding: 'utf8'
    });
  });

  test('exits 0 and names each file it wrote', () => {
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout).toContain('version: 9.8.7 → src/version.ts');
  });

  test('changes every file that states the version, and every statement now says 9.8.7', () => {
    const stating = new Set(statements(root, version).map((s) => s.file));
    for (const file of sources().filter(
      (f) => f !== 'package.json' && (stating.has(f) || f === 'CHANGELOG.md')
    )) {
      const before = fs.readFileSync(file, 'utf8');
      const after = fs.readFileSync(path.join(copy, file), 'utf8');
      expect([file, after !== before]).toEqual([file, true]);
    }
    const now = statements(copy, parseVersion('9.8.7'));
    expect(now.length).toBe(statements(root, version).filter((s) => !s.file.startsWith('dist/')).length);
    expect(now.filter((s) => s.says !== s.should)).toEqual([]);
  });

  test('task.json, the extension, --version and the docs say 9.8.7 (major 9)', () => {
    const read = (f: string): string => fs.readFileSync(path.join(copy, f), 'utf8');
    expect((JSON.parse(read('azure/CiRelayV1/task.json')) as { version: unknown }).version).toEqual({
      Major: 9,
      Minor: 8,
      Patch: 7
    });
    expect((JSON.parse(read('azure/vss-extension.json')) as { version: string }).version).toBe('9.8.7');
    expect(read('src/version.ts')).toContain(`export const VERSION = '9.8.7';`);
    expect((JSON.parse(read('package-lock.json')) as { version: string }).version).toBe('9.8.7');
    expect(read('README.md')).toContain(
      'npm install -g --prefix "$WORKSPACE/.ci-relay" ./ci-relay-9.8.7.tgz'
    );
    expect(read('README.md')).toContain('uses: <owner>/ci-relay@v9\n');
    expect(read('README.md')).toContain('`v9` moves with each `v9.x.y` release');
    expect(read('examples/Jenkinsfile')).toContain('npx --yes ./ci-relay-9.8.7.tgz gitlab');
    expect(read('examples/azure-pipelines.yml')).toContain('task: CiRelay@9');
    expect(read('SECURITY.md')).toMatch(/^\| 9\.x /m);
    // Nothing else in the README moved: only version statements differ.
    const strip = (s: string): string =>
      s.replace(/\d+\.\d+\.\d+/g, 'V').replace(/@v\d+|CiRelay@\d+|`v\d+`|`v\d+\.x\.y`|^\| \d+\.x/gm, 'M');
    expect(strip(read('README.md'))).toBe(strip(fs.readFileSync('README.md', 'utf8')));
  });

  test("CHANGELOG.md: what [Unreleased] held is 9.8.7's section, under a new empty [Unreleased]", () => {
    const text = fs.readFileSync(path.join(copy, 'CHANGELOG.md'), 'utf8');
    expect(text).toMatch(/\n## \[Unreleased\]\n\n## \[9\.8\.7\] - \d{4}-\d{2}-\d{2}\n/);
    expect(text.replace(/\n## \[9\.8\.7\] - \d{4}-\d{2}-\d{2}\n/, '')).toBe(
      fs.readFileSync('CHANGELOG.md', 'utf8')
    );
  });

  test('a second run writes nothing', () => {
    expect(writeVersion(copy, parseVersion('9.8.7'))).toEqual([]);
  });
});

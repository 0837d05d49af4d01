/**
 * The documentation users paste from: docs/reference.md agrees with src/config/inputs.ts (and so with
 * action.yml and task.json), every YAML block of the README and every YAML example parses,
 * workflow snippets pass remote values through env:, links stay inside the repository, and
 * every way of installing the CLI that the docs show is the release tarball.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { INPUTS, OUTPUTS, camelCase } from '../src/config/inputs.js';
import { usage } from '../src/hosts/cli.js';
import { referenceMarkdown } from '../scripts/reference.js';

const readme = fs.readFileSync('README.md', 'utf8');
const reference = fs.readFileSync('docs/reference.md', 'utf8');
const yamlBlocks = [...readme.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => m[1]);
const yamlExamples = fs.readdirSync('examples').filter((f) => /\.ya?ml$/.test(f));

describe('docs/reference.md', () => {
  test.each(INPUTS.map((i) => [i.name, i] as const))(
    'input %s: its row, Azure name, flag and default',
    (_, i) => {
      const row = reference.split('\n').find((l) => l.startsWith(`| \`${i.name}\` `));
      expect(row).toBeDefined();
      expect(row).toContain(`\`${camelCase(i.name)}\``);
      expect(row).toContain(`\`--${i.name}\``);
      expect(row).toContain(i.required ? 'required' : i.default !== undefined ? `\`${i.default}\`` : '—');
    }
  );
  test.each(OUTPUTS.map((o) => [o.name]))('output %s has its row', (name) => {
    expect(reference).toMatch(new RegExp(`^\\| \`${name}\` +\\| \`${camelCase(name)}\``, 'm'));
  });
  test('every conclusion, exit code and promise of the contract', () => {
    for (const c of ['success', 'failed', 'canceled', 'skipped', 'blocked', 'partial', 'timed_out', 'error'])
      expect(reference).toMatch(new RegExp(`^\\| \`${c}\` `, 'm'));
    for (const code of [0, 1, 2, 3, 4]) expect(reference).toMatch(new RegExp(`^\\| ${code} +\\|`, 'm'));
    expect(reference).toMatch(/## Promises/);
    expect(reference).toMatch(/A trigger is sent at most once/);
  });
  test('it is what `npm run docs` writes (the same rows, before prettier pads them)', () => {
    const squeeze = (s: string): string =>
      s
        .replace(/ *\| */g, '|')
        .replace(/\|-+/g, '|-')
        .replace(/\s+/g, ' ');
    expect(squeeze(reference)).toBe(squeeze(referenceMarkdown()));
  });
});

describe('YAML users paste', () => {
  test('the README has YAML blocks', () => expect(yamlBlocks.length).toBeGreaterThan(0));
  test.each(yamlBlocks.map((b, n) => [n, b]))('README YAML block %d parses', (_, block) => {
    for (const doc of parseAllDocuments(block)) expect(doc.errors.map((e) => e.message)).toEqual([]);
  });
  test.each(yamlExamples)('examples/%s parses', (file) => {
    const docs = parseAllDocuments(fs.readFileSync(path.join('examples', file), 'utf8'));
    for (const doc of docs) expect(doc.errors.map((e) => e.message)).toEqual([]);
  });
  test('no run: script interpolates ${{ }}: remote values come in through env:', () => {
    const scripts: string[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) {
          if ((k === 'run' || k === 'script') && typeof x === 'string') scripts.push(x);
          else walk(x);
        }
    };
    for (const text of [
      ...yamlBlocks,
      ...yamlExamples.map((f) => fs.readFileSync(path.join('examples', f), 'utf8'))
    ])
      walk(parse(text));
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(s).not.toMatch(/\$\{\{/);
  });
});

describe('links and install instructions', () => {
  test('every relative link of the README and docs/ points inside the repository, at a file that exists', () => {
    for (const file of ['README.md', ...fs.readdirSync('docs').map((f) => path.join('docs', f))]) {
      if (!file.endsWith('.md')) continue;
      const text = fs.readFileSync(file, 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)[^)]*\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const resolved = path.resolve(path.dirname(file), target);
        expect([file, path.relative('.', resolved).startsWith('..')]).toEqual([file, false]);
        expect([file, target, fs.existsSync(resolved)]).toEqual([file, target, true]);
      }
    }
  });
  test('the README, --help and the Jenkinsfile run the CLI only from the tarball or a checkout', () => {
    const jenkins = fs.readFileSync('examples/Jenkinsfile', 'utf8');
    for (const text of [readme, usage(), jenkins, reference]) {
      expect(text).not.toMatch(/npx (--yes |-y )?ci-relay\b/);
      expect(text).not.toMatch(/npm (i|install) (-g )?ci-relay\b/);
      expect(text).not.toMatch(/ci-relay@\d/);
    }
    expect(usage()).toMatch(/npx --yes \.\/ci-relay-[\d.]+\.tgz/);
    expect(jenkins).toMatch(/npx --yes \.\/ci-relay-[\d.]+\.tgz gitlab/);
    expect(readme).toMatch(/npx --yes \.\/ci-relay-[\d.]+\.tgz gitlab/);
  });
  test('LICENSE is the MIT licence package.json names; README has Versions and Compatibility', () => {
    expect((JSON.parse(fs.readFileSync('package.json', 'utf8')) as { license: string }).license).toBe('MIT');
    expect(fs.readFileSync('LICENSE', 'utf8')).toMatch(/^MIT License/);
    expect(readme).toMatch(/^## Versions$/m);
    expect(readme).toMatch(/`v1` moves with each `v1\.x\.y` release/);
    expect(readme).toMatch(/commit SHA/);
    expect(readme).toMatch(
      /^## Compatibility\n\n[^#]*\[docs\/compatibility\.md\]\(docs\/compatibility\.md\)/m
    );
  });
});

describe("the README's Compatibility table", () => {
  const row = (system: string): string =>
    readme.split('\n').find((l) => new RegExp(`^\\| ${system} +\\|`).test(l)) ?? '';

  test('names exactly the GitLab and GoCD profiles the matrix runs', async () => {
    const { GITLAB_PROFILES } = await import('../sim/gitlab/profiles.js');
    const { GOCD_PROFILES } = await import('../sim/gocd/profiles.js');
    const proven = (line: string): string[] =>
      line
        .split('|')[2]
        .replace(/\([^)]*\)/g, '')
        .split(',')
        .map((v) => v.trim());
    expect(proven(row('GitLab')).sort()).toEqual(GITLAB_PROFILES.map((p) => p.name).sort());
    expect(proven(row('GoCD')).sort()).toEqual(GOCD_PROFILES.map((p) => p.version).sort());
  });
});

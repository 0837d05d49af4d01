/**
 * What a maintainer and a user find beside the code: the Azure extension's Marketplace page
 * (Details, links, repository, categories), CHANGELOG.md in Keep a Changelog form, SECURITY.md,
 * CODEOWNERS, and .gitattributes keeping dist/ generated and LF.
 */
import * as fs from 'node:fs';

test('the extension has its Details page, repository, links, categories and tags', () => {
  const ext = JSON.parse(fs.readFileSync('azure/vss-extension.json', 'utf8')) as {
    content: { details: { path: string } };
    repository: { type: string; uri: string };
    links: Record<string, { uri: string }>;
    categories: string[];
    tags: string[];
  };
  expect(ext.content.details.path).toBe('overview.md');
  const overview = fs.readFileSync('azure/overview.md', 'utf8');
  expect(overview).toMatch(/^# CI Relay\n/);
  expect(overview).toContain('task: CiRelay@');
  expect(ext.repository).toEqual({ type: 'git', uri: expect.stringMatching(/^https:\/\/github\.com\//) });
  for (const link of ['getstarted', 'support', 'license'])
    expect([link, ext.links[link]?.uri]).toEqual([link, expect.stringMatching(/^https:\/\//)]);
  expect(ext.categories).toEqual(['Azure Pipelines']);
  expect(ext.tags.length).toBeGreaterThan(0);
  // The links on the Details page stay inside the same repository.
  for (const [, url] of overview.matchAll(/\]\((https:[^)]+)\)/g))
    expect(url.startsWith(ext.repository.uri)).toBe(true);
});

test('CHANGELOG.md: Keep a Changelog, with [Unreleased] first and each round so far', () => {
  const text = fs.readFileSync('CHANGELOG.md', 'utf8');
  expect(text).toMatch(/^# Changelog\n/);
  expect(text).toContain('[Keep a Changelog]');
  expect(text.split('\n').filter((l) => l.startsWith('## '))[0]).toBe('## [Unreleased]');
  for (const round of ['Round 1', 'Round 2', 'Round 3']) expect(text).toContain(`### ${round}:`);
});

test('SECURITY.md says how to report privately and which versions get fixes', () => {
  const text = fs.readFileSync('SECURITY.md', 'utf8');
  expect(text).toMatch(/^## Supported versions$/m);
  expect(text).toMatch(/^## Reporting a vulnerability$/m);
  expect(text).toContain('Report a vulnerability');
  expect(text).toMatch(/privately/);
});

test('CODEOWNERS has an owner for every file', () => {
  const rules = fs
    .readFileSync('.github/CODEOWNERS', 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'));
  expect(rules).toContainEqual(expect.stringMatching(/^\* +@[\w-]+(\/[\w-]+)?$/));
});

test('.gitattributes: dist/ is generated, and LF', () => {
  const lines = fs.readFileSync('.gitattributes', 'utf8').split('\n');
  expect(lines).toContain('dist/** linguist-generated=true');
  expect(lines).toContain('dist/** text eol=lf');
});

/**
 * Issue 22: the new inputs as settings reads them, over every value (fast-check): `inputs` keeps
 * its types through JSON and YAML and keeps every KEY=VALUE line's text; `sha` takes whole SHAs
 * only; anything else is one sentence naming the input.
 */
import fc from 'fast-check';
import { stringify as yaml } from 'yaml';
import { InputError } from '../src/core/errors.js';
import { parsePipelineInputs, parseSha } from '../src/config/params.js';
import { readSettings } from '../src/config/settings.js';

const name = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/);
const scalar = fc.oneof(
  fc.string(),
  fc.integer(),
  // JSON has no -0 (it writes 0): a number that JSON can carry.
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)),
  fc.boolean()
);
const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 4 }));

test('a JSON or YAML map of inputs comes back with its types', () => {
  fc.assert(
    fc.property(fc.dictionary(name, value, { minKeys: 1 }), (map) => {
      expect(parsePipelineInputs(JSON.stringify(map))).toEqual(map);
      expect(parsePipelineInputs(yaml(map))).toEqual(map);
    })
  );
});

test('KEY=VALUE lines are strings, the value whole after the first =', () => {
  const text = fc.string().filter((s) => !/[\r\n]/.test(s) && s.trim() === s);
  fc.assert(
    fc.property(fc.dictionary(name, text, { minKeys: 1 }), (map) => {
      const lines = Object.entries(map)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n');
      expect(parsePipelineInputs(lines)).toEqual(map);
    })
  );
});

test('whatever else inputs holds is refused naming it', () => {
  fc.assert(
    fc.property(fc.string(), (text) => {
      try {
        const out = parsePipelineInputs(text);
        for (const [k, v] of Object.entries(out)) {
          expect(k).toMatch(/^[A-Za-z0-9_-]{1,255}$/);
          expect(['string', 'number', 'boolean'].includes(typeof v) || Array.isArray(v)).toBe(true);
        }
      } catch (err) {
        expect(err).toBeInstanceOf(InputError);
        expect((err as Error).message).toMatch(/^Input 'inputs' /);
      }
    })
  );
});

test('sha: whole SHA-1 and SHA-256 ids, lower-cased; nothing else', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/), (sha) => {
      expect(parseSha(sha)).toBe(sha.toLowerCase());
    })
  );
  fc.assert(
    fc.property(
      fc.string().filter((s) => !/^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(s)),
      (s) => {
        expect(() => parseSha(s)).toThrow(/^Input 'sha' must be a whole commit SHA/);
      }
    )
  );
});

test('outputs-file is downloaded whatever artifacts selects', () => {
  const read = (extra: Record<string, string>) =>
    readSettings(
      (n) => ({ system: 'gitlab', project: 'g/app', ref: 'main', ...extra })[n] ?? '',
      () => undefined
    );
  expect(read({ 'outputs-file': 'out/*.env', artifacts: 'none' }).artifacts).toEqual(['out/*.env']);
  expect(read({ 'outputs-file': 'deploy.env', artifacts: 'reports/**' }).artifacts).toEqual([
    'reports/**',
    'deploy.env'
  ]);
  expect(() => read({ 'outputs-file': '../x.env' })).toThrow(/Input 'outputs-file' has '..\/x.env'/);
});

test('a key named __proto__ is a key like any other', () => {
  expect(Object.keys(parsePipelineInputs('__proto__=x'))).toEqual(['__proto__']);
  expect(Object.keys(parsePipelineInputs('{"__proto__": 1}'))).toEqual(['__proto__']);
});

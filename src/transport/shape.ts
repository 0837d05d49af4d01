import * as z from 'zod';
import { RemoteError } from '../core/errors.js';

/**
 * Answers checked at the boundary: each remote describes, with zod, the fields it relies on,
 * and reads a server's JSON only through `expectShape`. Unknown extra fields stay welcome
 * (zod objects drop them unless told otherwise); a wrong shape is one sentence naming the
 * system, the call and what was expected, never a JavaScript TypeError.
 */
export { z };

/** Where an answer came from, for the sentence: `GitLab`, `GET pipeline 42`. */
export interface AnswerOf {
  system: string;
  call: string;
}

/** The answer as `schema` describes it, or a RemoteError saying what was expected. */
export function expectShape<S extends z.ZodType>(schema: S, value: unknown, of: AnswerOf): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new RemoteError(
    `${of.system}'s answer to ${of.call} is not what ci-relay expected: ${describeIssue(parsed.error.issues[0], value)}. Is this server's API a version ci-relay supports, or is a proxy in between?`
  );
}

function describeIssue(issue: z.core.$ZodIssue | undefined, root: unknown): string {
  if (!issue) return 'its shape is wrong';
  const where = issue.path.length ? `'${issue.path.map(String).join('.')}'` : 'the answer';
  if (issue.code === 'invalid_type') {
    return `${where} should be ${article(issue.expected)}, not ${kindOf(valueAt(root, issue.path))}`;
  }
  return `${where}: ${issue.message}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path)
    v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

function kindOf(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `${article(typeof v)} (${JSON.stringify(v).slice(0, 40)})`;
}

function article(expected: string): string {
  if (expected === 'array') return 'a list';
  if (expected === 'object') return 'an object';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

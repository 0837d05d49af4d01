/**
 * The inputs of issue 22, read and checked before any request: GitLab pipeline `inputs`, the
 * commit to wait on (`sha`), and `outputs-file`. settings.ts calls these; each throws an
 * InputError naming its input.
 */
import { parse as parseYaml } from 'yaml';
import { InputError } from '../core/errors.js';

/** A value GitLab's spec:inputs take: string, number, boolean, or a list (type: array). */
export type InputValue = string | number | boolean | InputValue[];

/**
 * Input names as GitLab interpolates them (`$[[ inputs.name ]]`): letters, digits, `_` and `-`.
 * GitLab refuses a pipeline whose inputs its spec does not declare; a name outside this set could
 * never be declared, so it is refused here, before any request.
 */
const INPUT_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/**
 * `inputs`: lines of `KEY=VALUE` (every value a string; a value may hold `=`), or a JSON or YAML
 * map whose numbers, booleans and lists keep their types.
 */
export function parsePipelineInputs(value: string): Record<string, InputValue> {
  const text = value.trim();
  if (!text) return {};
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const bad = `Input 'inputs' must be lines of KEY=VALUE or a JSON or YAML map of input names to values.`;
  let map: Record<string, unknown>;
  if (!text.startsWith('{') && lines.every((l) => /^[A-Za-z0-9_-]+=/.test(l))) {
    map = {};
    for (const line of lines) {
      const eq = line.indexOf('=');
      own(map, line.slice(0, eq), line.slice(eq + 1));
    }
  } else {
    let parsed: unknown;
    try {
      parsed = text.startsWith('{') ? JSON.parse(text) : parseYaml(text);
    } catch {
      throw new InputError(bad);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InputError(bad);
    map = parsed as Record<string, unknown>;
  }
  const out: Record<string, InputValue> = {};
  for (const [key, v] of Object.entries(map)) {
    if (!INPUT_NAME.test(key)) {
      throw new InputError(
        `Input 'inputs' has '${key}', which is not a GitLab input name (letters, digits, _ and -).`
      );
    }
    if (!isInputValue(v)) {
      throw new InputError(
        `Input 'inputs' has a value for '${key}' that is not a string, number, boolean or list of them.`
      );
    }
    own(out, key, v);
  }
  return out;
}

/** `map[key] = value` as an own property, even for `__proto__`. */
export function own<T>(map: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
}

function isInputValue(v: unknown, depth = 0): v is InputValue {
  if (typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  return depth === 0 && Array.isArray(v) && v.every((x) => isInputValue(x, 1));
}

/**
 * `sha`: a whole commit id. GitLab's pipelines list filters on the stored SHA by equality
 * (Ci::PipelinesFinder#by_sha), so a short SHA would never match: 40 hex digits (SHA-1) or 64
 * (SHA-256 repositories), lower-cased as GitLab stores them.
 */
export function parseSha(value: string): string {
  if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/i.test(value)) {
    throw new InputError(
      `Input 'sha' must be a whole commit SHA (40 hex digits, or 64 in a SHA-256 repository), not '${value}': GitLab finds pipelines by the whole SHA only.`
    );
  }
  return value.toLowerCase();
}

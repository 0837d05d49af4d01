/**
 * `outputs-file`: values a remote run hands back, read from one file among the downloaded
 * artifacts, and turned into step outputs.
 *
 * The file is `KEY=VALUE` lines in GitLab's dotenv form, or a JSON object. GitLab's own reader
 * (app/services/ci/parse_dotenv_artifact_service.rb) takes each line as `^(.*?)=(.*)$` (the key
 * before the first `=`, the value after it, both stripped, quotes kept as written), converts a
 * UTF-16LE file (PowerShell's) to UTF-8 and drops a BOM, and refuses the whole file ("Invalid
 * Format") when a line has no `=`; its variable keys are `[a-zA-Z0-9_]+` (Ci::HasVariable). The
 * same rules are applied here, except that blank lines and `#` comment lines are skipped.
 *
 * Nothing read is trusted: a key becomes a step output of its own only when it is a plain name
 * (`[A-Za-z_][A-Za-z0-9_]*`) that is not one of ci-relay's own outputs (compared without case,
 * `-` or `_`, since Azure and GitHub read names without case); a value Azure could not carry on
 * one line, or that holds a log command, is left out there. Whatever is left out is named in a
 * warning and stays in `remote-outputs`, a JSON text in which `##` before `[` is written `#\u0023`.
 */
import * as fs from 'node:fs';
import type { Host } from '../core/host.js';
import { OUTPUTS } from '../config/inputs.js';
import { findReports } from './test-results.js';
import { own } from '../config/params.js';
import { commandFreeJson } from '../logs/neutralise.js';

/** A file larger than this is not a list of values. */
export const MAX_OUTPUTS_FILE_BYTES = 1024 * 1024;
const SAFE_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;
/** ci-relay's own names: the outputs and the CLI result object's own keys. */
const OWN = new Set(
  [
    ...OUTPUTS.map((o) => o.name),
    'runs',
    'remote-outputs',
    'exit-code',
    'error',
    'http-status',
    'message'
  ].map(norm)
);

function norm(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

export interface OutputsRead {
  values?: Record<string, unknown>;
  /** `<job>/<path>` of the file read. */
  file?: string;
}

/** The first file `globs` select among the jobs' artifact folders, read; problems are warnings. */
export function readOutputsFile(
  jobDirs: { name: string; dir: string }[],
  globs: string[],
  warn: (message: string) => void
): OutputsRead {
  const match = findReports(jobDirs, globs)[0];
  if (!match) {
    warn(
      `outputs-file: no file matching '${globs.join(', ')}' among the downloaded artifacts${
        jobDirs.length ? '' : ' (no job had artifacts to download)'
      }; no values were handed back.`
    );
    return {};
  }
  let bytes: Buffer;
  try {
    const size = fs.statSync(match.path).size;
    if (size > MAX_OUTPUTS_FILE_BYTES) {
      warn(
        `outputs-file: '${match.name}' is ${size} bytes, more than a file of values can be (1 MiB); it was not read.`
      );
      return { file: match.name };
    }
    bytes = fs.readFileSync(match.path);
  } catch (err) {
    warn(`outputs-file: '${match.name}' could not be read (${(err as Error).message}).`);
    return { file: match.name };
  }
  const parsed = parseValues(bytes);
  if (typeof parsed === 'string') {
    warn(`outputs-file: '${match.name}' ${parsed}; no values were handed back.`);
    return { file: match.name };
  }
  return { values: parsed, file: match.name };
}

/** The file's values, or why it cannot be read (a phrase). */
export function parseValues(bytes: Buffer): Record<string, unknown> | string {
  let text: string;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = bytes.subarray(2).toString('utf16le');
  else {
    text = bytes.toString('utf8');
    if (text.includes('\uFFFD') || bytes.includes(0)) return 'is not text (a binary file?)';
  }
  text = text.replace(/^\uFEFF/, '');
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x08\x0e-\x1f]/.test(text.replace(/\x1b/g, ''))) return 'is not text (a binary file?)';
  if (text.trimStart().startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return `is not valid JSON (${(err as Error).message})`;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) return 'is not a JSON object';
    return value as Record<string, unknown>;
  }
  const values: Record<string, unknown> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    const m = /^(.*?)=(.*)$/.exec(line);
    if (!m || !m[1].trim()) return `is neither KEY=VALUE lines nor a JSON object (line ${i + 1} has no KEY=)`;
    own(values, m[1].trim(), m[2].trim());
  }
  return values;
}

/** A value as a step output: text as it is, anything else as JSON. */
function asText(v: unknown): string {
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
}

/** Each value as a step output of its own where that is safe, and all of them as `remote-outputs`. */
export function handBack(host: Host, values: Record<string, unknown>): void {
  const kept: string[] = [];
  for (const [key, raw] of Object.entries(values)) {
    const value = asText(raw);
    const why = !SAFE_KEY.test(key)
      ? 'is not a plain output name (letters, digits and _)'
      : OWN.has(norm(key))
        ? "is one of ci-relay's own outputs, which it never replaces"
        : host.kind === 'azure' && /[\r\n]/.test(value)
          ? 'has a value of several lines, which an Azure output variable cannot carry'
          : host.kind === 'azure' && /##(?:vso)?\[/i.test(value)
            ? 'has a value holding an Azure log command'
            : '';
    if (why) {
      host.warning(
        `outputs-file: '${key.replace(/[\r\n]+/g, ' ').slice(0, 100)}' ${why}: it is only in remote-outputs.`
      );
      continue;
    }
    host.setOutput(key, value);
    kept.push(key);
  }
  host.setOutput('remote-outputs', commandFreeJson(values));
  if (kept.length) host.info(`outputs-file: handed back ${kept.join(', ')}.`);
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../core/errors.js';
import { INPUTS, SYSTEMS, type System } from './inputs.js';
import { Redactor } from '../logs/redact.js';
import { CONCLUSIONS, type Conclusion } from '../core/run.js';
import { parsePipelineInputs, parseSha, type InputValue } from './params.js';

export type LogMode = 'stream' | 'on-failure' | 'none';

export interface GitLabSettings {
  /** Numeric id or `group/sub/name`. */
  project: string;
  ref?: string;
  triggerToken?: string;
  /** A job name, or a numeric job id. */
  job?: string;
  /** `inputs`: pipeline inputs (or job_inputs of a played manual job); empty when none. */
  inputs: Record<string, InputValue>;
  /** `sha`: wait for this commit's pipeline instead of creating one. */
  sha?: string;
}

export interface GoCDSettings {
  pipeline: string;
  materials: { fingerprint: string; revision: string }[];
  secretVariables: Record<string, string>;
  updateMaterials: boolean;
}

export interface GearsetSettings {
  job: string;
  jobType: 'ci' | 'unit-test';
  commit?: string;
}

export interface GitHubStatusSettings {
  token: string;
  /** `status-context`, when given. */
  context?: string;
}

export interface Settings {
  system: System;
  /** Server root, no trailing slash. */
  url: string;
  token?: string;
  username?: string;
  password?: string;
  /** PEM text. */
  caCert?: string;
  tlsVerify: boolean;
  variables: Record<string, string>;
  run?: string;
  wait: boolean;
  timeoutMs: number;
  pollIntervalMs: number;
  cancelOnTimeout: boolean;
  cancelOnAbort: boolean;
  log: LogMode;
  /** Absolute. */
  downloadDir: string;
  /** Globs; empty when `artifacts: none`. */
  artifacts: string[];
  successOn: Conclusion[];
  /** Bytes. */
  maxArtifactSize: number;
  /** `test-results` globs; empty: test results are off. */
  testResults: string[];
  /** `outputs-file` globs (always downloaded); empty: off. */
  outputsFile: string[];
  /** Set when `github-status` is true (GitHub only). */
  githubStatus?: GitHubStatusSettings;
  gitlab?: GitLabSettings;
  gocd?: GoCDSettings;
  gearset?: GearsetSettings;
}

/** Reads inputs by their contract names; '' when unset. */
export type InputReader = (name: string) => string;

export const DEFAULT_URLS: Partial<Record<System, string>> = {
  gitlab: 'https://gitlab.com',
  gearset: 'https://api.gearset.com'
};

/**
 * Inputs → a validated Settings, or an InputError naming the input in one sentence.
 * `onSecret` is told each secret value as soon as it is read, before anything can echo it.
 */
export function readSettings(
  read: InputReader,
  onSecret: (value: string) => void,
  cwd = process.cwd()
): Settings {
  // A secret pasted into the wrong input must not come back in that input's error message.
  const redactor = new Redactor();
  try {
    return settingsFrom(
      read,
      (value) => {
        redactor.add(value);
        onSecret(value);
      },
      cwd
    );
  } catch (err) {
    if (err instanceof InputError) throw new InputError(redactor.redact(err.message));
    throw err;
  }
}

function settingsFrom(read: InputReader, onSecret: (value: string) => void, cwd: string): Settings {
  const get = (name: string): string => {
    const value = read(name).trim();
    if (value) return value;
    return INPUTS.find((i) => i.name === name)?.default ?? '';
  };
  for (const input of INPUTS) {
    if (!input.secret) continue;
    const value = read(input.name);
    onSecret(value);
    if (input.name === 'secret-variables' && value.trim()) {
      try {
        Object.values(parseVariables(value, input.name)).forEach(onSecret);
      } catch {
        // reported below, where it is parsed for real
      }
    }
  }
  // Basic auth (GoCD) sends the pair as base64: a server echoing the header must not show it.
  const [user, pass] = [get('username'), get('password')];
  if (user && pass) onSecret(Buffer.from(`${user}:${pass}`).toString('base64'));

  const system = get('system').toLowerCase();
  if (!system) throw new InputError(`Input 'system' is required: one of ${SYSTEMS.join(', ')}.`);
  if (!(SYSTEMS as readonly string[]).includes(system)) {
    throw new InputError(`Input 'system' must be one of ${SYSTEMS.join(', ')}, not '${get('system')}'.`);
  }
  const sys = system as System;

  const url = parseUrl(get('url') || DEFAULT_URLS[sys] || '', sys);
  const token = get('token') || undefined;
  const username = get('username') || undefined;
  const password = get('password') || undefined;
  if (username && !password) throw new InputError(`Input 'password' is required when 'username' is set.`);
  if (password && !username) throw new InputError(`Input 'username' is required when 'password' is set.`);
  if (sys === 'gearset' && !token)
    throw new InputError(`Input 'token' is required for gearset: a Gearset API token.`);

  const settings: Settings = {
    system: sys,
    url,
    token,
    username,
    password,
    caCert: parseCaCert(get('ca-cert'), cwd),
    tlsVerify: parseBool(get('tls-verify'), 'tls-verify'),
    variables: get('variables') ? parseVariables(get('variables'), 'variables') : {},
    run: get('run') || undefined,
    wait: parseBool(get('wait'), 'wait'),
    timeoutMs: parseDuration(get('timeout'), 'timeout'),
    pollIntervalMs: parseDuration(get('poll-interval'), 'poll-interval'),
    cancelOnTimeout: parseBool(get('cancel-on-timeout'), 'cancel-on-timeout'),
    cancelOnAbort: parseBool(get('cancel-on-abort'), 'cancel-on-abort'),
    log: parseEnum(get('log'), 'log', ['stream', 'on-failure', 'none'] as const),
    downloadDir: path.resolve(cwd, get('download-dir')),
    artifacts: parseGlobs(get('artifacts')),
    successOn: parseSuccessOn(get('success-on')),
    maxArtifactSize: parseSize(get('max-artifact-size'), 'max-artifact-size'),
    testResults: parseGlobs(get('test-results'), 'test-results'),
    outputsFile: parseGlobs(get('outputs-file'), 'outputs-file'),
    githubStatus: githubStatusSettings(read, get)
  };
  if (settings.pollIntervalMs < 1000) throw new InputError(`Input 'poll-interval' must be at least 1s.`);
  // The file the values come back in is downloaded whatever `artifacts` selects.
  for (const g of settings.outputsFile) if (!settings.artifacts.includes(g)) settings.artifacts.push(g);

  if (sys === 'gitlab') settings.gitlab = gitlabSettings(get, settings);
  if (sys === 'gocd') settings.gocd = gocdSettings(get, settings);
  if (sys === 'gearset') settings.gearset = gearsetSettings(get, settings);
  return settings;
}

function gitlabSettings(get: InputReader, s: Settings): GitLabSettings {
  const project = get('project');
  if (!project)
    throw new InputError(`Input 'project' is required for gitlab: a numeric id or a group/name path.`);
  if (!/^\d+$/.test(project) && !/^[\w.-]+(\/[\w.-]+)+$/.test(project)) {
    throw new InputError(`Input 'project' must be a numeric id or a group/name path, not '${project}'.`);
  }
  const ref = get('ref') || undefined;
  const triggerToken = get('trigger-token') || undefined;
  const job = get('job') || undefined;
  const jobById = job !== undefined && /^\d+$/.test(job);
  const sha = get('sha') ? parseSha(get('sha')) : undefined;
  const inputs = parsePipelineInputs(get('inputs'));
  if (sha) {
    const clash = s.run ? 'run' : jobById ? 'job' : triggerToken ? 'trigger-token' : '';
    if (clash)
      throw new InputError(
        `Input 'sha' waits for the pipeline GitLab creates for a commit; it cannot go with '${clash}'${clash === 'job' ? ' as a job id (a job name can)' : ''}.`
      );
  }
  if (Object.keys(inputs).length && (s.run || sha) && !job) {
    throw new InputError(
      `Input 'inputs' is sent when ci-relay creates a pipeline or plays a manual job; with '${s.run ? 'run' : 'sha'}' it needs 'job' (a manual job to play with them).`
    );
  }
  if (!s.run && !jobById && !ref && !sha) {
    throw new InputError(
      `Input 'ref' is required for gitlab to create a pipeline (or give 'run' to attach to one).`
    );
  }
  if (s.run && !/^\d+$/.test(s.run))
    throw new InputError(`Input 'run' must be a GitLab pipeline id (a number) for gitlab.`);
  return { project, ref, triggerToken, job, inputs, sha };
}

function gocdSettings(get: InputReader, s: Settings): GoCDSettings {
  const pipeline = get('pipeline');
  if (!pipeline) throw new InputError(`Input 'pipeline' is required for gocd: the pipeline name.`);
  if (!/^[\w.-]+$/.test(pipeline))
    throw new InputError(`Input 'pipeline' is not a GoCD pipeline name: '${pipeline}'.`);
  if (s.run && !/^\d+$/.test(s.run))
    throw new InputError(`Input 'run' must be a GoCD pipeline counter (a number) for gocd.`);
  const materials = lines(get('materials')).map((line) => {
    const eq = line.indexOf('=');
    if (eq <= 0 || eq === line.length - 1) {
      throw new InputError(`Input 'materials' must be lines of fingerprint=revision; '${line}' is not.`);
    }
    return { fingerprint: line.slice(0, eq).trim(), revision: line.slice(eq + 1).trim() };
  });
  const secret = get('secret-variables');
  return {
    pipeline,
    materials,
    secretVariables: secret ? parseVariables(secret, 'secret-variables') : {},
    updateMaterials: parseBool(get('update-materials'), 'update-materials')
  };
}

function gearsetSettings(get: InputReader, s: Settings): GearsetSettings {
  const job = get('job');
  if (!job) throw new InputError(`Input 'job' is required for gearset: the CI job id (or unit-test job id).`);
  if (!/^[\w-]+$/.test(job)) throw new InputError(`Input 'job' is not a Gearset job id: '${job}'.`);
  const jobType = parseEnum(get('job-type'), 'job-type', ['ci', 'unit-test'] as const);
  const commit = get('commit') || undefined;
  if (commit && jobType !== 'ci') throw new InputError(`Input 'commit' applies only to job-type ci.`);
  if (commit && !/^[0-9a-fA-F]{7,64}$/.test(commit))
    throw new InputError(`Input 'commit' must be a commit id, not '${commit}'.`);
  if (s.run && !/^[\w-]+$/.test(s.run))
    throw new InputError(`Input 'run' is not a Gearset run request id: '${s.run}'.`);
  return { job, jobType, commit };
}

function parseUrl(value: string, system: System): string {
  if (!value)
    throw new InputError(
      `Input 'url' is required for ${system}: the server root, such as https://gocd.example.com.`
    );
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(`Input 'url' is not a URL: '${value}'.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(`Input 'url' must start with https:// or http://, not '${url.protocol}'.`);
  }
  if (url.username || url.password) {
    throw new InputError(`Input 'url' must not hold credentials; use 'token' or 'username' and 'password'.`);
  }
  if (url.search || url.hash) throw new InputError(`Input 'url' must not have a query or fragment.`);
  return url.toString().replace(/\/+$/, '');
}

export function parseBool(value: string, name: string): boolean {
  const v = value.trim().toLowerCase();
  if (['true', 'yes', '1', 'on'].includes(v)) return true;
  if (['false', 'no', '0', 'off'].includes(v)) return false;
  throw new InputError(`Input '${name}' must be true or false, not '${value}'.`);
}

function parseEnum<T extends string>(value: string, name: string, allowed: readonly T[]): T {
  const v = value.trim().toLowerCase();
  if ((allowed as readonly string[]).includes(v)) return v as T;
  throw new InputError(`Input '${name}' must be one of ${allowed.join(', ')}, not '${value}'.`);
}

/** `90s`, `45m`, `1h30m`, `2d`, or plain seconds → milliseconds. */
export function parseDuration(value: string, name: string): number {
  const v = value.trim().toLowerCase();
  let ms: number | undefined;
  if (/^\d+(\.\d+)?$/.test(v)) ms = Number(v) * 1000;
  else if (/^(\d+(\.\d+)?(ms|d|h|m|s))+$/.test(v)) {
    const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
    ms = 0;
    for (const [, n, unit] of v.matchAll(/(\d+(?:\.\d+)?)(ms|d|h|m|s)/g)) ms += Number(n) * units[unit];
  }
  if (ms === undefined || !(ms > 0)) {
    throw new InputError(
      `Input '${name}' must be a duration such as 90s, 45m, 1h30m or plain seconds, not '${value}'.`
    );
  }
  return Math.round(ms);
}

/** `5GiB`, `500MB`, `1024` (bytes) → bytes. */
export function parseSize(value: string, name: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)?$/i.exec(value.trim());
  if (!m) throw new InputError(`Input '${name}' must be a size such as 500MB or 5GiB, not '${value}'.`);
  const unit = (m[2] ?? '').toLowerCase().replace(/b$/, '');
  const powers: Record<string, number> = {
    '': 1,
    k: 1e3,
    m: 1e6,
    g: 1e9,
    t: 1e12,
    ki: 2 ** 10,
    mi: 2 ** 20,
    gi: 2 ** 30,
    ti: 2 ** 40
  };
  if (!(unit in powers))
    throw new InputError(`Input '${name}' must be a size such as 500MB or 5GiB, not '${value}'.`);
  const bytes = Math.floor(Number(m[1]) * powers[unit]);
  if (bytes <= 0) throw new InputError(`Input '${name}' must be more than zero.`);
  return bytes;
}

/**
 * `KEY=VALUE` lines (the value may hold `=`), or a JSON or YAML map. Keys must be variable
 * names; values are kept as text.
 */
export function parseVariables(value: string, name: string): Record<string, string> {
  const text = value.trim();
  if (!text) return {};
  let map: Record<string, unknown>;
  const isLines = lines(text).every((l) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(l));
  if (isLines) {
    map = {};
    for (const line of lines(text)) {
      const eq = line.indexOf('=');
      map[line.slice(0, eq)] = line.slice(eq + 1);
    }
  } else {
    let parsed: unknown;
    try {
      parsed = text.startsWith('{') ? JSON.parse(text) : parseYaml(text);
    } catch {
      throw new InputError(`Input '${name}' must be lines of KEY=VALUE or a JSON or YAML map.`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new InputError(`Input '${name}' must be lines of KEY=VALUE or a JSON or YAML map.`);
    }
    map = parsed as Record<string, unknown>;
  }
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(map)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new InputError(`Input '${name}' has '${key}', which is not a variable name.`);
    }
    if (v !== null && typeof v === 'object')
      throw new InputError(`Input '${name}' has a value for '${key}' that is not text.`);
    out[key] = v === null || v === undefined ? '' : String(v);
  }
  return out;
}

function parseGlobs(value: string, name = 'artifacts'): string[] {
  const globs = value
    .split(/[\n,]/)
    .map((g) => g.trim())
    .filter(Boolean);
  if (name === 'artifacts' && globs.length === 1 && globs[0].toLowerCase() === 'none') return [];
  for (const g of globs) {
    if (g.startsWith('/') || /(^|\/)\.\.(\/|$)/.test(g)) {
      throw new InputError(
        `Input '${name}' has '${g}'; globs are relative to the artifact root and may not hold '..'.`
      );
    }
  }
  return globs;
}

function githubStatusSettings(read: InputReader, get: InputReader): GitHubStatusSettings | undefined {
  if (!parseBool(get('github-status'), 'github-status')) return undefined;
  // Read as given: the default `${{ github.token }}` is the runner's to fill in, never a token.
  const token = read('github-token').trim();
  if (!token || token.startsWith('${{')) {
    throw new InputError(
      `Input 'github-token' is required when 'github-status' is true: a token with the statuses: write permission.`
    );
  }
  const context = get('status-context') || undefined;
  if (context && (context.length > 255 || /[\r\n]/.test(context)))
    throw new InputError(`Input 'status-context' must be one line of at most 255 characters.`);
  return { token, context };
}

function parseSuccessOn(value: string): Conclusion[] {
  const given = value
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  if (!given.length) throw new InputError(`Input 'success-on' must name at least one conclusion.`);
  for (const c of given) {
    if (!(CONCLUSIONS as readonly string[]).includes(c.toLowerCase())) {
      throw new InputError(`Input 'success-on' has '${c}', which is not one of ${CONCLUSIONS.join(', ')}.`);
    }
  }
  return given.map((c) => c.toLowerCase()) as Conclusion[];
}

function parseCaCert(value: string, cwd: string): string | undefined {
  if (!value) return undefined;
  if (value.includes('-----BEGIN CERTIFICATE-----')) return value;
  const file = path.resolve(cwd, value);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`Input 'ca-cert' is neither PEM text nor a readable file: '${value}'.`);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new InputError(`Input 'ca-cert' names a file that holds no PEM certificate: '${value}'.`);
  }
  return text;
}

function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

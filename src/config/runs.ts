/**
 * The `runs` input (CONTRACT.md, "Several runs"): a YAML or JSON list whose items are maps of
 * the contract's inputs for one run plus a `name`. Every item is read into its own Settings
 * here, before anything is triggered, so that one bad item fails the whole step with one
 * sentence naming it (by `name`, else by position) and nothing is sent to any server.
 */
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InputError, errorMessage } from '../core/errors.js';
import { safeFileName } from '../core/names.js';
import { INPUTS, SYSTEMS, inputsFor, type HostName, type System } from './inputs.js';
import { DEFAULT_URLS, parseBool, readSettings, type InputReader, type Settings } from './settings.js';

/** One run of several: its name as given, the safe form used for its folder and log prefix, its settings. */
export interface RunItem {
  name: string;
  /** `name` made safe as a folder name (core/names.ts); its folder is `<download-dir>/<folder>`. */
  folder: string;
  /** 1-based, as people count items in a list. */
  position: number;
  settings: Settings;
}

export interface SeveralSettings {
  items: RunItem[];
  failFast: boolean;
  /** The step's download-dir (absolute); each run's is a folder of its own inside it. */
  downloadDir: string;
}

/** More runs than this in one step is surely a mistake (each holds connections and a poll loop). */
export const MAX_RUNS = 100;

/** Inputs an item may not set: they belong to the step as a whole. */
const STEP_ONLY = new Set(['runs', 'fail-fast', 'download-dir']);
/** Inputs that are lists of lines: a YAML list is taken as one line per entry. */
const LINE_LISTS = new Set(['artifacts', 'test-results', 'materials', 'success-on']);

/**
 * The step's inputs with `runs` → each item's Settings. Secrets of every item are told to
 * `onSecret` as they are read (readSettings does so before it validates anything).
 */
export function readRuns(
  read: InputReader,
  onSecret: (value: string) => void,
  cwd = process.cwd(),
  /** The host reading them: an item's inputs of other hosts are ignored, as the step's are. */
  hostKind: HostName = 'cli'
): SeveralSettings {
  const raw = parseList(read('runs'));
  const stepDir = path.resolve(cwd, read('download-dir').trim() || defaultOf('download-dir'));
  const failFast = parseBool(read('fail-fast').trim() || defaultOf('fail-fast'), 'fail-fast');
  const maps = raw.map((entry, i) => itemMap(entry, i + 1));
  // Every secret of every item is registered before any item is judged: an error message about
  // one item can then never show another's secret.
  for (const map of maps)
    for (const def of INPUTS) if (def.secret && map.values[def.name]) onSecret(map.values[def.name]);
  const readHere = new Set(inputsFor(hostKind).map((i) => i.name));
  for (const map of maps)
    for (const name of Object.keys(map.values)) if (!readHere.has(name)) delete map.values[name];
  const items: RunItem[] = [];
  const byFolder = new Map<string, RunItem>();
  for (const map of maps) {
    const folder = safeFileName(map.name);
    const same = byFolder.get(folder.toLowerCase());
    if (same) {
      throw new InputError(
        same.name === map.name
          ? `Input 'runs' has two items named '${map.name}' (items ${same.position} and ${map.position}): each run needs a name of its own.`
          : `Input 'runs' has items '${same.name}' and '${map.name}' whose names make the same folder name '${folder}': give them names that differ in letters or digits.`
      );
    }
    const settings = itemSettings(read, map, path.join(stepDir, folder), onSecret, cwd);
    const item: RunItem = { name: map.name, folder, position: map.position, settings };
    byFolder.set(folder.toLowerCase(), item);
    items.push(item);
  }
  return { items, failFast, downloadDir: stepDir };
}

interface ItemMap {
  name: string;
  position: number;
  /** Contract input name → value as text. */
  values: Record<string, string>;
}

function defaultOf(name: string): string {
  return INPUTS.find((i) => i.name === name)?.default ?? '';
}

function parseList(text: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = text.trim().startsWith('[') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    // The parser's message quotes the text, which may hold a token: only where it broke is told.
    const line = /line (\d+)/.exec(errorMessage(err))?.[1];
    throw new InputError(
      `Input 'runs' is not a YAML or JSON list of runs${line ? ` (it does not parse at line ${line})` : ''}.`
    );
  }
  if (!Array.isArray(parsed))
    throw new InputError(
      `Input 'runs' must be a YAML or JSON list of runs, each a map of inputs with a name.`
    );
  if (!parsed.length) throw new InputError(`Input 'runs' holds no run.`);
  if (parsed.length > MAX_RUNS)
    throw new InputError(
      `Input 'runs' holds ${parsed.length} runs; at most ${MAX_RUNS} are allowed in one step.`
    );
  return parsed;
}

const KNOWN = new Set(INPUTS.map((i) => i.name));

function itemMap(entry: unknown, position: number): ItemMap {
  const at = `Input 'runs' item ${position}`;
  if (!entry || typeof entry !== 'object' || Array.isArray(entry))
    throw new InputError(`${at} is not a map of inputs with a name.`);
  const map = entry as Record<string, unknown>;
  const rawName = map.name;
  if (typeof rawName !== 'string' && typeof rawName !== 'number')
    throw new InputError(
      `${at} has no 'name': each run needs a name of its own (its log prefix and folder).`
    );
  const name = String(rawName).trim();
  if (!name || name.length > 100 || /[\r\n]/.test(name))
    throw new InputError(`${at} needs a 'name' of one line, 1 to 100 characters.`);
  const label = `Input 'runs' item '${name}'`;
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(map)) {
    if (key === 'name') continue;
    // Azure writes inputs in camelCase: `pollInterval` is `poll-interval`.
    const input = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (STEP_ONLY.has(input))
      throw new InputError(`${label} sets '${key}', which is set once for the whole step, not per run.`);
    if (!KNOWN.has(input)) throw new InputError(`${label} has '${key}', which is not an input.`);
    values[input] = asText(value, input, label);
  }
  return { name, position, values };
}

function asText(value: unknown, input: string, label: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  if (
    Array.isArray(value) &&
    LINE_LISTS.has(input) &&
    value.every((v) => typeof v !== 'object' || v === null)
  )
    return value.map((v) => String(v ?? '')).join('\n');
  // A map for variables (and pipeline inputs) keeps its types as JSON, which those inputs read.
  if (typeof value === 'object' && !Array.isArray(value)) return JSON.stringify(value);
  throw new InputError(`${label} has a value for '${input}' that is not text.`);
}

/** The inputs no item inherits from the step when it runs on another server: they are for the step's own server. */
const CREDENTIALS = new Set(
  INPUTS.filter((i) => i.secret && !i.hosts)
    .map((i) => i.name)
    .concat('username')
);

/**
 * An item's reader: its own values, else the step's. Credentials (`token`, `username`,
 * `password`, `trigger-token`, `secret-variables`) are inherited only by an item whose server
 * is the step's own (same system and origin): a step's token never goes to another server.
 * `run` is never inherited (an id means nothing on another run's server).
 */
function itemSettings(
  read: InputReader,
  map: ItemMap,
  downloadDir: string,
  onSecret: (value: string) => void,
  cwd: string
): Settings {
  const own = map.values;
  const stepSystem = read('system').trim().toLowerCase();
  const itemSystem = (own.system ?? stepSystem).trim().toLowerCase();
  const sameServer =
    itemSystem === stepSystem &&
    origin(own.url ?? read('url'), itemSystem) === origin(read('url'), stepSystem);
  const itemRead: InputReader = (name) => {
    if (name === 'download-dir') return downloadDir;
    if (name in own) return own[name];
    if (name === 'run' || name === 'runs') return '';
    if (CREDENTIALS.has(name) && !sameServer) return '';
    return read(name);
  };
  try {
    return readSettings(itemRead, onSecret, cwd);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const label = `Input 'runs' item '${map.name}' (item ${map.position})`;
    throw new InputError(`${label}: ${err.message.charAt(0).toLowerCase()}${err.message.slice(1)}`);
  }
}

/** The origin a system's URL input points at; '' when there is none to tell. */
function origin(url: string, system: string): string {
  const value = url.trim() || DEFAULT_URLS[system as System] || '';
  if (!(SYSTEMS as readonly string[]).includes(system) || !value) return '';
  try {
    return new URL(value).origin;
  } catch {
    return '';
  }
}

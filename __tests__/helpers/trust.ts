/**
 * What the trust and fault tests share: the host's own reading of a step's stdout (which lines
 * the GitHub runner or the Azure agent would OBEY as commands), an Azure task started as the
 * agent starts it, and small checks for secrets and files.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startDist, tempDir, type DistRun, type Started } from './run.js';

export interface HostCommand {
  /** `set-output`, `add-mask`, `task.setvariable`, … */
  name: string;
  props: Record<string, string>;
  data: string;
  line: string;
}

function unescapeGitHub(s: string): string {
  return s
    .replace(/%0D/gi, '\r')
    .replace(/%0A/gi, '\n')
    .replace(/%3A/gi, ':')
    .replace(/%2C/gi, ',')
    .replace(/%25/g, '%');
}

/**
 * The commands the GitHub runner would act on in this stdout, as its ActionCommandManager reads
 * it: `::name k=v,k=v::data` at the start of a line (leading blanks allowed), and the older
 * `##[name k=v;k=v]data` anywhere in a line; nothing while `::stop-commands::<token>` is in
 * force, until a line that is exactly `::<token>::`.
 */
export function githubCommands(stdout: string): HostCommand[] {
  const out: HostCommand[] = [];
  let stop: string | undefined;
  for (const raw of stdout.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (stop !== undefined) {
      if (line.trim() === `::${stop}::`) stop = undefined;
      continue;
    }
    const t = line.trimStart();
    let cmd: HostCommand | undefined;
    if (t.startsWith('::')) {
      const end = t.indexOf('::', 2);
      if (end > 2) {
        const info = t.slice(2, end);
        const space = info.indexOf(' ');
        const name = space < 0 ? info : info.slice(0, space);
        const props: Record<string, string> = {};
        if (space >= 0) {
          for (const p of info.slice(space + 1).split(',')) {
            const eq = p.indexOf('=');
            if (eq > 0) props[p.slice(0, eq).trim()] = unescapeGitHub(p.slice(eq + 1));
          }
        }
        cmd = { name, props, data: unescapeGitHub(t.slice(end + 2)), line };
      }
    } else if (line.includes('##[')) {
      const at = line.indexOf('##[');
      const close = line.indexOf(']', at);
      if (close > at) {
        const info = line.slice(at + 3, close);
        const space = info.indexOf(' ');
        const name = space < 0 ? info : info.slice(0, space);
        const props: Record<string, string> = {};
        if (space >= 0) {
          for (const p of info.slice(space + 1).split(';')) {
            const eq = p.indexOf('=');
            if (eq > 0) props[p.slice(0, eq).trim()] = p.slice(eq + 1);
          }
        }
        cmd = { name, props, data: line.slice(close + 1), line };
      }
    }
    if (!cmd) continue;
    out.push(cmd);
    if (cmd.name === 'stop-commands' && cmd.data) stop = cmd.data;
  }
  return out;
}

/**
 * The `##vso[area.event k=v;…]data` commands the Azure agent would act on: the agent looks for
 * `##vso[` anywhere in a line.
 */
export function azureCommands(stdout: string): HostCommand[] {
  const out: HostCommand[] = [];
  for (const raw of stdout.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const at = line.indexOf('##vso[');
    if (at < 0) continue;
    const close = line.indexOf(']', at);
    if (close < 0) continue;
    const info = line.slice(at + 6, close);
    const space = info.indexOf(' ');
    const name = space < 0 ? info : info.slice(0, space);
    const props: Record<string, string> = {};
    if (space >= 0) {
      for (const p of info.slice(space + 1).split(';')) {
        const eq = p.indexOf('=');
        if (eq > 0) props[p.slice(0, eq).trim()] = p.slice(eq + 1);
      }
    }
    const data = line
      .slice(close + 1)
      .replace(/%0D/gi, '\r')
      .replace(/%0A/gi, '\n')
      .replace(/%5D/gi, ']')
      .replace(/%3B/gi, ';')
      .replace(/%AZP25/gi, '%');
    out.push({ name, props, data, line });
  }
  return out;
}

/** Azure output variables as the agent records them (last value wins). */
export function azureOutputs(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of azureCommands(stdout)) {
    if (c.name === 'task.setvariable' && c.props.variable) out[c.props.variable] = c.data;
  }
  return out;
}

export interface AzureStep {
  started: Started;
  cwd: string;
}

/** dist/index.js as the agent's Node handler starts the task: TF_BUILD, INPUT_<NAME> per camelCase input. */
export function startAzure(
  inputs: Record<string, string>,
  opts: { env?: Record<string, string>; cwd?: string } = {}
): AzureStep {
  const cwd = opts.cwd ?? tempDir('ci-relay-azure-');
  const agentTemp = tempDir('ci-relay-agent-');
  const env: Record<string, string> = { TF_BUILD: 'True', AGENT_TEMPDIRECTORY: agentTemp, ...opts.env };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return { started: startDist([], { cwd, env }), cwd };
}

export function runAzure(
  inputs: Record<string, string>,
  opts: { env?: Record<string, string>; cwd?: string } = {}
): Promise<DistRun & { cwd: string }> {
  const step = startAzure(inputs, opts);
  return step.started.done.then((run) => ({ ...run, cwd: step.cwd }));
}

export function occurrences(text: string, needle: string): number {
  if (!needle) return 0;
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** sha256 of every file under a folder, by relative `/` path. */
export function checksums(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p).split(path.sep).join('/')] = sha256(fs.readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** Deterministic bytes that do not compress: a zip of them is as big as they are. */
export function noise(bytes: number, seed = 1): Buffer {
  const out = Buffer.alloc(bytes);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

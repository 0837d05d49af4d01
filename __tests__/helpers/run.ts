/**
 * Runs the built bundle, dist/index.js, as a subprocess the way each host starts it:
 * the CLI with flags, GitHub with INPUT_* and its file commands. The environment is
 * cleaned of the outer CI's own variables so the tests behave the same anywhere.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const DIST = path.resolve('dist/index.js');

export interface DistRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Started {
  child: ChildProcess;
  done: Promise<DistRun>;
  /** Resolves once stdout or stderr has shown text matching `pattern`. */
  waitFor(pattern: RegExp): Promise<void>;
}

/** A folder of its own for one test run (the working directory, so download-dir lands inside). */
export function tempDir(prefix = 'ci-relay-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Folders made by tempDir, removed after each test file. */
const made: string[] = [];
if (typeof afterAll === 'function') {
  afterAll(() => {
    for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
}

/** The test process's environment without any CI host's or ci-relay's variables. */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (/^(GITHUB_|RUNNER_|INPUT_|STATE_|CI_RELAY_|ACTIONS_|AGENT_|SYSTEM_|BUILD_|ENDPOINT_|SECRET_)/.test(k))
      continue;
    if (
      [
        'TF_BUILD',
        'CI',
        'JENKINS_URL',
        'NODE_OPTIONS',
        'HTTPS_PROXY',
        'HTTP_PROXY',
        'https_proxy',
        'http_proxy'
      ].includes(k)
    )
      continue;
    env[k] = v;
  }
  return env;
}

export function startDist(
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string } = {}
): Started {
  const child = spawn(process.execPath, [DIST, ...args], {
    cwd: opts.cwd ?? tempDir(),
    env: { ...cleanEnv(), ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const check = (): void => {
    for (const w of [...waiters]) {
      if (w.pattern.test(stdout) || w.pattern.test(stderr)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    check();
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    check();
  });
  const done = new Promise<DistRun>((resolve) => {
    child.on('close', (code, signal) => {
      for (const w of waiters.splice(0)) w.resolve();
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    done,
    waitFor: (pattern) =>
      new Promise<void>((resolve) => {
        waiters.push({ pattern, resolve });
        check();
      })
  };
}

/** `node dist/index.js <args>` as Jenkins' `sh` would run it. */
export function runCli(
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string } = {}
): Promise<DistRun> {
  return startDist(args, opts).done;
}

export interface GitHubRun extends DistRun {
  outputs: Record<string, string>;
  summary: string;
  state: Record<string, string>;
  cwd: string;
}

export interface GitHubStep {
  started: Started;
  finished: Promise<GitHubRun>;
}

/** Starts dist/index.js as the GitHub runner starts an action's `main` (or, with `post`, its post step). */
export function startGitHub(
  inputs: Record<string, string>,
  opts: { env?: Record<string, string>; cwd?: string; state?: Record<string, string> } = {}
): GitHubStep {
  const cwd = opts.cwd ?? tempDir();
  const files = tempDir('ci-relay-gh-');
  const outputFile = path.join(files, 'output');
  const summaryFile = path.join(files, 'summary');
  const stateFile = path.join(files, 'state');
  for (const f of [outputFile, summaryFile, stateFile]) fs.writeFileSync(f, '');
  const env: Record<string, string> = {
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_STATE: stateFile,
    RUNNER_TEMP: files,
    ...opts.env
  };
  // The runner turns `with: { poll-interval: 1s }` into INPUT_POLL-INTERVAL.
  for (const [name, value] of Object.entries(inputs))
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  for (const [name, value] of Object.entries(opts.state ?? {})) env[`STATE_${name}`] = value;
  const started = startDist([], { env, cwd });
  const finished = started.done.then((run) => ({
    ...run,
    outputs: parseFileCommand(fs.readFileSync(outputFile, 'utf8')),
    summary: fs.readFileSync(summaryFile, 'utf8'),
    state: parseFileCommand(fs.readFileSync(stateFile, 'utf8')),
    cwd
  }));
  return { started, finished };
}

export function runGitHub(
  inputs: Record<string, string>,
  opts: { env?: Record<string, string>; cwd?: string; state?: Record<string, string> } = {}
): Promise<GitHubRun> {
  return startGitHub(inputs, opts).finished;
}

/** Reads GITHUB_OUTPUT / GITHUB_STATE: `name<<DELIM\nvalue\nDELIM` entries (or `name=value`). */
export function parseFileCommand(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delim; i++) value.push(lines[i]);
      out[name] = value.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

/** Every file under a folder, relative, sorted. */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p).split(path.sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

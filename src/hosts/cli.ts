import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { InputError, RemoteError } from '../core/errors.js';
import { writeFileNoFollow } from '../core/files.js';
import { INPUTS, SYSTEMS, envName, type OutputName } from '../config/inputs.js';
import { VERSION } from '../version.js';
import { exitCode, type Outcome } from '../core/host.js';
import type { Result } from '../core/result.js';
import { commandFreeJsonText, neutralizeCommands } from '../logs/neutralise.js';
import { BaseHost } from './base.js';

/** Flags of the CLI itself, beside the inputs. */
const OWN_FLAGS = {
  json: { type: 'boolean' },
  'output-file': { type: 'string' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
  host: { type: 'string' }
} as const;

export function usage(): string {
  const rows = INPUTS.map((i) => {
    const flag = `--${i.name} <value>`;
    const extra = [
      i.default !== undefined ? `default: ${i.default}` : '',
      i.required ? 'required' : '',
      i.systems ? i.systems.join('/') : ''
    ]
      .filter(Boolean)
      .join('; ');
    return `  ${flag.padEnd(30)} ${i.description}${extra ? ` (${extra})` : ''}`;
  });
  return [
    `ci-relay ${VERSION}: trigger a GitLab, GoCD or Gearset run, follow it with a live log, and bring back its result.`,
    '',
    `Usage: ci-relay <${SYSTEMS.join('|')}> [--flag value …]`,
    '',
    `Install from the tarball attached to each release (never the npm name 'ci-relay', which is not ours):`,
    `  npm install -g --prefix <folder> ./ci-relay-${VERSION}.tgz    or    npx --yes ./ci-relay-${VERSION}.tgz <system> …`,
    '',
    'Inputs (each also read from the environment as CI_RELAY_<NAME>, e.g. CI_RELAY_TOKEN; flags win):',
    ...rows,
    '',
    'Output and behaviour:',
    `  ${'--json'.padEnd(30)} print the result object as JSON on stdout (the log stays on stderr)`,
    `  ${'--output-file <file>'.padEnd(30)} write the result object as JSON to this file`,
    `  ${'--debug'.padEnd(30)} show every request (secrets masked)`,
    `  ${'--host <github|azure|cli>'.padEnd(30)} force a host instead of detecting it`,
    `  ${'--version, -V'.padEnd(30)} print the version`,
    `  ${'--help, -h'.padEnd(30)} this text`,
    '',
    'Exit status: 0 success; 1 the run concluded unsuccessfully; 2 bad input (nothing was triggered);',
    '3 timed out; 4 could not talk to the server (auth, network, protocol). When the server answered and',
    "refused, the result object's http-status holds its HTTP status and error its own sentence."
  ].join('\n');
}

/** node:util's parseArgs errors, as one sentence naming the flag. */
function argumentError(err: NodeJS.ErrnoException): string {
  const flag = /'(-{1,2}[\w-]+)/.exec(err.message)?.[1] ?? '';
  const name = flag.replace(/^-+/, '');
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
    return `Unknown option '${flag}': 'ci-relay --help' lists every input.`;
  if (/ambiguous/.test(err.message)) {
    return `Input '${name}' needs a value; a value that starts with '-' is written --${name}=<value>.`;
  }
  if (/argument missing/.test(err.message)) return `Input '${name}' needs a value: --${name} <value>.`;
  return err.message.split('\n')[0];
}

/** --json and --output-file read from a command line that parseArgs refused. */
function lenientOwnFlags(argv: string[]): Record<string, string | boolean | undefined> {
  const out: Record<string, string | boolean | undefined> = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--json') out.json = true;
    else if (argv[i].startsWith('--output-file='))
      out['output-file'] = argv[i].slice('--output-file='.length);
    else if (argv[i] === '--output-file' && argv[i + 1] && !argv[i + 1].startsWith('-'))
      out['output-file'] = argv[++i];
  }
  return out;
}

/** Jenkins or any shell: flags and CI_RELAY_* variables in, a human log on stderr, JSON out, exit codes. */
export class CliHost extends BaseHost {
  readonly kind = 'cli' as const;
  private readonly values: Record<string, string> = {};
  private readonly outputs: Partial<Record<OutputName | string, string>> = {};
  private readonly json: boolean;
  private readonly outputFile?: string;
  private readonly debugOn: boolean;
  /** Problems with the command line, reported as input errors once main reads settings. */
  private readonly argError?: string;
  readonly helpText?: string;

  constructor(
    argv: string[],
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly stderr: NodeJS.WritableStream = process.stderr,
    private readonly stdout: NodeJS.WritableStream = process.stdout
  ) {
    super();
    const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { ...OWN_FLAGS };
    for (const i of INPUTS) options[i.name] = { type: 'string' };
    let parsed: ReturnType<typeof parseArgs> | undefined;
    try {
      parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    } catch (err) {
      this.argError = argumentError(err as NodeJS.ErrnoException);
    }
    const v = (parsed?.values ?? {}) as Record<string, string | boolean | undefined>;
    for (const i of INPUTS) if (typeof v[i.name] === 'string') this.values[i.name] = v[i.name] as string;
    const positionals = parsed?.positionals ?? [];
    if (positionals.length) {
      if (this.values.system && this.values.system !== positionals[0]) {
        this.argError = `The system is given twice: '${positionals[0]}' and --system '${this.values.system}'.`;
      }
      this.values.system ??= positionals[0];
      if (positionals.length > 1)
        this.argError = `Unexpected argument '${positionals[1]}': inputs are given as --name value.`;
    }
    // A command line that does not parse still gets its result object where it asked for one.
    const own = parsed ? v : lenientOwnFlags(argv);
    this.json = own.json === true;
    this.outputFile = typeof own['output-file'] === 'string' ? own['output-file'] : env.CI_RELAY_OUTPUT_FILE;
    this.debugOn = v.debug === true || /^(1|true)$/i.test(env.CI_RELAY_DEBUG ?? '');
    if (v.help) this.helpText = usage();
  }

  input(name: string): string {
    if (this.argError) throw new InputError(this.argError);
    return (this.values[name] ?? this.env[envName(name)] ?? '').trim();
  }

  protected write(kind: 'info' | 'warning' | 'error' | 'debug', message: string): void {
    if (kind === 'debug' && !this.debugOn) return;
    const prefix = kind === 'info' ? '' : `${kind}: `;
    // A CI runner may read this log too (Jenkins on a GitHub or Azure agent, --host cli): the
    // message is plain already (BaseHost), and stays so behind its prefix.
    this.stderr.write(`${neutralizeCommands(`${prefix}${message}`)}\n`);
  }

  protected writeGroup(title: string): void {
    this.stderr.write(`\n▶ ${title}\n`);
  }

  endGroup(): void {}

  protected writeRemote(lines: string[]): void {
    this.stderr.write(lines.map((l) => `  ${l}\n`).join(''));
  }

  protected writeOutput(name: string, value: string): void {
    this.outputs[name] = value;
  }

  async finish(outcome: Outcome): Promise<number> {
    const code = exitCode(outcome);
    if (outcome.error) this.error(outcome.error.message);
    const r = outcome.result;
    if (r) {
      const how = r.waited
        ? `${r.conclusion}${r.status && r.status !== r.conclusion ? ` (${r.status})` : ''}`
        : 'triggered, not followed';
      if (r.runs) this.info(`\n${severalText(r)}`);
      else
        this.info(
          `\n${r.system} run ${r.runId}: ${how} in ${r.duration}s${r.runUrl ? ` — ${r.runUrl}` : ''}`
        );
    }
    const object = this.resultObject(outcome, code);
    const text = `${JSON.stringify(object, null, 2)}\n`;
    // `\u0023` is `#` to a JSON reader, and no `##vso[` to a runner reading stdout.
    if (this.json) this.stdout.write(commandFreeJsonText(this.redactor.redact(text)));
    if (this.outputFile) {
      fs.mkdirSync(path.dirname(path.resolve(this.outputFile)), { recursive: true });
      writeFileNoFollow(this.outputFile, this.redactor.redact(text));
    }
    return code;
  }

  /** The outputs as one object (CONTRACT.md names, `jobs` parsed), plus the exit code and any error. */
  private resultObject(outcome: Outcome, code: number): Record<string, unknown> {
    const o: Record<string, unknown> = { ...this.outputs };
    if (typeof o.jobs === 'string') o.jobs = JSON.parse(o.jobs);
    if (typeof o.runs === 'string') o.runs = JSON.parse(o.runs);
    if (typeof o['remote-outputs'] === 'string') o['remote-outputs'] = JSON.parse(o['remote-outputs']);
    if (typeof o.duration === 'string') o.duration = Number(o.duration);
    o['exit-code'] = code;
    if (outcome.error) {
      o.error = this.plain(outcome.error.message);
      // The server answered and refused (a bad ref, a YAML error, variables not allowed): its HTTP
      // status tells that apart from a server that could not be reached, which has none.
      if (outcome.error instanceof RemoteError && outcome.error.status)
        o['http-status'] = outcome.error.status;
    } else if (outcome.result?.message) o.message = this.plain(outcome.result.message);
    return o;
  }
}

/** The CLI's summary of several runs (stderr): one row per run, then its jobs with their logs. */
function severalText(r: Result): string {
  const out = [
    `${r.runs!.length} runs: ${r.conclusion} in ${r.duration}s${r.message ? ` — ${r.message}` : ''}`
  ];
  for (const run of r.runs!) {
    const how = run.waited
      ? `${run.conclusion}${run.accepted && run.conclusion !== 'success' ? ' (accepted)' : ''}`
      : 'triggered, not followed';
    out.push(
      `  ${run.name}: ${run.system} run ${run.runId || '(none)'}: ${how} in ${run.duration}s${run.runUrl ? ` — ${run.runUrl}` : ''}`
    );
    for (const j of run.jobs)
      out.push(
        `    ${j.name}: ${j.conclusion}${j.url ? ` — ${j.url}` : ''}${j.log ? ` (log: ${j.log})` : ''}`
      );
  }
  return out.join('\n');
}

export function createCliHost(argv: string[]): CliHost {
  return new CliHost(argv);
}

/**
 * What the hosts share (exit codes, remote-line tidying, redaction) and the CLI and GitHub
 * hosts in-process: flags and environment, --json and --output-file, secrets kept out of
 * everything written, and remote text that can never be a runner command.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { AbortedError, AmbiguousRequestError, InputError, RemoteError } from '../src/core/errors.js';
import { CliHost, usage } from '../src/hosts/cli.js';
import { GitHubHost } from '../src/hosts/github.js';
import { detectHost } from '../src/hosts/detect.js';
import { exitCode } from '../src/core/host.js';
import { MAX_SHOWN_LINE, neutralizeCommands, tidyRemoteLine } from '../src/logs/neutralise.js';
import { INPUTS } from '../src/config/inputs.js';
import { Redactor } from '../src/logs/redact.js';
import type { Result } from '../src/core/result.js';

const SECRET = 'glpat-H0sTs3cretV4lue';

function result(over: Partial<Result> = {}): Result {
  return {
    system: 'gitlab',
    conclusion: 'success',
    status: 'success',
    runId: '4242',
    runUrl: 'https://gitlab.example.com/g/p/-/pipelines/4242',
    jobs: [],
    logFile: '',
    downloadDir: '/tmp/ci-relay',
    duration: 12,
    accepted: true,
    waited: true,
    ...over
  };
}

/** A writable that keeps what was written. */
function sink(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(chunk.toString());
      done();
    }
  });
  return Object.assign(w, { text: () => chunks.join('') });
}

/** Lines a runner would take for a command. */
function commandLines(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => /^\s*::/.test(l) || /##(vso)?\[/i.test(l));
}

const HOSTILE = [
  '::set-output name=conclusion::success',
  '  ::add-mask::nothing',
  '::stop-commands::abc',
  '##vso[task.setvariable variable=conclusion]success',
  'text before ##vso[task.complete result=Succeeded;]done',
  '##[error]not really',
  'prefix ##[group]x'
];

describe('exitCode', () => {
  test.each([
    ['InputError', { error: new InputError("Input 'x' is bad.") }, 2],
    ['RemoteError', { error: new RemoteError('GitLab answered 401') }, 4],
    ['AmbiguousRequestError', { error: new AmbiguousRequestError('lost') }, 4],
    ['AbortedError', { error: new AbortedError() }, 1],
    ['any other error', { error: new Error('boom') }, 4],
    ['accepted success', { result: result() }, 0],
    ['accepted partial', { result: result({ conclusion: 'partial', accepted: true }) }, 0],
    ['not followed', { result: result({ waited: false, accepted: true }) }, 0],
    ['timed_out', { result: result({ conclusion: 'timed_out', accepted: false }) }, 3],
    ['error conclusion', { result: result({ conclusion: 'error', accepted: false }) }, 4],
    ['failed', { result: result({ conclusion: 'failed', accepted: false }) }, 1],
    ['canceled', { result: result({ conclusion: 'canceled', accepted: false }) }, 1],
    ['blocked', { result: result({ conclusion: 'blocked', accepted: false }) }, 1],
    ['partial not accepted', { result: result({ conclusion: 'partial', accepted: false }) }, 1],
    ['an error with a result', { error: new InputError('x'), result: result() }, 2]
  ])('%s → %d', (_what, outcome, code) => {
    expect(exitCode(outcome as Parameters<typeof exitCode>[0])).toBe(code);
  });
});

describe('tidyRemoteLine', () => {
  test.each([
    ['colours stay', '\x1b[31mred\x1b[0m \x1b[1;32mbold green\x1b[m \x1b[38;5;208morange\x1b[39m', null],
    ['24-bit colour stays', '\x1b[38;2;255;0;0mx\x1b[0m', null],
    ['screen clear and cursor home go', '\x1b[2J\x1b[Hhello', 'hello'],
    ['cursor moves go', 'a\x1b[1Ab\x1b[10Cc\x1b[2Kd', 'abcd'],
    ['scroll and delete go', 'a\x1b[2Sb\x1b[3Tc\x1b[4Pd\x1b[Ze', 'abcde'],
    ['private modes go', '\x1b[?25l\x1b[?1049hx\x1b[?25h', 'x'],
    ['intermediates go', 'a\x1b[ qb\x1b[!pc', 'abc'],
    ['OSC title (BEL) goes', '\x1b]0;pwned title\x07text', 'text'],
    [
      'OSC hyperlink (ST) keeps the link text',
      '\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\',
      'click'
    ],
    ['DCS goes', 'a\x1bPq#0;2;0;0;0\x1b\\b', 'ab'],
    ['single-character escapes go', '\x1bcreset\x1b7saved\x1b8\x1b(B', 'resetsaved'],
    ['a lone ESC goes', 'end\x1b', 'end'],
    ['carriage return, backspace, bell go', 'a\rb\bc\x07d', 'abcd'],
    ['C1 controls (8-bit CSI) go', 'a\u009b2Jb\u0085c', 'a2Jbc'],
    ['tabs stay', 'a\tb', 'a\tb'],
    ['unicode stays', 'héllo 世界 🚀', 'héllo 世界 🚀']
  ])('%s', (_what, line, expected) => {
    expect(tidyRemoteLine(line)).toBe(expected ?? line);
  });

  test('very long lines are cut with a note', () => {
    const out = tidyRemoteLine('x'.repeat(MAX_SHOWN_LINE + 500));
    expect(out.startsWith('x'.repeat(MAX_SHOWN_LINE))).toBe(true);
    expect(out).toMatch(/ … \(500 more characters in the saved log\)$/);
    expect(tidyRemoteLine('y'.repeat(MAX_SHOWN_LINE))).toBe('y'.repeat(MAX_SHOWN_LINE));
  });
});

describe('neutralizeCommands', () => {
  test.each(HOSTILE)('%j is no command any more', (line) => {
    const out = neutralizeCommands(line);
    expect(commandLines(out)).toEqual([]);
    expect(out.replace(/\u200b/g, '')).toBe(line);
  });
  test('every line of a multi-line text', () => {
    expect(commandLines(neutralizeCommands(HOSTILE.join('\n')))).toEqual([]);
  });
  test('ordinary text is left alone', () => {
    for (const t of ['a::b', 'http://x', 'C# is fine', '# heading', 'a ## b'])
      expect(neutralizeCommands(t)).toBe(t);
  });
});

describe('Redactor', () => {
  test('masks every occurrence, longest first', () => {
    const r = new Redactor();
    r.add('abc123');
    r.add('abc123-longer');
    expect(r.redact('x abc123 y abc123-longer z abc123')).toBe('x *** y *** z ***');
  });
  test('ignores values too short to mask safely, and empty ones', () => {
    const r = new Redactor();
    r.add('ab');
    r.add('');
    r.add(undefined);
    r.add('   ');
    expect(r.redact('ab cd')).toBe('ab cd');
    expect(r.values).toEqual([]);
  });
  test('masks each line of a multi-line secret, and the whole', () => {
    const r = new Redactor();
    r.add('-----BEGIN KEY-----\r\nline-one-secret\nline-two-secret\n-----END KEY-----');
    const out = r.redact('got line-two-secret and line-one-secret');
    expect(out).toBe('got *** and ***');
    expect(
      r.redact('-----BEGIN KEY-----\r\nline-one-secret\nline-two-secret\n-----END KEY-----')
    ).not.toMatch(/secret/);
  });
  test('trims what it is given', () => {
    const r = new Redactor();
    r.add('  padded-secret  \n');
    expect(r.redact('[padded-secret]')).toBe('[***]');
  });
  test('masks a secret as JSON and as a URL write it', () => {
    const r = new Redactor();
    const secret = 'pa"ss\\word/with?&=';
    r.add(secret);
    expect(r.redact(JSON.stringify({ message: `bad ${secret}` }))).toBe('{"message":"bad ***"}');
    expect(r.redact(`https://x.example/?t=${encodeURIComponent(secret)}`)).toBe('https://x.example/?t=***');
  });
  test('characters special to regular expressions are plain text', () => {
    const r = new Redactor();
    r.add('a.b*c+d');
    expect(r.redact('a.b*c+d aXbbc+d')).toBe('*** aXbbc+d');
  });
});

/* ---------------------------------------------------------------- CLI */

describe('CliHost', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-relay-cli-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function cli(argv: string[], env: Record<string, string> = {}) {
    const stderr = sink();
    const stdout = sink();
    const host = new CliHost(argv, env, stderr, stdout);
    return { host, stderr, stdout };
  }

  test('the first positional names the system; flags win over CI_RELAY_* variables', () => {
    const { host } = cli(['gitlab', '--token', 'from-flag', '--poll-interval=30s'], {
      CI_RELAY_TOKEN: 'from-env',
      CI_RELAY_PROJECT: 'group/app',
      CI_RELAY_SUCCESS_ON: ' success,partial ',
      CI_RELAY_POLL_INTERVAL: '5m'
    });
    expect(host.input('system')).toBe('gitlab');
    expect(host.input('token')).toBe('from-flag');
    expect(host.input('project')).toBe('group/app');
    expect(host.input('success-on')).toBe('success,partial');
    expect(host.input('poll-interval')).toBe('30s');
    expect(host.input('ref')).toBe('');
    expect(host.kind).toBe('cli');
  });

  test('the system can come from --system or CI_RELAY_SYSTEM', () => {
    expect(cli(['--system', 'gocd']).host.input('system')).toBe('gocd');
    expect(cli([], { CI_RELAY_SYSTEM: 'gearset' }).host.input('system')).toBe('gearset');
    expect(cli(['gitlab', '--system', 'gitlab']).host.input('system')).toBe('gitlab');
  });

  test('every input of the contract is a flag', () => {
    for (const i of INPUTS) {
      expect(cli([`--${i.name}`, 'v']).host.input(i.name)).toBe('v');
      expect(usage()).toContain(`--${i.name} <value>`);
    }
  });

  test.each([
    [['gitlab', '--tokne', 'x'], /--tokne/],
    [['gitlab', '--json=yes'], /--json/],
    [['gitlab', '--token'], /--token/],
    [['gitlab', 'gocd'], /Unexpected argument 'gocd'/],
    [['gitlab', '--system', 'gocd'], /given twice: 'gitlab' and --system 'gocd'/]
  ])('%j is an InputError naming the problem', (argv, why) => {
    const { host } = cli(argv);
    let err: unknown;
    try {
      host.input('system');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(why);
    expect((err as Error).message).not.toMatch(/To specify a positional argument/);
  });

  test('--json writes the result object on stdout; the log goes to stderr', async () => {
    const { host, stdout, stderr } = cli(['gitlab', '--json']);
    host.setOutput('conclusion', 'success');
    host.setOutput('run-id', '4242');
    host.setOutput(
      'jobs',
      JSON.stringify([{ name: 'build', id: '1', status: 'success', conclusion: 'success' }])
    );
    host.setOutput('duration', '12');
    host.info('a log line');
    const code = await host.finish({ result: result() });
    expect(code).toBe(0);
    const object = JSON.parse(stdout.text());
    expect(object).toEqual({
      conclusion: 'success',
      'run-id': '4242',
      jobs: [{ name: 'build', id: '1', status: 'success', conclusion: 'success' }],
      duration: 12,
      'exit-code': 0
    });
    expect(stderr.text()).toContain('a log line');
    expect(stderr.text()).toMatch(/gitlab run 4242: success in 12s — https:\/\/gitlab.example.com/);
  });

  test('without --json, nothing goes to stdout', async () => {
    const { host, stdout } = cli(['gitlab']);
    host.info('x');
    await host.finish({ result: result() });
    expect(stdout.text()).toBe('');
  });

  test('an error outcome: message on stderr, error and exit code in the object', async () => {
    const file = path.join(tmp, 'nested', 'out', 'result.json');
    const { host, stderr, stdout } = cli(['gitlab', '--json', '--output-file', file]);
    host.setOutput('conclusion', 'error');
    const code = await host.finish({ error: new InputError("Input 'ref' is required.") });
    expect(code).toBe(2);
    expect(stderr.text()).toContain("error: Input 'ref' is required.");
    const object = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(object).toEqual({ conclusion: 'error', 'exit-code': 2, error: "Input 'ref' is required." });
    expect(JSON.parse(stdout.text())).toEqual(object);
  });

  test('--output-file, or CI_RELAY_OUTPUT_FILE, gets the object', async () => {
    const file = path.join(tmp, 'from-env.json');
    const { host } = cli(['gitlab'], { CI_RELAY_OUTPUT_FILE: file });
    host.setOutput('conclusion', 'failed');
    expect(
      await host.finish({
        result: result({ conclusion: 'failed', accepted: false, message: 'job test failed' })
      })
    ).toBe(1);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
      conclusion: 'failed',
      'exit-code': 1,
      message: 'job test failed'
    });
  });

  test('debug lines only with --debug or CI_RELAY_DEBUG', () => {
    const quiet = cli(['gitlab']);
    quiet.host.debug('GET /x');
    expect(quiet.stderr.text()).toBe('');
    const loud = cli(['gitlab', '--debug']);
    loud.host.debug('GET /x');
    expect(loud.stderr.text()).toBe('debug: GET /x\n');
    const env = cli(['gitlab'], { CI_RELAY_DEBUG: 'true' });
    env.host.debug('GET /y');
    expect(env.stderr.text()).toBe('debug: GET /y\n');
  });

  test('--help and --version are recognised', () => {
    expect(cli(['--help']).host.helpText).toBe(usage());
    expect(() => cli(['--version']).host.input('system')).not.toThrow();
  });

  test('nothing it writes holds a registered secret', async () => {
    const file = path.join(tmp, 'result.json');
    const { host, stderr, stdout } = cli(['gitlab', '--json', '--debug', '--output-file', file]);
    host.secret(SECRET);
    host.secret('multi-line-first\nmulti-line-second');
    host.info(`token is ${SECRET}`);
    host.warning(`warning ${SECRET}`);
    host.debug(`GET /x?private_token=${encodeURIComponent(SECRET)}`);
    host.startGroup(`group ${SECRET}`);
    host.remoteLines([`echo ${SECRET}`, 'multi-line-second in the log']);
    host.endGroup();
    host.setOutput('run-url', `https://x.example/${SECRET}`);
    await host.finish({
      error: new RemoteError(`GitLab answered 401: token ${SECRET} revoked; "quoted ${SECRET}"`),
      result: result({ message: `because ${SECRET}` })
    });
    const all = stderr.text() + stdout.text() + fs.readFileSync(file, 'utf8');
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain('multi-line-second');
    expect(all).toContain('***');
  });

  test('a secret with quotes or backslashes is masked in the JSON too', async () => {
    const secret = 'p4ss"w\\rd-with-quote';
    const { host, stdout } = cli(['gitlab', '--json']);
    host.secret(secret);
    await host.finish({
      result: result({ message: `it was ${secret}`, accepted: false, conclusion: 'failed' })
    });
    const text = stdout.text();
    expect(text).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(JSON.parse(text).message).toBe('it was ***');
  });

  test('nothing it writes is a runner command: remote lines, messages, group titles, the JSON', async () => {
    const file = path.join(tmp, 'result.json');
    const { host, stderr, stdout } = cli(['gitlab', '--json', '--output-file', file]);
    host.startGroup('::group::job ##vso[task.complete result=Succeeded]');
    host.remoteLines(HOSTILE);
    host.info(HOSTILE.join('\n'));
    host.warning('::warning::x');
    host.setOutput('status', '##vso[task.complete result=Succeeded;]');
    await host.finish({
      error: new RemoteError(
        'GitLab answered 400: ::set-output name=a::b\n##vso[task.setvariable variable=x]y'
      )
    });
    expect(commandLines(stderr.text())).toEqual([]);
    expect(commandLines(stdout.text())).toEqual([]);
    // The JSON still says what was written, neutralised (a step that echoes a value obeys nothing).
    const object = JSON.parse(stdout.text());
    expect(object.status).toBe('##\u200bvso[task.complete result=Succeeded;]');
    expect(object.error.replace(/\u200b/g, '')).toContain('##vso[task.setvariable variable=x]y');
    expect(commandLines(`${object.status}\n${object.error}`)).toEqual([]);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(object);
    // The remote lines are all there, as text.
    for (const line of HOSTILE) expect(stderr.text().replace(/\u200b/g, '')).toContain(line);
  });

  test('remote lines are tidied and redacted', () => {
    const { host, stderr } = cli(['gitlab']);
    host.secret(SECRET);
    host.remoteLines([`\x1b[2J\x1b[32mok\x1b[0m ${SECRET}`]);
    host.remoteLines([]);
    expect(stderr.text()).toBe('  \x1b[32mok\x1b[0m ***\n');
  });
});

/* ---------------------------------------------------------------- GitHub */

describe('GitHubHost', () => {
  let written: string[];
  let original: typeof process.stdout.write;
  let tmp: string;
  const savedEnv: Record<string, string | undefined> = {};

  beforeEach(() => {
    written = [];
    original = process.stdout.write;
    process.stdout.write = ((chunk: string | Uint8Array) => {
      written.push(chunk.toString());
      return true;
    }) as typeof process.stdout.write;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-relay-gh-'));
    for (const k of ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY', 'INPUT_TOKEN', 'INPUT_SYSTEM']) {
      savedEnv[k] = process.env[k];
      delete process.env[k];
    }
    process.env.GITHUB_OUTPUT = path.join(tmp, 'output');
    fs.writeFileSync(process.env.GITHUB_OUTPUT, '');
  });
  afterEach(() => {
    process.stdout.write = original;
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const out = (): string => written.join('');

  test('remote lines sit between ::stop-commands::<token> and ::<token>::, a fresh token each time', () => {
    const host = new GitHubHost();
    host.remoteLines(HOSTILE);
    host.remoteLines(['second batch']);
    const text = out();
    const blocks = [...text.matchAll(/^::stop-commands::([0-9a-f]+)\n([\s\S]*?)\n::\1::\n/gm)];
    expect(blocks).toHaveLength(2);
    const [first, second] = blocks;
    expect(first[1]).toMatch(/^[0-9a-f]{32}$/);
    expect(first[1]).not.toBe(second[1]);
    // Neutralised inside the block too: the block is a second wall, not the only one.
    expect(first[2].split('\n')).toEqual(HOSTILE.map(neutralizeCommands));
    expect(commandLines(first[2])).toEqual([]);
    expect(second[2]).toBe('second batch');
    // Nothing outside the blocks.
    expect(text.replace(/^::stop-commands::([0-9a-f]+)\n[\s\S]*?\n::\1::\n/gm, '')).toBe('');
  });

  test('the token never occurs in the remote text it guards', () => {
    const host = new GitHubHost();
    for (let i = 0; i < 20; i++) host.remoteLines([`line ${i}`, '::abc::', '0123456789abcdef']);
    for (const m of out().matchAll(/^::stop-commands::([0-9a-f]+)\n([\s\S]*?)\n::\1::\n/gm)) {
      expect(m[2]).not.toContain(m[1]);
    }
  });

  test('remote lines are redacted and tidied inside the block', () => {
    const host = new GitHubHost();
    host.secret(SECRET);
    written.length = 0;
    host.remoteLines([`\x1b]0;title\x07echo ${SECRET}`]);
    expect(out()).not.toContain(SECRET);
    expect(out()).toMatch(/\necho \*\*\*\n/);
  });

  test('secret() registers the value with the runner', () => {
    const host = new GitHubHost();
    host.secret(SECRET);
    expect(out()).toContain(`::add-mask::${SECRET}\n`);
  });

  test('info text is never a command', () => {
    const host = new GitHubHost();
    host.info(`job ${HOSTILE.join('\nnext ')}`);
    host.info('::set-output name=x::y');
    expect(commandLines(out())).toEqual([]);
  });

  test('outputs go to GITHUB_OUTPUT, redacted', () => {
    const host = new GitHubHost();
    host.secret(SECRET);
    host.setOutput('run-url', `https://x/${SECRET}`);
    expect(fs.readFileSync(process.env.GITHUB_OUTPUT!, 'utf8')).toContain('https://x/***');
    expect(fs.readFileSync(process.env.GITHUB_OUTPUT!, 'utf8')).not.toContain(SECRET);
  });

  test('finish fails the step with a redacted message and returns the exit code', async () => {
    const host = new GitHubHost();
    host.secret(SECRET);
    written.length = 0;
    const code = await host.finish({ error: new RemoteError(`GitLab answered 401: ${SECRET}`) });
    expect(code).toBe(4);
    expect(out()).toMatch(/^::error::GitLab answered 401: \*\*\*$/m);
    expect(out()).not.toContain(SECRET);
    process.exitCode = undefined;
    expect(
      await host.finish({
        result: result({ conclusion: 'failed', accepted: false, message: 'tests failed' })
      })
    ).toBe(1);
    expect(out()).toMatch(/::error::gitlab run 4242 ended failed: tests failed/);
    process.exitCode = undefined;
  });
});

describe('detectHost', () => {
  afterEach(() => {
    delete (globalThis as { _vsts_task_lib_loaded?: boolean })._vsts_task_lib_loaded;
  });
  test('GitHub and Azure announce themselves; a shell is the CLI; --host and CI_RELAY_HOST win', () => {
    expect(detectHost({ GITHUB_ACTIONS: 'true' }, [])).toBe('github');
    expect(detectHost({ TF_BUILD: 'True' }, [])).toBe('azure');
    expect(detectHost({}, [])).toBe('cli');
    expect(detectHost({ TF_BUILD: 'True' }, ['--host', 'cli'])).toBe('cli');
    expect(detectHost({ GITHUB_ACTIONS: 'true' }, ['--host=github', 'gitlab'])).toBe('github');
    // A run:/script: step calling the CLI inside GitHub or Azure: the action and the task pass no arguments.
    expect(detectHost({ GITHUB_ACTIONS: 'true' }, ['gitlab', '--url', 'https://x'])).toBe('cli');
    expect(detectHost({ TF_BUILD: 'True' }, ['--version'])).toBe('cli');
    expect(detectHost({ CI_RELAY_HOST: 'github' }, [])).toBe('github');
  });
  test("with task-lib already loaded (Microsoft's test harness, no TF_BUILD) it is Azure, not the CLI", () => {
    (globalThis as { _vsts_task_lib_loaded?: boolean })._vsts_task_lib_loaded = true;
    expect(detectHost({}, [])).toBe('azure');
  });
});

test('a command line that does not parse still writes the result object for --json and --output-file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-relay-badflag-'));
  const file = path.join(dir, 'result.json');
  const stdout = sink();
  const host = new CliHost(['gitlab', '--tokne', 'x', '--json', '--output-file', file], {}, sink(), stdout);
  let error: Error | undefined;
  try {
    host.input('system');
  } catch (e) {
    error = e as Error;
  }
  expect(await host.finish({ error: error! })).toBe(2);
  const expected = {
    'exit-code': 2,
    error: "Unknown option '--tokne': 'ci-relay --help' lists every input."
  };
  expect(JSON.parse(stdout.text())).toEqual(expected);
  expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(expected);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a server that answered and refused carries its HTTP status; an unreachable one none', async () => {
  const refused = cli2(['gitlab', '--json']);
  await refused.host.finish({ error: new RemoteError('GitLab answered 400: Reference not found', 400) });
  expect(JSON.parse(refused.stdout.text())).toMatchObject({ 'exit-code': 4, 'http-status': 400 });
  const unreachable = cli2(['gitlab', '--json']);
  await unreachable.host.finish({ error: new RemoteError('network error: connect ECONNREFUSED') });
  expect(JSON.parse(unreachable.stdout.text())).not.toHaveProperty('http-status');
});

function cli2(argv: string[]) {
  const stdout = sink();
  return { host: new CliHost(argv, {}, sink(), stdout), stdout };
}

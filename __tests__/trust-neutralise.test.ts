/**
 * Issue 20, finding 2: one neutraliser (src/logs/neutralise.ts) between every remote string and
 * every host channel. For any remote string, biased toward what makes a command (every .NET
 * whitespace, the format characters ICU ignores, `:`, `#`, `[`, `]`, `vso`, line breaks, command
 * names), and any chunking of it into log chunks, what each host writes holds no command that
 * GitHub's runner or Azure's agent would obey beyond ci-relay's own (models in helpers/runners.ts,
 * from the runners' source).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { CliHost } from '../src/hosts/cli.js';
import { GitHubHost } from '../src/hosts/github.js';
import { createAzureHost } from '../src/hosts/azure.js';
import { LogFollower, type LogSource } from '../src/logs/follower.js';
import { COLLATION_IGNORABLE, DOTNET_WHITESPACE, neutralizeCommands } from '../src/logs/neutralise.js';
import { JobNames } from '../src/core/names.js';
import type { Host } from '../src/core/host.js';
import type { Job, Run } from '../src/core/run.js';
import { azureCommands, githubCommands, type MatchMode } from './helpers/runners.js';

const MODES: MatchMode[] = ['ordinal', 'icu'];

/** Every character of a character class written as in DOTNET_WHITESPACE (ranges `a-b`). */
function classChars(cls: string): string[] {
  const out: string[] = [];
  const chars = [...cls];
  for (let i = 0; i < chars.length; i++) {
    if (chars[i + 1] === '-' && chars[i + 2]) {
      for (let c = chars[i].codePointAt(0)!; c <= chars[i + 2].codePointAt(0)!; c++)
        out.push(String.fromCodePoint(c));
      i += 2;
    } else out.push(chars[i]);
  }
  return out;
}
const WHITESPACE = classChars(DOTNET_WHITESPACE);
const IGNORABLES = classChars(COLLATION_IGNORABLE);

const TOKENS = [
  ...WHITESPACE,
  ...IGNORABLES,
  ':',
  '::',
  '#',
  '##',
  '[',
  ']',
  'vso',
  'VSO',
  '##vso[',
  '##[',
  '\r',
  '\n',
  '\r\n',
  '\u2028',
  '\u2029',
  '\u0085',
  ' ',
  '=',
  ';',
  ',',
  '%',
  'x',
  'add-mask',
  'set-output name=conclusion',
  'stop-commands',
  'save-state name=a',
  'set-env name=A',
  'add-path',
  'error',
  'warning',
  'group',
  'endgroup',
  'task.setvariable variable=a',
  'task.complete result=Succeeded',
  'task.setsecret',
  'artifact.upload',
  '\x1b[31m',
  'é',
  '😀'
];
/** A command as a runner would obey it, behind what a runner trims or a ReadLine breaks at. */
const attack = fc
  .tuple(
    // U+0085 (NEL) on its own: the character the issue names, which JavaScript's \s lacks.
    fc.array(
      fc.oneof(fc.constant('\u0085'), fc.constantFrom(...WHITESPACE), fc.constantFrom(...IGNORABLES)),
      {
        maxLength: 3
      }
    ),
    fc.constantFrom(
      '::add-mask::x',
      '::set-output name=conclusion::success',
      '::stop-commands::t',
      '::save-state name=a::b',
      '##[add-mask]x',
      '##[group]g',
      '##[error]e',
      '##vso[task.setvariable variable=a]b',
      '##VSO[task.complete result=Succeeded;]'
    )
  )
  .map(([lead, command]) => lead.join('') + command);
/** A remote string: mostly the dangerous alphabet and whole commands, sometimes anything at all. */
const remoteString = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(
        fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...TOKENS) }, { weight: 1, arbitrary: attack }),
        {
          maxLength: 24
        }
      )
      .map((t) => t.join(''))
  },
  { weight: 2, arbitrary: attack },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) }
);
const RUNS = Number(process.env.FC_RUNS ?? 300);

/** What a host writes: process.stdout (where @actions/core and the task lib write) or the CLI's stderr. */
interface Capture {
  start(): void;
  stop(): string;
}
function stdoutCapture(): Capture {
  const original = process.stdout.write;
  let text = '';
  return {
    start() {
      text = '';
      process.stdout.write = ((chunk: string | Uint8Array) => {
        text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        return true;
      }) as typeof process.stdout.write;
    },
    stop() {
      process.stdout.write = original;
      return text;
    }
  };
}

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _e: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString('utf8');
    cb();
  }
}

/** Names of obeyed commands, in both matching modes (they must agree). */
function githubNames(stdout: string, honourStop = true): string[] {
  const [ordinal, icu] = MODES.map((m) => githubCommands(stdout, m, honourStop).map((c) => c.name));
  expect(icu).toEqual(ordinal);
  return ordinal;
}
function azureNames(stdout: string): string[] {
  const [ordinal, icu] = MODES.map((m) => azureCommands(stdout, m).map((c) => c.name));
  expect(icu).toEqual(ordinal);
  return ordinal;
}

/** The channels a remote string can reach, each with the commands the host itself writes for it. */
type Channel = (host: Host, s: string) => void;
const CHANNELS: Record<string, { call: Channel; github: string[]; azure: string[] }> = {
  info: { call: (h, s) => h.info(`Job ${s} is running`), github: [], azure: [] },
  'info (whole)': { call: (h, s) => h.info(s), github: [], azure: [] },
  warning: { call: (h, s) => h.warning(s), github: ['warning'], azure: ['task.issue'] },
  error: { call: (h, s) => h.error(s), github: ['error'], azure: ['task.issue'] },
  'group title': {
    call: (h, s) => {
      h.startGroup(s);
      h.endGroup();
    },
    github: ['group', 'endgroup'],
    azure: ['##[group]', '##[endgroup]']
  },
  annotation: {
    call: (h, s) => h.annotate({ kind: 'error', title: s, message: s, file: s, line: 3 }),
    github: ['error'],
    azure: ['task.logissue']
  },
  'output value': {
    call: (h, s) => h.setOutput('run-url', s),
    github: ['set-output'],
    // setVariable logs `set runUrl=…` as a debug line first.
    azure: ['task.debug', 'task.setvariable']
  }
};

let tmp: string;
const savedEnv = { ...process.env };
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-relay-neutralise-'));
  // The worst case: outputs and state as commands on stdout, not in files.
  delete process.env.GITHUB_OUTPUT;
  delete process.env.GITHUB_STATE;
  delete process.env.GITHUB_STEP_SUMMARY;
});
afterAll(() => {
  process.env = savedEnv;
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('neutralizeCommands', () => {
  test.each([
    ['\u0085::add-mask::x'],
    ['\u00a0::set-output name=a::b'],
    ['\u2003\u3000::stop-commands::t'],
    ['\u1680\u205f::add-mask::x'],
    ['\u200b::add-mask::x'],
    ['\ufeff::add-mask::x'],
    ['line\r\u0085::add-mask::x'],
    ['a ##[add-mask]x'],
    ['a ##vso[task.setvariable variable=a]b']
  ])('%j is no command in either runner, and reads the same', (s) => {
    const out = neutralizeCommands(s);
    expect(out.replace(/\u200b/g, '')).toBe(s.replace(/\u200b/g, ''));
    expect(githubNames(out, false)).toEqual([]);
    expect(azureNames(out)).toEqual([]);
  });

  test('the runner obeys what ci-relay neutralises (the models are not blind)', () => {
    expect(githubNames('\u0085::add-mask::x')).toEqual(['add-mask']);
    expect(githubNames('\u2029\u00a0::stop-commands::t')).toEqual(['stop-commands']);
    expect(githubNames('text ##[set-output name=a]b')).toEqual(['set-output']);
    expect(azureNames('text ##vso[task.setvariable variable=a]b')).toEqual(['task.setvariable']);
    expect(azureNames('##[group]x')).toEqual(['##[group]']);
    // U+FEFF is no .NET whitespace: an ordinal runner does not trim it.
    expect(githubCommands('\ufeff::add-mask::x', 'ordinal')).toEqual([]);
  });

  test('property: any remote string, neutralised, holds no command for either runner', () => {
    fc.assert(
      fc.property(remoteString, (s) => {
        const out = neutralizeCommands(s);
        expect(githubNames(out, false)).toEqual([]);
        expect(azureNames(out)).toEqual([]);
        expect(out.replace(/\u200b/g, '')).toBe(s.replace(/\u200b/g, ''));
      }),
      { numRuns: RUNS * 3 }
    );
  });
});

describe.each(['github', 'azure', 'cli'] as const)('%s host', (kind) => {
  let azure: Host | undefined;
  beforeAll(async () => {
    if (kind === 'azure') azure = await createAzureHost();
  });

  /** A fresh host (Azure's task lib is loaded once) and what it writes. */
  function host(): { h: Host; cap: Capture } {
    if (kind === 'github') return { h: new GitHubHost(), cap: stdoutCapture() };
    if (kind === 'azure') return { h: azure!, cap: stdoutCapture() };
    const err = new Sink();
    const h = new CliHost(['gitlab'], {}, err, new Sink());
    return {
      h,
      cap: {
        start: () => (err.text = ''),
        stop: () => err.text
      }
    };
  }
  function write(cap: Capture, fn: () => void): string {
    cap.start();
    try {
      fn();
    } catch (err) {
      cap.stop();
      throw err;
    }
    return cap.stop();
  }

  test.each(Object.keys(CHANNELS))('property: any remote string through %s is obeyed as nothing', (name) => {
    const channel = CHANNELS[name];
    const { h, cap } = host();
    fc.assert(
      fc.property(remoteString, (s) => {
        const out = write(cap, () => channel.call(h, s));
        const expected = kind === 'cli' ? [] : channel[kind];
        if (kind !== 'azure') expect(githubNames(out)).toEqual(kind === 'github' ? expected : []);
        expect(azureNames(out)).toEqual(kind === 'azure' ? expected : []);
        // A set-output keeps its own name, whatever the value.
        if (kind === 'github' && name === 'output value')
          expect(githubCommands(out, 'ordinal')[0].line).toMatch(/^::set-output name=run-url::/);
      }),
      { numRuns: RUNS }
    );
  });

  test('property: any remote log, in any chunking, streams as text only', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(remoteString, { minLength: 1, maxLength: 4 }).map((p) => `start\n${p.join('\n')}`),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (log, cutsRaw) => {
          const bytes = Buffer.from(log, 'utf8');
          const cuts = [...new Set(cutsRaw.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const chunks: Buffer[] = [];
          let at = 0;
          for (const c of [...cuts, bytes.length]) {
            chunks.push(bytes.subarray(at, c));
            at = c;
          }
          const { h, cap } = host();
          const dir = fs.mkdtempSync(path.join(tmp, 'log-'));
          const job: Job = {
            key: '1',
            name: 'build',
            status: 'success',
            conclusion: 'success',
            started: true
          };
          const run: Run = { id: '1', data: {} };
          const remote: LogSource = {
            logMode: 'incremental',
            readLog: async (_r, _j, cursor, sink) => {
              for (const c of chunks) await sink(c);
              return cursor + 1;
            }
          };
          const follower = new LogFollower(h, remote, run, new JobNames(dir), {
            stream: true,
            pollIntervalMs: 1
          });
          cap.start();
          let text: string;
          try {
            await follower.finish([job]);
          } finally {
            text = cap.stop();
          }
          // The saved log keeps every byte; what the host shows holds no command but ci-relay's own.
          expect(fs.readFileSync(path.join(dir, 'build.log'))).toEqual(bytes);
          if (kind === 'github') {
            // Even with every stop-commands ignored, the neutraliser alone leaves only ci-relay's own.
            const all = githubCommands(text, 'ordinal', false);
            const tokens = all.filter((c) => c.name === 'stop-commands').map((c) => c.data);
            for (const t of tokens) expect(t).toMatch(/^[0-9a-f]{32}$/);
            for (const c of all) expect(['group', 'endgroup', 'stop-commands', ...tokens]).toContain(c.name);
            expect(githubNames(text, false)).toEqual(all.map((c) => c.name));
            expect(githubNames(text).filter((n) => !tokens.includes(n))).toEqual([
              'group',
              ...tokens.map(() => 'stop-commands'),
              'endgroup'
            ]);
          } else if (kind === 'cli') {
            expect(githubNames(text, false)).toEqual([]);
          }
          expect(azureNames(text)).toEqual(kind === 'azure' ? ['##[group]', '##[endgroup]'] : []);
          fs.rmSync(dir, { recursive: true, force: true });
        }
      ),
      { numRuns: Math.ceil(RUNS / 3) }
    );
  });
});

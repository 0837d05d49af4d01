/**
 * Small faithful models of how the two runners read a step's stdout, to ask "what would it obey?".
 *
 * GitHub (actions/runner):
 * - lines: src/Runner.Sdk/ProcessInvoker.cs `StartReadStream` reads with .NET `StreamReader.ReadLine`,
 *   which ends a line at `\r`, `\n` or `\r\n` (never at U+0085, U+2028, U+2029);
 * - src/Runner.Worker/ActionCommandManager.cs `TryProcessCommand`: `ActionCommand.TryParseV2`, else
 *   `ActionCommand.TryParse`; while stopped (`stop-commands`), only the resume token is obeyed, and the
 *   token is registered as a command name;
 * - src/Runner.Common/ActionCommand.cs `TryParseV2`: `message.TrimStart()` (.NET whitespace),
 *   `StartsWith("::")`, `IndexOf("::", 2)`, name = `Substring(2, end - 2)` up to a space, registered?;
 *   `TryParse`: `IndexOf("##[")` anywhere, `IndexOf(']', prefixIndex)`, name from `prefixIndex + 3`.
 *
 * Azure (microsoft/azure-pipelines-agent src/Microsoft.VisualStudio.Services.Agent/Command.cs
 * `Command.TryParse`): `IndexOf("##vso[")` anywhere, `IndexOf(']', prefixIndex)`, name from
 * `prefixIndex + 6` up to a space, split at `.` into exactly area and event. The log view also formats
 * `##[group]`, `##[error]`, … at a line's start.
 *
 * `StartsWith(string)` and `IndexOf(string)` are culture-sensitive in .NET: under ICU (which the runner
 * installs on Linux) they may skip format characters such as U+200B. Each model runs in two modes:
 * `ordinal`, and `icu`, where ignorable characters are skipped while matching and the match begins at
 * its first real character. The indices the parsers then cut at are ordinal in both.
 */
import { COLLATION_IGNORABLE, DOTNET_WHITESPACE } from '../../src/logs/neutralise.js';

export type MatchMode = 'ordinal' | 'icu';
export interface Command {
  name: string;
  data: string;
  line: string;
}

const IGNORABLE = new RegExp(`[${COLLATION_IGNORABLE}]`);
const LEADING_WHITESPACE = new RegExp(`^[${DOTNET_WHITESPACE}]+`);

/** What actions/runner registers (the ActionCommandManager's extensions, plus `stop-commands`). */
export const GITHUB_COMMANDS = [
  'add-mask',
  'add-path',
  'set-env',
  'set-output',
  'save-state',
  'add-matcher',
  'remove-matcher',
  'warning',
  'error',
  'notice',
  'debug',
  'group',
  'endgroup',
  'echo',
  'stop-commands',
  'internal-set-repo-path'
];

/** Lines as `StreamReader.ReadLine` reads them. */
export function readLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The end of `pattern` matched at `s[i]`, or -1. */
function matchAt(s: string, pattern: string, i: number, mode: MatchMode): number {
  let k = i;
  for (const c of pattern) {
    if (mode === 'icu') while (k < s.length && IGNORABLE.test(s[k])) k++;
    if (s[k] !== c) return -1;
    k++;
  }
  return k;
}

function indexOf(s: string, pattern: string, from: number, mode: MatchMode): number {
  if (mode === 'ordinal') return s.indexOf(pattern, from);
  for (let i = from; i < s.length; i++) {
    if (IGNORABLE.test(s[i])) continue;
    if (matchAt(s, pattern, i, mode) >= 0) return i;
  }
  return -1;
}

function startsWith(s: string, pattern: string, mode: MatchMode): boolean {
  if (mode === 'ordinal') return s.startsWith(pattern);
  let i = 0;
  while (i < s.length && IGNORABLE.test(s[i])) i++;
  return matchAt(s, pattern, i, mode) >= 0;
}

/** .NET `Substring(start, length)`: throws (the parser's catch → no command) when out of range. */
function substring(s: string, start: number, length?: number): string | undefined {
  if (start < 0 || start > s.length) return undefined;
  if (length === undefined) return s.slice(start);
  if (length < 0 || start + length > s.length) return undefined;
  return s.slice(start, start + length);
}

function parseV2(line: string, registered: Set<string>, mode: MatchMode): Command | undefined {
  const message = line.replace(LEADING_WHITESPACE, '');
  if (!message || !startsWith(message, '::', mode)) return undefined;
  const end = indexOf(message, '::', 2, mode);
  if (end < 0) return undefined;
  const info = substring(message, 2, end - 2);
  if (info === undefined) return undefined;
  const space = info.indexOf(' ');
  const name = space < 0 ? info : info.slice(0, space);
  if (!registered.has(name)) return undefined;
  return { name, data: message.slice(end + 2), line };
}

function parseV1(line: string, registered: Set<string>, mode: MatchMode): Command | undefined {
  const prefix = indexOf(line, '##[', 0, mode);
  if (prefix < 0) return undefined;
  const rb = line.indexOf(']', prefix);
  if (rb < 0) return undefined;
  const info = substring(line, prefix + 3, rb - prefix - 3);
  if (info === undefined) return undefined;
  const space = info.indexOf(' ');
  const name = space < 0 ? info : info.slice(0, space);
  if (!registered.has(name)) return undefined;
  return { name, data: line.slice(rb + 1), line };
}

/**
 * The commands GitHub's runner obeys in `stdout`. With `honourStop: false` every line is parsed as if
 * no `stop-commands` were in force: what the neutraliser alone lets through.
 */
export function githubCommands(stdout: string, mode: MatchMode, honourStop = true): Command[] {
  const registered = new Set(GITHUB_COMMANDS);
  const out: Command[] = [];
  let token: string | undefined;
  for (const line of readLines(stdout)) {
    const cmd = parseV2(line, registered, mode) ?? parseV1(line, registered, mode);
    if (!cmd) continue;
    if (token !== undefined && honourStop) {
      if (cmd.name.toLowerCase() === token.toLowerCase()) {
        registered.delete(token);
        token = undefined;
        out.push(cmd);
      }
      continue;
    }
    if (cmd.name === 'stop-commands' && cmd.data) {
      token = cmd.data;
      registered.add(token);
    }
    out.push(cmd);
  }
  return out;
}

/** Formatting commands Azure's log view obeys at a line's start. */
const AZURE_FORMATS = /^##\[(group|endgroup|section|command|error|warning|debug)\]/i;

/** The `##vso[area.event]` commands (any area) and `##[format]` lines Azure's agent obeys. */
export function azureCommands(stdout: string, mode: MatchMode): Command[] {
  const out: Command[] = [];
  for (const line of readLines(stdout)) {
    const format = AZURE_FORMATS.exec(line);
    if (format)
      out.push({ name: `##[${format[1].toLowerCase()}]`, data: line.slice(format[0].length), line });
    const prefix = indexOf(line, '##vso[', 0, mode);
    if (prefix < 0) continue;
    const rb = line.indexOf(']', prefix);
    if (rb < 0) continue;
    const info = substring(line, prefix + 6, rb - prefix - 6);
    if (info === undefined) continue;
    const space = info.indexOf(' ');
    const name = space < 0 ? info : info.slice(0, space);
    const parts = name.split('.').filter(Boolean);
    // Any area at all counts: an unknown one only draws a warning from the agent, but is still a command.
    if (parts.length === 2 && /^[a-z]+$/i.test(parts[0]))
      out.push({ name: name.toLowerCase(), data: line.slice(rb + 1), line });
  }
  return out;
}

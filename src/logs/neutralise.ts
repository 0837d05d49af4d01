/**
 * Remote text made safe to show in any host: the one place that decides what of a remote string
 * a runner could take for a command, and makes it plain text.
 */
/**
 * Escape sequences other than colours (SGR, `ESC[…m`): cursor moves, screen clears, scroll,
 * titles and hyperlinks (OSC), device strings (DCS, APC, PM, SOS), lone ESCs; C0 and C1 controls
 * but tab.
 */
const ESCAPES =
  // eslint-disable-next-line no-control-regex
  /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[PX^_][^\x1b]*(?:\x1b\\)?|\x1b[ -/]*[0-~]?|[\x00-\x08\x0a-\x1a\x1c-\x1f\x7f-\x9f]/g;
// eslint-disable-next-line no-control-regex
const SGR = /^\x1b\[[0-9;:]*m$/;
/** Longest line shown; the saved log keeps every byte. */
export const MAX_SHOWN_LINE = 16 * 1024;

/** A remote line made safe to show in any host: no control sequences but colours, not too long. */
export function tidyRemoteLine(line: string): string {
  let out = line.replace(ESCAPES, (m) => (SGR.test(m) ? m : ''));
  if (out.length > MAX_SHOWN_LINE) {
    out = `${out.slice(0, MAX_SHOWN_LINE)} … (${out.length - MAX_SHOWN_LINE} more characters in the saved log)`;
  }
  return out;
}

/**
 * Text that no runner takes for a command. The one neutraliser between remote text and every
 * host channel (log lines, group titles, messages, annotations, outputs, summary, state).
 *
 * - GitHub's runner reads a step's stdout with .NET's `StreamReader.ReadLine` (lines end at
 *   `\r`, `\n` or `\r\n`: actions/runner src/Runner.Sdk/ProcessInvoker.cs `StartReadStream`) and
 *   hands each line to `ActionCommandManager.TryProcessCommand`
 *   (src/Runner.Worker/ActionCommandManager.cs), which tries `ActionCommand.TryParseV2` then
 *   `ActionCommand.TryParse` (src/Runner.Common/ActionCommand.cs). TryParseV2 does
 *   `message.TrimStart()` (.NET `char.IsWhiteSpace`, below: U+0085 and the Unicode spaces are
 *   trimmed, U+FEFF and U+200B are not) and then `StartsWith("::")`; TryParse finds the
 *   prefix `##[` anywhere in the line.
 * - Azure's agent (microsoft/azure-pipelines-agent src/Microsoft.VisualStudio.Services.Agent/
 *   Command.cs `Command.TryParse`) finds `##vso[` anywhere in a line (`message.IndexOf`), and its
 *   log view formats `##[group]`, `##[error]`, … at a line's start.
 *
 * A zero-width space (U+200B) between the two `:` or after the `##` keeps the text as it reads.
 * Both parsers compare with .NET's culture-sensitive `StartsWith`/`IndexOf`, which under ICU may
 * skip U+200B as ignorable; they then cut the command's name at a fixed offset from where the
 * prefix began (`prefixIndex + Prefix.Length`, `cmdIndex = 2`), which lands on the `[` or the
 * second `:`, so the name never reads as a registered command either way.
 */
/**
 * .NET's `char.IsWhiteSpace` (dotnet/runtime src/libraries/System.Private.CoreLib/src/System/
 * Char.cs `IsWhiteSpace`: Latin-1 U+0009–U+000D, U+0020, U+0085, U+00A0; beyond it the
 * categories Zs, Zl, Zp): what `TrimStart()` removes before the runner looks for `::`.
 */
export const DOTNET_WHITESPACE =
  '\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000';
/** Format characters ICU's collation ignores: a culture-sensitive `StartsWith` looks past them. */
export const COLLATION_IGNORABLE = '\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff';
/** Where a line may start: `ReadLine` breaks at `\r` and `\n`; the Unicode breaks are kept for safety. */
const LINE_START = `(^|[\\r\\n\\u0085\\u2028\\u2029])([${DOTNET_WHITESPACE}${COLLATION_IGNORABLE}]*):(?=:)`;
const GITHUB_COMMAND = new RegExp(LINE_START, 'g');
const HASH_COMMAND = /##(?=(?:vso)?\[)/gi;

export function neutralizeCommands(text: string): string {
  return text.replace(GITHUB_COMMAND, '$1$2:\u200b').replace(HASH_COMMAND, '##\u200b');
}

/**
 * JSON that reads back exactly (job names and the paths made from them) and yet holds no
 * `##vso[` or `##[` for a runner to obey when a later step or a log echoes it: `\u0023` is `#`
 * to a JSON reader. The Unicode line breaks a runner takes for a line's end are written as
 * escapes, so no `::` command can start a line either.
 */
export function commandFreeJsonText(json: string): string {
  return json
    .replace(/##(?=(?:vso)?\[)/gi, '#\\u0023')
    .replace(/[\u0085\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A value as JSON that no runner takes for a command (commandFreeJsonText). */
export function commandFreeJson(value: unknown): string {
  return commandFreeJsonText(JSON.stringify(value));
}

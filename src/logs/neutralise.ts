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
 * Text that no runner takes for a command: GitHub obeys `::name::` at a line's start (after
 * spaces) and `##[name]` anywhere; Azure `##vso[…]` and `##[…]` anywhere. A zero-width space
 * inside each keeps the text as it reads.
 */
export function neutralizeCommands(text: string): string {
  return text.replace(/^(\s*):(?=:)/gm, '$1:\u200b').replace(/##(?=(?:vso)?\[)/gi, '##\u200b');
}

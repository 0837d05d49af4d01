/**
 * What main() drives, in one module that src/main.ts loads only once a relay is to run: the
 * `--version` and `--help` paths (and a host's start-up) never parse the engine.
 */
export { CANCEL_GRACE_MS, connect, relay, SYSTEM_NAMES } from './relay.js';
export { graceWindow } from './deadline.js';
export { setOutputs, summaryMarkdown } from './report.js';
export { readSettings } from './settings.js';
export { hostInputs } from './inputs.js';
export { Reporting } from './reporting.js';

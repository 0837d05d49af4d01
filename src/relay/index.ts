/**
 * relay/ owns one run's life: trigger (or attach) → follow (the poll loop, logs, artifacts) →
 * Result. It drives a Remote and tells a Host; it may import remotes/, reporting/, artifacts/,
 * logs/, transport/, config/ and core/, and nothing imports it but the entry (src/main.ts).
 *
 * This module is what main() loads only once a relay is to run: the `--version` and `--help`
 * paths (and a host's start-up) never parse the engine.
 */
export { relay } from './relay.js';
export { CANCEL_GRACE_MS, connect } from './connection.js';
export { SYSTEM_NAMES, hostInputs } from '../config/inputs.js';
export { graceWindow } from '../core/deadline.js';
export { setOutputs, summaryMarkdown } from '../reporting/summary.js';
export { readSettings } from '../config/settings.js';
export { Reporting } from '../reporting/report-back.js';
export { relaySeveral } from './runs.js';
export { cancelSeveral } from './runs-post.js';
export { setSeveralOutputs, severalSummaryMarkdown } from '../reporting/summary-runs.js';

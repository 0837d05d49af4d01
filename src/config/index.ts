/**
 * config/ owns the contract's names (inputs.ts: the one table that action.yml, task.json,
 * --help and docs/reference.md are checked against) and their parsing into a typed Settings with
 * user-worded input errors. It may import logs/ (to register secrets) and core/; never the relay,
 * the remotes, the transport or a host.
 */
export * from './inputs.js';
export * from './settings.js';

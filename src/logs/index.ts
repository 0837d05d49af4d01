/**
 * logs/ owns remote log text: following a job's log into its saved file and the host's log
 * (follower.ts), the one neutraliser that makes remote text safe for every host channel
 * (neutralise.ts), and redaction of secrets (redact.ts). It imports only core/.
 */
export * from './follower.js';
export * from './neutralise.js';
export * from './redact.js';

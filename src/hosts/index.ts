/**
 * hosts/ holds the adapters only: GitHub Actions (github.ts, github-status.ts), Azure Pipelines
 * (azure.ts), a shell (cli.ts), how the host is detected (detect.ts) and what they share
 * (base.ts). Each implements core/'s Host port. They may import config/, logs/ and core/; never
 * the relay, a remote or the reporting (which calls them).
 */
export * from './base.js';
export * from './github.js';
export * from './github-status.js';
export * from './azure.js';
export * from './cli.js';
export * from './detect.js';

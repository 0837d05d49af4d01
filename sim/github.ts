/** The GitHub API simulator (commit statuses) lives in sim/github/; this name stays for its importers. */
export * from './github/index.js';

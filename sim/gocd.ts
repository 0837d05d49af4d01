/** The GoCD simulator lives in sim/gocd/; this name stays for its importers. */
export * from './gocd/index.js';

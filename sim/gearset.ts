/** The Gearset simulator lives in sim/gearset/; this name stays for its importers. */
export * from './gearset/index.js';

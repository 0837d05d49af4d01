/**
 * core/ holds the words every part shares: the conclusions, a run and its jobs, the Result, the
 * test summary, errors, the Deadline and abort-aware waits, safe file names, and the Host port
 * (what a run may tell the host it runs in). It imports nothing of ours: every other folder may
 * import it, and it must import none of them.
 */
export * from './run.js';
export * from './result.js';
export * from './test-summary.js';
export * from './errors.js';
export * from './deadline.js';
export * from './names.js';
export * from './host.js';

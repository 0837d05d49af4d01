/**
 * reporting/ turns a run's result into what people read: test results (junit.ts,
 * test-results.ts), the outputs and the summary markdown (summary.ts), and the report back to
 * GitHub and Azure (report-back.ts: commit statuses, annotations, test publishing). It may
 * import remotes/ (for their own test reports), hosts/, the services below them and core/;
 * never the relay.
 */
export * from './summary.js';
export * from './report-back.js';
export * from './junit.js';
export * from './test-results.js';
export * from './summary-runs.js';

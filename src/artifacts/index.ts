/**
 * artifacts/ owns what a run's artifacts become on disk: selection by glob, the size limit,
 * and safe extraction of zips (yauzl) inside download-dir, with the worker threads that write
 * small entries (zip-writers.ts, zip-writer.cjs). It may import transport/ (to download) and
 * core/; never a remote, the relay or a host.
 */
export * from './store.js';
export * from './zip.js';
export * from './zip-writers.js';

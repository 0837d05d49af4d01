/** Types of src/zip-writer.cjs (plain CommonJS, so that a worker thread can start it alone). */
/**
 * Inflates `raw` (method 8: deflated, 0: stored) to exactly `size` bytes and writes them to
 * `target` without following a symlink there. Throws with `damaged: true` when the archive's
 * data is at fault; on any failure nothing of the file stays.
 */
export function writeEntry(target: string, raw: Uint8Array, method: number, size: number): void;
/** Opens `target` for writing (a new or emptied file) without following a symlink there: one planted at it is removed. */
export function openForWrite(target: string): number;

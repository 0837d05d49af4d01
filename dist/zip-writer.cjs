// @ts-check
/**
 * Writes one small zip entry to its file: inflates it to exactly its declared size and creates
 * the file with O_NOFOLLOW, so a symlink planted at the target never carries the write outside
 * (the folders are made and checked by src/artifacts.ts before). Creating thousands of files
 * costs the kernel more than inflating them, so src/zip-writers.ts runs this on worker threads
 * beside the main thread, and on the main thread too.
 *
 * Plain CommonJS with no imports of ours: ncc copies this file into dist/ as it is (it is found
 * through `new URL(…, import.meta.url)`), and a worker thread can start it alone. As a worker
 * (workerData.zipWriter) it takes { id, target, raw, method, size } messages, `raw`
 * transferred, answers { done: [id…], failed: [{ id, message, damaged, code… }…] }, and counts
 * the entries it ended in workerData.ended[0] as it goes.
 */
const fs = require('node:fs');
const zlib = require('node:zlib');
const { parentPort, workerData } = require('node:worker_threads');

const { O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW } = fs.constants;
const FLAGS = O_NOFOLLOW === undefined ? 'w' : O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW;

/**
 * Opens `target` for writing without following a symlink there: one planted at it is removed.
 * The same rule as src/core/files.ts openForWrite (the one every other write uses): a worker
 * thread runs this file alone, without the bundle.
 * @param {string} target
 */
function openForWrite(target) {
  try {
    if (O_NOFOLLOW === undefined && fs.lstatSync(target).isSymbolicLink()) fs.unlinkSync(target);
  } catch {
    // does not exist yet
  }
  try {
    return fs.openSync(target, FLAGS, 0o666);
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'ELOOP') throw err;
    fs.unlinkSync(target);
    return fs.openSync(target, FLAGS, 0o666);
  }
}

/**
 * The entry's bytes, checked against its declared size: that size bounds what inflation may
 * produce, so a lying entry cannot grow past it.
 * @param {Uint8Array} raw @param {number} method @param {number} size
 */
function inflate(raw, method, size) {
  let data;
  if (method === 0) data = raw;
  else {
    try {
      data = zlib.inflateRawSync(raw, {
        maxOutputLength: Math.max(1, size),
        chunkSize: Math.max(zlib.constants.Z_MIN_CHUNK, size + 64)
      });
    } catch (err) {
      const e = /** @type {NodeJS.ErrnoException} */ (err);
      throw Object.assign(
        new Error(
          e.code === 'ERR_BUFFER_TOO_LARGE' ? `too many bytes in the stream. expected ${size}.` : e.message
        ),
        { damaged: true }
      );
    }
  }
  if (data.length !== size)
    throw Object.assign(new Error(`expected ${size} bytes, got ${data.length}`), { damaged: true });
  return data;
}

/**
 * Inflates `raw` (method 8: deflated, 0: stored) and writes it to `target`. Throws with
 * `damaged` set when the archive's data is at fault; on any failure nothing of it stays there.
 * @param {string} target @param {Uint8Array} raw @param {number} method @param {number} size
 */
function writeEntry(target, raw, method, size) {
  const data = inflate(raw, method, size);
  const fd = openForWrite(target);
  try {
    fs.writeFileSync(fd, data);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(target, { force: true });
    throw err;
  }
  fs.closeSync(fd);
}

exports.writeEntry = writeEntry;
exports.openForWrite = openForWrite;

/**
 * Entries between two young-generation collections in a worker. Its garbage is almost all the
 * inflated entries' buffers, held outside V8's heap and freed only when their small wrappers
 * are collected, which V8 does late (the wrappers weigh little): measured in a relay run of a
 * 5,000-file artifact, collecting every 16 entries keeps the process's peak RSS about 15 MB
 * lower, and costs nothing measurable.
 */
const COLLECT_EVERY = 16;

/** V8's collector of the young generation, exposed for this thread (a no-op where it cannot be). */
function youngCollector() {
  try {
    require('node:v8').setFlagsFromString('--expose-gc');
    /** @type {(options: { type: string }) => void} */
    const gc = require('node:vm').runInNewContext('gc');
    return () => gc({ type: 'minor' });
  } catch {
    return () => {};
  }
}

if (parentPort && workerData?.zipWriter) {
  const port = parentPort;
  const collect = youngCollector();
  let written = 0;
  /** @type {Int32Array} */
  const ended = workerData.ended;
  /** Entries ended since the last reply: sent together once the queued messages are handled. */
  /** @type {number[]} */
  let done = [];
  /** @type {object[]} */
  let failed = [];
  const reply = () => {
    port.postMessage({ done, failed });
    done = [];
    failed = [];
  };
  port.on(
    'message',
    /** @param {{ id: number, target: string, raw: Uint8Array, method: number, size: number }} job */
    ({ id, target, raw, method, size }) => {
      // One reply for all the messages handled in this turn: a message costs more than a small file.
      if (!done.length && !failed.length) setImmediate(reply);
      try {
        writeEntry(target, raw, method, size);
        done.push(id);
      } catch (err) {
        const e = /** @type {NodeJS.ErrnoException & { damaged?: boolean }} */ (err);
        failed.push({
          id,
          message: e.message,
          code: e.code,
          syscall: e.syscall,
          path: e.path,
          damaged: !!e.damaged
        });
      }
      Atomics.add(ended, 0, 1);
      if (++written % COLLECT_EVERY === 0) collect();
    }
  );
}

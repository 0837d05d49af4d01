export const id = 184;
export const ids = [184];
export const modules = {

/***/ 6097:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Hu: () => (/* binding */ SYSTEM_NAMES),
/* harmony export */   LB: () => (/* binding */ SYSTEMS),
/* harmony export */   ep: () => (/* binding */ hostInputs),
/* harmony export */   mc: () => (/* binding */ INPUTS),
/* harmony export */   pD: () => (/* binding */ envName),
/* harmony export */   py: () => (/* binding */ OUTPUTS),
/* harmony export */   pz: () => (/* binding */ inputsFor),
/* harmony export */   xQ: () => (/* binding */ camelCase)
/* harmony export */ });
/**
 * The public names of CONTRACT.md, in one place: settings, the CLI's flags and help, and the
 * tests that check action.yml and task.json all read this table.
 */
const SYSTEMS = ['gitlab', 'gocd', 'gearset'];
/** Each system's name as people write it, in messages and the summary. */
const SYSTEM_NAMES = {
    gitlab: 'GitLab',
    gocd: 'GoCD',
    gearset: 'Gearset'
};
const INPUTS = [
    { name: 'system', required: true, description: 'The remote CI system: gitlab, gocd or gearset.' },
    {
        name: 'url',
        description: 'Server root. Default https://gitlab.com for gitlab, https://api.gearset.com for gearset; required for gocd (https://host or https://host/go).'
    },
    {
        name: 'token',
        secret: true,
        description: 'GitLab access token, GoCD access token (bearer) or Gearset API token.'
    },
    { name: 'username', systems: ['gocd'], description: 'GoCD basic-auth user, instead of token.' },
    { name: 'password', secret: true, systems: ['gocd'], description: 'GoCD basic-auth password.' },
    {
        name: 'ca-cert',
        description: 'PEM text, or a path to a PEM file, trusted in addition to the system CAs.'
    },
    {
        name: 'tls-verify',
        default: 'true',
        description: 'false skips certificate checks (with a warning every run).'
    },
    {
        name: 'variables',
        description: 'Variables for the run: lines of KEY=VALUE, or a JSON/YAML map.'
    },
    {
        name: 'run',
        description: 'Attach to an existing run instead of triggering one (GitLab pipeline id, GoCD pipeline counter, Gearset run request id).'
    },
    {
        name: 'wait',
        default: 'true',
        description: 'false: trigger, set run-id and run-url, and succeed at once.'
    },
    { name: 'timeout', default: '1h', description: 'How long to wait: 90s, 45m, 1h30m, or plain seconds.' },
    {
        name: 'poll-interval',
        default: '10s',
        description: 'The longest gap between status polls (the first polls come sooner).'
    },
    {
        name: 'cancel-on-timeout',
        default: 'true',
        description: 'Cancel the remote run when timeout passes.'
    },
    {
        name: 'cancel-on-abort',
        default: 'true',
        description: 'Cancel the remote run when the calling job is cancelled.'
    },
    {
        name: 'log',
        default: 'stream',
        description: 'The remote log in this log: stream (live), on-failure (tail of failed jobs), none.'
    },
    {
        name: 'download-dir',
        default: 'ci-relay',
        description: 'Folder (relative to the working directory) for logs and artifacts.'
    },
    {
        name: 'artifacts',
        default: '**',
        description: 'Newline- or comma-separated globs of artifact paths to download; none downloads none.'
    },
    {
        name: 'success-on',
        default: 'success',
        description: 'Conclusions that count as success, comma-separated (e.g. success,partial).'
    },
    {
        name: 'max-artifact-size',
        default: '5GiB',
        description: 'The most artifacts may take on disk per run; past it the download stops with an error.'
    },
    {
        name: 'test-results',
        description: 'Globs of JUnit XML files among the downloaded artifacts to read as test results (GitLab also reads the pipeline test report); empty: off.'
    },
    {
        name: 'runs',
        description: "Several runs in one step: a YAML or JSON list, each item a map of these inputs for one run plus a unique name; items inherit the step's inputs (see Several runs)."
    },
    {
        name: 'fail-fast',
        default: 'false',
        description: 'With runs: cancel the other runs as soon as one ends unsuccessfully.'
    },
    {
        name: 'outputs-file',
        description: "A file among the downloaded artifacts (path or glob; the first match of the followed jobs) of KEY=VALUE lines (GitLab's dotenv form) or a JSON object: each key becomes a step output, all of them remote-outputs."
    },
    {
        name: 'project',
        systems: ['gitlab'],
        description: 'GitLab project: numeric id or group/sub/name path (required for gitlab).'
    },
    { name: 'ref', systems: ['gitlab'], description: 'GitLab branch or tag to create a pipeline on.' },
    {
        name: 'trigger-token',
        secret: true,
        systems: ['gitlab'],
        description: 'GitLab pipeline trigger token: create the pipeline through the trigger API.'
    },
    {
        name: 'job',
        systems: ['gitlab', 'gearset'],
        description: 'GitLab: a job name to follow (played if manual) or a numeric job id (played, retried or followed). Gearset: the CI or unit-test job id (required).'
    },
    {
        name: 'inputs',
        systems: ['gitlab'],
        description: 'GitLab pipeline inputs (spec:inputs, GitLab 18.1+; job_inputs when a manual job is played): lines of KEY=VALUE (strings), or a JSON/YAML map whose numbers, booleans and lists keep their types.'
    },
    {
        name: 'sha',
        systems: ['gitlab'],
        description: 'A full commit SHA: trigger nothing, wait for the pipeline GitLab creates for it (only on ref when given), and follow it.'
    },
    { name: 'pipeline', systems: ['gocd'], description: 'GoCD pipeline name (required for gocd).' },
    {
        name: 'materials',
        systems: ['gocd'],
        description: 'GoCD material revisions: lines of fingerprint=revision.'
    },
    {
        name: 'secret-variables',
        secret: true,
        systems: ['gocd'],
        description: 'Like variables, sent to GoCD as secure variables and masked.'
    },
    {
        name: 'update-materials',
        default: 'false',
        systems: ['gocd'],
        description: 'true: GoCD fetches materials before scheduling.'
    },
    {
        name: 'job-type',
        default: 'ci',
        systems: ['gearset'],
        description: 'Gearset job type: ci or unit-test.'
    },
    { name: 'commit', systems: ['gearset'], description: 'Source commit id to run the Gearset CI job on.' },
    {
        name: 'github-status',
        default: 'false',
        hosts: ['github'],
        description: 'GitHub only. true: mirror the remote run as a commit status (pending, then its end).'
    },
    {
        name: 'github-token',
        default: '${{ github.token }}',
        secret: true,
        hosts: ['github'],
        description: 'GitHub only. Token for github-status; it needs the statuses: write permission.'
    },
    {
        name: 'status-context',
        hosts: ['github'],
        description: "GitHub only. The commit status's context name (default ci-relay/<system>: <project, pipeline or job>)."
    }
];
const OUTPUTS = [
    {
        name: 'conclusion',
        description: 'success, failed, canceled, skipped, blocked, partial, timed_out or error.'
    },
    { name: 'status', description: "The remote system's own final status word." },
    { name: 'run-id', description: 'GitLab pipeline id, GoCD pipeline/counter, Gearset run request id.' },
    { name: 'run-url', description: "The run's page in the remote system's web UI." },
    {
        name: 'jobs',
        description: 'JSON array of {name,id,stage,status,conclusion,url,log,artifacts}.'
    },
    {
        name: 'log-file',
        description: 'Path of the log of the followed job (the first failed one when several).'
    },
    { name: 'download-dir', description: 'Absolute path of the folder holding logs and artifacts.' },
    { name: 'duration', description: 'Seconds from trigger to the end.' },
    {
        name: 'tests',
        description: 'JSON totals of the test results read: {total,passed,failed,skipped,errors,time}; empty when none.'
    },
    {
        name: 'failed-tests',
        description: 'The number of failed (and errored) tests; empty when no test results were read.'
    },
    {
        name: 'runs',
        description: 'With runs: JSON array, one entry per run with its name and every output above.'
    },
    {
        name: 'remote-outputs',
        description: 'JSON object of the values read from outputs-file; empty when none.'
    }
];
/** `poll-interval` → `pollInterval` (Azure's names). */
function camelCase(name) {
    return name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
}
/** `poll-interval` → `CI_RELAY_POLL_INTERVAL` (the CLI's environment). */
function envName(name) {
    return `CI_RELAY_${name.replace(/-/g, '_').toUpperCase()}`;
}
/** The inputs a host reads; the others it ignores (GitHub-only inputs on Azure or the CLI). */
function inputsFor(host) {
    return INPUTS.filter((i) => !i.hosts || i.hosts.includes(host));
}
/** An input reader for a host: inputs that host does not read are unset there. */
function hostInputs(host, read) {
    const names = new Set(inputsFor(host).map((i) => i.name));
    return (name) => (names.has(name) ? read(name) : '');
}


/***/ }),

/***/ 1923:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   B2: () => (/* binding */ Deadline),
/* harmony export */   Eu: () => (/* binding */ untilAborted),
/* harmony export */   Fh: () => (/* binding */ graceWindow),
/* harmony export */   Js: () => (/* binding */ abortReason),
/* harmony export */   YA: () => (/* binding */ seconds),
/* harmony export */   yy: () => (/* binding */ sleep)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3828);

/**
 * The one deadline of a step: `timeout` from the start, carried by every wait (trigger, polls,
 * log reads, backoffs, Retry-After pauses, downloads) through `signal`. It aborts with a
 * DeadlineError when the time passes and with an AbortedError when the calling job is
 * cancelled, so whoever catches the abort can tell the two apart.
 */
class Deadline {
    timeoutMs;
    at;
    controller = new AbortController();
    timer;
    constructor(timeoutMs, cancelled, now = Date.now()) {
        this.timeoutMs = timeoutMs;
        this.at = now + timeoutMs;
        const onCancel = () => this.controller.abort(new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .AbortedError */ .oM());
        if (cancelled.aborted)
            onCancel();
        else
            cancelled.addEventListener('abort', onCancel, { once: true });
        this.timer = setTimeout(() => this.controller.abort(new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DeadlineError */ .j3(`The run did not end within ${seconds(timeoutMs)}s.`)), Math.max(0, this.at - now));
        // Nothing else may be left to do when it fires: it must not hold the process open.
        this.timer.unref();
    }
    get signal() {
        return this.controller.signal;
    }
    get passed() {
        return this.signal.reason instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DeadlineError */ .j3 || Date.now() >= this.at;
    }
    get cancelled() {
        return this.signal.reason instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .AbortedError */ .oM;
    }
    remainingMs() {
        return Math.max(0, this.at - Date.now());
    }
    dispose() {
        clearTimeout(this.timer);
    }
}
/** A short, bounded window of its own (cancelling a run after a timeout or an abort). */
function graceWindow(ms) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DeadlineError */ .j3(`The cancel did not end within ${seconds(ms)}s.`)), ms);
    timer.unref();
    return { signal: controller.signal, at: Date.now() + ms };
}
/** What an aborted signal says: ours carry an AbortedError or a DeadlineError; anything else is a cancel. */
function abortReason(signal) {
    const reason = signal.reason;
    return reason instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .DeadlineError */ .j3 || reason instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .AbortedError */ .oM ? reason : new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .AbortedError */ .oM();
}
function seconds(ms) {
    return Math.round(ms / 1000);
}
/** Rejects with the signal's reason (a DeadlineError or an AbortedError) when it aborts first. */
function sleep(ms, signal) {
    return new Promise((resolve, reject) => {
        if (signal?.aborted)
            return reject(abortReason(signal));
        const timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, ms);
        const onAbort = () => {
            clearTimeout(timer);
            reject(abortReason(signal));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
    });
}
/** Rejects with the abort's reason as soon as `signal` aborts, without waiting for a slow answer. */
function untilAborted(promise, signal) {
    if (!signal)
        return promise;
    if (signal.aborted)
        return Promise.reject(abortReason(signal));
    return new Promise((resolve, reject) => {
        const onAbort = () => reject(abortReason(signal));
        signal.addEventListener('abort', onAbort, { once: true });
        promise.then((v) => {
            signal.removeEventListener('abort', onAbort);
            resolve(v);
        }, (e) => {
            signal.removeEventListener('abort', onAbort);
            reject(e);
        });
    });
}


/***/ }),

/***/ 2164:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Pm: () => (/* binding */ openForWrite),
/* harmony export */   SC: () => (/* binding */ copyFileNoFollow),
/* harmony export */   Ym: () => (/* binding */ FoldersInside),
/* harmony export */   qI: () => (/* binding */ writeFileNoFollow)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/**
 * Files ci-relay writes where others may have planted links (the download folder: job logs,
 * artifacts, test-result copies; the result file): the one place that creates a file for
 * writing without following a symlink, and makes folders that stay inside their root.
 * The zip-writer worker thread (artifacts/zip-writer.cjs) runs alone and cannot import this:
 * it keeps the same rule in its own openForWrite, for the files it writes itself.
 */


const { O_WRONLY, O_CREAT, O_TRUNC, O_APPEND, O_NOFOLLOW } = node_fs__WEBPACK_IMPORTED_MODULE_0__.constants;
/**
 * Opens `target` for writing (truncated, or appended to) without following a symlink there:
 * one planted at it is removed and a plain file made in its place (O_NOFOLLOW where the system
 * has it; elsewhere, Windows, the link is looked for and removed first).
 */
function openForWrite(target, append = false) {
    const flags = O_NOFOLLOW === undefined
        ? append
            ? 'a'
            : 'w'
        : O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC) | O_NOFOLLOW;
    try {
        if (O_NOFOLLOW === undefined && node_fs__WEBPACK_IMPORTED_MODULE_0__.lstatSync(target).isSymbolicLink())
            node_fs__WEBPACK_IMPORTED_MODULE_0__.unlinkSync(target);
    }
    catch {
        // does not exist yet
    }
    try {
        return node_fs__WEBPACK_IMPORTED_MODULE_0__.openSync(target, flags, 0o666);
    }
    catch (err) {
        if (err.code !== 'ELOOP')
            throw err;
        node_fs__WEBPACK_IMPORTED_MODULE_0__.unlinkSync(target);
        return node_fs__WEBPACK_IMPORTED_MODULE_0__.openSync(target, flags, 0o666);
    }
}
/** Writes `data` to `target` as a file of its own: a symlink planted there is replaced, not followed. */
function writeFileNoFollow(target, data) {
    const fd = openForWrite(target);
    try {
        node_fs__WEBPACK_IMPORTED_MODULE_0__.writeFileSync(fd, data);
    }
    finally {
        node_fs__WEBPACK_IMPORTED_MODULE_0__.closeSync(fd);
    }
}
/** Copies `source` to `target` without following a symlink planted at `target`. */
function copyFileNoFollow(source, target) {
    const from = node_fs__WEBPACK_IMPORTED_MODULE_0__.openSync(source, 'r');
    try {
        const to = openForWrite(target);
        try {
            const buf = Buffer.allocUnsafe(1024 * 1024);
            for (;;) {
                const n = node_fs__WEBPACK_IMPORTED_MODULE_0__.readSync(from, buf, 0, buf.length, null);
                if (n === 0)
                    break;
                for (let off = 0; off < n;)
                    off += node_fs__WEBPACK_IMPORTED_MODULE_0__.writeSync(to, buf, off, n - off);
            }
        }
        finally {
            node_fs__WEBPACK_IMPORTED_MODULE_0__.closeSync(to);
        }
    }
    finally {
        node_fs__WEBPACK_IMPORTED_MODULE_0__.closeSync(from);
    }
}
/**
 * Folders made under one root, each level at a time and without recursion (any depth): a level
 * that exists already must resolve inside the root, so a folder planted as a symlink never
 * carries a write, or even a mkdir, outside. Levels made or checked are remembered.
 */
class FoldersInside {
    root;
    known = new Set();
    realRoot;
    constructor(root) {
        this.root = root;
    }
    /**
     * Makes `folder` and the folders between it and the root; false when it is not under the root
     * or a level leads outside. File system errors (ENAMETOOLONG, ENOSPC, …) are thrown as they are.
     */
    ensure(folder) {
        if (this.known.has(folder))
            return true;
        if (this.realRoot === undefined) {
            node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync(this.root, { recursive: true });
            this.realRoot = node_fs__WEBPACK_IMPORTED_MODULE_0__.realpathSync(this.root);
        }
        const rel = node_path__WEBPACK_IMPORTED_MODULE_1__.relative(this.root, folder);
        if (rel === '')
            return true;
        if (rel === '..' || rel.startsWith(`..${node_path__WEBPACK_IMPORTED_MODULE_1__.sep}`) || node_path__WEBPACK_IMPORTED_MODULE_1__.isAbsolute(rel))
            return false;
        // The deepest level known already, then each level below it in turn.
        const parts = rel.split(node_path__WEBPACK_IMPORTED_MODULE_1__.sep);
        let level = parts.length;
        let at = folder;
        while (level > 0 && !this.known.has(at)) {
            level--;
            at = node_path__WEBPACK_IMPORTED_MODULE_1__.dirname(at);
        }
        for (; level < parts.length; level++) {
            at = `${at}${node_path__WEBPACK_IMPORTED_MODULE_1__.sep}${parts[level]}`;
            try {
                node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync(at);
            }
            catch (err) {
                if (err.code !== 'EEXIST')
                    throw err;
                let real;
                try {
                    real = node_fs__WEBPACK_IMPORTED_MODULE_0__.realpathSync(at);
                }
                catch {
                    // a dangling symlink
                }
                const back = real === undefined ? '..' : node_path__WEBPACK_IMPORTED_MODULE_1__.relative(this.realRoot, real);
                if (back === '..' || back.startsWith(`..${node_path__WEBPACK_IMPORTED_MODULE_1__.sep}`) || node_path__WEBPACK_IMPORTED_MODULE_1__.isAbsolute(back))
                    return false;
            }
            this.known.add(at);
        }
        return true;
    }
}


/***/ }),

/***/ 8717:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   I: () => (/* binding */ exitCode),
/* harmony export */   x: () => (/* binding */ annotationText)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3828);

/** An annotation as one plain line, for hosts that have no annotations of their own. */
function annotationText(a) {
    const where = a.file ? ` (${a.file}${a.line ? `:${a.line}` : ''})` : '';
    return `${a.title}${where}: ${a.message}`;
}
/** CONTRACT.md, "Exit status". */
function exitCode(outcome) {
    if (outcome.error) {
        if (outcome.error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz)
            return 2;
        if (outcome.error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .AbortedError */ .oM)
            return 1;
        if (outcome.error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .RemoteError */ .Hi)
            return 4;
        return 4;
    }
    const { result } = outcome;
    if (result.accepted)
        return 0;
    if (result.conclusion === 'timed_out')
        return 3;
    if (result.conclusion === 'error')
        return 4;
    return 1;
}


/***/ }),

/***/ 2802:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   d6: () => (/* binding */ StreamRedactor),
/* harmony export */   pO: () => (/* binding */ Redactor)
/* harmony export */ });
/* unused harmony export wireForms */
/**
 * Every form a secret takes on the wire, so a server echoing it back is masked too: as it is,
 * inside JSON, URL-encoded (as a path or query part, and as a form field: `+` for a space,
 * `!'()*~` escaped too), with lower-case escapes as some servers write them.
 */
function wireForms(text) {
    const forms = new Set([
        text,
        JSON.stringify(text).slice(1, -1),
        encodeURIComponent(text),
        new URLSearchParams([['', text]]).toString().slice(1)
    ]);
    for (const form of [...forms]) {
        if (/%[0-9A-F]{2}/.test(form))
            forms.add(form.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
    }
    return [...forms];
}
/**
 * Scrubs secrets from everything ci-relay writes, in every host. GitHub and Azure mask
 * registered secrets too, but the CLI has no such help, and defence in depth costs little.
 */
class Redactor {
    secrets = new Set();
    add(value) {
        if (!value)
            return;
        for (const part of [value, ...value.split(/\r?\n/)]) {
            // Very short values would mask ordinary words; GitHub skips them too.
            const text = part.trim();
            if (text.length < 3)
                continue;
            for (const form of wireForms(text))
                this.secrets.add(form);
        }
    }
    get values() {
        return [...this.secrets];
    }
    redact(text) {
        let out = text;
        // Longest first, so a secret that contains another is masked whole.
        for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) {
            if (out.includes(s))
                out = out.split(s).join('***');
        }
        return out;
    }
}
const MASK = Buffer.from('***');
/**
 * Masks secrets in a stream of bytes whose chunks may cut a secret in two: the bytes that
 * could begin a secret are held back until the next chunk (or the end) shows whether they do.
 */
class StreamRedactor {
    held = Buffer.alloc(0);
    secrets;
    longest;
    constructor(secrets) {
        this.secrets = secrets.map((s) => Buffer.from(s)).sort((a, b) => b.length - a.length);
        this.longest = this.secrets[0]?.length ?? 0;
    }
    /** The chunk's bytes that are safe to write now. */
    push(chunk) {
        if (!this.longest)
            return chunk;
        return this.scan(this.held.length ? Buffer.concat([this.held, chunk]) : chunk, false);
    }
    /** What was held back, once nothing more will come. */
    end() {
        return this.scan(this.held, true);
    }
    scan(data, final) {
        const cut = final ? data.length : Math.max(0, data.length - (this.longest - 1));
        const out = [];
        // Each secret's next occurrence at or after `i`, searched again only once `i` passed it:
        // every byte is searched once per secret however many secrets the data holds (linear).
        const next = this.secrets.map((s) => data.indexOf(s));
        let i = 0;
        for (;;) {
            let at = -1;
            let length = 0;
            for (let k = 0; k < this.secrets.length; k++) {
                if (next[k] >= 0 && next[k] < i)
                    next[k] = data.indexOf(this.secrets[k], i);
                const p = next[k];
                if (p >= 0 && (at < 0 || p < at))
                    [at, length] = [p, this.secrets[k].length];
            }
            if (at < 0 || at >= cut)
                break;
            out.push(data.subarray(i, at), MASK);
            i = at + length;
        }
        const end = Math.max(i, cut);
        out.push(data.subarray(i, end));
        this.held = Buffer.from(data.subarray(end));
        return out.length === 1 ? out[0] : Buffer.concat(out);
    }
}


/***/ }),

/***/ 8184:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  CANCEL_GRACE_MS: () => (/* reexport */ CANCEL_GRACE_MS),
  Reporting: () => (/* reexport */ Reporting),
  SYSTEM_NAMES: () => (/* reexport */ inputs/* SYSTEM_NAMES */.Hu),
  cancelSeveral: () => (/* reexport */ cancelSeveral),
  connect: () => (/* reexport */ connect),
  graceWindow: () => (/* reexport */ core_deadline/* graceWindow */.Fh),
  hostInputs: () => (/* reexport */ inputs/* hostInputs */.ep),
  readSettings: () => (/* reexport */ readSettings),
  relay: () => (/* reexport */ relay),
  relaySeveral: () => (/* reexport */ relaySeveral),
  setOutputs: () => (/* reexport */ setOutputs),
  setSeveralOutputs: () => (/* reexport */ setSeveralOutputs),
  severalSummaryMarkdown: () => (/* reexport */ severalSummaryMarkdown),
  summaryMarkdown: () => (/* reexport */ summaryMarkdown)
});

// EXTERNAL MODULE: ./lib/core/deadline.js
var core_deadline = __webpack_require__(1923);
// EXTERNAL MODULE: ./lib/core/errors.js
var errors = __webpack_require__(3828);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
// EXTERNAL MODULE: external "node:stream/promises"
var promises_ = __webpack_require__(6466);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(7975);
// EXTERNAL MODULE: ./node_modules/minimatch/dist/esm/index.js + 8 modules
var esm = __webpack_require__(1138);
// EXTERNAL MODULE: ./node_modules/yauzl/index.js
var yauzl = __webpack_require__(663);
;// CONCATENATED MODULE: ./lib/artifacts/zip.js
/**
 * Reading a zip on disk through yauzl with few system calls: yauzl asks its reader for every
 * central-directory record and local header separately (two or three reads per entry, each a
 * round trip to the thread pool), so this reader answers small reads from a few cached windows
 * of the file, and streams entry data in 1 MiB reads instead of 16 KiB ones. A small entry is
 * read whole, as packed, for src/zip-writers.ts to inflate and write in one go, instead of
 * through a chain of five streams; a large stored one is read in chunks into one reused buffer.
 */



/** One read of this size serves the headers of hundreds of entries, and small entries' data. */
const WINDOW_BYTES = 512 * 1024;
/** Windows kept: enough for the central directory plus the entries being extracted at once. */
const WINDOWS = 8;
/** Reads up to this size go through a window; larger ones straight to the file. */
const CACHED_READ_MAX = 128 * 1024;
const STREAM_CHUNK = 1024 * 1024;
/** An entry this small (packed and unpacked) is read, inflated and written whole, in memory. */
const SMALL_ENTRY_PACKED = 128 * 1024;
const SMALL_ENTRY_BYTES = 1024 * 1024;
const isSmallEntry = (entry) => entry.uncompressedSize <= SMALL_ENTRY_BYTES && entry.compressedSize <= SMALL_ENTRY_PACKED;
/** yauzl's RandomAccessReader (its documented extension point) over one file descriptor. */
class WindowedReader extends yauzl.RandomAccessReader {
    fd;
    size;
    windows = [];
    /** Reads still on the thread pool: the fd is closed only once they are back. */
    pending = 0;
    closing;
    constructor(fd, size) {
        super();
        this.fd = fd;
        this.size = size;
    }
    _readStreamForRange(start, end) {
        // Not fs.createReadStream: destroying it (as pipeline does at the end of each entry) closes
        // the fd, under the entries still being read.
        let position = start;
        // eslint-disable-next-line @typescript-eslint/no-this-alias
        const reader = this;
        return new external_node_stream_.Readable({
            highWaterMark: STREAM_CHUNK,
            read: function () {
                const n = Math.min(STREAM_CHUNK, end - position);
                if (n <= 0)
                    return void this.push(null);
                const buf = Buffer.allocUnsafe(n);
                reader.pread(buf, 0, n, position, (err, got) => {
                    if (err)
                        return void this.destroy(err);
                    if (!got)
                        return void this.destroy(new Error('unexpected EOF'));
                    position += got;
                    this.push(got < n ? buf.subarray(0, got) : buf);
                });
            }
        });
    }
    read(buffer, offset, length, position, callback) {
        if (length > CACHED_READ_MAX)
            return this.pread(buffer, offset, length, position, callback);
        const w = this.window(position, length);
        w.data.then((data) => {
            const from = position - w.start;
            const n = Math.max(0, Math.min(length, data.length - from));
            data.copy(buffer, offset, from, from + n);
            callback(null, n);
        }, (err) => callback(err));
    }
    /** Reads exactly `buffer.length` bytes at `position`. */
    readExactly(buffer, position) {
        if (!buffer.length)
            return Promise.resolve();
        return new Promise((resolve, reject) => this.read(buffer, 0, buffer.length, position, (err, n) => err ? reject(err) : n !== buffer.length ? reject(new Error('unexpected EOF')) : resolve()));
    }
    pread(buffer, offset, length, position, callback) {
        this.pending++;
        external_node_fs_.read(this.fd, buffer, offset, length, position, (err, n) => {
            this.pending--;
            if (!this.pending && this.closing) {
                const close = this.closing;
                this.closing = undefined;
                close();
            }
            callback(err, n);
        });
    }
    close(callback) {
        this.windows = [];
        const close = () => external_node_fs_.close(this.fd, callback);
        if (this.pending)
            this.closing = close;
        else
            close();
    }
    found(position, length) {
        return this.windows.find((w) => w.start <= position && position + length <= Math.min(this.size, w.start + WINDOW_BYTES));
    }
    window(position, length) {
        const hit = this.found(position, length);
        if (hit) {
            // Most recently used last: the oldest is the one to drop.
            this.windows.splice(this.windows.indexOf(hit), 1);
            this.windows.push(hit);
            return hit;
        }
        const bytes = Math.max(length, Math.min(WINDOW_BYTES, this.size - position));
        const data = new Promise((resolve, reject) => {
            const buf = Buffer.allocUnsafe(bytes);
            external_node_fs_.read(this.fd, buf, 0, bytes, position, (err, n) => err ? reject(err) : resolve(buf.subarray(0, n)));
        });
        const w = { start: position, data };
        this.windows.push(w);
        if (this.windows.length > WINDOWS)
            this.windows.shift();
        return w;
    }
}
/** Opens a zip on disk; names are left undecoded (the caller checks them, entry by entry). */
async function openZip(file) {
    const fd = await new Promise((resolve, reject) => external_node_fs_.open(file, 'r', (err, f) => (err ? reject(err) : resolve(f))));
    let reader;
    let zip;
    try {
        const size = external_node_fs_.fstatSync(fd).size;
        reader = new WindowedReader(fd, size);
        zip = await new Promise((resolve, reject) => yauzl.fromRandomAccessReader(reader, size, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (err, z) => (err ? reject(err) : resolve(z))));
    }
    catch (err) {
        external_node_fs_.closeSync(fd);
        throw err;
    }
    return {
        zip,
        nextEntry: () => new Promise((resolve, reject) => {
            const onEntry = (e) => {
                zip.off('end', onEnd);
                zip.off('error', onError);
                resolve(e);
            };
            const onEnd = () => {
                zip.off('entry', onEntry);
                zip.off('error', onError);
                resolve(undefined);
            };
            const onError = (err) => {
                zip.off('entry', onEntry);
                zip.off('end', onEnd);
                reject(err);
            };
            zip.once('entry', onEntry);
            zip.once('end', onEnd);
            zip.once('error', onError);
            zip.readEntry();
        }),
        async readPacked(entry) {
            if (entry.isEncrypted())
                throw new Error('entry is encrypted');
            if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8)
                throw new Error(`unsupported compression method: ${entry.compressionMethod}`);
            const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true });
            // Its own ArrayBuffer (not a slice of Node's shared pool), so that it can be handed to a thread.
            const raw = Buffer.allocUnsafeSlow(entry.compressedSize);
            await reader.readExactly(raw, fileDataStart);
            return raw;
        },
        async *storedChunks(entry) {
            if (entry.isEncrypted())
                throw new Error('entry is encrypted');
            if (entry.compressionMethod !== 0)
                throw new Error('entry is not stored');
            if (entry.compressedSize !== entry.uncompressedSize)
                throw new Error(`compressed/uncompressed size mismatch for stored file: ${entry.compressedSize} != ${entry.uncompressedSize}`);
            const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true });
            // As yauzl's own openReadStream checks.
            if (fileDataStart + entry.compressedSize > zip.fileSize)
                throw new Error(`file data overflows file bounds: ${fileDataStart} + ${entry.compressedSize} > ${zip.fileSize}`);
            const buf = Buffer.allocUnsafeSlow(Math.min(STREAM_CHUNK, Math.max(1, entry.uncompressedSize)));
            for (let done = 0; done < entry.uncompressedSize;) {
                const chunk = buf.subarray(0, Math.min(buf.length, entry.uncompressedSize - done));
                await reader.readExactly(chunk, fileDataStart + done);
                done += chunk.length;
                yield chunk;
            }
        },
        openStream: (entry) => new Promise((resolve, reject) => zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s)))),
        close: () => zip.close()
    };
}

// EXTERNAL MODULE: external "node:module"
var external_node_module_ = __webpack_require__(8995);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:worker_threads"
var external_node_worker_threads_ = __webpack_require__(5919);
;// CONCATENATED MODULE: ./lib/artifacts/zip-writers.js
/**
 * Small zip entries inflated and written on every core (issue 14): an archive of thousands of
 * files costs its inflation and, as much again, the kernel's work creating the files, which one
 * thread does one file at a time. So entries go to worker threads running src/zip-writer.cjs,
 * one per core but the main thread's, and the main thread writes one itself whenever each
 * worker already has enough queued to stay busy while it does. Workers start on the first
 * entry that needs one and end with `close()`.
 */



const { writeEntry } = (0,external_node_module_.createRequire)(import.meta.url)('./zip-writer.cjs');
/** Entries queued on a worker before the main thread takes the next one itself. */
const QUEUED_PER_WORKER = 8;
/** A failure inside the archive's data (not the disk's): the caller reports the archive as damaged. */
class DamagedEntryError extends Error {
}
const backlog = (lane) => lane.sent - Atomics.load(lane.ended, 0);
class ZipWriters {
    threads;
    lanes = [];
    pending = new Map();
    nextId = 0;
    closed = false;
    /** Entries written by worker threads, and by the main thread. */
    counts = { workers: 0, here: 0 };
    /** `threads` worker threads at most, by default one per core but the main thread's. */
    constructor(threads = external_node_os_.availableParallelism() - 1) {
        this.threads = threads;
    }
    /**
     * Inflates `raw` (deflated when `method` is 8, stored when 0) to exactly `bytes` bytes and
     * writes them to `target`, whose folder exists and was checked. `raw` may be handed over to a
     * thread and be unusable afterwards; one that owns its whole ArrayBuffer
     * (Buffer.allocUnsafeSlow) is handed over without a copy.
     */
    async write(target, raw, method, bytes) {
        if (this.closed)
            throw new Error('the zip writers are closed');
        const lane = this.laneWithRoom();
        if (!lane)
            return this.here(target, raw, method, bytes);
        this.counts.workers++;
        const id = this.nextId++;
        lane.queued.add(id);
        lane.sent++;
        // Handing over a slice of a shared buffer would take the rest of it away from its owners.
        const own = raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength ? raw : new Uint8Array(raw);
        return new Promise((resolve, reject) => {
            this.pending.set(id, { resolve, reject });
            lane.worker.postMessage({ id, target, raw: own, method, size: bytes }, [own.buffer]);
        });
    }
    /** Ends the threads; entries still being written are awaited by their callers first. */
    async close() {
        this.closed = true;
        await Promise.all(this.lanes.splice(0).map((l) => l.worker.terminate()));
    }
    here(target, raw, method, bytes) {
        this.counts.here++;
        try {
            writeEntry(target, raw, method, bytes);
        }
        catch (err) {
            throw err.damaged ? new DamagedEntryError(err.message) : err;
        }
    }
    /** The least busy worker if it has room in its queue (one is started while fewer run), else none. */
    laneWithRoom() {
        let best;
        for (const l of this.lanes)
            if (!best || backlog(l) < backlog(best))
                best = l;
        if (best && backlog(best) === 0)
            return best;
        if (this.lanes.length < this.threads)
            return this.start();
        return best && backlog(best) < QUEUED_PER_WORKER ? best : undefined;
    }
    start() {
        const ended = new Int32Array(new SharedArrayBuffer(4));
        const worker = new external_node_worker_threads_.Worker(__webpack_require__.ab + "zip-writer.cjs", {
            workerData: { zipWriter: true, ended }
        });
        const lane = { worker, queued: new Set(), sent: 0, ended };
        this.lanes.push(lane);
        worker.on('message', ({ done, failed }) => {
            for (const id of done)
                this.end(lane, id)?.resolve();
            for (const { id, damaged, message, ...errno } of failed) {
                const err = damaged ? new DamagedEntryError(message) : Object.assign(new Error(message), errno);
                this.end(lane, id)?.reject(err);
            }
        });
        const fail = (err) => {
            for (const id of [...lane.queued])
                this.end(lane, id)?.reject(err);
        };
        worker.on('error', fail);
        worker.on('exit', (code) => {
            if (!this.closed)
                fail(new Error(`a zip writer thread stopped (exit code ${code})`));
        });
        return lane;
    }
    end(lane, id) {
        const p = this.pending.get(id);
        lane.queued.delete(id);
        this.pending.delete(id);
        return p;
    }
}

// EXTERNAL MODULE: ./lib/core/files.js
var core_files = __webpack_require__(2164);
;// CONCATENATED MODULE: ./lib/core/names.js

/**
 * Windows' device names, with any extension, on every system (Azure and Jenkins agents run
 * Windows): CON, PRN, AUX, NUL, COM0–9 and LPT0–9 with the superscript digits ¹²³ too, CONIN$,
 * CONOUT$ (learn.microsoft.com, "Naming Files, Paths, and Namespaces"). Windows ignores the
 * spaces and dots that end the part before the extension.
 */
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)[. ]*$/i;
/** Characters no Windows name may hold, and controls (C0, DEL, C1). */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\x00-\x1f<>:"/\\|?*\x7f-\x9f]/g;
/** Longest job name made, in UTF-8 bytes: file systems count bytes (255 on most), and `.log` follows. */
const MAX_NAME_BYTES = 120;
/** The longest name any common file system holds, in UTF-8 bytes. */
const MAX_SEGMENT_BYTES = 255;
/** Longest path the file systems ci-relay writes to take (Linux's PATH_MAX less its NUL), in bytes. */
const MAX_PATH_BYTES = 4095;
/** A path no file system can hold: a name longer than MAX_SEGMENT_BYTES, or the whole past MAX_PATH_BYTES. */
function pathTooLong(target) {
    return (Buffer.byteLength(target) > MAX_PATH_BYTES ||
        target.split(external_node_path_.sep).some((name) => Buffer.byteLength(name) > MAX_SEGMENT_BYTES));
}
/** The longest start of `text` that fits in `maxBytes` of UTF-8, never splitting a character. */
function cutToBytes(text, maxBytes) {
    let out = '';
    let bytes = 0;
    for (const ch of text) {
        const n = Buffer.byteLength(ch);
        if (bytes + n > maxBytes)
            break;
        out += ch;
        bytes += n;
    }
    return out;
}
/**
 * The one rule for a name (a job's file, or one folder or file of an artifact's path) that every
 * file system takes, Windows' too: the characters it forbids and controls become `_`, a device
 * name gets a `_` before it, a name ending in a dot or space gets `_` after it. `.` and `..`
 * are not names: callers refuse them first. Returns a non-empty name.
 */
function safeSegment(name) {
    let out = name.replace(FORBIDDEN, '_').replace(/[. ]+$/, '_');
    if (!out)
        out = '_';
    if (RESERVED.test(out.split('.')[0]) || RESERVED.test(out))
        out = `_${out}`;
    return out;
}
/** A job name made safe as a file or folder name on every file system. */
function safeFileName(name) {
    const cut = cutToBytes(name.normalize('NFC').replace(FORBIDDEN, '_').replace(/\s+/g, '_'), MAX_NAME_BYTES)
        .replace(/^\.+/, '_')
        .replace(/[. ]+$/, '_');
    return safeSegment(cut);
}
/** Gives each job a file name of its own: the second job called `build` becomes `build-<key>`. */
class JobNames {
    dir;
    byKey = new Map();
    taken = new Set();
    constructor(dir) {
        this.dir = dir;
    }
    name(key, jobName) {
        const known = this.byKey.get(key);
        if (known)
            return known;
        const base = safeFileName(jobName);
        // The suffix must survive the length cut, or long names would never become unique.
        const withSuffix = (suffix) => safeFileName(`${cutToBytes(base, MAX_NAME_BYTES - Buffer.byteLength(suffix))}${suffix}`);
        const keyPart = cutToBytes(safeFileName(key), 40);
        let name = base;
        if (this.taken.has(name.toLowerCase()))
            name = withSuffix(`-${keyPart}`);
        for (let i = 2; this.taken.has(name.toLowerCase()); i++)
            name = withSuffix(`-${keyPart}-${i}`);
        this.taken.add(name.toLowerCase());
        this.byKey.set(key, name);
        return name;
    }
    logPath(key, jobName) {
        return external_node_path_.join(this.dir, `${this.name(key, jobName)}.log`);
    }
}

;// CONCATENATED MODULE: ./lib/artifacts/store.js












/** An entry that inflates more than this many times its packed size is refused past ZIP_BOMB_MIN_BYTES. */
const MAX_COMPRESSION_RATIO = 1000;
const ZIP_BOMB_MIN_BYTES = 64 * 1024 * 1024;
/**
 * Large entries extracted at once. Their reads, inflation and writes run on libuv's thread
 * pool, so one per pool thread keeps the pool busy while the main thread checks the next names.
 */
const EXTRACT_CONCURRENCY = Math.max(1, Math.min(32, Number(process.env.UV_THREADPOOL_SIZE) || 4));
/**
 * Entries in flight at once when they are small (inflated and written whole by src/zip-writers.ts):
 * a queue deep enough that the writer threads never wait for the main thread, at most about
 * 4 MiB of packed bytes.
 */
const SMALL_IN_FLIGHT = 32;
const write = (0,external_node_util_.promisify)(external_node_fs_.write);
const store_close = (0,external_node_util_.promisify)(external_node_fs_.close);
/**
 * The artifacts of one run: selection, the size cap shared by all its jobs, safe paths.
 */
class ArtifactStore {
    root;
    maxBytes;
    warn;
    globs;
    used = 0;
    tempCounter = 0;
    /** Local files written, by job folder. */
    written = new Map();
    constructor(root, globs, maxBytes, warn) {
        this.root = root;
        this.maxBytes = maxBytes;
        this.warn = warn;
        this.globs = globs.map((g) => new esm/* Minimatch */.VR(g, { dot: true }));
    }
    get bytesWritten() {
        return this.used;
    }
    /** Paths must be relative and stay inside; `..`, absolute paths and drive letters are refused. */
    static safeJoin(root, relPath) {
        const rel = relPath.replace(/\\/g, '/');
        if (!rel || rel.includes('\0') || rel.startsWith('/') || /^[a-zA-Z]:/.test(rel))
            return undefined;
        const names = rel.split('/').filter((p) => p && p !== '.');
        if (!names.length || names.some((p) => p === '..'))
            return undefined;
        // Each name made one every file system takes (core/names.ts, the rule job names follow too).
        const parts = names.map(safeSegment);
        const full = `${root}${external_node_path_.sep}${parts.join(external_node_path_.sep)}`;
        const back = external_node_path_.relative(root, full);
        if (!back || back.startsWith('..') || external_node_path_.isAbsolute(back))
            return undefined;
        return full;
    }
    forJob(jobFolder) {
        const dir = ArtifactStore.safeJoin(external_node_path_.join(this.root, 'artifacts'), jobFolder);
        if (!dir)
            throw new errors/* RemoteError */.Hi(`The job name '${jobFolder}' cannot be made into a folder name.`);
        // eslint-disable-next-line @typescript-eslint/no-this-alias
        const store = this;
        const matches = (p) => this.globs.some((g) => g.match(p));
        // Thousands of entries share a few folders: each folder is matched once.
        const folderSelected = new Map();
        // Without recursion: a path may be any number of folders deep.
        const selectsFolder = (folder) => {
            const unknown = [];
            let hit = folderSelected.get(folder);
            for (let f = folder; hit === undefined;) {
                unknown.push(f);
                const up = f.lastIndexOf('/');
                if (up <= 0)
                    hit = false;
                else {
                    f = f.slice(0, up);
                    hit = folderSelected.get(f);
                }
            }
            for (let i = unknown.length - 1; i >= 0; i--) {
                hit = hit || matches(unknown[i]);
                folderSelected.set(unknown[i], hit);
            }
            return hit;
        };
        const selects = (p) => {
            const rel = p.replace(/\\/g, '/').split('/').filter(Boolean).join('/');
            if (!rel)
                return false;
            if (matches(rel))
                return true;
            const up = rel.lastIndexOf('/');
            return up > 0 && selectsFolder(rel.slice(0, up));
        };
        return {
            dir,
            selects,
            // minimatch's partial match wants the folder without a trailing slash.
            mayHold: (folder) => selects(folder) || this.globs.some((g) => g.match(folder.replace(/\/+$/, ''), true)),
            async downloadFile(http, urlPath, relPath, opts = {}) {
                const target = ArtifactStore.safeJoin(dir, relPath);
                if (!target)
                    return store.warn(`Skipped artifact '${relPath}': its path leaves the download folder.`);
                if (pathTooLong(target))
                    return store.warn(tooLongMessage(relPath));
                await store.prepare(target);
                const before = store.used;
                const tmp = `${target}.part`;
                // Whatever is there (a planted symlink would carry the write outside) goes first.
                external_node_fs_.rmSync(tmp, { force: true });
                let res;
                try {
                    res = await http.download(urlPath, tmp, { ...opts, limit: (n) => store.charge(before, n) });
                }
                catch (err) {
                    // Cut short for good (size cap, retries spent): no part of the file stays behind.
                    external_node_fs_.rmSync(tmp, { force: true });
                    throw err;
                }
                if (res.status !== 200 && res.status !== 206) {
                    // A status the caller accepts (e.g. 404): nothing to keep.
                    external_node_fs_.rmSync(tmp, { force: true });
                    return;
                }
                store.used = before + res.bytes;
                external_node_fs_.renameSync(tmp, target);
                store.record(dir, target);
            },
            async downloadZip(http, urlPath, prefix = '', opts = {}) {
                external_node_fs_.mkdirSync(store.root, { recursive: true });
                const tmp = external_node_path_.join(store.root, `.ci-relay-${process.pid}-${store.tempCounter++}.zip`);
                try {
                    external_node_fs_.rmSync(tmp, { force: true });
                    const before = store.used;
                    const res = await http.download(urlPath, tmp, { ...opts, limit: (n) => store.charge(before, n) });
                    if (res.status !== 200 && res.status !== 206)
                        return { status: res.status };
                    store.used = before;
                    await store.extract(tmp, dir, prefix, selects);
                    return { status: res.status };
                }
                finally {
                    external_node_fs_.rmSync(tmp, { force: true });
                }
            }
        };
    }
    charge(before, bytes) {
        if (before + bytes > this.maxBytes) {
            throw new errors/* ArtifactLimitError */._o(`Artifacts passed max-artifact-size (${formatBytes(this.maxBytes)}); the download was stopped.`);
        }
    }
    /** Folders made or checked already (each level once), never through a planted symlink. */
    folderMaker;
    async prepare(target) {
        this.ensureFolder(external_node_path_.dirname(target), target);
        try {
            if (external_node_fs_.lstatSync(target).isSymbolicLink())
                external_node_fs_.unlinkSync(target);
        }
        catch {
            // does not exist yet
        }
    }
    /**
     * Makes `folder` and the folders above it up to the download folder, one level at a time. A
     * folder or file planted as a symlink must not carry a write, or even a mkdir, outside: each
     * level that exists already must resolve inside; one this store made itself is inside.
     */
    ensureFolder(folder, target) {
        this.folderMaker ??= new core_files/* FoldersInside */.Ym(this.root);
        if (folder === this.root) {
            this.folderMaker.ensure(folder);
            return;
        }
        const back = external_node_path_.relative(this.root, folder);
        if (!back || back.startsWith('..') || external_node_path_.isAbsolute(back) || !this.folderMaker.ensure(folder))
            throw this.refuse(target);
    }
    refuse(target) {
        return new errors/* RemoteError */.Hi(`Refused to write '${target}': its folder leads outside the download folder.`);
    }
    record(dir, file) {
        const list = this.written.get(dir) ?? [];
        list.push(file);
        this.written.set(dir, list);
    }
    /**
     * Extracts the selected entries of a zip on disk, with every guard. Entries are checked,
     * and their bytes reserved against the size cap, one at a time in archive order; then up to
     * EXTRACT_CONCURRENCY of them are read, inflated and written at once. The first failure stops
     * new entries; those already started end (whole, or removed) before it is thrown.
     */
    async extract(zipFile, dir, prefix, selects) {
        // Names are decoded and checked here, not by yauzl: it would end the whole archive at the first bad one.
        const archive = await openZip(zipFile).catch((err) => {
            throw new errors/* RemoteError */.Hi(`The artifact archive is not a valid zip: ${err.message}`);
        });
        const seen = new Set();
        const writers = new ZipWriters();
        const running = new Set();
        let failure;
        try {
            for (;;) {
                const entry = await archive.nextEntry().catch((err) => {
                    throw damaged(err);
                });
                if (!entry || failure)
                    break;
                const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false)
                    .replace(/\\/g, '/');
                if (name.endsWith('/'))
                    continue;
                const rel = prefix ? `${prefix.replace(/\/$/, '')}/${name}` : name;
                // Checked before the globs: `**` never matches `..`, and a hostile name deserves a warning.
                const target = ArtifactStore.safeJoin(dir, rel);
                if (!target) {
                    this.warn(`Skipped artifact '${rel}': its path leaves the download folder.`);
                    continue;
                }
                if (pathTooLong(target)) {
                    this.warn(tooLongMessage(rel));
                    continue;
                }
                if (!selects(rel))
                    continue;
                const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
                if (mode === 0o120000) {
                    this.warn(`Skipped artifact '${rel}': it is a symbolic link.`);
                    continue;
                }
                if (seen.has(target)) {
                    this.warn(`Skipped artifact '${rel}': the archive holds that name twice.`);
                    continue;
                }
                seen.add(target);
                if (entry.uncompressedSize > ZIP_BOMB_MIN_BYTES &&
                    entry.uncompressedSize > MAX_COMPRESSION_RATIO * Math.max(entry.compressedSize, 1)) {
                    throw new errors/* ArtifactLimitError */._o(`Refused artifact '${rel}': it inflates ${Math.round(entry.uncompressedSize / Math.max(entry.compressedSize, 1))} times its packed size (a zip bomb?).`);
                }
                const base = this.used;
                this.charge(base, entry.uncompressedSize);
                try {
                    this.ensureFolder(external_node_path_.dirname(target), target);
                }
                catch (err) {
                    if (err.code !== 'ENAMETOOLONG')
                        throw err;
                    this.warn(tooLongMessage(rel));
                    continue;
                }
                // Reserved in archive order, so the cap stops at the same entry however many run at once.
                this.used = base + entry.uncompressedSize;
                // A large entry starts only while fewer than EXTRACT_CONCURRENCY run, so at most that many stream.
                const limit = isSmallEntry(entry) ? SMALL_IN_FLIGHT : EXTRACT_CONCURRENCY;
                while (running.size >= limit)
                    await Promise.race(running);
                if (failure) {
                    this.used -= entry.uncompressedSize;
                    break;
                }
                const task = this.extractEntry(archive, writers, entry, target, base).then(() => this.record(dir, target), (err) => {
                    this.used -= entry.uncompressedSize;
                    if (err.code === 'ENAMETOOLONG')
                        this.warn(tooLongMessage(rel));
                    else
                        failure ??= { err };
                });
                running.add(task);
                void task.finally(() => running.delete(task));
            }
        }
        finally {
            await Promise.all(running);
            archive.close();
            await writers.close();
        }
        if (failure)
            throw failure.err;
    }
    /**
     * A large stored entry: its bytes copied from the archive with one reused buffer, read and
     * written on the thread pool. Through streams, each 1 MiB chunk would be a new buffer, and a
     * gigabyte of them makes V8 collect its whole heap about every 64 MB.
     */
    async copyStored(archive, entry, target, base) {
        const fd = (0,core_files/* openForWrite */.Pm)(target);
        try {
            let n = 0;
            try {
                for await (const chunk of archive.storedChunks(entry)) {
                    this.charge(base, n + chunk.length);
                    await writeAt(fd, chunk, n);
                    n += chunk.length;
                }
            }
            catch (err) {
                throw asEntryError(err);
            }
            finally {
                await store_close(fd);
            }
        }
        catch (err) {
            // An entry cut short (size cap, damaged archive) is not left behind as if whole.
            discard(target);
            throw err;
        }
    }
    /** Writes one entry to `target`; on any failure nothing of it stays there. */
    async extractEntry(archive, writers, entry, target, base) {
        if (isSmallEntry(entry)) {
            const raw = await archive.readPacked(entry).catch((err) => {
                throw damaged(err);
            });
            // Inflated to exactly its declared size (already charged) or refused, and written, by a thread.
            await writers
                .write(target, raw, entry.compressionMethod, entry.uncompressedSize)
                .catch((err) => {
                throw err instanceof DamagedEntryError ? damaged(err) : err;
            });
            return;
        }
        if (entry.compressionMethod === 0)
            return this.copyStored(archive, entry, target, base);
        const input = await archive.openStream(entry).catch((err) => {
            throw damaged(err);
        });
        let n = 0;
        const meter = new external_node_stream_.Transform({
            transform: (chunk, _e, done) => {
                n += chunk.length;
                try {
                    this.charge(base, n);
                }
                catch (err) {
                    return done(err);
                }
                done(null, chunk);
            }
        });
        let out;
        try {
            out = external_node_fs_.createWriteStream('', { fd: (0,core_files/* openForWrite */.Pm)(target) });
        }
        catch (err) {
            input.destroy();
            throw err;
        }
        try {
            await (0,promises_.pipeline)(input, meter, out);
        }
        catch (err) {
            // An entry cut short (size cap, damaged archive) is not left behind as if whole.
            if (!out.closed)
                await new Promise((resolve) => out.once('close', () => resolve()));
            discard(target);
            throw asEntryError(err);
        }
    }
}
/** Writes all of `data` at `position` of the open file `fd`. */
async function writeAt(fd, data, position) {
    for (let off = 0; off < data.length;) {
        const { bytesWritten } = await write(fd, data, off, data.length - off, position + off);
        off += bytesWritten;
    }
}
function tooLongMessage(rel) {
    const shown = rel.length > 200 ? `${rel.slice(0, 200)}…` : rel;
    return `Skipped artifact '${shown}' (${rel.length} characters): its path is longer than a file system can hold (ENAMETOOLONG).`;
}
/** Removes what an entry or a download left half-written. */
function discard(file) {
    external_node_fs_.rmSync(file, { force: true });
}
function damaged(err) {
    return new errors/* RemoteError */.Hi(`The artifact archive is damaged: ${err.message}`);
}
/** What cut an entry short: ours (size cap) and the disk's errors as they are, else the archive's damage. */
function asEntryError(err) {
    return err instanceof errors/* RemoteError */.Hi || err.syscall ? err : damaged(err);
}
function formatBytes(n) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    let v = n;
    while (v >= 1024 && i < units.length - 1) {
        v /= 1024;
        i++;
    }
    return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}

// EXTERNAL MODULE: external "node:string_decoder"
var external_node_string_decoder_ = __webpack_require__(6193);
// EXTERNAL MODULE: ./lib/logs/redact.js
var redact = __webpack_require__(2802);
;// CONCATENATED MODULE: ./lib/logs/follower.js




/** Below this size a whole-log remote is read once a poll interval while it grows, so small logs stay live. */
const LIVE_WHOLE_LOG_BYTES = 64 * 1024;
/**
 * A small whole log that did not grow is read less often, up to this many poll intervals apart.
 * GitLab's runner sends the trace in increments: every 3 s while someone watches the job's page
 * in the web UI, else every 60 s (UPDATE_FREQUENCY_DEFAULT / _WHEN_BEING_WATCHED in
 * gitlabhq lib/gitlab/ci/trace.rb, told to the runner by X-GitLab-Trace-Update-Interval; only
 * Projects::JobsController#trace marks it watched, never the API), with gitlab-runner's own
 * floor of 3 s (UpdateInterval in common/consts.go): most reads at every poll find nothing new.
 */
const IDLE_LOG_POLLS = 3;
/** How many lines of a failed job's log `log: on-failure` shows. */
const FAILURE_TAIL_LINES = 200;
/** Bytes read back from a saved log at once when showing it. */
const READ_BACK = 256 * 1024;
/**
 * Reads each job's log as it grows, saves it to `<download-dir>/<job>.log` (secrets the remote
 * echoes are masked there too: a workflow may upload that folder), and (with
 * `log: stream`) shows it live, one group per job: the job in focus streams as it grows, the
 * others wait in their files until their turn, so groups never interleave.
 */
class LogFollower {
    host;
    remote;
    run;
    names;
    options;
    logs = new Map();
    focus;
    constructor(host, remote, run, names, options) {
        this.host = host;
        this.remote = remote;
        this.run = run;
        this.names = names;
        this.options = options;
    }
    now() {
        return (this.options.now ?? Date.now)();
    }
    /**
     * Reads what is due of each started job's log; shows it when streaming. A whole-log remote
     * re-sends a log in full, and only the job in focus is shown live: the other running jobs'
     * logs are read when they come into focus or end (every byte is still saved).
     */
    async update(jobs) {
        const live = this.remote.logMode === 'whole' ? this.live(jobs) : undefined;
        for (const job of jobs) {
            if (!job.started && !job.conclusion)
                continue;
            const log = this.entry(job);
            log.job = job;
            if (log.complete)
                continue;
            if (job.conclusion) {
                await this.readToEnd(log);
            }
            else if ((live === undefined || live === job.key) && this.due(log)) {
                await this.read(log);
            }
        }
        if (this.options.stream)
            this.show(jobs);
    }
    /** Reads every ended job's log to its end, and shows what is left. */
    async finish(jobs) {
        for (const job of jobs) {
            if (!job.started && !job.conclusion)
                continue;
            const log = this.entry(job);
            log.job = job;
            if (!log.complete)
                await this.readToEnd(log);
        }
        if (this.options.stream)
            this.show(jobs, true);
        for (const log of this.logs.values())
            external_node_fs_.closeSync(log.fd);
    }
    /** The saved log of a job, when it has one. */
    file(job) {
        return this.logs.get(job.key)?.file;
    }
    /** Shows the last lines of a saved log in a group (for `log: on-failure`). */
    showTail(job) {
        const log = this.logs.get(job.key);
        if (!log || log.written === 0)
            return;
        const start = Math.max(0, log.written - 512 * 1024);
        const text = readRange(log.file, start, log.written).toString('utf8');
        const lines = text.split('\n');
        if (start > 0)
            lines.shift();
        if (lines[lines.length - 1] === '')
            lines.pop();
        const tail = lines.slice(-FAILURE_TAIL_LINES);
        this.host.startGroup(`${job.name}: ${job.status} (last ${tail.length} lines of its log)`);
        this.host.remoteLines(tail.map(trimLine));
        this.host.endGroup();
    }
    /** The running job whose log is shown live: the one in focus, else the next to come into it. */
    live(jobs) {
        const f = this.focus;
        if (f && !f.complete && !f.job.conclusion)
            return f.job.key;
        const next = jobs.find((j) => j.started && !j.conclusion && !this.logs.get(j.key)?.complete);
        return next?.key ?? '';
    }
    entry(job) {
        let log = this.logs.get(job.key);
        if (!log) {
            const file = this.names.logPath(job.key, job.name);
            log = {
                job,
                file,
                // A symlink planted at <job>.log is replaced, never followed.
                fd: (0,core_files/* openForWrite */.Pm)(file),
                cursor: 0,
                written: 0,
                shown: 0,
                decoder: new external_node_string_decoder_.StringDecoder('utf8'),
                partial: [],
                complete: false,
                shownHeader: false,
                redactor: new redact/* StreamRedactor */.d6(this.host.secrets),
                lastRead: 0,
                lastSize: 0,
                growthPerMs: 0,
                wait: 0
            };
            this.logs.set(job.key, log);
        }
        return log;
    }
    /**
     * Incremental remotes fetch only what is new: read at every poll. Whole-log remotes re-send
     * everything: a small log is read once a poll interval while it grows (not at each of the
     * quick first polls), less often while it does not; past LIVE_WHOLE_LOG_BYTES it is read when
     * it should have doubled, so the bytes fetched stay within a small multiple of the final size.
     */
    due(log) {
        if (this.remote.logMode === 'incremental' || log.lastRead === 0)
            return true;
        // Polls come a poll interval apart from the end of the last one's work, not exactly.
        const slack = Math.min(2_000, this.options.pollIntervalMs / 4);
        return this.now() - log.lastRead + slack >= log.wait;
    }
    /** The last read of an ended job, and what the redactor held back. */
    async readToEnd(log) {
        await this.read(log);
        this.save(log, log.redactor.end());
        log.complete = true;
    }
    async read(log) {
        const before = log.written;
        log.cursor = await this.remote.readLog(this.run, log.job, log.cursor, (chunk) => {
            this.save(log, log.redactor.push(chunk));
        });
        const now = this.now();
        if (this.remote.logMode === 'whole') {
            const grown = log.written - before;
            if (log.lastRead > 0 && grown > 0)
                log.growthPerMs = grown / Math.max(1, now - log.lastRead);
            // Next read when the log should have doubled; if it did not grow, wait twice as long.
            // A small log stays live: read once a poll interval while it grows, at most
            // IDLE_LOG_POLLS intervals apart while it does not.
            const poll = this.options.pollIntervalMs;
            const small = log.written < LIVE_WHOLE_LOG_BYTES;
            if (grown > 0 && small)
                log.wait = poll;
            else if (grown > 0 && log.growthPerMs > 0)
                log.wait = Math.max(poll, log.written / log.growthPerMs);
            else
                log.wait = Math.min(Math.max(log.wait * 2, poll), small ? IDLE_LOG_POLLS * poll : 10 * 60_000);
            log.lastSize = log.written;
        }
        log.lastRead = now;
    }
    /** Saved and, for the job in focus, shown: the same bytes, secrets masked. */
    save(log, bytes) {
        if (!bytes.length)
            return;
        external_node_fs_.writeSync(log.fd, bytes);
        log.written += bytes.length;
        if (this.options.stream && this.focus === log)
            this.display(log, bytes);
    }
    /** Moves the focus along: finish the job in focus, then show the next one's backlog. */
    show(jobs, final = false) {
        for (;;) {
            if (!this.focus) {
                const next = jobs
                    .map((j) => this.logs.get(j.key))
                    .find((l) => !!l && (l.shown < l.written || (!l.complete && !l.job.conclusion) || !l.shownHeader));
                if (!next)
                    return;
                this.focus = next;
                next.shownHeader = true;
                this.host.startGroup(groupTitle(next.job));
                this.catchUp(next);
            }
            else {
                this.catchUp(this.focus);
            }
            const f = this.focus;
            if (!f.complete && !final)
                return;
            this.flush(f);
            this.host.info(`${f.job.name}: ${f.job.status}${f.job.duration !== undefined ? ` after ${Math.round(f.job.duration)}s` : ''}`);
            this.host.endGroup();
            this.focus = undefined;
        }
    }
    /** Shows what was saved before this job came into focus. */
    catchUp(log) {
        while (log.shown < log.written) {
            const end = Math.min(log.written, log.shown + READ_BACK);
            this.display(log, readRange(log.file, log.shown, end));
        }
    }
    display(log, chunk) {
        log.shown += chunk.length;
        const text = log.decoder.write(chunk);
        const nl = text.indexOf('\n');
        if (nl < 0) {
            // A line longer than a chunk: kept in pieces, never re-split (that was quadratic).
            if (text)
                log.partial.push(text);
            return;
        }
        log.partial.push(text.slice(0, nl));
        const lines = text.slice(nl + 1).split('\n');
        const last = lines.pop() ?? '';
        lines.unshift(log.partial.join(''));
        log.partial = last ? [last] : [];
        this.host.remoteLines(lines.map(trimLine));
    }
    flush(log) {
        log.partial.push(log.decoder.end());
        const rest = log.partial.join('');
        log.partial = [];
        if (rest)
            this.host.remoteLines([trimLine(rest)]);
    }
}
function groupTitle(job) {
    return job.stage && !job.name.startsWith(`${job.stage}.`) ? `${job.name} (${job.stage})` : job.name;
}
/** A terminal line may redraw itself with \r: show what it ended as. */
function trimLine(line) {
    const l = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (!l.includes('\r'))
        return l;
    const parts = l.split('\r').filter((p) => p.length > 0);
    return parts[parts.length - 1] ?? '';
}
function readRange(file, start, end) {
    const fd = external_node_fs_.openSync(file, 'r');
    try {
        const buf = Buffer.alloc(end - start);
        let off = 0;
        while (off < buf.length) {
            const n = external_node_fs_.readSync(fd, buf, off, buf.length - off, start + off);
            if (n === 0)
                break;
            off += n;
        }
        return buf.subarray(0, off);
    }
    finally {
        external_node_fs_.closeSync(fd);
    }
}

;// CONCATENATED MODULE: ./lib/relay/follow.js








/** The first poll comes this soon after the trigger; the gap then doubles up to `poll-interval`. */
const FIRST_POLL_MS = 1000;
/**
 * poll until the run ends (streaming logs) → collect logs and artifacts → Result. A timeout
 * or a cancel ends whatever is in flight at once; the run is then cancelled within the grace.
 */
async function follow(opts) {
    const { connection, run, settings, host, deadline } = opts;
    const { remote } = connection;
    external_node_fs_.mkdirSync(settings.downloadDir, { recursive: true });
    const names = new JobNames(settings.downloadDir);
    const logs = new LogFollower(host, remote, run, names, {
        stream: settings.log === 'stream',
        pollIntervalMs: settings.pollIntervalMs
    });
    const state = { jobs: new Map() };
    try {
        await poll(remote, run, settings, host, deadline, logs, state);
    }
    catch (err) {
        if (err instanceof errors/* AbortedError */.oM || deadline.cancelled) {
            state.conclusion = 'canceled';
            const why = opts.cancelledBecause?.();
            state.message = why ? `Cancelled because ${why}.` : 'The calling job was cancelled.';
            if (settings.cancelOnAbort) {
                connection.graceForCancel();
                await cancel(remote, run, host, why ?? 'the calling job was cancelled');
            }
            host.saveState('finished', 'true');
            return finalResult(opts, logs, names, state);
        }
        if (err instanceof errors/* DeadlineError */.j3 || deadline.passed) {
            state.conclusion = 'timed_out';
            state.message = err instanceof errors/* DeadlineError */.j3 ? err.message : timedOutMessage(settings);
        }
        else {
            state.conclusion = 'error';
            state.message = (0,errors/* errorMessage */.gJ)(err);
            host.error(state.message);
        }
    }
    if (state.conclusion === 'timed_out') {
        host.error(state.message ?? timedOutMessage(settings));
        // From here on the step's own time is over: the cancel and the last log reads share the grace.
        connection.graceForCancel();
        if (settings.cancelOnTimeout)
            await cancel(remote, run, host, 'timeout passed');
    }
    host.saveState('finished', 'true');
    if (state.conclusion)
        opts.onConcluded?.(state.conclusion);
    await collect(opts, logs, names, state);
    return finalResult(opts, logs, names, state);
}
function timedOutMessage(settings) {
    return `The run did not end within ${(0,core_deadline/* seconds */.YA)(settings.timeoutMs)}s.`;
}
/** Polls until the run ends; throws the deadline's or the cancel's reason when either comes first. */
async function poll(remote, run, settings, host, deadline, logs, state) {
    const { signal } = deadline;
    let delay = Math.max(FIRST_POLL_MS, remote.minPollMs ?? 0);
    // Gaps are measured from the start of one poll to the start of the next: the time a poll and
    // its log reads take does not stretch them past poll-interval (nor the end's detection with them).
    let pollStarted = Date.now();
    let lastStatus = '';
    for (;;) {
        const wait = Math.min(pollStarted + delay - Date.now(), deadline.remainingMs());
        if (wait > 0)
            await (0,core_deadline/* sleep */.yy)(wait, signal);
        if (deadline.passed)
            throw new errors/* DeadlineError */.j3(timedOutMessage(settings));
        pollStarted = Date.now();
        // untilAborted: a remote may wait on something of its own; the deadline still ends it.
        state.snapshot = await (0,core_deadline/* untilAborted */.Eu)(remote.poll(run), signal);
        for (const job of state.snapshot.jobs) {
            const before = state.jobs.get(job.key);
            state.jobs.set(job.key, job);
            if (settings.log !== 'stream' && job.conclusion && !before?.conclusion)
                host.info(`${job.name}: ${job.status}`);
        }
        if (state.snapshot.status !== lastStatus && settings.log !== 'stream')
            host.info(`Run ${run.id}: ${state.snapshot.status}`);
        lastStatus = state.snapshot.status;
        if (settings.log === 'stream')
            await (0,core_deadline/* untilAborted */.Eu)(logs.update([...state.jobs.values()]), signal);
        if (state.snapshot.conclusion) {
            state.conclusion = state.snapshot.conclusion;
            return;
        }
        delay = Math.max(Math.min(delay * 2, settings.pollIntervalMs), remote.minPollMs ?? 0);
    }
}
/**
 * Reads every log to its end, shows failures' tails, downloads artifacts. Problems become
 * warnings; a timeout or a cancel meanwhile becomes the conclusion (a step that could not bring
 * everything back in time is not green), and a partial artifact is never left behind.
 */
async function collect({ connection, run, settings, host }, logs, names, state) {
    const { remote } = connection;
    const all = [...state.jobs.values()];
    const interrupted = (err) => {
        if (err instanceof errors/* AbortedError */.oM) {
            state.conclusion = 'canceled';
            state.message = 'The calling job was cancelled while the logs and artifacts were brought back.';
            return true;
        }
        if (err instanceof errors/* DeadlineError */.j3 && state.conclusion !== 'timed_out') {
            state.conclusion = 'timed_out';
            state.message = `The logs and artifacts were not all brought back within the timeout (${(0,core_deadline/* seconds */.YA)(settings.timeoutMs)}s): ${err.message}`;
            host.error(state.message);
            return true;
        }
        return false;
    };
    try {
        await logs.finish(all);
    }
    catch (err) {
        if (interrupted(err))
            return;
        host.warning(`Could not read every log: ${(0,errors/* errorMessage */.gJ)(err)}`);
    }
    if (settings.log === 'on-failure') {
        for (const job of all)
            if (job.conclusion === 'failed')
                logs.showTail(job);
    }
    const { conclusion } = state;
    if (!settings.artifacts.length || conclusion === 'timed_out' || conclusion === 'error')
        return;
    if (remote.artifactsNote) {
        host.info(remote.artifactsNote);
        return;
    }
    const store = new ArtifactStore(settings.downloadDir, settings.artifacts, settings.maxArtifactSize, (m) => host.warning(m));
    for (const job of all) {
        if (!job.conclusion)
            continue;
        try {
            await remote.downloadArtifacts(run, job, store.forJob(names.name(job.key, job.name)));
        }
        catch (err) {
            if (interrupted(err))
                break;
            if (err instanceof errors/* ArtifactLimitError */._o) {
                state.conclusion = 'error';
                state.message = (0,errors/* errorMessage */.gJ)(err);
                host.error(state.message);
                break;
            }
            // Nothing lost in silence: the run may have passed, but the step did not bring back what it
            // was asked for, so it is not green. The other jobs' artifacts are still brought back.
            const message = `Could not download the artifacts of ${job.name}: ${(0,errors/* errorMessage */.gJ)(err)}`;
            host.error(message);
            state.conclusion = 'error';
            state.message ??= message;
        }
    }
    state.artifactDirs = store.written;
}
function finalResult({ settings, started, base }, logs, names, state) {
    const results = [...state.jobs.values()].map((job) => {
        const log = logs.file(job);
        const dir = external_node_path_.join(settings.downloadDir, 'artifacts', names.name(job.key, job.name));
        return {
            name: job.name,
            id: job.key,
            stage: job.stage,
            status: job.status,
            conclusion: job.conclusion ?? 'running',
            url: job.url,
            log: log && external_node_fs_.existsSync(log) ? log : undefined,
            artifacts: state.artifactDirs?.has(dir) ? dir : undefined,
            duration: job.duration,
            allowedToFail: job.allowedToFail
        };
    });
    const final = state.conclusion ?? 'error';
    const failed = results.find((j) => j.conclusion === 'failed' && j.log);
    const logFile = failed?.log ?? [...results].reverse().find((j) => j.log)?.log ?? '';
    return {
        ...base,
        conclusion: final,
        status: state.snapshot?.status ?? '',
        jobs: results,
        logFile,
        duration: Math.round((Date.now() - started) / 1000),
        accepted: settings.successOn.includes(final),
        waited: true,
        message: state.message
    };
}
/** Cancels the run; a failure to do so is a warning, never the step's error. */
async function cancel(remote, run, host, why) {
    try {
        await remote.cancel(run);
        host.warning(`Cancelled run ${run.id} because ${why}.`);
    }
    catch (err) {
        host.warning(`Could not cancel run ${run.id} (${why}): ${(0,errors/* errorMessage */.gJ)(err)}`);
    }
}

// EXTERNAL MODULE: ./lib/config/inputs.js
var inputs = __webpack_require__(6097);
;// CONCATENATED MODULE: ./lib/remotes/index.js
/** Each remote is loaded only when asked for, so start-up reads one of them. */
async function createRemote(ctx) {
    switch (ctx.settings.system) {
        case 'gitlab':
            return (await Promise.all(/* import() */[__webpack_require__.e(695), __webpack_require__.e(497)]).then(__webpack_require__.bind(__webpack_require__, 8497))).createGitLab(ctx);
        case 'gocd':
            return (await Promise.all(/* import() */[__webpack_require__.e(695), __webpack_require__.e(614)]).then(__webpack_require__.bind(__webpack_require__, 7614))).createGoCD(ctx);
        case 'gearset':
            return (await Promise.all(/* import() */[__webpack_require__.e(695), __webpack_require__.e(887)]).then(__webpack_require__.bind(__webpack_require__, 4887))).createGearset(ctx);
    }
}

// EXTERNAL MODULE: external "node:tls"
var external_node_tls_ = __webpack_require__(1692);
// EXTERNAL MODULE: ./node_modules/@actions/http-client/lib/index.js + 1 modules
var lib = __webpack_require__(4942);
// EXTERNAL MODULE: ./lib/transport/budget.js
var budget = __webpack_require__(6748);
// EXTERNAL MODULE: ./lib/transport/json.js
var json = __webpack_require__(6791);
// EXTERNAL MODULE: ./lib/transport/retries.js
var retries = __webpack_require__(8300);
;// CONCATENATED MODULE: ./lib/transport/download.js
/**
 * Streamed downloads to disk: batched writes (FileSink), and a transfer cut short resumed with
 * Range where the server allows it, else restarted; a short body is never kept as complete.
 */








/**
 * Downloads to `file`, streaming. A transfer cut short is resumed with Range where the
 * server allows it, else restarted; a short body is never kept as complete.
 * Returns the bytes written (0 when the server answered a status in `accept`).
 */
async function download(http, path, file, opts = {}) {
    let written = 0;
    return http.retrying('GET', path, opts, async () => {
        const headers = { ...opts.headers };
        if (written > 0)
            headers.range = `bytes=${written}-`;
        const res = await http.open('GET', path, { ...opts, headers });
        if (res.status >= 300 ||
            (opts.accept?.includes(res.status) && res.status !== 200 && res.status !== 206)) {
            await (0,json/* readAll */.yw)(res.body);
            return { status: res.status, bytes: 0 };
        }
        const resumed = res.status === 206 &&
            written > 0 &&
            (0,budget/* header */.wx)(res.headers, 'content-range')?.startsWith(`bytes ${written}-`);
        if (!resumed)
            written = 0;
        const expected = (0,budget/* header */.wx)(res.headers, 'content-length');
        const total = expected === undefined ? undefined : Number(expected) + written;
        let seen = written;
        let out;
        try {
            out = new FileSink(file, written > 0 ? 'a' : 'w', (chunk) => {
                seen += chunk.length;
                http.stats.bytes += chunk.length;
                opts.limit?.(seen);
            });
        }
        catch (err) {
            res.body.destroy();
            throw err;
        }
        try {
            await (0,promises_.pipeline)(res.body, out);
        }
        catch (err) {
            // The file's size counts only once its last write is done: resuming from less duplicates bytes.
            if (!out.closed)
                await new Promise((resolve) => out.once('close', () => resolve()));
            if (err instanceof errors/* RemoteError */.Hi || !(0,retries/* isNetworkError */.TX)(err))
                throw err;
            written = fileSize(file);
            throw new retries/* RetryableError */.dw(`the download of ${http.show(path)} was cut short after ${written} bytes`);
        }
        if (total !== undefined && seen !== total) {
            written = fileSize(file);
            throw new retries/* RetryableError */.dw(`the download of ${http.show(path)} ended at ${seen} of ${total} bytes`);
        }
        written = 0;
        return { status: res.status, bytes: seen };
    });
}
/** Bytes gathered before each write to disk… */
const WRITE_BATCH = 1024 * 1024;
/** …or whatever has come once the first of them has waited this long (a slow transfer). */
const WRITE_AFTER_MS = 20;
/**
 * A file written in batches of about WRITE_BATCH bytes, each with one synchronous writev, as
 * curl writes. fs.WriteStream sends every 64 KiB network chunk on its own round trip through
 * libuv's thread pool: on two cores that held a 1 GiB download to about 60% of curl's speed,
 * where this keeps up with it (a batch is ~1 ms of blocking on a page cache). `onChunk` sees
 * every chunk before it is kept and may refuse it by throwing. Bytes received reach the file
 * within WRITE_AFTER_MS, and still do when the transfer breaks (they are a prefix of the body:
 * a resumed download asks for less); 'close' comes once the file is closed, so its size is
 * then exactly the bytes written.
 */
class FileSink extends external_node_stream_.Writable {
    onChunk;
    fd;
    batch = [];
    size = 0;
    timer;
    constructor(file, flags, onChunk) {
        super();
        this.onChunk = onChunk;
        this.fd = (0,core_files/* openForWrite */.Pm)(file, flags === 'a');
    }
    _write(chunk, _encoding, done) {
        try {
            this.onChunk?.(chunk);
            this.batch.push(chunk);
            this.size += chunk.length;
            if (this.size >= WRITE_BATCH)
                this.flush();
            else
                this.timer ??= setTimeout(() => this.flushLater(), WRITE_AFTER_MS);
        }
        catch (err) {
            return done(err);
        }
        done();
    }
    _final(done) {
        try {
            this.flush();
        }
        catch (err) {
            return done(err);
        }
        done();
    }
    _destroy(err, done) {
        try {
            this.flush();
        }
        catch {
            // the error that destroyed the stream is the one to report
        }
        clearTimeout(this.timer);
        external_node_fs_.close(this.fd, (closeErr) => done(err ?? closeErr));
    }
    flushLater() {
        this.timer = undefined;
        try {
            this.flush();
        }
        catch (err) {
            this.destroy(err);
        }
    }
    flush() {
        clearTimeout(this.timer);
        this.timer = undefined;
        if (this.size === 0)
            return;
        const chunks = this.batch;
        const size = this.size;
        this.batch = [];
        this.size = 0;
        let n = external_node_fs_.writevSync(this.fd, chunks);
        if (n < size) {
            // A short write: the rest, from where it stopped.
            const rest = Buffer.concat(chunks, size);
            while (n < size) {
                const wrote = external_node_fs_.writeSync(this.fd, rest, n, size - n);
                if (wrote <= 0)
                    throw new Error('a write to disk wrote nothing');
                n += wrote;
            }
        }
    }
}
function fileSize(file) {
    try {
        return external_node_fs_.statSync(file).size;
    }
    catch {
        return 0;
    }
}

;// CONCATENATED MODULE: ./lib/transport/redirects.js

const REDIRECTS = [301, 302, 303, 307, 308];
const MAX_REDIRECTS = 5;
function isRedirect(status, location) {
    return REDIRECTS.includes(status) && !!location;
}
/** The headers sent to `url`: the credentials only when it is their own origin. */
function headersFor(url, origin, credentials, headers) {
    return url.origin === origin ? { ...credentials, ...headers } : { ...headers };
}
/**
 * The request a redirect asks for, or a RemoteError when ci-relay will not follow it.
 * `hops` counts the redirects already followed.
 */
function nextHop(hop, status, location, hops, serverName, show, 
/** The path first asked for, named when the redirects loop. */
path) {
    if (hops >= MAX_REDIRECTS) {
        throw new errors/* RemoteError */.Hi(`${serverName}: ${hop.url.host} redirected ${show(path)} more than ${MAX_REDIRECTS} times (a redirect loop?); ci-relay gave up`);
    }
    const next = new URL(location, hop.url);
    if (hop.url.protocol === 'https:' && next.protocol !== 'https:') {
        throw new errors/* RemoteError */.Hi(`${serverName} redirected ${show(hop.url.toString())} from https to ${next.protocol.replace(':', '')}; ci-relay refuses to downgrade`);
    }
    if (next.origin !== hop.url.origin && (hop.data !== null || !['GET', 'HEAD'].includes(hop.verb))) {
        throw new errors/* RemoteError */.Hi(`${serverName} redirected ${hop.verb} ${show(hop.url.toString())} from ${hop.url.origin} to another origin, ${next.origin} (${status}): ci-relay sends nothing but a GET or HEAD without a body to another origin, so this request was not sent there, nor sent again`);
    }
    // A 303 asks for a GET (a HEAD stays a HEAD); a 301/302 after a POST too (RFC 9110, 15.4).
    if ((status === 303 && hop.verb !== 'HEAD') ||
        ((status === 301 || status === 302) && hop.verb === 'POST')) {
        const headers = { ...hop.headers };
        delete headers['content-type'];
        return { url: next, verb: 'GET', data: null, headers };
    }
    return { ...hop, url: next };
}

;// CONCATENATED MODULE: ./lib/transport/http.js









/**
 * Silence limits. An API answer is small and quick: 20 s without one is a dead connection
 * (a poll is retried, within the deadline). A streamed body may be large and slow: it fails
 * only when no byte at all came for a minute, however long the whole transfer takes.
 */
const ANSWER_SILENCE_MS = 20_000;
const TRANSFER_SILENCE_MS = 60_000;
/** The only HTTP client; see the header above for what each of its concerns lives in. */
class Http {
    config;
    /** One client per protocol: @actions/http-client keeps one keep-alive agent per client, of one protocol. */
    clients = new Map();
    origin;
    base;
    /** What the server's rate-limit headers said of the budget left. */
    budget = new budget/* RateBudget */.Ys();
    /** Bodies being read: an abort destroys them at once. */
    live = new Set();
    /** The signal whose abort is already wired to end every transfer. */
    watched;
    /** Counts of what was sent, for messages and tests. */
    stats = { requests: 0, retries: 0, bytes: 0 };
    constructor(config) {
        this.config = config;
        this.base = new URL(config.baseUrl.endsWith('/') ? config.baseUrl : `${config.baseUrl}/`);
        this.origin = this.base.origin;
    }
    client(url) {
        const known = this.clients.get(url.protocol);
        if (known)
            return known;
        const ca = this.config.caCert && url.protocol === 'https:' ? [...external_node_tls_.rootCertificates, this.config.caCert] : undefined;
        const handlers = ca
            ? [
                {
                    prepareRequest: (options) => {
                        options.ca = ca;
                        // A proxy tunnel (HTTPS_PROXY) makes its TLS socket from its own options only.
                        const agent = options.agent;
                        if (agent?.proxyOptions && agent.options)
                            agent.options.ca = ca;
                    },
                    canHandleAuthentication: () => false,
                    handleAuthentication: () => Promise.reject(new Error('unused'))
                }
            ]
            : [];
        const client = new lib/* HttpClient */.Qq('ci-relay', handlers, {
            allowRedirects: false,
            allowRetries: false,
            ignoreSslError: this.config.tlsVerify === false,
            keepAlive: true,
            socketTimeout: this.config.socketTimeoutMs ?? ANSWER_SILENCE_MS
        });
        this.clients.set(url.protocol, client);
        return client;
    }
    get answerSilenceMs() {
        return this.config.socketTimeoutMs ?? ANSWER_SILENCE_MS;
    }
    /** Absolute URL of a path relative to the base (absolute URLs pass through). */
    resolve(path) {
        return new URL(path.replace(/^\//, ''), this.base).toString();
    }
    dispose() {
        for (const client of this.clients.values())
            client.dispose();
        this.clients.clear();
    }
    /**
     * Wires the current signal (it changes when a cancel gets its grace) to end every transfer
     * in flight: bodies being read are destroyed with the abort's reason, and the clients'
     * agents with their sockets (a request still waiting for headers ends with them). Later
     * requests get fresh clients.
     */
    watchAbort() {
        const signal = this.config.signal;
        if (!signal)
            return undefined;
        if (signal.aborted)
            throw (0,core_deadline/* abortReason */.Js)(signal);
        if (signal !== this.watched) {
            this.watched = signal;
            signal.addEventListener('abort', () => {
                // A signal already replaced (a cancel's grace began just before it fired) ends nothing:
                // what is in flight now belongs to the new one.
                if (this.config.signal !== signal)
                    return;
                const reason = (0,core_deadline/* abortReason */.Js)(signal);
                for (const body of this.live)
                    body.destroy(reason);
                this.live.clear();
                this.dispose();
            }, { once: true });
        }
        return signal;
    }
    /** A request whose whole answer is read; errors (≥ 400 not in `accept`) become RemoteError. */
    async request(method, path, opts = {}) {
        return this.retrying(method, path, opts, async () => {
            const res = await this.open(method, path, opts, this.answerSilenceMs);
            const body = await (0,json/* readAll */.yw)(res.body);
            return { status: res.status, headers: res.headers, body, url: res.url };
        });
    }
    async json(method, path, opts = {}) {
        return (await this.jsonResponse(method, path, opts)).body;
    }
    /**
     * A JSON answer with its status and headers (pagination, Location, …). A body that says it is
     * JSON but does not parse was broken on the way and is retried like a dropped connection; a
     * 2xx that is something else (an HTML login page, a proxy's text) is not the API: it fails at
     * once. An accepted status of 300 or more without JSON has a null body.
     */
    async jsonResponse(method, path, opts = {}) {
        return this.retrying(method, path, opts, async () => {
            const res = await this.open(method, path, { ...opts, headers: { accept: 'application/json', ...opts.headers } }, this.answerSilenceMs);
            const body = await (0,json/* readAll */.yw)(res.body);
            try {
                return {
                    status: res.status,
                    headers: res.headers,
                    body: (body.length ? JSON.parse(body.toString('utf8')) : null)
                };
            }
            catch {
                // An accepted error status (404 "none") need not carry JSON.
                if (res.status >= 300)
                    return { status: res.status, headers: res.headers, body: null };
                const notApi = (0,json/* notTheApi */.XK)(res.headers, body);
                if (notApi) {
                    throw new errors/* RemoteError */.Hi(`${this.config.serverName} answered ${method} ${this.show(path)} with ${notApi}, not JSON: is a login or proxy page in front of the API?`, res.status);
                }
                throw new retries/* RetryableError */.dw(`${this.config.serverName} sent a reply that is not JSON for ${method} ${this.show(path)}`);
            }
        });
    }
    /**
     * Streams the answer of a GET. `consume` must read `body` to its end; when the connection
     * breaks while it does, the whole exchange is tried again.
     */
    async stream(path, opts, consume) {
        return this.retrying('GET', path, opts, async () => {
            const res = await this.open('GET', path, opts);
            try {
                return await consume(res);
            }
            catch (err) {
                res.body.destroy();
                throw err;
            }
        });
    }
    /** Downloads to `file`, streaming and resuming (download.ts). */
    download(path, file, opts = {}) {
        return download(this, path, file, opts);
    }
    /** One exchange: redirects followed by hand (redirects.ts), credentials only to our origin. Body unread. */
    open(method, path, opts, silenceMs = this.config.transferSilenceMs ?? TRANSFER_SILENCE_MS) {
        const headers = { ...opts.headers };
        let data = null;
        if (opts.json !== undefined) {
            data = JSON.stringify(opts.json);
            headers['content-type'] = 'application/json';
        }
        else if (opts.form) {
            data = new URLSearchParams(opts.form).toString();
            headers['content-type'] = 'application/x-www-form-urlencoded';
        }
        return this.follow({ url: new URL(this.resolve(path)), verb: method, data, headers }, path, silenceMs, opts.accept);
    }
    async follow(first, path, silenceMs, accept) {
        let hop = first;
        for (let hops = 0;; hops++) {
            const { url, verb, data } = hop;
            await (0,budget/* pace */.cI)(this.budget, verb, this.config);
            const signal = this.watchAbort();
            const sent = headersFor(url, this.origin, this.config.credentials, hop.headers);
            this.config.debug?.(`${verb} ${this.show(url.toString())}`);
            this.stats.requests++;
            let res;
            try {
                res = await (0,core_deadline/* untilAborted */.Eu)(this.client(url).request(verb, url.toString(), data, sent), signal);
            }
            catch (err) {
                if (signal?.aborted)
                    throw (0,core_deadline/* abortReason */.Js)(signal);
                if ((0,retries/* isTlsError */.sl)(err)) {
                    throw new errors/* RemoteError */.Hi(`${this.config.serverName} at ${url.origin} has a TLS certificate ci-relay does not trust (${err.message}); give its CA in ca-cert`);
                }
                throw err;
            }
            const msg = res.message;
            const status = msg.statusCode ?? 0;
            this.track(msg, silenceMs);
            this.budget.note(msg.headers);
            const location = msg.headers.location;
            if (isRedirect(status, location)) {
                msg.resume();
                hop = nextHop(hop, status, location, hops, this.config.serverName, (p) => this.show(p), path);
                continue;
            }
            if (status >= 400 && !accept?.includes(status)) {
                const body = await (0,json/* readAll */.yw)(msg).catch(() => Buffer.alloc(0));
                const text = (0,json/* serverMessage */.x_)(body);
                const what = `${this.config.serverName} answered ${status}${text ? `: ${text}` : ''} (${verb} ${this.show(url.toString())})`;
                if (retries/* RETRY_STATUSES */.Ib.includes(status))
                    throw new retries/* RetryableError */.dw(what, (0,budget/* retryDelayMs */.qO)(msg.headers), status);
                throw new errors/* RemoteError */.Hi(what, status);
            }
            return { status, headers: msg.headers, body: msg, url: url.toString() };
        }
    }
    /**
     * Keeps a body where an abort can reach it, and ends it when its socket was silent for
     * `silenceMs` (the socket's own idle timer: it counts progress, not the transfer's length).
     */
    track(body, silenceMs) {
        this.live.add(body);
        const socket = body.socket;
        const onSilence = () => {
            body.destroy(Object.assign(new Error(`timeout: nothing came from ${this.config.serverName} for ${silenceMs / 1000}s`), { code: 'ETIMEDOUT' }));
        };
        socket?.setTimeout(silenceMs);
        socket?.on('timeout', onSilence);
        body.once('close', () => {
            this.live.delete(body);
            socket?.off('timeout', onSilence);
        });
    }
    /** Runs one attempt of an exchange with the retries it may have (retries.ts). */
    retrying(method, path, opts, attempt) {
        return (0,retries/* withRetries */.LH)(this.config, this, method, path, opts.idempotent ?? (method === 'GET' || method === 'HEAD'), attempt);
    }
    /** A URL as shown in messages: no query (pre-signed URLs carry credentials there). */
    show(pathOrUrl) {
        try {
            const u = new URL(this.resolve(pathOrUrl));
            return u.origin === this.origin ? u.pathname : `${u.origin}${u.pathname}`;
        }
        catch {
            return pathOrUrl;
        }
    }
}

;// CONCATENATED MODULE: ./lib/relay/connection.js



/**
 * How long cancelling a run may take once the step's own time is over (the timeout passed or
 * the job was cancelled): the step ends within `timeout` + this, whatever the server does.
 */
const CANCEL_GRACE_MS = 15_000;
/**
 * The remote for these settings, with the one HTTP configuration every remote shares. Every
 * wait and transfer ends when `signal` aborts; no wait the server asks for passes `deadline`.
 */
async function connect(settings, host, signal, deadline) {
    const clients = [];
    const waits = { signal, deadline };
    const ctx = {
        settings,
        startedAt: Date.now(),
        get signal() {
            return waits.signal;
        },
        note: (message) => host.info(message),
        warn: (message) => host.warning(message),
        httpFor: (config) => {
            const http = new Http({
                ...config,
                caCert: settings.caCert,
                tlsVerify: settings.tlsVerify,
                get signal() {
                    return waits.signal;
                },
                get deadline() {
                    return waits.deadline;
                },
                debug: (m) => host.debug(m)
            });
            clients.push(http);
            return http;
        }
    };
    return {
        remote: await createRemote(ctx),
        clients,
        graceForCancel: () => {
            const grace = (0,core_deadline/* graceWindow */.Fh)(CANCEL_GRACE_MS);
            waits.signal = grace.signal;
            waits.deadline = grace.at;
        }
    };
}

;// CONCATENATED MODULE: ./lib/core/test-summary.js
/**
 * Failed cases kept per summary: enough for any table or annotation we show, while a report
 * with a million failures still parses in flat memory (the totals count every one).
 */
const MAX_FAILURES_KEPT = 500;
/** Characters of a failure's message and details kept; the first lines are what we show. */
const MAX_MESSAGE_CHARS = 4000;
function emptySummary() {
    return { total: 0, passed: 0, failed: 0, skipped: 0, errors: 0, time: 0, failures: [] };
}
/** Several summaries as one: totals added, failures in order up to MAX_FAILURES_KEPT. */
function mergeSummaries(parts) {
    const out = emptySummary();
    for (const p of parts) {
        out.total += p.total;
        out.passed += p.passed;
        out.failed += p.failed;
        out.skipped += p.skipped;
        out.errors += p.errors;
        out.time += p.time;
        for (const f of p.failures)
            if (out.failures.length < MAX_FAILURES_KEPT)
                out.failures.push(f);
    }
    out.time = Math.round(out.time * 1000) / 1000;
    return out;
}
/** The `tests` output: totals only. */
function testTotals(s) {
    return {
        total: s.total,
        passed: s.passed,
        failed: s.failed,
        skipped: s.skipped,
        errors: s.errors,
        time: s.time
    };
}

// EXTERNAL MODULE: ./node_modules/saxes/saxes.js
var saxes = __webpack_require__(9800);
;// CONCATENATED MODULE: ./lib/reporting/junit.js
/**
 * JUnit XML files read as streams (saxes): totals, and the failed cases to show.
 */



/** A file that is not a readable JUnit report; the message names what is wrong, not the file. */
class JUnitError extends Error {
}
/**
 * Reads one JUnit XML file as a stream (saxes, the parser jsdom uses), so that a report of any
 * size takes flat memory. Understands `<testsuites>`, nested `<testsuite>`, and `<testcase>`
 * with `<failure>`, `<error>` or `<skipped>`; `file` and `line` come from the case, else from
 * its suite. saxes expands no external entities and fetches nothing.
 */
async function readJUnit(file) {
    const summary = emptySummary();
    const parser = new saxes/* SaxesParser */.wT({ position: true });
    const suites = [];
    let root;
    let current;
    /** Inside the <failure>/<error> whose text is the message's details. */
    let inFailure = false;
    let failure;
    parser.on('error', (err) => {
        failure ??= new JUnitError(err.message);
    });
    parser.on('opentag', (tag) => {
        const a = tag.attributes;
        if (root === undefined) {
            root = tag.name;
            if (root !== 'testsuites' && root !== 'testsuite')
                failure ??= new JUnitError(`its root element is <${root}>, not <testsuites> or <testsuite>`);
        }
        switch (tag.name) {
            case 'testsuite':
                suites.push({ name: a.name ?? '', file: a.file || a.filepath || suites.at(-1)?.file });
                break;
            case 'testcase': {
                const suite = suites.at(-1);
                const line = Number(a.line ?? a.lineno);
                current = {
                    suite: suite?.name || a.classname || '',
                    name: a.name ?? '',
                    file: a.file || a.filepath || suite?.file || undefined,
                    line: Number.isInteger(line) && line > 0 ? line : undefined,
                    status: 'passed',
                    time: seconds(a.time),
                    text: [],
                    chars: 0
                };
                break;
            }
            case 'failure':
            case 'error':
                if (!current || current.status === 'failed' || current.status === 'error')
                    break;
                current.status = tag.name === 'failure' ? 'failed' : 'error';
                inFailure = true;
                if (a.message)
                    add(a.message);
                break;
            case 'skipped':
                if (current && current.status === 'passed')
                    current.status = 'skipped';
                break;
        }
    });
    const onText = (text) => {
        if (inFailure && text.trim())
            add(text);
    };
    parser.on('text', onText);
    parser.on('cdata', onText);
    parser.on('closetag', (tag) => {
        if (tag.name === 'failure' || tag.name === 'error')
            inFailure = false;
        else if (tag.name === 'testsuite')
            suites.pop();
        else if (tag.name === 'testcase' && current) {
            const { text, chars: _chars, ...c } = current;
            count(summary, c, text.join('\n').trim());
            current = undefined;
        }
    });
    function add(text) {
        if (!current || current.chars >= MAX_MESSAGE_CHARS)
            return;
        const piece = text.trim().slice(0, MAX_MESSAGE_CHARS - current.chars);
        // The message attribute is often the body's first line: say it once.
        if (current.text.length === 1 && piece.startsWith(current.text[0])) {
            current.text[0] = piece;
            current.chars = piece.length;
            return;
        }
        current.text.push(piece);
        current.chars += piece.length;
    }
    const stream = external_node_fs_.createReadStream(file, { encoding: 'utf8', highWaterMark: 64 * 1024 });
    try {
        for await (const chunk of stream) {
            parser.write(chunk);
            if (failure)
                break;
        }
        if (!failure)
            parser.close();
    }
    finally {
        stream.destroy();
    }
    if (failure)
        throw failure;
    summary.time = Math.round(summary.time * 1000) / 1000;
    return summary;
}
function count(summary, c, message) {
    summary.total++;
    summary.time += c.time ?? 0;
    if (c.status === 'passed')
        summary.passed++;
    else if (c.status === 'skipped')
        summary.skipped++;
    else {
        if (c.status === 'failed')
            summary.failed++;
        else
            summary.errors++;
        if (summary.failures.length < MAX_FAILURES_KEPT)
            summary.failures.push({ ...c, message: message || undefined });
    }
}
function seconds(value) {
    if (value === undefined)
        return undefined;
    // Some reporters write `1,234.5`.
    const n = Number(value.replace(/,/g, ''));
    return Number.isFinite(n) && n >= 0 ? n : undefined;
}

;// CONCATENATED MODULE: ./lib/reporting/test-results.js
/**
 * A run's test results, counted once: JUnit files among the downloaded artifacts, else the
 * remote's own report.
 */






/**
 * The files under each job's artifact folder that `globs` select (matched against the path
 * inside the job's artifacts, as `artifacts` is), in job order then path order. Symbolic links
 * are not followed: an artifact cannot make us read outside the download folder.
 */
function findReports(jobDirs, globs) {
    const matchers = globs.map((g) => new esm/* Minimatch */.VR(g, { dot: true }));
    const out = [];
    for (const job of jobDirs) {
        const found = [];
        // Folders still to read, without recursion: artifacts may be any number of folders deep.
        const todo = [{ dir: job.dir, rel: '' }];
        for (let next = todo.pop(); next; next = todo.pop()) {
            let entries;
            try {
                entries = external_node_fs_.readdirSync(next.dir, { withFileTypes: true });
            }
            catch {
                continue;
            }
            for (const e of entries) {
                const relPath = next.rel ? `${next.rel}/${e.name}` : e.name;
                if (e.isDirectory())
                    todo.push({ dir: external_node_path_.join(next.dir, e.name), rel: relPath });
                else if (e.isFile() && matchers.some((m) => m.match(relPath)))
                    found.push({ path: external_node_path_.join(next.dir, e.name), name: `${external_node_path_.basename(job.dir)}/${relPath}` });
            }
        }
        out.push(...found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
    }
    return out;
}
/**
 * Where a report's copy goes: `<out>/<job>/<path>`, with every `,` of the name made `_`, since
 * Azure's `##vso[results.publish resultFiles=…]` splits its list at commas
 * (microsoft/azure-pipelines-agent src/Agent.Worker/TestResults/ResultsCommandExtension.cs:
 * `resultFilesInput.Split(',')`), so a name with one would publish something else. A name that
 * two reports would then share gets `-2`, `-3`, … before its extension.
 */
function publishedName(outDir, name, taken) {
    const parts = name.split('/').map((p) => p.replace(/,/g, '_'));
    const base = external_node_path_.join(outDir, ...parts);
    if (!taken.includes(base))
        return base;
    const ext = external_node_path_.extname(base);
    for (let n = 2;; n++) {
        const next = `${base.slice(0, base.length - ext.length)}-${n}${ext}`;
        if (!taken.includes(next))
            return next;
    }
}
/**
 * The copies a host may publish: each one regular file (not a link) inside `downloadDir`, its
 * path free of commas (a `download-dir` with one cannot be published to Azure); the others are
 * named in a warning and left out.
 */
function publishable(files, downloadDir, warn) {
    const root = external_node_path_.resolve(downloadDir);
    return files.filter((f) => {
        const abs = external_node_path_.resolve(f);
        const rel = external_node_path_.relative(root, abs);
        let why;
        if (!rel || rel.startsWith('..') || external_node_path_.isAbsolute(rel))
            why = 'it is not inside the download folder';
        else if (abs.includes(','))
            why = "its path has a comma, which Azure's resultFiles list splits at";
        else {
            try {
                if (!external_node_fs_.lstatSync(abs).isFile())
                    why = 'it is not a regular file';
            }
            catch {
                why = 'it is gone';
            }
        }
        if (why)
            warn(`Test results: '${f}' is not published to the host's test view: ${why}.`);
        return !why;
    });
}
/**
 * Every test result of a run, counted once. The JUnit files among the artifacts come first:
 * when one of them is read, they are the results, since a remote's own report (GitLab's test
 * report) is built from the same JUnit files its jobs upload and adding it would count every
 * test twice. Only when no artifact report was read is the remote asked for its own.
 * Each file read is copied to `<download-dir>/test-results/<job>/…` for Jenkins' `junit` step
 * and Azure's test publishing; a file that cannot be parsed is a warning naming it, and is not
 * copied, so no host's test view chokes on it.
 */
async function readTestResults(opts) {
    if (!opts.globs.length)
        return { files: [] };
    const parts = [];
    const files = [];
    const outDir = external_node_path_.join(opts.downloadDir, 'test-results');
    const folders = new core_files/* FoldersInside */.Ym(opts.downloadDir);
    for (const report of findReports(opts.jobDirs, opts.globs)) {
        try {
            parts.push(await readJUnit(report.path));
        }
        catch (err) {
            const why = err instanceof JUnitError ? err.message : err.message;
            opts.warn(`Test results: '${report.name}' is not a readable JUnit report (${why}); it was skipped.`);
            continue;
        }
        const target = publishedName(outDir, report.name, files);
        // Never through a symlink planted in the download folder: a folder leading outside is refused,
        // a link at the file itself replaced.
        if (!folders.ensure(external_node_path_.dirname(target))) {
            opts.warn(`Test results: '${report.name}' was not copied: its folder leads outside the download folder.`);
        }
        else {
            (0,core_files/* copyFileNoFollow */.SC)(report.path, target);
            files.push(target);
        }
    }
    if (parts.length)
        return { summary: mergeSummaries(parts), files, source: 'artifacts' };
    const remote = opts.remoteReport ? await opts.remoteReport() : undefined;
    if (remote)
        return { summary: mergeSummaries([remote]), files, source: 'remote' };
    return { files };
}

// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
;// CONCATENATED MODULE: ./lib/config/params.js
/**
 * The inputs of issue 22, read and checked before any request: GitLab pipeline `inputs`, the
 * commit to wait on (`sha`), and `outputs-file`. settings.ts calls these; each throws an
 * InputError naming its input.
 */


/**
 * Input names as GitLab interpolates them (`$[[ inputs.name ]]`): letters, digits, `_` and `-`.
 * GitLab refuses a pipeline whose inputs its spec does not declare; a name outside this set could
 * never be declared, so it is refused here, before any request.
 */
const INPUT_NAME = /^[A-Za-z0-9_-]{1,255}$/;
/**
 * `inputs`: lines of `KEY=VALUE` (every value a string; a value may hold `=`), or a JSON or YAML
 * map whose numbers, booleans and lists keep their types.
 */
function parsePipelineInputs(value) {
    const text = value.trim();
    if (!text)
        return {};
    const lines = text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean);
    const bad = `Input 'inputs' must be lines of KEY=VALUE or a JSON or YAML map of input names to values.`;
    let map;
    if (!text.startsWith('{') && lines.every((l) => /^[A-Za-z0-9_-]+=/.test(l))) {
        map = {};
        for (const line of lines) {
            const eq = line.indexOf('=');
            own(map, line.slice(0, eq), line.slice(eq + 1));
        }
    }
    else {
        let parsed;
        try {
            parsed = text.startsWith('{') ? JSON.parse(text) : (0,dist/* parse */.qg)(text);
        }
        catch {
            throw new errors/* InputError */.dz(bad);
        }
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
            throw new errors/* InputError */.dz(bad);
        map = parsed;
    }
    const out = {};
    for (const [key, v] of Object.entries(map)) {
        if (!INPUT_NAME.test(key)) {
            throw new errors/* InputError */.dz(`Input 'inputs' has '${key}', which is not a GitLab input name (letters, digits, _ and -).`);
        }
        if (!isInputValue(v)) {
            throw new errors/* InputError */.dz(`Input 'inputs' has a value for '${key}' that is not a string, number, boolean or list of them.`);
        }
        own(out, key, v);
    }
    return out;
}
/** `map[key] = value` as an own property, even for `__proto__`. */
function own(map, key, value) {
    Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
}
function isInputValue(v, depth = 0) {
    if (typeof v === 'string' || typeof v === 'boolean')
        return true;
    if (typeof v === 'number')
        return Number.isFinite(v);
    return depth === 0 && Array.isArray(v) && v.every((x) => isInputValue(x, 1));
}
/**
 * `sha`: a whole commit id. GitLab's pipelines list filters on the stored SHA by equality
 * (Ci::PipelinesFinder#by_sha), so a short SHA would never match: 40 hex digits (SHA-1) or 64
 * (SHA-256 repositories), lower-cased as GitLab stores them.
 */
function parseSha(value) {
    if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/i.test(value)) {
        throw new errors/* InputError */.dz(`Input 'sha' must be a whole commit SHA (40 hex digits, or 64 in a SHA-256 repository), not '${value}': GitLab finds pipelines by the whole SHA only.`);
    }
    return value.toLowerCase();
}

// EXTERNAL MODULE: ./lib/logs/neutralise.js
var neutralise = __webpack_require__(641);
;// CONCATENATED MODULE: ./lib/reporting/outputs-file.js
/**
 * `outputs-file`: values a remote run hands back, read from one file among the downloaded
 * artifacts, and turned into step outputs.
 *
 * The file is `KEY=VALUE` lines in GitLab's dotenv form, or a JSON object. GitLab's own reader
 * (app/services/ci/parse_dotenv_artifact_service.rb) takes each line as `^(.*?)=(.*)$` (the key
 * before the first `=`, the value after it, both stripped, quotes kept as written), converts a
 * UTF-16LE file (PowerShell's) to UTF-8 and drops a BOM, and refuses the whole file ("Invalid
 * Format") when a line has no `=`; its variable keys are `[a-zA-Z0-9_]+` (Ci::HasVariable). The
 * same rules are applied here, except that blank lines and `#` comment lines are skipped.
 *
 * Nothing read is trusted: a key becomes a step output of its own only when it is a plain name
 * (`[A-Za-z_][A-Za-z0-9_]*`) that is not one of ci-relay's own outputs (compared without case,
 * `-` or `_`, since Azure and GitHub read names without case); a value Azure could not carry on
 * one line, or that holds a log command, is left out there. Whatever is left out is named in a
 * warning and stays in `remote-outputs`, a JSON text in which `##` before `[` is written `#\u0023`.
 */





/** A file larger than this is not a list of values. */
const MAX_OUTPUTS_FILE_BYTES = 1024 * 1024;
const SAFE_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;
/** ci-relay's own names: the outputs and the CLI result object's own keys. */
const OWN = new Set([
    ...inputs/* OUTPUTS */.py.map((o) => o.name),
    'runs',
    'remote-outputs',
    'exit-code',
    'error',
    'http-status',
    'message'
].map(norm));
function norm(name) {
    return name.toLowerCase().replace(/[-_]/g, '');
}
/** The first file `globs` select among the jobs' artifact folders, read; problems are warnings. */
function readOutputsFile(jobDirs, globs, warn) {
    const match = findReports(jobDirs, globs)[0];
    if (!match) {
        warn(`outputs-file: no file matching '${globs.join(', ')}' among the downloaded artifacts${jobDirs.length ? '' : ' (no job had artifacts to download)'}; no values were handed back.`);
        return {};
    }
    let bytes;
    try {
        const size = external_node_fs_.statSync(match.path).size;
        if (size > MAX_OUTPUTS_FILE_BYTES) {
            warn(`outputs-file: '${match.name}' is ${size} bytes, more than a file of values can be (1 MiB); it was not read.`);
            return { file: match.name };
        }
        bytes = external_node_fs_.readFileSync(match.path);
    }
    catch (err) {
        warn(`outputs-file: '${match.name}' could not be read (${err.message}).`);
        return { file: match.name };
    }
    const parsed = parseValues(bytes);
    if (typeof parsed === 'string') {
        warn(`outputs-file: '${match.name}' ${parsed}; no values were handed back.`);
        return { file: match.name };
    }
    return { values: parsed, file: match.name };
}
/** The file's values, or why it cannot be read (a phrase). */
function parseValues(bytes) {
    let text;
    if (bytes[0] === 0xff && bytes[1] === 0xfe)
        text = bytes.subarray(2).toString('utf16le');
    else {
        text = bytes.toString('utf8');
        if (text.includes('\uFFFD') || bytes.includes(0))
            return 'is not text (a binary file?)';
    }
    text = text.replace(/^\uFEFF/, '');
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x08\x0e-\x1f]/.test(text.replace(/\x1b/g, '')))
        return 'is not text (a binary file?)';
    if (text.trimStart().startsWith('{')) {
        let value;
        try {
            value = JSON.parse(text);
        }
        catch (err) {
            return `is not valid JSON (${err.message})`;
        }
        if (!value || typeof value !== 'object' || Array.isArray(value))
            return 'is not a JSON object';
        return value;
    }
    const values = {};
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        if (!line.trim() || line.trimStart().startsWith('#'))
            continue;
        const m = /^(.*?)=(.*)$/.exec(line);
        if (!m || !m[1].trim())
            return `is neither KEY=VALUE lines nor a JSON object (line ${i + 1} has no KEY=)`;
        own(values, m[1].trim(), m[2].trim());
    }
    return values;
}
/** A value as a step output: text as it is, anything else as JSON. */
function asText(v) {
    return typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
}
/** Each value as a step output of its own where that is safe, and all of them as `remote-outputs`. */
function handBack(host, values) {
    const kept = [];
    for (const [key, raw] of Object.entries(values)) {
        const value = asText(raw);
        const why = !SAFE_KEY.test(key)
            ? 'is not a plain output name (letters, digits and _)'
            : OWN.has(norm(key))
                ? "is one of ci-relay's own outputs, which it never replaces"
                : host.kind === 'azure' && /[\r\n]/.test(value)
                    ? 'has a value of several lines, which an Azure output variable cannot carry'
                    : host.kind === 'azure' && /##(?:vso)?\[/i.test(value)
                        ? 'has a value holding an Azure log command'
                        : '';
        if (why) {
            host.warning(`outputs-file: '${key.replace(/[\r\n]+/g, ' ').slice(0, 100)}' ${why}: it is only in remote-outputs.`);
            continue;
        }
        host.setOutput(key, value);
        kept.push(key);
    }
    host.setOutput('remote-outputs', (0,neutralise/* commandFreeJson */.cc)(values));
    if (kept.length)
        host.info(`outputs-file: handed back ${kept.join(', ')}.`);
}

;// CONCATENATED MODULE: ./lib/relay/relay.js







/** trigger (or attach) → follow, streaming logs → collect logs and artifacts → Result. */
async function relay({ settings, host, signal, onStarted, onEnded, onConcluded, cancelledBecause }) {
    const system = inputs/* SYSTEM_NAMES */.Hu[settings.system];
    if (!settings.tlsVerify) {
        host.warning(`tls-verify is false: ${system}'s certificate is not checked, so anyone on the network path can read the token.`);
    }
    // One deadline for the whole step, the trigger included.
    const deadline = new core_deadline/* Deadline */.B2(settings.timeoutMs, signal);
    const started = Date.now();
    const connection = await connect(settings, host, deadline.signal, deadline.at);
    const { remote, clients } = connection;
    try {
        let run;
        try {
            run = await start(remote, settings, host, system);
        }
        catch (err) {
            // Before there is a run, a timeout or a cancel has nothing to cancel: it is the conclusion.
            if (err instanceof errors/* DeadlineError */.j3 || err instanceof errors/* AbortedError */.oM || deadline.signal.aborted) {
                return unstarted(settings, system, host, started, err, err === deadline.signal.reason);
            }
            throw err;
        }
        host.saveState('run', JSON.stringify(run));
        host.setOutput('run-id', run.id);
        host.setOutput('run-url', run.url ?? '');
        host.info(`${settings.run || settings.gitlab?.sha ? 'Following' : 'Triggered'} ${system} run ${run.id}${run.url ? `: ${run.url}` : ''}`);
        const base = { system, runId: run.id, runUrl: run.url ?? '', downloadDir: settings.downloadDir };
        await onStarted?.(run);
        if (!settings.wait) {
            host.saveState('finished', 'true');
            return {
                ...base,
                conclusion: 'success',
                status: 'triggered',
                jobs: [],
                logFile: '',
                duration: 0,
                accepted: true,
                waited: false
            };
        }
        const result = await follow({
            connection,
            run,
            settings,
            host,
            deadline,
            started,
            base,
            onConcluded,
            cancelledBecause
        });
        // Read whatever the run ended as: a failed job's values are often what the caller needs.
        if (settings.outputsFile.length) {
            const jobDirs = result.jobs.flatMap((j) => (j.artifacts ? [{ name: j.name, dir: j.artifacts }] : []));
            if (!jobDirs.length && ['canceled', 'timed_out', 'error'].includes(result.conclusion)) {
                host.warning(`outputs-file: not read, since the run ended ${result.conclusion} before its artifacts were brought back.`);
            }
            else {
                result.remoteOutputs = readOutputsFile(jobDirs, settings.outputsFile, (m) => host.warning(m)).values;
            }
        }
        await onEnded?.(result, remote, run);
        return result;
    }
    finally {
        deadline.dispose();
        clients.forEach((c) => c.dispose());
    }
}
async function start(remote, settings, host, system) {
    if (settings.run)
        return remote.attach(settings.run);
    try {
        return await remote.trigger();
    }
    catch (err) {
        if (!(err instanceof errors/* AmbiguousRequestError */.sm))
            throw err;
        host.warning(`${err.message}. Looking for the run it may have created, without triggering again.`);
        const found = remote.findTriggered ? await remote.findTriggered() : undefined;
        if (!found) {
            const what = remote.findTriggered
                ? `no run created by it was found`
                : `${system} offers no way to look for the run it may have created, so that run may exist`;
            throw new errors/* RemoteError */.Hi(`${err.message}; ${what}. ci-relay sent the request once and did not retry it, so as not to trigger twice: check ${system} before running again.`);
        }
        host.warning(`Found run ${found.id}, created by that request: following it.`);
        return found;
    }
}
/** The step's time ran out, or the job was cancelled, before a run was known. */
function unstarted(settings, system, host, started, err, 
/** The deadline itself passed (not a wait the server asked for). */
passed) {
    const canceled = err instanceof errors/* AbortedError */.oM;
    const sha = settings.gitlab?.sha;
    const when = canceled
        ? 'The calling job was cancelled before the run was known'
        : sha && passed
            ? `No pipeline for commit ${sha}${settings.gitlab?.ref ? ` on ${settings.gitlab.ref}` : ''} appeared within the timeout (${Math.round(settings.timeoutMs / 1000)}s)`
            : passed || !(err instanceof errors/* DeadlineError */.j3)
                ? `The run was not started within the timeout (${Math.round(settings.timeoutMs / 1000)}s)`
                : err.message.replace(/\.$/, '');
    // An answer abandoned mid-request may still have created a run: say where to look.
    const message = settings.run || sha || !(passed || canceled)
        ? `${when}.`
        : `${when}; a trigger cut short may still have created a run: check ${system} before running again.`;
    if (!canceled)
        host.error(message);
    host.saveState('finished', 'true');
    const conclusion = canceled ? 'canceled' : 'timed_out';
    return {
        system,
        runId: '',
        runUrl: '',
        downloadDir: settings.downloadDir,
        conclusion,
        status: '',
        jobs: [],
        logFile: '',
        duration: Math.round((Date.now() - started) / 1000),
        accepted: settings.successOn.includes(conclusion),
        waited: true,
        message
    };
}

;// CONCATENATED MODULE: ./lib/reporting/summary.js



/** Failed tests listed in the summary; the rest are counted. */
const MAX_SUMMARY_FAILURES = 50;
/** Lines of a failure's message shown in the summary's table. */
const SUMMARY_MESSAGE_LINES = 3;
/** Sets every output of CONTRACT.md from a result. */
function setOutputs(host, result) {
    host.setOutput('run-id', result.runId);
    host.setOutput('run-url', result.runUrl);
    host.setOutput('download-dir', result.downloadDir);
    if (!result.waited)
        return;
    host.setOutput('conclusion', result.conclusion);
    host.setOutput('status', result.status);
    host.setOutput('jobs', (0,neutralise/* commandFreeJson */.cc)(result.jobs.map((j) => ({
        name: j.name,
        id: j.id,
        stage: j.stage ?? '',
        status: j.status,
        conclusion: j.conclusion,
        url: j.url ?? '',
        log: j.log ?? '',
        artifacts: j.artifacts ?? ''
    }))));
    host.setOutput('log-file', result.logFile);
    host.setOutput('duration', String(result.duration));
    if (result.tests) {
        host.setOutput('tests', (0,neutralise/* commandFreeJson */.cc)(testTotals(result.tests)));
        host.setOutput('failed-tests', String(result.tests.failed + result.tests.errors));
    }
    if (result.remoteOutputs)
        handBack(host, result.remoteOutputs);
}
const ICONS = {
    success: '✅',
    failed: '❌',
    canceled: '⏹️',
    skipped: '⏭️',
    blocked: '✋',
    partial: '⚠️',
    timed_out: '⏱️',
    error: '💥',
    running: '🔄'
};
/**
 * The Markdown report for GitHub's job summary and Azure's build summary. Every remote string
 * (run id, status, message, job and stage names, test names and messages) is text: escaped for
 * Markdown and HTML (`text`), one line, `|` escaped in tables; the only links are http(s) URLs
 * (`link`), anything else is shown as text.
 */
function summaryMarkdown(result) {
    const out = [`### ci-relay: ${result.system} run ${summary_link(result.runId, result.runUrl)}`, ''];
    if (!result.waited) {
        out.push('Triggered without waiting (`wait: false`).');
        return out.join('\n') + '\n';
    }
    out.push(`**${ICONS[result.conclusion] ?? ''} ${summary_text(result.conclusion)}**` +
        (result.status && result.status !== result.conclusion ? ` (${summary_text(result.status)})` : '') +
        ` in ${result.duration}s` +
        (result.message ? ` — ${summary_text(result.message)}` : ''), '');
    if (result.jobs.length) {
        out.push('| Job | Stage | Conclusion | Duration | Link |', '|---|---|---|---|---|');
        for (const j of result.jobs) {
            out.push(`| ${summary_text(j.name)} | ${summary_text(j.stage ?? '')} | ${ICONS[j.conclusion] ?? ''} ${summary_text(j.conclusion)} | ${j.duration !== undefined ? `${Math.round(j.duration)}s` : ''} | ${j.url ? summary_link('open', j.url) : ''} |`);
        }
    }
    if (result.tests)
        out.push('', ...testsMarkdown(result.tests));
    return out.join('\n') + '\n';
}
/**
 * Remote text as Markdown that renders as exactly that text, on one line: HTML's `& < >` as
 * entities (no tag, comment or autolink can open); backslash-escaped, what makes inline Markdown
 * (code spans, emphasis, strikethrough, link and image brackets, table pipes) and what a
 * linkifier takes for a mail, `ftp:` or scheme-relative link (`@`, `:/`, `//`; bare http(s) and
 * www links may stay). Remote text is only ever placed mid-line, so block markers (`#`, `>`,
 * `-`, `1.`) cannot start anything.
 */
function summary_text(s) {
    return s
        .replace(/[\r\n\u0085\u2028\u2029]+/g, ' ')
        .replace(/[\\`*_[\]|~@]|[:/](?=\/)/g, '\\$&')
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;');
}
/** A local path as a code span on one line: nothing in it is Markdown or HTML, a table's `|` escaped. */
function code(s) {
    return `\`${s.replace(/[`\r\n\u0085\u2028\u2029]/g, ' ').replace(/\|/g, '\\|')}\``;
}
/** A link when `url` is an http(s) URL; otherwise the label, and the URL as text beside it. */
function summary_link(label, url) {
    if (!url)
        return summary_text(label);
    let parsed;
    try {
        parsed = new URL(url);
    }
    catch {
        parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
        return `${summary_text(label)} (${summary_text(url)})`;
    }
    // href percent-encodes spaces, quotes and angle brackets; these would end the destination or a cell.
    const href = parsed.href.replace(/[()|\\<> ]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    return `[${summary_text(label)}](${href})`;
}
/** Totals, then a table of the failed tests, capped with a count of the rest. */
function testsMarkdown(t) {
    const failed = t.failed + t.errors;
    const out = [
        `#### Tests ${failed ? '❌' : '✅'}`,
        '',
        '| Total | Passed | Failed | Skipped | Errors | Time |',
        '|---|---|---|---|---|---|',
        `| ${t.total} | ${t.passed} | ${t.failed} | ${t.skipped} | ${t.errors} | ${Math.round(t.time * 10) / 10}s |`
    ];
    if (!t.failures.length)
        return out;
    out.push('', '| Suite | Test | Where | Message |', '|---|---|---|---|');
    const shown = t.failures.slice(0, MAX_SUMMARY_FAILURES);
    for (const f of shown) {
        const where = f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : '';
        const message = (f.message ?? '')
            .split(/\r?\n/)
            .filter((l) => l.trim())
            .slice(0, SUMMARY_MESSAGE_LINES)
            .map((l) => summary_text(l.trim().slice(0, 300)))
            .join('<br>');
        out.push(`| ${summary_text(f.suite)} | ${f.status === 'error' ? '💥' : '❌'} ${summary_text(f.name)} | ${summary_text(where)} | ${message} |`);
    }
    const rest = failed - shown.length;
    if (rest > 0)
        out.push('', `…and ${rest} more failed test${rest === 1 ? '' : 's'}.`);
    return out;
}

;// CONCATENATED MODULE: ./lib/core/run.js
/**
 * The words of a run every part shares: the normalized conclusions, a run, its jobs and what
 * one poll saw. The remotes fill them in; the relay, the logs and the reporting read them.
 */
/** The one normalized end of every run (CONTRACT.md, "Conclusions"). */
const CONCLUSIONS = [
    'success',
    'failed',
    'canceled',
    'skipped',
    'blocked',
    'partial',
    'timed_out',
    'error'
];

;// CONCATENATED MODULE: ./lib/config/settings.js








const DEFAULT_URLS = {
    gitlab: 'https://gitlab.com',
    gearset: 'https://api.gearset.com'
};
/**
 * Inputs → a validated Settings, or an InputError naming the input in one sentence.
 * `onSecret` is told each secret value as soon as it is read, before anything can echo it.
 */
function readSettings(read, onSecret, cwd = process.cwd()) {
    // A secret pasted into the wrong input must not come back in that input's error message.
    const redactor = new redact/* Redactor */.pO();
    try {
        return settingsFrom(read, (value) => {
            redactor.add(value);
            onSecret(value);
        }, cwd);
    }
    catch (err) {
        if (err instanceof errors/* InputError */.dz)
            throw new errors/* InputError */.dz(redactor.redact(err.message));
        throw err;
    }
}
function settingsFrom(read, onSecret, cwd) {
    const get = (name) => {
        const value = read(name).trim();
        if (value)
            return value;
        return inputs/* INPUTS */.mc.find((i) => i.name === name)?.default ?? '';
    };
    for (const input of inputs/* INPUTS */.mc) {
        if (!input.secret)
            continue;
        const value = read(input.name);
        onSecret(value);
        if (input.name === 'secret-variables' && value.trim()) {
            try {
                Object.values(parseVariables(value, input.name)).forEach(onSecret);
            }
            catch {
                // reported below, where it is parsed for real
            }
        }
    }
    // Basic auth (GoCD) sends the pair as base64: a server echoing the header must not show it.
    const [user, pass] = [get('username'), get('password')];
    if (user && pass)
        onSecret(Buffer.from(`${user}:${pass}`).toString('base64'));
    const system = get('system').toLowerCase();
    if (!system)
        throw new errors/* InputError */.dz(`Input 'system' is required: one of ${inputs/* SYSTEMS */.LB.join(', ')}.`);
    if (!inputs/* SYSTEMS */.LB.includes(system)) {
        throw new errors/* InputError */.dz(`Input 'system' must be one of ${inputs/* SYSTEMS */.LB.join(', ')}, not '${get('system')}'.`);
    }
    const sys = system;
    const url = parseUrl(get('url') || DEFAULT_URLS[sys] || '', sys);
    const token = get('token') || undefined;
    const username = get('username') || undefined;
    const password = get('password') || undefined;
    if (username && !password)
        throw new errors/* InputError */.dz(`Input 'password' is required when 'username' is set.`);
    if (password && !username)
        throw new errors/* InputError */.dz(`Input 'username' is required when 'password' is set.`);
    if (sys === 'gearset' && !token)
        throw new errors/* InputError */.dz(`Input 'token' is required for gearset: a Gearset API token.`);
    const settings = {
        system: sys,
        url,
        token,
        username,
        password,
        caCert: parseCaCert(get('ca-cert'), cwd),
        tlsVerify: parseBool(get('tls-verify'), 'tls-verify'),
        variables: get('variables') ? parseVariables(get('variables'), 'variables') : {},
        run: get('run') || undefined,
        wait: parseBool(get('wait'), 'wait'),
        timeoutMs: parseDuration(get('timeout'), 'timeout'),
        pollIntervalMs: parseDuration(get('poll-interval'), 'poll-interval'),
        cancelOnTimeout: parseBool(get('cancel-on-timeout'), 'cancel-on-timeout'),
        cancelOnAbort: parseBool(get('cancel-on-abort'), 'cancel-on-abort'),
        log: parseEnum(get('log'), 'log', ['stream', 'on-failure', 'none']),
        downloadDir: external_node_path_.resolve(cwd, get('download-dir')),
        artifacts: parseGlobs(get('artifacts')),
        successOn: parseSuccessOn(get('success-on')),
        maxArtifactSize: parseSize(get('max-artifact-size'), 'max-artifact-size'),
        testResults: parseGlobs(get('test-results'), 'test-results'),
        outputsFile: parseGlobs(get('outputs-file'), 'outputs-file'),
        githubStatus: githubStatusSettings(read, get)
    };
    if (settings.pollIntervalMs < 1000)
        throw new errors/* InputError */.dz(`Input 'poll-interval' must be at least 1s.`);
    // The file the values come back in is downloaded whatever `artifacts` selects.
    for (const g of settings.outputsFile)
        if (!settings.artifacts.includes(g))
            settings.artifacts.push(g);
    if (sys === 'gitlab')
        settings.gitlab = gitlabSettings(get, settings);
    if (sys === 'gocd')
        settings.gocd = gocdSettings(get, settings);
    if (sys === 'gearset')
        settings.gearset = gearsetSettings(get, settings);
    return settings;
}
function gitlabSettings(get, s) {
    const project = get('project');
    if (!project)
        throw new errors/* InputError */.dz(`Input 'project' is required for gitlab: a numeric id or a group/name path.`);
    if (!/^\d+$/.test(project) && !/^[\w.-]+(\/[\w.-]+)+$/.test(project)) {
        throw new errors/* InputError */.dz(`Input 'project' must be a numeric id or a group/name path, not '${project}'.`);
    }
    const ref = get('ref') || undefined;
    const triggerToken = get('trigger-token') || undefined;
    const job = get('job') || undefined;
    const jobById = job !== undefined && /^\d+$/.test(job);
    const sha = get('sha') ? parseSha(get('sha')) : undefined;
    const inputs = parsePipelineInputs(get('inputs'));
    if (sha) {
        const clash = s.run ? 'run' : jobById ? 'job' : triggerToken ? 'trigger-token' : '';
        if (clash)
            throw new errors/* InputError */.dz(`Input 'sha' waits for the pipeline GitLab creates for a commit; it cannot go with '${clash}'${clash === 'job' ? ' as a job id (a job name can)' : ''}.`);
    }
    if (Object.keys(inputs).length && (s.run || sha) && !job) {
        throw new errors/* InputError */.dz(`Input 'inputs' is sent when ci-relay creates a pipeline or plays a manual job; with '${s.run ? 'run' : 'sha'}' it needs 'job' (a manual job to play with them).`);
    }
    if (!s.run && !jobById && !ref && !sha) {
        throw new errors/* InputError */.dz(`Input 'ref' is required for gitlab to create a pipeline (or give 'run' to attach to one).`);
    }
    if (s.run && !/^\d+$/.test(s.run))
        throw new errors/* InputError */.dz(`Input 'run' must be a GitLab pipeline id (a number) for gitlab.`);
    return { project, ref, triggerToken, job, inputs, sha };
}
function gocdSettings(get, s) {
    const pipeline = get('pipeline');
    if (!pipeline)
        throw new errors/* InputError */.dz(`Input 'pipeline' is required for gocd: the pipeline name.`);
    if (!/^[\w.-]+$/.test(pipeline))
        throw new errors/* InputError */.dz(`Input 'pipeline' is not a GoCD pipeline name: '${pipeline}'.`);
    if (s.run && !/^\d+$/.test(s.run))
        throw new errors/* InputError */.dz(`Input 'run' must be a GoCD pipeline counter (a number) for gocd.`);
    const materials = lines(get('materials')).map((line) => {
        const eq = line.indexOf('=');
        if (eq <= 0 || eq === line.length - 1) {
            throw new errors/* InputError */.dz(`Input 'materials' must be lines of fingerprint=revision; '${line}' is not.`);
        }
        return { fingerprint: line.slice(0, eq).trim(), revision: line.slice(eq + 1).trim() };
    });
    const secret = get('secret-variables');
    return {
        pipeline,
        materials,
        secretVariables: secret ? parseVariables(secret, 'secret-variables') : {},
        updateMaterials: parseBool(get('update-materials'), 'update-materials')
    };
}
function gearsetSettings(get, s) {
    const job = get('job');
    if (!job)
        throw new errors/* InputError */.dz(`Input 'job' is required for gearset: the CI job id (or unit-test job id).`);
    if (!/^[\w-]+$/.test(job))
        throw new errors/* InputError */.dz(`Input 'job' is not a Gearset job id: '${job}'.`);
    const jobType = parseEnum(get('job-type'), 'job-type', ['ci', 'unit-test']);
    const commit = get('commit') || undefined;
    if (commit && jobType !== 'ci')
        throw new errors/* InputError */.dz(`Input 'commit' applies only to job-type ci.`);
    if (commit && !/^[0-9a-fA-F]{7,64}$/.test(commit))
        throw new errors/* InputError */.dz(`Input 'commit' must be a commit id, not '${commit}'.`);
    if (s.run && !/^[\w-]+$/.test(s.run))
        throw new errors/* InputError */.dz(`Input 'run' is not a Gearset run request id: '${s.run}'.`);
    return { job, jobType, commit };
}
function parseUrl(value, system) {
    if (!value)
        throw new errors/* InputError */.dz(`Input 'url' is required for ${system}: the server root, such as https://gocd.example.com.`);
    let url;
    try {
        url = new URL(value);
    }
    catch {
        throw new errors/* InputError */.dz(`Input 'url' is not a URL: '${value}'.`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new errors/* InputError */.dz(`Input 'url' must start with https:// or http://, not '${url.protocol}'.`);
    }
    if (url.username || url.password) {
        throw new errors/* InputError */.dz(`Input 'url' must not hold credentials; use 'token' or 'username' and 'password'.`);
    }
    if (url.search || url.hash)
        throw new errors/* InputError */.dz(`Input 'url' must not have a query or fragment.`);
    return url.toString().replace(/\/+$/, '');
}
function parseBool(value, name) {
    const v = value.trim().toLowerCase();
    if (['true', 'yes', '1', 'on'].includes(v))
        return true;
    if (['false', 'no', '0', 'off'].includes(v))
        return false;
    throw new errors/* InputError */.dz(`Input '${name}' must be true or false, not '${value}'.`);
}
function parseEnum(value, name, allowed) {
    const v = value.trim().toLowerCase();
    if (allowed.includes(v))
        return v;
    throw new errors/* InputError */.dz(`Input '${name}' must be one of ${allowed.join(', ')}, not '${value}'.`);
}
/** `90s`, `45m`, `1h30m`, `2d`, or plain seconds → milliseconds. */
function parseDuration(value, name) {
    const v = value.trim().toLowerCase();
    let ms;
    if (/^\d+(\.\d+)?$/.test(v))
        ms = Number(v) * 1000;
    else if (/^(\d+(\.\d+)?(ms|d|h|m|s))+$/.test(v)) {
        const units = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
        ms = 0;
        for (const [, n, unit] of v.matchAll(/(\d+(?:\.\d+)?)(ms|d|h|m|s)/g))
            ms += Number(n) * units[unit];
    }
    if (ms === undefined || !(ms > 0)) {
        throw new errors/* InputError */.dz(`Input '${name}' must be a duration such as 90s, 45m, 1h30m or plain seconds, not '${value}'.`);
    }
    return Math.round(ms);
}
/** `5GiB`, `500MB`, `1024` (bytes) → bytes. */
function parseSize(value, name) {
    const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)?$/i.exec(value.trim());
    if (!m)
        throw new errors/* InputError */.dz(`Input '${name}' must be a size such as 500MB or 5GiB, not '${value}'.`);
    const unit = (m[2] ?? '').toLowerCase().replace(/b$/, '');
    const powers = {
        '': 1,
        k: 1e3,
        m: 1e6,
        g: 1e9,
        t: 1e12,
        ki: 2 ** 10,
        mi: 2 ** 20,
        gi: 2 ** 30,
        ti: 2 ** 40
    };
    if (!(unit in powers))
        throw new errors/* InputError */.dz(`Input '${name}' must be a size such as 500MB or 5GiB, not '${value}'.`);
    const bytes = Math.floor(Number(m[1]) * powers[unit]);
    if (bytes <= 0)
        throw new errors/* InputError */.dz(`Input '${name}' must be more than zero.`);
    return bytes;
}
/**
 * `KEY=VALUE` lines (the value may hold `=`), or a JSON or YAML map. Keys must be variable
 * names; values are kept as text.
 */
function parseVariables(value, name) {
    const text = value.trim();
    if (!text)
        return {};
    let map;
    const isLines = lines(text).every((l) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(l));
    if (isLines) {
        map = {};
        for (const line of lines(text)) {
            const eq = line.indexOf('=');
            map[line.slice(0, eq)] = line.slice(eq + 1);
        }
    }
    else {
        let parsed;
        try {
            parsed = text.startsWith('{') ? JSON.parse(text) : (0,dist/* parse */.qg)(text);
        }
        catch {
            throw new errors/* InputError */.dz(`Input '${name}' must be lines of KEY=VALUE or a JSON or YAML map.`);
        }
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
            throw new errors/* InputError */.dz(`Input '${name}' must be lines of KEY=VALUE or a JSON or YAML map.`);
        }
        map = parsed;
    }
    const out = {};
    for (const [key, v] of Object.entries(map)) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
            throw new errors/* InputError */.dz(`Input '${name}' has '${key}', which is not a variable name.`);
        }
        if (v !== null && typeof v === 'object')
            throw new errors/* InputError */.dz(`Input '${name}' has a value for '${key}' that is not text.`);
        out[key] = v === null || v === undefined ? '' : String(v);
    }
    return out;
}
function parseGlobs(value, name = 'artifacts') {
    const globs = value
        .split(/[\n,]/)
        .map((g) => g.trim())
        .filter(Boolean);
    if (name === 'artifacts' && globs.length === 1 && globs[0].toLowerCase() === 'none')
        return [];
    for (const g of globs) {
        if (g.startsWith('/') || /(^|\/)\.\.(\/|$)/.test(g)) {
            throw new errors/* InputError */.dz(`Input '${name}' has '${g}'; globs are relative to the artifact root and may not hold '..'.`);
        }
    }
    return globs;
}
function githubStatusSettings(read, get) {
    if (!parseBool(get('github-status'), 'github-status'))
        return undefined;
    // Read as given: the default `${{ github.token }}` is the runner's to fill in, never a token.
    const token = read('github-token').trim();
    if (!token || token.startsWith('${{')) {
        throw new errors/* InputError */.dz(`Input 'github-token' is required when 'github-status' is true: a token with the statuses: write permission.`);
    }
    const context = get('status-context') || undefined;
    if (context && (context.length > 255 || /[\r\n]/.test(context)))
        throw new errors/* InputError */.dz(`Input 'status-context' must be one line of at most 255 characters.`);
    return { token, context };
}
function parseSuccessOn(value) {
    const given = value
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean);
    if (!given.length)
        throw new errors/* InputError */.dz(`Input 'success-on' must name at least one conclusion.`);
    for (const c of given) {
        if (!CONCLUSIONS.includes(c.toLowerCase())) {
            throw new errors/* InputError */.dz(`Input 'success-on' has '${c}', which is not one of ${CONCLUSIONS.join(', ')}.`);
        }
    }
    return given.map((c) => c.toLowerCase());
}
function parseCaCert(value, cwd) {
    if (!value)
        return undefined;
    if (value.includes('-----BEGIN CERTIFICATE-----'))
        return value;
    const file = external_node_path_.resolve(cwd, value);
    let text;
    try {
        text = external_node_fs_.readFileSync(file, 'utf8');
    }
    catch {
        throw new errors/* InputError */.dz(`Input 'ca-cert' is neither PEM text nor a readable file: '${value}'.`);
    }
    if (!text.includes('-----BEGIN CERTIFICATE-----')) {
        throw new errors/* InputError */.dz(`Input 'ca-cert' names a file that holds no PEM certificate: '${value}'.`);
    }
    return text;
}
function lines(text) {
    return text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean);
}

;// CONCATENATED MODULE: ./lib/reporting/report-back.js
/**
 * Reporting the run back where people look: the commit status on GitHub, the test results the
 * run produced (read once, shown in the summary, the outputs and each host's own test view),
 * and annotations for failed tests and failed jobs.
 *
 * main.ts drives it: `started` when the run was triggered or attached, `ended` while the remote
 * can still be asked for its own test report, `finish` once the result is final, `failed` when
 * ci-relay stopped with an error of its own. Nothing here changes the run's conclusion: what
 * cannot be reported is a warning.
 */






/** GitHub shows at most 10 error annotations per step; more would only hide the last ones. */
const MAX_TEST_ANNOTATIONS = 10;
/** Lines of a failure's message an annotation carries; the summary and the report have the rest. */
const ANNOTATION_LINES = 6;
class Reporting {
    settings;
    host;
    contextSuffix;
    status;
    run;
    files = [];
    constructor(settings, host, 
    /** With several runs: ` (<name>)`, so each run has a commit status of its own. */
    contextSuffix = '') {
        this.settings = settings;
        this.host = host;
        this.contextSuffix = contextSuffix;
    }
    /** The run exists: the commit status turns `pending`. */
    async started(run) {
        this.run = run;
        const gh = this.settings.githubStatus;
        if (!gh || this.host.kind !== 'github')
            return;
        if (!this.settings.wait) {
            this.host.info('github-status: no commit status is posted with wait: false, since ci-relay will not see the run end.');
            return;
        }
        // Octokit is loaded only when a status is wanted.
        const { CommitStatus, statusTarget } = await Promise.all(/* import() */[__webpack_require__.e(542), __webpack_require__.e(491)]).then(__webpack_require__.bind(__webpack_require__, 5491));
        const target = statusTarget();
        if (typeof target === 'string') {
            this.host.warning(`Could not post the commit status: ${target}.`);
            return;
        }
        this.host.secret(gh.token);
        this.status = new CommitStatus(target, gh.token, `${gh.context ?? this.defaultContext()}${this.contextSuffix}`);
        await this.post('pending', `${inputs/* SYSTEM_NAMES */.Hu[this.settings.system]} run ${run.id} is running`, run.url);
    }
    /** The run ended; the remote is still connected: read the test results. */
    async ended(result, remote, run) {
        if (!this.settings.testResults.length || !result.waited || result.conclusion === 'canceled')
            return;
        const warn = (m) => this.host.warning(m);
        const read = await readTestResults({
            downloadDir: this.settings.downloadDir,
            globs: this.settings.testResults,
            jobDirs: result.jobs.flatMap((j) => (j.artifacts ? [{ name: j.name, dir: j.artifacts }] : [])),
            remoteReport: remote.testReport
                ? async () => {
                    try {
                        return await remote.testReport(run);
                    }
                    catch (err) {
                        warn(`Could not read ${inputs/* SYSTEM_NAMES */.Hu[this.settings.system]}'s test report: ${(0,errors/* errorMessage */.gJ)(err)}`);
                        return undefined;
                    }
                }
                : undefined,
            warn
        });
        this.files = read.files;
        if (read.files.length) {
            this.host.info(`Test results: ${read.files.length} JUnit file(s) saved in ${external_node_path_.join(this.settings.downloadDir, 'test-results')}`);
        }
        if (!read.summary) {
            this.host.info(`Test results: none found (test-results: ${this.settings.testResults.join(', ')}${remote.testReport ? `, nor in ${inputs/* SYSTEM_NAMES */.Hu[this.settings.system]}'s test report` : ''}).`);
            return;
        }
        result.tests = read.summary;
        this.host.info(`Tests${read.source === 'remote' ? ` (${inputs/* SYSTEM_NAMES */.Hu[this.settings.system]}'s test report)` : ''}: ${totalsLine(read.summary)}`);
    }
    /** The result is final: annotations, the host's test view, the commit status's end. */
    async finish(result) {
        if (result.tests)
            this.annotateTests(result.tests);
        this.annotateJobs(result);
        const files = publishable(this.files, this.settings.downloadDir, (m) => this.host.warning(m));
        if (files.length)
            this.host.publishTestResults(files);
        if (!this.status)
            return;
        const { finalState } = await Promise.all(/* import() */[__webpack_require__.e(542), __webpack_require__.e(491)]).then(__webpack_require__.bind(__webpack_require__, 5491));
        const tests = result.tests?.failed || result.tests?.errors ? `, ${failedCount(result.tests)} tests failed` : '';
        await this.post(finalState(result.conclusion, result.accepted), `${result.conclusion} in ${duration(result.duration)}${tests}`, result.runUrl);
    }
    /** ci-relay stopped with an error before the run had a result: the pending status ends as `error`. */
    async failed(error) {
        if (!this.status)
            return;
        await this.post('error', `ci-relay: ${error.message}`, this.run?.url);
    }
    defaultContext() {
        const s = this.settings;
        const what = s.gitlab ? s.gitlab.project : s.gocd ? s.gocd.pipeline : (s.gearset?.job ?? '');
        return `ci-relay/${s.system}: ${what}`;
    }
    async post(state, description, targetUrl) {
        if (!this.status)
            return;
        const why = await this.status.post({
            state,
            description: redactAll(description, this.host.secrets),
            targetUrl: targetUrl && /^https?:\/\//.test(targetUrl) ? targetUrl : undefined
        });
        if (why)
            this.host.warning(`Could not post the commit status '${this.status.context}' (${state}): ${why}.`);
        else
            this.host.info(`Commit status '${this.status.context}': ${state}`);
    }
    annotateTests(tests) {
        const shown = tests.failures.slice(0, MAX_TEST_ANNOTATIONS);
        for (const t of shown)
            this.host.annotate(testAnnotation(t));
        const rest = failedCount(tests) - shown.length;
        if (rest > 0) {
            this.host.warning(`${rest} more failed test(s) are not annotated (at most ${MAX_TEST_ANNOTATIONS} are): the summary${this.files.length ? ` and ${external_node_path_.join(this.settings.downloadDir, 'test-results')}` : ''} list them.`);
        }
    }
    annotateJobs(result) {
        const system = inputs/* SYSTEM_NAMES */.Hu[this.settings.system];
        for (const job of result.jobs) {
            if (job.conclusion !== 'failed')
                continue;
            // With log: none no remote text is shown, not even its last line.
            const reason = job.log && this.settings.log !== 'none' ? lastLogLine(job.log) : undefined;
            // An allowed failure did not fail the step: a warning; an error is for what did.
            this.host.annotate({
                kind: job.allowedToFail ? 'warning' : 'error',
                title: clean(`${system} job ${job.name} failed${job.allowedToFail ? ' (allowed to fail)' : ''}`),
                message: clean([`${job.name}: ${job.status}${reason ? ` — ${reason}` : ''}`, job.url ? `${job.url}` : '']
                    .filter(Boolean)
                    .join('\n'))
            });
        }
    }
}
/** `12 passed, 2 failed, 1 skipped, 0 errors in 3.2s (15 tests)`. */
function totalsLine(s) {
    return `${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped, ${s.errors} errors in ${duration(s.time)} (${s.total} tests)`;
}
function failedCount(s) {
    return s.failed + s.errors;
}
function testAnnotation(t) {
    const lines = (t.message ?? '').split(/\r?\n/).filter((l) => l.trim());
    const more = lines.length > ANNOTATION_LINES ? `\n… (${lines.length - ANNOTATION_LINES} more lines)` : '';
    return {
        kind: 'error',
        title: clean(`${t.status === 'error' ? 'Test error' : 'Test failed'}: ${t.suite ? `${t.suite} › ` : ''}${t.name}`),
        message: clean(lines.slice(0, ANNOTATION_LINES).join('\n') + more) || `${t.name} ${t.status}`,
        file: t.file ? clean(t.file) : undefined,
        line: t.line
    };
}
/** Remote text, line by line, without control sequences (as log lines are shown). */
function clean(text) {
    return text
        .split(/\r?\n/)
        .map((l) => (0,neutralise/* tidyRemoteLine */.t8)(l).slice(0, 1000))
        .join('\n');
}
function redactAll(text, secrets) {
    let out = text;
    for (const s of secrets)
        if (s)
            out = out.split(s).join('***');
    return out;
}
/** The last non-empty line of a saved (already masked) log, read from its tail only. */
function lastLogLine(file) {
    try {
        const fd = external_node_fs_.openSync(file, 'r');
        try {
            const size = external_node_fs_.fstatSync(fd).size;
            const length = Math.min(size, 4096);
            const buf = Buffer.alloc(length);
            external_node_fs_.readSync(fd, buf, 0, length, size - length);
            const lines = buf.toString('utf8').replace(SGR, '').split(/\r?\n/);
            const last = lines
                .map((l) => l.trim())
                .filter(Boolean)
                .at(-1);
            return last ? last.slice(0, 300) : undefined;
        }
        finally {
            external_node_fs_.closeSync(fd);
        }
    }
    catch {
        return undefined;
    }
}
// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;:]*m/g;
/** `42s`, `3m 5s`, `1h 2m`. */
function duration(seconds) {
    const s = Math.round(seconds * 10) / 10;
    if (s < 60)
        return `${s}s`;
    const whole = Math.round(s);
    const h = Math.floor(whole / 3600);
    const m = Math.floor((whole % 3600) / 60);
    const sec = whole % 60;
    return h ? `${h}h ${m}m` : `${m}m ${sec}s`;
}

;// CONCATENATED MODULE: ./lib/config/runs.js
/**
 * The `runs` input (CONTRACT.md, "Several runs"): a YAML or JSON list whose items are maps of
 * the contract's inputs for one run plus a `name`. Every item is read into its own Settings
 * here, before anything is triggered, so that one bad item fails the whole step with one
 * sentence naming it (by `name`, else by position) and nothing is sent to any server.
 */






/** More runs than this in one step is surely a mistake (each holds connections and a poll loop). */
const MAX_RUNS = 100;
/** Inputs an item may not set: they belong to the step as a whole. */
const STEP_ONLY = new Set(['runs', 'fail-fast', 'download-dir']);
/** Inputs that are lists of lines: a YAML list is taken as one line per entry. */
const LINE_LISTS = new Set(['artifacts', 'test-results', 'materials', 'success-on']);
/**
 * The step's inputs with `runs` → each item's Settings. Secrets of every item are told to
 * `onSecret` as they are read (readSettings does so before it validates anything).
 */
function readRuns(read, onSecret, cwd = process.cwd(), 
/** The host reading them: an item's inputs of other hosts are ignored, as the step's are. */
hostKind = 'cli') {
    const raw = parseList(read('runs'));
    const stepDir = external_node_path_.resolve(cwd, read('download-dir').trim() || defaultOf('download-dir'));
    const failFast = parseBool(read('fail-fast').trim() || defaultOf('fail-fast'), 'fail-fast');
    const maps = raw.map((entry, i) => itemMap(entry, i + 1));
    // Every secret of every item is registered before any item is judged: an error message about
    // one item can then never show another's secret.
    for (const map of maps)
        for (const def of inputs/* INPUTS */.mc)
            if (def.secret && map.values[def.name])
                onSecret(map.values[def.name]);
    const readHere = new Set((0,inputs/* inputsFor */.pz)(hostKind).map((i) => i.name));
    for (const map of maps)
        for (const name of Object.keys(map.values))
            if (!readHere.has(name))
                delete map.values[name];
    const items = [];
    const byFolder = new Map();
    for (const map of maps) {
        const folder = safeFileName(map.name);
        const same = byFolder.get(folder.toLowerCase());
        if (same) {
            throw new errors/* InputError */.dz(same.name === map.name
                ? `Input 'runs' has two items named '${map.name}' (items ${same.position} and ${map.position}): each run needs a name of its own.`
                : `Input 'runs' has items '${same.name}' and '${map.name}' whose names make the same folder name '${folder}': give them names that differ in letters or digits.`);
        }
        const settings = itemSettings(read, map, external_node_path_.join(stepDir, folder), onSecret, cwd);
        const item = { name: map.name, folder, position: map.position, settings };
        byFolder.set(folder.toLowerCase(), item);
        items.push(item);
    }
    return { items, failFast, downloadDir: stepDir };
}
function defaultOf(name) {
    return inputs/* INPUTS */.mc.find((i) => i.name === name)?.default ?? '';
}
function parseList(text) {
    let parsed;
    try {
        parsed = text.trim().startsWith('[') ? JSON.parse(text) : (0,dist/* parse */.qg)(text);
    }
    catch (err) {
        // The parser's message quotes the text, which may hold a token: only where it broke is told.
        const line = /line (\d+)/.exec((0,errors/* errorMessage */.gJ)(err))?.[1];
        throw new errors/* InputError */.dz(`Input 'runs' is not a YAML or JSON list of runs${line ? ` (it does not parse at line ${line})` : ''}.`);
    }
    if (!Array.isArray(parsed))
        throw new errors/* InputError */.dz(`Input 'runs' must be a YAML or JSON list of runs, each a map of inputs with a name.`);
    if (!parsed.length)
        throw new errors/* InputError */.dz(`Input 'runs' holds no run.`);
    if (parsed.length > MAX_RUNS)
        throw new errors/* InputError */.dz(`Input 'runs' holds ${parsed.length} runs; at most ${MAX_RUNS} are allowed in one step.`);
    return parsed;
}
const KNOWN = new Set(inputs/* INPUTS */.mc.map((i) => i.name));
function itemMap(entry, position) {
    const at = `Input 'runs' item ${position}`;
    if (!entry || typeof entry !== 'object' || Array.isArray(entry))
        throw new errors/* InputError */.dz(`${at} is not a map of inputs with a name.`);
    const map = entry;
    const rawName = map.name;
    if (typeof rawName !== 'string' && typeof rawName !== 'number')
        throw new errors/* InputError */.dz(`${at} has no 'name': each run needs a name of its own (its log prefix and folder).`);
    const name = String(rawName).trim();
    if (!name || name.length > 100 || /[\r\n]/.test(name))
        throw new errors/* InputError */.dz(`${at} needs a 'name' of one line, 1 to 100 characters.`);
    const label = `Input 'runs' item '${name}'`;
    const values = {};
    for (const [key, value] of Object.entries(map)) {
        if (key === 'name')
            continue;
        // Azure writes inputs in camelCase: `pollInterval` is `poll-interval`.
        const input = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
        if (STEP_ONLY.has(input))
            throw new errors/* InputError */.dz(`${label} sets '${key}', which is set once for the whole step, not per run.`);
        if (!KNOWN.has(input))
            throw new errors/* InputError */.dz(`${label} has '${key}', which is not an input.`);
        values[input] = runs_asText(value, input, label);
    }
    return { name, position, values };
}
function runs_asText(value, input, label) {
    if (value === null || value === undefined)
        return '';
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
        return String(value);
    if (Array.isArray(value) &&
        LINE_LISTS.has(input) &&
        value.every((v) => typeof v !== 'object' || v === null))
        return value.map((v) => String(v ?? '')).join('\n');
    // A map for variables (and pipeline inputs) keeps its types as JSON, which those inputs read.
    if (typeof value === 'object' && !Array.isArray(value))
        return JSON.stringify(value);
    throw new errors/* InputError */.dz(`${label} has a value for '${input}' that is not text.`);
}
/** The inputs no item inherits from the step when it runs on another server: they are for the step's own server. */
const CREDENTIALS = new Set(inputs/* INPUTS */.mc.filter((i) => i.secret && !i.hosts)
    .map((i) => i.name)
    .concat('username'));
/**
 * An item's reader: its own values, else the step's. Credentials (`token`, `username`,
 * `password`, `trigger-token`, `secret-variables`) are inherited only by an item whose server
 * is the step's own (same system and origin): a step's token never goes to another server.
 * `run` is never inherited (an id means nothing on another run's server).
 */
function itemSettings(read, map, downloadDir, onSecret, cwd) {
    const own = map.values;
    const stepSystem = read('system').trim().toLowerCase();
    const itemSystem = (own.system ?? stepSystem).trim().toLowerCase();
    const sameServer = itemSystem === stepSystem &&
        origin(own.url ?? read('url'), itemSystem) === origin(read('url'), stepSystem);
    const itemRead = (name) => {
        if (name === 'download-dir')
            return downloadDir;
        if (name in own)
            return own[name];
        if (name === 'run' || name === 'runs')
            return '';
        if (CREDENTIALS.has(name) && !sameServer)
            return '';
        return read(name);
    };
    try {
        return readSettings(itemRead, onSecret, cwd);
    }
    catch (err) {
        if (!(err instanceof errors/* InputError */.dz))
            throw err;
        const label = `Input 'runs' item '${map.name}' (item ${map.position})`;
        throw new errors/* InputError */.dz(`${label}: ${err.message.charAt(0).toLowerCase()}${err.message.slice(1)}`);
    }
}
/** The origin a system's URL input points at; '' when there is none to tell. */
function origin(url, system) {
    const value = url.trim() || DEFAULT_URLS[system] || '';
    if (!inputs/* SYSTEMS */.LB.includes(system) || !value)
        return '';
    try {
        return new URL(value).origin;
    }
    catch {
        return '';
    }
}

;// CONCATENATED MODULE: ./lib/reporting/summary-runs.js



/** Outputs whose text is JSON or a number: in `runs` they keep their type. */
const TYPED = new Set(['jobs', 'tests', 'remote-outputs', 'duration', 'failed-tests']);
/** The entry of one run in the `runs` output: its name, every output it set (typed), and its message. */
function runEntry(run) {
    const entry = { name: run.name };
    for (const [name, value] of Object.entries(run.outputs)) {
        if (TYPED.has(name) && typeof value === 'string' && value !== '') {
            try {
                entry[name] = JSON.parse(value);
                continue;
            }
            catch {
                // kept as text
            }
        }
        entry[name] = value;
    }
    // Why it ended as it did, as the CLI's result object says it for one run.
    if (run.message)
        entry.message = run.message;
    // A value the remote handed back under the key `name` never hides which run this is.
    entry.name = run.name;
    return entry;
}
/** The step's outputs: its verdict as a single run's outputs would be, plus `runs`. */
function setSeveralOutputs(host, result) {
    setOutputs(host, { ...result, waited: true });
    host.setOutput('runs', (0,neutralise/* commandFreeJson */.cc)((result.runs ?? []).map(runEntry)));
}
/** A run's conclusion as the verdict judged it: `partial (accepted)` when its success-on took it. */
function judged(r) {
    const word = r.waited ? r.conclusion : 'triggered';
    return `${ICONS[r.waited ? r.conclusion : 'success'] ?? ''} ${word}${r.waited && r.accepted && r.conclusion !== 'success' ? ' (accepted)' : ''}`;
}
/** GitHub's job summary and Azure's build summary: one row per run, then each run's jobs with their logs. */
function severalSummaryMarkdown(result) {
    const runs = result.runs ?? [];
    const out = [
        `### ci-relay: ${runs.length} runs`,
        '',
        `**${ICONS[result.conclusion] ?? ''} ${result.conclusion}** in ${result.duration}s` +
            (result.message ? ` — ${summary_text(result.message)}` : ''),
        '',
        '| Run | System | Run id | Conclusion | Status | Duration | Tests |',
        '|---|---|---|---|---|---|---|'
    ];
    for (const r of runs) {
        const tests = r.tests ? `${r.tests.failed + r.tests.errors} failed of ${r.tests.total}` : '';
        out.push(`| ${summary_text(r.name)} | ${summary_text(r.system)} | ${summary_link(r.runId, r.runUrl)} | ${judged(r)} | ${summary_text(r.status)} | ${r.duration}s | ${tests} |`);
    }
    for (const r of runs) {
        out.push('', `#### ${summary_text(r.name)}: ${summary_text(r.system)} run ${summary_link(r.runId, r.runUrl)}`, '');
        if (r.message)
            out.push(summary_text(r.message), '');
        if (!r.jobs.length) {
            out.push(r.waited ? 'No jobs were seen.' : 'Triggered without waiting (`wait: false`).');
            continue;
        }
        out.push('| Job | Stage | Conclusion | Duration | Link | Log |', '|---|---|---|---|---|---|');
        for (const j of r.jobs) {
            out.push(`| ${summary_text(j.name)} | ${summary_text(j.stage ?? '')} | ${ICONS[j.conclusion] ?? ''} ${summary_text(j.conclusion)} | ${j.duration !== undefined ? `${Math.round(j.duration)}s` : ''} | ${j.url ? summary_link('open', j.url) : ''} | ${j.log ? code(j.log) : ''} |`);
        }
    }
    if (result.tests)
        out.push('', ...testsMarkdown(result.tests));
    return out.join('\n') + '\n';
}
/** The step's tests: the runs' totals added (undefined when no run read any). */
function summedTests(runs) {
    const read = runs.flatMap((r) => (r.tests ? [r.tests] : []));
    return read.length ? mergeSummaries(read) : undefined;
}

// EXTERNAL MODULE: ./lib/core/host.js
var host = __webpack_require__(8717);
;// CONCATENATED MODULE: ./lib/relay/run-host.js
/**
 * Each of several runs sees the step's Host through one of these (CONTRACT.md, "Several runs").
 *
 * Log groups: GitHub's `::group::` and Azure's `##[group]` cannot nest or interleave, and
 * several runs stream at the same time, so a group opened by one run would swallow the lines
 * of the others and fold them away under the wrong title. So while several runs stream, no
 * host group is opened at all: a job's start is one line (`[name] ▶ job`), and every remote
 * line carries `[name/job]`, which the host's log search (and grep on the CLI) filters on to
 * follow one run live. Each job's whole log is its saved file, linked from the summary.
 *
 * Every line is handed to the step's host whole, in one write: two runs' bytes never share a
 * line. Secrets are the step's (every run's secrets are masked in every run's text). Outputs
 * are kept per run, never set on the step; saved state goes to `onState` (the post step's list
 * of runs to cancel).
 */

class RunHost {
    step;
    name;
    onState;
    isPost = false;
    /** The outputs this run set, by contract name. */
    outputs = new Map();
    job = '';
    constructor(step, 
    /** The run's name made safe (its folder name): no line breaks, no command characters. */
    name, onState = () => { }) {
        this.step = step;
        this.name = name;
        this.onState = onState;
    }
    get kind() {
        return this.step.kind;
    }
    /** Inputs were read once for every run (config/runs.ts): a run reads none of its own. */
    input(_name) {
        return '';
    }
    secret(value) {
        this.step.secret(value);
    }
    get secrets() {
        return this.step.secrets;
    }
    mark(message) {
        return message
            .split('\n')
            .map((line) => `[${this.name}] ${line}`)
            .join('\n');
    }
    info(message) {
        this.step.info(this.mark(message));
    }
    warning(message) {
        this.step.warning(this.mark(message));
    }
    error(message) {
        this.step.error(this.mark(message));
    }
    debug(message) {
        this.step.debug(this.mark(message));
    }
    /** No host group (see above): the job's start is a line of its own, and its lines are marked with it. */
    startGroup(title) {
        this.job = title.replace(/[\r\n]+/g, ' ');
        this.step.info(`[${this.name}] ▶ ${this.job}`);
    }
    endGroup() {
        this.job = '';
    }
    remoteLines(lines) {
        if (!lines.length)
            return;
        const prefix = this.job ? `[${this.name}/${this.job}] ` : `[${this.name}] `;
        this.step.remoteLines(lines.map((l) => prefix + l));
    }
    setOutput(name, value) {
        this.outputs.set(name, value);
    }
    async summary(_markdown) { }
    async finish(outcome) {
        return (0,host/* exitCode */.I)(outcome);
    }
    saveState(name, value) {
        this.onState(name, value);
    }
    getState(_name) {
        return '';
    }
    annotate(annotation) {
        this.step.annotate({ ...annotation, title: `[${this.name}] ${annotation.title}` });
    }
    publishTestResults(files) {
        this.step.publishTestResults(files);
    }
}

;// CONCATENATED MODULE: ./lib/relay/runs.js
/**
 * Several runs in one step (CONTRACT.md, "Several runs"), built on the single-run relay: every
 * item of `runs` (read and validated as a whole first, config/runs.ts) goes through `relay()`
 * at once, each with its own Settings (system, server, credentials, download-dir), its own
 * run-scoped view of the host (run-host.ts: lines marked `[name/job]`, outputs kept per run)
 * and its own report-back (commit status, test results). This file only starts them, cancels
 * them together (fail-fast, a job's cancel) and judges the step.
 */








/** The verdict's order, worst first (CONTRACT.md): a step is as bad as its worst run. */
const VERDICT_ORDER = [
    'error',
    'timed_out',
    'failed',
    'canceled',
    'blocked',
    'partial',
    'skipped',
    'success'
];
/** Reads every item, then relays them all side by side; the step's Result holds each run's in `runs`. */
async function relaySeveral({ host, read, signal }) {
    const several = readRuns(read, (value) => host.secret(value), process.cwd(), host.kind);
    const started = Date.now();
    host.info(`Several runs: ${several.items.map((i) => `${i.folder} (${inputs/* SYSTEM_NAMES */.Hu[i.settings.system]})`).join(', ')}${several.failFast ? '; fail-fast: the others are cancelled when one ends unsuccessfully' : ''}. Each line of a run is marked [name/job].`);
    const saved = several.items.map((i) => ({ name: i.name }));
    const save = () => host.saveState('runs', JSON.stringify(saved));
    save();
    const controllers = several.items.map(() => new AbortController());
    const onStep = () => controllers.forEach((c) => c.abort());
    if (signal.aborted)
        onStep();
    else
        signal.addEventListener('abort', onStep, { once: true });
    let failedFirst;
    /** fail-fast: every run still going is cancelled; one that ended (bringing back its files) is left be. */
    const failFast = (by) => {
        if (!several.failFast || failedFirst || signal.aborted)
            return;
        failedFirst = by;
        host.warning(`Run '${by.name}' ended ${by.conclusion}: fail-fast cancels the runs still going.`);
        several.items.forEach((item, i) => {
            if (saved[i].finished)
                return;
            // fail-fast asks for the cancel whatever cancel-on-abort says: that is what it is for.
            item.settings.cancelOnAbort = true;
            controllers[i].abort();
        });
    };
    try {
        const results = await Promise.all(several.items.map(async (item, i) => {
            const concluded = (c) => {
                if (!item.settings.successOn.includes(c))
                    failFast({ name: item.name, conclusion: c });
            };
            const because = () => failedFirst && !signal.aborted && failedFirst.name !== item.name
                ? `of fail-fast: run '${failedFirst.name}' ended ${failedFirst.conclusion}`
                : undefined;
            const result = await one(item, host, controllers[i].signal, saved[i], save, concluded, because);
            // A run cancelled before it was known says so in relay's own words: fail-fast's are these.
            if (result.conclusion === 'canceled' && because())
                result.message = `Cancelled because ${because()}.`;
            if (!result.accepted)
                failFast(result);
            return result;
        }));
        return verdict(several, results, started);
    }
    finally {
        signal.removeEventListener('abort', onStep);
    }
}
/** One run through the single-run relay; an error of its own is its conclusion, never the step's throw. */
async function one(item, step, signal, saved, save, onConcluded, cancelledBecause) {
    const host = new RunHost(step, item.folder, (name, value) => {
        if (name === 'run')
            saved.run = JSON.parse(value);
        else if (name === 'finished')
            saved.finished = true;
        else
            return;
        save();
    });
    const report = new Reporting(item.settings, host, ` (${item.name})`);
    let result;
    try {
        result = await relay({
            settings: item.settings,
            host,
            signal,
            onStarted: (run) => report.started(run),
            onEnded: (r, remote, run) => report.ended(r, remote, run),
            onConcluded,
            cancelledBecause
        });
        setOutputs(host, result);
        await report.finish(result);
    }
    catch (err) {
        result = failedRun(item, host, saved, err);
        await report.failed(err instanceof Error ? err : new Error(String(err)));
        host.setOutput('conclusion', result.conclusion);
        setOutputs(host, result);
    }
    finally {
        saved.finished = true;
        save();
    }
    return { ...result, name: item.name, outputs: Object.fromEntries(host.outputs) };
}
/** A run whose relay threw: its conclusion is `error` (or `canceled`), its message the sentence. */
function failedRun(item, host, saved, err) {
    const canceled = err instanceof errors/* AbortedError */.oM;
    const message = canceled
        ? 'The calling job was cancelled.'
        : err instanceof errors/* RemoteError */.Hi || err instanceof errors/* DeadlineError */.j3
            ? err.message
            : `ci-relay failed: ${(0,errors/* errorMessage */.gJ)(err)}`;
    if (!canceled)
        host.error(message);
    const conclusion = canceled ? 'canceled' : 'error';
    return {
        system: inputs/* SYSTEM_NAMES */.Hu[item.settings.system],
        conclusion,
        status: '',
        runId: saved.run?.id ?? '',
        runUrl: saved.run?.url ?? '',
        jobs: [],
        logFile: '',
        downloadDir: item.settings.downloadDir,
        duration: 0,
        accepted: item.settings.successOn.includes(conclusion),
        waited: true,
        message
    };
}
/**
 * The step's result: the worst of the runs' conclusions, each judged with its own `success-on`
 * (a run it accepts counts as success); accepted when every run is. run-id/run-url stay empty.
 */
function verdict(several, runs, started) {
    const judged = runs.map((r) => (r.accepted ? 'success' : r.conclusion));
    const conclusion = VERDICT_ORDER.find((c) => judged.includes(c)) ?? 'error';
    const bad = runs.filter((r) => !r.accepted);
    const firstBad = bad.find((r) => r.logFile) ?? bad[0];
    const systems = [...new Set(runs.map((r) => r.system))].join(', ');
    return {
        system: systems,
        conclusion,
        status: '',
        runId: '',
        runUrl: '',
        jobs: runs.flatMap((r) => r.jobs.map((j) => ({ ...j, name: `${r.name}/${j.name}` }))),
        logFile: firstBad?.logFile || ([...runs].reverse().find((r) => r.logFile)?.logFile ?? ''),
        downloadDir: several.downloadDir,
        duration: Math.round((Date.now() - started) / 1000),
        accepted: bad.length === 0,
        waited: true,
        message: bad.length
            ? `${bad.length} of ${runs.length} runs did not succeed: ${bad.map((r) => `${r.name} ${r.conclusion}`).join(', ')}.`
            : `All ${runs.length} runs succeeded${runs.some((r) => r.conclusion !== 'success') ? ' (some as success-on accepts)' : ''}.`,
        tests: summedTests(runs),
        runs
    };
}

;// CONCATENATED MODULE: ./lib/relay/runs-post.js





/**
 * GitHub's post step for several runs: the main step was killed before it ended them, so each
 * run it had started and not seen end is cancelled once, on its own server with its own
 * credentials, all at once within one cancel grace.
 */
async function cancelSeveral(host) {
    let saved;
    let items;
    try {
        saved = JSON.parse(host.getState('runs'));
        items = readRuns((name) => host.input(name), (value) => host.secret(value), process.cwd(), host.kind).items;
    }
    catch {
        return 0;
    }
    const grace = (0,core_deadline/* graceWindow */.Fh)(CANCEL_GRACE_MS);
    await Promise.all(saved.map(async (entry) => {
        const item = items.find((i) => i.name === entry.name);
        if (!item || !entry.run || entry.finished || !item.settings.cancelOnAbort)
            return;
        const what = `${inputs/* SYSTEM_NAMES */.Hu[item.settings.system]} run ${entry.run.id} of '${item.name}'`;
        let clients = [];
        try {
            const connection = await connect(item.settings, host, grace.signal, grace.at);
            clients = connection.clients;
            await connection.remote.cancel(entry.run);
            host.warning(`Cancelled ${what}: the job was cancelled before it ended.`);
        }
        catch (err) {
            // One run that cannot be cancelled never keeps the others from being cancelled.
            host.warning(`Could not cancel ${what}: ${(0,errors/* errorMessage */.gJ)(err)}`);
        }
        finally {
            clients.forEach((c) => c.dispose());
        }
    }));
    return 0;
}

;// CONCATENATED MODULE: ./lib/relay/index.js
/**
 * relay/ owns one run's life: trigger (or attach) → follow (the poll loop, logs, artifacts) →
 * Result. It drives a Remote and tells a Host; it may import remotes/, reporting/, artifacts/,
 * logs/, transport/, config/ and core/, and nothing imports it but the entry (src/main.ts).
 *
 * This module is what main() loads only once a relay is to run: the `--version` and `--help`
 * paths (and a host's start-up) never parse the engine.
 */












/***/ }),

/***/ 6748:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ys: () => (/* binding */ RateBudget),
/* harmony export */   cI: () => (/* binding */ pace),
/* harmony export */   qO: () => (/* binding */ retryDelayMs),
/* harmony export */   wx: () => (/* binding */ header)
/* harmony export */ });
/* harmony import */ var _core_deadline_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1923);
/* harmony import */ var _retries_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8300);


/**
 * Budget pacing: once the budget left (RateLimit-Remaining, X-Rate-Limit-Remaining) falls to
 * this share of the limit, the requests left are spread evenly until the reset instead of
 * spent at once. When the limit is not a count (Gearset's X-Rate-Limit-Limit is the period,
 * `5s`), the budget is known to be low only at its last request, which then waits for the reset.
 */
const LOW_BUDGET_SHARE = 0.1;
const LOW_BUDGET_REQUESTS = 1;
/**
 * A budget is often shared: a fleet of CI jobs on one bot token, none of which knows how many
 * others there are. Once this share of the limit is spent, a read (GET) waits until the
 * window's time has caught up with the budget spent (half the budget gone → wait for half the
 * window), so the fleet as a whole spends at most the limit per window, however large it is.
 * Writes (trigger, cancel) are never held back by it.
 */
const SHARED_BUDGET_SHARE = 0.5;
/** RateLimit-Limit is per minute (GitLab: limit × 60 s / period, lib/gitlab/rack_attack.rb). */
const BUDGET_WINDOW_MS = 60_000;
/**
 * A server's rate-limit budget as its answers' headers tell it: the times before which no
 * request (`notBefore`) or no read (`readNotBefore`) should be sent. The Http client waits
 * for them, within the step's deadline.
 */
class RateBudget {
    /** Set from rate-limit headers: no request before this time. */
    notBefore = 0;
    /** Set from a shared budget spent ahead of its window's time: no read before this time. */
    readNotBefore = 0;
    /**
     * Reads the budget headers (GitLab's RateLimit-*, Gearset's X-Rate-Limit-*): with none left,
     * nothing is sent before the reset; with little left, the requests left are spread evenly
     * until the reset, so that the budget lasts instead of ending in a 429. Gearset sends its
     * headers on every answer (PROTOCOLS.md); GitLab documents RateLimit-* on throttled answers
     * (gitlabhq doc/user/admin_area/settings/user_and_ip_rate_limits.md, since 13.8), and proxies
     * in front of it may add them to all: whatever answer carries them is read.
     */
    note(headers) {
        const raw = header(headers, 'x-rate-limit-remaining') ?? header(headers, 'ratelimit-remaining');
        if (raw === undefined || !Number.isFinite(Number(raw)))
            return;
        const remaining = Number(raw);
        const now = Date.now();
        const reset = resetTime(headers, now);
        if (reset === undefined || reset <= now)
            return;
        const until = Math.min(reset, now + 15 * 60_000);
        if (remaining <= 0) {
            this.notBefore = Math.max(this.notBefore, until);
            return;
        }
        const limit = Number(header(headers, 'x-rate-limit-limit') ?? header(headers, 'ratelimit-limit'));
        if (Number.isFinite(limit) && limit > 0 && remaining <= limit * SHARED_BUDGET_SHARE) {
            const window = Math.max(BUDGET_WINDOW_MS, until - now);
            this.readNotBefore = Math.max(this.readNotBefore, Math.min(until, until - (window * remaining) / limit));
        }
        const low = Number.isFinite(limit) && limit > 0 ? limit * LOW_BUDGET_SHARE : LOW_BUDGET_REQUESTS;
        if (remaining > low)
            return;
        this.notBefore = Math.max(this.notBefore, now + (until - now) / remaining);
    }
}
/** Seconds (or an HTTP date) in Retry-After; a unix time or ISO date in the reset headers. */
function retryDelayMs(headers, now = Date.now()) {
    const retryAfter = header(headers, 'retry-after');
    if (retryAfter) {
        const seconds = Number(retryAfter);
        if (Number.isFinite(seconds))
            return Math.max(0, seconds * 1000);
        const date = Date.parse(retryAfter);
        if (!Number.isNaN(date))
            return Math.max(0, date - now);
    }
    const reset = resetTime(headers, now);
    return reset === undefined ? undefined : Math.max(0, reset - now);
}
/** Unix milliseconds or seconds, an ISO/HTTP date, or (small numbers, as the IETF draft has it) seconds from now. */
function resetTime(headers, now = Date.now()) {
    const raw = header(headers, 'ratelimit-reset') ?? header(headers, 'x-rate-limit-reset');
    if (!raw)
        return undefined;
    const n = Number(raw);
    if (Number.isFinite(n))
        return n > 1e12 ? n : n < 1e9 ? now + n * 1000 : n * 1000;
    const date = Date.parse(raw);
    return Number.isNaN(date) ? undefined : date;
}
function header(headers, name) {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
}
/** Waits while a rate limit's budget is spent, or for this request's share of what is left of it. */
async function pace(budget, verb, ctx) {
    const wait = budget.notBefore - Date.now();
    if (wait > 0) {
        (0,_retries_js__WEBPACK_IMPORTED_MODULE_1__/* .withinDeadline */ .iP)(ctx, wait, `its rate limit budget is spent until ${new Date(budget.notBefore).toISOString()}`);
        ctx.debug?.(`${ctx.serverName} rate limit: waiting ${Math.ceil(wait / 100) / 10}s`);
        await (0,_core_deadline_js__WEBPACK_IMPORTED_MODULE_0__/* .sleep */ .yy)(wait, ctx.signal);
    }
    // A shared budget's pacing is a courtesy, not the server's demand: it never ends the step.
    const share = budget.readNotBefore - Date.now();
    const deadline = ctx.deadline;
    if (verb === 'GET' && share > 0 && (deadline === undefined || Date.now() + share < deadline)) {
        ctx.debug?.(`${ctx.serverName} rate limit budget shared and spent ahead of time: waiting ${Math.ceil(share / 100) / 10}s`);
        await (0,_core_deadline_js__WEBPACK_IMPORTED_MODULE_0__/* .sleep */ .yy)(share, ctx.signal);
    }
}


/***/ }),

/***/ 6791:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   XK: () => (/* binding */ notTheApi),
/* harmony export */   x_: () => (/* binding */ serverMessage),
/* harmony export */   yw: () => (/* binding */ readAll)
/* harmony export */ });
/* harmony import */ var _budget_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6748);

/** Pulls the server's own message out of an error body: JSON `message`, `error`, … or the text. */
function serverMessage(body) {
    const text = body.toString().trim();
    if (!text)
        return '';
    try {
        const data = JSON.parse(text);
        const found = findMessage(data);
        if (found)
            return found;
    }
    catch {
        // not JSON: the text itself
    }
    const plain = text
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
    return plain.length > 500 ? `${plain.slice(0, 500)}…` : plain;
}
function findMessage(data) {
    if (typeof data === 'string')
        return data;
    if (Array.isArray(data))
        return data.map(findMessage).filter(Boolean).join('; ') || undefined;
    if (data && typeof data === 'object') {
        const obj = data;
        for (const key of ['message', 'Message', 'error', 'Error', 'title', 'error_description', 'errors']) {
            if (obj[key] === undefined || obj[key] === null)
                continue;
            const value = obj[key];
            if (typeof value === 'object' && !Array.isArray(value)) {
                // GitLab: {"message": {"base": ["reference not found"]}}
                const parts = Object.entries(value).map(([k, v]) => (k === 'base' ? '' : `${k} `) + (findMessage(v) ?? JSON.stringify(v)));
                if (parts.length)
                    return parts.join('; ');
            }
            const found = findMessage(value);
            if (found)
                return found;
        }
    }
    return undefined;
}
/** What a 2xx that should be JSON is instead, when it is plainly not the API (`undefined`: JSON, broken). */
function notTheApi(headers, body) {
    const type = ((0,_budget_js__WEBPACK_IMPORTED_MODULE_0__/* .header */ .wx)(headers, 'content-type') ?? '').toLowerCase();
    const start = body.subarray(0, 512).toString('utf8').trimStart().toLowerCase();
    if (type.includes('html') || start.startsWith('<!doctype html') || start.startsWith('<html'))
        return 'an HTML page';
    if (type.includes('json') || /^[[{"]/.test(start))
        return undefined;
    return `something else (${type || 'no content type'})`;
}
/** A body read whole; one shorter than its Content-Length is a broken connection (retried as one). */
async function readAll(stream) {
    const chunks = [];
    let length = 0;
    for await (const chunk of stream) {
        chunks.push(chunk);
        length += chunk.length;
    }
    const expected = (0,_budget_js__WEBPACK_IMPORTED_MODULE_0__/* .header */ .wx)(stream.headers, 'content-length');
    // A HEAD's Content-Length is the size its GET would have: no body comes (RFC 9110, 9.3.2).
    const head = stream.req?.method === 'HEAD';
    if (expected !== undefined && Number(expected) !== length && stream.statusCode !== 304 && !head) {
        throw Object.assign(new Error(`aborted: expected ${expected} bytes, got ${length}`), {
            code: 'ECONNRESET'
        });
    }
    return Buffer.concat(chunks, length);
}


/***/ }),

/***/ 8300:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ib: () => (/* binding */ RETRY_STATUSES),
/* harmony export */   LH: () => (/* binding */ withRetries),
/* harmony export */   TX: () => (/* binding */ isNetworkError),
/* harmony export */   dw: () => (/* binding */ RetryableError),
/* harmony export */   iP: () => (/* binding */ withinDeadline),
/* harmony export */   sl: () => (/* binding */ isTlsError)
/* harmony export */ });
/* harmony import */ var _core_deadline_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1923);
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3828);
/**
 * Retries: which failures may be tried again (network errors, 5xx, 429), how long to wait
 * (exponential backoff with jitter, or the server's Retry-After), and never past the deadline.
 * A request that must not be repeated (a trigger) whose answer was lost becomes an
 * AmbiguousRequestError instead.
 */


const RETRY_STATUSES = [429, 500, 502, 503, 504];
/** Errors raised before any byte of the request could reach the server. */
const NOT_SENT = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'];
/** A failure worth another attempt, with the wait the server asked for when it did. */
class RetryableError extends Error {
    delayMs;
    status;
    constructor(message, delayMs, status) {
        super(message);
        this.delayMs = delayMs;
        this.status = status;
    }
}
/** Runs `attempt` until it succeeds, fails for good, or may not be repeated. */
async function withRetries(ctx, client, method, path, idempotent, attempt) {
    const maxAttempts = ctx.maxAttempts ?? 7;
    for (let n = 1;; n++) {
        try {
            return await attempt();
        }
        catch (err) {
            if (ctx.signal?.aborted)
                throw (0,_core_deadline_js__WEBPACK_IMPORTED_MODULE_0__/* .abortReason */ .Js)(ctx.signal);
            const failure = classify(err);
            if (!failure)
                throw err;
            const notSent = failure.notSent || failure.status === 429;
            if (!idempotent && !notSent) {
                throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .AmbiguousRequestError */ .sm(`${failure.message} — the ${method} to ${client.show(path)} may or may not have reached ${ctx.serverName}`);
            }
            if (n >= maxAttempts) {
                throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .RemoteError */ .Hi(`${failure.message} (gave up after ${n} attempts)`, failure.status);
            }
            const backoff = (ctx.backoffMs ?? 1000) * 2 ** (n - 1);
            const jittered = backoff / 2 + Math.random() * backoff;
            const delay = Math.min(failure.delayMs ?? jittered, 15 * 60_000);
            if (failure.delayMs !== undefined)
                withinDeadline(ctx, delay, failure.message);
            client.stats.retries++;
            ctx.debug?.(`${failure.message}; trying again in ${Math.round(delay / 100) / 10}s`);
            await (0,_core_deadline_js__WEBPACK_IMPORTED_MODULE_0__/* .sleep */ .yy)(delay, ctx.signal);
        }
    }
}
/** A wait the server asked for that would pass the deadline is not slept through: it ends the step now. */
function withinDeadline(ctx, waitMs, why) {
    const deadline = ctx.deadline;
    if (deadline === undefined || Date.now() + waitMs <= deadline)
        return;
    throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .DeadlineError */ .j3(`${ctx.serverName} asked to wait ${Math.ceil(waitMs / 1000)}s, past the timeout (${Math.max(0, Math.ceil((deadline - Date.now()) / 1000))}s were left): ${why}`);
}
function classify(err) {
    if (err instanceof RetryableError)
        return { message: err.message, delayMs: err.delayMs, status: err.status };
    if (err instanceof _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .RemoteError */ .Hi || err instanceof _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .AbortedError */ .oM)
        return undefined;
    if (isNetworkError(err)) {
        const code = err.code ?? '';
        return { message: `network error: ${err.message}`, notSent: NOT_SENT.includes(code) };
    }
    return undefined;
}
/** Duck-typed: errors raised by Node itself may belong to another realm than our `Error`. */
function isError(err) {
    return typeof err === 'object' && err !== null && typeof err.message === 'string';
}
function isTlsError(err) {
    return isError(err) && /^ERR_TLS_CERT|CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(err.code ?? '');
}
/** What the disk says (a full disk, no permission): trying the network again cannot help. */
const FILE_SYSTEM_ERRORS = [
    'ENOSPC',
    'EDQUOT',
    'EACCES',
    'EPERM',
    'EROFS',
    'EISDIR',
    'ENOTDIR',
    'EEXIST',
    'EMFILE',
    'ENFILE',
    'EFBIG',
    'EIO'
];
function isNetworkError(err) {
    if (!isError(err) || isTlsError(err))
        return false;
    const code = err.code ?? '';
    if (FILE_SYSTEM_ERRORS.includes(code) || err.syscall === 'open')
        return false;
    return (/^(E[A-Z]+|ERR_STREAM_PREMATURE_CLOSE|UND_ERR.*)$/.test(code) ||
        /socket hang up|aborted|timeout|premature close/i.test(err.message));
}


/***/ })

};

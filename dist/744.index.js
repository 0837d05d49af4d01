export const id = 744;
export const ids = [744];
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

/***/ 9744:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createAzureHost: () => (/* binding */ createAzureHost)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_module__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8995);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7075);
/* harmony import */ var _config_inputs_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(6097);
/* harmony import */ var _core_host_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(8717);
/* harmony import */ var _core_files_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(2164);
/* harmony import */ var _logs_neutralise_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(641);
/* harmony import */ var _base_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(7378);
/**
 * The Azure Pipelines host: the task CiRelay@1 (azure/CiRelayV1/task.json), run by the agent's
 * Node24 or Node20_1 handler on the same bundle as every other host.
 *
 * azure-pipelines-task-lib is loaded here only, and only by a CommonJS require at run time: loading it moves
 * every INPUT_* (and SECRET_*, ENDPOINT_AUTH_*) variable out of the environment into its vault,
 * so nothing else may load it, and the CLI and GitHub hosts must never pay for it.
 *
 * Exit status: the agent takes the step's result from `##vso[task.complete result=…]`, and a
 * Node handler also fails the step on a non-zero exit code. So the process exits 0 for both
 * Succeeded and SucceededWithIssues (a conclusion that `success-on` accepts), and with the
 * CLI's codes (1–4, from `exitCode`) for Failed, which tells the same story twice.
 */









/** Swallows what the task lib writes while it reads an input (it echoes values as debug lines). */
const SINK = new node_stream__WEBPACK_IMPORTED_MODULE_3__.Writable({
    write(_chunk, _encoding, callback) {
        callback();
    }
});
class AzureHost extends _base_js__WEBPACK_IMPORTED_MODULE_8__/* .BaseHost */ .o {
    tl;
    kind = 'azure';
    masked = new Set();
    /** Error issues already logged, so that finish() does not log the same one again. */
    issued = new Set();
    summaries = 0;
    constructor(tl) {
        super();
        this.tl = tl;
    }
    input(name) {
        // tl.getInput writes `##vso[task.debug]name=value` before anyone could have masked a secret value.
        this.tl.setStdStream(SINK);
        try {
            return (this.tl.getInput((0,_config_inputs_js__WEBPACK_IMPORTED_MODULE_4__/* .camelCase */ .xQ)(name)) ?? '').trim();
        }
        finally {
            this.tl.setStdStream(process.stdout);
        }
    }
    secret(value) {
        super.secret(value);
        // Every form the redactor masks (each line, and as it reads in JSON or a URL), so the agent
        // masks them too. The agent refuses multi-line secrets: those are covered line by line.
        for (const v of this.redactor.values) {
            if (/[\r\n]/.test(v) || this.masked.has(v))
                continue;
            this.masked.add(v);
            this.tl.setSecret(v);
        }
    }
    /** Text here is plain already (BaseHost): no `##vso[` or `##[` the agent would obey. */
    write(kind, text) {
        switch (kind) {
            case 'info':
                this.lines(text.split(/\r?\n/));
                break;
            case 'debug':
                this.tl.debug(text);
                break;
            case 'warning':
                // → ##vso[task.issue type=warning;source=TaskInternal;]…, which the agent and mock-test both
                // count. The source is task-lib's default: the mock lib exports no IssueSource.
                this.tl.warning(text);
                break;
            default:
                this.issued.add(text);
                this.tl.error(text);
        }
    }
    writeGroup(title) {
        this.lines([`##[group]${title}`]);
    }
    endGroup() {
        this.lines(['##[endgroup]']);
    }
    writeRemote(lines) {
        this.lines(lines);
    }
    writeOutput(name, value) {
        if (!_config_inputs_js__WEBPACK_IMPORTED_MODULE_4__/* .OUTPUTS */ .py.some((o) => o.name === name)) {
            // A value the remote handed back (outputs-file), under its own name: the command alone, so
            // that no name from the remote reaches this process's environment (setVariable sets it there).
            this.tl.command('task.setvariable', { variable: name, isOutput: 'true', issecret: 'false' }, value);
            return;
        }
        // → ##vso[task.setvariable variable=runId;isOutput=true;issecret=false;]…
        this.tl.setVariable((0,_config_inputs_js__WEBPACK_IMPORTED_MODULE_4__/* .camelCase */ .xQ)(name), value, false, true);
    }
    async writeSummary(markdown) {
        const base = this.tl.getVariable('Agent.TempDirectory') || node_path__WEBPACK_IMPORTED_MODULE_2__.resolve(this.input('download-dir') || 'ci-relay');
        // A folder of its own, so two ci-relay steps in one job never share a file, while the
        // name the agent shows as the section title stays `ci-relay`.
        const dir = node_path__WEBPACK_IMPORTED_MODULE_2__.join(base, `ci-relay-summary-${process.pid}-${++this.summaries}`);
        await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.mkdir(dir, { recursive: true });
        const file = node_path__WEBPACK_IMPORTED_MODULE_2__.join(dir, 'ci-relay.md');
        (0,_core_files_js__WEBPACK_IMPORTED_MODULE_6__/* .writeFileNoFollow */ .qI)(file, markdown);
        this.tl.uploadSummary(file);
    }
    async finish(outcome) {
        const { TaskResult } = this.tl;
        const line = (s) => this.plain(s.replace(/\s*[\r\n\u0085\u2028\u2029]+\s*/g, ' '));
        const failed = (message) => {
            // setResult logs the message as an error issue too: once is enough.
            if (this.issued.has(message))
                this.tl.command('task.complete', { result: 'Failed' }, message);
            else
                this.tl.setResult(TaskResult.Failed, message);
        };
        if (outcome.error) {
            failed(line(outcome.error.message));
        }
        else {
            const r = outcome.result;
            const status = r.status && r.status !== r.conclusion ? ` (${r.status})` : '';
            const run = r.runs ? `${r.runs.length} runs` : `${r.system} run ${r.runId}`.trim();
            if (!r.waited) {
                this.tl.setResult(TaskResult.Succeeded, line(`Triggered the ${run}; not waiting for it (wait: false).`));
            }
            else if (r.runs && r.accepted && r.runs.some((x) => x.waited && x.conclusion !== 'success')) {
                // Several runs: every run accepted, some by success-on only: as a single run, with issues.
                this.tl.setResult(TaskResult.SucceededWithIssues, line(r.message ?? `The ${run} succeeded.`));
            }
            else if (r.accepted && r.conclusion === 'success') {
                this.tl.setResult(TaskResult.Succeeded, line(`The ${run} concluded success${status}.`));
            }
            else if (r.accepted) {
                this.tl.setResult(TaskResult.SucceededWithIssues, line(`The ${run} concluded ${r.conclusion}${status}, which success-on accepts.`));
            }
            else {
                failed(line(r.message || `The ${run} concluded ${r.conclusion}${status}.`));
            }
        }
        return (0,_core_host_js__WEBPACK_IMPORTED_MODULE_5__/* .exitCode */ .I)(outcome);
    }
    /** `##vso[task.logissue type=error;sourcepath=…;linenumber=…]`: an issue on the build's summary. */
    writeAnnotation(a) {
        const text = (0,_logs_neutralise_js__WEBPACK_IMPORTED_MODULE_7__/* .neutralizeCommands */ .Kw)((0,_core_host_js__WEBPACK_IMPORTED_MODULE_5__/* .annotationText */ .x)({ ...a, file: undefined }));
        const props = { type: a.kind };
        if (a.file)
            props.sourcepath = a.file;
        if (a.file && a.line)
            props.linenumber = String(a.line);
        if (a.kind === 'error')
            this.issued.add(text);
        this.tl.command('task.logissue', props, text);
    }
    /** `##vso[results.publish type=JUnit;resultFiles=…]`: the agent uploads them to the Tests tab. */
    publishTestResults(files) {
        if (!files.length)
            return;
        new this.tl.TestPublisher('JUnit').publish(files.map((f) => this.redactor.redact(f)), 'false', '', '', 'ci-relay', 'true', 'ci-relay');
    }
    lines(lines) {
        if (lines.length)
            process.stdout.write(lines.join('\n') + '\n');
    }
}
async function createAzureHost() {
    // A CommonJS require by the package's own name, resolved from the task folder's node_modules
    // (not bundled: scripts/build.mjs keeps it external). Microsoft's test harness swaps exactly
    // this request for its mock, and the agent and the harness then read one lib's issues and results.
    const require = (0,node_module__WEBPACK_IMPORTED_MODULE_1__.createRequire)(import.meta.url);
    return new AzureHost(require(TASK_LIB));
}
const TASK_LIB = 'azure-pipelines-task-lib/task';


/***/ }),

/***/ 7378:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   o: () => (/* binding */ BaseHost)
/* harmony export */ });
/* harmony import */ var _logs_redact_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2802);
/* harmony import */ var _logs_neutralise_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(641);
/* harmony import */ var _core_host_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8717);



/**
 * What every host shares: every string bound for the host passes here, redacted and then
 * neutralised (src/logs/neutralise.ts), before an adapter's own write path sees it. The adapters
 * implement only the `write*` methods, which take text already made plain.
 */
class BaseHost {
    redactor = new _logs_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .Redactor */ .pO();
    get isPost() {
        return false;
    }
    /** Any text for the host: no secret, and nothing a runner would obey. */
    plain(text) {
        return (0,_logs_neutralise_js__WEBPACK_IMPORTED_MODULE_1__/* .neutralizeCommands */ .Kw)(this.redactor.redact(text));
    }
    secret(value) {
        this.redactor.add(value);
    }
    get secrets() {
        return this.redactor.values;
    }
    info(message) {
        this.write('info', this.plain(message));
    }
    warning(message) {
        this.write('warning', this.plain(message));
    }
    error(message) {
        this.write('error', this.plain(message));
    }
    debug(message) {
        this.write('debug', this.plain(message));
    }
    /** A group's title on one line. */
    startGroup(title) {
        this.writeGroup(this.plain(title.replace(/\s*[\r\n\u0085\u2028\u2029]+\s*/g, ' ')));
    }
    remoteLines(lines) {
        // Redacted again once tidied: a secret split by a control sequence the tidying drops is whole again.
        if (lines.length)
            this.writeRemote(lines.map((l) => this.plain((0,_logs_neutralise_js__WEBPACK_IMPORTED_MODULE_1__/* .tidyRemoteLine */ .t8)(this.redactor.redact(l)))));
    }
    setOutput(name, value) {
        this.writeOutput(name, this.plain(value));
    }
    async summary(markdown) {
        await this.writeSummary(this.plain(markdown));
    }
    async writeSummary(_markdown) { }
    annotate(a) {
        this.writeAnnotation({
            ...a,
            title: this.plain(a.title),
            message: this.plain(a.message),
            file: a.file === undefined ? undefined : this.plain(a.file)
        });
    }
    /** An annotation whose text is plain already; hosts without annotations log it as one line. */
    writeAnnotation(a) {
        this.write(a.kind, (0,_logs_neutralise_js__WEBPACK_IMPORTED_MODULE_1__/* .neutralizeCommands */ .Kw)((0,_core_host_js__WEBPACK_IMPORTED_MODULE_2__/* .annotationText */ .x)(a)));
    }
    publishTestResults(_files) { }
    saveState(_name, _value) { }
    getState(_name) {
        return '';
    }
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


/***/ })

};

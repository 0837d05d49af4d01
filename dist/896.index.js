export const id = 896;
export const ids = [896];
export const modules = {

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

/***/ 3896:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   GitHubHost: () => (/* binding */ GitHubHost),
/* harmony export */   createGitHubHost: () => (/* binding */ createGitHubHost)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(143);
/* harmony import */ var _core_host_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8717);
/* harmony import */ var _base_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7378);




/** GitHub Actions through @actions/core: inputs, masks, groups, step outputs, job summary, post-step state. */
class GitHubHost extends _base_js__WEBPACK_IMPORTED_MODULE_3__/* .BaseHost */ .o {
    kind = 'github';
    input(name) {
        return _actions_core__WEBPACK_IMPORTED_MODULE_1__/* .getInput */ .V4(name);
    }
    masked = new Set();
    secret(value) {
        super.secret(value);
        for (const v of this.redactor.values) {
            if (this.masked.has(v))
                continue;
            this.masked.add(v);
            _actions_core__WEBPACK_IMPORTED_MODULE_1__/* .setSecret */ .Pq(v);
        }
    }
    /** Text here is plain already (BaseHost): core.info writes it as it is, the others escape it onto one line. */
    write(kind, message) {
        if (kind === 'info')
            _actions_core__WEBPACK_IMPORTED_MODULE_1__/* .info */ .pq(message);
        else if (kind === 'warning')
            _actions_core__WEBPACK_IMPORTED_MODULE_1__/* .warning */ .$e(message);
        else if (kind === 'error')
            _actions_core__WEBPACK_IMPORTED_MODULE_1__/* .error */ .z3(message);
        else
            _actions_core__WEBPACK_IMPORTED_MODULE_1__/* .debug */ .Yz(message);
    }
    writeGroup(title) {
        _actions_core__WEBPACK_IMPORTED_MODULE_1__/* .startGroup */ .Oh(title);
    }
    endGroup() {
        _actions_core__WEBPACK_IMPORTED_MODULE_1__/* .endGroup */ .N4();
    }
    /**
     * Remote text, neutralised (BaseHost), and also between `::stop-commands::` and its
     * unguessable end token: shown, never obeyed.
     */
    writeRemote(lines) {
        let token = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(16).toString('hex');
        while (lines.some((l) => l.includes(token)))
            token = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(16).toString('hex');
        process.stdout.write(`::stop-commands::${token}\n${lines.join('\n')}\n::${token}::\n`);
    }
    writeOutput(name, value) {
        _actions_core__WEBPACK_IMPORTED_MODULE_1__/* .setOutput */ .uH(name, value);
    }
    async writeSummary(markdown) {
        if (!process.env.GITHUB_STEP_SUMMARY)
            return;
        await _actions_core__WEBPACK_IMPORTED_MODULE_1__/* .summary */ .z.addRaw(markdown).write();
    }
    async finish(outcome) {
        const code = (0,_core_host_js__WEBPACK_IMPORTED_MODULE_2__/* .exitCode */ .I)(outcome);
        if (outcome.error)
            _actions_core__WEBPACK_IMPORTED_MODULE_1__/* .setFailed */ .C1(this.plain(outcome.error.message));
        else if (code !== 0) {
            const r = outcome.result;
            _actions_core__WEBPACK_IMPORTED_MODULE_1__/* .setFailed */ .C1(this.plain(`${r.runs ? `${r.runs.length} runs` : `${r.system} run ${r.runId}`} ended ${r.conclusion}${r.message ? `: ${r.message}` : ''}`));
        }
        return code;
    }
    /** `::error file=…,line=…,title=…::message`: @actions/core escapes every part onto one line. */
    writeAnnotation(a) {
        const props = { title: a.title, file: a.file || undefined, startLine: a.file ? a.line : undefined };
        if (a.kind === 'error')
            _actions_core__WEBPACK_IMPORTED_MODULE_1__/* .error */ .z3(a.message, props);
        else
            _actions_core__WEBPACK_IMPORTED_MODULE_1__/* .warning */ .$e(a.message, props);
    }
    get isPost() {
        return _actions_core__WEBPACK_IMPORTED_MODULE_1__/* .getState */ .Gu('isPost') === 'true';
    }
    saveState(name, value) {
        _actions_core__WEBPACK_IMPORTED_MODULE_1__/* .saveState */ .LZ(name, this.plain(value));
    }
    getState(name) {
        return _actions_core__WEBPACK_IMPORTED_MODULE_1__/* .getState */ .Gu(name);
    }
}
function createGitHubHost() {
    return new GitHubHost();
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

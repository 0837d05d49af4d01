export const id = 887;
export const ids = [887];
export const modules = {

/***/ 4887:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   GEARSET_MIN_POLL_MS: () => (/* binding */ GEARSET_MIN_POLL_MS),
/* harmony export */   createGearset: () => (/* binding */ createGearset),
/* harmony export */   gearsetRunUrl: () => (/* binding */ gearsetRunUrl)
/* harmony export */ });
/* harmony import */ var _transport_shape_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8368);

/** The API's default root; the only one whose web app we know (see dashboardUrl). */
const DEFAULT_API = 'https://api.gearset.com';
/**
 * The CI dashboard of the Gearset app that `api.gearset.com` serves. Gearset has no page per
 * run request (its runs are listed under the job's "View history"), and the job's own page is
 * not addressable by job id, so the dashboard that lists the job is the closest page there is.
 * Unit-testing jobs have no documented app address; they get no URL rather than a guessed one,
 * and neither does any other `url` (a proxy or a regional instance whose app we cannot know).
 */
const CI_DASHBOARD = 'https://app.gearset.com/continuous-integration';
/**
 * Gearset allows 5 GETs per 5 s per job. Polls 1.25 s apart take at most 4 of those 5, which
 * leaves one for the status read before the trigger or the state check before a cancel; http.ts
 * also waits out X-Rate-Limit-Reset when X-Rate-Limit-Remaining reaches 0, for whatever else
 * (another client polling the same job) spends the budget.
 */
const GEARSET_MIN_POLL_MS = 1250;
/** Gearset's own words for a run request that has ended, by what they mean to ci-relay. */
const TERMINAL = new Map([
    ['Succeeded', 'success'],
    ['Partial', 'partial'],
    ['Failed', 'failed'],
    // Unit-testing jobs only; a CI run request that ever says them means the same.
    ['Skipped', 'skipped'],
    ['Error', 'failed'],
    ['Cancelled', 'canceled']
]);
const GOING = ['Pending', 'Started'];
/** An id or a time: Gearset sends strings; a number or null is taken too, anything else is not its API. */
const word = _transport_shape_js__WEBPACK_IMPORTED_MODULE_0__.z.union([_transport_shape_js__WEBPACK_IMPORTED_MODULE_0__.z.string(), _transport_shape_js__WEBPACK_IMPORTED_MODULE_0__.z.number()]).nullish();
/** The fields ci-relay reads (extra ones welcome). Times may be missing: unit-test run requests send only State and RunId. */
const runRequestSchema = _transport_shape_js__WEBPACK_IMPORTED_MODULE_0__.z.object({
    State: _transport_shape_js__WEBPACK_IMPORTED_MODULE_0__.z.string().trim().min(1),
    RunId: word,
    StartDateTime: word,
    EndDateTime: word
});
const jobStatusSchema = _transport_shape_js__WEBPACK_IMPORTED_MODULE_0__.z.object({ State: word });
const startSchema = _transport_shape_js__WEBPACK_IMPORTED_MODULE_0__.z.object({
    RunRequestId: _transport_shape_js__WEBPACK_IMPORTED_MODULE_0__.z.preprocess((v) => (typeof v === 'number' ? String(v) : v), _transport_shape_js__WEBPACK_IMPORTED_MODULE_0__.z.string().trim().min(1))
});
function createGearset(ctx) {
    const gearset = ctx.settings.gearset;
    if (!gearset)
        throw new Error('createGearset needs settings.gearset');
    const { job, jobType, commit } = gearset;
    const config = {
        baseUrl: `${ctx.settings.url}/public/automation/`,
        credentials: { authorization: `token ${ctx.settings.token ?? ''}`, 'api-version': '1' },
        serverName: 'Gearset'
    };
    /*
     * GETs and POSTs are counted in separate budgets (5 per 5 s, 100 per hour), and http.ts
     * paces a client by the last rate-limit headers it saw. One client per budget keeps a spent
     * GET budget from holding back a cancel.
     */
    const reads = ctx.httpFor(config);
    const writes = ctx.httpFor(config);
    const jobPath = `${jobType === 'ci' ? 'continuous-integration-jobs' : 'unit-testing-jobs'}/${encodeURIComponent(job)}`;
    const kind = jobType === 'ci' ? 'CI job' : 'unit-testing job';
    const runUrl = gearsetRunUrl(ctx.settings.url, jobType);
    const timelines = new Map();
    const runRequestPath = (id) => `${jobPath}/run-requests/${encodeURIComponent(id)}`;
    function timeline(id) {
        let t = timelines.get(id);
        if (!t) {
            t = { lines: [], unknown: new Set() };
            timelines.set(id, t);
        }
        return t;
    }
    function log(t, text) {
        t.lines.push(`${new Date().toISOString()} ${text}`);
    }
    function makeRun(id) {
        return { id, url: runUrl, data: { job, jobType, runRequestId: id } };
    }
    async function fetchState(id) {
        const body = await reads.json('GET', runRequestPath(id));
        return (0,_transport_shape_js__WEBPACK_IMPORTED_MODULE_0__/* .expectShape */ .h)(runRequestSchema, body, { system: 'Gearset', call: `GET ${runRequestPath(id)}` });
    }
    /** Records what changed since the last look, as timestamped lines. */
    function observe(id, body) {
        const t = timeline(id);
        const state = body.State;
        const runId = text(body.RunId);
        const start = text(body.StartDateTime);
        const end = text(body.EndDateTime);
        if (state !== t.state) {
            log(t, t.state === undefined ? `State: ${state}` : `State: ${t.state} → ${state}`);
            t.state = state;
            if (!TERMINAL.has(state) && !GOING.includes(state) && !t.unknown.has(state)) {
                t.unknown.add(state);
                ctx.note(`Gearset reported state '${state}' for run request ${id}, which ci-relay does not know; ` +
                    (end ? 'the run has ended, and not as a success.' : 'it keeps following the run until it ends.'));
            }
        }
        if (runId && runId !== t.runId) {
            log(t, `Gearset run id: ${runId}`);
            t.runId = runId;
        }
        if (start && start !== t.start) {
            log(t, `Started at ${start}`);
            t.start = start;
        }
        if (end && end !== t.end) {
            log(t, `Ended at ${end}: ${state}`);
            t.end = end;
        }
    }
    function snapshot(run) {
        const t = timeline(run.id);
        const state = t.state ?? 'Pending';
        let conclusion = TERMINAL.get(state);
        /*
         * A state Gearset adds later may be a new way of going on ("Queued") or of ending. An end
         * time is what tells them apart: without one the run is still followed (the timeout
         * bounds the wait); with one the run is over, and since ci-relay cannot tell how it ended,
         * it is an error, never a success.
         */
        if (!conclusion && !GOING.includes(state) && t.end)
            conclusion = 'error';
        const jobEntry = {
            key: run.id,
            name: job,
            status: state,
            conclusion,
            url: run.url,
            // Pending is the queue; once out of it (or ended straight from it) there is a log to show.
            started: state !== 'Pending' || conclusion !== undefined,
            startedAt: t.start,
            finishedAt: conclusion ? t.end : undefined,
            duration: conclusion ? seconds(t.start, t.end) : undefined
        };
        return { status: state, conclusion, jobs: [jobEntry] };
    }
    return {
        logMode: 'incremental',
        minPollMs: GEARSET_MIN_POLL_MS,
        artifactsNote: "Gearset's API offers no artifact downloads; 'artifacts' is ignored.",
        async trigger() {
            const status = (0,_transport_shape_js__WEBPACK_IMPORTED_MODULE_0__/* .expectShape */ .h)(jobStatusSchema, await reads.json('GET', `${jobPath}/status`), {
                system: 'Gearset',
                call: `GET ${jobPath}/status`
            });
            const jobState = text(status.State);
            const statusAt = new Date().toISOString();
            if (jobState === 'Running') {
                ctx.note(`Gearset ${kind} ${job} is already running; the new run request may wait for that run to finish.`);
            }
            const answer = await writes.json('POST', `${jobPath}/run-requests`, {
                json: commit ? { SourceGitCommitId: commit } : {},
                idempotent: false
            });
            const id = String((0,_transport_shape_js__WEBPACK_IMPORTED_MODULE_0__/* .expectShape */ .h)(startSchema, answer, { system: 'Gearset', call: `POST ${jobPath}/run-requests` })
                .RunRequestId).trim();
            const t = timeline(id);
            if (jobState)
                t.lines.push(`${statusAt} Gearset ${kind} ${job} is ${jobState}`);
            log(t, `Requested a run${commit ? ` of commit ${commit}` : ''}: run request ${id}`);
            return makeRun(id);
        },
        async attach(id) {
            const body = await fetchState(id);
            log(timeline(id), `Attached to run request ${id} of Gearset ${kind} ${job}`);
            observe(id, body);
            return makeRun(id);
        },
        async poll(run) {
            observe(run.id, await fetchState(run.id));
            return snapshot(run);
        },
        async readLog(run, _job, cursor, sink) {
            const lines = timeline(run.id).lines;
            if (cursor >= lines.length)
                return cursor;
            await sink(Buffer.from(lines
                .slice(cursor)
                .map((l) => `${l}\n`)
                .join(''), 'utf8'));
            return lines.length;
        },
        async downloadArtifacts() {
            // Nothing to fetch: artifactsNote says so once.
        },
        async cancel(run) {
            /*
             * Gearset's cancel stops whatever run the JOB has going, not a given run request. If
             * ours has already ended, a cancel could stop a run someone else started since: look
             * first. When the look fails (rate limit, abort), cancelling is still the safer mistake.
             */
            try {
                const body = await fetchState(run.id);
                observe(run.id, body);
                if (snapshot(run).conclusion)
                    return;
            }
            catch {
                // fall through to the cancel
            }
            await writes.request('POST', `${jobPath}/cancel`, { json: {}, idempotent: true });
            log(timeline(run.id), `Asked Gearset to cancel ${kind} ${job}`);
        }
    };
}
/** `run-url`: the app's CI dashboard where the API is Gearset's own, else none. */
function gearsetRunUrl(url, jobType) {
    return jobType === 'ci' && url.replace(/\/+$/, '').toLowerCase() === DEFAULT_API ? CI_DASHBOARD : undefined;
}
function text(value) {
    if (typeof value === 'string')
        return value.trim() || undefined;
    if (typeof value === 'number')
        return String(value);
    return undefined;
}
function seconds(from, to) {
    if (!from || !to)
        return undefined;
    const ms = Date.parse(to) - Date.parse(from);
    return Number.isFinite(ms) && ms >= 0 ? Math.round(ms / 1000) : undefined;
}


/***/ }),

/***/ 8368:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   h: () => (/* binding */ expectShape),
/* harmony export */   z: () => (/* reexport module object */ zod__WEBPACK_IMPORTED_MODULE_1__)
/* harmony export */ });
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9695);
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3828);


/**
 * Answers checked at the boundary: each remote describes, with zod, the fields it relies on,
 * and reads a server's JSON only through `expectShape`. Unknown extra fields stay welcome
 * (zod objects drop them unless told otherwise); a wrong shape is one sentence naming the
 * system, the call and what was expected, never a JavaScript TypeError.
 */

/** The answer as `schema` describes it, or a RemoteError saying what was expected. */
function expectShape(schema, value, of) {
    const parsed = schema.safeParse(value);
    if (parsed.success)
        return parsed.data;
    throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .RemoteError */ .Hi(`${of.system}'s answer to ${of.call} is not what ci-relay expected: ${describeIssue(parsed.error.issues[0], value)}. Is this server's API a version ci-relay supports, or is a proxy in between?`);
}
function describeIssue(issue, root) {
    if (!issue)
        return 'its shape is wrong';
    const where = issue.path.length ? `'${issue.path.map(String).join('.')}'` : 'the answer';
    if (issue.code === 'invalid_type') {
        return `${where} should be ${article(issue.expected)}, not ${kindOf(valueAt(root, issue.path))}`;
    }
    return `${where}: ${issue.message}`;
}
function valueAt(root, path) {
    let v = root;
    for (const key of path)
        v = v && typeof v === 'object' ? v[key] : undefined;
    return v;
}
function kindOf(v) {
    if (v === undefined)
        return 'missing';
    if (v === null)
        return 'null';
    if (Array.isArray(v))
        return 'a list';
    if (typeof v === 'object')
        return 'an object';
    return `${article(typeof v)} (${JSON.stringify(v).slice(0, 40)})`;
}
function article(expected) {
    if (expected === 'array')
        return 'a list';
    if (expected === 'object')
        return 'an object';
    return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}


/***/ })

};

export const id = 266;
export const ids = [266];
export const modules = {

/***/ 3266:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createGoCD: () => (/* binding */ createGoCD),
/* harmony export */   gocdRoot: () => (/* binding */ gocdRoot),
/* harmony export */   jobConclusion: () => (/* binding */ jobConclusion)
/* harmony export */ });
/* harmony import */ var _http_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4247);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(452);


/** GoCD refuses a missing, wrong or combined Accept on /go/api with a 404: one version each. */
const ACCEPT_V1 = 'application/vnd.go.cd.v1+json';
const ACCEPT_STAGE_CANCEL = 'application/vnd.go.cd.v3+json';
const ACCEPT_PIPELINE_CONFIG = 'application/vnd.go.cd.v11+json';
const FINISHED_STAGE = ['Passed', 'Failed', 'Cancelled'];
/** Job states in which the agent may have written to the console. */
const STARTED_JOB = ['Preparing', 'Building', 'Completing', 'Completed'];
/** The console folder GoCD keeps with every job; it is already saved as the job's log. */
const CONSOLE_FOLDER = 'cruise-output';
/** Past this many selected files in one folder, one zip beats a request per file. */
const ZIP_FOLDER_FILES = 20;
/** How long a run that was not forced by us may sit above the snapshot before we take it. */
const FOREIGN_RUN_WAIT_MS = 30_000;
/** `https://host` and `https://host/go` both name the server; /go appears once. */
function gocdRoot(url) {
    return url.replace(/\/+$/, '').replace(/\/go$/i, '');
}
/** A GoCD job's state and result → our conclusion, once the job is Completed. */
function jobConclusion(state, result) {
    if (state !== 'Completed')
        return undefined;
    switch (result) {
        case 'Passed':
            return 'success';
        case 'Cancelled':
            return 'canceled';
        default:
            // Failed, Unknown, or a word we do not know: never a success.
            return 'failed';
    }
}
const seg = (s) => encodeURIComponent(String(s));
function createGoCD(ctx) {
    const { settings } = ctx;
    const gocd = settings.gocd;
    if (!gocd)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .RemoteError */ .Hi(`ci-relay was started for GoCD without GoCD settings.`);
    const pipeline = gocd.pipeline;
    const root = gocdRoot(settings.url);
    const credentials = {};
    if (settings.token)
        credentials.authorization = `Bearer ${settings.token}`;
    else if (settings.username !== undefined && settings.password !== undefined) {
        credentials.authorization = `Basic ${Buffer.from(`${settings.username}:${settings.password}`).toString('base64')}`;
    }
    const http = ctx.httpFor({ baseUrl: `${root}/go/`, credentials, serverName: 'GoCD' });
    const grace = Math.max(10_000, 2 * settings.pollIntervalMs);
    /** The highest counter seen before scheduling; undefined until trigger() reads it. */
    let snapshot;
    /** Stage approval types from the config API: undefined = not asked yet, null = not allowed. */
    let approvals;
    /** When each run was first seen waiting on an unscheduled stage, by `counter/stage`. */
    const waitingSince = new Map();
    const api = (method, path, opts = {}) => http.json(method, `api/${path}`, { ...opts, headers: { accept: ACCEPT_V1, ...opts.headers } });
    const makeRun = (counter) => {
        const data = { pipeline, counter };
        return {
            id: `${pipeline}/${counter}`,
            url: `${root}/go/pipelines/value_stream_map/${seg(pipeline)}/${counter}`,
            data: { ...data }
        };
    };
    const runData = (run) => {
        const counter = Number(run.data.counter);
        const name = typeof run.data.pipeline === 'string' ? run.data.pipeline : pipeline;
        if (!Number.isInteger(counter) || counter <= 0) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .RemoteError */ .Hi(`The saved GoCD run '${run.id}' has no pipeline counter.`);
        }
        return { pipeline: name, counter };
    };
    /** Runs of the pipeline with a counter above `above`, newest first (all pages needed). */
    async function historyAbove(above) {
        const found = [];
        let query = 'page_size=10';
        for (let page = 0; page < 20; page++) {
            const res = await api('GET', `pipelines/${seg(pipeline)}/history?${query}`);
            const runs = res?.pipelines ?? [];
            found.push(...runs.filter((r) => Number(r.counter) > above));
            const next = res?._links?.next?.href;
            if (!runs.length || !next || runs.some((r) => Number(r.counter) <= above))
                break;
            // The link names GoCD's configured site URL, which may differ from ours: keep only its query.
            const after = new URL(next, http.resolve('')).searchParams;
            if (![...after.keys()].length)
                break;
            after.set('page_size', '10');
            query = after.toString();
        }
        return found;
    }
    async function highestCounter() {
        const res = await api('GET', `pipelines/${seg(pipeline)}/history?page_size=10`);
        return Math.max(0, ...(res?.pipelines ?? []).map((r) => Number(r.counter) || 0));
    }
    /** Ours when GoCD says it was forced, by our user when we know who we are. */
    const isOurs = (r) => {
        const cause = r.build_cause;
        if (!cause?.trigger_forced)
            return false;
        if (!settings.username || settings.token)
            return true;
        return (cause.approver ?? '').toLowerCase() === settings.username.toLowerCase();
    };
    /**
     * The run a schedule created: the lowest counter above the snapshot that is ours, or, once
     * `acceptForeign`, the lowest above it at all.
     */
    function pick(runs, acceptForeign) {
        const ascending = [...runs].sort((a, b) => Number(a.counter) - Number(b.counter));
        return ascending.find(isOurs) ?? (acceptForeign ? ascending[0] : undefined);
    }
    async function waitForRun(above, maxMs) {
        const started = Date.now();
        let firstForeign;
        let delay = 500;
        for (;;) {
            const runs = await historyAbove(above);
            if (runs.length && firstForeign === undefined)
                firstForeign = Date.now();
            const acceptForeign = firstForeign !== undefined && Date.now() - firstForeign >= FOREIGN_RUN_WAIT_MS;
            const found = pick(runs, acceptForeign);
            if (found) {
                if (!isOurs(found)) {
                    ctx.note(`GoCD shows no run of ${pipeline} forced by ${settings.username ?? 'us'}; following ${pipeline}/${found.counter}, the first after the request.`);
                }
                return makeRun(Number(found.counter));
            }
            // No guess at the deadline: following (and maybe cancelling) someone else's run is worse.
            if (Date.now() - started >= maxMs)
                return undefined;
            await (0,_http_js__WEBPACK_IMPORTED_MODULE_0__/* .sleep */ .yy)(delay, ctx.signal);
            delay = Math.min(Math.round(delay * 1.5), settings.pollIntervalMs);
        }
    }
    async function instance(counter, name = pipeline) {
        return api('GET', `pipelines/${seg(name)}/${counter}`);
    }
    /** Approval types by stage name from the pipeline config; null when the API is not ours to read. */
    async function stageApprovals() {
        if (approvals !== undefined)
            return approvals;
        try {
            const res = await http.request('GET', `api/admin/pipelines/${seg(pipeline)}`, {
                headers: { accept: ACCEPT_PIPELINE_CONFIG },
                accept: [401, 403, 404]
            });
            if (res.status !== 200) {
                approvals = null;
                return approvals;
            }
            const config = JSON.parse(res.body.toString('utf8'));
            approvals = new Map();
            for (const stage of config.stages ?? []) {
                if (stage.name && stage.approval?.type)
                    approvals.set(stage.name, stage.approval.type);
            }
        }
        catch (err) {
            if (err instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .RemoteError */ .Hi || err instanceof SyntaxError)
                approvals = null;
            else
                throw err;
        }
        return approvals;
    }
    function toJobs(run, stages) {
        const jobs = [];
        for (const stage of stages) {
            if (!stage.scheduled)
                continue;
            const sc = String(stage.counter ?? '1');
            for (const j of stage.jobs ?? []) {
                const conclusion = jobConclusion(j.state, j.result);
                jobs.push({
                    key: `${stage.name}/${sc}/${j.name}`,
                    name: `${stage.name}.${j.name}`,
                    stage: stage.name,
                    status: j.state === 'Completed' ? (j.result ?? 'Unknown') : (j.state ?? 'Unknown'),
                    ...(conclusion ? { conclusion } : {}),
                    url: `${root}/go/tab/build/detail/${[run.pipeline, run.counter, stage.name, sc, j.name].map(seg).join('/')}`,
                    started: STARTED_JOB.includes(j.state ?? '')
                });
            }
        }
        return jobs;
    }
    /** PROTOCOLS.md: over when no stage runs and a stage failed, all passed, or a manual stage waits. */
    async function conclude(run, stages) {
        const scheduled = stages.filter((s) => s.scheduled);
        if (!scheduled.length)
            return undefined;
        if (scheduled.some((s) => !FINISHED_STAGE.includes(s.status ?? '')))
            return undefined;
        if (scheduled.some((s) => s.status === 'Failed'))
            return 'failed';
        if (scheduled.some((s) => s.status === 'Cancelled'))
            return 'canceled';
        const next = stages.find((s) => !s.scheduled);
        if (!next)
            return 'success';
        // The previous stage passed and the next is not scheduled: manual, or not scheduled *yet*.
        if (next.approval_type === 'manual')
            return 'blocked';
        if (next.approval_type === 'success')
            return undefined;
        const configured = (await stageApprovals())?.get(next.name);
        if (configured === 'manual')
            return 'blocked';
        if (configured === 'success')
            return undefined;
        const key = `${run.counter}/${next.name}`;
        const since = waitingSince.get(key) ?? Date.now();
        waitingSince.set(key, since);
        return Date.now() - since >= grace ? 'blocked' : undefined;
    }
    function parseJobKey(job) {
        const [stage, stageCounter, ...rest] = job.key.split('/');
        return { stage, stageCounter, name: rest.join('/') };
    }
    const jobPath = (run, job) => {
        const j = parseJobKey(job);
        return `files/${[run.pipeline, run.counter, j.stage, j.stageCounter, j.name].map(seg).join('/')}`;
    };
    async function fetchFolderZip(sink, urlPath, folder) {
        // GoCD zips a folder with its own name as the root of every entry (`dist/app.jar`), so the
        // entries land under the folder's parent.
        const parent = folder.includes('/') ? folder.slice(0, folder.lastIndexOf('/')) : '';
        let delay = 500;
        for (let attempt = 1;; attempt++) {
            const res = await sink.downloadZip(http, urlPath, parent, { accept: [202] });
            if (res.status !== 202)
                return;
            if (attempt >= 60) {
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .RemoteError */ .Hi(`GoCD was still preparing the zip of the artifact folder '${folder}' after ${attempt} requests.`);
            }
            await (0,_http_js__WEBPACK_IMPORTED_MODULE_0__/* .sleep */ .yy)(delay, ctx.signal);
            delay = Math.min(delay * 2, 5_000);
        }
    }
    /** GoCD lists a job's whole tree, so what the globs select is known before any download. */
    const selectedFiles = (entry, at, sink) => (entry.files ?? []).flatMap((child) => {
        const p = `${at}/${child.name}`;
        if (child.type === 'folder' || child.files)
            return selectedFiles(child, p, sink);
        return sink.selects(p) ? [p] : [];
    });
    /** A selected folder comes as one zip; otherwise the selected files one by one (many: the zip). */
    async function fetchEntry(base, entry, at, sink) {
        const urlPath = `${base}/${at.split('/').map(seg).join('/')}`;
        if (entry.type !== 'folder' && !entry.files) {
            if (sink.selects(at))
                await sink.downloadFile(http, urlPath, at);
            return;
        }
        const files = selectedFiles(entry, at, sink);
        if (!files.length)
            return;
        if (sink.selects(at) || files.length > ZIP_FOLDER_FILES)
            return fetchFolderZip(sink, `${urlPath}.zip`, at);
        for (const file of files) {
            await sink.downloadFile(http, `${base}/${file.split('/').map(seg).join('/')}`, file);
        }
    }
    /** The console folder is the job log; fetch it only when a glob names it. */
    const wantsConsoleFolder = settings.artifacts.some((g) => g.replace(/^\.\//, '').split('/')[0].toLowerCase() === CONSOLE_FOLDER);
    return {
        logMode: 'incremental',
        async trigger() {
            snapshot = await highestCounter();
            const environment_variables = [
                ...Object.entries(settings.variables).map(([name, value]) => ({ name, value, secure: false })),
                ...Object.entries(gocd.secretVariables).map(([name, value]) => ({ name, value, secure: true }))
            ];
            const body = {
                environment_variables,
                materials: gocd.materials.map((m) => ({ fingerprint: m.fingerprint, revision: m.revision })),
                update_materials_before_scheduling: gocd.updateMaterials
            };
            const res = await api('POST', `pipelines/${seg(pipeline)}/schedule`, {
                json: body,
                headers: { 'x-gocd-confirm': 'true' },
                idempotent: false
            });
            ctx.note(`${res?.message ?? `GoCD accepted pipeline ${pipeline}`}; waiting for GoCD to create the run.`);
            // The relay's timeout starts once a run exists: bound this wait by it too.
            const left = Math.max(0, ctx.startedAt + settings.timeoutMs - Date.now());
            const run = await waitForRun(snapshot, left);
            if (!run) {
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .RemoteError */ .Hi(`GoCD accepted the request to schedule pipeline ${pipeline}, but no run of it appeared within ${Math.round(settings.timeoutMs / 1000)}s; ci-relay does not schedule twice: check GoCD.`);
            }
            return run;
        },
        async findTriggered() {
            if (snapshot === undefined)
                return undefined;
            return waitForRun(snapshot, grace);
        },
        async attach(id) {
            const counter = Number(id);
            if (!Number.isInteger(counter) || counter <= 0) {
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .RemoteError */ .Hi(`'${id}' is not a GoCD pipeline counter.`);
            }
            const found = await instance(counter);
            return makeRun(Number(found?.counter ?? counter));
        },
        async poll(run) {
            const data = runData(run);
            const inst = await instance(data.counter, data.pipeline);
            const stages = inst?.stages ?? [];
            const jobs = toJobs(data, stages);
            const conclusion = await conclude(data, stages);
            const last = [...stages].reverse().find((s) => s.scheduled);
            const status = last?.status ?? 'Unknown';
            return conclusion ? { status, conclusion, jobs } : { status, jobs };
        },
        async readLog(run, job, cursor, sink) {
            const data = runData(run);
            const path = `${jobPath(data, job)}/${CONSOLE_FOLDER}/console.log?startLineNumber=${cursor}`;
            // A retried exchange starts again at `cursor`: skip the lines an earlier attempt handed over.
            let delivered = 0;
            return http.stream(path, { headers: { accept: 'text/plain' }, accept: [404] }, async (res) => {
                if (res.status === 404) {
                    res.body.resume();
                    return cursor;
                }
                let skip = delivered;
                let pending = Buffer.alloc(0);
                const hand = async (buf) => {
                    let start = 0;
                    while (skip > 0 && start < buf.length) {
                        const nl = buf.indexOf(10, start);
                        if (nl < 0)
                            return;
                        start = nl + 1;
                        skip--;
                    }
                    const out = buf.subarray(start);
                    if (!out.length)
                        return;
                    let lines = 0;
                    for (let i = out.indexOf(10); i >= 0; i = out.indexOf(10, i + 1))
                        lines++;
                    delivered += lines;
                    await sink(out);
                };
                for await (const chunk of res.body) {
                    const buf = pending.length ? Buffer.concat([pending, chunk]) : chunk;
                    const end = buf.lastIndexOf(10);
                    if (end < 0) {
                        pending = buf;
                        continue;
                    }
                    await hand(buf.subarray(0, end + 1));
                    pending = Buffer.from(buf.subarray(end + 1));
                }
                // A finished job's console is final: its last line may lack the newline.
                if (pending.length && job.conclusion && skip === 0) {
                    await sink(pending);
                    delivered++;
                }
                return cursor + delivered;
            });
        },
        async downloadArtifacts(run, job, sink) {
            const data = runData(run);
            const base = jobPath(data, job);
            // A job without artifacts may answer 404, and not necessarily with JSON; a list that is
            // not JSON is asked for again, like any read.
            const res = await http.jsonResponse('GET', `${base}.json`, { accept: [404] });
            if (res.status === 404)
                return;
            const listing = res.body;
            if (!listing || typeof listing !== 'object')
                return;
            // GoCD answers an array; its docs show a single object.
            const entries = (Array.isArray(listing) ? listing : [listing]).filter((e) => !!e && typeof e.name === 'string');
            for (const entry of entries) {
                if (entry.name === CONSOLE_FOLDER && !wantsConsoleFolder)
                    continue;
                await fetchEntry(base, entry, entry.name, sink);
            }
        },
        async cancel(run) {
            const data = runData(run);
            let running = [];
            // Between two stages nothing runs for a moment, and then the next one starts: look again.
            for (let look = 0; look < 3; look++) {
                if (look)
                    await new Promise((resolve) => setTimeout(resolve, 1500));
                const stages = (await instance(data.counter, data.pipeline))?.stages ?? [];
                running = stages.filter((s) => s.scheduled && !FINISHED_STAGE.includes(s.status ?? ''));
                const scheduled = stages.filter((s) => s.scheduled);
                const betweenStages = scheduled.length > 0 &&
                    scheduled.length < stages.length &&
                    scheduled.every((s) => s.status === 'Passed');
                if (running.length || !betweenStages)
                    break;
            }
            const failures = [];
            for (const stage of running) {
                const sc = String(stage.counter ?? '1');
                try {
                    const res = await http.json('POST', `api/stages/${[data.pipeline, data.counter, stage.name, sc].map(seg).join('/')}/cancel`, { headers: { accept: ACCEPT_STAGE_CANCEL, 'x-gocd-confirm': 'true' }, idempotent: true });
                    ctx.note(`Cancelled GoCD stage ${stage.name} of ${data.pipeline}/${data.counter}: ${res?.message ?? 'done'}`);
                }
                catch (err) {
                    if (!(err instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .RemoteError */ .Hi))
                        throw err;
                    failures.push(err.message);
                }
            }
            if (failures.length)
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .RemoteError */ .Hi(failures.join('; '));
        }
    };
}


/***/ })

};

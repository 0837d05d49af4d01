export const id = 614;
export const ids = [614];
export const modules = {

/***/ 7614:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createGoCD: () => (/* binding */ createGoCD),
  gocdRoot: () => (/* binding */ gocdRoot),
  jobConclusion: () => (/* reexport */ jobConclusion),
  stageState: () => (/* reexport */ stageState)
});

// EXTERNAL MODULE: ./lib/core/deadline.js
var deadline = __webpack_require__(1923);
// EXTERNAL MODULE: ./lib/core/errors.js
var errors = __webpack_require__(3828);
// EXTERNAL MODULE: ./lib/transport/shape.js
var shape = __webpack_require__(8368);
;// CONCATENATED MODULE: ./lib/remotes/gocd/shapes.js
/**
 * The GoCD answers ci-relay relies on, as zod schemas of the fields it reads (extra fields are
 * welcome). Every shape here is met by GoCD 19.8 to today: the legacy Rails representers
 * (`PipelineInstanceAPIModel`, ≤ 19.11), 19.11's Spark `StageInstanceModelRepresenter` and the
 * `api-pipeline-instance-v1` representers (19.12+) — see ../shared/reference/gocd.
 */

/** GoCD writes `null` for an absent value as often as it leaves the key out. */
const opt = (t) => t.nullish().transform((v) => v ?? undefined);
const jobSchema = shape.z.object({
    name: shape.z.string(),
    state: opt(shape.z.string()),
    result: opt(shape.z.string())
});
const stageSchema = shape.z.object({
    name: shape.z.string(),
    /** A string in the instance API; a number in some older answers. */
    counter: opt(shape.z.union([shape.z.string(), shape.z.number()])),
    /** Absent on GoCD ≤ 19.12 (only `result`): see stages.ts. */
    status: opt(shape.z.string()),
    result: opt(shape.z.string()),
    scheduled: opt(shape.z.boolean()),
    approval_type: opt(shape.z.string()),
    jobs: opt(shape.z.array(jobSchema))
});
const buildCause = shape.z.object({
    trigger_forced: opt(shape.z.boolean()),
    approver: opt(shape.z.string()),
    /** The revisions the run builds: a schedule's `materials` show here (claim.ts). */
    material_revisions: opt(shape.z.array(shape.z.object({
        material: opt(shape.z.object({ fingerprint: opt(shape.z.string()) })),
        modifications: opt(shape.z.array(shape.z.object({ revision: opt(shape.z.string()) })))
    })))
});
const instanceSchema = shape.z.object({
    counter: shape.z.number(),
    stages: shape.z.array(stageSchema)
});
/** A history entry: only what tells whose run it is. */
const historyRun = shape.z.object({
    counter: shape.z.number(),
    build_cause: opt(buildCause)
});
/**
 * Spark's history (19.12+) pages by `_links.next`; the Rails one (≤ 19.11,
 * `PipelineHistoryAPIModel`) by `pagination.offset` and has no `_links`: its first page is the
 * newest ten, which is all the search for a new run needs.
 */
const historySchema = shape.z.object({
    _links: opt(shape.z.object({ next: opt(shape.z.object({ href: opt(shape.z.string()) })) })),
    pipelines: shape.z.array(historyRun)
});
/** The 202 of schedule and the 200 of cancel: `{"message": …}`, or no body at all. */
const messageSchema = shape.z.object({ message: opt(shape.z.string()) }).nullable();
const configSchema = shape.z.object({
    stages: shape.z.array(shape.z.object({ name: shape.z.string(), approval: opt(shape.z.object({ type: opt(shape.z.string()) })) }))
});
const artifactEntry = shape.z.lazy(() => shape.z.object({
    name: shape.z.string(),
    type: opt(shape.z.string()),
    files: opt(shape.z.array(artifactEntry))
}));
/** GoCD answers a top-level array; its docs show one object (PROTOCOLS.md): both are taken, as a list. */
const artifactListSchema = shape.z.preprocess((v) => (Array.isArray(v) ? v : [v]), shape.z.array(artifactEntry));

;// CONCATENATED MODULE: ./lib/remotes/gocd/api.js



const accept = (v) => `application/vnd.go.cd.v${v}+json`;
const seg = (s) => encodeURIComponent(String(s));
/** GoCD's word for a route or Accept version it does not have. */
const WRONG_URL = /appears to be incorrect/i;
const CANCEL_ROUTES = [3, 2, 1, 'rails'];
/**
 * The pipeline config API (`GET /go/api/admin/pipelines/:p`, admin): v11 from 20.8, v10
 * 19.10–20.10, v7–v9 before 19.10 (api/api-pipeline-config-vN per tag); `approval.type` is the
 * same in each (api-shared-v9 and -v11 ApprovalRepresenter).
 */
const CONFIG_VERSIONS = [11, 10, 9];
class GoCDApi {
    http;
    pipeline;
    instanceRoute;
    cancelRoute;
    /** Stage approval types from the config API: undefined = not asked yet, null = not ours to read. */
    approvals;
    constructor(http, pipeline) {
        this.http = http;
        this.pipeline = pipeline;
    }
    /** A /go/api JSON answer checked against `schema`; `accept` lists statuses handed back unchecked. */
    async call(schema, method, path, opts = {}) {
        const res = await this.http.jsonResponse(method, `api/${path}`, {
            ...opts,
            headers: { accept: accept(opts.version ?? 1), ...opts.headers }
        });
        if (opts.accept?.includes(res.status))
            return { status: res.status, body: undefined };
        return {
            status: res.status,
            body: (0,shape/* expectShape */.h)(schema, res.body, {
                system: 'GoCD',
                call: `${method} /go/api/${path.replace(/\?.*/, '')}`
            })
        };
    }
    async history(query) {
        const { body } = await this.call(historySchema, 'GET', `pipelines/${seg(this.pipeline)}/history?${query}`);
        return body;
    }
    /** The instance, from whichever route this server has. */
    async instance(counter, pipeline = this.pipeline) {
        const paths = {
            counter: `pipelines/${seg(pipeline)}/${counter}`,
            instance: `pipelines/${seg(pipeline)}/instance/${counter}`
        };
        const routes = this.instanceRoute ? [this.instanceRoute] : ['counter', 'instance'];
        const refusals = [];
        for (const route of routes) {
            try {
                const { body } = await this.call(instanceSchema, 'GET', paths[route]);
                this.instanceRoute = route;
                return body;
            }
            catch (err) {
                if (!(err instanceof errors/* RemoteError */.Hi) || err.status !== 404)
                    throw err;
                refusals.push(err);
            }
        }
        // Both 404: the one that is not GoCD's "wrong url" says the run is not there.
        throw refusals.find((e) => !WRONG_URL.test(e.message)) ?? refusals[0];
    }
    /** Schedules the pipeline (Accept v1 on every version: api-pipeline-operations-v1, 19.8+). */
    async schedule(body) {
        const { body: answer } = await this.call(messageSchema, 'POST', `pipelines/${seg(this.pipeline)}/schedule`, {
            json: body,
            headers: { 'x-gocd-confirm': 'true' },
            idempotent: false
        });
        return answer?.message;
    }
    /** Cancels one stage run through the newest route this server has; returns GoCD's message. */
    async cancelStage(ref) {
        const routes = this.cancelRoute !== undefined ? [this.cancelRoute] : CANCEL_ROUTES;
        let first;
        for (const route of routes) {
            try {
                const message = await this.cancelVia(route, ref);
                this.cancelRoute = route;
                return message;
            }
            catch (err) {
                if (!(err instanceof errors/* RemoteError */.Hi) || err.status !== 404 || routes.length === 1)
                    throw err;
                first ??= err;
            }
        }
        // Every route answered 404: the stage run is not there (the newest route's word says so).
        throw first;
    }
    async cancelVia(route, ref) {
        if (route === 'rails') {
            const res = await this.http.request('POST', `api/stages/${seg(ref.pipeline)}/${seg(ref.stage)}/cancel`, {
                headers: { confirm: 'true', 'x-gocd-confirm': 'true' },
                idempotent: true
            });
            // Rails answers its localized message as text.
            return res.body.toString('utf8').trim().slice(0, 200) || undefined;
        }
        const path = `stages/${[ref.pipeline, ref.counter, ref.stage, ref.stageCounter].map(seg).join('/')}/cancel`;
        const { body } = await this.call(messageSchema, 'POST', path, {
            version: route,
            headers: { 'x-gocd-confirm': 'true' },
            idempotent: true
        });
        return body?.message ?? undefined;
    }
    /** Approval types by stage name from the pipeline config; null when it is not ours to read. */
    async stageApprovals() {
        if (this.approvals !== undefined)
            return this.approvals;
        this.approvals = null;
        for (const version of CONFIG_VERSIONS) {
            try {
                const { status, body } = await this.call(configSchema, 'GET', `admin/pipelines/${seg(this.pipeline)}`, {
                    version,
                    accept: [401, 403, 404]
                });
                if (status === 404)
                    continue;
                if (status !== 200 || !body)
                    break;
                this.approvals = new Map();
                for (const stage of body.stages)
                    if (stage.approval?.type)
                        this.approvals.set(stage.name, stage.approval.type);
                break;
            }
            catch (err) {
                // An answer we cannot read leaves the grace to decide, as a refusal does.
                if (err instanceof errors/* RemoteError */.Hi)
                    break;
                throw err;
            }
        }
        return this.approvals;
    }
}

;// CONCATENATED MODULE: ./lib/remotes/gocd/stages.js
const FINISHED_STAGE = ['Passed', 'Failed', 'Cancelled'];
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
/**
 * The stage's state as GoCD ≥ 20.1 reports it in `status` (Building, Failing, Passed, Failed,
 * Cancelled, Unknown). GoCD 19.11 and 19.12 send only `result` (gocd/gocd 19.12.0
 * api/api-pipeline-instance-v1/…/StageInstanceModelRepresenter.java; `status` is added in
 * 20.1.0), as do the Rails representers before them: there the state follows from `result` and
 * the jobs. A stage with a job still going is going, whatever `result` says (GoCD's `Failing`
 * state carries the result Failed: domain/…/StageState.java); a finished stage whose result is not a final word takes
 * its jobs' results, and an unknown one is never Passed.
 */
function stageState(stage) {
    if (stage.status)
        return stage.status;
    if (!stage.scheduled)
        return 'Unknown';
    const jobs = stage.jobs ?? [];
    if (!jobs.length)
        return FINISHED_STAGE.includes(stage.result ?? '') ? stage.result : 'Building';
    if (jobs.some((j) => j.state !== 'Completed')) {
        return jobs.some((j) => j.result === 'Failed') || stage.result === 'Failed' ? 'Failing' : 'Building';
    }
    if (FINISHED_STAGE.includes(stage.result ?? ''))
        return stage.result;
    if (jobs.some((j) => j.result === 'Cancelled'))
        return 'Cancelled';
    return jobs.every((j) => j.result === 'Passed') ? 'Passed' : 'Failed';
}
/** Stages with `status` filled in, whichever GoCD sent them. */
function withStatus(stages) {
    return stages.map((s) => ({ ...s, status: stageState(s) }));
}
/**
 * What the stages alone say of the run: a conclusion, `undefined` while it goes on, or
 * `next-unscheduled` with the stage whose approval decides between `success`-pending and
 * `blocked` (the caller asks the config API or waits out the grace).
 */
function stagesOutcome(stages) {
    const scheduled = stages.filter((s) => s.scheduled);
    if (!scheduled.length)
        return undefined;
    if (scheduled.some((s) => !FINISHED_STAGE.includes(s.status)))
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
    return { waitingOn: next };
}

;// CONCATENATED MODULE: ./lib/remotes/gocd/claim.js
function claimOf(run, sent) {
    const cause = run.build_cause;
    const revisions = (cause?.material_revisions ?? []).flatMap((mr) => (mr.modifications ?? []).map((m) => ({ fingerprint: mr.material?.fingerprint, revision: m.revision })));
    // Builds another revision of a material we pinned: another schedule's run, whoever forced it.
    const contrary = sent.materials.some((want) => {
        const same = revisions.filter((r) => !r.fingerprint || r.fingerprint === want.fingerprint);
        return same.length > 0 && !same.some((r) => r.revision === want.revision);
    });
    if (contrary)
        return 'not-ours';
    if (!cause?.trigger_forced)
        return 'foreign';
    if (sent.username && (cause.approver ?? '').toLowerCase() !== sent.username.toLowerCase())
        return 'foreign';
    const pinned = sent.materials.length > 0 &&
        sent.materials.every((want) => revisions.some((r) => (!r.fingerprint || r.fingerprint === want.fingerprint) && r.revision === want.revision));
    return pinned ? 'pinned' : 'forced';
}
/**
 * The run a schedule created, among the runs above the snapshot: the lowest pinned one, else the
 * lowest forced one (with the alike others named), else, once `acceptForeign`, the lowest run
 * without contrary evidence.
 */
function pickRun(runs, sent, acceptForeign) {
    const ascending = [...runs].sort((a, b) => a.counter - b.counter);
    const claims = ascending.map((run) => ({ run, claim: claimOf(run, sent) }));
    for (const want of ['pinned', 'forced']) {
        const found = claims.filter((c) => c.claim === want);
        if (found.length)
            return { ...found[0], alike: found.slice(1).map((c) => c.run.counter) };
    }
    if (!acceptForeign)
        return undefined;
    const foreign = claims.find((c) => c.claim === 'foreign');
    return foreign ? { ...foreign, alike: [] } : undefined;
}

;// CONCATENATED MODULE: ./lib/remotes/gocd/remote.js








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
const remote_seg = (s) => encodeURIComponent(String(s));
function createGoCD(ctx) {
    const { settings } = ctx;
    const gocd = settings.gocd;
    if (!gocd)
        throw new errors/* RemoteError */.Hi(`ci-relay was started for GoCD without GoCD settings.`);
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
    /** When each run was first seen waiting on an unscheduled stage, by `counter/stage`. */
    const waitingSince = new Map();
    const api = new GoCDApi(http, pipeline);
    const makeRun = (counter) => {
        const data = { pipeline, counter };
        return {
            id: `${pipeline}/${counter}`,
            url: `${root}/go/pipelines/value_stream_map/${remote_seg(pipeline)}/${counter}`,
            data: { ...data }
        };
    };
    const runData = (run) => {
        const counter = Number(run.data.counter);
        const name = typeof run.data.pipeline === 'string' ? run.data.pipeline : pipeline;
        if (!Number.isInteger(counter) || counter <= 0) {
            throw new errors/* RemoteError */.Hi(`The saved GoCD run '${run.id}' has no pipeline counter.`);
        }
        return { pipeline: name, counter };
    };
    /** Runs of the pipeline with a counter above `above`, newest first (all pages needed). */
    async function historyAbove(above) {
        const found = [];
        let query = 'page_size=10';
        for (let page = 0; page < 20; page++) {
            const res = await api.history(query);
            const runs = res.pipelines;
            found.push(...runs.filter((r) => r.counter > above));
            const next = res._links?.next?.href;
            if (!runs.length || !next || runs.some((r) => r.counter <= above))
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
        const res = await api.history('page_size=10');
        return Math.max(0, ...res.pipelines.map((r) => r.counter));
    }
    /** What this relay's schedule asked for: the evidence its run is claimed by (claim.ts). */
    const sent = {
        materials: gocd.materials,
        username: settings.username && !settings.token ? settings.username : undefined
    };
    async function waitForRun(above, maxMs, explain = false) {
        const started = Date.now();
        let firstForeign;
        let delay = 500;
        let explained = !explain;
        for (;;) {
            const runs = await historyAbove(above);
            if (!runs.length && !explained && Date.now() - started >= grace) {
                explained = true;
                ctx.note(`GoCD accepted the request ${Math.round((Date.now() - started) / 1000)}s ago, but no run of ${pipeline} has appeared yet. ` +
                    `A 202 from GoCD is no promise: a failed material update, or nothing new to build, shows only in GoCD's server-health messages ` +
                    `(the Errors and Warnings in GoCD's header). ci-relay keeps looking until the timeout.`);
            }
            if (runs.length && firstForeign === undefined)
                firstForeign = Date.now();
            const acceptForeign = firstForeign !== undefined && Date.now() - firstForeign >= FOREIGN_RUN_WAIT_MS;
            const picked = pickRun(runs, sent, acceptForeign);
            if (picked) {
                const { run: found, alike, claim } = picked;
                if (claim === 'foreign') {
                    ctx.note(`GoCD shows no run of ${pipeline} forced by ${settings.username ?? 'us'}; following ${pipeline}/${found.counter}, the first after the request.`);
                }
                else if (alike.length) {
                    ctx.warn(`GoCD cannot tell which run of ${pipeline} this schedule created: ${[found.counter, ...alike].map((c) => `${pipeline}/${c}`).join(', ')} were forced by the same user${claim === 'pinned' ? ' with the same material revisions' : ''}; following ${pipeline}/${found.counter}. Another relay may follow the same run: pin 'materials' to tell them apart.`);
                }
                return makeRun(found.counter);
            }
            // No guess at the deadline: following (and maybe cancelling) someone else's run is worse.
            if (Date.now() - started >= maxMs)
                return undefined;
            await (0,deadline/* sleep */.yy)(delay, ctx.signal);
            delay = Math.min(Math.round(delay * 1.5), settings.pollIntervalMs);
        }
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
                    url: `${root}/go/tab/build/detail/${[run.pipeline, run.counter, stage.name, sc, j.name].map(remote_seg).join('/')}`,
                    started: STARTED_JOB.includes(j.state ?? '')
                });
            }
        }
        return jobs;
    }
    /** PROTOCOLS.md: over when no stage runs and a stage failed, all passed, or a manual stage waits. */
    async function conclude(run, stages) {
        const outcome = stagesOutcome(stages);
        if (typeof outcome !== 'object')
            return outcome;
        const next = outcome.waitingOn;
        const configured = (await api.stageApprovals())?.get(next.name);
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
        return `files/${[run.pipeline, run.counter, j.stage, j.stageCounter, j.name].map(remote_seg).join('/')}`;
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
                throw new errors/* RemoteError */.Hi(`GoCD was still preparing the zip of the artifact folder '${folder}' after ${attempt} requests.`);
            }
            await (0,deadline/* sleep */.yy)(delay, ctx.signal);
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
        const urlPath = `${base}/${at.split('/').map(remote_seg).join('/')}`;
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
            await sink.downloadFile(http, `${base}/${file.split('/').map(remote_seg).join('/')}`, file);
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
            const message = await api.schedule(body);
            ctx.note(`${message ?? `GoCD accepted pipeline ${pipeline}`}; waiting for GoCD to create the run.`);
            // The relay's timeout starts once a run exists: bound this wait by it too.
            const left = Math.max(0, ctx.startedAt + settings.timeoutMs - Date.now());
            // However the time runs out (this wait's own bound, or the step's deadline aborting it),
            // the step timed out, and the user is told why there is no run.
            const noRun = new errors/* DeadlineError */.j3(`GoCD accepted the request to schedule pipeline ${pipeline}, but no run of it appeared within ${Math.round(settings.timeoutMs / 1000)}s; ci-relay does not schedule twice: check GoCD`);
            let run;
            try {
                run = await waitForRun(snapshot, left, true);
            }
            catch (err) {
                throw err instanceof errors/* DeadlineError */.j3 ? noRun : err;
            }
            if (!run)
                throw noRun;
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
                throw new errors/* RemoteError */.Hi(`'${id}' is not a GoCD pipeline counter.`);
            }
            const found = await api.instance(counter);
            return makeRun(found.counter);
        },
        /*
         * One request per poll, unconditional: GoCD's instance and history routes send no ETag and
         * never answer 304 (gocd/gocd 25.4.0 api/api-pipeline-instance-v1/…/PipelineInstanceControllerV1
         * writes the JSON straight out; only config entities use isGetOrHeadRequestFresh). What cannot
         * change is not asked again: the config API once per run (api.ts), a finished job's console once
         * (logs.ts), its artifact list once.
         */
        async poll(run) {
            const data = runData(run);
            const stages = withStatus((await api.instance(data.counter, data.pipeline)).stages);
            const jobs = toJobs(data, stages);
            const conclusion = await conclude(data, stages);
            const status = [...stages].reverse().find((s) => s.scheduled)?.status ?? 'Unknown';
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
                // The unfinished line, in pieces: joined once its newline comes (a long line stays linear).
                let pending = [];
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
                    const end = chunk.lastIndexOf(10);
                    if (end < 0) {
                        pending.push(chunk);
                        continue;
                    }
                    await hand(Buffer.concat([...pending, chunk.subarray(0, end + 1)]));
                    pending = end + 1 < chunk.length ? [Buffer.from(chunk.subarray(end + 1))] : [];
                }
                // A finished job's console is final: its last line may lack the newline.
                if (pending.length && job.conclusion && skip === 0) {
                    await sink(Buffer.concat(pending));
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
            if (res.status === 404 || res.body === null)
                return;
            const listing = (0,shape/* expectShape */.h)(artifactListSchema, res.body, {
                system: 'GoCD',
                call: `GET /go/${base}.json`
            });
            for (const entry of listing) {
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
                const stages = withStatus((await api.instance(data.counter, data.pipeline)).stages);
                running = stages.filter((s) => s.scheduled && !FINISHED_STAGE.includes(s.status));
                const scheduled = stages.filter((s) => s.scheduled);
                const betweenStages = scheduled.length > 0 &&
                    scheduled.length < stages.length &&
                    scheduled.every((s) => s.status === 'Passed');
                if (running.length || !betweenStages)
                    break;
            }
            const failures = [];
            for (const stage of running) {
                try {
                    const message = await api.cancelStage({
                        pipeline: data.pipeline,
                        counter: data.counter,
                        stage: stage.name,
                        stageCounter: String(stage.counter ?? '1')
                    });
                    ctx.note(`Cancelled GoCD stage ${stage.name} of ${data.pipeline}/${data.counter}: ${message ?? 'done'}`);
                }
                catch (err) {
                    if (!(err instanceof errors/* RemoteError */.Hi))
                        throw err;
                    failures.push(err.message);
                }
            }
            if (failures.length)
                throw new errors/* RemoteError */.Hi(failures.join('; '));
        }
    };
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

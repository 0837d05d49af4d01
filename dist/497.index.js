export const id = 497;
export const ids = [497];
export const modules = {

/***/ 8497:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createGitLab: () => (/* binding */ createGitLab)
});

// EXTERNAL MODULE: ./lib/core/errors.js
var errors = __webpack_require__(3828);
// EXTERNAL MODULE: ./lib/transport/shape.js
var shape = __webpack_require__(8368);
;// CONCATENATED MODULE: ./lib/remotes/gitlab/api.js
/**
 * GitLab's REST v4 as ci-relay calls it: every JSON answer goes through expectShape, so a wrong
 * shape is one sentence naming GitLab and the call.
 */


/** Pages of a list asked for at once (GitLab's maximum). */
const PER_PAGE = 100;
/**
 * Most pages of one list read: 100 pages of 100 is 10,000 items, far past the jobs of any
 * real pipeline, or the pipelines ci-relay looks through. A server that always names a next page (a proxy
 * rewriting headers, a hostile server) would otherwise be read without end.
 */
const MAX_PAGES = 100;
/** Most items of one list, however many a page holds (a server ignoring per_page). */
const MAX_ITEMS = MAX_PAGES * PER_PAGE;
class GitLabApi {
    http;
    constructor(http) {
        this.http = http;
    }
    /** A JSON answer of this shape; `call` names it for the user ("GET pipeline 42"). */
    async json(schema, method, path, call, opts = {}) {
        const body = await this.http.json(method, path, opts);
        return (0,shape/* expectShape */.h)(schema, body, { system: 'GitLab', call });
    }
    /** Like json, but a status in `absent` (404: no such route or record on this server) is undefined. */
    async optional(schema, path, call, absent = [404]) {
        const res = await this.http.jsonResponse('GET', path, { accept: absent });
        if (absent.includes(res.status))
            return { status: res.status };
        return { value: (0,shape/* expectShape */.h)(schema, res.body, { system: 'GitLab', call }), status: res.status };
    }
    /**
     * Every page of a list, following X-Next-Page; undefined when the first page answered a status
     * in `absent` (a route this server lacks).
     */
    async pages(item, path, call, absent = []) {
        const list = shape.z.array(item);
        const all = [];
        let pages = 0;
        for (let page = '1'; page;) {
            const res = await this.http.jsonResponse('GET', `${path}?per_page=${PER_PAGE}&page=${page}`, {
                accept: absent
            });
            if (absent.includes(res.status))
                return page === '1' ? undefined : all;
            const items = (0,shape/* expectShape */.h)(list, res.body, { system: 'GitLab', call });
            if (all.length + items.length > MAX_ITEMS) {
                throw new errors/* RemoteError */.Hi(`GitLab's list (${call}) passed ${MAX_ITEMS} items (page ${pages + 1} held ${items.length}); ci-relay reads at most ${MAX_ITEMS} items of a list, more than any real one holds, and stopped there.`);
            }
            all.push(...items);
            pages++;
            const next = res.headers['x-next-page'];
            page = typeof next === 'string' && next !== page ? next : '';
            if (page && pages >= MAX_PAGES)
                throw endless(call, all.length, pages);
        }
        return all;
    }
}
function endless(call, items, pages) {
    return new errors/* RemoteError */.Hi(`GitLab's list (${call}) did not end: after ${pages} pages and ${items} items it still named a next page (X-Next-Page); ci-relay reads at most ${MAX_PAGES} pages of ${PER_PAGE} (${MAX_ITEMS} items) of a list, more than any real one holds, and stopped there.`);
}

;// CONCATENATED MODULE: ./lib/remotes/gitlab/shapes.js
/**
 * The fields of GitLab's API entities that ci-relay relies on (lib/api/entities/ci/*.rb), checked
 * at the boundary by expectShape. Only what is read is described; extra fields stay welcome, and
 * fields that older releases lack are optional (PROTOCOLS.md, "Versions").
 */

const time = shape.z.string().nullish();
const Pipeline = shape.z.object({
    id: shape.z.number(),
    status: shape.z.string(),
    /** GitLab 9.x pipelines carry no web_url. */
    web_url: shape.z.string().nullish(),
    ref: shape.z.string().nullish(),
    sha: shape.z.string().nullish(),
    source: shape.z.string().nullish(),
    created_at: time,
    updated_at: time,
    project_id: shape.z.number().nullish()
});
const Job = shape.z.object({
    id: shape.z.number(),
    name: shape.z.string(),
    stage: shape.z.string().nullish(),
    status: shape.z.string(),
    web_url: shape.z.string().nullish(),
    allow_failure: shape.z.boolean().nullish(),
    started_at: time,
    finished_at: time,
    duration: shape.z.number().nullish(),
    failure_reason: shape.z.string().nullish(),
    artifacts_file: shape.z.object({ filename: shape.z.string().nullish(), size: shape.z.number().nullish() }).nullish(),
    pipeline: shape.z.object({ id: shape.z.number(), project_id: shape.z.number().nullish() }).nullish()
});
/** Entities::Ci::Bridge: a job whose downstream_pipeline is a PipelineBasic (no project_id before ~14). */
const Bridge = Job.extend({
    downstream_pipeline: shape.z.object({
        id: shape.z.number(),
        project_id: shape.z.number().nullish(),
        status: shape.z.string().nullish(),
        web_url: shape.z.string().nullish()
    })
        .nullish()
});
/** The project's path, for a run-url when the pipeline has no web_url and `project` is an id. */
const ProjectIdentity = shape.z.object({ path_with_namespace: shape.z.string().nullish() });
const Variables = shape.z.array(shape.z.object({ key: shape.z.string() }));
const Version = shape.z.object({ version: shape.z.string() });
const count = shape.z.number().nullish();
/** TestReportSummaryEntity (GitLab 14.2+). */
const TestReportSummary = shape.z.object({
    total: shape.z.object({
        time: count,
        count: shape.z.number(),
        success: count,
        failed: count,
        skipped: count,
        error: count
    })
});
/** TestReportEntity with its suites and cases (GitLab 13.0+). */
const TestReport = shape.z.object({
    total_time: count,
    total_count: shape.z.number(),
    success_count: count,
    failed_count: count,
    skipped_count: count,
    error_count: count,
    test_suites: shape.z.array(shape.z.object({
        name: shape.z.string().nullish(),
        test_cases: shape.z.array(shape.z.object({
            status: shape.z.string(),
            name: shape.z.string().nullish(),
            classname: shape.z.string().nullish(),
            file: shape.z.string().nullish(),
            execution_time: shape.z.number().nullish(),
            /**
             * A string, an object or a list: GitLab's JUnit parser (gitlabhq
             * lib/gitlab/ci/parsers/test/junit.rb) keeps the `<failure>`/`<error>` element as
             * Hash.from_xml made it — its text, `{message, type, __content__}` when it has
             * attributes, a list when there are several. Read by test-report.ts `outputText`.
             */
            system_output: shape.z.unknown(),
            stack_trace: shape.z.string().nullish()
        }))
            .nullish()
    }))
});

;// CONCATENATED MODULE: ./lib/remotes/gitlab/pipeline.js

const ENDED = {
    success: 'success',
    failed: 'failed',
    canceled: 'canceled',
    skipped: 'skipped'
};
/** Trigger jobs in these states wait on something else (an earlier stage, a person) to move. */
const WAITING = ['created', 'manual'];
/** A trigger job that moves on its own (pending, running, scheduled, …): worth listing again. */
const moving = (b) => !ENDED[b.status] && !WAITING.includes(b.status);
/**
 * A job on its way. While one of its own jobs is, a pipeline cannot have ended: its status is
 * made from its latest jobs' (gitlabhq app/models/ci/pipeline.rb `update_status`, from
 * `statuses.latest.status`, Ci::HasStatus), and a cancel cancels its jobs (`cancel_running`).
 * So the pipeline's own GET is skipped while one is, which halves a poll.
 */
const active = (status) => !ENDED[status] && !WAITING.includes(status);
/** Before 13.5 the jobs list holds retried jobs too: keep the newest per name (highest id). */
function latestPerName(jobs) {
    const newest = new Map();
    for (const j of jobs) {
        const had = newest.get(j.name);
        if (!had || j.id > had.id)
            newest.set(j.name, j);
    }
    return [...newest.values()].sort((a, b) => a.id - b.id);
}
class PipelineTree {
    host;
    route;
    root;
    /** Child pipelines by id, in the order found. */
    children = new Map();
    constructor(host, project, id) {
        this.host = host;
        this.root = { project, id, prefix: '', jobs: [], jobIds: new Set() };
    }
    async poll() {
        let own = await this.readJobs(this.root);
        if (this.root.status === undefined || !own.some((j) => active(j.status))) {
            const pipeline = await this.host.api.json(Pipeline, 'GET', `${this.root.project}/pipelines/${this.root.id}`, `GET pipeline ${this.root.id}`);
            this.root.status = pipeline.status;
            own = await this.jobsAfter(this.root, own);
        }
        const status = this.root.status;
        const childrenDone = await this.visit(this.root, own);
        const jobs = this.flatten(this.root);
        let conclusion = ENDED[status];
        if (status === 'manual')
            conclusion = 'blocked';
        if (conclusion && !childrenDone && conclusion !== 'canceled')
            conclusion = undefined;
        if (conclusion) {
            for (const job of jobs) {
                if (job.conclusion)
                    continue;
                job.conclusion = job.status === 'manual' && conclusion === 'blocked' ? 'blocked' : 'skipped';
            }
        }
        return { status, conclusion, jobs };
    }
    /**
     * The jobs were read before the pipeline: one that ended since is concluded from jobs read
     * after it, or a job that ended in between would be taken for one that never ran.
     */
    async jobsAfter(node, own) {
        const status = node.status ?? '';
        const settled = (j) => !!ENDED[j.status] || j.status === 'manual';
        return (ENDED[status] || status === 'manual') && !own.every(settled) ? this.readJobs(node) : own;
    }
    /** A pipeline's own jobs, the newest of each name. */
    async readJobs(node) {
        const path = `${node.project}/pipelines/${node.id}/jobs`;
        const listed = await this.host.api.pages(Job, path, `GET pipeline ${node.id} jobs`);
        return latestPerName(listed ?? []);
    }
    /**
     * Takes in what can have changed in this pipeline (its jobs, read now unless given) and its
     * children; true once they all ended.
     */
    async visit(node, jobs) {
        const own = jobs ?? (await this.readJobs(node));
        const fresh = own.some((j) => !node.jobIds.has(j.id));
        const moment = `${node.status} ${own.map((j) => `${j.id}:${j.status}`).join(',')}`;
        for (const j of own) {
            node.jobIds.add(j.id);
            this.host.seen(j, node.project);
        }
        node.jobs = own.map((j) => this.host.toJob(j, node.prefix));
        // A waiting trigger job can only move when something else in the pipeline did. A moving
        // one whose child pipeline is read needs no listing: its end is that child's end.
        const stale = node.bridges === undefined ||
            fresh ||
            node.bridges.some((b) => moving(b) && !this.followed(b)) ||
            (node.listedAt !== moment && node.bridges.some((b) => WAITING.includes(b.status)));
        if (stale) {
            node.bridges = await this.listBridges(node);
            node.listedAt = moment;
        }
        let done = true;
        for (const bridge of node.bridges ?? []) {
            const ds = bridge.downstream_pipeline;
            // An unplayed manual trigger job (allow_failure by default) never holds a finished pipeline back.
            if (!ds) {
                if (!ENDED[bridge.status] && bridge.status !== 'manual')
                    done = false;
                continue;
            }
            let child = this.children.get(ds.id);
            if (!child) {
                child = {
                    project: this.projectOf(ds, node.project),
                    id: ds.id,
                    prefix: `${node.prefix}${bridge.name}.`,
                    jobs: [],
                    jobIds: new Set()
                };
                this.children.set(ds.id, child);
            }
            if (!(await this.follow(child, bridge)))
                done = false;
        }
        return done;
    }
    /** Its child pipeline is known and read directly. */
    followed(bridge) {
        const ds = bridge.downstream_pipeline;
        const child = ds ? this.children.get(ds.id) : undefined;
        return !!child && !child.unreadable;
    }
    /** One child: read it unless it ended (or cannot be read); true once it has ended. */
    async follow(child, bridge) {
        if (child.unreadable) {
            child.unreadable = bridge;
            return !!ENDED[bridge.status];
        }
        if (child.ended)
            return true;
        // Read first once, then only when none of its own jobs is on its way.
        let own;
        if (child.status !== undefined) {
            own = await this.readJobs(child);
            if (own.some((j) => active(j.status))) {
                await this.visit(child, own);
                return false;
            }
        }
        const { value, status } = await this.host.api.optional(Pipeline, `${child.project}/pipelines/${child.id}`, `GET pipeline ${child.id}`, [403, 404]);
        if (!value) {
            child.unreadable = bridge;
            this.host.warn(`GitLab does not let ci-relay read pipeline ${child.id} of trigger job '${bridge.name}' (${status}; a child pipeline on GitLab 12.x–13.2, or a project this token cannot read): following the trigger job's own status instead.`);
            return !!ENDED[bridge.status];
        }
        child.status = value.status;
        const below = await this.visit(child, own && (await this.jobsAfter(child, own)));
        child.ended = below && !!ENDED[value.status];
        return below && (!!ENDED[value.status] || value.status === 'manual');
    }
    /** trigger_jobs (~19.2+), else bridges, else none (≤ ~12.x); learned once for the run. */
    async listBridges(node) {
        const path = `${node.project}/pipelines/${node.id}`;
        for (const route of ['trigger_jobs', 'bridges']) {
            if (this.route !== undefined && this.route !== route)
                continue;
            const list = await this.host.api.pages(Bridge, `${path}/${route}`, `GET pipeline ${node.id} ${route}`, [404]);
            if (list) {
                this.route = route;
                return list.sort((a, b) => a.id - b.id);
            }
            if (this.route === route)
                return [];
        }
        this.route = 'none';
        return [];
    }
    /**
     * The project a downstream pipeline lives in: its `project_id` (around 14.0), else the project
     * its own web_url names (a cross-project trigger lives in another project), never the parent's
     * when the pipeline says otherwise.
     */
    projectOf(ds, parent) {
        if (ds.project_id !== undefined && ds.project_id !== null)
            return `projects/${ds.project_id}`;
        const path = ds.web_url ? projectOfUrl(ds.web_url, this.host.baseUrl) : undefined;
        return path ? `projects/${encodeURIComponent(path)}` : parent;
    }
    flatten(node) {
        const out = [...node.jobs];
        for (const bridge of node.bridges ?? []) {
            const child = bridge.downstream_pipeline ? this.children.get(bridge.downstream_pipeline.id) : undefined;
            if (!child)
                continue;
            if (child.unreadable) {
                const b = child.unreadable;
                out.push({ ...this.host.toJob(b, node.prefix), started: false });
            }
            else
                out.push(...this.flatten(child));
        }
        return out;
    }
    /** Every child pipeline found, with its project, for cancel and for logs. */
    projects() {
        return [...this.children.values()].map((c) => ({ id: c.id, project: c.project }));
    }
}
/**
 * The project path a pipeline's web_url names: `<root>/<group>/<project>/-/pipelines/<id>`, or
 * before GitLab moved its routes under `/-/` (pre-14 bridges, narkoz/gitlab's recorded
 * pipeline_bridges.json) `<root>/<group>/<project>/pipelines/<id>`. The URL's host may be the
 * server's external_url rather than the one ci-relay calls: only the path after the relative URL
 * root of `baseUrl` counts.
 */
function projectOfUrl(webUrl, baseUrl) {
    let path;
    let root;
    try {
        path = new URL(webUrl).pathname;
        root = new URL(baseUrl).pathname.replace(/\/+$/, '');
    }
    catch {
        return undefined;
    }
    if (root && path.startsWith(`${root}/`))
        path = path.slice(root.length);
    const m = /^\/(.+?)(?:\/-)?\/pipelines\/\d+\/?$/.exec(path);
    if (!m)
        return undefined;
    try {
        return decodeURIComponent(m[1]);
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./lib/remotes/gitlab/test-report.js

/** Failed cases kept for the summary and annotations; the totals are never capped. */
const MAX_FAILURES = 50;
async function readTestReport(api, project, pipelineId) {
    const path = `${project}/pipelines/${pipelineId}`;
    const summary = (await api.optional(TestReportSummary, `${path}/test_report_summary`, `GET pipeline ${pipelineId} test_report_summary`)).value;
    if (summary && summary.total.count === 0)
        return undefined;
    const needReport = !summary || (summary.total.failed ?? 0) + (summary.total.error ?? 0) > 0;
    const report = needReport
        ? (await api.optional(TestReport, `${path}/test_report`, `GET pipeline ${pipelineId} test_report`)).value
        : undefined;
    if (!summary && (!report || report.total_count === 0))
        return undefined;
    const totals = summary
        ? {
            total: summary.total.count,
            passed: summary.total.success ?? 0,
            failed: summary.total.failed ?? 0,
            skipped: summary.total.skipped ?? 0,
            errors: summary.total.error ?? 0,
            time: summary.total.time ?? 0
        }
        : {
            total: report.total_count,
            passed: report.success_count ?? 0,
            failed: report.failed_count ?? 0,
            skipped: report.skipped_count ?? 0,
            errors: report.error_count ?? 0,
            time: report.total_time ?? 0
        };
    return { ...totals, failures: report ? failures(report) : [] };
}
function failures(report) {
    const out = [];
    for (const suite of report.test_suites) {
        for (const c of suite.test_cases ?? []) {
            if (c.status !== 'failed' && c.status !== 'error')
                continue;
            if (out.length >= MAX_FAILURES)
                return out;
            const message = [outputText(c.system_output), c.stack_trace].filter((t) => !!t).join('\n');
            out.push({
                suite: suite.name ?? c.classname ?? '',
                name: c.name ?? '',
                ...(c.file ? { file: c.file } : {}),
                status: c.status,
                ...(message ? { message } : {}),
                ...(c.execution_time !== null && c.execution_time !== undefined ? { time: c.execution_time } : {})
            });
        }
    }
    return out;
}
/**
 * A case's `system_output` as text, whatever form the server gave it: a string; an element with
 * attributes (`{message, type, __content__}`: "type: message", then its text); a list of either.
 */
function outputText(v, depth = 0) {
    if (v === null || v === undefined || depth > 8)
        return undefined;
    if (typeof v === 'string')
        return v || undefined;
    if (typeof v === 'number' || typeof v === 'boolean')
        return String(v);
    if (Array.isArray(v))
        return (v
            .map((x) => outputText(x, depth + 1))
            .filter(Boolean)
            .join('\n') || undefined);
    if (typeof v === 'object') {
        const o = v;
        const message = outputText(o.message, depth + 1);
        const type = outputText(o.type, depth + 1);
        const head = type && message ? `${type}: ${message}` : (message ?? type);
        const text = outputText(o.__content__ ?? o['#text'], depth + 1);
        return [head, text].filter(Boolean).join('\n') || undefined;
    }
    return undefined;
}

// EXTERNAL MODULE: ./lib/core/deadline.js
var deadline = __webpack_require__(1923);
;// CONCATENATED MODULE: ./lib/remotes/gitlab/commit.js
/**
 * `sha`: wait for the pipeline GitLab creates for a commit (a push, a mirror, a merge request)
 * instead of creating one.
 *
 * `GET /projects/:id/pipelines?sha=…&ref=…&order_by=id&sort=desc` (lib/api/ci/pipelines.rb,
 * `optional :sha` / `optional :ref`; Ci::PipelinesFinder filters them by equality, so only a whole
 * SHA matches). The `sha` filter is in the pipelines list since its early releases
 * (doc/api/pipelines.md lists it beside `ref` in the 2017 docs), but Grape ignores parameters a
 * release does not declare, so every candidate is checked here too: another commit's pipeline, or
 * one on another ref when `ref` is given, is never taken. Child pipelines (`source:
 * parent_pipeline`) share their parent's commit and are followed through it, never alone.
 */


/** The first look comes at once, the next after this; the gap then doubles up to poll-interval. */
const FIRST_WAIT_MS = 1000;
/** The newest pipeline of the commit (on `ref` when given); polls until one appears. */
async function waitForCommitPipeline(w) {
    const query = [
        `sha=${encodeURIComponent(w.sha)}`,
        w.ref ? `ref=${encodeURIComponent(w.ref)}` : '',
        'order_by=id',
        'sort=desc',
        'per_page=20'
    ]
        .filter(Boolean)
        .join('&');
    const where = `commit ${w.sha}${w.ref ? ` on ${w.ref}` : ''}`;
    let delay = FIRST_WAIT_MS;
    let told = false;
    for (;;) {
        // One request per look: the same politeness as one poll of a run.
        const list = await w.api.json(Pipeline.array(), 'GET', `${w.project}/pipelines?${query}`, 'GET pipelines');
        const found = list
            .filter((p) => p.sha?.toLowerCase() === w.sha && (!w.ref || p.ref === w.ref) && p.source !== 'parent_pipeline')
            .sort((a, b) => b.id - a.id)[0];
        if (found)
            return found;
        if (!told) {
            told = true;
            w.note(`No pipeline for ${where} yet: waiting for GitLab to create one (a push or a mirror may take minutes).`);
        }
        await (0,deadline/* sleep */.yy)(delay, w.signal);
        delay = Math.min(delay * 2, w.pollIntervalMs);
    }
}

;// CONCATENATED MODULE: ./lib/remotes/gitlab/versions.js


const PIPELINE_INPUTS_SINCE = [18, 1];
const JOB_INPUTS_SINCE = [18, 9];
/** `17.7.0-ee` → [17, 7]; undefined when it does not read as a version. */
function versionOf(text) {
    const m = /^(\d+)\.(\d+)/.exec(text.trim());
    return m ? [Number(m[1]), Number(m[2])] : undefined;
}
function atLeast(v, min) {
    return v[0] > min[0] || (v[0] === min[0] && v[1] >= min[1]);
}
/** The server's version text, or undefined when this token may not read it (401/403/404). */
async function serverVersion(api) {
    const { value } = await api.optional(Version, 'version', 'GET version', [401, 403, 404]);
    return value?.version;
}
/**
 * Whether the server takes `what`: 'yes', 'no' (its version is older than `min`), or
 * 'unknown' (it did not say its version).
 */
function takes(version, min) {
    const v = version === undefined ? undefined : versionOf(version);
    if (!v)
        return 'unknown';
    return atLeast(v, min) ? 'yes' : 'no';
}
/**
 * A server that does not take inputs runs the pipeline (or job) without them, without a word:
 * refuse before anything is started. A server that does not say its version gets them, with a
 * warning (versions.ts).
 */
async function requireInputs(api, warn, since, what) {
    const version = await serverVersion(api);
    const verdict = takes(version, since);
    if (verdict === 'no') {
        throw new errors/* RemoteError */.Hi(`GitLab ${version} does not take ${what} (GitLab ${since.join('.')} and later do), so nothing was started: upgrade the server, or pass the values as 'variables'.`);
    }
    if (verdict === 'unknown') {
        warn(`GitLab did not say its version to this token, so ci-relay cannot tell whether it takes ${what} (GitLab ${since.join('.')} and later do); sending them: an older server would run without them.`);
    }
}
/**
 * Before 14.9, /play ignored job_variables_attributes, and no answer shows a job's variables:
 * here only the server's version can tell. Unknown counts as old (say so rather than pretend).
 */
async function warnIfPlayIgnoresVariables(api, warn) {
    const { value } = await api.optional(Version, 'version', 'GET version', [401, 403, 404]);
    const [major, minor] = (value?.version ?? '').split('.').map(Number);
    if (major > 14 || (major === 14 && minor >= 9))
        return;
    warn(value
        ? `GitLab ${value.version} ignores variables for a played manual job (before 14.9): the job runs without them.`
        : 'The variables for the played manual job may have been ignored: GitLab before 14.9 ignores them, and this server did not say its version.');
}
/**
 * GitLab 9.x's POST /pipeline dropped variables without a word: read them back (the pipeline
 * variables API, 11.11+) and say which are missing; a server without that API may have dropped them.
 */
async function checkVariablesApplied(api, project, pipelineId, variables, warn) {
    const { value, status } = await api.optional(Variables, `${project}/pipelines/${pipelineId}/variables`, `GET pipeline ${pipelineId} variables`, [403, 404]);
    if (status === 403)
        return;
    const missing = value
        ? variables.map(([k]) => k).filter((k) => !value.some((v) => v.key === k))
        : variables.map(([k]) => k);
    if (!missing.length)
        return;
    warn(value
        ? `GitLab did not apply the variables ${missing.join(', ')} to pipeline ${pipelineId}.`
        : `The variables may not have been applied to pipeline ${pipelineId}: this GitLab cannot show a pipeline's variables, and old releases (9.x) drop them from POST /pipeline without a word.`);
}

;// CONCATENATED MODULE: ./lib/remotes/gitlab/remote.js







/** A job in these states has not run yet and may still turn `manual` (to be played). */
const NOT_YET_RUN = ['created', 'waiting_for_resource', 'scheduled'];
const FORBIDDEN_VARIABLES = 'Insufficient permissions to set pipeline variables';
function createGitLab(ctx) {
    return new GitLab(ctx);
}
class GitLab {
    ctx;
    logMode = 'whole';
    api;
    gl;
    project;
    /** Jobs last seen, by key, with the project they belong to, for logs and artifacts. */
    seen = new Map();
    tree;
    /** ci-relay created the pipeline (its inputs went there, not to a played job). */
    created = false;
    constructor(ctx) {
        this.ctx = ctx;
        const s = ctx.settings;
        this.gl = s.gitlab;
        this.api = new GitLabApi(ctx.httpFor({
            baseUrl: `${s.url}/api/v4/`,
            credentials: s.token ? { 'private-token': s.token } : {},
            serverName: 'GitLab'
        }));
        this.project = `projects/${encodeURIComponent(this.gl.project)}`;
    }
    get jobById() {
        return this.gl.job && /^\d+$/.test(this.gl.job) ? Number(this.gl.job) : undefined;
    }
    get variables() {
        return Object.entries(this.ctx.settings.variables);
    }
    get hasInputs() {
        return Object.keys(this.gl.inputs).length > 0;
    }
    async trigger() {
        const jobId = this.jobById;
        if (jobId !== undefined)
            return this.startJob(jobId);
        if (this.gl.sha)
            return this.waitForCommit(this.gl.sha);
        if (this.hasInputs)
            await requireInputs(this.api, this.ctx.warn, PIPELINE_INPUTS_SINCE, 'pipeline inputs');
        const vars = this.variables;
        const inputs = this.hasInputs ? { inputs: this.gl.inputs } : {};
        let pipeline;
        this.created = true;
        if (this.gl.triggerToken) {
            // lib/api/ci/triggers.rb: `requires :token`, `optional :variables, type: Hash`, `optional
            // :inputs, type: Hash`; typed input values need a JSON body (a form makes every value text).
            const form = { token: this.gl.triggerToken, ref: this.gl.ref };
            for (const [k, v] of vars)
                form[`variables[${k}]`] = v;
            const body = this.hasInputs
                ? {
                    json: {
                        token: this.gl.triggerToken,
                        ref: this.gl.ref,
                        variables: Object.fromEntries(vars),
                        ...inputs
                    }
                }
                : { form };
            pipeline = await this.withRemedy(() => this.api.json(Pipeline, 'POST', `${this.project}/trigger/pipeline`, 'POST trigger/pipeline', body));
        }
        else {
            pipeline = await this.withRemedy(() => this.api.json(Pipeline, 'POST', `${this.project}/pipeline`, 'POST pipeline', {
                json: {
                    ref: this.gl.ref,
                    variables: vars.map(([key, value]) => ({ key, value, variable_type: 'env_var' })),
                    ...inputs
                }
            }));
            if (vars.length)
                await checkVariablesApplied(this.api, this.project, pipeline.id, this.variables, this.ctx.warn);
        }
        return this.pipelineRun(pipeline);
    }
    /** `sha`: nothing is created; the commit's pipeline is followed like an attached run. */
    async waitForCommit(sha) {
        await this.requireJobInputs();
        const pipeline = await waitForCommitPipeline({
            api: this.api,
            project: this.project,
            sha,
            ref: this.gl.ref,
            pollIntervalMs: this.ctx.settings.pollIntervalMs,
            signal: this.ctx.signal,
            note: (m) => this.ctx.note(m)
        });
        this.ctx.note(`Pipeline ${pipeline.id}${pipeline.ref ? ` on ${pipeline.ref}` : ''} is the one for commit ${sha}.`);
        return this.pipelineRun(pipeline);
    }
    /** `inputs` for a manual job to play go as `job_inputs`: only to a server that takes them. */
    async requireJobInputs() {
        if (this.hasInputs)
            await requireInputs(this.api, this.ctx.warn, JOB_INPUTS_SINCE, 'inputs for a played manual job (job_inputs)');
    }
    /** gitlab.com 17.7+ projects refuse pipeline variables by default: say how to allow them. */
    async withRemedy(send) {
        try {
            return await send();
        }
        catch (err) {
            if (err instanceof errors/* RemoteError */.Hi && err.status === 400 && err.message.includes(FORBIDDEN_VARIABLES)) {
                throw new errors/* RemoteError */.Hi(`${err.message}. This project does not let the token's user set pipeline variables: lower the project's "Minimum role to use pipeline variables" (Settings > CI/CD > Variables; ci_pipeline_variables_minimum_override_role) to that user's role, or run without \`variables\`.`, 400);
            }
            throw err;
        }
    }
    /** A numeric `job`: play it if manual, retry it if it has ended, else follow it. */
    async startJob(jobId) {
        await this.requireJobInputs();
        let job = await this.getJob(jobId);
        if (job.status === 'manual') {
            job = await this.play(job.id);
            this.ctx.note(`Played manual job ${job.name} (${job.id}).`);
        }
        else if (ENDED[job.status]) {
            job = await this.api.json(Job, 'POST', `${this.project}/jobs/${jobId}/retry`, `POST job ${jobId} retry`);
            this.ctx.note(`Retried job ${job.name}: the new job is ${job.id}.`);
        }
        const pipelineId = job.pipeline?.id;
        if (!pipelineId)
            throw new errors/* RemoteError */.Hi(`GitLab did not say which pipeline job ${job.id} belongs to.`);
        const pipeline = await this.getPipeline(pipelineId);
        return {
            id: String(pipeline.id),
            url: await this.urlOf(pipeline),
            data: { pipelineId, jobId: job.id, played: true }
        };
    }
    async play(jobId) {
        const vars = this.variables.map(([key, value]) => ({ key, value }));
        // The inputs went to the pipeline when ci-relay created it; a job rejects inputs it does not declare.
        const jobInputs = this.hasInputs && !this.created ? { job_inputs: this.gl.inputs } : {};
        const played = await this.api.json(Job, 'POST', `${this.project}/jobs/${jobId}/play`, `POST job ${jobId} play`, {
            json: { ...(vars.length ? { job_variables_attributes: vars } : {}), ...jobInputs }
        });
        if (vars.length)
            await warnIfPlayIgnoresVariables(this.api, this.ctx.warn);
        return played;
    }
    getJob(jobId, project = this.project) {
        return this.api.json(Job, 'GET', `${project}/jobs/${jobId}`, `GET job ${jobId}`);
    }
    getPipeline(id) {
        return this.api.json(Pipeline, 'GET', `${this.project}/pipelines/${encodeURIComponent(String(id))}`, `GET pipeline ${id}`);
    }
    /**
     * GitLab 9.x pipelines have no web_url: build it from the project's own path, never from a
     * numeric id (`<url>/1/-/pipelines/61` is no page); left empty when the project cannot be read.
     */
    async urlOf(pipeline) {
        if (pipeline.web_url)
            return pipeline.web_url;
        const path = await this.projectPath();
        return path
            ? `${this.ctx.settings.url.replace(/\/+$/, '')}/${path}/-/pipelines/${pipeline.id}`
            : undefined;
    }
    projectPathOnce;
    /**
     * The project's path as given, or, for a numeric id, as the project API names it
     * (`path_with_namespace`: gitlabhq lib/api/entities/project_identity.rb, GET /projects/:id).
     */
    projectPath() {
        if (!/^\d+$/.test(this.gl.project))
            return Promise.resolve(this.gl.project);
        this.projectPathOnce ??= this.api
            .optional(ProjectIdentity, this.project, `GET project ${this.gl.project}`, [401, 403, 404])
            .then((r) => r.value?.path_with_namespace ?? undefined)
            .catch(() => undefined);
        return this.projectPathOnce;
    }
    async pipelineRun(pipeline) {
        const data = { pipelineId: pipeline.id };
        if (this.gl.job && this.jobById === undefined)
            data.jobName = this.gl.job;
        return { id: String(pipeline.id), url: await this.urlOf(pipeline), data };
    }
    /** After a lost answer to the create request: the newest pipeline on our ref created since we started. */
    async findTriggered() {
        if (this.jobById !== undefined || !this.gl.ref)
            return undefined;
        const since = new Date(this.ctx.startedAt - 60_000).toISOString();
        const list = await this.api.json(Pipeline.array(), 'GET', `${this.project}/pipelines?ref=${encodeURIComponent(this.gl.ref)}&order_by=id&sort=desc&per_page=20&updated_after=${encodeURIComponent(since)}`, 'GET pipelines');
        const mine = list.find((p) => (!p.source || p.source === (this.gl.triggerToken ? 'trigger' : 'api')) &&
            (!p.created_at || Date.parse(p.created_at) >= this.ctx.startedAt - 60_000));
        return mine ? this.pipelineRun(mine) : undefined;
    }
    async attach(id) {
        await this.requireJobInputs();
        return this.pipelineRun(await this.getPipeline(id));
    }
    async poll(run) {
        const data = run.data;
        if (data.jobName && !data.settled)
            return this.pollNamedJob(data);
        if (data.jobId !== undefined)
            return this.pollJob(data.jobId);
        this.tree ??= new PipelineTree({
            api: this.api,
            baseUrl: this.ctx.settings.url,
            warn: (m) => this.ctx.warn(m),
            seen: (gl, project) => this.seen.set(String(gl.id), { gl, project }),
            toJob: (gl, prefix) => this.toJob(gl, prefix)
        }, this.project, data.pipelineId);
        return this.tree.poll();
    }
    /** One job followed alone. */
    async pollJob(jobId) {
        const gl = await this.getJob(jobId);
        this.seen.set(String(gl.id), { gl, project: this.project });
        const job = this.toJob(gl);
        let conclusion = ENDED[gl.status];
        if (gl.status === 'manual')
            conclusion = 'blocked';
        if (conclusion)
            job.conclusion = conclusion;
        return { status: gl.status, conclusion, jobs: [job] };
    }
    /** The pipeline's job of that name: played once if manual, then followed alone. */
    async pollNamedJob(data) {
        const jobs = (await this.api.pages(Job, `${this.project}/pipelines/${data.pipelineId}/jobs`, `GET pipeline ${data.pipelineId} jobs`)) ?? [];
        const job = latestPerName(jobs.filter((j) => j.name === data.jobName))[0];
        if (!job) {
            const pipeline = await this.getPipeline(data.pipelineId);
            if (ENDED[pipeline.status] || pipeline.status === 'manual') {
                throw new errors/* RemoteError */.Hi(`Pipeline ${data.pipelineId} has no job named '${data.jobName}'.`);
            }
            return { status: pipeline.status, jobs: [] };
        }
        data.jobId = job.id;
        if (job.status === 'manual' && !data.played) {
            data.played = true;
            data.settled = true;
            const played = await this.play(job.id);
            data.jobId = played.id;
            this.ctx.note(`Played manual job ${played.name} (${played.id}).`);
            return this.pollJob(played.id);
        }
        // Still waiting for earlier stages: look it up by name again next time, so that it is
        // played once it turns manual.
        if (NOT_YET_RUN.includes(job.status))
            return { status: job.status, jobs: [this.toJob(job)] };
        data.settled = true;
        return this.pollJob(job.id);
    }
    toJob(gl, prefix = '') {
        return {
            key: String(gl.id),
            name: `${prefix}${gl.name}`,
            stage: gl.stage ?? undefined,
            status: gl.status,
            conclusion: ENDED[gl.status],
            url: gl.web_url ?? undefined,
            started: !!gl.started_at,
            startedAt: gl.started_at ?? undefined,
            finishedAt: gl.finished_at ?? undefined,
            duration: gl.duration ?? undefined,
            allowedToFail: gl.allow_failure === true || undefined
        };
    }
    projectOf(jobKey) {
        return this.seen.get(jobKey)?.project ?? this.project;
    }
    /** The trace is the whole log every time: skip what was already handed out. */
    async readLog(_run, job, cursor, sink) {
        // A trace cut short is fetched again from its start: what an earlier attempt handed out counts.
        let delivered = cursor;
        return this.api.http.stream(`${this.projectOf(job.key)}/jobs/${job.key}/trace`, { accept: [403, 404] }, async (res) => {
            if (res.status === 404 || res.status === 403) {
                res.body.resume();
                return delivered;
            }
            let offset = 0;
            for await (const chunk of res.body) {
                const end = offset + chunk.length;
                if (end > delivered) {
                    await sink(offset >= delivered ? chunk : chunk.subarray(delivered - offset));
                    delivered = end;
                }
                offset = end;
            }
            return delivered;
        });
    }
    async downloadArtifacts(_run, job, sink) {
        const seen = this.seen.get(job.key);
        if (!seen?.gl.artifacts_file)
            return;
        await sink.downloadZip(this.api.http, `${seen.project}/jobs/${job.key}/artifacts`, '', {
            accept: [404]
        });
    }
    async testReport(run) {
        return readTestReport(this.api, this.project, run.data.pipelineId);
    }
    async cancel(run) {
        const data = run.data;
        const http = this.api.http;
        if (data.jobId !== undefined) {
            await http.request('POST', `${this.project}/jobs/${data.jobId}/cancel`, { idempotent: true });
            return;
        }
        await http.request('POST', `${this.project}/pipelines/${data.pipelineId}/cancel`, { idempotent: true });
        for (const child of this.tree?.projects() ?? []) {
            await http
                .request('POST', `${child.project}/pipelines/${child.id}/cancel`, { idempotent: true })
                .catch(() => undefined);
        }
    }
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

export const id = 132;
export const ids = [132];
export const modules = {

/***/ 6132:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createGitLab: () => (/* binding */ createGitLab)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(452);

/** A job in these states has not run yet and may still turn `manual` (to be played). */
const NOT_YET_RUN = ['created', 'waiting_for_resource', 'scheduled'];
const ENDED = {
    success: 'success',
    failed: 'failed',
    canceled: 'canceled',
    skipped: 'skipped'
};
/** Pages of jobs asked for at once (GitLab's maximum). */
const PER_PAGE = 100;
function createGitLab(ctx) {
    return new GitLab(ctx);
}
class GitLab {
    ctx;
    logMode = 'whole';
    http;
    gl;
    project;
    /** Jobs last seen, by key, for artifact lookups. */
    seen = new Map();
    /** Child pipelines found through bridges: pipeline id → bridge name. */
    children = new Map();
    constructor(ctx) {
        this.ctx = ctx;
        const s = ctx.settings;
        this.gl = s.gitlab;
        this.http = ctx.httpFor({
            baseUrl: `${s.url}/api/v4/`,
            credentials: s.token ? { 'private-token': s.token } : {},
            serverName: 'GitLab'
        });
        this.project = `projects/${encodeURIComponent(this.gl.project)}`;
    }
    get jobById() {
        return this.gl.job && /^\d+$/.test(this.gl.job) ? Number(this.gl.job) : undefined;
    }
    async trigger() {
        const jobId = this.jobById;
        if (jobId !== undefined)
            return this.startJob(jobId);
        const vars = this.ctx.settings.variables;
        let pipeline;
        if (this.gl.triggerToken) {
            const form = { token: this.gl.triggerToken, ref: this.gl.ref };
            for (const [k, v] of Object.entries(vars))
                form[`variables[${k}]`] = v;
            pipeline = await this.http.json('POST', `${this.project}/trigger/pipeline`, { form });
        }
        else {
            pipeline = await this.http.json('POST', `${this.project}/pipeline`, {
                json: {
                    ref: this.gl.ref,
                    variables: Object.entries(vars).map(([key, value]) => ({ key, value, variable_type: 'env_var' }))
                }
            });
        }
        return this.pipelineRun(pipeline);
    }
    /** A numeric `job`: play it if manual, retry it if it has ended, else follow it. */
    async startJob(jobId) {
        let job = await this.http.json('GET', `${this.project}/jobs/${jobId}`);
        if (job.status === 'manual') {
            job = await this.play(job.id);
            this.ctx.note(`Played manual job ${job.name} (${job.id}).`);
        }
        else if (ENDED[job.status]) {
            job = await this.http.json('POST', `${this.project}/jobs/${jobId}/retry`);
            this.ctx.note(`Retried job ${job.name}: the new job is ${job.id}.`);
        }
        const pipelineId = job.pipeline?.id;
        if (!pipelineId)
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .RemoteError */ .Hi(`GitLab did not say which pipeline job ${job.id} belongs to.`);
        const pipeline = await this.http.json('GET', `${this.project}/pipelines/${pipelineId}`);
        return {
            id: String(pipeline.id),
            url: pipeline.web_url,
            data: { pipelineId, jobId: job.id, played: true }
        };
    }
    play(jobId) {
        const vars = Object.entries(this.ctx.settings.variables).map(([key, value]) => ({ key, value }));
        return this.http.json('POST', `${this.project}/jobs/${jobId}/play`, {
            json: vars.length ? { job_variables_attributes: vars } : {}
        });
    }
    pipelineRun(pipeline) {
        const data = { pipelineId: pipeline.id };
        if (this.gl.job && this.jobById === undefined)
            data.jobName = this.gl.job;
        return { id: String(pipeline.id), url: pipeline.web_url, data };
    }
    /** After a lost answer to the create request: the newest pipeline on our ref created since we started. */
    async findTriggered() {
        if (this.jobById !== undefined || !this.gl.ref)
            return undefined;
        const since = new Date(this.ctx.startedAt - 60_000).toISOString();
        const list = await this.http.json('GET', `${this.project}/pipelines?ref=${encodeURIComponent(this.gl.ref)}&order_by=id&sort=desc&per_page=20&updated_after=${encodeURIComponent(since)}`);
        const mine = list.find((p) => (!p.source || p.source === (this.gl.triggerToken ? 'trigger' : 'api')) &&
            (!p.created_at || Date.parse(p.created_at) >= this.ctx.startedAt - 60_000));
        return mine ? this.pipelineRun(mine) : undefined;
    }
    async attach(id) {
        const pipeline = await this.http.json('GET', `${this.project}/pipelines/${encodeURIComponent(id)}`);
        return this.pipelineRun(pipeline);
    }
    async poll(run) {
        const data = run.data;
        if (data.jobName && !data.settled)
            return this.pollNamedJob(run, data);
        if (data.jobId !== undefined)
            return this.pollJob(run, data.jobId);
        return this.pollPipeline(data.pipelineId);
    }
    /** One job followed alone. */
    async pollJob(run, jobId) {
        const gl = await this.http.json('GET', `${this.project}/jobs/${jobId}`);
        const job = this.toJob(gl);
        let conclusion = ENDED[gl.status];
        if (gl.status === 'manual')
            conclusion = 'blocked';
        if (conclusion)
            job.conclusion = conclusion;
        void run;
        return { status: gl.status, conclusion, jobs: [job] };
    }
    /** The pipeline's job of that name: played once if manual, then followed alone. */
    async pollNamedJob(run, data) {
        const jobs = await this.pages(`${this.project}/pipelines/${data.pipelineId}/jobs`);
        const job = jobs.filter((j) => j.name === data.jobName).sort((a, b) => b.id - a.id)[0];
        if (!job) {
            const pipeline = await this.http.json('GET', `${this.project}/pipelines/${data.pipelineId}`);
            if (ENDED[pipeline.status] || pipeline.status === 'manual') {
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .RemoteError */ .Hi(`Pipeline ${data.pipelineId} has no job named '${data.jobName}'.`);
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
            return this.pollJob(run, played.id);
        }
        // Still waiting for earlier stages: look it up by name again next time, so that it is
        // played once it turns manual.
        if (NOT_YET_RUN.includes(job.status))
            return { status: job.status, jobs: [this.toJob(job)] };
        data.settled = true;
        return this.pollJob(run, job.id);
    }
    /** The whole pipeline, child pipelines included. */
    async pollPipeline(pipelineId) {
        const pipeline = await this.http.json('GET', `${this.project}/pipelines/${pipelineId}`);
        const jobs = [];
        let childrenDone = true;
        const visit = async (projectPath, id, prefix) => {
            const own = await this.pages(`${projectPath}/pipelines/${id}/jobs`);
            jobs.push(...own.sort((a, b) => a.id - b.id).map((j) => this.toJob(j, prefix)));
            const bridges = await this.pages(`${projectPath}/pipelines/${id}/bridges`);
            for (const bridge of bridges.sort((a, b) => a.id - b.id)) {
                const child = bridge.downstream_pipeline;
                if (!child) {
                    if (!ENDED[bridge.status])
                        childrenDone = false;
                    continue;
                }
                this.children.set(child.id, { name: bridge.name, projectId: child.project_id });
                const childProject = `projects/${child.project_id}`;
                const status = (await this.http.json('GET', `${childProject}/pipelines/${child.id}`))
                    .status;
                if (!ENDED[status] && status !== 'manual')
                    childrenDone = false;
                await visit(childProject, child.id, `${prefix}${bridge.name}.`);
            }
        };
        await visit(this.project, pipelineId, '');
        let conclusion = ENDED[pipeline.status];
        if (pipeline.status === 'manual')
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
        return { status: pipeline.status, conclusion, jobs };
    }
    toJob(gl, prefix = '') {
        const key = String(gl.id);
        this.seen.set(key, gl);
        return {
            key,
            name: `${prefix}${gl.name}`,
            stage: gl.stage,
            status: gl.status,
            conclusion: ENDED[gl.status],
            url: gl.web_url,
            started: !!gl.started_at,
            startedAt: gl.started_at ?? undefined,
            finishedAt: gl.finished_at ?? undefined,
            duration: gl.duration ?? undefined
        };
    }
    /** Every page of a list, following X-Next-Page. */
    async pages(path) {
        const all = [];
        for (let page = '1'; page;) {
            const res = await this.http.jsonResponse('GET', `${path}?per_page=${PER_PAGE}&page=${page}`);
            all.push(...(res.body ?? []));
            const next = res.headers['x-next-page'];
            page = typeof next === 'string' && next !== page ? next : '';
        }
        return all;
    }
    projectOf(jobKey) {
        const gl = this.seen.get(jobKey);
        const child = gl?.pipeline ? this.children.get(gl.pipeline.id) : undefined;
        return child ? `projects/${child.projectId}` : this.project;
    }
    /** The trace is the whole log every time: skip what was already handed out. */
    async readLog(_run, job, cursor, sink) {
        // A trace cut short is fetched again from its start: what an earlier attempt handed out counts.
        let delivered = cursor;
        return this.http.stream(`${this.projectOf(job.key)}/jobs/${job.key}/trace`, { accept: [404] }, async (res) => {
            if (res.status === 404) {
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
        const gl = this.seen.get(job.key);
        if (!gl?.artifacts_file)
            return;
        await sink.downloadZip(this.http, `${this.projectOf(job.key)}/jobs/${job.key}/artifacts`, '', {
            accept: [404]
        });
    }
    async cancel(run) {
        const data = run.data;
        if (data.jobId !== undefined) {
            await this.http.request('POST', `${this.project}/jobs/${data.jobId}/cancel`, { idempotent: true });
            return;
        }
        await this.http.request('POST', `${this.project}/pipelines/${data.pipelineId}/cancel`, {
            idempotent: true
        });
        for (const [id, child] of this.children) {
            await this.http
                .request('POST', `projects/${child.projectId}/pipelines/${id}/cancel`, { idempotent: true })
                .catch(() => undefined);
        }
    }
}


/***/ })

};

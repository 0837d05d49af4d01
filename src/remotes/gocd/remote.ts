/**
 * GoCD: schedule a pipeline, find the run GoCD creates for it, follow its stages, stream
 * each job's console by lines, fetch artifacts (folders as zips), cancel running stages.
 * The server's behaviour this relies on is in PROTOCOLS.md, "GoCD".
 */
import type { Http } from '../../transport/http.js';
import { sleep } from '../../core/deadline.js';
import { DeadlineError, RemoteError } from '../../core/errors.js';
import type { ArtifactSink } from '../../artifacts/store.js';
import { expectShape } from '../../transport/shape.js';
import type { Remote, RemoteContext } from '../remote.js';
import type { Conclusion, Job, LogSink, Run, Snapshot } from '../../core/run.js';
import { GoCDApi } from './api.js';
import { artifactListSchema, type ArtifactEntry, type GoCDHistoryRun, type GoCDStage } from './shapes.js';
import { FINISHED_STAGE, jobConclusion, stagesOutcome, withStatus } from './stages.js';
import { pickRun, type Sent } from './claim.js';

export { jobConclusion, stageState } from './stages.js';

/** Job states in which the agent may have written to the console. */
const STARTED_JOB = ['Preparing', 'Building', 'Completing', 'Completed'];
/** The console folder GoCD keeps with every job; it is already saved as the job's log. */
const CONSOLE_FOLDER = 'cruise-output';
/** Past this many selected files in one folder, one zip beats a request per file. */
const ZIP_FOLDER_FILES = 20;
/** How long a run that was not forced by us may sit above the snapshot before we take it. */
const FOREIGN_RUN_WAIT_MS = 30_000;

/** What Run.data holds for GoCD (JSON, saved for the post step). */
interface GoCDRunData {
  pipeline: string;
  counter: number;
}

/** `https://host` and `https://host/go` both name the server; /go appears once. */
export function gocdRoot(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/go$/i, '');
}

const seg = (s: string | number): string => encodeURIComponent(String(s));

export function createGoCD(ctx: RemoteContext): Remote {
  const { settings } = ctx;
  const gocd = settings.gocd;
  if (!gocd) throw new RemoteError(`ci-relay was started for GoCD without GoCD settings.`);
  const pipeline = gocd.pipeline;
  const root = gocdRoot(settings.url);
  const credentials: Record<string, string> = {};
  if (settings.token) credentials.authorization = `Bearer ${settings.token}`;
  else if (settings.username !== undefined && settings.password !== undefined) {
    credentials.authorization = `Basic ${Buffer.from(`${settings.username}:${settings.password}`).toString('base64')}`;
  }
  const http: Http = ctx.httpFor({ baseUrl: `${root}/go/`, credentials, serverName: 'GoCD' });
  const grace = Math.max(10_000, 2 * settings.pollIntervalMs);

  /** The highest counter seen before scheduling; undefined until trigger() reads it. */
  let snapshot: number | undefined;
  /** When each run was first seen waiting on an unscheduled stage, by `counter/stage`. */
  const waitingSince = new Map<string, number>();

  const api = new GoCDApi(http, pipeline);

  const makeRun = (counter: number): Run => {
    const data: GoCDRunData = { pipeline, counter };
    return {
      id: `${pipeline}/${counter}`,
      url: `${root}/go/pipelines/value_stream_map/${seg(pipeline)}/${counter}`,
      data: { ...data }
    };
  };

  const runData = (run: Run): GoCDRunData => {
    const counter = Number(run.data.counter);
    const name = typeof run.data.pipeline === 'string' ? run.data.pipeline : pipeline;
    if (!Number.isInteger(counter) || counter <= 0) {
      throw new RemoteError(`The saved GoCD run '${run.id}' has no pipeline counter.`);
    }
    return { pipeline: name, counter };
  };

  /** Runs of the pipeline with a counter above `above`, newest first (all pages needed). */
  async function historyAbove(above: number): Promise<GoCDHistoryRun[]> {
    const found: GoCDHistoryRun[] = [];
    let query = 'page_size=10';
    for (let page = 0; page < 20; page++) {
      const res = await api.history(query);
      const runs = res.pipelines;
      found.push(...runs.filter((r) => r.counter > above));
      const next = res._links?.next?.href;
      if (!runs.length || !next || runs.some((r) => r.counter <= above)) break;
      // The link names GoCD's configured site URL, which may differ from ours: keep only its query.
      const after = new URL(next, http.resolve('')).searchParams;
      if (![...after.keys()].length) break;
      after.set('page_size', '10');
      query = after.toString();
    }
    return found;
  }

  async function highestCounter(): Promise<number> {
    const res = await api.history('page_size=10');
    return Math.max(0, ...res.pipelines.map((r) => r.counter));
  }

  /** What this relay's schedule asked for: the evidence its run is claimed by (claim.ts). */
  const sent: Sent = {
    materials: gocd.materials,
    username: settings.username && !settings.token ? settings.username : undefined
  };

  async function waitForRun(above: number, maxMs: number, explain = false): Promise<Run | undefined> {
    const started = Date.now();
    let firstForeign: number | undefined;
    let delay = 500;
    let explained = !explain;
    for (;;) {
      const runs = await historyAbove(above);
      if (!runs.length && !explained && Date.now() - started >= grace) {
        explained = true;
        ctx.note(
          `GoCD accepted the request ${Math.round((Date.now() - started) / 1000)}s ago, but no run of ${pipeline} has appeared yet. ` +
            `A 202 from GoCD is no promise: a failed material update, or nothing new to build, shows only in GoCD's server-health messages ` +
            `(the Errors and Warnings in GoCD's header). ci-relay keeps looking until the timeout.`
        );
      }
      if (runs.length && firstForeign === undefined) firstForeign = Date.now();
      const acceptForeign = firstForeign !== undefined && Date.now() - firstForeign >= FOREIGN_RUN_WAIT_MS;
      const picked = pickRun(runs, sent, acceptForeign);
      if (picked) {
        const { run: found, alike, claim } = picked;
        if (claim === 'foreign') {
          ctx.note(
            `GoCD shows no run of ${pipeline} forced by ${settings.username ?? 'us'}; following ${pipeline}/${found.counter}, the first after the request.`
          );
        } else if (alike.length) {
          ctx.warn(
            `GoCD cannot tell which run of ${pipeline} this schedule created: ${[found.counter, ...alike].map((c) => `${pipeline}/${c}`).join(', ')} were forced by the same user${
              claim === 'pinned' ? ' with the same material revisions' : ''
            }; following ${pipeline}/${found.counter}. Another relay may follow the same run: pin 'materials' to tell them apart.`
          );
        }
        return makeRun(found.counter);
      }
      // No guess at the deadline: following (and maybe cancelling) someone else's run is worse.
      if (Date.now() - started >= maxMs) return undefined;
      await sleep(delay, ctx.signal);
      delay = Math.min(Math.round(delay * 1.5), settings.pollIntervalMs);
    }
  }

  function toJobs(run: GoCDRunData, stages: GoCDStage[]): Job[] {
    const jobs: Job[] = [];
    for (const stage of stages) {
      if (!stage.scheduled) continue;
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
  async function conclude(
    run: GoCDRunData,
    stages: (GoCDStage & { status: string })[]
  ): Promise<Conclusion | undefined> {
    const outcome = stagesOutcome(stages);
    if (typeof outcome !== 'object') return outcome;
    const next = outcome.waitingOn;
    const configured = (await api.stageApprovals())?.get(next.name);
    if (configured === 'manual') return 'blocked';
    if (configured === 'success') return undefined;
    const key = `${run.counter}/${next.name}`;
    const since = waitingSince.get(key) ?? Date.now();
    waitingSince.set(key, since);
    return Date.now() - since >= grace ? 'blocked' : undefined;
  }

  function parseJobKey(job: Job): { stage: string; stageCounter: string; name: string } {
    const [stage, stageCounter, ...rest] = job.key.split('/');
    return { stage, stageCounter, name: rest.join('/') };
  }

  const jobPath = (run: GoCDRunData, job: Job): string => {
    const j = parseJobKey(job);
    return `files/${[run.pipeline, run.counter, j.stage, j.stageCounter, j.name].map(seg).join('/')}`;
  };

  async function fetchFolderZip(sink: ArtifactSink, urlPath: string, folder: string): Promise<void> {
    // GoCD zips a folder with its own name as the root of every entry (`dist/app.jar`), so the
    // entries land under the folder's parent.
    const parent = folder.includes('/') ? folder.slice(0, folder.lastIndexOf('/')) : '';
    let delay = 500;
    for (let attempt = 1; ; attempt++) {
      const res = await sink.downloadZip(http, urlPath, parent, { accept: [202] });
      if (res.status !== 202) return;
      if (attempt >= 60) {
        throw new RemoteError(
          `GoCD was still preparing the zip of the artifact folder '${folder}' after ${attempt} requests.`
        );
      }
      await sleep(delay, ctx.signal);
      delay = Math.min(delay * 2, 5_000);
    }
  }

  /** GoCD lists a job's whole tree, so what the globs select is known before any download. */
  const selectedFiles = (entry: ArtifactEntry, at: string, sink: ArtifactSink): string[] =>
    (entry.files ?? []).flatMap((child) => {
      const p = `${at}/${child.name}`;
      if (child.type === 'folder' || child.files) return selectedFiles(child, p, sink);
      return sink.selects(p) ? [p] : [];
    });

  /** A selected folder comes as one zip; otherwise the selected files one by one (many: the zip). */
  async function fetchEntry(
    base: string,
    entry: ArtifactEntry,
    at: string,
    sink: ArtifactSink
  ): Promise<void> {
    const urlPath = `${base}/${at.split('/').map(seg).join('/')}`;
    if (entry.type !== 'folder' && !entry.files) {
      if (sink.selects(at)) await sink.downloadFile(http, urlPath, at);
      return;
    }
    const files = selectedFiles(entry, at, sink);
    if (!files.length) return;
    if (sink.selects(at) || files.length > ZIP_FOLDER_FILES)
      return fetchFolderZip(sink, `${urlPath}.zip`, at);
    for (const file of files) {
      await sink.downloadFile(http, `${base}/${file.split('/').map(seg).join('/')}`, file);
    }
  }

  /** The console folder is the job log; fetch it only when a glob names it. */
  const wantsConsoleFolder = settings.artifacts.some(
    (g) => g.replace(/^\.\//, '').split('/')[0].toLowerCase() === CONSOLE_FOLDER
  );

  return {
    logMode: 'incremental',

    async trigger(): Promise<Run> {
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
      const noRun = new DeadlineError(
        `GoCD accepted the request to schedule pipeline ${pipeline}, but no run of it appeared within ${Math.round(settings.timeoutMs / 1000)}s; ci-relay does not schedule twice: check GoCD`
      );
      let run: Run | undefined;
      try {
        run = await waitForRun(snapshot, left, true);
      } catch (err) {
        throw err instanceof DeadlineError ? noRun : err;
      }
      if (!run) throw noRun;
      return run;
    },

    async findTriggered(): Promise<Run | undefined> {
      if (snapshot === undefined) return undefined;
      return waitForRun(snapshot, grace);
    },

    async attach(id: string): Promise<Run> {
      const counter = Number(id);
      if (!Number.isInteger(counter) || counter <= 0) {
        throw new RemoteError(`'${id}' is not a GoCD pipeline counter.`);
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
    async poll(run: Run): Promise<Snapshot> {
      const data = runData(run);
      const stages = withStatus((await api.instance(data.counter, data.pipeline)).stages);
      const jobs = toJobs(data, stages);
      const conclusion = await conclude(data, stages);
      const status = [...stages].reverse().find((s) => s.scheduled)?.status ?? 'Unknown';
      return conclusion ? { status, conclusion, jobs } : { status, jobs };
    },

    async readLog(run: Run, job: Job, cursor: number, sink: LogSink): Promise<number> {
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
        let pending: Buffer[] = [];
        const hand = async (buf: Buffer): Promise<void> => {
          let start = 0;
          while (skip > 0 && start < buf.length) {
            const nl = buf.indexOf(10, start);
            if (nl < 0) return;
            start = nl + 1;
            skip--;
          }
          const out = buf.subarray(start);
          if (!out.length) return;
          let lines = 0;
          for (let i = out.indexOf(10); i >= 0; i = out.indexOf(10, i + 1)) lines++;
          delivered += lines;
          await sink(out);
        };
        for await (const chunk of res.body as AsyncIterable<Buffer>) {
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

    async downloadArtifacts(run: Run, job: Job, sink: ArtifactSink): Promise<void> {
      const data = runData(run);
      const base = jobPath(data, job);
      // A job without artifacts may answer 404, and not necessarily with JSON; a list that is
      // not JSON is asked for again, like any read.
      const res = await http.jsonResponse<unknown>('GET', `${base}.json`, { accept: [404] });
      if (res.status === 404 || res.body === null) return;
      const listing = expectShape(artifactListSchema, res.body, {
        system: 'GoCD',
        call: `GET /go/${base}.json`
      });
      for (const entry of listing) {
        if (entry.name === CONSOLE_FOLDER && !wantsConsoleFolder) continue;
        await fetchEntry(base, entry, entry.name, sink);
      }
    },

    async cancel(run: Run): Promise<void> {
      const data = runData(run);
      let running: GoCDStage[] = [];
      // Between two stages nothing runs for a moment, and then the next one starts: look again.
      for (let look = 0; look < 3; look++) {
        if (look) await new Promise((resolve) => setTimeout(resolve, 1500));
        const stages = withStatus((await api.instance(data.counter, data.pipeline)).stages);
        running = stages.filter((s) => s.scheduled && !FINISHED_STAGE.includes(s.status));
        const scheduled = stages.filter((s) => s.scheduled);
        const betweenStages =
          scheduled.length > 0 &&
          scheduled.length < stages.length &&
          scheduled.every((s) => s.status === 'Passed');
        if (running.length || !betweenStages) break;
      }
      const failures: string[] = [];
      for (const stage of running) {
        try {
          const message = await api.cancelStage({
            pipeline: data.pipeline,
            counter: data.counter,
            stage: stage.name,
            stageCounter: String(stage.counter ?? '1')
          });
          ctx.note(
            `Cancelled GoCD stage ${stage.name} of ${data.pipeline}/${data.counter}: ${message ?? 'done'}`
          );
        } catch (err) {
          if (!(err instanceof RemoteError)) throw err;
          failures.push(err.message);
        }
      }
      if (failures.length) throw new RemoteError(failures.join('; '));
    }
  };
}

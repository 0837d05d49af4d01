/**
 * `/go/files/…` as GoCD's ArtifactsController serves it: the job's artifact list (a top-level
 * array, or one object as GoCD's docs show it), files, consoles read from `startLineNumber`,
 * and folders as zips that answer 202 while GoCD builds them.
 */
import type * as http from 'node:http';
import yazl from 'yazl';
import { sendJson, sendText, type SimRequest } from '../server.js';
import type { JobView, SimRunState, SimStage, World } from './model.js';

export interface FilesOptions {
  zipPending: number;
  partialLines: boolean;
  singleObjectListing: boolean;
  baseUrl(): string;
  /** Counts console bytes served. */
  countConsole(bytes: number): void;
}

export class Files {
  private readonly zipAsks = new Map<string, number>();

  constructor(
    private readonly world: World,
    private readonly opts: FilesOptions
  ) {}

  /** /go/files/:p/:counter/:stage/:sc/:job(.json | /path…) */
  serve(req: SimRequest, res: http.ServerResponse, p: string[]): void {
    const { world } = this;
    const [pipeline, counter, stage, sc] = p;
    const notFound = (): void => sendText(res, 404, 'The artifact you are looking for does not exist.');
    if (p.length < 5 || !world.pipelines[pipeline] || !/^\d+$/.test(counter) || sc !== '1') return notFound();
    const run = world.findRun(pipeline, Number(counter));
    const stageIndex = world.pipelines[pipeline].stages.findIndex((s) => s.name === stage);
    if (!run || stageIndex < 0) return notFound();
    const sv = world.view(run)[stageIndex];
    const listing = p.length === 5 && p[4].endsWith('.json');
    const jobName = listing ? p[4].slice(0, -'.json'.length) : p[4];
    const job = sv.jobs.find((j) => j.def.name === jobName);
    if (!sv.scheduled || !job) return notFound();
    const console = job.state === 'Building' || job.state === 'Completed';
    const tree = this.artifactTree(run, sv.def, job);
    const base = `${this.opts.baseUrl()}/go/files/${[pipeline, counter, stage, sc, jobName].map(encodeURIComponent).join('/')}`;
    if (listing) {
      const entries = console ? listingJson(tree, base, '') : [];
      if (this.opts.singleObjectListing) {
        const first =
          entries.find((e) => (e as { name: string }).name !== 'cruise-output') ?? entries[0] ?? {};
        return sendJson(res, 200, first);
      }
      return sendJson(res, 200, entries);
    }
    const rel = p.slice(5).join('/');
    if (rel === 'cruise-output/console.log') return this.serveConsole(req, res, run, sv.def, job);
    if (job.state !== 'Completed') return notFound();
    const file = tree.get(rel);
    if (file !== undefined) return sendText(res, 200, file, { 'content-type': 'application/octet-stream' });
    if (rel.endsWith('.zip')) {
      const folder = rel.slice(0, -'.zip'.length);
      const inside = [...tree.keys()].filter((k) => k.startsWith(`${folder}/`));
      if (inside.length)
        return this.serveZip(
          res,
          `${run.pipeline}/${run.counter}/${stage}/${jobName}/${folder}`,
          folder,
          inside,
          tree
        );
    }
    return notFound();
  }

  /** Every file of a job: its artifacts once it has completed, and the console folder. */
  private artifactTree(run: SimRunState, stage: SimStage, job: JobView): Map<string, string | Buffer> {
    const tree = new Map<string, string | Buffer>();
    tree.set(
      'cruise-output/console.log',
      this.world.revealedConsole(run, stage, job, 0, this.opts.partialLines)
    );
    tree.set('cruise-output/md5.checksum', '');
    if (job.state === 'Completed') {
      for (const [path, content] of Object.entries(job.def.artifacts ?? {})) tree.set(path, content);
    }
    return tree;
  }

  private serveConsole(
    req: SimRequest,
    res: http.ServerResponse,
    run: SimRunState,
    stage: SimStage,
    job: JobView
  ): void {
    if (job.state !== 'Building' && job.state !== 'Completed') {
      return sendText(res, 404, 'The console log is not available yet.');
    }
    const from = Math.max(0, Number(req.query.get('startLineNumber') ?? 0) || 0);
    const body = Buffer.from(
      this.world.revealedConsole(run, stage, job, from, this.opts.partialLines),
      'utf8'
    );
    this.opts.countConsole(body.length);
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length });
    // In pieces, as a big console would arrive.
    for (let i = 0; i < body.length; i += 64 * 1024) res.write(body.subarray(i, i + 64 * 1024));
    res.end();
  }

  private serveZip(
    res: http.ServerResponse,
    key: string,
    folder: string,
    inside: string[],
    tree: Map<string, string | Buffer>
  ): void {
    const asked = (this.zipAsks.get(key) ?? 0) + 1;
    this.zipAsks.set(key, asked);
    if (asked <= this.opts.zipPending) {
      res.writeHead(202, { 'content-length': 0 });
      res.end();
      return;
    }
    // Like GoCD's ZipUtil: every entry under the folder's own name, sub-folders as entries too.
    const root = folder.split('/').pop() as string;
    const zip = new yazl.ZipFile();
    const dirs = new Set<string>();
    for (const path of inside) {
      const parts = path.slice(folder.length + 1).split('/');
      for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
    }
    for (const d of [...dirs].sort()) zip.addEmptyDirectory(`${root}/${d}/`);
    for (const path of inside) {
      const content = tree.get(path) as string | Buffer;
      zip.addBuffer(
        Buffer.isBuffer(content) ? content : Buffer.from(content),
        `${root}/${path.slice(folder.length + 1)}`
      );
    }
    zip.end();
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => {
      const body = Buffer.concat(chunks);
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': body.length });
      res.end(body);
    });
  }
}

function listingJson(tree: Map<string, string | Buffer>, base: string, under: string): unknown[] {
  const names = new Map<string, boolean>();
  for (const path of tree.keys()) {
    if (under && !path.startsWith(`${under}/`)) continue;
    const rest = under ? path.slice(under.length + 1) : path;
    const [first, ...more] = rest.split('/');
    names.set(first, (names.get(first) ?? false) || more.length > 0);
  }
  return [...names.entries()].map(([name, isFolder]) => {
    const path = under ? `${under}/${name}` : name;
    const url = `${base}/${path.split('/').map(encodeURIComponent).join('/')}`;
    return isFolder
      ? { name, url, type: 'folder', files: listingJson(tree, base, path) }
      : { name, url, type: 'file' };
  });
}

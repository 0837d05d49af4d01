/**
 * GitLab's REST v4 as ci-relay calls it: every JSON answer goes through expectShape, so a wrong
 * shape is one sentence naming GitLab and the call.
 */
import { RemoteError } from '../../core/errors.js';
import type { Http, RequestOpts } from '../../transport/http.js';
import { expectShape, z } from '../../transport/shape.js';

/** Pages of a list asked for at once (GitLab's maximum). */
const PER_PAGE = 100;
/**
 * Most pages of one list read: 100 pages of 100 is 10,000 items, far past the jobs of any
 * real pipeline, or the pipelines ci-relay looks through. A server that always names a next page (a proxy
 * rewriting headers, a hostile server) would otherwise be read without end.
 */
export const MAX_PAGES = 100;
/** Most items of one list, however many a page holds (a server ignoring per_page). */
export const MAX_ITEMS = MAX_PAGES * PER_PAGE;

export class GitLabApi {
  constructor(readonly http: Http) {}

  /** A JSON answer of this shape; `call` names it for the user ("GET pipeline 42"). */
  async json<S extends z.ZodType>(
    schema: S,
    method: string,
    path: string,
    call: string,
    opts: RequestOpts = {}
  ): Promise<z.output<S>> {
    const body = await this.http.json<unknown>(method, path, opts);
    return expectShape(schema, body, { system: 'GitLab', call });
  }

  /** Like json, but a status in `absent` (404: no such route or record on this server) is undefined. */
  async optional<S extends z.ZodType>(
    schema: S,
    path: string,
    call: string,
    absent: number[] = [404]
  ): Promise<{ value?: z.output<S>; status: number }> {
    const res = await this.http.jsonResponse<unknown>('GET', path, { accept: absent });
    if (absent.includes(res.status)) return { status: res.status };
    return { value: expectShape(schema, res.body, { system: 'GitLab', call }), status: res.status };
  }

  /**
   * Every page of a list, following X-Next-Page; undefined when the first page answered a status
   * in `absent` (a route this server lacks).
   */
  async pages<S extends z.ZodType>(
    item: S,
    path: string,
    call: string,
    absent: number[] = []
  ): Promise<z.output<S>[] | undefined> {
    const list = z.array(item);
    const all: z.output<S>[] = [];
    let pages = 0;
    for (let page = '1'; page;) {
      const res = await this.http.jsonResponse<unknown>('GET', `${path}?per_page=${PER_PAGE}&page=${page}`, {
        accept: absent
      });
      if (absent.includes(res.status)) return page === '1' ? undefined : all;
      const items = expectShape(list, res.body, { system: 'GitLab', call });
      if (all.length + items.length > MAX_ITEMS) {
        throw new RemoteError(
          `GitLab's list (${call}) passed ${MAX_ITEMS} items (page ${pages + 1} held ${items.length}); ci-relay reads at most ${MAX_ITEMS} items of a list, more than any real one holds, and stopped there.`
        );
      }
      all.push(...items);
      pages++;
      const next = res.headers['x-next-page'];
      page = typeof next === 'string' && next !== page ? next : '';
      if (page && pages >= MAX_PAGES) throw endless(call, all.length, pages);
    }
    return all;
  }
}

function endless(call: string, items: number, pages: number): RemoteError {
  return new RemoteError(
    `GitLab's list (${call}) did not end: after ${pages} pages and ${items} items it still named a next page (X-Next-Page); ci-relay reads at most ${MAX_PAGES} pages of ${PER_PAGE} (${MAX_ITEMS} items) of a list, more than any real one holds, and stopped there.`
  );
}

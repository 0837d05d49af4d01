/**
 * GitLab's REST v4 as ci-relay calls it: every JSON answer goes through expectShape, so a wrong
 * shape is one sentence naming GitLab and the call.
 */
import type { Http, RequestOpts } from '../../transport/http.js';
import { expectShape, z } from '../../transport/shape.js';

/** Pages of a list asked for at once (GitLab's maximum). */
const PER_PAGE = 100;

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
    for (let page = '1'; page;) {
      const res = await this.http.jsonResponse<unknown>('GET', `${path}?per_page=${PER_PAGE}&page=${page}`, {
        accept: absent
      });
      if (absent.includes(res.status)) return page === '1' ? undefined : all;
      all.push(...expectShape(list, res.body, { system: 'GitLab', call }));
      const next = res.headers['x-next-page'];
      page = typeof next === 'string' && next !== page ? next : '';
    }
    return all;
  }
}

import { randomBytes } from 'node:crypto';
import type * as http from 'node:http';
import { sendText, type SimRequest } from '../server.js';

// ---------------------------------------------------------------------------------------------
// Request helpers

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
}

export const badRequest = (error: string): HttpError => new HttpError(400, { error });
export const notFound = (what?: string): HttpError =>
  new HttpError(404, { message: what ? `404 ${what} Not Found` : '404 Not Found' });
export const recordNotFound = (): HttpError => new HttpError(404, { message: '404 Not found' });

export type Params = Record<string, unknown>;

/** Rack-style nested parameters: `a[b]=1`, `a[]=1`, `a[][k]=1&a[][v]=2`. */
export function nestParams(pairs: Iterable<[string, string]>): Params {
  const out: Params = {};
  for (const [key, value] of pairs) {
    const m = /^([^[\]]+)((?:\[[^\]]*\])*)$/.exec(key);
    if (!m) {
      out[key] = value;
      continue;
    }
    const parts = [m[1], ...[...m[2].matchAll(/\[([^\]]*)\]/g)].map((x) => x[1])];
    assignNested(out, parts, value);
  }
  return out;
}

function assignNested(obj: Params, parts: string[], value: string): void {
  const [head, ...rest] = parts;
  if (rest.length === 0) {
    obj[head] = value;
    return;
  }
  if (rest[0] === '') {
    const arr = Array.isArray(obj[head]) ? (obj[head] as unknown[]) : (obj[head] = []);
    if (rest.length === 1) {
      arr.push(value);
      return;
    }
    const sub = rest.slice(1);
    let last = arr[arr.length - 1] as Params | undefined;
    if (!last || typeof last !== 'object' || sub[0] in last) {
      last = {};
      arr.push(last);
    }
    assignNested(last, sub, value);
    return;
  }
  const next = obj[head] && typeof obj[head] === 'object' ? (obj[head] as Params) : (obj[head] = {});
  assignNested(next as Params, rest, value);
}

function parseMultipart(body: Buffer, boundary: string): [string, string][] {
  const out: [string, string][] = [];
  const text = body.toString('latin1');
  for (const part of text.split(`--${boundary}`)) {
    const sep = part.indexOf('\r\n\r\n');
    if (sep < 0) continue;
    const head = part.slice(0, sep);
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    if (name === undefined) continue;
    const value = part.slice(sep + 4).replace(/\r\n$/, '');
    out.push([name, Buffer.from(value, 'latin1').toString('utf8')]);
  }
  return out;
}

/** Grape merges the query string and the body (JSON, form or multipart) into `params`. */
export function readParams(req: SimRequest): Params {
  const params: Params = nestParams(req.query.entries());
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (req.body.length === 0) return params;
  if (type.includes('json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(req.body.toString('utf8'));
    } catch {
      throw badRequest('The provided content-type is application/json but the body is not valid JSON');
    }
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) Object.assign(params, parsed);
    return params;
  }
  if (type.includes('multipart/form-data')) {
    const boundary = /boundary="?([^";]+)"?/i.exec(String(req.headers['content-type']))?.[1];
    if (boundary) Object.assign(params, nestParams(parseMultipart(req.body, boundary)));
    return params;
  }
  Object.assign(params, nestParams(new URLSearchParams(req.body.toString('utf8')).entries()));
  return params;
}

export function requireString(params: Params, name: string): string {
  const v = params[name];
  if (v === undefined || v === null || v === '') throw badRequest(`${name} is missing`);
  if (typeof v !== 'string') throw badRequest(`${name} is invalid`);
  return v;
}

export function intParam(raw: string, name: string): number {
  if (!/^\d+$/.test(raw)) throw badRequest(`${name} is invalid`);
  return Number(raw);
}

export function decodeSegment(seg: string): string {
  try {
    return decodeURIComponent(seg);
  } catch {
    throw new HttpError(404, { error: '404 Not Found' });
  }
}

export function sendS3Error(
  res: http.ServerResponse,
  status: number,
  code: string,
  message: string,
  extra = '',
  headers: http.OutgoingHttpHeaders = {}
): void {
  const id = randomBytes(8).toString('hex').toUpperCase();
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${code}</Code><Message>${message}</Message>${extra}<RequestId>${id}</RequestId>` +
    `<HostId>${randomBytes(24).toString('base64')}</HostId></Error>`;
  sendText(res, status, xml, { 'content-type': 'application/xml', 'x-amz-request-id': id, ...headers });
}

export const xmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JSON answers: reading a body whole, telling the API's JSON from a page that is not the API, and the server's own message. */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { header } from './budget.js';

/** Pulls the server's own message out of an error body: JSON `message`, `error`, … or the text. */
export function serverMessage(body: Buffer | string): string {
  const text = body.toString().trim();
  if (!text) return '';
  try {
    const data = JSON.parse(text) as unknown;
    const found = findMessage(data);
    if (found) return found;
  } catch {
    // not JSON: the text itself
  }
  const plain = text
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > 500 ? `${plain.slice(0, 500)}…` : plain;
}

function findMessage(data: unknown): string | undefined {
  if (typeof data === 'string') return data;
  if (Array.isArray(data)) return data.map(findMessage).filter(Boolean).join('; ') || undefined;
  if (data && typeof data === 'object') {
    const obj = data as Record<string, unknown>;
    for (const key of ['message', 'Message', 'error', 'Error', 'title', 'error_description', 'errors']) {
      if (obj[key] === undefined || obj[key] === null) continue;
      const value = obj[key];
      if (typeof value === 'object' && !Array.isArray(value)) {
        // GitLab: {"message": {"base": ["reference not found"]}}
        const parts = Object.entries(value as Record<string, unknown>).map(
          ([k, v]) => (k === 'base' ? '' : `${k} `) + (findMessage(v) ?? JSON.stringify(v))
        );
        if (parts.length) return parts.join('; ');
      }
      const found = findMessage(value);
      if (found) return found;
    }
  }
  return undefined;
}

/** What a 2xx that should be JSON is instead, when it is plainly not the API (`undefined`: JSON, broken). */
export function notTheApi(headers: IncomingHttpHeaders, body: Buffer): string | undefined {
  const type = (header(headers, 'content-type') ?? '').toLowerCase();
  const start = body.subarray(0, 512).toString('utf8').trimStart().toLowerCase();
  if (type.includes('html') || start.startsWith('<!doctype html') || start.startsWith('<html'))
    return 'an HTML page';
  if (type.includes('json') || /^[[{"]/.test(start)) return undefined;
  return `something else (${type || 'no content type'})`;
}

/** A body read whole; one shorter than its Content-Length is a broken connection (retried as one). */
export async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
    length += (chunk as Buffer).length;
  }
  const expected = header(stream.headers, 'content-length');
  // A HEAD's Content-Length is the size its GET would have: no body comes (RFC 9110, 9.3.2).
  const head = (stream as { req?: { method?: string } }).req?.method === 'HEAD';
  if (expected !== undefined && Number(expected) !== length && stream.statusCode !== 304 && !head) {
    throw Object.assign(new Error(`aborted: expected ${expected} bytes, got ${length}`), {
      code: 'ECONNRESET'
    });
  }
  return Buffer.concat(chunks, length);
}

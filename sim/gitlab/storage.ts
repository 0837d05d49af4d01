/**
 * The "object storage" behind GitLab's artifact downloads: GitLab answers a 302 to a pre-signed
 * URL on another origin, which refuses any credential (as S3 does) and serves byte ranges.
 */
import { createHash, randomBytes } from 'node:crypto';
import type * as http from 'node:http';
import { startServer, type SimServer } from '../server.js';
import { sendS3Error, xmlEscape } from './params.js';
import { SIM_EPOCH } from './render.js';

interface SignedObject {
  path: string;
  body: Buffer;
  contentType: string;
}

export interface ObjectStorage {
  server: SimServer;
  /** A pre-signed URL serving `body` at `path`. */
  presign(path: string, body: Buffer, contentType: string): string;
  /** Requests that reached it with a credential (ci-relay must send none). */
  readonly leaked: number;
}

export async function startObjectStorage(): Promise<ObjectStorage> {
  const signed = new Map<string, SignedObject>();
  let leakedToStorage = 0;
  const storage = await startServer((req, res) => {
    const credential = ['private-token', 'authorization', 'job-token'].find(
      (h) => req.headers[h] !== undefined
    );
    if (credential) {
      leakedToStorage++;
      // S3 refuses a second auth mechanism on a pre-signed URL (and echoes what it got).
      return sendS3Error(
        res,
        400,
        'InvalidArgument',
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string ' +
          'parameter or the Authorization header should be specified',
        `<ArgumentName>${xmlEscape(credential)}</ArgumentName>` +
          `<ArgumentValue>${xmlEscape(String(req.headers[credential]))}</ArgumentValue>`
      );
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendS3Error(
        res,
        405,
        'MethodNotAllowed',
        'The specified method is not allowed against this resource.'
      );
    }
    const signature = req.query.get('X-Amz-Signature');
    if (!signature) return sendS3Error(res, 403, 'AccessDenied', 'Access Denied');
    const object = signed.get(signature);
    if (!object || object.path !== req.path) {
      return sendS3Error(
        res,
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.'
      );
    }
    const body = object.body;
    const headers: http.OutgoingHttpHeaders = {
      'content-type': object.contentType,
      'accept-ranges': 'bytes',
      etag: `"${createHash('md5').update(body).digest('hex')}"`,
      'last-modified': new Date(SIM_EPOCH).toUTCString()
    };
    let status = 200;
    let slice = body;
    const range = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? '').trim());
    if (range && (range[1] !== '' || range[2] !== '')) {
      let start: number;
      let end: number;
      if (range[1] === '') {
        start = Math.max(0, body.length - Number(range[2]));
        end = body.length - 1;
      } else {
        start = Number(range[1]);
        end = range[2] === '' ? body.length - 1 : Math.min(Number(range[2]), body.length - 1);
      }
      if (start >= body.length || end < start) {
        return sendS3Error(res, 416, 'InvalidRange', 'The requested range is not satisfiable', '', {
          'content-range': `bytes */${body.length}`
        });
      }
      status = 206;
      slice = body.subarray(start, end + 1);
      headers['content-range'] = `bytes ${start}-${end}/${body.length}`;
    }
    headers['content-length'] = slice.length;
    res.writeHead(status, headers);
    res.end(req.method === 'HEAD' ? undefined : slice);
  });

  function presign(path: string, body: Buffer, contentType: string): string {
    const signature = randomBytes(32).toString('hex');
    signed.set(signature, { path, body, contentType });
    const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
    const query = new URLSearchParams({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': `SIMACCESSKEY/${date.slice(0, 8)}/us-east-1/s3/aws4_request`,
      'X-Amz-Date': date,
      'X-Amz-Expires': '900',
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Signature': signature
    });
    return `${storage.url}${path}?${query.toString()}`;
  }

  return {
    server: storage,
    presign,
    get leaked() {
      return leakedToStorage;
    }
  };
}

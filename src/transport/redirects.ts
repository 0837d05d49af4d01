/**
 * Redirects, followed by hand: where a request may go next, and with what. Credentials go only
 * to the configured origin, whatever form they take: the credential headers are sent to it
 * alone; a request body (a trigger's `token`, GoCD's secret variables) never crosses to another
 * origin, and neither does any method but GET or HEAD: such a redirect is refused, the request
 * not sent again. A redirect's Location is the server's own URL: nothing of the first request's
 * query goes with it. https is never downgraded; a loop ends after MAX_REDIRECTS.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import { RemoteError } from '../core/errors.js';

const REDIRECTS = [301, 302, 303, 307, 308];
export const MAX_REDIRECTS = 5;

/** One exchange's request, as it is sent on each hop. */
export interface Hop {
  url: URL;
  verb: string;
  /** The request body, if any (a JSON text or a URL-encoded form). */
  data: string | null;
  headers: OutgoingHttpHeaders;
}

export function isRedirect(status: number, location: string | undefined): location is string {
  return REDIRECTS.includes(status) && !!location;
}

/** The headers sent to `url`: the credentials only when it is their own origin. */
export function headersFor(
  url: URL,
  origin: string,
  credentials: Record<string, string>,
  headers: OutgoingHttpHeaders
): OutgoingHttpHeaders {
  return url.origin === origin ? { ...credentials, ...headers } : { ...headers };
}

/**
 * The request a redirect asks for, or a RemoteError when ci-relay will not follow it.
 * `hops` counts the redirects already followed.
 */
export function nextHop(
  hop: Hop,
  status: number,
  location: string,
  hops: number,
  serverName: string,
  show: (pathOrUrl: string) => string,
  /** The path first asked for, named when the redirects loop. */
  path: string
): Hop {
  if (hops >= MAX_REDIRECTS) {
    throw new RemoteError(
      `${serverName}: ${hop.url.host} redirected ${show(path)} more than ${MAX_REDIRECTS} times (a redirect loop?); ci-relay gave up`
    );
  }
  const next = new URL(location, hop.url);
  if (hop.url.protocol === 'https:' && next.protocol !== 'https:') {
    throw new RemoteError(
      `${serverName} redirected ${show(hop.url.toString())} from https to ${next.protocol.replace(':', '')}; ci-relay refuses to downgrade`
    );
  }
  if (next.origin !== hop.url.origin && (hop.data !== null || !['GET', 'HEAD'].includes(hop.verb))) {
    throw new RemoteError(
      `${serverName} redirected ${hop.verb} ${show(hop.url.toString())} from ${hop.url.origin} to another origin, ${next.origin} (${status}): ci-relay sends nothing but a GET or HEAD without a body to another origin, so this request was not sent there, nor sent again`
    );
  }
  // A 303 asks for a GET (a HEAD stays a HEAD); a 301/302 after a POST too (RFC 9110, 15.4).
  if (
    (status === 303 && hop.verb !== 'HEAD') ||
    ((status === 301 || status === 302) && hop.verb === 'POST')
  ) {
    const headers = { ...hop.headers };
    delete headers['content-type'];
    return { url: next, verb: 'GET', data: null, headers };
  }
  return { ...hop, url: next };
}

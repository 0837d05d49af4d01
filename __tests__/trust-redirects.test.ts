/**
 * Issue 20, finding 1: credentials never follow a redirect to another origin, whatever form they
 * take (a credential header, a basic-auth header, a field of the body, a query parameter), and
 * no request with a body, nor any method but GET and HEAD, is sent to another origin: such a
 * redirect is refused with a message naming both origins, the request never sent again.
 * Same-origin redirects keep their methods (303 → GET; 301/302 POST → GET; 307/308 keep the
 * method and body). src/transport/http.ts against real servers on 127.0.0.1: another port is
 * another origin, and so is `localhost` on the same port (the same server, another origin).
 * The end-to-end example: a GitLab trigger answered with a 307 to another origin, through
 * dist/index.js.
 */
import fc from 'fast-check';
import { RemoteError } from '../src/core/errors.js';
import { Http } from '../src/transport/http.js';
import { sendJson, startServer, type SimRequest, type SimServer } from '../sim/server.js';
import { startGitLabSim } from '../sim/gitlab.js';
import { runCli, runGitHub, tempDir } from './helpers/run.js';

const servers: SimServer[] = [];
const clients: Http[] = [];
afterEach(async () => {
  clients.splice(0).forEach((c) => c.dispose());
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const STATUSES = [301, 302, 303, 307, 308] as const;
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'] as const;
/** Where the redirect points: our own origin, another port, or `localhost` on our own port. */
const TARGETS = ['same', 'other-port', 'other-host'] as const;
/** How the credential travels on the first request. */
const FORMS = ['header-token', 'basic-auth', 'body-field', 'query-param'] as const;

type Case = {
  status: (typeof STATUSES)[number];
  method: (typeof METHODS)[number];
  target: (typeof TARGETS)[number];
  form: (typeof FORMS)[number];
  secret: string;
};

/** Everything a request carried, as one text to search for the secret. */
const seen = (r: SimRequest): string =>
  `${r.method} ${r.path}?${r.query.toString()}\n${JSON.stringify(r.headers)}\n${r.body.toString('latin1')}`;

test('property: every redirect status × method × origin × credential form: another origin never gets a credential or a body; a cross-origin request but a body-less GET/HEAD is refused, sent once', async () => {
  // Our API (origin A: 127.0.0.1:<port>) and another server (origin B: another port). The API's
  // own port reached as `localhost` is a third origin served by the same process.
  const other = await startServer((req, res) => sendJson(res, 200, { there: req.method }));
  servers.push(other);
  const api = await startServer((req, res) => {
    if (req.path === '/start') {
      const target = req.query.get('to')!;
      res.writeHead(Number(req.query.get('status')), { location: target });
      return void res.end();
    }
    sendJson(res, 200, { method: req.method, body: req.body.toString() });
  });
  servers.push(api);
  const apiOrigin = new URL(api.url).origin;
  const targetUrl = (t: Case['target']): string =>
    t === 'same'
      ? '/landing'
      : t === 'other-port'
        ? `${other.url}/landing`
        : `http://localhost:${api.port}/landing`;
  const targetOrigin = (t: Case['target']): string => new URL(targetUrl(t), api.url).origin;
  /** Requests that reached the target's origin, counted by where they were addressed. */
  const atOrigin = (origin: string): SimRequest[] =>
    [...api.requests, ...other.requests].filter(
      (r) => `http://${r.headers.host}` === origin && r.path !== '/start'
    );

  const secretArb = fc.stringMatching(/^[A-Za-z0-9._~-]{8,40}$/);
  const caseArb = fc.record({
    status: fc.constantFrom(...STATUSES),
    method: fc.constantFrom(...METHODS),
    target: fc.constantFrom(...TARGETS),
    form: fc.constantFrom(...FORMS),
    secret: secretArb
  });
  // Every combination once, then random ones (random secrets).
  const examples: [Case][] = [];
  for (const status of STATUSES)
    for (const method of METHODS)
      for (const target of TARGETS)
        for (const form of FORMS)
          examples.push([{ status, method, target, form, secret: `s3cret-${status}-${method}-${form}` }]);

  await fc.assert(
    fc.asyncProperty(caseArb, async ({ status, method, target, form, secret }) => {
      api.requests.length = 0;
      other.requests.length = 0;
      const credentials: Record<string, string> =
        form === 'header-token'
          ? { 'private-token': secret }
          : form === 'basic-auth'
            ? { authorization: `Basic ${Buffer.from(`ci-bot:${secret}`).toString('base64')}` }
            : {};
      const h = new Http({ baseUrl: api.url, credentials, serverName: 'TestServer', backoffMs: 5 });
      clients.push(h);
      const query = new URLSearchParams({ status: String(status), to: targetUrl(target) });
      if (form === 'query-param') query.set('private_token', secret);
      // A body goes with every method that may carry one; the body-field form puts the secret in it.
      const hasBody = method !== 'GET' && method !== 'HEAD';
      const fields: Record<string, string> =
        form === 'body-field' ? { token: secret, ref: 'main' } : { ref: 'main' };
      const opts: { form?: Record<string, string> } = hasBody ? { form: fields } : {};
      const cross = target !== 'same';
      const outcome = await h.request(method, `start?${query}`, opts).then(
        (res) => ({ ok: true as const, res }),
        (err: unknown) => ({ ok: false as const, err })
      );
      h.dispose();

      // The first request went to our origin, once, never again.
      expect(api.requests.filter((r) => r.path === '/start')).toHaveLength(1);
      const elsewhere = cross ? atOrigin(targetOrigin(target)) : [];
      for (const r of elsewhere) {
        expect(seen(r)).not.toContain(secret);
        expect(seen(r)).not.toContain(Buffer.from(`ci-bot:${secret}`).toString('base64'));
        expect(r.body.length).toBe(0);
        expect(r.headers.authorization).toBeUndefined();
        expect(r.headers['private-token']).toBeUndefined();
      }
      if (cross && hasBody) {
        // Refused: named both origins, nothing sent there.
        expect(outcome.ok).toBe(false);
        const err = (outcome as { err: Error }).err;
        expect(err).toBeInstanceOf(RemoteError);
        expect(err.message).toContain(apiOrigin);
        expect(err.message).toContain(targetOrigin(target));
        expect(err.message).toContain(`redirected ${method} /start`);
        expect(err.message).not.toContain(secret);
        expect(elsewhere).toHaveLength(0);
        return;
      }
      expect(outcome.ok).toBe(true);
      if (cross) {
        expect(elsewhere).toHaveLength(1);
        expect(elsewhere[0].method).toBe(method);
        return;
      }
      // Same origin: today's rules, credentials kept.
      const landed = api.requests.filter((r) => r.path === '/landing');
      expect(landed).toHaveLength(1);
      const toGet = status === 303 || ((status === 301 || status === 302) && method === 'POST');
      const expectedMethod = toGet && method !== 'HEAD' ? 'GET' : method;
      expect(landed[0].method).toBe(expectedMethod);
      expect(landed[0].body.toString()).toBe(
        hasBody && expectedMethod !== 'GET' ? new URLSearchParams(opts.form).toString() : ''
      );
      for (const [name, value] of Object.entries(credentials)) expect(landed[0].headers[name]).toBe(value);
    }),
    { examples, numRuns: examples.length + 100 }
  );
}, 120_000);

describe('a GitLab trigger redirected to another origin (dist/index.js)', () => {
  const TOKEN = 'glpat-redirect-4e1f0a';
  const TRIGGER = 'glptt-redirect-9b3c27';

  async function setUp() {
    const elsewhere = await startServer((req, res) => sendJson(res, 201, { id: 1, web_url: 'x' }));
    servers.push(elsewhere);
    const sim = await startGitLabSim({
      token: TOKEN,
      triggerToken: TRIGGER,
      pipelines: { main: { jobs: [{ name: 'build', stage: 'build' }] } }
    });
    servers.push(sim as unknown as SimServer);
    // A proxy (or a hostile server) answers the trigger with a 307 to another origin.
    sim.faults.push({
      kind: 'status',
      status: 307,
      body: '',
      headers: { location: `${elsewhere.url}/api/v4/projects/42/trigger/pipeline` },
      match: (r) => r.method === 'POST' && r.path.endsWith('/trigger/pipeline')
    });
    return { sim, elsewhere };
  }

  test('CLI: the other origin gets nothing, the step fails with a message naming both origins, exit 4, one POST', async () => {
    const { sim, elsewhere } = await setUp();
    const run = await runCli(
      ['gitlab', '--url', sim.url, '--project', 'group/sub/app', '--ref', 'main', '--poll-interval', '1s'],
      { cwd: tempDir(), env: { CI_RELAY_TOKEN: TOKEN, CI_RELAY_TRIGGER_TOKEN: TRIGGER } }
    );
    expect(sim.injected.map((f) => f.path)).toEqual(['/api/v4/projects/group%2Fsub%2Fapp/trigger/pipeline']);
    expect(elsewhere.requests).toHaveLength(0);
    expect(sim.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(sim.created).toBe(0);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain(`from ${new URL(sim.url).origin} to another origin, ${elsewhere.url}`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stderr + run.stdout).not.toContain(TRIGGER);
  });

  test('GitHub step: the same, through the action inputs', async () => {
    const { sim, elsewhere } = await setUp();
    const run = await runGitHub({
      system: 'gitlab',
      url: sim.url,
      token: TOKEN,
      'trigger-token': TRIGGER,
      project: 'group/sub/app',
      ref: 'main',
      'poll-interval': '1s'
    });
    expect(elsewhere.requests).toHaveLength(0);
    expect(sim.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toMatch(/::error::.*to another origin/);
    // Masked where it is registered, and nowhere else.
    expect((run.stdout + run.stderr).replace(/^::add-mask::.*$/gm, '')).not.toContain(TRIGGER);
  });
});

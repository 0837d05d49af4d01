/**
 * TLS, whole relays: the GitLab simulator behind an HTTPS front made here with a self-signed
 * certificate (openssl). `ca-cert` as a path to the PEM file trusts it; without it ci-relay
 * stops before sending anything, with exit 4 and one clear TLS sentence; `tls-verify: false`
 * works and warns in EVERY run. Also across hosts: GitLab's artifact redirect points at the
 * simulator's plain-http object storage, an https→http downgrade that must be refused.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { startGitLabSim, type GitLabSim } from '../sim/gitlab.js';
import { runCli, runGitHub, tempDir } from './helpers/run.js';
import { selfSignedCert } from './helpers/tls.js';
import { githubCommands } from './helpers/trust.js';

const TOKEN = 'glpat-tls-2f8c0d';
let sim: GitLabSim;
let front: https.Server;
let url: string;
let caFile: string;
let frontRequests = 0;

beforeAll(async () => {
  const dir = tempDir('ci-relay-tls-');
  const made = selfSignedCert(dir, 'ci-relay-tls-test');
  const key = made.keyFile;
  caFile = made.pemFile;
  sim = await startGitLabSim({
    token: TOKEN,
    pipelines: {
      main: {
        jobs: [{ name: 'build', stage: 'build', runningMs: 500, artifacts: { 'out.txt': 'artifact' } }]
      }
    }
  });
  const target = new URL(sim.url);
  // An HTTPS front for the simulator, like a TLS-terminating proxy before a private GitLab.
  front = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(caFile) }, (req, res) => {
    frontRequests++;
    const up = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host }
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      }
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(front.address() as AddressInfo).port}`;
});

afterAll(async () => {
  front?.closeAllConnections();
  await new Promise<void>((resolve) => (front ? front.close(() => resolve()) : resolve()));
  await sim?.close();
});

const cli = (extra: string[]): ReturnType<typeof runCli> =>
  runCli(
    [
      'gitlab',
      '--url',
      url,
      '--project',
      'group/sub/app',
      '--ref',
      'main',
      '--poll-interval',
      '1s',
      '--json',
      ...extra
    ],
    {
      cwd: tempDir(),
      env: { CI_RELAY_TOKEN: TOKEN }
    }
  );

test('without ca-cert: exit 4, one TLS sentence that names ca-cert, nothing sent', async () => {
  const created = sim.created;
  const before = frontRequests;
  const run = await cli([]);
  expect(run.code).toBe(4);
  const result = JSON.parse(run.stdout) as { conclusion: string; error: string };
  expect(result.conclusion).toBe('error');
  expect(result.error).toMatch(/TLS certificate ci-relay does not trust/);
  expect(result.error).toMatch(/ca-cert/);
  expect(result.error.split(/(?<=[.;])\s/).length).toBeLessThanOrEqual(3);
  expect(sim.created).toBe(created);
  expect(frontRequests).toBe(before);
});

test('ca-cert as a path to the PEM file: the relay works; the artifact redirect to http storage is refused, not downgraded', async () => {
  const storageBefore = sim.storage.requests.length;
  const run = await cli(['--ca-cert', caFile]);
  // The remote run passed, but its artifacts did not come back: the step is not green.
  expect(run.code).toBe(4);
  const result = JSON.parse(run.stdout) as {
    conclusion: string;
    jobs: { artifacts?: string; conclusion: string }[];
  };
  expect(result.conclusion).toBe('error');
  expect(result.jobs[0].conclusion).toBe('success');
  expect(run.stderr).toMatch(
    /error: Could not download the artifacts of build: .*from https to http; ci-relay refuses to downgrade/
  );
  expect(sim.storage.requests.length).toBe(storageBefore);
  expect(run.stderr).not.toMatch(/tls-verify/);
});

test('tls-verify: false works, and warns in every run (CLI twice, GitHub once)', async () => {
  for (let i = 0; i < 2; i++) {
    const run = await cli(['--tls-verify', 'false', '--artifacts', 'none']);
    expect(run.code).toBe(0);
    expect(run.stderr.match(/^warning: tls-verify is false: .*certificate is not checked/gm)).toHaveLength(1);
  }
  const gh = await runGitHub({
    system: 'gitlab',
    url,
    token: TOKEN,
    project: 'group/sub/app',
    ref: 'main',
    'poll-interval': '1s',
    'tls-verify': 'false',
    artifacts: 'none'
  });
  expect(gh.code).toBe(0);
  expect(
    githubCommands(gh.stdout).filter((c) => c.name === 'warning' && /tls-verify is false/.test(c.data))
  ).toHaveLength(1);
});

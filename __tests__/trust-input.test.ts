/**
 * Bad input fails before any request, with one clear sentence that names the input
 * (CONTRACT.md, "Promises"), whole relays through dist/index.js in every host: exit 2, the
 * simulator never hears from ci-relay, and a secret pasted into the wrong input does not come
 * back in the message.
 */
import { startGitLabSim, type GitLabSim } from '../sim/gitlab.js';
import { runCli, runGitHub } from './helpers/run.js';
import { azureCommands, occurrences, runAzure } from './helpers/trust.js';

const TOKEN = 'glpat-input-4a7f21';
let sim: GitLabSim;

beforeAll(async () => {
  sim = await startGitLabSim({ token: TOKEN });
});
afterAll(async () => {
  await sim?.close();
});

/** One sentence: no sentence end followed by another sentence inside it. */
const sentences = (text: string): number => text.trim().split(/(?<=[.!?])\s+(?=[A-Z'])/).length;

const BAD: [string, string][] = [
  ['timeout', 'soon'],
  ['poll-interval', 'often'],
  ['variables', 'NO_EQUALS_SIGN'],
  ['success-on', 'great'],
  ['max-artifact-size', 'huge'],
  ['tls-verify', 'maybe'],
  ['ca-cert', '/nonexistent/ca.pem'],
  ['log', 'loud'],
  ['wait', 'perhaps'],
  ['cancel-on-abort', 'sometimes'],
  ['url', 'ftp://gitlab.example.com'],
  // A secret pasted into the wrong input.
  ['timeout', TOKEN]
];

test.each(BAD)(
  'CLI --%s %p: exit 2 before any request, one sentence naming the input, no secret',
  async (name, value) => {
    const before = sim.requests.length;
    const run = await runCli(
      ['gitlab', '--url', sim.url, '--project', '42', '--ref', 'main', `--${name}=${value}`, '--json'],
      {
        env: { CI_RELAY_TOKEN: TOKEN }
      }
    );
    expect(run.code).toBe(2);
    expect(sim.requests.length).toBe(before);
    const error = (JSON.parse(run.stdout) as { error: string }).error;
    expect(error).toContain(`Input '${name}'`);
    expect(sentences(error)).toBe(1);
    expect(occurrences(run.stdout + run.stderr, TOKEN)).toBe(0);
  }
);

test('GitHub: a missing required input (project) fails the step with exit 2, naming it, before any request', async () => {
  const before = sim.requests.length;
  const run = await runGitHub({ system: 'gitlab', url: sim.url, token: TOKEN, ref: 'main', timeout: TOKEN });
  expect(run.code).toBe(2);
  expect(sim.requests.length).toBe(before);
  expect(run.stdout).toMatch(/^::error::Input '(project|timeout)'/m);
  expect(run.outputs.conclusion).toBe('error');
  expect(run.stdout.split('\n').filter((l) => l.includes(TOKEN))).toEqual([`::add-mask::${TOKEN}`]);
});

test('Azure: a bad input fails the task (task.complete Failed, exit 2) naming it, before any request', async () => {
  const before = sim.requests.length;
  const run = await runAzure({
    system: 'gitlab',
    url: sim.url,
    token: TOKEN,
    project: '42',
    ref: 'main',
    pollInterval: 'often'
  });
  expect(run.code).toBe(2);
  expect(sim.requests.length).toBe(before);
  const complete = azureCommands(run.stdout).filter((c) => c.name === 'task.complete');
  expect(complete.map((c) => c.props.result)).toEqual(['Failed']);
  expect(complete[0].data).toMatch(/^Input 'poll-interval'/);
});

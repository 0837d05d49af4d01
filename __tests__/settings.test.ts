/**
 * readSettings: every input of CONTRACT.md "Inputs", its forms and its defaults, and every bad
 * value failing with an InputError that names the input in one sentence. Secrets are handed to
 * onSecret before anything can fail, and never come back in a message.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError } from '../src/core/errors.js';
import {
  parseBool,
  parseDuration,
  parseSize,
  parseVariables,
  readSettings,
  type Settings
} from '../src/config/settings.js';

const TOKEN = 'glpat-Xy7TOKENv4lue9';
const PASSWORD = 'hunter2-Pa55w0rd';
const TRIGGER = 'glptt-TRIGGERs3cret';
const PEM = [
  '-----BEGIN CERTIFICATE-----',
  'MIIBszCCAVmgAwIBAgIUQ2lSZWxheVRlc3RDZXJ0MA0GCSqGSIb3DQEBCwUAMBQx',
  '-----END CERTIFICATE-----'
].join('\n');

let cwd: string;
beforeAll(() => {
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-relay-settings-'));
});
afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

const BASE: Record<string, Record<string, string>> = {
  gitlab: { system: 'gitlab', project: 'group/app', ref: 'main', token: TOKEN },
  gocd: { system: 'gocd', url: 'https://gocd.example.com/go', pipeline: 'build-app', token: TOKEN },
  gearset: { system: 'gearset', job: 'a1b2c3d4-job', token: TOKEN }
};

interface Outcome {
  settings?: Settings;
  error?: unknown;
  secrets: string[];
  /** Every name the reader was asked for, in order. */
  reads: string[];
}

function attempt(inputs: Record<string, string>): Outcome {
  const secrets: string[] = [];
  const reads: string[] = [];
  try {
    const settings = readSettings(
      (name) => {
        reads.push(name);
        return inputs[name] ?? '';
      },
      (value) => secrets.push(value),
      cwd
    );
    return { settings, secrets, reads };
  } catch (error) {
    return { error, secrets, reads };
  }
}

/** Valid inputs for `system`, with `over` laid on top ('' unsets). */
function read(system: string, over: Record<string, string> = {}): Settings {
  const o = attempt({ ...BASE[system], ...over });
  if (o.error) throw o.error;
  return o.settings!;
}

/** The InputError for these inputs, checked to name `name` in one sentence and to hold no secret. */
function inputError(system: string, over: Record<string, string>, name: string): InputError {
  const o = attempt({ ...(BASE[system] ?? {}), ...over });
  expect(o.error).toBeInstanceOf(InputError);
  const err = o.error as InputError;
  expect(err.exitCode).toBe(2);
  expect(err.message).toContain(`'${name}'`);
  expect(err.message).toMatch(/^Input '/);
  // One sentence: ends with a full stop, and no second sentence starts inside it.
  expect(err.message).toMatch(/\.$/);
  expect(err.message).not.toMatch(/[.!?]\s+[A-Z]/);
  expect(err.message).not.toMatch(/\n/);
  for (const secret of [TOKEN, PASSWORD, TRIGGER]) expect(err.message).not.toContain(secret);
  return err;
}

describe('system', () => {
  test('is required', () => {
    inputError('none', { system: '' }, 'system');
  });
  test('must be a known system, and the message lists them', () => {
    const err = inputError('gitlab', { system: 'jenkins' }, 'system');
    expect(err.message).toContain('jenkins');
    expect(err.message).toMatch(/gitlab, gocd, gearset/);
  });
  test('is case-insensitive and trimmed', () => {
    expect(read('gitlab', { system: '  GitLab ' }).system).toBe('gitlab');
  });
});

describe('url', () => {
  test('defaults per system', () => {
    expect(read('gitlab').url).toBe('https://gitlab.com');
    expect(read('gearset').url).toBe('https://api.gearset.com');
  });
  test('is required for gocd', () => {
    const err = inputError('gocd', { url: '' }, 'url');
    expect(err.message).toMatch(/required for gocd/);
  });
  test('keeps a path and loses trailing slashes', () => {
    expect(read('gocd', { url: 'https://gocd.example.com/go/' }).url).toBe('https://gocd.example.com/go');
    expect(read('gitlab', { url: 'http://gitlab.internal:8080//' }).url).toBe('http://gitlab.internal:8080');
  });
  test.each([
    ['not a url', /not a URL/],
    ['gitlab.example.com', /not a URL/],
    ['ftp://gitlab.example.com', /https:\/\/ or http:\/\//],
    ['https://gitlab.example.com/?private_token=x', /query or fragment/],
    ['https://gitlab.example.com/#x', /query or fragment/]
  ])('%s is refused', (url, why) => {
    expect(inputError('gitlab', { url }, 'url').message).toMatch(why);
  });
  test('with credentials is refused without echoing them', () => {
    const err = inputError('gitlab', { url: 'https://me:S3cretInUrl@gitlab.example.com' }, 'url');
    expect(err.message).toMatch(/credentials/);
    expect(err.message).not.toContain('S3cretInUrl');
  });
});

describe('timeout and poll-interval', () => {
  test.each([
    ['90s', 90_000],
    ['45m', 2_700_000],
    ['1h30m', 5_400_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['1m30s', 90_000],
    ['120', 120_000],
    ['1.5', 1_500],
    [' 10M ', 600_000],
    ['1500ms', 1_500]
  ])('timeout %s is %d ms', (value, ms) => {
    expect(read('gitlab', { timeout: value }).timeoutMs).toBe(ms);
  });
  test('defaults: 1h timeout, 10s poll interval', () => {
    const s = read('gitlab');
    expect(s.timeoutMs).toBe(3_600_000);
    expect(s.pollIntervalMs).toBe(10_000);
  });
  test.each(['soon', '-5', '0', '0s', '1x', '1h30', 'h', '1 h', '5m-3s'])(
    'timeout %s is refused',
    (value) => {
      const err = inputError('gitlab', { timeout: value }, 'timeout');
      expect(err.message).toContain(`'${value}'`);
      expect(err.message).toMatch(/90s, 45m, 1h30m or plain seconds/);
    }
  );
  test('poll-interval takes the same forms', () => {
    expect(read('gitlab', { 'poll-interval': '30' }).pollIntervalMs).toBe(30_000);
    expect(read('gitlab', { 'poll-interval': '1m' }).pollIntervalMs).toBe(60_000);
    expect(read('gitlab', { 'poll-interval': '1s' }).pollIntervalMs).toBe(1_000);
  });
  test.each(['500ms', '0.5'])('poll-interval %s (under 1s) is refused', (value) => {
    expect(inputError('gitlab', { 'poll-interval': value }, 'poll-interval').message).toMatch(/at least 1s/);
  });
  test('a bad poll-interval is named as poll-interval', () => {
    inputError('gitlab', { 'poll-interval': 'often' }, 'poll-interval');
  });
});

describe('booleans', () => {
  test.each(['wait', 'tls-verify', 'cancel-on-timeout', 'cancel-on-abort'])(
    '%s takes true/false forms',
    (name) => {
      const key = {
        wait: 'wait',
        'tls-verify': 'tlsVerify',
        'cancel-on-timeout': 'cancelOnTimeout',
        'cancel-on-abort': 'cancelOnAbort'
      }[name] as keyof Settings;
      expect(read('gitlab')[key]).toBe(true);
      for (const v of ['false', 'FALSE', 'no', '0', 'off'])
        expect(read('gitlab', { [name]: v })[key]).toBe(false);
      for (const v of ['true', 'True', 'yes', '1', 'on'])
        expect(read('gitlab', { [name]: v })[key]).toBe(true);
      const err = inputError('gitlab', { [name]: 'maybe' }, name);
      expect(err.message).toMatch(/true or false/);
      expect(err.message).toContain('maybe');
    }
  );
  test('update-materials defaults to false and is checked for gocd', () => {
    expect(read('gocd').gocd!.updateMaterials).toBe(false);
    expect(read('gocd', { 'update-materials': 'true' }).gocd!.updateMaterials).toBe(true);
    inputError('gocd', { 'update-materials': 'sometimes' }, 'update-materials');
  });
  test('parseBool names the input', () => {
    expect(() => parseBool('nah', 'wait')).toThrow(/Input 'wait'/);
  });
});

describe('log, success-on', () => {
  test('log is one of stream, on-failure, none', () => {
    expect(read('gitlab').log).toBe('stream');
    expect(read('gitlab', { log: 'On-Failure' }).log).toBe('on-failure');
    expect(read('gitlab', { log: 'none' }).log).toBe('none');
    const err = inputError('gitlab', { log: 'verbose' }, 'log');
    expect(err.message).toMatch(/stream, on-failure, none/);
    expect(err.message).toContain('verbose');
  });
  test('success-on lists conclusions', () => {
    expect(read('gitlab').successOn).toEqual(['success']);
    expect(read('gitlab', { 'success-on': 'success, Partial' }).successOn).toEqual(['success', 'partial']);
  });
  test('success-on with an unknown conclusion names it', () => {
    const err = inputError('gitlab', { 'success-on': 'success,green' }, 'success-on');
    expect(err.message).toContain("'green'");
  });
  test('success-on with no conclusion is refused', () => {
    inputError('gitlab', { 'success-on': ' , ,' }, 'success-on');
  });
});

describe('max-artifact-size', () => {
  test.each([
    ['5GiB', 5 * 2 ** 30],
    ['500MB', 500_000_000],
    ['500mb', 500_000_000],
    ['10 KiB', 10_240],
    ['1024', 1024],
    ['2G', 2_000_000_000],
    ['1.5MiB', 1_572_864],
    ['64B', 64]
  ])('%s is %d bytes', (value, bytes) => {
    expect(read('gitlab', { 'max-artifact-size': value }).maxArtifactSize).toBe(bytes);
  });
  test('defaults to 5GiB', () => {
    expect(read('gitlab').maxArtifactSize).toBe(5 * 2 ** 30);
  });
  test.each(['lots', '5XB', '5i', '-1', '0', 'GiB', '1e9'])('%s is refused', (value) => {
    inputError('gitlab', { 'max-artifact-size': value }, 'max-artifact-size');
  });
  test('parseSize names the input it is told', () => {
    expect(() => parseSize('huge', 'max-artifact-size')).toThrow(/'max-artifact-size'.*'huge'/);
  });
});

describe('variables', () => {
  test('KEY=VALUE lines, with = inside values and CRLF line ends', () => {
    expect(read('gitlab', { variables: 'A=1\r\nB=x=y==\n\n  C=indented \nEMPTY=' }).variables).toEqual({
      A: '1',
      B: 'x=y==',
      C: 'indented',
      EMPTY: ''
    });
  });
  test('KEY=VALUE lines keep the value as written', () => {
    expect(read('gitlab', { variables: 'URL=https://x.example/?a=b&c=d\nQ="quoted"' }).variables).toEqual({
      URL: 'https://x.example/?a=b&c=d',
      Q: '"quoted"'
    });
  });
  test('a JSON map, values made text', () => {
    expect(read('gitlab', { variables: '{"A": "1", "N": 2, "T": true, "Z": null}' }).variables).toEqual({
      A: '1',
      N: '2',
      T: 'true',
      Z: ''
    });
  });
  test('a YAML map', () => {
    expect(read('gitlab', { variables: 'DEPLOY: "yes"\nCOUNT: 3\nNAME: app=one' }).variables).toEqual({
      DEPLOY: 'yes',
      COUNT: '3',
      NAME: 'app=one'
    });
  });
  test('none given is an empty map', () => {
    expect(read('gitlab').variables).toEqual({});
  });
  test.each([
    ['{"1A": "x"}', /'1A', which is not a variable name/],
    ['bad key: 1', /'bad key', which is not a variable name/],
    ['{"A": {"b": 1}}', /value for 'A' that is not text/],
    ['A:\n  - 1\n  - 2', /value for 'A' that is not text/],
    ['["A=1"]', /KEY=VALUE or a JSON or YAML map/],
    ['{"A": ', /KEY=VALUE or a JSON or YAML map/],
    ['A=1\nthis is not a pair', /KEY=VALUE or a JSON or YAML map/],
    ['just text', /KEY=VALUE or a JSON or YAML map/]
  ])('%j is refused', (value, why) => {
    expect(inputError('gitlab', { variables: value }, 'variables').message).toMatch(why);
  });
  test('parseVariables names the input it is told', () => {
    expect(() => parseVariables('{"a-b": 1}', 'secret-variables')).toThrow(/Input 'secret-variables'/);
    expect(parseVariables('', 'variables')).toEqual({});
  });
});

describe('artifacts and download-dir', () => {
  test('artifacts defaults to ** and splits on commas and lines', () => {
    expect(read('gitlab').artifacts).toEqual(['**']);
    expect(read('gitlab', { artifacts: 'dist/**, *.txt\n\nreports/*.xml' }).artifacts).toEqual([
      'dist/**',
      '*.txt',
      'reports/*.xml'
    ]);
  });
  test('none selects nothing', () => {
    expect(read('gitlab', { artifacts: 'none' }).artifacts).toEqual([]);
    expect(read('gitlab', { artifacts: ' NONE ' }).artifacts).toEqual([]);
  });
  test('a name holding dots is not ..', () => {
    expect(read('gitlab', { artifacts: 'a..b/**, ..foo' }).artifacts).toEqual(['a..b/**', '..foo']);
  });
  test.each(['../secret', 'dist/../../x', '..', 'a/..', '/etc/**', 'ok/**,/abs'])(
    '%s is refused',
    (value) => {
      expect(inputError('gitlab', { artifacts: value }, 'artifacts').message).toMatch(/may not hold '\.\.'/);
    }
  );
  test('download-dir resolves against the working directory', () => {
    expect(read('gitlab').downloadDir).toBe(path.join(cwd, 'ci-relay'));
    expect(read('gitlab', { 'download-dir': 'out/logs' }).downloadDir).toBe(path.join(cwd, 'out', 'logs'));
    expect(read('gitlab', { 'download-dir': '/tmp/abs' }).downloadDir).toBe('/tmp/abs');
  });
});

describe('gitlab', () => {
  test('the common case', () => {
    const s = read('gitlab', { 'trigger-token': TRIGGER, job: 'deploy' });
    expect(s.gitlab).toEqual({
      project: 'group/app',
      ref: 'main',
      triggerToken: TRIGGER,
      job: 'deploy',
      inputs: {}
    });
    expect(s.token).toBe(TOKEN);
    expect(s.gocd).toBeUndefined();
    expect(s.gearset).toBeUndefined();
  });
  test('project is required', () => {
    inputError('gitlab', { project: '' }, 'project');
  });
  test.each(['123', 'group/sub/name', 'my.group/my-app_2'])('project %s is accepted', (project) => {
    expect(read('gitlab', { project }).gitlab!.project).toBe(project);
  });
  test.each(['just-a-name', 'group/', '/name', 'group name/app', 'group//app', 'a/b?c'])(
    'project %s is refused',
    (project) => {
      expect(inputError('gitlab', { project }, 'project').message).toContain(project);
    }
  );
  test('ref is required to create a pipeline', () => {
    inputError('gitlab', { ref: '' }, 'ref');
  });
  test('run or a numeric job id does without ref', () => {
    expect(read('gitlab', { ref: '', run: '4242' }).run).toBe('4242');
    expect(read('gitlab', { ref: '', job: '987654' }).gitlab!.job).toBe('987654');
  });
  test('a job name still needs ref', () => {
    inputError('gitlab', { ref: '', job: 'deploy' }, 'ref');
  });
  test('run must be a pipeline id', () => {
    inputError('gitlab', { run: 'latest' }, 'run');
  });
});

describe('gocd', () => {
  test('the common case', () => {
    const s = read('gocd', {
      materials: 'abc123=deadbeef\n  def456 = cafe0001 ',
      'secret-variables': 'API_KEY=s3cr3t-gocd-value',
      variables: 'ENV=prod'
    });
    expect(s.gocd).toEqual({
      pipeline: 'build-app',
      materials: [
        { fingerprint: 'abc123', revision: 'deadbeef' },
        { fingerprint: 'def456', revision: 'cafe0001' }
      ],
      secretVariables: { API_KEY: 's3cr3t-gocd-value' },
      updateMaterials: false
    });
    expect(s.variables).toEqual({ ENV: 'prod' });
  });
  test('pipeline is required and must be a name', () => {
    inputError('gocd', { pipeline: '' }, 'pipeline');
    expect(inputError('gocd', { pipeline: 'my pipeline!' }, 'pipeline').message).toContain('my pipeline!');
  });
  test.each(['norevision', '=rev', 'fp='])('materials line %s is refused', (line) => {
    expect(inputError('gocd', { materials: `good=1\n${line}` }, 'materials').message).toContain(line);
  });
  test('run must be a pipeline counter', () => {
    expect(read('gocd', { run: '17' }).run).toBe('17');
    inputError('gocd', { run: 'seventeen' }, 'run');
  });
  test('basic auth: username and password go together', () => {
    const s = read('gocd', { token: '', username: 'ci', password: PASSWORD });
    expect(s.username).toBe('ci');
    expect(s.password).toBe(PASSWORD);
    expect(inputError('gocd', { token: '', username: 'ci' }, 'password').message).toMatch(/'username'/);
    inputError('gocd', { token: '', password: PASSWORD }, 'username');
  });
  test('bad secret-variables are refused without showing the values', () => {
    const err = inputError(
      'gocd',
      { 'secret-variables': '{"KEY": {"nested": "n3sted-s3cret"}}' },
      'secret-variables'
    );
    expect(err.message).not.toContain('n3sted-s3cret');
  });
});

describe('gearset', () => {
  test('the common case', () => {
    const s = read('gearset', { commit: 'abc1234def' });
    expect(s.gearset).toEqual({ job: 'a1b2c3d4-job', jobType: 'ci', commit: 'abc1234def' });
  });
  test('token is required', () => {
    inputError('gearset', { token: '' }, 'token');
  });
  test('job is required and must be an id', () => {
    inputError('gearset', { job: '' }, 'job');
    expect(inputError('gearset', { job: 'my job' }, 'job').message).toContain('my job');
  });
  test('job-type is ci or unit-test', () => {
    expect(read('gearset', { 'job-type': 'unit-test' }).gearset!.jobType).toBe('unit-test');
    expect(read('gearset', { 'job-type': 'CI' }).gearset!.jobType).toBe('ci');
    expect(inputError('gearset', { 'job-type': 'nightly' }, 'job-type').message).toMatch(/ci, unit-test/);
  });
  test('commit must be a commit id, and only for ci jobs', () => {
    expect(inputError('gearset', { commit: 'not-a-sha' }, 'commit').message).toContain('not-a-sha');
    inputError('gearset', { commit: 'abc' }, 'commit');
    inputError('gearset', { commit: 'abc1234', 'job-type': 'unit-test' }, 'commit');
  });
  test('run must be a run request id', () => {
    expect(read('gearset', { run: 'f00d-1234' }).run).toBe('f00d-1234');
    inputError('gearset', { run: 'a b' }, 'run');
  });
});

describe('ca-cert', () => {
  test('PEM text is taken as it is', () => {
    expect(read('gitlab', { 'ca-cert': PEM }).caCert).toBe(PEM);
  });
  test('a path (relative to the working directory) is read', () => {
    fs.mkdirSync(path.join(cwd, 'certs'), { recursive: true });
    fs.writeFileSync(path.join(cwd, 'certs', 'ca.pem'), `# our CA\n${PEM}\n`);
    expect(read('gitlab', { 'ca-cert': 'certs/ca.pem' }).caCert).toBe(`# our CA\n${PEM}\n`);
    expect(read('gitlab', { 'ca-cert': path.join(cwd, 'certs', 'ca.pem') }).caCert).toContain(PEM);
  });
  test('a missing file is refused', () => {
    expect(inputError('gitlab', { 'ca-cert': 'certs/missing.pem' }, 'ca-cert').message).toContain(
      'certs/missing.pem'
    );
  });
  test('a folder is refused', () => {
    inputError('gitlab', { 'ca-cert': cwd }, 'ca-cert');
  });
  test('a file without a PEM certificate is refused', () => {
    fs.writeFileSync(path.join(cwd, 'not-a-cert.txt'), 'hello\n');
    expect(inputError('gitlab', { 'ca-cert': 'not-a-cert.txt' }, 'ca-cert').message).toMatch(
      /no PEM certificate/
    );
  });
  test('unset is undefined', () => {
    expect(read('gitlab').caCert).toBeUndefined();
  });
});

describe('secrets', () => {
  test('every secret input is handed over, secret-variables value by value', () => {
    const o = attempt({
      ...BASE.gocd,
      password: PASSWORD,
      username: 'ci',
      'trigger-token': TRIGGER,
      'secret-variables': 'ONE=first-s3cret-value\nTWO=second=s3cret'
    });
    expect(o.error).toBeUndefined();
    for (const s of [TOKEN, PASSWORD, TRIGGER, 'first-s3cret-value', 'second=s3cret'])
      expect(o.secrets).toContain(s);
  });
  test.each([
    ['no system', { system: '' }],
    ['an unknown system', { system: 'circle' }],
    ['a bad url', { url: '::' }],
    ['a bad timeout', { timeout: 'forever' }],
    ['a bad poll-interval', { 'poll-interval': '10ms' }],
    ['a bad pipeline', { pipeline: '' }],
    ['a bad secret-variables', { 'secret-variables': 'OK=v4lue-one\n{broken' }]
  ])('with %s, the secrets were registered before the error', (_what, over: Record<string, string>) => {
    const o = attempt({
      ...BASE.gocd,
      password: PASSWORD,
      username: 'ci',
      'trigger-token': TRIGGER,
      ...over
    });
    expect(o.error).toBeInstanceOf(InputError);
    for (const s of [TOKEN, PASSWORD, TRIGGER]) expect(o.secrets).toContain(s);
    if (over['secret-variables']) expect(o.secrets).toContain(over['secret-variables']);
    // Secrets were read before any other input.
    const firstOther = o.reads.findIndex(
      (n) => !['token', 'password', 'trigger-token', 'secret-variables'].includes(n)
    );
    expect(o.reads.slice(0, firstOther).sort()).toEqual([
      'password',
      'secret-variables',
      'token',
      'trigger-token'
    ]);
  });
  test.each([
    ['project', 'gitlab', { project: TOKEN }],
    ['project', 'gitlab', { project: `group name/${TOKEN}` }],
    ['run', 'gearset', { run: `x ${TOKEN}` }],
    ['job', 'gearset', { job: `${TOKEN} ` + 'x y' }],
    ['commit', 'gearset', { commit: TOKEN }],
    ['timeout', 'gitlab', { timeout: TOKEN }],
    ['log', 'gitlab', { log: TOKEN }],
    ['wait', 'gitlab', { wait: TOKEN }],
    ['url', 'gitlab', { url: TOKEN }],
    ['system', 'gitlab', { system: TOKEN }],
    ['max-artifact-size', 'gitlab', { 'max-artifact-size': TOKEN }],
    ['success-on', 'gitlab', { 'success-on': `success,${TOKEN}` }],
    ['variables', 'gitlab', { variables: `{"${TOKEN}": 1}` }],
    ['materials', 'gocd', { materials: TOKEN }],
    ['pipeline', 'gocd', { pipeline: `${TOKEN}!` }],
    ['ca-cert', 'gitlab', { 'ca-cert': TOKEN }]
  ])(
    'a secret pasted into %s (%s) is not echoed by its error',
    (name, system, over: Record<string, string>) => {
      const err = inputError(system, over, name);
      expect(err.message).toContain('***');
      expect(err.message.toLowerCase()).not.toContain(TOKEN.toLowerCase());
    }
  );
  test('a secret-variables value pasted elsewhere is not echoed either', () => {
    const err = inputError(
      'gocd',
      { 'secret-variables': 'K=pipel1ne-s3cret', pipeline: 'pipel1ne-s3cret!' },
      'pipeline'
    );
    expect(err.message).not.toContain('pipel1ne-s3cret');
  });
});

describe('parseDuration', () => {
  test('names the input it is told', () => {
    expect(() => parseDuration('later', 'poll-interval')).toThrow(/Input 'poll-interval'.*'later'/);
    expect(parseDuration('2h', 'timeout')).toBe(7_200_000);
  });
});

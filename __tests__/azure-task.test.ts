/**
 * The Azure task's metadata against the one table of names (src/config/inputs.ts), action.yml against
 * the same table, and the .vsix that `npm run package:azure` builds.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import * as yauzl from 'yauzl';
import Ajv from 'ajv-draft-04';
import { INPUTS, OUTPUTS, SYSTEMS, camelCase, inputsFor } from '../src/config/inputs.js';
import { neutralize } from '../src/hosts/azure.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const readJson = (p: string): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(root, p), 'utf8')) as Record<string, unknown>;

interface TaskInput {
  name: string;
  type: string;
  label: string;
  defaultValue: string;
  required: boolean;
  helpMarkDown: string;
  groupName?: string;
  visibleRule?: string;
  options?: Record<string, string>;
}
interface TaskJson {
  id: string;
  name: string;
  version: { Major: number; Minor: number; Patch: number };
  groups: { name: string }[];
  inputs: TaskInput[];
  outputVariables: { name: string; description: string }[];
  execution: Record<string, { target: string }>;
}

const task = readJson('azure/CiRelayV1/task.json') as unknown as TaskJson;
const sorted = (xs: Iterable<string>): string[] => [...xs].sort();

describe('azure/CiRelayV1/task.json', () => {
  test("validates against Microsoft's tasks.schema.json (draft-04)", () => {
    const schema = JSON.parse(
      fs.readFileSync(path.resolve(root, '../shared/reference/azure/tasks.schema.json'), 'utf8')
    ) as object;
    // Its patterns are ECMAScript regular expressions without the u flag (e.g. `connectedService\:`).
    const ajv = new Ajv.default({ allErrors: true, strict: false, unicodeRegExp: false });
    const validate = ajv.compile(schema);
    expect({ valid: validate(task), errors: validate.errors ?? [] }).toEqual({ valid: true, errors: [] });
    // The schema catches what the agent's designer would refuse.
    const broken = structuredClone(task) as unknown as { inputs: { properties?: Record<string, unknown> }[] };
    broken.inputs.find((i) => i.properties?.resizable !== undefined)!.properties!.resizable = 'true';
    expect(validate(broken)).toBe(false);
  });

  test('its inputs are exactly the inputs of src/config/inputs.ts, in camelCase, each once', () => {
    const names = task.inputs.map((i) => i.name);
    expect(new Set(names).size).toBe(names.length);
    expect(sorted(names)).toEqual(sorted(inputsFor('azure').map((i) => camelCase(i.name))));
  });

  test('its outputVariables are exactly the outputs of src/config/inputs.ts, in camelCase', () => {
    expect(sorted(task.outputVariables.map((o) => o.name))).toEqual(
      sorted(OUTPUTS.map((o) => camelCase(o.name)))
    );
    for (const o of task.outputVariables) expect(o.description).not.toBe('');
  });

  test.each(inputsFor('azure').map((i) => [i.name, i] as const))(
    'input %s: default, required, label, help, visibility',
    (_, def) => {
      const input = task.inputs.find((i) => i.name === camelCase(def.name));
      if (!input) throw new Error(`task.json has no input ${camelCase(def.name)}`);
      expect(input.defaultValue).toBe(def.default ?? '');
      expect(input.required).toBe(def.required ?? false);
      expect(input.label.trim()).not.toBe('');
      expect(input.helpMarkDown.trim()).not.toBe('');
      expect(['string', 'boolean', 'pickList', 'multiLine']).toContain(input.type);
      if (input.type === 'boolean') expect(['true', 'false']).toContain(input.defaultValue);
      if (input.groupName) expect(task.groups.map((g) => g.name)).toContain(input.groupName);
      // Hidden for the systems it means nothing to.
      expect(input.visibleRule).toBe(def.systems?.map((s) => `system = ${s}`).join(' || '));
      // Secrets come from secret variables: the help says so.
      if (def.secret) expect(input.helpMarkDown).toMatch(/secret variable/);
    }
  );

  test('the pick lists offer exactly what settings accept', () => {
    const options = (name: string): string[] =>
      Object.keys(task.inputs.find((i) => i.name === name)?.options ?? {});
    expect(options('system')).toEqual([...SYSTEMS]);
    expect(options('log')).toEqual(['stream', 'on-failure', 'none']);
    expect(options('jobType')).toEqual(['ci', 'unit-test']);
  });

  test('Node24 and Node20_1 both run the bundle, with a fixed id and version 1', () => {
    expect(task.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(task.name).toBe('CiRelay');
    expect(task.version.Major).toBe(1);
    expect(task.execution).toEqual({
      Node24: expect.objectContaining({ target: 'dist/index.js' }),
      Node20_1: expect.objectContaining({ target: 'dist/index.js' })
    });
  });

  test('azure/vss-extension.json contributes the task folder', () => {
    const ext = readJson('azure/vss-extension.json') as {
      files: { path: string }[];
      contributions: { type: string; properties: { name: string } }[];
    };
    expect(ext.files).toContainEqual({ path: 'CiRelayV1' });
    expect(ext.contributions).toContainEqual(
      expect.objectContaining({ type: 'ms.vss-distributed-task.task', properties: { name: 'CiRelayV1' } })
    );
  });
});

const actionYml = path.join(root, 'action.yml');
const hasActionYml = fs.existsSync(actionYml);
describe('action.yml', () => {
  if (!hasActionYml) {
    test.skip('SKIPPED: action.yml does not exist yet, so its inputs cannot be compared with task.json', () => {});
    return;
  }
  const action = parseYaml(fs.readFileSync(actionYml, 'utf8')) as {
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
  };
  test("its inputs are the same set as task.json's (kebab-case there, camelCase here), but GitHub's own", () => {
    const azure = new Set(inputsFor('azure').map((i) => i.name));
    expect(
      sorted(
        Object.keys(action.inputs)
          .filter((n) => azure.has(n))
          .map(camelCase)
      )
    ).toEqual(sorted(task.inputs.map((i) => i.name)));
  });
  test("its outputs are the same set as task.json's outputVariables", () => {
    expect(sorted(Object.keys(action.outputs).map(camelCase))).toEqual(
      sorted(task.outputVariables.map((o) => o.name))
    );
  });
});

describe('examples', () => {
  const names = new Set(INPUTS.map((i) => i.name));
  test('examples/azure-pipelines.yml gives CiRelay@1 only inputs of task.json', () => {
    const doc = parseYaml(fs.readFileSync(path.join(root, 'examples/azure-pipelines.yml'), 'utf8')) as {
      jobs: { steps: { task?: string; inputs?: Record<string, unknown> }[] }[];
    };
    const steps = doc.jobs.flatMap((j) => j.steps).filter((s) => s.task === 'CiRelay@1');
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) {
      for (const key of Object.keys(step.inputs ?? {})) expect(task.inputs.map((i) => i.name)).toContain(key);
    }
  });
  test('examples/github-workflow.yml gives the action only inputs of action.yml, and reads only its outputs', () => {
    const text = fs.readFileSync(path.join(root, 'examples/github-workflow.yml'), 'utf8');
    const doc = parseYaml(text) as {
      jobs: Record<string, { steps: { id?: string; uses?: string; with?: object }[] }>;
    };
    const steps = Object.values(doc.jobs)
      .flatMap((j) => j.steps)
      .filter((s) => s.uses?.endsWith('/ci-relay@v1'));
    expect(steps.map((s) => (s.with as { system: string }).system).sort()).toEqual([
      'gearset',
      'gitlab',
      'gocd'
    ]);
    for (const step of steps) for (const key of Object.keys(step.with ?? {})) expect(names).toContain(key);
    const outputs = OUTPUTS.map((o) => o.name as string);
    for (const [, , output] of text.matchAll(/steps\.(gitlab|gocd|gearset)\.outputs\.([a-z-]+)/g)) {
      expect(outputs).toContain(output);
    }
  });
  test("examples/Jenkinsfile passes only the CLI's flags", () => {
    const text = fs.readFileSync(path.join(root, 'examples/Jenkinsfile'), 'utf8');
    const flags = [...text.matchAll(/npx --yes \.\/ci-relay-[\d.]+\.tgz ([^']*)/g)].flatMap((m) =>
      [...m[1].matchAll(/ --([a-z-]+)/g)].map((f) => f[1])
    );
    expect(flags.length).toBeGreaterThan(0);
    for (const flag of flags) expect([...names, 'json', 'output-file']).toContain(flag);
    expect(text).toContain(
      "withCredentials([string(credentialsId: 'gitlab-token', variable: 'CI_RELAY_TOKEN')])"
    );
    expect(text).toContain("archiveArtifacts artifacts: 'ci-relay/**', allowEmptyArchive: true");
  });
});

describe('neutralize', () => {
  test.each([
    ['##vso[task.setvariable variable=conclusion]success'],
    ['step 3: ##vso[task.complete result=Succeeded;]done'],
    ['##VSO[task.uploadsummary]/etc/passwd'],
    ['##[group]fake group'],
    ['text ##[error]fake error ##vso[task.setsecret]x']
  ])('%s is no longer a command, and reads the same', (line) => {
    const out = neutralize(line);
    expect(out).not.toMatch(/##(vso)?\[/i);
    expect(out.replace(/\u200b/g, '')).toBe(line);
  });
  test('plain text is untouched', () => {
    expect(neutralize('## heading [x] #vso[ ok')).toBe('## heading [x] #vso[ ok');
  });
});

/** Every entry of a zip, as name → bytes (directories left out). */
async function readZip(file: string): Promise<Map<string, Buffer>> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true });
  const out = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', reject);
        stream.on('end', () => {
          out.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  zip.close();
  return out;
}

describe('npm run package:azure', () => {
  const distIndex = path.join(root, 'dist', 'index.js');
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-relay-vsix-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('builds a .vsix holding task.json and the whole bundle', async () => {
    if (!fs.existsSync(distIndex)) throw new Error('dist/index.js is missing: run `npm run build` first.');
    const vsix = path.join(tmp, 'ci-relay.vsix');
    const run = spawnSync(
      process.execPath,
      [path.join(root, 'scripts/package-azure.mjs'), '--output', vsix],
      {
        cwd: root,
        encoding: 'utf8'
      }
    );
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: expect.any(String) });

    const entries = await readZip(vsix);
    expect(entries.get('CiRelayV1/task.json')?.toString('utf8')).toBe(
      fs.readFileSync(path.join(root, 'azure/CiRelayV1/task.json'), 'utf8')
    );
    expect(entries.get('CiRelayV1/dist/index.js')?.equals(fs.readFileSync(distIndex))).toBe(true);
    // ncc's chunks (the lazily loaded host adapters) travel with the entry point.
    for (const f of fs.readdirSync(path.join(root, 'dist'), { recursive: true }) as string[]) {
      if (fs.statSync(path.join(root, 'dist', f)).isFile())
        expect(entries.has(`CiRelayV1/dist/${f}`)).toBe(true);
    }
    // Outside the repository, only this tells Node the bundle is an ES module.
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { type?: string };
    if (pkg.type === 'module') {
      const taskPkg = entries.get('CiRelayV1/dist/package.json');
      expect(JSON.parse(taskPkg?.toString('utf8') ?? '{}')).toMatchObject({ type: 'module' });
    }
    expect(entries.get('extension.vsomanifest')?.toString('utf8')).toContain('ms.vss-distributed-task.task');
    // The extension's icon: <Icon> in the manifest, and the PNG it names in the package.
    const vsixManifest = entries.get('extension.vsixmanifest')?.toString('utf8') ?? '';
    const icon = /<Icon>([^<]+)<\/Icon>/.exec(vsixManifest)?.[1] ?? '';
    expect(icon).not.toBe('');
    expect(vsixManifest).toContain(
      `Type="Microsoft.VisualStudio.Services.Icons.Default" d:Source="File" Path="${icon}"`
    );
    expect(entries.get(icon)?.subarray(1, 4).toString('latin1')).toBe('PNG');
    // task-lib travels in the task folder, with what it needs at run time: the bundle leaves it out.
    expect(entries.has('CiRelayV1/node_modules/azure-pipelines-task-lib/task.js')).toBe(true);
    expect(entries.has('CiRelayV1/node_modules/shelljs/package.json')).toBe(true);

    // Unpacked where the agent puts tasks (outside any package.json), the task runs as the agent starts it.
    const taskDir = path.join(tmp, 'tasks', 'CiRelay', '1.0.0');
    for (const [name, bytes] of entries) {
      if (!name.startsWith('CiRelayV1/')) continue;
      const file = path.join(taskDir, name.slice('CiRelayV1/'.length));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, bytes);
    }
    const ran = spawnSync(process.execPath, [path.join(taskDir, task.execution.Node20_1.target)], {
      cwd: tmp,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        TF_BUILD: 'True',
        AGENT_TEMPDIRECTORY: tmp,
        INPUT_SYSTEM: 'jenkins'
      }
    });
    expect(ran.stdout.split('\n')).toContain(
      "##vso[task.complete result=Failed;]Input 'system' must be one of gitlab, gocd, gearset, not 'jenkins'."
    );
    expect(ran.status).toBe(2);
  });
});

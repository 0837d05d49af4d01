#!/usr/bin/env node
/**
 * npm run package:azure [-- --output <file.vsix>] [-- <more tfx arguments, e.g. --publisher me>]
 *
 * Copies the bundle (dist/, every file: ncc writes chunk files beside index.js) into the task
 * folder azure/CiRelayV1/dist/, and azure-pipelines-task-lib with its runtime dependencies into
 * azure/CiRelayV1/node_modules/ (the bundle leaves it external, as Microsoft's own tasks ship it:
 * one copy the agent and the task test harness both load by name), then builds the extension with
 * tfx-cli. Nothing here needs the network: the packages come from this checkout's node_modules,
 * and `tfx extension create` only reads the manifests and zips the files.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const azure = path.join(root, 'azure');
const taskDir = path.join(azure, 'CiRelayV1');
const taskDist = path.join(taskDir, 'dist');

function fail(message) {
  process.stderr.write(`package:azure: ${message}\n`);
  process.exit(1);
}

const args = process.argv.slice(2);
let output;
const extra = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--output' || args[i] === '--output-path') output = args[++i];
  else extra.push(args[i]);
}

const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const manifest = JSON.parse(fs.readFileSync(path.join(azure, 'vss-extension.json'), 'utf8'));
output = path.resolve(
  output ?? path.join(root, `${manifest.publisher}.${manifest.id}-${manifest.version}.vsix`)
);

if (!fs.existsSync(path.join(dist, 'index.js'))) fail('dist/index.js is missing: run `npm run build` first.');

fs.rmSync(taskDist, { recursive: true, force: true });
fs.cpSync(dist, taskDist, { recursive: true });
// The bundle is an ES module; outside the repository nothing else tells Node so.
if (pkg.type === 'module' && !fs.existsSync(path.join(taskDist, 'package.json'))) {
  fs.writeFileSync(path.join(taskDist, 'package.json'), JSON.stringify({ type: 'module' }, null, 2) + '\n');
}

/** The package folder `name` resolves to from `fromDir`, as Node looks it up. */
function findPackage(name, fromDir) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) fail(`${name} is not installed: run \`npm ci\` first.`);
  }
}

/** Copies a package and its runtime dependencies, keeping their places relative to root/node_modules. */
function copyWithDependencies(name, fromDir, seen = new Set()) {
  const source = findPackage(name, fromDir);
  if (seen.has(source)) return;
  seen.add(source);
  const target = path.join(taskDir, path.relative(root, source));
  fs.cpSync(source, target, {
    recursive: true,
    filter: (src) => !path.relative(source, src).split(path.sep).includes('node_modules')
  });
  const manifest = JSON.parse(fs.readFileSync(path.join(source, 'package.json'), 'utf8'));
  for (const dep of Object.keys(manifest.dependencies ?? {})) copyWithDependencies(dep, source, seen);
}

fs.rmSync(path.join(taskDir, 'node_modules'), { recursive: true, force: true });
copyWithDependencies('azure-pipelines-task-lib', root);

const task = JSON.parse(fs.readFileSync(path.join(taskDir, 'task.json'), 'utf8'));
for (const [handler, { target }] of Object.entries(task.execution)) {
  if (!fs.existsSync(path.join(taskDir, target)))
    fail(`task.json's ${handler} target ${target} is not in the task folder.`);
}

const require = createRequire(import.meta.url);
const tfxPkgPath = require.resolve('tfx-cli/package.json');
const tfxPkg = JSON.parse(fs.readFileSync(tfxPkgPath, 'utf8'));
const tfxBin = path.join(
  path.dirname(tfxPkgPath),
  typeof tfxPkg.bin === 'string' ? tfxPkg.bin : tfxPkg.bin.tfx
);

fs.mkdirSync(path.dirname(output), { recursive: true });
fs.rmSync(output, { force: true });
const tfx = spawnSync(
  process.execPath,
  [
    tfxBin,
    'extension',
    'create',
    '--root',
    azure,
    '--manifest-globs',
    'vss-extension.json',
    '--output-path',
    output,
    '--no-prompt',
    '--no-color',
    ...extra
  ],
  { cwd: root, stdio: 'inherit' }
);
if (tfx.error) fail(`could not run tfx: ${tfx.error.message}`);
if (tfx.status !== 0) fail(`tfx extension create exited with ${tfx.status}.`);
if (!fs.existsSync(output)) fail(`tfx did not write ${output}.`);
process.stdout.write(`package:azure: wrote ${path.relative(process.cwd(), output) || output}\n`);

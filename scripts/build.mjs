// tsc → lib/, ncc → a fresh folder, then swapped in for dist/ at once: no stale chunk survives,
// and dist/ is never missing for longer than a rename.
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, renameSync, rmSync } from 'node:fs';
import process from 'node:process';

const bin = (name) => `node_modules/.bin/${name}`;
const next = `.dist-${process.pid}`;
rmSync('lib', { recursive: true, force: true });
execFileSync(bin('tsc'), ['-p', 'tsconfig.build.json'], { stdio: 'inherit' });
// Worker threads' plain CommonJS files (src/artifacts/zip-writer.cjs): ncc copies them on into dist/.
for (const f of readdirSync('src', { recursive: true }).filter((f) => f.endsWith('.cjs'))) {
  cpSync(`src/${f}`, `lib/${f}`);
}
try {
  execFileSync(
    bin('ncc'),
    [
      'build',
      'lib/index.js',
      '-o',
      next,
      '--license',
      'licenses.txt',
      '--target',
      'es2022',
      '--quiet',
      '--external',
      'azure-pipelines-task-lib'
    ],
    {
      stdio: 'inherit'
    }
  );
  rmSync('dist', { recursive: true, force: true });
  renameSync(next, 'dist');
} finally {
  rmSync(next, { recursive: true, force: true });
}

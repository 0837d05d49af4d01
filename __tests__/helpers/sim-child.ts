import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { GitLabSimOptions } from '../../sim/gitlab.js';

export interface SimChild {
  url: string;
  child: ChildProcess;
  close(): Promise<void>;
}

/** Starts helpers/sim-process.ts under tsx and waits for its URL. */
export function startGitLabSimProcess(options: GitLabSimOptions): Promise<SimChild> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.resolve('__tests__/helpers/sim-process.ts'), JSON.stringify(options)],
    { stdio: ['pipe', 'pipe', 'inherit'] }
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`the simulator exited with ${code}`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /url=(\S+)/.exec(out)?.[1];
      if (url)
        resolve({
          url,
          child,
          close: () =>
            new Promise<void>((done) => {
              child.removeAllListeners('exit');
              child.on('exit', () => done());
              child.stdin!.end();
            })
        });
    });
  });
}

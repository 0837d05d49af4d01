// What every case's TaskMockRunner script shares: the task (the built bundle), the simulator's
// URL and a folder of its own, both handed over by azure-mock.test.ts in a file named after its
// process (MockTestRunner starts this script with no way to pass it an environment).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { TaskMockRunner } = require('azure-pipelines-task-lib/mock-run');

exports.runner = function runner(inputs) {
  const { dir, url } = JSON.parse(
    fs.readFileSync(path.join(os.tmpdir(), `ci-relay-mock-case-${process.ppid}.json`), 'utf8')
  );
  process.chdir(dir);
  // The agent's temp folder: task-lib keeps its .taskkey there, ci-relay its summary.
  process.env.AGENT_TEMPDIRECTORY = dir;
  const tmr = new TaskMockRunner(path.resolve(__dirname, '../../dist/index.js'));
  const all = {
    system: 'gitlab',
    url,
    token: 'glpat-sim-token',
    project: 'group/sub/app',
    pollInterval: '1s',
    downloadDir: path.join(dir, 'ci-relay'),
    ...inputs
  };
  for (const [name, value] of Object.entries(all)) tmr.setInput(name, value);
  return tmr;
};

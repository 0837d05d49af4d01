import type { HostKind } from '../core/host.js';

/**
 * GitHub and Azure announce themselves; anything else is a shell. `--host`/`CI_RELAY_HOST`
 * override. `args` are the command line's arguments (after `node script`): the action
 * (action.yml `runs.main`) and the task (task.json `execution.target`) start the entry with none,
 * so arguments mean a `run:`/`script:` step calling the CLI, even inside GitHub or Azure.
 */
export function detectHost(env: NodeJS.ProcessEnv, args: string[]): HostKind {
  const flag = args.findIndex((a) => a === '--host' || a.startsWith('--host='));
  const override =
    flag >= 0 ? (args[flag].includes('=') ? args[flag].split('=')[1] : args[flag + 1]) : env.CI_RELAY_HOST;
  if (override === 'github' || override === 'azure' || override === 'cli') return override;
  if (args.length) return 'cli';
  if (env.GITHUB_ACTIONS === 'true') return 'github';
  if (env.TF_BUILD?.toLowerCase() === 'true') return 'azure';
  // azure-pipelines-task-lib marks itself loaded (internal.js _loadData) and has by then moved
  // INPUT_* into its vault: only a task runner loads it before the task, as Microsoft's test
  // harness (mock-test's TaskMockRunner) does, without setting TF_BUILD.
  if ((globalThis as { _vsts_task_lib_loaded?: boolean })._vsts_task_lib_loaded) return 'azure';
  return 'cli';
}

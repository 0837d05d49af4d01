import type { HostKind } from './host.js';

/** GitHub and Azure announce themselves; anything else is a shell. `--host`/`CI_RELAY_HOST` override. */
export function detectHost(env: NodeJS.ProcessEnv, argv: string[]): HostKind {
  const flag = argv.findIndex((a) => a === '--host' || a.startsWith('--host='));
  const override =
    flag >= 0 ? (argv[flag].includes('=') ? argv[flag].split('=')[1] : argv[flag + 1]) : env.CI_RELAY_HOST;
  if (override === 'github' || override === 'azure' || override === 'cli') return override;
  if (env.GITHUB_ACTIONS === 'true') return 'github';
  if (env.TF_BUILD?.toLowerCase() === 'true') return 'azure';
  // azure-pipelines-task-lib marks itself loaded (internal.js _loadData) and has by then moved
  // INPUT_* into its vault: only a task runner loads it before the task, as Microsoft's test
  // harness (mock-test's TaskMockRunner) does, without setting TF_BUILD.
  if ((globalThis as { _vsts_task_lib_loaded?: boolean })._vsts_task_lib_loaded) return 'azure';
  return 'cli';
}

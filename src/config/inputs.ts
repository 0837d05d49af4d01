/**
 * The public names of CONTRACT.md, in one place: settings, the CLI's flags and help, and the
 * tests that check action.yml and task.json all read this table.
 */
export const SYSTEMS = ['gitlab', 'gocd', 'gearset'] as const;
export type System = (typeof SYSTEMS)[number];

/** Each system's name as people write it, in messages and the summary. */
export const SYSTEM_NAMES: Record<System, string> = {
  gitlab: 'GitLab',
  gocd: 'GoCD',
  gearset: 'Gearset'
};

/** The hosts ci-relay runs in (core/host.ts's HostKind). */
export type HostName = 'github' | 'azure' | 'cli';

export interface InputDef {
  /** kebab-case, as GitHub and the CLI use it; Azure uses it in camelCase. */
  name: string;
  default?: string;
  required?: boolean;
  secret?: boolean;
  /** The systems it applies to; all when absent. */
  systems?: readonly System[];
  /** The hosts that read it; all when absent (elsewhere it is ignored, as if unset). */
  hosts?: readonly HostName[];
  description: string;
}

export const INPUTS: readonly InputDef[] = [
  { name: 'system', required: true, description: 'The remote CI system: gitlab, gocd or gearset.' },
  {
    name: 'url',
    description:
      'Server root. Default https://gitlab.com for gitlab, https://api.gearset.com for gearset; required for gocd (https://host or https://host/go).'
  },
  {
    name: 'token',
    secret: true,
    description: 'GitLab access token, GoCD access token (bearer) or Gearset API token.'
  },
  { name: 'username', systems: ['gocd'], description: 'GoCD basic-auth user, instead of token.' },
  { name: 'password', secret: true, systems: ['gocd'], description: 'GoCD basic-auth password.' },
  {
    name: 'ca-cert',
    description: 'PEM text, or a path to a PEM file, trusted in addition to the system CAs.'
  },
  {
    name: 'tls-verify',
    default: 'true',
    description: 'false skips certificate checks (with a warning every run).'
  },
  {
    name: 'variables',
    description: 'Variables for the run: lines of KEY=VALUE, or a JSON/YAML map.'
  },
  {
    name: 'run',
    description:
      'Attach to an existing run instead of triggering one (GitLab pipeline id, GoCD pipeline counter, Gearset run request id).'
  },
  {
    name: 'wait',
    default: 'true',
    description: 'false: trigger, set run-id and run-url, and succeed at once.'
  },
  { name: 'timeout', default: '1h', description: 'How long to wait: 90s, 45m, 1h30m, or plain seconds.' },
  {
    name: 'poll-interval',
    default: '10s',
    description: 'The longest gap between status polls (the first polls come sooner).'
  },
  {
    name: 'cancel-on-timeout',
    default: 'true',
    description: 'Cancel the remote run when timeout passes.'
  },
  {
    name: 'cancel-on-abort',
    default: 'true',
    description: 'Cancel the remote run when the calling job is cancelled.'
  },
  {
    name: 'log',
    default: 'stream',
    description: 'The remote log in this log: stream (live), on-failure (tail of failed jobs), none.'
  },
  {
    name: 'download-dir',
    default: 'ci-relay',
    description: 'Folder (relative to the working directory) for logs and artifacts.'
  },
  {
    name: 'artifacts',
    default: '**',
    description: 'Newline- or comma-separated globs of artifact paths to download; none downloads none.'
  },
  {
    name: 'success-on',
    default: 'success',
    description: 'Conclusions that count as success, comma-separated (e.g. success,partial).'
  },
  {
    name: 'max-artifact-size',
    default: '5GiB',
    description: 'The most artifacts may take on disk per run; past it the download stops with an error.'
  },
  {
    name: 'test-results',
    description:
      'Globs of JUnit XML files among the downloaded artifacts to read as test results (GitLab also reads the pipeline test report); empty: off.'
  },
  {
    name: 'runs',
    description:
      "Several runs in one step: a YAML or JSON list, each item a map of these inputs for one run plus a unique name; items inherit the step's inputs (see Several runs)."
  },
  {
    name: 'fail-fast',
    default: 'false',
    description: 'With runs: cancel the other runs as soon as one ends unsuccessfully.'
  },
  {
    name: 'outputs-file',
    description:
      "A file among the downloaded artifacts (path or glob; the first match of the followed jobs) of KEY=VALUE lines (GitLab's dotenv form) or a JSON object: each key becomes a step output, all of them remote-outputs."
  },
  {
    name: 'project',
    systems: ['gitlab'],
    description: 'GitLab project: numeric id or group/sub/name path (required for gitlab).'
  },
  { name: 'ref', systems: ['gitlab'], description: 'GitLab branch or tag to create a pipeline on.' },
  {
    name: 'trigger-token',
    secret: true,
    systems: ['gitlab'],
    description: 'GitLab pipeline trigger token: create the pipeline through the trigger API.'
  },
  {
    name: 'job',
    systems: ['gitlab', 'gearset'],
    description:
      'GitLab: a job name to follow (played if manual) or a numeric job id (played, retried or followed). Gearset: the CI or unit-test job id (required).'
  },
  {
    name: 'inputs',
    systems: ['gitlab'],
    description:
      'GitLab pipeline inputs (spec:inputs, GitLab 18.1+; job_inputs when a manual job is played): lines of KEY=VALUE (strings), or a JSON/YAML map whose numbers, booleans and lists keep their types.'
  },
  {
    name: 'sha',
    systems: ['gitlab'],
    description:
      'A full commit SHA: trigger nothing, wait for the pipeline GitLab creates for it (only on ref when given), and follow it.'
  },
  { name: 'pipeline', systems: ['gocd'], description: 'GoCD pipeline name (required for gocd).' },
  {
    name: 'materials',
    systems: ['gocd'],
    description: 'GoCD material revisions: lines of fingerprint=revision.'
  },
  {
    name: 'secret-variables',
    secret: true,
    systems: ['gocd'],
    description: 'Like variables, sent to GoCD as secure variables and masked.'
  },
  {
    name: 'update-materials',
    default: 'false',
    systems: ['gocd'],
    description: 'true: GoCD fetches materials before scheduling.'
  },
  {
    name: 'job-type',
    default: 'ci',
    systems: ['gearset'],
    description: 'Gearset job type: ci or unit-test.'
  },
  { name: 'commit', systems: ['gearset'], description: 'Source commit id to run the Gearset CI job on.' },
  {
    name: 'github-status',
    default: 'false',
    hosts: ['github'],
    description: 'GitHub only. true: mirror the remote run as a commit status (pending, then its end).'
  },
  {
    name: 'github-token',
    default: '${{ github.token }}',
    secret: true,
    hosts: ['github'],
    description: 'GitHub only. Token for github-status; it needs the statuses: write permission.'
  },
  {
    name: 'status-context',
    hosts: ['github'],
    description:
      "GitHub only. The commit status's context name (default ci-relay/<system>: <project, pipeline or job>)."
  }
];

export const OUTPUTS = [
  {
    name: 'conclusion',
    description: 'success, failed, canceled, skipped, blocked, partial, timed_out or error.'
  },
  { name: 'status', description: "The remote system's own final status word." },
  { name: 'run-id', description: 'GitLab pipeline id, GoCD pipeline/counter, Gearset run request id.' },
  { name: 'run-url', description: "The run's page in the remote system's web UI." },
  {
    name: 'jobs',
    description: 'JSON array of {name,id,stage,status,conclusion,url,log,artifacts}.'
  },
  {
    name: 'log-file',
    description: 'Path of the log of the followed job (the first failed one when several).'
  },
  { name: 'download-dir', description: 'Absolute path of the folder holding logs and artifacts.' },
  { name: 'duration', description: 'Seconds from trigger to the end.' },
  {
    name: 'tests',
    description:
      'JSON totals of the test results read: {total,passed,failed,skipped,errors,time}; empty when none.'
  },
  {
    name: 'failed-tests',
    description: 'The number of failed (and errored) tests; empty when no test results were read.'
  },
  {
    name: 'runs',
    description: 'With runs: JSON array, one entry per run with its name and every output above.'
  },
  {
    name: 'remote-outputs',
    description: 'JSON object of the values read from outputs-file; empty when none.'
  }
] as const;
export type OutputName = (typeof OUTPUTS)[number]['name'];

/** `poll-interval` → `pollInterval` (Azure's names). */
export function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** `poll-interval` → `CI_RELAY_POLL_INTERVAL` (the CLI's environment). */
export function envName(name: string): string {
  return `CI_RELAY_${name.replace(/-/g, '_').toUpperCase()}`;
}

/** The inputs a host reads; the others it ignores (GitHub-only inputs on Azure or the CLI). */
export function inputsFor(host: HostName): InputDef[] {
  return INPUTS.filter((i) => !i.hosts || i.hosts.includes(host));
}

/** An input reader for a host: inputs that host does not read are unset there. */
export function hostInputs(host: HostName, read: (name: string) => string): (name: string) => string {
  const names = new Set(inputsFor(host).map((i) => i.name));
  return (name) => (names.has(name) ? read(name) : '');
}

/** GitLab's statuses, and how it composes a pipeline's status from its jobs'. */
// ---------------------------------------------------------------------------------------------
// Statuses

export const DEFAULT_PENDING_MS = 200;
export const DEFAULT_RUNNING_MS = 1000;
export const AVAILABLE_STATUSES = [
  'created',
  'waiting_for_resource',
  'preparing',
  'pending',
  'running',
  'success',
  'failed',
  'canceled',
  'skipped',
  'manual',
  'scheduled'
];
export const COMPLETED = new Set(['success', 'failed', 'canceled', 'skipped']);
/** Ci::HasStatus::CANCELABLE_STATUSES: manual jobs are NOT canceled by a cancel. */
export const CANCELABLE = new Set([
  'created',
  'waiting_for_resource',
  'preparing',
  'pending',
  'running',
  'scheduled'
]);
export const RETRYABLE = new Set(['success', 'failed', 'canceled']);

export interface StatusItem {
  status: string;
  allowFailure: boolean;
}

/** Gitlab::Ci::Status::Composite#status, as in GitLab's lib/gitlab/ci/status/composite.rb. */
export function compositeStatus(items: StatusItem[]): string | undefined {
  if (items.length === 0) return undefined;
  const set = new Set<string>();
  for (const { status, allowFailure } of items) {
    if (allowFailure && (status === 'failed' || status === 'canceled')) set.add('success_with_warnings');
    else if (allowFailure && status === 'manual') set.add('ignored');
    else set.add(status);
  }
  const only = (...names: string[]): boolean => [...set].every((s) => names.includes(s));
  const any = (...names: string[]): boolean => names.some((n) => set.has(n));
  if (only('skipped', 'ignored')) return 'skipped';
  if (only('success', 'skipped', 'success_with_warnings', 'ignored')) return 'success';
  if (only('created', 'success_with_warnings', 'ignored')) return 'created';
  if (only('preparing', 'success_with_warnings', 'ignored')) return 'preparing';
  if (only('canceled', 'success', 'skipped', 'success_with_warnings', 'ignored')) return 'canceled';
  if (only('pending', 'created', 'skipped', 'success_with_warnings', 'ignored')) return 'pending';
  if (any('running', 'pending')) return 'running';
  if (any('waiting_for_resource')) return 'waiting_for_resource';
  if (any('manual')) return 'manual';
  if (any('scheduled')) return 'scheduled';
  if (any('preparing')) return 'preparing';
  if (any('created')) return 'running';
  return 'failed';
}

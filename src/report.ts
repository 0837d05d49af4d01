import type { Host } from './hosts/host.js';
import type { Result } from './result.js';

/** Sets every output of CONTRACT.md from a result. */
export function setOutputs(host: Host, result: Result): void {
  host.setOutput('run-id', result.runId);
  host.setOutput('run-url', result.runUrl);
  host.setOutput('download-dir', result.downloadDir);
  if (!result.waited) return;
  host.setOutput('conclusion', result.conclusion);
  host.setOutput('status', result.status);
  host.setOutput(
    'jobs',
    JSON.stringify(
      result.jobs.map((j) => ({
        name: j.name,
        id: j.id,
        stage: j.stage ?? '',
        status: j.status,
        conclusion: j.conclusion,
        url: j.url ?? '',
        log: j.log ?? '',
        artifacts: j.artifacts ?? ''
      }))
    )
  );
  host.setOutput('log-file', result.logFile);
  host.setOutput('duration', String(result.duration));
}

const ICONS: Record<string, string> = {
  success: '✅',
  failed: '❌',
  canceled: '⏹️',
  skipped: '⏭️',
  blocked: '✋',
  partial: '⚠️',
  timed_out: '⏱️',
  error: '💥',
  running: '🔄'
};

/** The Markdown report for GitHub's job summary and Azure's build summary. */
export function summaryMarkdown(result: Result): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const run = result.runUrl ? `[${result.runId}](${result.runUrl})` : result.runId;
  const out = [`### ci-relay: ${result.system} run ${run}`, ''];
  if (!result.waited) {
    out.push('Triggered without waiting (`wait: false`).');
    return out.join('\n') + '\n';
  }
  out.push(
    `**${ICONS[result.conclusion] ?? ''} ${result.conclusion}**` +
      (result.status && result.status !== result.conclusion ? ` (${cell(result.status)})` : '') +
      ` in ${result.duration}s` +
      (result.message ? ` — ${cell(result.message)}` : ''),
    ''
  );
  if (result.jobs.length) {
    out.push('| Job | Stage | Conclusion | Duration | Link |', '|---|---|---|---|---|');
    for (const j of result.jobs) {
      out.push(
        `| ${cell(j.name)} | ${cell(j.stage ?? '')} | ${ICONS[j.conclusion] ?? ''} ${j.conclusion} | ${
          j.duration !== undefined ? `${Math.round(j.duration)}s` : ''
        } | ${j.url ? `[open](${j.url})` : ''} |`
      );
    }
  }
  return out.join('\n') + '\n';
}

import type { RunStatus } from '../executor/api/index.js';

const STOPPED: Record<Exclude<RunStatus, 'waiting_approval' | 'completed' | 'running'>, string> = {
  needs_attention: 'needs attention',
  blocked: 'is blocked',
  failed: 'failed',
  cancelled: 'was cancelled',
};

/** What the banner says about the demo run, by its status: the first thing a newcomer should try. */
export function demoRunHint(runId: string, status: RunStatus | 'starting', baseUrl: string): string[] {
  const walkthrough = 'A walk-through of the first 10 minutes: docs/first-10-minutes.md';
  switch (status) {
    case 'waiting_approval':
      return [
        `Try this first — open the approvals inbox: the example run ${runId} waits for you → ${baseUrl}/approvals`,
        `  (a tour of every node type, examples/plans/demo-tour.json; one Approve completes it). ${walkthrough}`,
      ];
    case 'completed':
      return [`The example run ${runId} has completed → ${baseUrl}/runs/${runId}. ${walkthrough}`];
    case 'running':
    case 'starting':
      return [
        `The example run ${runId} is on its way to its approval; approve it in the inbox → ${baseUrl}/approvals`,
        `  ${walkthrough}`,
      ];
    default:
      return [`The example run ${runId} ${STOPPED[status]}: see why → ${baseUrl}/runs/${runId}. ${walkthrough}`];
  }
}

import type { PlanIssue } from '../api/index.js';

/** `node "fetch" params.url: …` or `name: …` — an issue on one line, for messages and logs. */
export function describeIssue(issue: PlanIssue): string {
  if (issue.nodeId) return `node "${issue.nodeId}"${issue.field ? ` ${issue.field}` : ''}: ${issue.message}`;
  return `${issue.path}: ${issue.message}`;
}

import type { z } from 'zod';
import type { FieldIssue } from '../errors.js';

/** Turns Zod issues into `path: message` pairs a person can act on. */
export function toFieldIssues(error: z.ZodError, prefix: readonly (string | number)[] = []): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: formatPath([...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))]) || '(root)',
    message: issue.message,
  }));
}

export function formatPath(path: readonly (string | number)[]): string {
  return path.map(String).join('.');
}

export function formatFieldIssues(issues: readonly FieldIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}

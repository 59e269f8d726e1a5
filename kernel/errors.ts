/**
 * The one error type that crosses plugin boundaries. `code` decides how the CLI exits and which HTTP
 * status the server answers with; `message` is written for a person; `details` carries field paths.
 */
export type OrchErrorCode =
  | 'invalid_input' // bad plan, config, manifest, argument or request body → 400 / exit 1
  | 'not_found' // unknown id → 404
  | 'forbidden' // the operator may not do this (e.g. not among an approval's approvers) → 403
  | 'conflict' // already decided, already running → 409
  | 'unavailable' // a server or MCP server cannot be reached → 503
  | 'write_failed' // the state folder refused a write: the work stops
  | 'timeout'
  | 'cancelled'
  | 'internal';

export interface FieldIssue {
  /** Dotted path of the field, e.g. `root.children.2.params.url`. */
  path: string;
  message: string;
}

export class OrchError extends Error {
  override readonly name = 'OrchError';
  constructor(
    readonly code: OrchErrorCode,
    message: string,
    readonly details?: { file?: string; issues?: FieldIssue[]; [key: string]: unknown },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isOrchError(value: unknown): value is OrchError {
  return value instanceof OrchError || (value instanceof Error && value.name === 'OrchError' && 'code' in value);
}

/** A readable message for anything thrown, for logs and CLI output (never a stack trace). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

import { z } from 'zod';
import { describeError, isOrchError, OrchError, toFieldIssues, type OrchErrorCode } from '../../kernel/index.js';

/** The JSON every failed request gets: `{ error: { code, message, details } }`, never a stack trace. */
export interface ErrorBody {
  error: { code: OrchErrorCode; message: string; details: Record<string, unknown> };
}

export const STATUS_BY_CODE: Record<OrchErrorCode, number> = {
  invalid_input: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  cancelled: 409,
  unavailable: 503,
  timeout: 504,
  write_failed: 500,
  internal: 500,
};

/** An `OrchError` that also fixes the HTTP status (413 too large, 415 wrong media type, 405 …). */
export class HttpError extends OrchError {
  constructor(
    readonly status: number,
    code: OrchErrorCode,
    message: string,
    details?: OrchError['details'],
  ) {
    super(code, message, details);
  }
}

export interface ErrorReply {
  status: number;
  body: ErrorBody;
  /** Unexpected: log it with its stack. */
  unexpected: boolean;
}

/** Maps anything a handler throws to a status and a JSON body a person (or a GUI) can act on. */
export function toErrorReply(error: unknown, where: string): ErrorReply {
  if (error instanceof HttpError) return { status: error.status, body: bodyOf(error), unexpected: false };
  if (isOrchError(error)) {
    return { status: STATUS_BY_CODE[error.code] ?? 500, body: bodyOf(error), unexpected: STATUS_BY_CODE[error.code] === undefined };
  }
  if (error instanceof z.ZodError) {
    const issues = toFieldIssues(error);
    return {
      status: 400,
      body: { error: { code: 'invalid_input', message: `Invalid input: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, details: { issues } } },
      unexpected: false,
    };
  }
  return {
    status: 500,
    body: {
      error: {
        code: 'internal',
        message: `Internal error while handling ${where}: ${describeError(error)} (details in logs/app.jsonl)`,
        details: {},
      },
    },
    unexpected: true,
  };
}

function bodyOf(error: OrchError): ErrorBody {
  return { error: { code: error.code, message: error.message, details: toPlainDetails(error.details) } };
}

/** Details must survive JSON: drop functions, errors and cycles rather than fail the reply. */
function toPlainDetails(details: OrchError['details']): Record<string, unknown> {
  if (!details) return {};
  try {
    return JSON.parse(JSON.stringify(details)) as Record<string, unknown>;
  } catch {
    return { note: 'details could not be serialised' };
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import { injectable } from 'inversify';
import type { z } from 'zod';
import { OrchError } from '../../../kernel/index.js';
import { type DryRunContext, type DryRunIssue, type NodeAdapter, type NodeRunContext, type RiskLevel } from '../../plans/api/index.js';
import { exchange, safeUrl, TransientHttpFailure, type HttpAnswer } from './http-exchange.js';
import { HttpParamsSchema, IDEMPOTENT_METHODS, type HttpOutput, type HttpParams } from './http-params.js';
import { retryWaitMs } from './retry-wait.js';

/** Statuses that say "try again later". */
function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * `local_task` kind `http`: one HTTP request with the node's retry budget for transient failures
 * (network errors, a try's timeout, 408, 429, 5xx) — for idempotent methods, or any method with
 * `retryNonIdempotent`. A transient failure that outlasts the retries fails the attempt (the
 * executor then retries the node and, after its last attempt, hands it to a person); other 4xx
 * answers fail it at once, since repeating the same request cannot help.
 *
 * The `external_service` adapter sends its requests through this adapter too.
 */
@injectable()
export class HttpAdapter implements NodeAdapter<HttpParams, HttpOutput> {
  readonly type = 'local_task' as const;
  readonly kind = 'http';
  readonly paramsSchema = HttpParamsSchema as unknown as z.ZodType<HttpParams>;
  readonly defaultRiskLevel: RiskLevel = 'medium';
  readonly description = 'Sends an HTTP request and returns its status, headers and body; retries network errors, timeouts, 429 and 5xx';

  /** Reading is low risk; anything that may change the other side is medium. */
  riskOf(params: HttpParams): RiskLevel {
    return ['GET', 'HEAD', 'OPTIONS'].includes(params.method) ? 'low' : 'medium';
  }

  async dryRun({ params }: DryRunContext<HttpParams>): Promise<DryRunIssue[]> {
    const issues: DryRunIssue[] = [];
    if (params.retryNonIdempotent && !IDEMPOTENT_METHODS.includes(params.method) && !params.idempotencyHeader) {
      issues.push({
        path: 'params.retryNonIdempotent',
        severity: 'warning',
        message: `a retried ${params.method} may take effect twice; set idempotencyHeader (e.g. "Idempotency-Key") if the server deduplicates`,
      });
    }
    if (!params.url.includes('{{') && new URL(params.url).password) {
      issues.push({ path: 'params.url', severity: 'warning', message: 'the URL carries a password, which is then stored in the plan; prefer an external_service with a secret from the environment' });
    }
    return issues;
  }

  async run(ctx: NodeRunContext<HttpParams>): Promise<HttpOutput> {
    const { params } = ctx;
    const url = new URL(params.url);
    for (const [name, value] of Object.entries(params.query)) {
      for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(item));
    }
    const headers = { ...params.headers };
    const hasHeader = (name: string) => Object.keys(headers).some((h) => h.toLowerCase() === name.toLowerCase());
    let body: string | undefined;
    if (params.json !== undefined) {
      body = JSON.stringify(params.json);
      if (!hasHeader('content-type')) headers['content-type'] = 'application/json';
    } else if (params.text !== undefined) {
      body = params.text;
      if (!hasHeader('content-type')) headers['content-type'] = 'text/plain; charset=utf-8';
    }
    if (params.idempotencyHeader) headers[params.idempotencyHeader] = ctx.idempotencyKey;

    const mayRetry = IDEMPOTENT_METHODS.includes(params.method) || params.retryNonIdempotent;
    const label = `${params.method} ${safeUrl(url)}`;
    const started = Date.now();
    for (let tries = 1; ; tries++) {
      let answer: HttpAnswer | undefined;
      let transient: string | undefined;
      try {
        answer = await exchange({
          method: params.method,
          url,
          headers,
          body,
          timeoutMs: params.timeoutMs,
          maxResponseBytes: params.maxResponseBytes,
          responseType: params.responseType,
          followRedirects: params.followRedirects,
          signal: ctx.signal,
        });
        if (isTransientStatus(answer.status) && !params.acceptStatuses.includes(answer.status)) {
          transient = `${label} answered ${answer.status} ${answer.statusText}`.trim();
        }
      } catch (error) {
        if (!(error instanceof TransientHttpFailure)) throw error;
        transient = error.message;
      }

      if (transient !== undefined) {
        const retriesLeft = mayRetry && tries <= params.retries;
        ctx.logger.warn(`HTTP try ${tries} failed: ${transient}${retriesLeft ? '; retrying' : ''}`, { method: params.method, url: safeUrl(url), status: answer?.status, tries });
        if (retriesLeft) {
          const waitMs = retryWaitMs(tries, params.retryBackoffMs, answer?.headers['retry-after']);
          await sleep(waitMs, undefined, { signal: ctx.signal }).catch(() => {
            throw ctx.signal.reason;
          });
          continue;
        }
        const why = mayRetry ? `after ${tries} ${tries === 1 ? 'try' : 'tries'}` : `(${params.method} is not retried without retryNonIdempotent)`;
        throw new Error(`${transient} ${why}${answer ? bodySnippet(answer) : ''}`);
      }

      const output: HttpOutput = { ...answer!, tries, durationMs: Date.now() - started };
      ctx.logger.info(`HTTP ${label} → ${output.status} in ${output.durationMs} ms`, { method: params.method, url: safeUrl(url), status: output.status, tries });
      const ok = (output.status >= 200 && output.status < 400) || params.acceptStatuses.includes(output.status);
      if (!ok) {
        throw new OrchError('invalid_input', `${label} answered ${output.status} ${output.statusText}${bodySnippet(output)}`.trim(), {
          status: output.status,
          issues: [{ path: 'params', message: `the server refused the request with ${output.status}; add it to acceptStatuses if it is expected` }],
        });
      }
      return output;
    }
  }
}

/** The start of an error answer, to say why; bodies can be long. */
function bodySnippet(answer: Pick<HttpAnswer, 'body' | 'bodyEncoding'>): string {
  if (answer.bodyEncoding === 'empty' || answer.bodyEncoding === 'base64') return '';
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  const trimmed = text.replace(/\s+/g, ' ').trim();
  return trimmed ? `: ${trimmed.length > 200 ? `${trimmed.slice(0, 200)}…` : trimmed}` : '';
}

import { inject, injectable } from 'inversify';
import type { z } from 'zod';
import { type DryRunContext, type DryRunIssue, type NodeAdapter, type NodeRunContext, type RiskLevel } from '../../plans/api/index.js';
import { refusalReason, Workspace } from '../workspace/workspace.js';
import { FileOperations } from './file-operations.js';
import { FileParamsSchema, type FileOp, type FileParams } from './file-params.js';

/** Reading leaves everything as it was; changing is medium; deleting cannot be undone. */
const RISK: Record<FileOp, RiskLevel> = {
  read: 'low',
  list: 'low',
  exists: 'low',
  write: 'medium',
  append: 'medium',
  copy: 'medium',
  move: 'medium',
  delete: 'high',
};

/**
 * `local_task` kind `file`: read, write, append, copy, move, delete, list, exists — only inside the
 * workspace root. `..` and symbolic links that lead out are refused; writes are atomic.
 */
@injectable()
export class FileAdapter implements NodeAdapter<FileParams, unknown> {
  readonly type = 'local_task' as const;
  readonly kind = 'file';
  readonly paramsSchema = FileParamsSchema as unknown as z.ZodType<FileParams>;
  readonly defaultRiskLevel: RiskLevel = 'medium';
  readonly description = 'Reads, writes, appends, copies, moves, deletes, lists or checks files inside the workspace root';

  constructor(@inject(Workspace) private readonly workspace: Workspace) {}

  riskOf(params: FileParams): RiskLevel {
    return RISK[params.op];
  }

  /** Checks that every path stays inside the workspace, without touching anything. */
  async dryRun({ params }: DryRunContext<FileParams>): Promise<DryRunIssue[]> {
    const issues: DryRunIssue[] = [];
    const fields = (['path', 'from', 'to'] as const).filter((f) => f in params);
    for (const field of fields) {
      const value = (params as Record<string, unknown>)[field];
      if (typeof value !== 'string' || value.includes('{{')) continue;
      try {
        await this.workspace.resolve(value, field, params.op === 'delete' || params.op === 'move' || params.op === 'exists' ? 'keep' : 'follow');
      } catch (error) {
        issues.push({ path: `params.${field}`, message: refusalReason(error, value) });
      }
    }
    return issues;
  }

  async run(ctx: NodeRunContext<FileParams>): Promise<unknown> {
    ctx.signal.throwIfAborted();
    const output = await this.operate(new FileOperations(this.workspace, ctx), ctx.params);
    // One line per operation, with the paths (never file content): the trail a host's audit needs.
    const { op } = ctx.params;
    const { content: _content, entries: _entries, ...facts } = output as Record<string, unknown>;
    ctx.logger.info(`File ${op} ${describeTarget(ctx.params)}`, { op, ...facts });
    return output;
  }

  private operate(ops: FileOperations, p: FileParams): Promise<unknown> {
    switch (p.op) {
      case 'read':
        return ops.read(p);
      case 'write':
        return ops.write(p);
      case 'append':
        return ops.append(p);
      case 'copy':
        return ops.copy(p);
      case 'move':
        return ops.move(p);
      case 'delete':
        return ops.delete(p);
      case 'list':
        return ops.list(p);
      case 'exists':
        return ops.exists(p);
    }
  }
}

function describeTarget(p: FileParams): string {
  return 'from' in p ? `${p.from} → ${p.to}` : p.path;
}

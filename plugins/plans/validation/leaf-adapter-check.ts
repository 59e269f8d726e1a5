import { describeError, formatPath, type Logger } from '../../../kernel/index.js';
import { adapterKey, adapterParamsOf, adapterParamsPrefix, needsApprovalByRisk, type DryRunNodeReport, type LeafNode, type NodeAdapter, type NodeAdapterRegistry, type PlanIssue, type RiskLevel } from '../api/index.js';
import type { TreeNode } from './plan-tree.js';

/** Adapter dry runs that take longer than this (an MCP server that hangs) become a warning. */
export const ADAPTER_CHECK_TIMEOUT_MS = 20_000;

/** A problem with a leaf's own fields; `field` is relative to the node (`params.url`, `prompt`). */
export interface FieldProblem {
  field: string;
  path: (string | number)[];
  message: string;
}

/**
 * The node's own fields against its adapter: the common fields the type needs, then the params
 * with the adapter's schema. A value holding a `{{ … }}` template stands for a value of any type,
 * so a problem there waits for run time. `params` is what the adapter parsed (defaults applied),
 * absent when there were problems or a template stood in the way.
 */
export function checkAdapterFields(node: object, adapter: NodeAdapter): { params?: unknown; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  for (const [field, message] of Object.entries(adapter.requiredFields ?? {})) {
    const value = (node as Record<string, unknown>)[field];
    if (value === undefined || value === '') problems.push({ field, path: [field], message: message! });
  }
  const raw = adapterParamsOf(node as unknown as LeafNode);
  const parsed = adapter.paramsSchema.safeParse(raw);
  if (parsed.success) return problems.length ? { problems } : { params: parsed.data, problems };
  const prefix = adapterParamsPrefix(node as unknown as LeafNode);
  for (const zodIssue of parsed.error.issues) {
    const within = zodIssue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    if (!holdsTemplate(raw, within)) {
      problems.push({ field: [prefix, formatPath(within)].filter(Boolean).join('.'), path: prefix ? [prefix, ...within] : within, message: zodIssue.message });
    }
  }
  return { problems };
}

export interface LeafFindings {
  adapter?: NodeAdapter;
  /** Params as the adapter parsed them (defaults applied), when they are valid. */
  params?: unknown;
  riskLevel?: RiskLevel;
  approval: NonNullable<DryRunNodeReport['approval']>;
  issues: PlanIssue[];
}

/** Adapter, params and risk of one leaf node: everything that needs no I/O. */
export function checkLeaf(tree: TreeNode, node: LeafNode, registry: NodeAdapterRegistry): LeafFindings {
  const issues: PlanIssue[] = [];
  const issue = (field: string, message: string, severity: PlanIssue['severity'] = 'error') =>
    issues.push({ path: field ? `${tree.pathText}.${field}` : tree.pathText, nodeId: node.id, field: field || undefined, message, severity });

  const adapter = registry.forNode(node);
  if (!adapter) issue(node.type === 'local_task' ? 'kind' : 'type', registry.missingAdapter(node));

  let params: unknown;
  if (adapter) {
    const checked = checkAdapterFields(node, adapter);
    params = checked.params;
    for (const problem of checked.problems) issue(problem.field, problem.message);
  }

  const risk = judgeRisk(node, adapter, params);
  if (risk.issue) issue('requiresApproval', risk.issue);
  if (risk.warning) issue('waiveApproval', risk.warning, 'warning');
  return { adapter, params, riskLevel: risk.level, approval: risk.approval, issues };
}

/**
 * The team rule, as the executor applies it: risk = `riskLevel`, else the adapter's judgement of
 * the params, else its default; high or critical risk pauses for approval unless the plan waives
 * it with a reason. Turning approval off without that reason is an error.
 */
function judgeRisk(
  node: LeafNode,
  adapter: NodeAdapter | undefined,
  params: unknown,
): { level?: RiskLevel; approval: LeafFindings['approval']; issue?: string; warning?: string } {
  if (node.type === 'human_approval') return { level: node.riskLevel ?? adapter?.defaultRiskLevel, approval: 'human' };
  let level = node.riskLevel;
  let source = '"riskLevel" of the node';
  if (!level && adapter) {
    if (adapter.riskOf && params !== undefined) {
      try {
        level = adapter.riskOf(params);
        source = `what the ${adapterKey(adapter)} adapter judges of these params`;
      } catch {
        // An adapter that cannot judge these params leaves its default in force (as in the executor).
      }
    }
    if (!level) {
      level = adapter.defaultRiskLevel;
      source = `the default of ${adapterKey(adapter)} nodes`;
    }
  }
  const high = level !== undefined && needsApprovalByRisk(level);
  if (node.requiresApproval === false && high && !node.waiveApproval) {
    return {
      level,
      approval: 'none',
      issue: `risk is ${level} (${source}), so this node needs approval: remove "requiresApproval": false, or say why it may run unattended in "waiveApproval"`,
    };
  }
  const required = node.requiresApproval ?? (high && !node.waiveApproval);
  const warning =
    node.waiveApproval && !high && node.requiresApproval === undefined
      ? `has no effect: risk is ${level ?? 'unknown'}, and only high or critical risk needs approval`
      : undefined;
  return { level, approval: required ? 'required' : high && node.waiveApproval ? 'waived' : 'none', warning };
}

/** The adapter's own checks (agent exists, MCP tool exists, service secret set…), bounded in time. */
export async function runAdapterDryRun(tree: TreeNode, node: LeafNode, adapter: NodeAdapter, params: unknown, logger: Logger): Promise<PlanIssue[]> {
  if (!adapter.dryRun) return [];
  let timer: NodeJS.Timeout | undefined;
  try {
    const found = await Promise.race([
      adapter.dryRun({ node, params, logger }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ADAPTER_CHECK_TIMEOUT_MS / 1000} s`)), ADAPTER_CHECK_TIMEOUT_MS);
      }),
    ]);
    return found.map((f) => ({
      path: f.path ? `${tree.pathText}.${f.path}` : tree.pathText,
      nodeId: node.id,
      field: f.path || undefined,
      message: f.message,
      severity: f.severity ?? 'error',
    }));
  } catch (error) {
    return [
      {
        path: tree.pathText,
        nodeId: node.id,
        message: `could not be checked by the ${adapterKey(adapter)} adapter: ${describeError(error)}`,
        severity: 'warning',
      },
    ];
  } finally {
    clearTimeout(timer);
  }
}

/** True when the value at `path` — or a value on the way to it — is a string holding a `{{ … }}` template. */
function holdsTemplate(root: unknown, path: readonly (string | number)[]): boolean {
  let current: unknown = root;
  for (let i = 0; ; i++) {
    if (typeof current === 'string') return current.includes('{{');
    if (i >= path.length || current === null || typeof current !== 'object') return false;
    current = (current as Record<string | number, unknown>)[path[i]!];
  }
}

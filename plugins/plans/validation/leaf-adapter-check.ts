import { describeError, formatPath, type Logger } from '../../../kernel/index.js';
import { adapterKey, adapterKeyOf, adapterParamsOf, adapterParamsPrefix, needsApprovalByRisk, type DryRunNodeReport, type LeafNode, type NodeAdapter, type PlanIssue, type RiskLevel } from '../api/index.js';
import type { TreeNode } from './plan-tree.js';

/** Which plugin usually serves each leaf type, for the hint when none is loaded. */
const USUAL_PLUGIN: Record<string, string> = {
  local_task: 'adapters-local',
  agent_invocation: 'agents',
  mcp_tool: 'mcp-bridge',
  external_service: 'external-service',
  human_approval: 'approvals',
};

/** Adapter dry runs that take longer than this (an MCP server that hangs) become a warning. */
export const ADAPTER_CHECK_TIMEOUT_MS = 20_000;

/** The node adapters of this process, by key (`local_task:script`, `mcp_tool`, …). */
export class AdapterCatalog {
  private readonly byKey = new Map<string, NodeAdapter>();

  constructor(adapters: readonly NodeAdapter[]) {
    // The first registration wins, as in the executor.
    for (const adapter of adapters) if (!this.byKey.has(adapterKey(adapter))) this.byKey.set(adapterKey(adapter), adapter);
  }

  get(node: LeafNode): NodeAdapter | undefined {
    return this.byKey.get(adapterKeyOf(node));
  }

  all(): NodeAdapter[] {
    return [...this.byKey.values()];
  }

  kinds(): string[] {
    return this.all()
      .filter((a) => a.type === 'local_task')
      .map((a) => a.kind ?? '')
      .sort();
  }
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
export function checkLeaf(tree: TreeNode, node: LeafNode, catalog: AdapterCatalog): LeafFindings {
  const issues: PlanIssue[] = [];
  const issue = (field: string, message: string, severity: PlanIssue['severity'] = 'error') =>
    issues.push({ path: field ? `${tree.pathText}.${field}` : tree.pathText, nodeId: node.id, field: field || undefined, message, severity });

  const adapter = catalog.get(node);
  if (!adapter) issue(node.type === 'local_task' ? 'kind' : 'type', missingAdapterMessage(node, catalog));

  let params: unknown;
  if (adapter) {
    const parsed = adapter.paramsSchema.safeParse(adapterParamsOf(node));
    if (parsed.success) params = parsed.data;
    else {
      const raw = adapterParamsOf(node);
      const prefix = adapterParamsPrefix(node);
      for (const zodIssue of parsed.error.issues) {
        const within = zodIssue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
        // A `{{ … }}` template stands for a value of any type: it is checked after rendering, at run time.
        if (holdsTemplate(raw, within)) continue;
        issue([prefix, formatPath(within)].filter(Boolean).join('.'), zodIssue.message);
      }
    }
  }

  const risk = judgeRisk(node, adapter, params);
  if (risk.issue) issue('requiresApproval', risk.issue);
  if (risk.warning) issue('waiveApproval', risk.warning, 'warning');
  return { adapter, params, riskLevel: risk.level, approval: risk.approval, issues };
}

function missingAdapterMessage(node: LeafNode, catalog: AdapterCatalog): string {
  if (node.type === 'local_task') {
    const kinds = catalog.kinds();
    return kinds.length > 0
      ? `unknown local_task kind "${node.kind}"; the loaded plugins provide: ${kinds.join(', ')}`
      : `no plugin provides local_task nodes (kind "${node.kind}"); enable the ${USUAL_PLUGIN.local_task} plugin`;
  }
  return `no plugin provides ${node.type} nodes; enable the ${USUAL_PLUGIN[node.type] ?? 'plugin that does'} plugin`;
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

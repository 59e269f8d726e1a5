import { inject, injectable } from 'inversify';
import { Logger, OrchError, formatPath, describeError } from '../../../kernel/index.js';
import { COMPOSITE_NODE_TYPES, NodeAdapterRegistry, PlanHeaderSchema, type DryRunNodeReport, type DryRunReport, type LeafCheck, type LeafNode, type PlanDocument, type PlanIssue, type PlanValidator } from '../api/index.js';
import { describeIssue } from './issue-text.js';
import { MAX_JSON_DEPTH, jsonDepth, parseJsonText } from './json-text.js';
import { checkAdapterFields, checkLeaf, runAdapterDryRun, type LeafFindings } from './leaf-adapter-check.js';
import { checkNodeExpressions, expressionsOf } from './node-expressions.js';
import { buildPlanTree, isRecord, type TreeNode } from './plan-tree.js';
import { RunOrder } from './run-order.js';

/** How many adapter checks (which may talk to MCP servers) run at once. */
const ADAPTER_CHECK_CONCURRENCY = 4;
const COMPOSITES = new Set<string>(COMPOSITE_NODE_TYPES);

/**
 * The dry run: everything that can be known about a plan without running any of it. Each node is
 * checked on its own (so one bad node never hides the problems of the others): its fields against
 * the Plan schema, its params against its adapter's schema, its expressions (they compile, and
 * every `nodes.<id>` they read has run by then), its risk against approval; then each adapter's
 * own existence checks (agents, MCP tools, services). Nothing runs, nothing is written.
 */
@injectable()
export class DryRunValidator implements PlanValidator {
  private readonly logger: Logger;

  constructor(
    @inject(NodeAdapterRegistry) private readonly registry: NodeAdapterRegistry,
    @inject(Logger) logger: Logger,
  ) {
    this.logger = logger.child({ category: 'plans' });
  }

  async dryRun(raw: unknown, options: { source?: string } = {}): Promise<DryRunReport> {
    return (await this.check(raw, options)).report;
  }

  async validate(raw: unknown, options: { source?: string } = {}): Promise<PlanDocument> {
    const { report, value } = await this.check(raw, options);
    if (!report.ok) {
      const errors = allIssues(report).filter((i) => i.severity === 'error');
      const shown = errors.slice(0, 5).map(describeIssue).join('; ');
      throw new OrchError(
        'invalid_input',
        `${report.source ?? (report.planId ? `Plan ${report.planId}` : 'The plan')} has ${errors.length} error${errors.length === 1 ? '' : 's'}: ${shown}${errors.length > 5 ? '; …' : ''}`,
        { issues: errors.map((i) => ({ path: i.path, message: i.message })), report },
      );
    }
    return this.registry.schemas.document.parse(value);
  }

  checkLeaves(plan: PlanDocument): LeafCheck[] {
    const checks: LeafCheck[] = [];
    for (const tree of buildPlanTree(plan.root, this.registry.schemas.shallowNode).nodes) {
      if (tree.type === undefined || COMPOSITES.has(tree.type)) continue;
      // A node whose type no plugin provides fails its own schema (tree.issues) and has no parsed node.
      const leaf = tree.node ? checkLeaf(tree, tree.node as LeafNode, this.registry) : undefined;
      checks.push({ nodeId: tree.id ?? tree.pathText, approval: leaf?.approval ?? 'none', issues: [...tree.issues, ...(leaf?.issues ?? [])] });
    }
    return checks;
  }

  private async check(raw: unknown, options: { source?: string }): Promise<{ report: DryRunReport; value: unknown }> {
    const source = options.source;
    let value = raw;
    if (typeof raw === 'string') {
      try {
        value = parseJsonText(raw, source ?? 'the plan');
      } catch (error) {
        return { report: documentFailure(source, describeError(error)), value: undefined };
      }
    }
    if (jsonDepth(value) > MAX_JSON_DEPTH) {
      return { report: documentFailure(source, `the plan is nested more than ${MAX_JSON_DEPTH} levels deep`), value };
    }
    if (!isRecord(value)) {
      return { report: documentFailure(source, 'a plan must be a JSON object with id, name, goal and root'), value };
    }

    const documentIssues: PlanIssue[] = [];
    const header = PlanHeaderSchema.safeParse(value);
    if (!header.success) {
      for (const issue of header.error.issues) {
        const path = formatPath(issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)));
        documentIssues.push({ path: path || '(root)', field: path || undefined, message: issue.message, severity: 'error' });
      }
    }
    const planId = typeof value.id === 'string' ? value.id : undefined;
    const planName = typeof value.name === 'string' ? value.name : undefined;
    if (value.root === undefined) return { report: finish({ planId, planName, source, issues: documentIssues }), value };

    const tree = buildPlanTree(value.root, this.registry.schemas.shallowNode);
    documentIssues.push(...tree.issues);
    reportDuplicateIds(tree.nodes);
    const order = new RunOrder(tree.root, tree.nodes);
    const planInputs = isRecord(value.inputs) ? Object.keys(value.inputs) : undefined;

    const leaves = new Map<TreeNode, LeafFindings>();
    const adapterChecks: (() => Promise<void>)[] = [];
    for (const node of tree.nodes) {
      if (!node.node) {
        node.issues.push(...this.ownFieldIssues(node));
        continue;
      }
      const planNode = node.node;
      let renderTemplates = true;
      if (!COMPOSITES.has(planNode.type)) {
        const leaf = planNode as LeafNode;
        const findings = checkLeaf(node, leaf, this.registry);
        leaves.set(node, findings);
        node.issues.push(...findings.issues);
        renderTemplates = findings.adapter?.renderTemplates !== false;
        const { adapter, params } = findings;
        if (adapter && params !== undefined) {
          adapterChecks.push(async () => {
            node.issues.push(...(await runAdapterDryRun(node, leaf, adapter, params, this.logger)));
          });
        }
      } else {
        node.issues.push(...compositeWarnings(node));
      }
      node.issues.push(...checkNodeExpressions(node, planNode, expressionsOf(planNode, renderTemplates), { order, planInputs }));
    }
    await runPool(adapterChecks, ADAPTER_CHECK_CONCURRENCY);

    const report = finish({ planId, planName, source, issues: documentIssues, root: toReport(tree.root, leaves), nodeCount: tree.nodes.length });
    if (report.ok) {
      // Safety net: the per-node checks and the whole-plan schema must agree.
      const whole = this.registry.schemas.document.safeParse(value);
      if (!whole.success) {
        for (const issue of whole.error.issues) {
          report.issues.push({ path: formatPath(issue.path.map(String)) || '(root)', message: issue.message, severity: 'error' });
        }
        Object.assign(report, finish({ ...report, root: report.root }));
      }
    }
    this.logger.debug(`Dry run of ${source ?? planId ?? 'a plan'}: ${report.errorCount} errors, ${report.warningCount} warnings`, {
      planId,
      source,
      errors: report.errorCount,
      warnings: report.warningCount,
    });
    return { report, value };
  }

  /**
   * A leaf whose common fields are wrong (say its id) still has its own fields checked, so one
   * round of fixes clears both.
   */
  private ownFieldIssues(tree: TreeNode): PlanIssue[] {
    if (!isRecord(tree.raw) || tree.type === undefined || tree.type === 'local_task' || COMPOSITES.has(tree.type)) return [];
    const adapter = this.registry.forNode({ type: tree.type });
    if (!adapter) return [];
    const reported = new Set(tree.issues.map((i) => i.field));
    return checkAdapterFields(tree.raw, adapter)
      .problems.filter((p) => !reported.has(p.field))
      .map((p) => ({ path: p.field ? `${tree.pathText}.${p.field}` : tree.pathText, ...(tree.id ? { nodeId: tree.id } : {}), field: p.field || undefined, message: p.message, severity: 'error' as const }));
  }
}

function reportDuplicateIds(nodes: readonly TreeNode[]): void {
  const first = new Map<string, TreeNode>();
  for (const node of nodes) {
    if (!node.id) continue;
    const earlier = first.get(node.id);
    if (!earlier) {
      first.set(node.id, node);
      continue;
    }
    node.issues.push({
      path: `${node.pathText}.id`,
      nodeId: node.id,
      field: 'id',
      message: `duplicate node id "${node.id}": the node at ${earlier.pathText} has it too; ids must be unique in a plan`,
      severity: 'error',
    });
  }
}

/** Fields that only leaves use: on a composite they do nothing, which is worth saying. */
function compositeWarnings(tree: TreeNode): PlanIssue[] {
  const node = tree.node!;
  const warn = (field: string, message: string): PlanIssue => ({ path: `${tree.pathText}.${field}`, nodeId: node.id, field, message, severity: 'warning' });
  const out: PlanIssue[] = [];
  if (node.requiresApproval !== undefined) out.push(warn('requiresApproval', `has no effect on a ${node.type}: approval applies to leaf nodes; set it on the nodes inside`));
  if (node.waiveApproval !== undefined) out.push(warn('waiveApproval', `has no effect on a ${node.type}: set it on the leaf nodes inside`));
  if (node.retry !== undefined) out.push(warn('retry', `has no effect on a ${node.type}: retries apply to leaf nodes; set it on the nodes inside`));
  return out;
}

function toReport(tree: TreeNode, leaves: Map<TreeNode, LeafFindings>): DryRunNodeReport {
  const leaf = leaves.get(tree);
  const title = isRecord(tree.raw) && typeof tree.raw.title === 'string' ? tree.raw.title : undefined;
  const kind = isRecord(tree.raw) && typeof tree.raw.kind === 'string' ? tree.raw.kind : undefined;
  return {
    nodeId: tree.id ?? '(no id)',
    type: tree.type ?? '(no type)',
    ...(title !== undefined ? { title } : {}),
    path: tree.pathText,
    ...(tree.type === 'local_task' ? { adapter: `local_task:${kind ?? '?'}` } : leaf ? { adapter: tree.type } : {}),
    ...(leaf?.riskLevel ? { riskLevel: leaf.riskLevel } : {}),
    ...(leaf ? { approval: leaf.approval } : {}),
    ok: !tree.issues.some((i) => i.severity === 'error'),
    issues: tree.issues,
    children: tree.children.map((child) => toReport(child, leaves)),
  };
}

function finish(parts: Pick<DryRunReport, 'issues'> & Partial<DryRunReport>): DryRunReport {
  const all = [...parts.issues, ...(parts.root ? nodeIssues(parts.root) : [])];
  const errorCount = all.filter((i) => i.severity === 'error').length;
  return {
    ok: errorCount === 0,
    ...(parts.planId !== undefined ? { planId: parts.planId } : {}),
    ...(parts.planName !== undefined ? { planName: parts.planName } : {}),
    ...(parts.source !== undefined ? { source: parts.source } : {}),
    issues: parts.issues,
    ...(parts.root ? { root: parts.root } : {}),
    nodeCount: parts.nodeCount ?? 0,
    errorCount,
    warningCount: all.length - errorCount,
  };
}

function documentFailure(source: string | undefined, message: string): DryRunReport {
  return finish({ source, issues: [{ path: '(root)', message, severity: 'error' }] });
}

function nodeIssues(node: DryRunNodeReport): PlanIssue[] {
  return [...node.issues, ...node.children.flatMap(nodeIssues)];
}

/** Every issue of a report: the plan's own, then the nodes' depth first. */
export function allIssues(report: DryRunReport): PlanIssue[] {
  return [...report.issues, ...(report.root ? nodeIssues(report.root) : [])];
}

async function runPool(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}


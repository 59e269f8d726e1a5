import type { Plan, PlanDocument } from './plan.js';
import type { RiskLevel } from './risk-level.js';

export interface PlanSummary {
  id: string;
  name: string;
  goal: string;
  activeVersion: number;
  latestVersion: number;
  updatedAt: string;
}

export interface PlanVersionInfo {
  version: number;
  createdAt: string;
  createdBy: string;
  /** `save`, `design`, `replan`, `rollback to vN`, `recovered` */
  origin: string;
  active: boolean;
}

export interface SavePlanOptions {
  operator: string;
  /** How the version came to be: `save` (default), `design`, `replan`, … */
  origin?: string;
  /**
   * A document that carries `version` was edited from that version; saving it over a newer one is a
   * `conflict` (someone else saved in between) unless `force` is set.
   */
  force?: boolean;
}

/**
 * `state/plans/<planId>/v<N>.json` plus `state/plans/index.json`, written atomically under the
 * index's inter-process lock. History is never rewritten: every save and every rollback adds a
 * version, and the newest version is the active one (the one runs use by default).
 */
export interface PlanStore {
  /** Checks the document against the Plan schema and stores it as the next version. */
  save(document: PlanDocument, options: SavePlanOptions): Promise<Plan>;
  /** The given version, else the active one; `not_found` names the plan or version. */
  get(planId: string, version?: number): Promise<Plan>;
  list(): Promise<PlanSummary[]>;
  versions(planId: string): Promise<PlanVersionInfo[]>;
  /** The content of `to` becomes a new, active version. */
  rollback(planId: string, to: number, options: { operator: string }): Promise<Plan>;
}
export const PlanStore = Symbol.for('orch.PlanStore');

/** What a checked save answers: the stored plan (the active one when nothing changed) and the dry run made first. */
export interface CheckedSave {
  plan: Plan;
  report?: DryRunReport;
  /** True when the content equals the active version's, so no version was added (`plan` is that version). */
  unchanged?: boolean;
}

/**
 * Saving as people, the Designer and the executor do it — one rule for "the same content": a
 * document whose content equals the active version's adds no version (unless `force`), so running a
 * file twice pins the same version. `check` (default true) dry-runs first and refuses errors.
 */
export interface PlanSaver {
  save(raw: unknown, options: { operator: string; origin?: string; force?: boolean; check?: boolean; source?: string }): Promise<CheckedSave>;
  /**
   * The stored version a run of `plan` uses: the named (or active) version of a stored plan; for
   * a document, the dry run first (refusing with every problem), then the active version when the
   * content is the same, else a new version — the same rule as `save`.
   */
  pin(plan: PlanReference, options: { operator: string }): Promise<Plan>;
}
export const PlanSaver = Symbol.for('orch.PlanSaver');

/** One finding of a dry run. `path` is the full path in the document, e.g. `root.children.1.params.url`. */
export interface PlanIssue {
  path: string;
  message: string;
  severity: 'error' | 'warning';
  /** The node it belongs to; absent for plan-level issues (and nodes without a usable id). */
  nodeId?: string;
  /** The part of `path` inside that node (`params.url`); absent when the issue is about the node as a whole. */
  field?: string;
}

export interface DryRunNodeReport {
  nodeId: string;
  type: string;
  title?: string;
  /** Where the node sits in the document, e.g. `root.children.1`. */
  path?: string;
  /** Leaf nodes: the adapter key (`local_task:http`, `mcp_tool`, …). */
  adapter?: string;
  /** Leaf nodes: `node.riskLevel ?? adapter.riskOf(params) ?? adapter.defaultRiskLevel`. */
  riskLevel?: RiskLevel;
  /** Leaf nodes: whether the run pauses for a person before (or, for human_approval, at) this node. */
  approval?: 'required' | 'waived' | 'human' | 'none';
  /** False when this node itself has an error (its children report their own). */
  ok: boolean;
  issues: PlanIssue[];
  children: DryRunNodeReport[];
}

export interface DryRunReport {
  ok: boolean;
  planId?: string;
  planName?: string;
  /** Where the plan came from: a file path, `plan <id> v<N>`, `request body`… */
  source?: string;
  /** Problems with the document as a whole (plan fields, JSON syntax, size limits). */
  issues: PlanIssue[];
  root?: DryRunNodeReport;
  nodeCount: number;
  errorCount: number;
  warningCount: number;
}

/** A stored plan (its active version unless one is named), or a document to run (a file's content, a request body). */
export type PlanReference = { planId: string; version?: number } | { document: unknown; source?: string };

/** What the dry run knows of one leaf without any I/O: its adapter, params and risk. */
export interface LeafCheck {
  nodeId: string;
  /** Whether a run pauses for a person before (or, for human_approval, at) this node. */
  approval: NonNullable<DryRunNodeReport['approval']>;
  /** Errors and warnings of the node's own fields (a missing adapter, bad params, risk without approval). */
  issues: PlanIssue[];
}

/** Checks a plan without side effects: schema, params, references, agents, MCP tools, services, risk. */
export interface PlanValidator {
  /**
   * The dry run's checks of every leaf that need no I/O (adapter, params, risk) — what a run checks
   * of a stored version before it starts (it passed its dry run when saved, but the plugins that
   * provide its node types may have changed since).
   */
  checkLeaves(plan: PlanDocument): LeafCheck[];
  /** `raw` is parsed JSON or a JSON text (a file's content or a request body). */
  dryRun(raw: unknown, options?: { source?: string }): Promise<DryRunReport>;
  /** Parses and validates, throwing `invalid_input` with every problem when the dry run fails. */
  validate(raw: unknown, options?: { source?: string }): Promise<PlanDocument>;
}
export const PlanValidator = Symbol.for('orch.PlanValidator');

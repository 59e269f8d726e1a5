import type { Plan, PlanDocument } from './plan.js';

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
  /** `save`, `rollback from vN`, `design`, `replan` */
  origin: string;
  active: boolean;
}

/** `state/plans/<planId>/v<N>.json` plus an index. History is never rewritten. */
export interface PlanStore {
  save(document: PlanDocument, options: { operator: string; origin?: string }): Promise<Plan>;
  get(planId: string, version?: number): Promise<Plan>;
  list(): Promise<PlanSummary[]>;
  versions(planId: string): Promise<PlanVersionInfo[]>;
  /** The content of `to` becomes a new, active version. */
  rollback(planId: string, to: number, options: { operator: string }): Promise<Plan>;
}
export const PlanStore = Symbol.for('orch.PlanStore');

export interface DryRunNodeReport {
  nodeId: string;
  type: string;
  title?: string;
  ok: boolean;
  issues: { path: string; message: string; severity: 'error' | 'warning' }[];
  children: DryRunNodeReport[];
}

export interface DryRunReport {
  ok: boolean;
  planId?: string;
  /** Problems with the document as a whole (schema errors with paths, duplicate ids). */
  issues: { path: string; message: string; severity: 'error' | 'warning' }[];
  root?: DryRunNodeReport;
  errorCount: number;
  warningCount: number;
}

/** Checks a plan without side effects: schema, params, references, agents, MCP tools, services, risk. */
export interface PlanValidator {
  /** `raw` is unparsed JSON (a file's content or a request body). */
  dryRun(raw: unknown, options?: { source?: string }): Promise<DryRunReport>;
  /** Parses and validates, throwing `invalid_input` with every problem when the dry run fails. */
  validate(raw: unknown, options?: { source?: string }): Promise<PlanDocument>;
}
export const PlanValidator = Symbol.for('orch.PlanValidator');

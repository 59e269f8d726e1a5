/**
 * Wire shapes of the Orch HTTP API and event stream as the GUI reads them. They mirror the server's
 * Zod schemas (plugins' api/ folders); fields the GUI does not read are left out or loose.
 */

export type BridgeState = 'connecting' | 'connected' | 'disconnected' | 'reconnecting';

/** One event of `/api/events` after the snapshot. `type` is `topic.name` (run.started, node.failed, …). */
export interface OrchEvent {
  seq: number;
  time: string;
  type: string;
  runId?: string;
  nodeId?: string;
  planId?: string;
  approvalId?: string;
  alias?: string;
  [key: string]: unknown;
}

export interface BridgeSummary {
  alias: string;
  state: BridgeState;
  transport?: string;
  required: boolean;
  tools: number;
  attempt?: number;
  nextRetryAt?: string;
  lastError?: string;
}

export interface SnapshotMessage {
  type: 'snapshot';
  time: string;
  lastSeq: number;
  topics: string[] | null;
  instance?: { id: string; pid?: number; startedAt?: string };
  replay?: 'events' | 'none';
  heartbeatMs?: number;
  bridges: BridgeSummary[] | null;
  runs: { active: RunSummary[]; counts: Record<string, number> } | null;
  approvals: { pending: number } | null;
  problems: Array<{ section: string; message: string }>;
}

export interface PanelInfo {
  id: string;
  pluginId: string;
  pluginVersion: string;
  title: string;
  slot: 'main' | 'sidebar' | 'status';
  order: number;
  apiVersion: number;
  route?: string;
  icon?: string;
  moduleUrl: string;
  cssUrl?: string;
}

export type RunStatus = 'running' | 'waiting_approval' | 'needs_attention' | 'blocked' | 'completed' | 'failed' | 'cancelled';
export type NodeStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'retrying' | 'waiting_approval' | 'needs_attention' | 'skipped' | 'cancelled';

export interface RunSummary {
  runId: string;
  planId: string;
  planVersion: number;
  planName?: string;
  status: RunStatus;
  operator: string;
  createdAt: string;
  updatedAt: string;
}

export interface NodeRunState {
  status: NodeStatus;
  type?: string;
  attempts: number;
  iteration?: string;
  completions?: number;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  outputSummary?: string;
  error?: string;
  decidedBy?: string;
}

/** One attempt of a node (every try in every loop iteration). */
export interface AttemptRecord {
  attempt: number;
  iteration?: string;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  outcome: 'succeeded' | 'failed' | 'retrying' | 'skipped' | 'cancelled' | 'running';
  error?: string;
}

export type RunAction = 'cancel' | 'resume' | 'replay';
export type NodeAction = 'retry' | 'skip' | 'replay-from';

/** One run in `GET /api/runs` (a page: `{ runs, nextCursor }`). */
export interface RunListItem extends RunSummary {
  mode: 'json' | 'memory';
  finishedAt?: string;
  leafCount?: number;
  /** Leaf nodes by status. */
  counts: Record<string, number>;
  error?: string;
  replayOf?: { runId: string; from: string };
}

/** One plan node of `GET /api/runs/:runId/timeline`, in plan order. */
export interface TimelineNode {
  nodeId: string;
  type: string;
  parentId?: string;
  depth: number;
  status: NodeStatus;
  title?: string;
  attempts: AttemptRecord[];
  attemptsDropped?: number;
  /** Conditional: the branch taken (`branches.<i>`, `else`, `none`) and its first node. */
  branch?: string;
  branchNodeId?: string;
  iteration?: string;
  iterations?: number;
  count?: number;
  actions: NodeAction[];
}

export interface RunTimeline {
  runId: string;
  planId: string;
  planVersion: number;
  status: RunStatus;
  startedAt: string;
  finishedAt?: string;
  actions: RunAction[];
  nodes: TimelineNode[];
}

/** `GET /api/runs/:runId/nodes/:nodeId`. */
export interface RunNodeDetail {
  node: {
    nodeId: string;
    type: string;
    title?: string;
    status: NodeStatus;
    params: unknown;
    output?: unknown;
    outputFrom?: 'checkpoint' | 'summary';
    attempts: AttemptRecord[];
    attemptsDropped?: number;
    iteration?: string;
    error?: string;
    decidedBy?: string;
    remedy?: { suggestion: string; commands: string[]; log: string };
    branch?: string;
    branchNodeId?: string;
    index?: number;
    count?: number;
    iterations?: number;
    actions: NodeAction[];
  };
  run: { runId: string; status: RunStatus; actions: RunAction[] };
}

export interface RunRecord extends RunSummary {
  leafCount?: number;
  mode: 'json' | 'memory';
  inputs: Record<string, unknown>;
  finishedAt?: string;
  error?: string;
  replayOf?: { runId: string; from: string };
  waitingFor?: { approvals: Array<{ approvalId: string; nodeId: string; title: string }>; attention: Array<{ nodeId: string; error: string }> };
  warnings?: string[];
  nodes: Record<string, NodeRunState>;
  /** Actions the server allows on this run now, when it says so (e.g. `cancel`, `resume`, `replay`). */
  actions?: string[];
}

export type RiskLevel = 'low' | 'medium' | 'high' | 'critical';

export interface ApprovalRecord {
  id: string;
  runId: string;
  nodeId: string;
  planId: string;
  planVersion: number;
  title: string;
  prompt: string;
  riskLevel: RiskLevel;
  approvers?: string[];
  requestedAt: string;
  requestedBy: string;
  context?: unknown;
  expiresAt?: string;
  onTimeout?: 'reject' | 'approve' | 'escalate';
  escalatedAt?: string;
  decision?: { outcome: 'approved' | 'rejected'; operator: string; comment: string; decidedAt: string; via: 'cli' | 'gui' | 'api' | 'timeout' };
  /** Set instead of `decision` when the run ended before anyone decided. */
  withdrawal?: { outcome: 'withdrawn'; reason: string; runStatus: string; withdrawnAt: string };
}

/** A plan node as stored (the Plan schema); composites carry `children` (or branches for conditionals). */
export interface PlanNode {
  id: string;
  type: string;
  name?: string;
  title?: string;
  description?: string;
  params?: Record<string, unknown>;
  children?: PlanNode[];
  then?: PlanNode[] | PlanNode;
  else?: PlanNode[] | PlanNode;
  body?: PlanNode[] | PlanNode;
  requiresApproval?: boolean;
  riskLevel?: RiskLevel;
  [key: string]: unknown;
}

export interface PlanDocument {
  id: string;
  name?: string;
  version?: number;
  goal?: string;
  description?: string;
  root?: PlanNode;
  nodes?: PlanNode[];
  [key: string]: unknown;
}

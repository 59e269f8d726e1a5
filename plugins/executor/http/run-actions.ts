import { hostname } from 'node:os';
import { isAlive } from '../../../kernel/index.js';
import { FINISHED_RUN_STATUSES, type NodeAction, type RunAction, type RunRecord } from '../api/index.js';

/** What the server knows beyond the record when it judges the actions. */
export interface ActionContext {
  /** The run has checkpoints a replay can fork from (JSON mode, or a memory run executing here). */
  replayable: boolean;
  /** Plan nodes a replay can start from: those right after a kept checkpoint. */
  replayableNodes?: ReadonlySet<string>;
  /** The run executes in this process right now. */
  executingHere: boolean;
}

/** The run is held by another process that is alive: it, not this one, may act on it. */
function heldElsewhere(record: RunRecord, context: ActionContext): boolean {
  const owner = record.owner;
  if (!owner || context.executingHere || owner.pid === process.pid) return false;
  return owner.host !== hostname() || isAlive(owner.pid);
}

/**
 * The run's actions the server would accept now — the same rules `resume`, `cancel` and `replay`
 * apply, so a client shows exactly the buttons that work:
 * - `cancel`: not finished, and not held by another live process;
 * - `resume`: needs attention, blocked, or left `running` by a process that is gone (a person's
 *   approval resumes a `waiting_approval` run by itself);
 * - `replay`: it has checkpoints to fork from.
 */
export function runActions(record: RunRecord, context: ActionContext): RunAction[] {
  const actions: RunAction[] = [];
  const finished = (FINISHED_RUN_STATUSES as readonly string[]).includes(record.status);
  const elsewhere = heldElsewhere(record, context);
  if (!finished && !elsewhere) actions.push('cancel');
  const orphaned = record.status === 'running' && !context.executingHere && !elsewhere && record.mode === 'json';
  if (!finished && !elsewhere && (record.status === 'needs_attention' || record.status === 'blocked' || orphaned)) actions.push('resume');
  if (context.replayable) actions.push('replay');
  return actions;
}

/**
 * A node's actions now: `retry` a node the run waits on after its retries ran out; `skip` it, or a
 * node waiting for approval; `replay-from` when a kept checkpoint comes right before it.
 */
export function nodeActions(record: RunRecord, nodeId: string, context: ActionContext): NodeAction[] {
  const actions: NodeAction[] = [];
  const elsewhere = heldElsewhere(record, context);
  const attention = record.status === 'needs_attention' && (record.waitingFor?.attention ?? []).some((a) => a.nodeId === nodeId);
  const approval = (record.status === 'waiting_approval' || record.status === 'needs_attention') && (record.waitingFor?.approvals ?? []).some((a) => a.nodeId === nodeId);
  if (!elsewhere && attention) actions.push('retry');
  if (!elsewhere && (attention || approval)) actions.push('skip');
  if (context.replayable && context.replayableNodes?.has(nodeId)) actions.push('replay-from');
  return actions;
}

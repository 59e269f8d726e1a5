import { type ApprovalDecision } from '../../approvals/api/index.js';
import { type HumanApprovalNode, type LeafNode } from '../../plans/api/index.js';
import { own } from '../graph/own.js';
import type { Placement } from '../graph/plan-compiler.js';
import type { GateOutcome, RunStateUpdate, RunStateValues } from '../graph/run-state.js';
import { renderApproval } from './approval-context.js';
import { closeAttempt, openAttempt, recordSkip } from './attempt-log.js';
import { startIteration } from './leaf-runner.js';
import { pauseForPerson } from './pause-for-person.js';
import { adapterOf, approvalKeyOf, effectiveRisk, iterationOf, nodeState, publish, summarize, type RunEnvironment } from './run-environment.js';
import { requestApproval } from './approval-request.js';
import { RunFailure } from './run-failure.js';

/**
 * People in the loop. A node that needs approval is preceded by a gate node that only asks the
 * approval store (idempotent on run id + key) and pauses the run until someone decides; a
 * `human_approval` node is such a gate whose output is the decision. The decision is read from
 * the store each time the node runs, so one given in the CLI, over REST or in the GUI — by this
 * process or another — is the one that counts.
 */
export async function askForApproval(env: RunEnvironment, node: LeafNode, placement: Placement, state: RunStateValues): Promise<GateOutcome> {
  const entry = nodeState(env, node);
  const iteration = iterationOf(placement, state);
  if (entry.iteration !== iteration && entry.status !== 'needs_attention') startIteration(entry, iteration);
  if (entry.status === 'skipped') {
    return { skipped: true, operator: entry.decidedBy ?? env.operator, decidedAt: entry.finishedAt ?? new Date().toISOString() };
  }
  const store = env.approvals;
  if (!store) {
    throw new RunFailure(`node "${node.id}" needs a person's approval, but no approval store is loaded (enable the approvals plugin)`, node.id);
  }
  const record = env.live.record;
  const key = approvalKeyOf(node, placement, state);
  const adapter = adapterOf(env, node);
  const shown = await renderApproval(node, adapter, placement, state);
  const request = await requestApproval(store, {
    runId: record.runId,
    nodeId: node.id,
    planId: record.planId,
    planVersion: record.planVersion,
    key,
    title: shown.title,
    prompt: shown.prompt,
    riskLevel: effectiveRisk(node, adapter),
    ...(node.type === 'human_approval' && node.approvers ? { approvers: node.approvers } : {}),
    ...(node.type === 'human_approval' ? { onTimeout: node.onTimeout } : {}),
    // A human_approval node's timeout is how long the person has; the store applies onTimeout after it.
    ...(node.type === 'human_approval' && node.timeoutMs !== undefined ? { timeoutMs: node.timeoutMs } : {}),
    requestedBy: record.operator,
    context: { ...shown.context, ...(iteration ? { iteration } : {}) },
  });
  if (request.decision) return request.decision;
  if (entry.status !== 'waiting_approval') {
    entry.status = 'waiting_approval';
    // A human_approval node's one attempt is the wait for the person; a gated leaf's attempts are its adapter calls.
    if (node.type === 'human_approval') openAttempt(entry, APPROVAL_ATTEMPT, iteration, request.requestedAt);
    await env.live.changed();
  }
  pauseForPerson({ kind: 'approval', approvalId: request.id, nodeId: node.id, key, title: request.title });
}

/** The attempt number of a `human_approval` node: asking is its one attempt (per loop iteration). */
const APPROVAL_ATTEMPT = 1;

/** The gate before a node that needs approval: records the outcome for the node to act on. */
export async function runGate(env: RunEnvironment, node: LeafNode, placement: Placement, state: RunStateValues): Promise<RunStateUpdate> {
  const outcome = await askForApproval(env, node, placement, state);
  return { gates: { [approvalKeyOf(node, placement, state)]: outcome } };
}

/**
 * What a gated node does with the outcome before its adapter runs: nothing when approved, output
 * null when skipped, and for a rejection the run fails (no retries).
 */
export async function applyGateOutcome(env: RunEnvironment, node: LeafNode, placement: Placement, state: RunStateValues): Promise<RunStateUpdate | undefined> {
  const outcome = own(state.gates, approvalKeyOf(node, placement, state));
  if (!outcome) return undefined;
  if (outcome.skipped) return skip(env, node, outcome.operator, iterationOf(placement, state));
  if (outcome.outcome === 'rejected') return reject(env, node, outcome, iterationOf(placement, state));
  const entry = nodeState(env, node);
  if (entry.status === 'waiting_approval') entry.status = 'pending';
  entry.decidedBy = outcome.operator;
  return undefined;
}

/** A `human_approval` node: its output is the decision (`onReject: "continue"` lets a rejection through). */
export async function runHumanApproval(env: RunEnvironment, node: HumanApprovalNode, placement: Placement, state: RunStateValues): Promise<RunStateUpdate> {
  const outcome = await askForApproval(env, node, placement, state);
  const iteration = iterationOf(placement, state);
  if (outcome.skipped) return skip(env, node, outcome.operator, iteration);
  if (outcome.outcome === 'rejected' && node.onReject !== 'continue') return reject(env, node, outcome, iteration);
  const output = { approved: outcome.outcome === 'approved', operator: outcome.operator, comment: outcome.comment, decidedAt: outcome.decidedAt };
  const entry = nodeState(env, node);
  const summary = summarize(output);
  Object.assign(entry, {
    status: 'succeeded',
    decidedBy: outcome.operator,
    finishedAt: outcome.decidedAt,
    outputSummary: summary,
    error: undefined,
    completions: (entry.completions ?? 0) + 1,
  });
  const attempt = closeAttempt(entry, APPROVAL_ATTEMPT, iteration, 'succeeded', outcome.decidedAt);
  await env.live.changed();
  publish(env, {
    type: 'node.succeeded',
    runId: env.live.record.runId,
    nodeId: node.id,
    durationMs: attempt.durationMs ?? 0,
    ...(summary ? { summary } : {}),
    ...(iteration !== undefined ? { iteration } : {}),
  });
  return { nodes: { [node.id]: output } };
}

export async function skip(env: RunEnvironment, node: LeafNode, operator: string, iteration: string | undefined): Promise<RunStateUpdate> {
  const entry = nodeState(env, node);
  const first = entry.status !== 'skipped';
  Object.assign(entry, { status: 'skipped', decidedBy: operator, finishedAt: entry.finishedAt ?? new Date().toISOString() });
  recordSkip(entry, iteration, entry.finishedAt!);
  if (first) {
    await env.live.changed();
    publish(env, { type: 'node.skipped', runId: env.live.record.runId, nodeId: node.id, reason: `skipped by ${operator}`, ...(iteration !== undefined ? { iteration } : {}) });
  }
  return { nodes: { [node.id]: null } };
}

async function reject(env: RunEnvironment, node: LeafNode, decision: ApprovalDecision, iteration: string | undefined): Promise<never> {
  const message = `rejected by ${decision.operator}${decision.comment ? `: ${decision.comment}` : ''}`;
  const entry = nodeState(env, node);
  Object.assign(entry, { status: 'failed', error: message, decidedBy: decision.operator, finishedAt: decision.decidedAt });
  closeAttempt(entry, node.type === 'human_approval' ? APPROVAL_ATTEMPT : entry.attempts, iteration, 'failed', decision.decidedAt, message);
  await env.live.changed();
  publish(env, { type: 'node.failed', runId: env.live.record.runId, nodeId: node.id, attempt: entry.attempts, error: message, ...(iteration !== undefined ? { iteration } : {}) });
  throw new RunFailure(`Node ${node.id} was ${message}`, node.id);
}

import { OrchError } from '../../../kernel/index.js';
import type { RunCheckpointInfo, RunRecord } from '../api/index.js';
import { newRunId } from './run-id.js';

/** Checkpoints kept per run (the user-visible retention; replays start from one of them). */
export const CHECKPOINTS_KEPT = 20;

/** The checkpoint a replay starts from: the newest, a checkpoint id, or the one right before a node. */
export function pickCheckpoint(history: RunCheckpointInfo[], from: string | undefined, runId: string): RunCheckpointInfo {
  if (from === undefined) return history[history.length - 1]!;
  const byId = history.find((c) => c.checkpointId === from);
  if (byId) return byId;
  const beforeNode = history.find((c) => c.next.includes(from));
  if (beforeNode) return beforeNode;
  const nodes = [...new Set(history.flatMap((c) => c.next))].join(', ');
  throw new OrchError(
    'invalid_input',
    `--from ${from}: no kept checkpoint of run ${runId} is that id or comes right before node "${from}" (only the newest ${CHECKPOINTS_KEPT} are kept). Nodes that can be replayed from: ${nodes || 'none'}; \`orch run:history ${runId}\` lists the checkpoints`,
  );
}

/** The record of a replay: a new run of the same plan version that starts from `checkpoint` of `source`. */
export function replayRecord(source: RunRecord, checkpoint: RunCheckpointInfo, options: { from?: string; operator: string }): RunRecord {
  const now = new Date().toISOString();
  return {
    runId: newRunId(now),
    planId: source.planId,
    planVersion: source.planVersion,
    planName: source.planName,
    leafCount: source.leafCount,
    status: 'running',
    mode: 'json',
    operator: options.operator,
    inputs: source.inputs,
    createdAt: now,
    updatedAt: now,
    replayOf: { runId: source.runId, from: options.from ?? checkpoint.checkpointId },
    nodes: Object.fromEntries(
      checkpoint.nodes.filter((id) => source.nodes[id]).map((id) => [id, { ...structuredClone(source.nodes[id]!), scratch: undefined }]),
    ),
  };
}

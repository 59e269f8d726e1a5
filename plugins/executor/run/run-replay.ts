import { OrchError } from '../../../kernel/index.js';
import type { RunCheckpointInfo, RunRecord } from '../api/index.js';
import { CHECKPOINTS_KEPT } from './executor-settings.js';
import { snapshot, type RunHost } from './run-host.js';
import { newRunId } from './run-id.js';
import { afterDrive } from './run-resume.js';

/**
 * `run:replay`: a new run of the same plan version that starts from a kept checkpoint of `runId`
 * (the newest, a checkpoint id, or the one right before a node). The chosen checkpoint, with every
 * channel value, is forked into the new run's first one; the nodes before it are not run again.
 */
export async function replayRun(host: RunHost, runId: string, options: { from?: string; operator: string; wait?: boolean }): Promise<RunRecord> {
  const live = host.sessions.get(runId);
  const source = snapshot(live ? live.record : await host.records.get(runId));
  if (source.mode === 'memory' && !live) {
    throw new OrchError('conflict', `Run ${runId} ran in memory mode; its checkpoints ended with the process that ran it`);
  }
  const plan = await host.planOf(source);
  const sourceSession = live ?? (await host.openSession(plan, source, options.operator, { register: false }));
  const history = await sourceSession.history();
  if (history.length === 0) throw new OrchError('not_found', `Run ${runId} has no checkpoints to replay from`);
  const checkpoint = pickCheckpoint(history, options.from, runId);
  const checkpointer = await host.checkpointer();
  const saver = source.mode === 'memory' ? sourceSession.checkpointer : checkpointer;
  const tuple = await saver.getTuple({ configurable: { thread_id: runId, checkpoint_ns: '', checkpoint_id: checkpoint.checkpointId } });
  if (!tuple) throw new OrchError('not_found', `Checkpoint ${checkpoint.checkpointId} of run ${runId} is gone`);

  const record = replayRecord(source, checkpoint, options);
  await checkpointer.put(
    { configurable: { thread_id: record.runId, checkpoint_ns: '' } },
    tuple.checkpoint,
    { ...(tuple.metadata ?? { step: checkpoint.step, parents: {} }), source: 'fork' } as never,
    tuple.checkpoint.channel_versions,
  );
  const session = await host.openSession(plan, record, options.operator, { fresh: true });
  host.logger.info(`Run ${record.runId} replays run ${runId} from checkpoint ${checkpoint.checkpointId} (step ${checkpoint.step})`, { runId: record.runId, replayOf: runId });
  host.bus.publish({ type: 'run.started', runId: record.runId, planId: record.planId, planVersion: record.planVersion, operator: options.operator });
  const done = host.enqueue(record.runId, async () => afterDrive(host, session, await session.continue()));
  if (options.wait === false) {
    done.catch(() => undefined);
    return snapshot(record);
  }
  return snapshot(await done);
}

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

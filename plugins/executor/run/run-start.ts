import type { RunRecord, StartRunOptions } from '../api/index.js';
import { isCompositeNode, walkPlan, type PlanReference } from '../../plans/api/index.js';
import { resolveInputs } from './plan-inputs.js';
import { newRunId } from './run-id.js';
import type { RunHost } from './run-host.js';
import { snapshot } from './run-host.js';
import { afterDrive } from './run-resume.js';
import { splitSecretInputs } from './secret-inputs.js';

/**
 * A new run of a stored plan version, or of a document (the plans plugin pins the version it
 * runs: the active one when the content is the same, else a new one). Resolves when the run ends
 * or waits for a person, or at once with `wait: false`.
 */
export async function startRun(host: RunHost, plan: PlanReference, options: StartRunOptions): Promise<RunRecord> {
  const pinned = await host.plans.saver.pin(plan, { operator: options.operator });
  host.refuseUnrunnable(pinned);
  const given = resolveInputs(pinned, options.inputs ?? {}, { fromText: options.inputsAsText });
  const now = new Date().toISOString();
  const runId = newRunId(now);
  // Inputs declared secret stay out of the record and the checkpoints (see secret-inputs.ts).
  const { shown, state: inputs, secrets } = splitSecretInputs(pinned, runId, given);
  await host.secretInputs.keep(runId, secrets, !options.memory);
  const record: RunRecord = {
    runId,
    planId: pinned.id,
    planVersion: pinned.version,
    planName: pinned.name,
    leafCount: [...walkPlan(pinned.root)].filter((node) => !isCompositeNode(node)).length,
    status: 'running',
    mode: options.memory ? 'memory' : 'json',
    operator: options.operator,
    inputs: shown,
    createdAt: now,
    updatedAt: now,
    nodes: {},
  };
  const session = await host.openSession(pinned, record, options.operator, { fresh: true });
  host.logger.info(`Run ${runId} of plan ${pinned.id} v${pinned.version} starting (${record.mode} mode)`, { runId, planId: pinned.id, operator: options.operator });
  const done = host.enqueue(runId, async () => afterDrive(host, session, await session.begin(inputs)));
  if (options.wait === false) {
    done.catch(() => undefined);
    return snapshot(record);
  }
  return snapshot(await done);
}

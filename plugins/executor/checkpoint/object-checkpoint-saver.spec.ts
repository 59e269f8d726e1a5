import { expect } from 'chai';
import { Annotation, Command, END, interrupt, START, StateGraph } from '@langchain/langgraph';
import { emptyCheckpoint, uuid6, type Checkpoint, type CheckpointTuple } from '@langchain/langgraph-checkpoint';
import { ObjectCheckpointSaver } from './object-checkpoint-saver.js';

const config = (threadId: string, checkpointId?: string) => ({ configurable: { thread_id: threadId, checkpoint_ns: '', ...(checkpointId ? { checkpoint_id: checkpointId } : {}) } });

function checkpointWith(values: Record<string, unknown>, seen: Record<string, Record<string, number>> = {}): Checkpoint {
  const checkpoint = emptyCheckpoint();
  checkpoint.id = uuid6(-1);
  checkpoint.channel_values = values;
  checkpoint.channel_versions = Object.fromEntries(Object.keys(values).map((channel) => [channel, 1]));
  checkpoint.versions_seen = seen;
  return checkpoint;
}

async function all(saver: ObjectCheckpointSaver, threadId: string): Promise<CheckpointTuple[]> {
  const out: CheckpointTuple[] = [];
  for await (const tuple of saver.list(config(threadId))) out.push(tuple);
  return out;
}

describe('ObjectCheckpointSaver', () => {
  it('keeps values as they are, without serialising them', async () => {
    const saver = new ObjectCheckpointSaver();
    const output = { ok: true, at: new Date('2026-01-02T03:04:05Z'), big: 10n };
    const checkpoint = checkpointWith({ nodes: { a: output } });
    await saver.put(config('t'), checkpoint, { source: 'loop', step: 1, parents: {} }, { nodes: 1 });
    const tuple = await saver.getTuple(config('t'));
    const nodes = tuple!.checkpoint.channel_values.nodes as Record<string, unknown>;
    // The same member object: nothing was turned into text and back (a Date and a bigint survive as such).
    expect(nodes.a).to.equal(output);
    expect((nodes.a as typeof output).at).to.be.instanceOf(Date);
  });

  it('isolates what it stores from changes to the checkpoint it was given and to the ones it returns', async () => {
    const saver = new ObjectCheckpointSaver();
    const sends = [{ node: 'x' }];
    const checkpoint = checkpointWith({ nodes: { a: 1 }, __pregel_tasks: sends }, { a: { nodes: 1 } });
    await saver.put(config('t'), checkpoint, { source: 'loop', step: 1, parents: {} }, { nodes: 1, __pregel_tasks: 1 });
    // LangGraph changes the versions of the checkpoint it holds in place, and a topic channel appends
    // to the array it last checkpointed.
    checkpoint.versions_seen.a!.nodes = 7;
    checkpoint.channel_versions.nodes = 7;
    sends.push({ node: 'y' });
    const first = await saver.getTuple(config('t'));
    expect(first!.checkpoint.versions_seen).to.deep.equal({ a: { nodes: 1 } });
    expect(first!.checkpoint.channel_versions.nodes).to.equal(1);
    expect(first!.checkpoint.channel_values.__pregel_tasks).to.deep.equal([{ node: 'x' }]);
    first!.checkpoint.versions_seen.a!.nodes = 9;
    (first!.checkpoint.channel_values.__pregel_tasks as unknown[]).push({ node: 'z' });
    (first!.metadata as Record<string, unknown>).step = 99;
    const second = await saver.getTuple(config('t'));
    expect(second!.checkpoint.versions_seen).to.deep.equal({ a: { nodes: 1 } });
    expect(second!.checkpoint.channel_values.__pregel_tasks).to.have.length(1);
    expect(second!.metadata?.step).to.equal(1);
  });

  it('keeps the newest checkpoints of a run, and drops the writes of those it lets go', async () => {
    const saver = new ObjectCheckpointSaver({ keep: 3 });
    let parent: string | undefined;
    const ids: string[] = [];
    for (let step = 0; step < 5; step++) {
      const checkpoint = checkpointWith({ nodes: { [`n${step}`]: step } });
      ids.push(checkpoint.id);
      await saver.put(config('t', parent), checkpoint, { source: 'loop', step, parents: {} }, { nodes: 1 });
      await saver.putWrites(config('t', checkpoint.id), [['nodes', { step }]], `task-${step}`);
      parent = checkpoint.id;
    }
    const kept = await all(saver, 't');
    expect(kept.map((tuple) => tuple.checkpoint.id)).to.deep.equal(ids.slice(2).reverse());
    expect(kept[0]!.pendingWrites).to.deep.equal([['task-4', 'nodes', { step: 4 }]]);
    expect(await saver.getTuple(config('t', ids[0]))).to.equal(undefined);
    await saver.deleteThread('t');
    expect(await all(saver, 't')).to.deep.equal([]);
  });

  it('stores a task\'s ordinary writes once and lets an interrupt or error replace an earlier one', async () => {
    const saver = new ObjectCheckpointSaver();
    const checkpoint = checkpointWith({});
    await saver.put(config('t'), checkpoint, { source: 'loop', step: 0, parents: {} }, {});
    await saver.putWrites(config('t', checkpoint.id), [['nodes', 'first']], 'task');
    await saver.putWrites(config('t', checkpoint.id), [['nodes', 'again']], 'task');
    await saver.putWrites(config('t', checkpoint.id), [['__error__', 'boom']], 'task');
    await saver.putWrites(config('t', checkpoint.id), [['__error__', 'boom twice']], 'task');
    const tuple = await saver.getTuple(config('t'));
    expect(tuple!.pendingWrites).to.deep.equal([
      ['task', '__error__', 'boom twice'],
      ['task', 'nodes', 'first'],
    ]);
  });

  it('pauses a LangGraph run at an interrupt and resumes it from where it stopped', async () => {
    const saver = new ObjectCheckpointSaver();
    const calls: string[] = [];
    const State = Annotation.Root({ nodes: Annotation<Record<string, unknown>>({ reducer: (a, b) => ({ ...a, ...b }), default: () => ({}) }) });
    const graph = new StateGraph(State)
      .addNode('before', async () => {
        calls.push('before');
        return { nodes: { before: 1 } };
      })
      .addNode('ask', async () => {
        calls.push('ask');
        return { nodes: { ask: interrupt('approve?') } };
      })
      .addEdge(START, 'before')
      .addEdge('before', 'ask')
      .addEdge('ask', END)
      .compile({ checkpointer: saver });
    const run = { configurable: { thread_id: 'r' }, durability: 'sync' as const };
    const paused = (await graph.invoke({}, run)) as { __interrupt__?: unknown[] };
    expect(paused.__interrupt__).to.have.length(1);
    const done = (await graph.invoke(new Command({ resume: 'yes' }), run)) as { nodes: Record<string, unknown> };
    expect(done.nodes).to.deep.equal({ before: 1, ask: 'yes' });
    // The node before the pause ran once; the paused one again on resume, as LangGraph does.
    expect(calls).to.deep.equal(['before', 'ask', 'ask']);
  });
});

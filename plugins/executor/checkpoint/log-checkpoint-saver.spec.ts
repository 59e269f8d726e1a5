import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { uuid6, type BaseCheckpointSaver, type CheckpointTuple } from '@langchain/langgraph-checkpoint';
import { JsonCheckpointSaver } from './json-checkpoint-saver.js';
import { LogCheckpointSaver, type CorruptCheckpoint, type LogStats } from './log-checkpoint-saver.js';

/** A chain of `nodes` nodes, each adding its output to a merged map (as the executor's `nodes` channel). */
async function runChain(saver: BaseCheckpointSaver, threadId: string, nodes: number): Promise<void> {
  const State = Annotation.Root({
    nodes: Annotation<Record<string, unknown>>({ reducer: (a, b) => ({ ...a, ...b }), default: () => ({}) }),
  });
  const graph = new StateGraph(State) as unknown as {
    addNode(name: string, run: () => Promise<unknown>): void;
    addEdge(from: string, to: string): void;
    compile(options: { checkpointer: BaseCheckpointSaver }): { invoke(input: unknown, config: unknown): Promise<unknown> };
  };
  let previous = START as string;
  for (let i = 0; i < nodes; i++) {
    const id = `n${i}`;
    graph.addNode(id, async () => ({ nodes: { [id]: { ok: true, value: `output of ${id}` } } }));
    graph.addEdge(previous, id);
    previous = id;
  }
  graph.addEdge(previous, END);
  await graph.compile({ checkpointer: saver }).invoke({}, { configurable: { thread_id: threadId }, recursionLimit: nodes + 10, durability: 'sync' });
}

async function all(saver: BaseCheckpointSaver, threadId: string): Promise<CheckpointTuple[]> {
  const out: CheckpointTuple[] = [];
  for await (const tuple of saver.list({ configurable: { thread_id: threadId } })) out.push(tuple);
  return out;
}

describe('LogCheckpointSaver', function () {
  this.timeout(60_000);
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'orch-log-saver-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes bytes per step that do not grow with the run, with one fsync per step', async () => {
    const perNode: number[] = [];
    for (const nodes of [100, 400]) {
      const stats: LogStats = { fsyncs: 0, bytes: 0 };
      const saver = new LogCheckpointSaver(root, { stats });
      await runChain(saver, `run-${nodes}`, nodes);
      perNode.push(stats.bytes / nodes);
      expect(stats.fsyncs / nodes, `fsyncs per step at ${nodes} nodes`).to.be.at.most(1.2);
      const tuple = await new LogCheckpointSaver(root).getTuple({ configurable: { thread_id: `run-${nodes}` } });
      expect(Object.keys((tuple!.checkpoint.channel_values as { nodes: object }).nodes)).to.have.length(nodes);
    }
    expect(perNode[1]! / perNode[0]!, `bytes per node ${perNode.map((b) => b.toFixed(0)).join(' → ')}`).to.be.below(1.5);
  });

  it('with sync "interval", writes every step to the file at once and fsyncs the log later, once for many steps', async () => {
    const stats: LogStats = { fsyncs: 0, bytes: 0 };
    const saver = new LogCheckpointSaver(root, { stats, sync: 'interval', syncIntervalMs: 60_000 });
    await runChain(saver, 'r', 50);
    // Nothing waited for the disk, yet another reader (a process after a crash) sees every step.
    expect(stats.fsyncs).to.equal(0);
    const tuple = await new LogCheckpointSaver(root).getTuple({ configurable: { thread_id: 'r' } });
    expect(Object.keys((tuple!.checkpoint.channel_values as { nodes: object }).nodes)).to.have.length(50);
    // A run that stops driving syncs its log: the new file, then its folder.
    await saver.sync('r');
    expect(stats.fsyncs).to.equal(2);
    await saver.sync('r');
    expect(stats.fsyncs).to.equal(2);

    const soon = new LogCheckpointSaver(root, { stats, sync: 'interval', syncIntervalMs: 1 });
    await runChain(soon, 's', 5);
    while (stats.fsyncs === 2) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(stats.fsyncs).to.be.at.most(2 + 2 * 5);
  });

  it('keeps the newest 20 checkpoints visible, compacts the log, and a new process reads the same', async () => {
    const saver = new LogCheckpointSaver(root, { compactSlackBytes: 0 });
    await runChain(saver, 'r', 60);
    const kept = await all(saver, 'r');
    expect(kept).to.have.length(20);
    const reread = await all(new LogCheckpointSaver(root), 'r');
    expect(reread.map((t) => t.checkpoint)).to.deep.equal(kept.map((t) => t.checkpoint));
    expect(reread.map((t) => t.pendingWrites)).to.deep.equal(kept.map((t) => t.pendingWrites));
    const lines = (await readFile(saver.fileOf('r'), 'utf8')).split('\n').filter(Boolean);
    expect(lines.filter((l) => l.includes('"t":"cp"')).length).to.be.below(60);
    expect(await readdir(saver.folderOf('r'))).to.deep.equal(['checkpoints.jsonl']);
  });

  it('ignores a torn last line, uses the checkpoint before it, and sets it aside before appending', async () => {
    const events: CorruptCheckpoint[] = [];
    await runChain(new LogCheckpointSaver(root), 'r', 5);
    const file = new LogCheckpointSaver(root).fileOf('r');
    const before = await all(new LogCheckpointSaver(root), 'r');
    // The lines end where the room the log reserves after them (a run of newlines) begins.
    const text = (await readFile(file, 'utf8')).replace(/\n+$/, '\n');
    const lastLine = text.slice(text.lastIndexOf('\n', text.length - 2) + 1);
    await truncate(file, Buffer.byteLength(text) - Math.floor(Buffer.byteLength(lastLine) / 2));

    const saver = new LogCheckpointSaver(root, { onCorrupt: (event) => events.push(event) });
    const after = await all(saver, 'r');
    // The last line was the newest checkpoint's put (or its writes): nothing after it is trusted.
    expect(after.length).to.be.at.least(before.length - 1);
    expect(after.map((t) => t.checkpoint.id)).to.deep.equal(before.slice(before.length - after.length).map((t) => t.checkpoint.id).slice(0, after.length));

    const latest = after[0]!;
    // A fresh time-ordered id, as LangGraph makes them (editing the last digit collided with it 1 time in 16).
    const nextId = uuid6(-3);
    await saver.put(latest.config, { ...latest.checkpoint, id: nextId }, latest.metadata!, {});
    expect(events).to.have.length(1);
    expect(events[0]!.reason).to.match(/torn line/);
    expect(existsSync(`${file}.corrupt`)).to.equal(true);
    const reread = await all(new LogCheckpointSaver(root), 'r');
    expect(reread[0]!.checkpoint.id).to.equal(nextId);
  });

  it('reports a damaged complete line at once', async () => {
    const events: CorruptCheckpoint[] = [];
    await runChain(new LogCheckpointSaver(root), 'r', 3);
    const file = new LogCheckpointSaver(root).fileOf('r');
    const text = (await readFile(file, 'utf8')).replace(/\n+$/, '\n');
    await writeFile(file, `${text.slice(0, -10)}X${text.slice(-9)}`);
    await new LogCheckpointSaver(root, { onCorrupt: (event) => events.push(event) }).getTuple({ configurable: { thread_id: 'r' } });
    expect(events.map((e) => e.reason)).to.have.length(1);
    expect(events[0]!.reason).to.match(/checksum mismatch/);
  });

  it('lets a run go from memory once it stops, and reads and continues it from its file afterwards', async () => {
    const saver = new LogCheckpointSaver(root, { sync: 'interval' });
    await runChain(saver, 'r', 5);
    const before = await all(saver, 'r');
    await saver.letGo('r');
    expect(await all(saver, 'r')).to.deep.equal(before);
    // Resumed after: the next step is stored against the reloaded log, and another process reads it all.
    const good = before[0]!;
    const next = { ...good.checkpoint, id: uuid6(-3) };
    await saver.put(good.config, next, good.metadata!, {});
    await saver.flush();
    expect((await new LogCheckpointSaver(root).getTuple({ configurable: { thread_id: 'r' } }))!.checkpoint).to.deep.equal(next);
  });

  it('rejects with write_failed when the folder refuses writes, and continues from the file once fixed', async () => {
    const saver = new LogCheckpointSaver(root);
    await runChain(saver, 'r', 3);
    const good = (await saver.getTuple({ configurable: { thread_id: 'r' } }))!;
    const folder = saver.folderOf('r');
    await rename(folder, `${folder}.aside`);
    await writeFile(folder, 'not a folder\n');
    const next = { ...good.checkpoint, id: uuid6(-3) };
    await saver.put(good.config, next, good.metadata!, { nodes: 99 }).then(
      () => expect.fail('should fail'),
      (error: { code?: string }) => expect(error.code).to.equal('write_failed'),
    );
    await rm(folder);
    await rename(`${folder}.aside`, folder);
    expect((await saver.getTuple({ configurable: { thread_id: 'r' } }))!.checkpoint.id).to.equal(good.checkpoint.id);
    await saver.put(good.config, next, good.metadata!, { nodes: 99 });
    expect((await new LogCheckpointSaver(root).getTuple({ configurable: { thread_id: 'r' } }))!.checkpoint.id).to.equal(next.id);
  });

  it('migrates a run stored one file per checkpoint on first open', async () => {
    const legacy = new JsonCheckpointSaver(root);
    await runChain(legacy, 'old', 8);
    await legacy.flush();
    const before = await all(legacy, 'old');
    const saver = new LogCheckpointSaver(root);
    const after = await all(saver, 'old');
    expect(after.map((t) => t.checkpoint)).to.deep.equal(before.map((t) => t.checkpoint));
    expect(after.map((t) => t.pendingWrites)).to.deep.equal(before.map((t) => t.pendingWrites));
    expect(await readdir(saver.folderOf('old'))).to.deep.equal(['checkpoints.jsonl']);
    // and it goes on in the new format
    await runChain(saver, 'old', 8);
    expect((await stat(saver.fileOf('old'))).size).to.be.above(0);
  });

  it('keeps room reserved after its lines, and recovers from a write torn inside it or a gap it left', async () => {
    await runChain(new LogCheckpointSaver(root), 'r', 6);
    const file = new LogCheckpointSaver(root).fileOf('r');
    const buffer = await readFile(file);
    const text = buffer.toString('utf8');
    const end = text.replace(/\n+$/, '\n').length;
    expect(buffer.length % 4096, 'whole pages').to.equal(0);
    expect(buffer.length).to.be.above(end);
    const before = await all(new LogCheckpointSaver(root), 'r');

    // A power loss tore the last write: the second half of the last line is still room (newlines).
    const lastStart = text.lastIndexOf('\n', end - 2) + 1;
    const half = lastStart + Math.floor((end - lastStart) / 2);
    await writeFile(file, Buffer.concat([buffer.subarray(0, half), Buffer.alloc(buffer.length - half, 0x0a)]));
    const events: CorruptCheckpoint[] = [];
    const saver = new LogCheckpointSaver(root, { onCorrupt: (event) => events.push(event) });
    const after = await all(saver, 'r');
    expect(after.map((t) => t.checkpoint.id)).to.deep.equal(before.slice(before.length - after.length).map((t) => t.checkpoint.id));
    const latest = after[0]!;
    const nextId = uuid6(-3);
    await saver.put(latest.config, { ...latest.checkpoint, id: nextId }, latest.metadata!, {});
    expect(events.map((e) => e.reason)).to.have.length(1);
    expect(existsSync(`${file}.corrupt`)).to.equal(true);
    expect((await readFile(`${file}.corrupt`, 'utf8')).trim()).to.equal(text.slice(lastStart, half));
    expect((await all(new LogCheckpointSaver(root), 'r'))[0]!.checkpoint.id).to.equal(nextId);

    // A gap: one line lost, later ones on disk. What follows the gap is set aside and never comes back.
    const current = await readFile(file, 'utf8');
    const lines = current.replace(/\n+$/, '\n').split('\n').filter(Boolean);
    const gapAt = current.indexOf(lines[2]!);
    const withGap = current.slice(0, gapAt) + '\n'.repeat(lines[2]!.length) + current.slice(gapAt + lines[2]!.length);
    await writeFile(file, withGap);
    const gapEvents: CorruptCheckpoint[] = [];
    const third = new LogCheckpointSaver(root, { onCorrupt: (event) => gapEvents.push(event) });
    const kept = await all(third, 'r');
    expect(gapEvents.map((e) => e.reason)).to.deep.equal([`an empty line (a gap left by a torn write) at byte ${gapAt} of ${file}`]);
    expect(kept.map((t) => t.checkpoint.id)).to.not.include(nextId);
    const newest = uuid6(-3);
    await third.put(kept[0]!.config, { ...kept[0]!.checkpoint, id: newest }, kept[0]!.metadata!, {});
    const reread = await all(new LogCheckpointSaver(root), 'r');
    expect(reread[0]!.checkpoint.id).to.equal(newest);
    expect(reread.map((t) => t.checkpoint.id)).to.not.include(nextId);
  });

  it('lets a reading process see lines written over the reserved room, even with the same size and time', async () => {
    const writer = new LogCheckpointSaver(root);
    await runChain(writer, 'r', 3);
    const reader = new LogCheckpointSaver(root);
    const seen = await all(reader, 'r');
    const file = writer.fileOf('r');
    const before = await stat(file, { bigint: true });
    const next = { ...seen[0]!.checkpoint, id: uuid6(-3) };
    await writer.put(seen[0]!.config, next, seen[0]!.metadata!, {});
    // Within the clock's coarse tick the time may not move: put it back, to the nanosecond, to be sure.
    const ns = before.mtimeNs % 1_000_000_000n;
    execFileSync('touch', ['-m', '-d', `@${before.mtimeNs / 1_000_000_000n}.${ns.toString().padStart(9, '0')}`, file]);
    const after = await stat(file, { bigint: true });
    expect([after.size, after.mtimeNs, after.ino]).to.deep.equal([before.size, before.mtimeNs, before.ino]);
    expect((await all(reader, 'r'))[0]!.checkpoint.id).to.equal(next.id);
  });
});

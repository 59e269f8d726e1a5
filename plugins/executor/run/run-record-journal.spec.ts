import { expect } from 'chai';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunRecord } from '../api/index.js';
import { journalFileOf, RecordChanges } from './run-record-journal.js';
import { LiveRecord, RunRecords } from './run-records.js';

function record(nodes: number): RunRecord {
  const now = new Date().toISOString();
  return {
    runId: 'run-20261130-120000-abcd',
    planId: 'p',
    planVersion: 1,
    planName: 'p',
    status: 'running',
    mode: 'json',
    operator: 'tester',
    inputs: {},
    createdAt: now,
    updatedAt: now,
    nodes: Object.fromEntries(Array.from({ length: nodes }, (_, i) => [`n${i}`, { status: 'succeeded', type: 'local_task', attempts: 1 }])),
  } as unknown as RunRecord;
}

describe('run record journal', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orch-records-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends only the node entries and fields that changed', () => {
    const r = record(3);
    const changes = new RecordChanges();
    changes.reset(r);
    expect(changes.next(r, 'v1')).to.equal(undefined);
    r.nodes.n1!.status = 'running' as never;
    (r as { error?: string }).error = 'x';
    const line = JSON.parse(changes.next(r, 'v1')!);
    expect(Object.keys(line.nodes)).to.deep.equal(['n1']);
    expect(line.set).to.deep.equal({ error: 'x' });
    delete (r as { error?: string }).error;
    expect(JSON.parse(changes.next(r, 'v1')!).unset).to.deep.equal(['error']);
  });

  it('readers see the record with its changes; lines naming an older version and a torn line are ignored', async () => {
    const records = new RunRecords(dir);
    const r = record(2);
    const live = new LiveRecord(r, records);
    await live.save();
    r.nodes.n0!.status = 'running' as never;
    await live.saveScratch();
    expect((await records.get(r.runId)).nodes.n0!.status).to.equal('running');
    await appendFile(journalFileOf(records.fileOf(r.runId)), '{"crc":"00000000","base":"x","nod');
    expect((await records.get(r.runId)).nodes.n0!.status).to.equal('running');
    // A whole rewrite: the journal goes; a leftover line for the older version would not apply.
    const journal = await readFile(journalFileOf(records.fileOf(r.runId)));
    r.nodes.n0!.status = 'succeeded' as never;
    await live.save();
    await writeFile(journalFileOf(records.fileOf(r.runId)), journal);
    expect((await records.get(r.runId)).nodes.n0!.status).to.equal('succeeded');
  });

  it('keeps bytes written in proportion to the changes, not to the record', async () => {
    const records = new RunRecords(dir);
    const r = record(0);
    const live = new LiveRecord(r, records);
    await live.save();
    let appended = 0;
    for (let i = 0; i < 400; i++) {
      r.nodes[`n${i}`] = { status: 'succeeded', type: 'local_task', attempts: 1 } as never;
      await live.saveScratch();
      appended += (await stat(journalFileOf(records.fileOf(r.runId))).catch(() => ({ size: 0 }))).size > 0 ? 1 : 0;
    }
    const file = await stat(records.fileOf(r.runId));
    const whole = (await records.get(r.runId)).nodes;
    expect(Object.keys(whole)).to.have.length(400);
    // The record was rewritten whole only a few times (journal outgrew it), not per node.
    expect(appended).to.be.above(300);
    expect(file.size).to.be.above(0);
  });

  it('in memory mode, scratch data stays in memory', async () => {
    const records = new RunRecords(dir);
    const r = { ...record(1), mode: 'memory' } as RunRecord;
    const live = new LiveRecord(r, records);
    await live.saveScratch();
    expect(await records.read(r.runId)).to.equal(undefined);
  });
});

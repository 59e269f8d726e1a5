import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { packTarGz, unpackTarGz } from './tar-archive.js';

describe('state-backup: tar.gz codec', () => {
  const long = `state/checkpoints/${'run-20261130-120000-abcd/'.repeat(6)}checkpoint-0001.json`;
  const entries = [
    { path: 'state/approvals/pending.json', data: Buffer.from('[]\n'), mtime: new Date('2026-11-30T10:00:00Z') },
    { path: long, data: Buffer.from('{"a":1}\n'), mtime: new Date('2026-11-30T10:00:01Z') },
    { path: 'config/empty.json', data: Buffer.alloc(0), mtime: new Date('2026-11-30T10:00:02Z') },
  ];

  it('round-trips files, long paths and empty files', () => {
    const back = unpackTarGz(packTarGz(entries));
    expect(back.map((e) => [e.path, e.data.toString(), e.mtime.toISOString()])).to.deep.equal(entries.map((e) => [e.path, e.data.toString(), e.mtime.toISOString()]));
  });

  it('writes archives the system tar reads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orch-tar-'));
    try {
      writeFileSync(join(dir, 'a.tar.gz'), packTarGz(entries));
      const listed = execFileSync('tar', ['-tzf', join(dir, 'a.tar.gz')], { encoding: 'utf8' }).trim().split('\n');
      expect(listed).to.deep.equal(entries.map((e) => e.path));
      execFileSync('tar', ['-xzf', join(dir, 'a.tar.gz'), '-C', dir]);
      expect(readFileSync(join(dir, long), 'utf8')).to.equal('{"a":1}\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names a damaged archive', () => {
    const packed = packTarGz(entries);
    expect(() => unpackTarGz(packed.subarray(0, packed.length - 20))).to.throw(/not a readable gzip file/);
  });
});

import { expect } from 'chai';
import { applyPatch, decodeLine, diffObjects, encodeLine, encodePatchLine, jsonEqual, parseLog, type LogLine } from './checkpoint-log-format.js';

describe('checkpoint log format', () => {
  it('patches only the members that changed, down to one member of a map', () => {
    const base = { checkpoint: { v: 4, channel_versions: { a: 1, b: 2 } }, values: { nodes: { type: 'json', json: { n1: { ok: true }, n2: { ok: true } } } } };
    const next = { checkpoint: { v: 4, channel_versions: { a: 1, b: 3, c: 1 } }, values: { nodes: { type: 'json', json: { n1: { ok: true }, n2: { ok: true }, n3: { ok: false } } } } };
    const patch = diffObjects(base, next, 4)!;
    expect(patch).to.deep.equal({
      p: { checkpoint: { p: { channel_versions: { s: { b: 3, c: 1 } } } }, values: { p: { nodes: { p: { json: { s: { n3: { ok: false } } } } } } } },
    });
    expect(applyPatch(base, patch)).to.deep.equal(next);
    expect(base.values.nodes.json).to.not.have.property('n3');
  });

  it('records removed members and gives no patch when nothing changed', () => {
    expect(diffObjects({ a: 1, b: [1, 2] }, { a: 1, b: [1, 2] }, 3)).to.equal(undefined);
    const patch = diffObjects({ a: 1, b: 2 }, { a: 1 }, 3)!;
    expect(patch).to.deep.equal({ x: ['b'] });
    expect(applyPatch({ a: 1, b: 2 }, patch)).to.deep.equal({ a: 1 });
  });

  it('compares JSON values structurally', () => {
    expect(jsonEqual({ a: [1, { b: null }] }, { a: [1, { b: null }] })).to.equal(true);
    expect(jsonEqual({ a: 1, u: undefined }, { a: 1 })).to.equal(true);
    expect(jsonEqual([1], { 0: 1 })).to.equal(false);
    expect(jsonEqual({ a: 1 }, { a: 2 })).to.equal(false);
  });

  it('writes a patch line from the patch text as it writes the line whole', () => {
    const d = { p: { checkpoint: { s: { ts: '2026-11-30T00:00:00.000Z' } } }, s: { metadata: { type: 'json', json: { step: 3, note: 'a "quoted" \u2028 line' } } } };
    for (const parent of ['p1', undefined]) {
      const line = encodePatchLine('ns|"x"', 'c2', parent, 'p1', JSON.stringify(d));
      expect(line).to.equal(encodeLine({ t: 'cp', ns: 'ns|"x"', id: 'c2', ...(parent ? { parent } : {}), base: 'p1', d }));
      expect(decodeLine(line.slice(0, -1))).to.deep.equal({ line: { t: 'cp', ns: 'ns|"x"', id: 'c2', ...(parent ? { parent } : {}), base: 'p1', d } });
    }
  });

  it('writes one checksummed JSON line per entry and reads it back', () => {
    const line: LogLine = { t: 'w', ns: '', cp: 'c1', w: [{ task: 't', idx: 0, ch: 'nodes', path: '', v: { type: 'json', json: { a: 'é\n' } } }] };
    const text = encodeLine(line);
    expect(text.endsWith('\n')).to.equal(true);
    expect(text.indexOf('\n')).to.equal(text.length - 1);
    expect(JSON.parse(text)).to.have.property('crc');
    expect(decodeLine(text.slice(0, -1))).to.deep.equal({ line });
  });

  it('stops at a damaged or torn line and keeps what precedes it', () => {
    const a = encodeLine({ t: 'head', format: 'orch.checkpoint-log/1', thread: 'r' });
    const b = encodeLine({ t: 'w', ns: '', cp: 'c1', w: [] });
    const damaged = b.replace('"c1"', '"c2"');
    expect(parseLog(Buffer.from(a + damaged + b)).lines).to.have.length(1);
    expect(parseLog(Buffer.from(a + damaged)).badTail).to.include({ offset: a.length, reason: 'checksum mismatch', complete: true });
    const torn = parseLog(Buffer.from(a + b.slice(0, 20)));
    expect(torn.validBytes).to.equal(a.length);
    expect(torn.badTail).to.include({ complete: false });
    expect(parseLog(Buffer.from(a + b)).badTail).to.equal(undefined);
  });

  it('takes a run of newlines at the end for reserved room, and a gap or a torn line in it for the end of what is trusted', () => {
    const a = encodeLine({ t: 'head', format: 'orch.checkpoint-log/1', thread: 'r' });
    const b = encodeLine({ t: 'w', ns: '', cp: 'c1', w: [] });
    const room = '\n'.repeat(100);
    const clean = parseLog(Buffer.from(a + b + room));
    expect(clean.validBytes).to.equal(a.length + b.length);
    expect(clean.badTail).to.equal(undefined);
    expect(clean.lines).to.have.length(2);
    // A write torn by a power loss: the rest of its line is still room; it may also be a write in progress.
    const torn = parseLog(Buffer.from(a + b.slice(0, 20) + room));
    expect(torn.validBytes).to.equal(a.length);
    expect(torn.badTail).to.include({ offset: a.length, bytes: 21, reason: 'checksum mismatch', complete: false });
    // A later page reached the disk, an earlier one did not: the lines after the gap are not trusted.
    const gap = parseLog(Buffer.from(a + '\n'.repeat(b.length) + b + room));
    expect(gap.lines).to.have.length(1);
    expect(gap.badTail).to.include({ offset: a.length, reason: 'an empty line (a gap left by a torn write)', complete: true });
  });
});

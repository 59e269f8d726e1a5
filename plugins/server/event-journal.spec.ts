import { expect } from 'chai';
import type { OrchEvent } from '../../kernel/index.js';
import { EventJournal } from './event-journal.js';

const event = (seq: number): OrchEvent => ({ type: 'node.progress', seq, time: '' }) as unknown as OrchEvent;

describe('server: EventJournal', () => {
  it('returns exactly the events after a seq, oldest first, across the ring boundary', () => {
    const journal = new EventJournal(5);
    for (let seq = 1; seq <= 12; seq++) journal.append(event(seq));
    expect(journal.after(9, 12)!.map((e) => e.seq)).to.deep.equal([10, 11, 12]);
    expect(journal.after(7, 12)!.map((e) => e.seq)).to.deep.equal([8, 9, 10, 11, 12]);
  });

  it('says when the events a client missed are no longer held', () => {
    const journal = new EventJournal(5);
    for (let seq = 1; seq <= 12; seq++) journal.append(event(seq));
    expect(journal.after(6, 12)).to.equal(undefined);
    expect(journal.after(12, 12)).to.deep.equal([]);
  });
});

import { expect } from 'chai';
import { CoalescingWriter } from './coalescing-writer.js';

describe('CoalescingWriter', () => {
  it('serialises writes and folds requests made during one write into the next', async () => {
    let writes = 0;
    let release!: () => void;
    const writer = new CoalescingWriter(async () => {
      writes += 1;
      if (writes === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const first = writer.request();
    const more = [writer.request(), writer.request(), writer.request()];
    release();
    await Promise.all([first, ...more]);
    expect(writes).to.equal(2);
  });

  it('gives each requester the failure of the write that carried its change', async () => {
    let fail = true;
    const writer = new CoalescingWriter(async () => {
      if (fail) throw new Error('disk full');
    });
    await writer.request().then(
      () => expect.fail('should fail'),
      (error: Error) => expect(error.message).to.equal('disk full'),
    );
    fail = false;
    await writer.request();
  });
});

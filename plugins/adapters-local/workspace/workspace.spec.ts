import { expect } from 'chai';
import { isInside } from './workspace.js';

describe('workspace: isInside', () => {
  it('accepts the root and what is below it', () => {
    expect(isInside('/w', '/w')).to.equal(true);
    expect(isInside('/w', '/w/a/b')).to.equal(true);
    expect(isInside('/w', '/w/..a')).to.equal(true);
  });

  it('refuses parents, siblings with the same prefix and other trees', () => {
    expect(isInside('/w', '/')).to.equal(false);
    expect(isInside('/w', '/w2/a')).to.equal(false);
    expect(isInside('/w/a', '/w/b')).to.equal(false);
    expect(isInside('/w', '/etc/passwd')).to.equal(false);
  });
});

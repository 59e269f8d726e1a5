import { expect } from 'chai';
import { makeTimeScale } from './timeline-scale.js';

describe('panels-business: timeline time scale', () => {
  it('is linear when there is no long idle gap', () => {
    const scale = makeTimeScale([
      [0, 1000],
      [500, 2000],
    ]);
    expect(scale.x(0)).to.equal(0);
    expect(scale.x(1000)).to.equal(0.5);
    expect(scale.x(2000)).to.equal(1);
    expect(scale.breaks).to.deep.equal([]);
  });

  it('compresses a long wait (a person deciding) into one narrow break', () => {
    const scale = makeTimeScale(
      [
        [0, 1000],
        [3_601_000, 3_602_000],
      ],
      { breakWidth: 0.04 },
    );
    expect(scale.breaks).to.have.length(1);
    expect(scale.breaks[0]!.idleMs).to.equal(3_600_000);
    // The two seconds of work share 96 % of the axis; the hour of waiting gets 4 %.
    expect(scale.x(1000)).to.be.closeTo(0.48, 1e-9);
    expect(scale.x(3_601_000)).to.be.closeTo(0.52, 1e-9);
    expect(scale.x(3_602_000)).to.equal(1);
  });
});

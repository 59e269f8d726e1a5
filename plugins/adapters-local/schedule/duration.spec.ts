import { expect } from 'chai';
import { parseDuration } from './duration.js';

describe('schedule: parseDuration', () => {
  it('reads milliseconds, compact text and ISO 8601', () => {
    expect(parseDuration(1500)).to.equal(1500);
    expect(parseDuration('500ms')).to.equal(500);
    expect(parseDuration('90s')).to.equal(90_000);
    expect(parseDuration('1h30m')).to.equal(5_400_000);
    expect(parseDuration('2d')).to.equal(172_800_000);
    expect(parseDuration('1.5s')).to.equal(1500);
    expect(parseDuration('PT1H30M')).to.equal(5_400_000);
    expect(parseDuration('P1DT2S')).to.equal(86_402_000);
    expect(parseDuration('pt5s')).to.equal(5000);
  });

  it('refuses anything else', () => {
    for (const bad of ['', 'soon', '5', '5 m', 'P', 'PT', '-5s', 'm5']) expect(parseDuration(bad), bad).to.equal(undefined);
    expect(parseDuration(-1)).to.equal(undefined);
    expect(parseDuration(Number.NaN)).to.equal(undefined);
  });
});

import { expect } from 'chai';
import { HttpError } from './error-reply.js';
import { checkRequestOrigin, isLoopback } from './request-origin.js';

const refusal = (run: () => void): HttpError | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    return error as HttpError;
  }
};

describe('server: checkRequestOrigin', () => {
  it('lets loopback hosts and origins (and clients that send no Origin) through on a loopback server', () => {
    for (const headers of [
      { host: '127.0.0.1:7420' },
      { host: 'localhost:7420', origin: 'http://localhost:5173' },
      { host: '[::1]:7420', origin: 'http://127.0.0.1:7420' },
      {},
    ]) {
      expect(refusal(() => checkRequestOrigin(headers, '127.0.0.1')), JSON.stringify(headers)).to.equal(undefined);
    }
  });

  it('refuses foreign origins, null origins and foreign Host names (DNS rebinding) with 403', () => {
    const foreign = refusal(() => checkRequestOrigin({ host: '127.0.0.1:7420', origin: 'https://evil.example' }, '127.0.0.1'));
    expect(foreign?.status).to.equal(403);
    expect(foreign?.message).to.contain('https://evil.example');
    expect(refusal(() => checkRequestOrigin({ host: '127.0.0.1:7420', origin: 'null' }, '127.0.0.1'))?.status).to.equal(403);
    const rebound = refusal(() => checkRequestOrigin({ host: 'evil.example:7420' }, '127.0.0.1'));
    expect(rebound?.status).to.equal(403);
    expect(rebound?.message).to.contain('evil.example');
  });

  it('on a deliberately exposed address, accepts an Origin matching the Host and refuses others', () => {
    expect(refusal(() => checkRequestOrigin({ host: 'orch.lan:7420', origin: 'http://orch.lan:7420' }, '0.0.0.0'))).to.equal(undefined);
    expect(refusal(() => checkRequestOrigin({ host: 'orch.lan:7420' }, '0.0.0.0'))).to.equal(undefined);
    expect(refusal(() => checkRequestOrigin({ host: 'orch.lan:7420', origin: 'http://evil.example' }, '0.0.0.0'))?.status).to.equal(403);
  });

  it('knows the loopback names', () => {
    expect(['localhost', 'app.localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]'].every(isLoopback)).to.equal(true);
    expect(['10.0.0.1', 'example.com', '0.0.0.0', undefined].some(isLoopback)).to.equal(false);
  });
});

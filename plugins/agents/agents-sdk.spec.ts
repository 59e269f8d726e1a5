import { expect } from 'chai';
import { loadAgentsSdk, loadedAgentsSdk, prepareAgentsSdk } from './agents-sdk.js';

describe('agents: @openai/agents set-up', () => {
  it("is loaded on first use, and loading removes the SDK's SIGINT, SIGTERM and unhandledRejection handlers (Orch owns them) but keeps everyone else's", async () => {
    const mine = () => undefined;
    process.on('SIGTERM', mine);
    try {
      prepareAgentsSdk({ enabled: false });
      const sdk = await loadAgentsSdk();
      expect(loadedAgentsSdk()).to.equal(sdk);
      expect(await loadAgentsSdk()).to.equal(sdk);
      for (const event of ['SIGINT', 'SIGTERM', 'unhandledRejection']) {
        const handlers = process.listeners(event as NodeJS.Signals).filter((l) => String(l).includes('hasOtherListenersFor'));
        expect(handlers, event).to.have.length(0);
      }
      expect(process.listeners('SIGTERM')).to.include(mine);
    } finally {
      process.removeListener('SIGTERM', mine);
    }
  });
});

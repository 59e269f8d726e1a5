import { expect } from 'chai';
import { prepareAgentsSdk } from './agents-sdk.js';

describe('agents: @openai/agents set-up', () => {
  it("removes the SDK's SIGINT, SIGTERM and unhandledRejection handlers (Orch owns them) and keeps everyone else's", () => {
    const mine = () => undefined;
    process.on('SIGTERM', mine);
    try {
      prepareAgentsSdk({ enabled: false });
      for (const event of ['SIGINT', 'SIGTERM', 'unhandledRejection']) {
        const sdk = process.listeners(event as NodeJS.Signals).filter((l) => String(l).includes('hasOtherListenersFor'));
        expect(sdk, event).to.have.length(0);
      }
      expect(process.listeners('SIGTERM')).to.include(mine);
    } finally {
      process.removeListener('SIGTERM', mine);
    }
  });
});

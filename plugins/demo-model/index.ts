import { definePlugin } from '../../kernel/index.js';
import { ModelProviderContribution } from '../agents/api/index.js';
import { DemoModelServer } from './demo-model-server.js';

/**
 * The offline demo model: a deterministic OpenAI-compatible endpoint on 127.0.0.1 that the agents
 * plugin lists as the provider `demo` and falls back to when the default provider of
 * config/models.json cannot be reached. Every answer is labelled "[demo model]".
 */
export default definePlugin({
  bindings({ bind }) {
    bind(DemoModelServer).toSelf();
    bind(ModelProviderContribution).toService(DemoModelServer);
  },

  async stop({ services }) {
    await services.get<DemoModelServer>(DemoModelServer).close();
  },
});

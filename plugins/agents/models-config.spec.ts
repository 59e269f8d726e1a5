import { expect } from 'chai';
import { DEFAULT_MODELS_CONFIG, ModelsConfigSchema, NO_KEY, resolveModel } from './models-config.js';

describe('agents: config/models.json', () => {
  const config = ModelsConfigSchema.parse({
    default: { provider: 'local', model: 'llama3.2' },
    providers: {
      local: { baseURL: 'http://127.0.0.1:11434/v1' },
      openai: { baseURL: 'https://api.openai.com/v1', api: 'responses', apiKeyEnv: 'OPENAI_KEY_FOR_SPEC', apiKeyRequired: true, defaultModel: 'gpt-4.1-mini' },
    },
  });

  it('fills in fail-fast defaults and accepts the bundled defaults', () => {
    expect(config.providers.local).to.deep.include({ api: 'chat_completions', maxRetries: 0, connectTimeoutMs: 2000, structuredOutput: 'json_schema', apiKeyRequired: false });
    expect(config.tracing.enabled).to.equal(false);
    expect(ModelsConfigSchema.safeParse(DEFAULT_MODELS_CONFIG).success).to.equal(true);
  });

  it('picks the caller\'s model, else the provider default, else the config default', () => {
    expect(resolveModel(config, {}, {})).to.deep.include({ provider: 'local', model: 'llama3.2', apiKey: NO_KEY });
    expect(resolveModel(config, { provider: 'openai' }, { OPENAI_KEY_FOR_SPEC: 'k' })).to.deep.include({ model: 'gpt-4.1-mini', apiKey: 'k' });
    expect(resolveModel(config, { model: 'qwen' }, {}).model).to.equal('qwen');
  });

  it('names a missing key and an unknown provider', () => {
    expect(() => resolveModel(config, { provider: 'openai' }, {})).to.throw(
      'Model provider "openai" needs an API key in the environment variable OPENAI_KEY_FOR_SPEC, which is not set (config/models.json: providers.openai)',
    );
    expect(() => resolveModel(config, { provider: 'nope' }, {})).to.throw('Unknown model provider "nope"; config/models.json defines local, openai');
  });

  it('reports a default provider that is not defined, and a bad URL, by field', () => {
    const bad = ModelsConfigSchema.safeParse({ default: { provider: 'x', model: 'm' }, providers: { local: { baseURL: 'localhost:11434' } } });
    expect(bad.success).to.equal(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).to.include.members(['providers.local.baseURL']);
  });
});

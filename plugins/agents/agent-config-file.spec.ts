import { expect } from 'chai';
import { parseAgentConfig } from './agent-config-file.js';

describe('agents: agent config files', () => {
  const valid = { name: 'helper', description: 'Helps.', instructions: 'Help.' };

  it('fills in defaults', () => {
    expect(parseAgentConfig(JSON.stringify(valid), 'agents-config/helper.json', { requireFileName: true })).to.deep.include({
      version: '1.0.0',
      maxTurns: 10,
      riskLevel: 'medium',
      tools: [],
      handoffs: [],
    });
  });

  it('names the file and every wrong field', () => {
    const text = JSON.stringify({ ...valid, tools: [{ mcp: 'x', allow: 'all' }], maxTurns: 500, surprise: true });
    expect(() => parseAgentConfig(text, 'agents-config/helper.json')).to.throw(/^agents-config\/helper\.json is invalid: tools\.0: .*; maxTurns: .*; \(root\): Unrecognized key: "surprise"/);
    expect(() => parseAgentConfig('{', 'agents-config/helper.json')).to.throw(/^agents-config\/helper\.json is not valid JSON/);
  });

  it('requires the name to match the file name inside agents-config/', () => {
    expect(() => parseAgentConfig(JSON.stringify(valid), 'agents-config/other.json', { requireFileName: true })).to.throw(
      'agents-config/other.json is invalid: name: "helper" does not match the file name; rename the file to helper.json or the agent to "other"',
    );
  });
});

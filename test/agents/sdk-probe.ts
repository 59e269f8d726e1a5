// A child process for lazy-sdks.test.ts: boots a kernel (business plugins) in the given home, does
// what argv asks, and after each step prints a JSON line `{step, packages}` — which of the heavy
// packages the process has loaded so far. Modules are recorded by test/support/loaded-modules.ts.
// `node --import tsx/esm test/agents/sdk-probe.ts <home> <role> <step>…`; steps: idle, model.
import { z } from 'zod';
import { recordLoadedModules } from '../support/loaded-modules.js';

const [home, role, ...steps] = process.argv.slice(2);
if (!home || !role) throw new Error('usage: sdk-probe.ts <home> <role> <step>…');
const loadedModules = recordLoadedModules(home);

const WATCHED = ['@openai/agents', 'openai', '@modelcontextprotocol/sdk', 'ajv'];
const { Kernel } = await import('../../kernel/kernel.js');
const { ModelGateway } = await import('../../plugins/agents/api/index.js');

const report = (step: string): void => {
  const urls = loadedModules();
  const packages = WATCHED.filter((name) => urls.some((url) => url.includes(`/node_modules/${name}/`)));
  console.log(JSON.stringify({ step, packages }));
};

const kernel = await Kernel.boot({ home, role: role as 'server', operator: 'prober', plugins: ['business'] });
await kernel.start();
for (const step of steps) {
  if (step === 'model') {
    const gateway = kernel.get<import('../../plugins/agents/api/index.js').ModelGateway>(ModelGateway);
    await gateway.generateStructured({ system: 'Answer.', prompt: 'Say hello.', schema: z.object({ greeting: z.string() }), schemaName: 'Greeting', provider: 'demo' });
  } else if (step !== 'idle') {
    throw new Error(`unknown step ${step}`);
  }
  report(step);
}
await kernel.stop();

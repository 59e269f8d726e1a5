// A child process for lazy-sdks.test.ts: hides the packages named in argv (as if not installed),
// boots a kernel with the business plugins in the given home and prints the catalog entries of the
// agents and mcp-bridge plugins as one JSON line.
// `node --import tsx/esm test/agents/missing-sdk-probe.ts <home> <package>…`
import { register } from 'node:module';

const [home, ...hidden] = process.argv.slice(2);
if (!home) throw new Error('usage: missing-sdk-probe.ts <home> <package>…');
register(new URL('./hide-packages-hook.mjs', import.meta.url), { data: { hidden } });

const { Kernel } = await import('../../kernel/kernel.js');
const kernel = await Kernel.boot({ home, role: 'cli', operator: 'prober', plugins: ['business'] });
const entries = kernel.plugins().filter((p) => p.id === 'agents' || p.id === 'mcp-bridge');
console.log(JSON.stringify(entries.map(({ id, status, reason }) => ({ id, status, reason }))));
await kernel.stop();

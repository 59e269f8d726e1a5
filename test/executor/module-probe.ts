// A child process for lazy-graph.test.ts (and for measuring by hand): boots a kernel in a temp home,
// does what argv asks of the run service, and prints JSON lines `{step, rss, modules, langchain}` —
// the resident set size, how many modules are loaded, and how many of them are LangChain/LangGraph.
// `node --import tsx/esm test/executor/module-probe.ts <home> <role> <plugins|-> <step>…`
// Steps: idle, list (run:list, run:show of every run), run:<planId> (runs a stored plan to its end).
import { recordLoadedModules } from '../support/loaded-modules.js';

const [home, role, plugins, ...steps] = process.argv.slice(2);
if (!home || !role || !plugins) throw new Error('usage: module-probe.ts <home> <role> <plugins|-> <step>…');
const loadedModules = recordLoadedModules(home);

// Imported after the hook is in place, so every module the kernel and the plugins load is seen.
const { Kernel } = await import('../../kernel/kernel.js');
const { RunService } = await import('../../plugins/executor/api/index.js');

const report = (step: string): void => {
  const urls = loadedModules();
  const langchain = urls.filter((url) => /\/node_modules\/@langchain\//.test(url)).length;
  console.log(JSON.stringify({ step, rss: process.memoryUsage().rss, modules: urls.length, langchain }));
};

const kernel = await Kernel.boot({
  home,
  role: role as 'server',
  operator: 'prober',
  ...(plugins === '-' ? {} : { only: plugins.split(',') }),
});
await kernel.start();
const runs = kernel.get<import('../../plugins/executor/api/index.js').RunService>(RunService);
for (const step of steps) {
  if (step === 'list') {
    for (const item of await runs.listItems()) await runs.get(item.runId);
  } else if (step.startsWith('run:')) {
    await runs.start({ planId: step.slice('run:'.length) }, { operator: 'prober' });
  } else if (step !== 'idle') {
    throw new Error(`unknown step ${step}`);
  }
  report(step);
}
await kernel.stop();

import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PlanSaver } from '../../plugins/plans/api/index.js';
import { createExecutorHome, planOf, task, type ExecutorHome } from '../support/executor-home.js';

const PROBE = fileURLToPath(new URL('./module-probe.ts', import.meta.url));

interface ProbeLine {
  step: string;
  rss: number;
  modules: number;
  langchain: number;
}

/** Runs module-probe.ts in a child process (a fresh module graph) and returns its report lines. */
function probe(home: string, role: string, plugins: string, steps: string[]): Promise<ProbeLine[]> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx/esm', PROBE, home, role, plugins, ...steps], { timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`module probe failed: ${stderr || error.message}`));
      resolve(stdout.split('\n').filter((line) => line.startsWith('{"step"')).map((line) => JSON.parse(line) as ProbeLine));
    });
  });
}

/**
 * LangGraph (and LangChain core, through the checkpoint store) is loaded when a run is compiled,
 * resumed or its checkpoints read — not by an idle server, nor by listing and showing runs.
 */
describe('executor: LangGraph is loaded only when a run needs it', function () {
  this.timeout(300_000);
  let home: ExecutorHome;

  before(async () => {
    home = await createExecutorHome();
    const ex = await home.bootExecutor();
    await ex.kernel.get<PlanSaver>(PlanSaver).save(planOf('probe', { id: 'main', type: 'sequence', children: [task('a', 'noop'), task('b', 'echo', { x: 1 })] }), {
      operator: 'tester',
    });
    await ex.kernel.stop();
  });
  after(async () => home.cleanup());

  it('a CLI process lists and shows runs without it, and loads it for the first run', async () => {
    const [idle, list, run] = await probe(home.dir, 'cli', 'executor,executor-test-adapters', ['idle', 'list', 'run:probe']);
    expect(idle!.langchain, 'modules of @langchain/* after boot').to.equal(0);
    expect(list!.langchain, 'after listing runs').to.equal(0);
    expect(run!.langchain, 'after a run').to.be.greaterThan(0);
  });

  it('an idle server with finished runs on file does not load it, and listing them does not either', async () => {
    const [idle, list] = await probe(home.dir, 'server', 'executor,executor-test-adapters', ['idle', 'list']);
    expect(idle!.langchain).to.equal(0);
    expect(list!.langchain).to.equal(0);
  });
});

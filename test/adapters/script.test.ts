import { expect } from 'chai';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodeAdapter } from '../../plugins/plans/api/index.js';
import { callAdapter, createAdaptersHome, failureOf, type AdaptersHome } from '../support/adapters-context.js';
import { killQuietly, pidFrom, processGone } from '../support/adapters-processes.js';

const STUBBORN_PARENT = fileURLToPath(new URL('../fixtures/adapters-scripts/stubborn-parent.mjs', import.meta.url));
const node = process.execPath;

/** The script adapter with real child processes: process-tree kills, no shell splicing, env allow-list, caps. */
describe('adapters: script', function () {
  let home: AdaptersHome;
  let script: NodeAdapter;
  let ws: string;
  const started: number[] = [];
  const run = (params: Record<string, unknown>, options = {}) => callAdapter(home, script, params, options) as Promise<Record<string, any>>;

  before(async () => {
    home = await createAdaptersHome();
    script = home.adapter('local_task:script');
    ws = join(home.dir, 'workspace');
    await mkdir(join(ws, 'sub'));
  });
  after(async () => {
    for (const pid of started) killQuietly(pid);
    await home.cleanup();
  });

  describe('timeout and cancellation stop the whole process tree', () => {
    it('a script that started a child and sleeps is killed with its child at the timeout', async () => {
      const call = run({ command: ['/bin/sh', '-c', 'sleep 60 & echo $! > child.pid; sleep 60'] }, { timeoutMs: 1000 });
      const child = await pidFrom(join(ws, 'child.pid'));
      started.push(child);
      const error = await failureOf(call);
      expect(error.code).to.equal('timeout');
      expect(error.message).to.match(/timed out after 1000 ms; its processes were stopped/);
      expect(await processGone(child), `child ${child} still running`).to.equal(true);
    });

    it('processes that ignore SIGTERM are killed with SIGKILL after the grace period', async () => {
      // Stopped by the signal once both are up (a timeout could fire before node has even started).
      const controller = new AbortController();
      const call = run({ command: [node, STUBBORN_PARENT, 'stubborn.pid'], killGraceMs: 200 }, { signal: controller.signal });
      const child = await pidFrom(join(ws, 'stubborn.pid'));
      started.push(child);
      controller.abort(new Error('stop the stubborn ones'));
      expect((await failureOf(call)).message).to.equal('stop the stubborn ones');
      expect(await processGone(child), `child ${child} still running`).to.equal(true);
    });

    it('aborting the signal (cancel, shutdown) stops the tree and rejects with the reason', async () => {
      const controller = new AbortController();
      const call = run({ command: ['/bin/sh', '-c', 'sleep 60 & echo $! > cancel.pid; wait'] }, { signal: controller.signal });
      const child = await pidFrom(join(ws, 'cancel.pid'));
      started.push(child);
      controller.abort(new Error('run cancelled by tester'));
      expect((await failureOf(call)).message).to.equal('run cancelled by tester');
      expect(await processGone(child)).to.equal(true);
    });

    it('processes left behind by a script that ended are stopped too', async () => {
      const output = await run({ command: ['/bin/sh', '-c', 'sleep 60 & echo $!'] });
      const leftover = Number(output.stdout.trim());
      started.push(leftover);
      expect(output.exitCode).to.equal(0);
      expect(await processGone(leftover)).to.equal(true);
    });
  });

  describe('no shell splicing', () => {
    it('argv elements reach the program verbatim, templates included, and nothing runs', async () => {
      const hostile = '$(touch pwned) `touch pwned2`; touch pwned3';
      const output = await run(
        { command: [node, '-e', 'console.log(JSON.stringify(process.argv.slice(1)))', '{{ vars.text }}', 'literal $HOME'] },
        { vars: { text: hostile }, node: { inputs: { text: 'input.text' } } },
      );
      expect(JSON.parse(output.stdout)).to.deep.equal([hostile, 'literal $HOME']);
      expect((await readdir(ws)).filter((n) => n.startsWith('pwned'))).to.deep.equal([]);
    });

    it('with shell: true, values come in as environment variables and stay data', async () => {
      const hostile = 'x"; touch pwned4; echo "';
      const output = await run(
        { command: 'printf "%s" "$TEXT" | wc -c; ls', shell: true, env: { TEXT: '{{ vars.text }}' } },
        { vars: { text: hostile }, node: { inputs: { text: 'input.text' } } },
      );
      expect(output.stdout.split('\n')[0].trim()).to.equal(String(hostile.length));
      expect(output.stdout).to.not.contain('pwned4');
    });

    it('refuses a template inside a shell string, at dry run and at run time', async () => {
      const params = { command: 'echo {{ vars.text }}', shell: true };
      const nodeDef = { id: 'n', type: 'local_task', kind: 'script', params, inputs: { text: 'input.text' } } as never;
      const issues = await script.dryRun!({ node: nodeDef, params: script.paramsSchema.parse(params), logger: home.kernel.logger });
      expect(issues.map((i) => i.path)).to.deep.equal(['params.command']);
      expect(issues[0]!.message).to.match(/^templates are never spliced into a shell command: put the value in "env"/);
      const error = await failureOf(run(params, { vars: { text: 'x' }, node: { inputs: { text: 'input.text' } } }));
      expect(error.code).to.equal('invalid_input');
    });

    it('templates read only the node\'s inputs; the dry run says how to map anything else', async () => {
      const params = { command: ['echo', '{{ nodes.fetch.body }}', '{{ vars.missing }}'] };
      const nodeDef = { id: 'n', type: 'local_task', kind: 'script', params, inputs: { day: 'input.day' } } as never;
      const issues = await script.dryRun!({ node: nodeDef, params: script.paramsSchema.parse(params), logger: home.kernel.logger });
      expect(issues).to.deep.equal([
        {
          path: 'params.command.1',
          message: 'script templates read only this node\'s inputs (vars.<name>), not "nodes.fetch": add "inputs": { "fetch": "nodes.fetch.body" } to the node and write {{ vars.fetch }}',
        },
        { path: 'params.command.2', message: 'vars.missing is not an input of this node; its inputs: day' },
      ]);
    });

    it('a command string without shell: true is refused by the schema', () => {
      const parsed = script.paramsSchema.safeParse({ command: 'ls -l' });
      expect(parsed.success).to.equal(false);
      expect(parsed.error!.issues[0]!.message).to.contain('a command string needs a shell');
    });
  });

  describe('environment, folder, output, exit code', () => {
    it('passes only allowed variables, the node\'s env and the ORCH_* facts', async () => {
      process.env.ORCH_TEST_SECRET = 's3cret';
      process.env.ORCH_TEST_SHARED = 'shared';
      try {
        const printEnv = [node, '-e', 'console.log(JSON.stringify(process.env))'];
        const plain = JSON.parse((await run({ command: printEnv, env: { MODE: 'fast' } })).stdout);
        expect(plain).to.not.have.property('ORCH_TEST_SECRET');
        expect(plain).to.not.have.property('ORCH_TEST_SHARED');
        expect(plain).to.include({ MODE: 'fast', ORCH_RUN_ID: 'run-test', ORCH_NODE_ID: 'node1', ORCH_ATTEMPT: '1', ORCH_IDEMPOTENCY_KEY: 'run-test:node1:1' });
        expect(plain.PATH).to.equal(process.env.PATH);
        const allowed = JSON.parse((await run({ command: printEnv, inheritEnv: ['ORCH_TEST_SHARED'] })).stdout);
        expect(allowed).to.include({ ORCH_TEST_SHARED: 'shared' });
        expect(allowed).to.not.have.property('ORCH_TEST_SECRET');
      } finally {
        delete process.env.ORCH_TEST_SECRET;
        delete process.env.ORCH_TEST_SHARED;
      }
    });

    it('runs in the workspace (or a folder of it) and refuses a cwd outside', async () => {
      expect((await run({ command: ['pwd'] })).stdout.trim()).to.equal(ws);
      expect((await run({ command: ['pwd'], cwd: 'sub' })).stdout.trim()).to.equal(join(ws, 'sub'));
      const error = await failureOf(run({ command: ['pwd'], cwd: '../' }));
      expect(error.message).to.match(/^params\.cwd "\.\.\/" is outside the workspace/);
      expect((await failureOf(run({ command: ['pwd'], cwd: 'nope' }))).message).to.contain('is not a folder of the workspace');
    });

    it('caps stdout and stderr, counting what was dropped', async () => {
      const output = await run({ command: [node, '-e', 'process.stdout.write("a".repeat(200000)); process.stderr.write("b".repeat(5000))'], maxOutputBytes: 1024 });
      expect(output.stdout).to.have.length(1024);
      expect(output).to.include({ stdoutTruncated: true, stdoutBytes: 200000, stderrTruncated: true, stderrBytes: 5000 });
    });

    it('the exit code decides; the failure quotes stderr', async () => {
      const failing = { command: ['/bin/sh', '-c', 'echo "disk full" >&2; exit 3'] };
      expect((await failureOf(run(failing))).message).to.equal('script exited with code 3: disk full');
      expect(await run({ ...failing, successExitCodes: [0, 3] })).to.include({ exitCode: 3, stderr: 'disk full\n' });
    });

    it('parses stdout as JSON when asked, and gives stdin', async () => {
      const output = await run({ command: [node, '-e', 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.stringify({got:s})))'], stdin: 'hi', parseJson: true });
      expect(output.json).to.deep.equal({ got: 'hi' });
    });

    it('a program that does not exist is a clear error that is not retried', async () => {
      const error = await failureOf(run({ command: ['no-such-program-xyz'] }));
      expect(error.code).to.equal('invalid_input');
      expect(error.message).to.contain('script "no-such-program-xyz" could not start');
    });

    it('is high risk by default', () => {
      expect(script.defaultRiskLevel).to.equal('high');
      expect(script.renderTemplates).to.equal(false);
    });
  });
});

import { expect } from 'chai';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeAdapter } from '../../plugins/plans/api/index.js';
import { orchCli } from '../support/adapters-cli.js';
import { callAdapter, createAdaptersHome, failureOf, type AdaptersHome } from '../support/adapters-context.js';

const HOSTILE = '; touch PWNED; echo $(touch PWNED2)';

/** Issue 12 §4: a template never reaches a shell through argv; values go through env. */
describe('adapters: script templates never reach a shell through argv', function () {
  this.timeout(120_000);
  let home: AdaptersHome;
  let script: NodeAdapter;
  let ws: string;
  const inputs = { v: 'input.evil' };

  before(async () => {
    home = await createAdaptersHome();
    script = home.adapter('local_task:script');
    ws = join(home.dir, 'workspace');
  });
  after(() => home.cleanup());

  const dryRun = (params: Record<string, unknown>) =>
    script.dryRun!({ node: { id: 'n', type: 'local_task', kind: 'script', params, inputs } as never, params: script.paramsSchema.parse(params), logger: home.kernel.logger });
  const pwned = async () => (await readdir(ws)).filter((n) => n.startsWith('PWNED'));

  for (const command of [
    ['sh', '-c', 'echo {{ vars.v }}'],
    ['bash', '-c', 'echo {{ vars.v }}'],
    ['/bin/dash', '-c', 'echo {{ vars.v }}'],
    ['zsh', '-c', 'echo {{ vars.v }}'],
    ['ksh', '-c', 'echo {{ vars.v }}'],
    ['fish', '-c', 'echo {{ vars.v }}'],
    ['/usr/bin/env', 'sh', '-c', 'echo {{ vars.v }}'],
    ['env', '-i', 'PATH=/bin', 'bash', '-c', 'echo {{ vars.v }}'],
    ['bash', '-lc', 'echo {{ vars.v }}'],
    ['sudo', '-u', 'ops', 'sh', 'deploy.sh', '{{ vars.v }}'],
    ['timeout', '5', 'bash', '-c', 'echo {{ vars.v }}'],
    ['python3', '-c', 'print("{{ vars.v }}")'],
    ['xargs', '-I{}', 'sh', '-c', 'echo {{ vars.v }}'],
  ]) {
    it(`the dry run refuses ${JSON.stringify(command)} and says to use env`, async () => {
      const issues = await dryRun({ command });
      const templated = command.findIndex((arg) => arg.includes('{{'));
      expect(issues.map((i) => i.path)).to.deep.equal([`params.command.${templated}`]);
      expect(issues[0]!.message).to.contain('templates are never passed to a shell').and.contain('"env"');
    });
  }

  it('refuses a program that comes from a template', async () => {
    const issues = await dryRun({ command: ['{{ vars.v }}', 'x'] });
    expect(issues.map((i) => i.path)).to.deep.equal(['params.command.0']);
    expect(issues[0]!.message).to.contain('the program itself may not come from a template');
  });

  it('refuses a template in the stdin of a shell', async () => {
    const issues = await dryRun({ command: ['bash'], stdin: 'echo {{ vars.v }}' });
    expect(issues.map((i) => i.path)).to.deep.equal(['params.stdin']);
  });

  it('refuses at run time too: nothing runs, no file is created', async () => {
    const error = await failureOf(callAdapter(home, script, { command: ['sh', '-c', 'echo {{ vars.v }}'] }, { vars: { v: HOSTILE }, node: { inputs } }));
    expect(error.code).to.equal('invalid_input');
    expect(error.message).to.contain('templates are never passed to a shell');
    expect(await pwned()).to.deep.equal([]);
  });

  it('the documented safe way — the value in env, "$V" in the script — keeps it data', async () => {
    const params = { command: ['sh', '-c', 'printf "%s" "$V"'], env: { V: '{{ vars.v }}' } };
    expect(await dryRun(params)).to.deep.equal([]);
    const output = (await callAdapter(home, script, params, { vars: { v: HOSTILE }, node: { inputs } })) as { stdout: string };
    expect(output.stdout).to.equal(HOSTILE);
    expect(await pwned()).to.deep.equal([]);
  });

  it('a shell with only literal arguments, and a non-shell program with templated arguments, are allowed', async () => {
    expect(await dryRun({ command: ['sh', '-c', 'echo hello'] })).to.deep.equal([]);
    expect(await dryRun({ command: ['printf', '%s', '{{ vars.v }}'] })).to.deep.equal([]);
  });

  it('orch plan:dry-run refuses the plan from the issue (exit 1, field named) and run:auto creates nothing', async () => {
    const plan = {
      id: 'shell-inject',
      name: 'Shell injection',
      goal: 'must be refused',
      inputs: { evil: { type: 'string' } },
      root: { id: 'echo', type: 'local_task', kind: 'script', waiveApproval: 'test: the dry run must refuse it first', inputs, params: { command: ['sh', '-c', 'echo {{ vars.v }}'] } },
    };
    const file = join(home.dir, 'inject.json');
    await writeFile(file, `${JSON.stringify(plan)}\n`);
    const dry = await orchCli(home.dir, ['plan:dry-run', file]);
    expect(dry.code, dry.stdout + dry.stderr).to.not.equal(0);
    expect(dry.stdout + dry.stderr).to.contain('params.command.2').and.contain('env');
    const run = await orchCli(home.dir, ['run:auto', file, '--memory', '--input', `evil=${HOSTILE}`]);
    expect(run.code).to.not.equal(0);
    expect(await pwned()).to.deep.equal([]);
  });
});

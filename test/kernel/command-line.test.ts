import { expect } from 'chai';
// @ts-expect-error plain JavaScript module of the CLI host, no type declarations
import { parseCommandLine } from '../../bin/command-line.mjs';

type Parse = (argv: string[], command: unknown) => Promise<Record<string, unknown> | undefined>;
const parse = parseCommandLine as Parse;

const approve = {
  name: 'approvals:approve',
  positionals: [{ name: 'id', type: 'string', required: true, variadic: false }],
  options: { comment: { type: 'string', alias: 'm', default: '' } },
};
const status = { name: 'run:status', positionals: [{ name: 'runId', type: 'string', required: false, variadic: false }], options: {} };
const auto = {
  name: 'run:auto',
  positionals: [{ name: 'plan', type: 'string', required: true, variadic: false }],
  options: { input: { type: 'array' }, 'plan-version': { type: 'number' } },
};
const rollback = { name: 'plan:rollback', positionals: [{ name: 'id', type: 'string', required: true, variadic: false }], options: { to: { type: 'number', demandOption: true } } };

/**
 * bin/orch.js runs a plainly valid command line without yargs: the arguments must be the ones yargs
 * gives (these were checked against it), and everything else must be left to yargs (undefined).
 */
describe('CLI host: command lines read without yargs', () => {
  it('gives what yargs gives: aliases, defaults, camelCase and kebab-case forms, string positionals kept as typed', async () => {
    expect(await parse(['approvals:approve', 'apr_1', '-m', 'ok', '--json'], approve)).to.deep.equal({
      _: ['approvals:approve'], $0: 'orch', id: 'apr_1', comment: 'ok', m: 'ok', json: true,
    });
    expect(await parse(['approvals:approve', '0123'], approve)).to.deep.include({ id: '0123', comment: '', m: '' });
    expect(await parse(['run:status', 'run-1'], status)).to.deep.include({ runId: 'run-1', 'run-id': 'run-1' });
    expect(await parse(['run:auto', 'p', '--input', 'a=1', 'b=x', '--planVersion', '3'], auto)).to.deep.include({
      plan: 'p', input: ['a=1', 'b=x'], planVersion: 3, 'plan-version': 3,
    });
    expect(await parse(['plan:rollback', 'p', '--to', '2', '--home', '/tmp/h'], rollback)).to.deep.include({ to: 2, home: '/tmp/h' });
  });

  it('leaves help, version, unknown options, wrong positional counts and missing demanded options to yargs', async () => {
    for (const argv of [
      ['approvals:approve', 'apr_1', '--help'],
      ['approvals:approve', 'apr_1', '--version'],
      ['approvals:approve', 'apr_1', '--bogus'],
      ['approvals:approve'],
      ['approvals:approve', 'a', 'b'],
      ['approvals:approve', 'a', '--', 'b'],
    ]) {
      expect(await parse(argv, approve), argv.join(' ')).to.equal(undefined);
    }
    expect(await parse(['plan:rollback', 'p'], rollback)).to.equal(undefined);
  });
});

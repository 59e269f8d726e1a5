import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runOrch } from '../support/approvals-helpers.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

const LONG = 'L'.repeat(4000);

/** A plan mixing a script that produces values, an approval that quotes them, and a gated script. */
const plan = {
  id: 'render-check',
  name: 'Approvals show values',
  goal: 'the approver sees what is being approved',
  inputs: {
    tag: { type: 'string', default: 'v0' },
    apiToken: { type: 'string', default: 'tok-not-for-eyes' },
    notes: { type: 'string', default: LONG },
  },
  root: {
    id: 'main',
    type: 'sequence',
    children: [
      {
        id: 'stats',
        type: 'local_task',
        kind: 'script',
        waiveApproval: 'prints a constant',
        params: { command: ['/bin/sh', '-c', 'printf \'{"words":42,"summary":"Faster CLI, CSV export"}\''], parseJson: true },
      },
      {
        id: 'review',
        type: 'human_approval',
        title: 'Publish {{ nodes.stats.json.summary }}?',
        prompt: 'Summary to publish: {{ nodes.stats.json.summary }} ({{ nodes.stats.json.words }} words). Token {{ input.apiToken }}. Notes: {{ input.notes }}',
      },
      {
        id: 'deploy',
        type: 'local_task',
        kind: 'script',
        inputs: { tag: 'input.tag', token: 'input.apiToken' },
        params: { command: ['/bin/echo', 'deploy', '{{ vars.tag }}'], env: { TAG: '{{ vars.tag }}', API_TOKEN: '{{ vars.token }}' } },
      },
    ],
  },
};

/**
 * What an approver sees, as a user meets it: `run:auto` pauses, `approvals:show` and the files hold
 * the prompt, title and the gated node's params rendered with the run's values — secrets redacted,
 * long values cut unless `--full`.
 */
describe('approvals show what is being approved (rendered at the request)', function () {
  this.timeout(180_000);
  let home: TestHome;

  before(async () => {
    home = await createTestHome();
    await writeFile(join(home.dir, 'plan.json'), `${JSON.stringify(plan)}\n`);
  });
  after(() => home.cleanup());

  const pending = async () => JSON.parse(await readFile(join(home.dir, 'state', 'approvals', 'pending.json'), 'utf8')).approvals;

  it('renders a human_approval prompt and title with earlier outputs, redacts the token and cuts the long notes', async () => {
    const run = await runOrch(home.dir, ['run:auto', join(home.dir, 'plan.json'), '--input', 'tag=v1.2.3']);
    expect(run.code, run.stderr + run.stdout).to.equal(2);
    const [record] = await pending();
    expect(record.nodeId).to.equal('review');
    expect(record.title).to.equal('Publish Faster CLI, CSV export?');
    expect(record.prompt).to.contain('Summary to publish: Faster CLI, CSV export (42 words)');
    expect(record.prompt).to.not.contain('{{').and.not.contain('tok-not-for-eyes');
    expect(record.prompt).to.contain('Token [REDACTED]');
    expect(record.prompt).to.contain(LONG); // stored whole: "show all" has something to show

    const show = await runOrch(home.dir, ['approvals:show', record.id]);
    expect(show.code, show.stderr).to.equal(0);
    expect(show.stdout).to.contain('Summary to publish: Faster CLI, CSV export (42 words)');
    expect(show.stdout).to.not.contain(LONG);
    expect(show.stdout).to.contain('more characters');
    expect(show.stdout).to.contain(`orch approvals:show ${record.id} --full`);

    const full = await runOrch(home.dir, ['approvals:show', record.id, '--full', '--json']);
    expect(full.code, full.stderr).to.equal(0);
    const body = JSON.parse(full.stdout);
    expect(body.approval.prompt).to.contain(LONG);
    expect(body.truncated).to.deep.equal([]);
  });

  it("shows a gated script's params with its inputs resolved, secrets redacted", async () => {
    const [review] = await pending();
    const approved = await runOrch(home.dir, ['approvals:approve', review.id]);
    expect(approved.code, approved.stderr).to.equal(0);
    const runId = review.runId as string;
    const resumed = await runOrch(home.dir, ['run:resume', runId]);
    expect(resumed.code, resumed.stderr + resumed.stdout).to.equal(2);
    const [gate] = await pending();
    expect(gate.nodeId).to.equal('deploy');
    expect(gate.context.params.env).to.deep.equal({ TAG: 'v1.2.3', API_TOKEN: '[REDACTED]' });
    expect(gate.context.params.command).to.deep.equal(['/bin/echo', 'deploy', 'v1.2.3']);
    expect(gate.context.vars).to.deep.equal({ tag: 'v1.2.3', token: '[REDACTED]' });
    expect(JSON.stringify(gate)).to.not.contain('tok-not-for-eyes').and.not.contain('{{');

    const show = await runOrch(home.dir, ['approvals:show', gate.id]);
    expect(show.stdout).to.contain('"TAG": "v1.2.3"');
    expect(show.stdout).to.not.contain('{{');
  });
});

import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NodeAdapter } from '../../plugins/plans/api/index.js';
import { callAdapter, createAdaptersHome, failureOf, ScratchBox, type AdaptersHome } from '../support/adapters-context.js';

/** The schedule adapter: its three ways to say when, the stored target, cancellation. */
describe('adapters: schedule', function () {
  let home: AdaptersHome;
  let schedule: NodeAdapter;
  const run = (params: Record<string, unknown>, options = {}) => callAdapter(home, schedule, params, options) as Promise<Record<string, any>>;

  before(async () => {
    home = await createAdaptersHome();
    schedule = home.adapter('local_task:schedule');
  });
  after(() => home.cleanup());

  it('waits for a duration and stores the target before waiting', async () => {
    const scratch = new ScratchBox();
    const output = await run({ after: '200ms' }, { scratch });
    expect(Date.parse(output.target) - Date.parse(output.scheduledAt)).to.equal(200);
    expect(Date.parse(output.firedAt)).to.be.at.least(Date.parse(output.target));
    expect(output).to.include({ resumed: false, late: false });
    expect(scratch.writes).to.equal(1);
    expect(scratch.value).to.include({ target: output.target });
  });

  it('waits until an ISO time; a time already past fires at once, marked late', async () => {
    const soon = new Date(Date.now() + 150).toISOString();
    expect((await run({ at: soon })).target).to.equal(soon);
    const past = await run({ at: '2020-01-01T00:00:00Z' });
    expect(past).to.include({ target: '2020-01-01T00:00:00.000Z', late: true });
  });

  it('waits for the next cron occurrence (in a time zone)', async () => {
    const output = await run({ cron: '* * * * * *', timezone: 'Europe/Berlin' });
    expect(new Date(output.target).getUTCMilliseconds()).to.equal(0);
    expect(Date.parse(output.target) - Date.parse(output.scheduledAt)).to.be.within(1, 1000);
  });

  it('resumed after a restart, it keeps the stored target and waits only the remainder', async () => {
    const scratch = new ScratchBox();
    const first = new AbortController();
    const interrupted = run({ after: '3s' }, { scratch, signal: first.signal });
    while (scratch.writes === 0) await sleep(10);
    await sleep(1000);
    first.abort(new Error('process stopped'));
    expect((await failureOf(interrupted)).message).to.equal('process stopped');
    const stored = scratch.get<{ target: string }>()!.target;

    const resumed = await run({ after: '3s' }, { scratch });
    expect(resumed).to.include({ target: stored, resumed: true });
    expect(resumed.waitedMs, 'the resumed wait is the remainder, not the full 3 s').to.be.below(3000);
    expect(scratch.writes, 'the target is not computed again').to.equal(1);
  });

  it('a target that passed while the process was down fires at once', async () => {
    const scratch = new ScratchBox();
    const params = { after: '1h' };
    const spec = JSON.stringify(schedule.paramsSchema.parse(params));
    await scratch.set({ target: new Date(Date.now() - 5000).toISOString(), scheduledAt: new Date(Date.now() - 3_605_000).toISOString(), spec });
    const output = await run(params, { scratch });
    expect(output).to.include({ resumed: true, late: true });
    expect(output.waitedMs).to.be.below(1000);
  });

  it('changed params compute a new target', async () => {
    const scratch = new ScratchBox();
    await scratch.set({ target: new Date(Date.now() + 3_600_000).toISOString(), scheduledAt: new Date().toISOString(), spec: '{"after":"1h"}' });
    const output = await run({ after: '50ms' }, { scratch });
    expect(output.resumed).to.equal(false);
  });

  it('cancellation ends the wait at once', async () => {
    const controller = new AbortController();
    const call = run({ after: '1h' }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancelled by tester')), 50);
    expect((await failureOf(call)).message).to.equal('cancelled by tester');
  });

  it('reports progress while waiting', async () => {
    const progress: { progress: number; total?: number; message?: string }[] = [];
    await run({ after: '100ms' }, { progress });
    expect(progress).to.have.length.at.least(1);
    expect(progress[0]!.total).to.equal(100);
    expect(progress[0]!.message).to.match(/^waiting until 20\d\d-/);
  });

  it('refuses unclear params with clear messages', () => {
    const problems = (params: object) => schedule.paramsSchema.safeParse(params).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(problems({})).to.deep.equal(['at: say when: give one of "at", "after" or "cron"']);
    expect(problems({ at: '2026-11-25T06:00:00Z', after: '5m' })).to.deep.equal(['after: give only one of "at", "after" or "cron" (found at and after)']);
    expect(problems({ after: 'soon' })).to.deep.equal(['after: a duration such as 90s, 5m, 1h30m, 2d, 500ms, PT1H30M, or milliseconds']);
    expect(problems({ at: '2026-11-25 06:00' })![0]).to.match(/^at: an ISO 8601 time with a zone/);
    expect(problems({ cron: '61 * * * *' })).to.deep.equal(['cron: not a usable cron expression: CronPattern: Invalid value for minute: 61']);
    expect(problems({ cron: '* * * * *', timezone: 'Mars/Olympus' })).to.deep.equal(['timezone: an IANA time zone such as Europe/Berlin or UTC']);
    expect(problems({ after: '5m', timezone: 'UTC' })).to.deep.equal(['timezone: "timezone" applies to "cron" only']);
  });

  it('dry run warns about a past time and a timeout shorter than the wait', async () => {
    const dry = (params: object, node: object = {}) => schedule.dryRun!({ node: node as never, params: schedule.paramsSchema.parse(params), logger: home.kernel.logger });
    expect((await dry({ at: '2020-01-01T00:00:00Z' }))[0]).to.include({ path: 'params.at', severity: 'warning' });
    expect((await dry({ after: '1h' }, { timeoutMs: 1000 }))[0]).to.include({ path: 'timeoutMs', severity: 'warning' });
  });
});

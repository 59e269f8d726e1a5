import { expect } from 'chai';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeAdapter } from '../../plugins/plans/api/index.js';
import { callAdapter, createAdaptersHome, failureOf, ScratchBox, type AdaptersHome } from '../support/adapters-context.js';

/** The file adapter on a real temp workspace: every op, escapes through `..` and symbolic links, atomic writes. */
describe('adapters: file', function () {
  let home: AdaptersHome;
  let file: NodeAdapter;
  let ws: string;
  let outside: string;
  const run = (params: Record<string, unknown>, options = {}) => callAdapter(home, file, params, options) as Promise<Record<string, any>>;

  before(async () => {
    home = await createAdaptersHome();
    file = home.adapter('local_task:file');
    ws = join(home.dir, 'workspace');
    outside = join(home.dir, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'secret.txt'), 'not for plans\n');
    await symlink(outside, join(ws, 'escape-dir'));
    await symlink(join(outside, 'secret.txt'), join(ws, 'escape-file'));
    await symlink(join(outside, 'not-yet.txt'), join(ws, 'dangling-out'));
    await mkdir(join(ws, 'inner'));
    await symlink(join(ws, 'inner'), join(ws, 'inner-link'));
  });
  after(() => home.cleanup());

  describe('confinement', () => {
    for (const [what, params] of [
      ['../../etc/passwd (read)', { op: 'read', path: '../../etc/passwd' }],
      ['an absolute path outside (read)', { op: 'read', path: '/etc/passwd' }],
      ['a nested climb (write)', { op: 'write', path: 'inner/../../x.txt', content: 'x' }],
      ['../ as copy target', { op: 'copy', from: 'a.txt', to: '../stolen.txt' }],
      ['.. in list', { op: 'list', path: '..' }],
      ['.. in exists', { op: 'exists', path: '../outside/secret.txt' }],
    ] as const) {
      it(`refuses ${what} with an error naming field, path and root`, async () => {
        const error = await failureOf(run({ ...params }));
        expect(error.code).to.equal('invalid_input');
        expect(error.message).to.match(/^params\.(path|to) "/);
        expect(error.message).to.contain('is outside the workspace');
        expect(error.message).to.contain(ws);
      });
    }

    for (const [what, params] of [
      ['reading through a folder link', { op: 'read', path: 'escape-dir/secret.txt' }],
      ['reading a file link', { op: 'read', path: 'escape-file' }],
      ['writing through a folder link', { op: 'write', path: 'escape-dir/planted.txt', content: 'x' }],
      ['writing through a dangling link', { op: 'write', path: 'dangling-out', content: 'x' }],
      ['listing a folder link', { op: 'list', path: 'escape-dir' }],
      ['deleting a file link that leads out', { op: 'delete', path: 'escape-file' }],
      ['moving into a folder link', { op: 'move', from: 'inner', to: 'escape-dir/inner' }],
    ] as const) {
      it(`refuses ${what}`, async () => {
        const error = await failureOf(run({ ...params }));
        expect(error.code).to.equal('invalid_input');
        expect(error.message).to.contain('leads out of the workspace through a symbolic link');
      });
    }

    it('left the outside untouched', async () => {
      expect(await readdir(outside)).to.deep.equal(['secret.txt']);
      expect(await readFile(join(outside, 'secret.txt'), 'utf8')).to.equal('not for plans\n');
    });

    it('follows links that stay inside the workspace', async () => {
      await run({ op: 'write', path: 'inner-link/via-link.txt', content: 'ok' });
      expect(await readFile(join(ws, 'inner', 'via-link.txt'), 'utf8')).to.equal('ok');
    });

    it('dry run reports an escaping path without touching anything', async () => {
      const issues = await file.dryRun!({ node: { id: 'n', type: 'local_task', kind: 'file', params: {} } as never, params: file.paramsSchema.parse({ op: 'delete', path: '../../etc/passwd' }), logger: home.kernel.logger });
      expect(issues).to.have.length(1);
      expect(issues[0]).to.include({ path: 'params.path' });
      expect(issues[0]!.message).to.match(/^"\.\.\/\.\.\/etc\/passwd" is outside the workspace/);
    });
  });

  describe('operations', () => {
    it('writes atomically (no temp file left) and reads back as text, JSON and base64', async () => {
      expect(await run({ op: 'write', path: 'docs/a.txt', content: 'hello' })).to.deep.equal({ path: 'docs/a.txt', bytes: 5, created: true });
      expect(await run({ op: 'write', path: 'docs/a.txt', content: 'hello again' })).to.include({ created: false });
      expect((await readdir(join(ws, 'docs'))).filter((n) => n.endsWith('.tmp'))).to.deep.equal([]);
      expect(await run({ op: 'read', path: 'docs/a.txt' })).to.deep.equal({ path: 'docs/a.txt', size: 11, content: 'hello again' });
      await run({ op: 'write', path: 'docs/data.json', json: { a: [1, 2] } });
      expect(await readFile(join(ws, 'docs', 'data.json'), 'utf8')).to.equal('{\n  "a": [\n    1,\n    2\n  ]\n}\n');
      expect((await run({ op: 'read', path: 'docs/data.json', format: 'json' })).content).to.deep.equal({ a: [1, 2] });
      await run({ op: 'write', path: 'docs/bytes.bin', content: Buffer.from([0, 255]).toString('base64'), encoding: 'base64' });
      expect((await run({ op: 'read', path: 'docs/bytes.bin', format: 'base64' })).content).to.equal('AP8=');
    });

    it('refuses to overwrite when told not to, and to read a file above maxBytes', async () => {
      const exists = await failureOf(run({ op: 'write', path: 'docs/a.txt', content: 'x', overwrite: false }));
      expect(exists.message).to.equal('file write: path "docs/a.txt" already exists (set "overwrite": true to replace it)');
      const big = await failureOf(run({ op: 'read', path: 'docs/a.txt', maxBytes: 3 }));
      expect(big.message).to.contain('more than maxBytes 3');
    });

    it('appends, copies, moves, lists, checks existence and deletes', async () => {
      await run({ op: 'append', path: 'log/day.txt', content: 'one\n' });
      expect(await run({ op: 'append', path: 'log/day.txt', content: 'two\n' })).to.deep.equal({ path: 'log/day.txt', bytes: 4, size: 8 });
      expect(await readFile(join(ws, 'log', 'day.txt'), 'utf8')).to.equal('one\ntwo\n');

      expect(await run({ op: 'copy', from: 'log/day.txt', to: 'backup/day.txt' })).to.deep.equal({ from: 'log/day.txt', to: 'backup/day.txt', bytes: 8 });
      expect((await failureOf(run({ op: 'copy', from: 'log/day.txt', to: 'backup/day.txt' }))).message).to.contain('already exists');
      expect(await run({ op: 'move', from: 'backup', to: 'archive/2026' })).to.deep.equal({ from: 'backup', to: 'archive/2026', resumed: false });

      const listed = await run({ op: 'list', path: 'archive', recursive: true });
      expect(listed.entries.map((e: { path: string; type: string }) => `${e.type}:${e.path}`)).to.deep.equal(['directory:archive/2026', 'file:archive/2026/day.txt']);
      expect(listed.truncated).to.equal(false);
      expect((await run({ op: 'list', path: '.', maxEntries: 2 })).truncated).to.equal(true);

      expect(await run({ op: 'exists', path: 'archive/2026/day.txt' })).to.deep.equal({ path: 'archive/2026/day.txt', exists: true, type: 'file' });
      expect(await run({ op: 'exists', path: 'nothing/here' })).to.deep.equal({ path: 'nothing/here', exists: false, type: null });
      expect(await run({ op: 'exists', path: 'inner-link' })).to.include({ exists: true, type: 'symlink' });

      const notEmpty = await failureOf(run({ op: 'delete', path: 'archive' }));
      expect(notEmpty.message).to.contain('is a folder that is not empty');
      expect(await run({ op: 'delete', path: 'archive', recursive: true })).to.deep.equal({ path: 'archive', deleted: true, type: 'directory' });
      expect(await run({ op: 'delete', path: 'archive', missingOk: true })).to.deep.equal({ path: 'archive', deleted: false, type: null });
      expect((await failureOf(run({ op: 'delete', path: '.', recursive: true }))).message).to.contain('is the workspace root itself');
    });

    it('deleting a link inside the workspace removes the link, not its target', async () => {
      await symlink(join(ws, 'inner'), join(ws, 'second-link'));
      expect(await run({ op: 'delete', path: 'second-link' })).to.include({ deleted: true, type: 'symlink' });
      expect(await run({ op: 'exists', path: 'inner' })).to.include({ exists: true, type: 'directory' });
    });

    it('a move redone by the same attempt after a crash counts as done', async () => {
      await run({ op: 'write', path: 'm/src.txt', content: 'x' });
      const scratch = new ScratchBox();
      await run({ op: 'move', from: 'm/src.txt', to: 'm/dst.txt' }, { scratch });
      expect(await run({ op: 'move', from: 'm/src.txt', to: 'm/dst.txt' }, { scratch })).to.include({ resumed: true });
      const otherAttempt = await failureOf(run({ op: 'move', from: 'm/src.txt', to: 'm/dst.txt' }, { scratch, attempt: 2 }));
      expect(otherAttempt.message).to.equal('file move: from "m/src.txt" does not exist');
    });

    it('judges risk by op', () => {
      const risk = (params: object) => file.riskOf!(file.paramsSchema.parse(params));
      expect([risk({ op: 'read', path: 'a' }), risk({ op: 'list' }), risk({ op: 'write', path: 'a', content: '' }), risk({ op: 'delete', path: 'a' })]).to.deep.equal([
        'low',
        'low',
        'medium',
        'high',
      ]);
    });
  });
});

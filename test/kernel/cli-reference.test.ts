import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { CLI_REFERENCE_FILE, renderCliReference } from '../../bin/cli-reference.js';

/** docs/cli.md is generated from the manifests: it names every command and is current. */
describe('CLI reference (docs/cli.md)', () => {
  it('is what `npm run docs:cli` writes from the manifests today', async () => {
    const expected = await renderCliReference();
    const committed = await readFile(CLI_REFERENCE_FILE, 'utf8').catch(() => '');
    expect(committed, 'docs/cli.md is out of date: run `npm run docs:cli` and commit it').to.equal(expected);
  });

  it('documents commands of every profile, with their options and examples', async () => {
    const page = await renderCliReference();
    for (const heading of ['### `orch start`', '### `orch run:auto <plan>`', '### `orch approvals:approve <id>`', '### `orch executions:tool-streams`', '### `orch state:backup`']) {
      expect(page).to.contain(heading);
    }
    expect(page).to.contain('| `--memory` | boolean');
  });
});

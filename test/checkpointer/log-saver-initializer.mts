// The executor's checkpoint saver (one append-only log per run) as the public conformance suite
// (@langchain/langgraph-checkpoint-validation) sees it: every checkpointer gets its own temp folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogCheckpointSaver } from '../../plugins/executor/checkpoint/log-checkpoint-saver.js';

export default {
  checkpointerName: 'LogCheckpointSaver',
  createCheckpointer() {
    return new LogCheckpointSaver(mkdtempSync(join(tmpdir(), 'orch-checkpointer-')));
  },
  async destroyCheckpointer(saver: LogCheckpointSaver) {
    await saver.flush();
    rmSync(saver.root, { recursive: true, force: true });
  },
};

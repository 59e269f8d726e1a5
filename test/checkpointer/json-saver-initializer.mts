// The JSON checkpoint saver as the public conformance suite
// (@langchain/langgraph-checkpoint-validation) sees it: every checkpointer gets its own temp folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonCheckpointSaver } from '../../plugins/executor/checkpoint/json-checkpoint-saver.js';

export default {
  checkpointerName: 'JsonCheckpointSaver',
  createCheckpointer() {
    return new JsonCheckpointSaver(mkdtempSync(join(tmpdir(), 'orch-checkpointer-')));
  },
  destroyCheckpointer(saver: JsonCheckpointSaver) {
    rmSync(saver.root, { recursive: true, force: true });
  },
};

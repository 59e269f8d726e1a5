// Memory mode's checkpoint saver (checkpoints kept as objects, never serialised) as the public
// conformance suite (@langchain/langgraph-checkpoint-validation) sees it.
import { ObjectCheckpointSaver } from '../../plugins/executor/checkpoint/object-checkpoint-saver.js';

export default {
  checkpointerName: 'ObjectCheckpointSaver',
  createCheckpointer() {
    return new ObjectCheckpointSaver();
  },
  async destroyCheckpointer() {
    // Nothing outside the process: the saver goes with its last reference.
  },
};

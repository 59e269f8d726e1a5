/**
 * Everything of the executor that needs LangGraph (and, through the checkpoint savers, LangChain
 * core): the run session with its compiled graph and the two checkpoint savers (memory mode's and
 * JSON mode's). Only `loadGraphRuntime()` imports this module, on first use, so commands that only read
 * records (`run:list`, `run:status`) and an idle server do not load LangGraph at all.
 */
export { ObjectCheckpointSaver } from '../checkpoint/object-checkpoint-saver.js';
export { LogCheckpointSaver } from '../checkpoint/log-checkpoint-saver.js';
export { RunGraphs } from './run-graphs.js';
export { RunSession } from './run-session.js';

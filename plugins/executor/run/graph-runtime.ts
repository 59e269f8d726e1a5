/**
 * Everything of the executor that needs LangGraph (and, through the checkpoint savers, LangChain
 * core): the run session with its compiled graph, LangGraph's memory saver and the JSON checkpoint
 * store. Only `loadGraphRuntime()` imports this module, on first use, so commands that only read
 * records (`run:list`, `run:status`) and an idle server do not load LangGraph at all.
 */
export { MemorySaver } from '@langchain/langgraph';
export { LogCheckpointSaver } from '../checkpoint/log-checkpoint-saver.js';
export { RunGraphs } from './run-graphs.js';
export { RunSession } from './run-session.js';

// The public conformance suite for LangGraph checkpoint savers, run by vitest (see run-validation.js):
// the default spec (put, putWrites, getTuple, list, deleteThread) plus the opt-in
// getDeltaChannelHistory cases that LangGraph runs for each of its own savers. It checks JSON mode's
// saver (LogCheckpointSaver); ORCH_CHECKPOINTER=memory checks memory mode's (ObjectCheckpointSaver),
// ORCH_CHECKPOINTER=json the earlier one-file-per-checkpoint saver, still used to read runs stored
// in that format.
import { deltaChannelHistoryTests, specTest } from '@langchain/langgraph-checkpoint-validation';
import jsonInitializer from './json-saver-initializer.mjs';
import logInitializer from './log-saver-initializer.mjs';
import objectInitializer from './object-saver-initializer.mjs';

const initializers = { json: jsonInitializer, memory: objectInitializer, log: logInitializer } as Record<string, unknown>;
const initializer = (initializers[process.env.ORCH_CHECKPOINTER ?? 'log'] ?? logInitializer) as typeof logInitializer;
const filters = (process.env.ORCH_CHECKPOINTER_SUITES ?? '').split(',').filter(Boolean);
specTest(initializer, filters.filter((f) => f !== 'deltaChannelHistory') as never);
if (filters.length === 0 || filters.includes('deltaChannelHistory')) deltaChannelHistoryTests(initializer);

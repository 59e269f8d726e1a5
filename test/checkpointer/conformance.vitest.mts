// The public conformance suite for LangGraph checkpoint savers, run by vitest (see run-validation.js):
// the default spec (put, putWrites, getTuple, list, deleteThread) plus the opt-in
// getDeltaChannelHistory cases that LangGraph runs for each of its own savers.
import { deltaChannelHistoryTests, specTest } from '@langchain/langgraph-checkpoint-validation';
import initializer from './json-saver-initializer.mjs';

const filters = (process.env.ORCH_CHECKPOINTER_SUITES ?? '').split(',').filter(Boolean);
specTest(initializer, filters.filter((f) => f !== 'deltaChannelHistory') as never);
if (filters.length === 0 || filters.includes('deltaChannelHistory')) deltaChannelHistoryTests(initializer);

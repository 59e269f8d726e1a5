#!/usr/bin/env node
// `npm run test:checkpointer`: runs @langchain/langgraph-checkpoint-validation — the public
// conformance suite for LangGraph checkpoint savers, on vitest — against the executor's JSON
// checkpoint saver and memory mode's. Every case runs; the only ones skipped are those the suite itself skips for
// LangGraph's official savers (it decides by the saver's name, and ours is not one of them).
//
// The suite's own CLI (`validate-checkpointer`) cannot load any initializer in version 1.1.1: its
// bundled runner imports two functions the package build dropped (findPackageRoot,
// checkpointerTestInitializerSchema). So this script starts vitest the way that CLI does, on a
// test file that calls the suite's exported `specTest` (see conformance.vitest.mts).
//
// Arguments: suite names to run only some (getTuple, list, put, putWrites, deleteThread,
// deltaChannelHistory). ORCH_CHECKPOINTER=log|memory|json checks one saver only (json: the earlier
// one-file-per-checkpoint saver, still used to read runs stored that way).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startVitest } from 'vitest/node';

const here = dirname(fileURLToPath(import.meta.url));
const suites = ['getTuple', 'list', 'put', 'putWrites', 'deleteThread', 'deltaChannelHistory'];
const filters = process.argv.slice(2);
const unknown = filters.filter((f) => !suites.includes(f));
if (unknown.length > 0) {
  console.error(`Unknown suite(s): ${unknown.join(', ')}. Choose from ${suites.join(', ')}.`);
  process.exit(1);
}
if (!process.env.ORCH_CHECKPOINTER) {
  // Each saver in its own process: one vitest run each, reported one after the other.
  let failed = false;
  for (const saver of ['log', 'memory']) {
    console.log(`\nCheckpoint saver conformance: ${saver === 'log' ? 'JSON mode (LogCheckpointSaver)' : 'memory mode (ObjectCheckpointSaver)'}`);
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...filters], { stdio: 'inherit', env: { ...process.env, ORCH_CHECKPOINTER: saver } });
    failed ||= child.status !== 0;
  }
  process.exit(failed ? 1 : 0);
}
process.env.ORCH_CHECKPOINTER_SUITES = filters.join(',');
const testFile = join(here, 'conformance.vitest.mts');
const vitest = await startVitest('test', [testFile], {
  globals: true,
  include: ['conformance.vitest.mts'],
  dir: here,
  root: here,
  watch: false,
  reporters: [process.env.CI ? 'dot' : 'default'],
});
const failed = !vitest || vitest.state.getCountOfFailedTests() > 0 || vitest.state.getUnhandledErrors().length > 0;
await vitest?.close();
process.exit(failed || process.exitCode ? 1 : 0);

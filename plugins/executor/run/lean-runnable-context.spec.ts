import { expect } from 'chai';
import { AsyncLocalStorageProviderSingleton } from '@langchain/core/singletons';
import { Annotation, Command, END, MemorySaver, START, StateGraph, getConfig, interrupt } from '@langchain/langgraph';
import { installLeanRunnableContext } from './lean-runnable-context.js';
import { RUN_ENVIRONMENT } from './run-graphs.js';

/** What a graph node sees of LangChain's async-local store. */
interface Seen {
  storeIsRunTree: boolean;
  key: unknown;
}

/** A two-node graph: the first records what it sees, the second pauses for a person and returns the answer. */
function graph(seen: Seen[]) {
  const State = Annotation.Root({ answer: Annotation<string>() });
  const builder = new StateGraph(State)
    .addNode('look', async () => {
      const store = AsyncLocalStorageProviderSingleton.getInstance().getStore() as { createChild?: unknown } | undefined;
      seen.push({ storeIsRunTree: typeof store?.createChild === 'function', key: getConfig().configurable?.[RUN_ENVIRONMENT] });
      return {};
    })
    .addNode('ask', async () => ({ answer: interrupt<string, string>('your answer?') }))
    .addEdge(START, 'look')
    .addEdge('look', 'ask')
    .addEdge('ask', END);
  return builder.compile({ checkpointer: new MemorySaver() });
}

describe('installLeanRunnableContext: Orch runs carry their config without a LangSmith RunTree', () => {
  before(() => {
    expect(installLeanRunnableContext(RUN_ENVIRONMENT, {})).to.equal(true);
  });

  it("stores an Orch run's config in a plain carrier, where getConfig() and interrupt() still find it", async () => {
    const seen: Seen[] = [];
    const app = graph(seen);
    const config = { configurable: { thread_id: 'orch-run', [RUN_ENVIRONMENT]: 'the run environment' } };
    const paused = (await app.invoke({}, config)) as { __interrupt__?: { value: unknown }[] };
    expect(paused.__interrupt__?.[0]?.value).to.equal('your answer?');
    const resumed = (await app.invoke(new Command({ resume: 'yes' }), config)) as { answer?: string };
    expect(resumed.answer).to.equal('yes');
    expect(seen).to.deep.equal([{ storeIsRunTree: false, key: 'the run environment' }]);
  });

  it('leaves every other invocation to LangChain, RunTree and all', async () => {
    const seen: Seen[] = [];
    const app = graph(seen);
    const config = { configurable: { thread_id: 'plain-langgraph' } };
    await app.invoke({}, config);
    expect((await app.invoke(new Command({ resume: 'no' }), config)) as { answer?: string }).to.deep.include({ answer: 'no' });
    expect(seen).to.deep.equal([{ storeIsRunTree: true, key: undefined }]);
  });

  it('stands aside when LangSmith tracing is switched on, or for another key', () => {
    expect(installLeanRunnableContext(RUN_ENVIRONMENT, { LANGSMITH_TRACING: 'true' })).to.equal(false);
    expect(installLeanRunnableContext(RUN_ENVIRONMENT, { LANGCHAIN_TRACING_V2: 'true' })).to.equal(false);
    expect(installLeanRunnableContext('__another_key', {})).to.equal(false);
    expect(installLeanRunnableContext(RUN_ENVIRONMENT, {})).to.equal(true);
  });
});

/** The agents plugin's public API: agent configs, the registry, the model gateway and agent events. */
export * from './agent.js';
export * from './agent-events.js';
export * from './agent-invocation-node.js';
export * from './agent-routes.js';
export * from './model-provider.js';
export * from './structured-rounds.js';

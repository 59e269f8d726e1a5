/**
 * The plans plugin's public API: the Plan contract, the plan store and validator, node adapters
 * (the contribution point every node type meets on), risk levels, expressions and plan events.
 * Other plugins import only this file, and only when their manifest `requires` "plans".
 */
export * from './plan.js';
export * from './plan-store.js';
export * from './node-adapter.js';
export * from './risk-level.js';
export * from './expressions.js';
export * from './plan-events.js';
export * from './plan-routes.js';

/** The executor's public API: run records, the run service and run/node events. */
export * from './run.js';
export * from './run-events.js';
export * from './run-routes.js';

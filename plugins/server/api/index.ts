/** The server plugin's public API: how the CLI finds and calls a running server, and the status it reports. */
export * from './server-link.js';
export * from './api-client.js';
export * from './server-or-files.js';
export * from './http-routes.js';
export * from './event-subscription.js';

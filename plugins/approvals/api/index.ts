/** The approvals plugin's public API: approval records, the approval store and approval events. */
export * from './approval.js';
export * from './approval-events.js';
export * from './human-approval-node.js';
export * from './approval-routes.js';

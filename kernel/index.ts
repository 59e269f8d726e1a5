/**
 * The kernel's public surface. Plugins import from here (`../../kernel/index.js`) and never from
 * another plugin's files.
 */
export * from './contracts/cli-command.js';
export * from './contracts/config.js';
export * from './contracts/event-bus.js';
export * from './contracts/events.js';
export * from './contracts/http-routes.js';
export * from './contracts/json-store.js';
export * from './contracts/logger.js';
export * from './contracts/node-adapter.js';
export * from './contracts/paths.js';
export * from './contracts/plan.js';
export * from './contracts/plugin-catalog.js';
export * from './contracts/plugin-manifest.js';
export * from './contracts/plugin.js';
export * from './contracts/process-context.js';
export * from './contracts/risk-level.js';
export * from './contracts/server-link.js';
export * from './contracts/ui-panel.js';
export * from './contracts/zod-issues.js';
export * from './errors.js';
export { createBufferedIO, createTerminalIO } from './cli/command-io.js';
export { renderTable } from './cli/render-table.js';
export { replaceAtomically, toStoredJson, writeFileAtomic } from './services/atomic-write.js';
export { compileExpression, evaluateExpression, renderTemplates, scopeReferences, templateExpressions } from './services/expressions.js';
export type { ExpressionScope, ScopeReference } from './services/expressions.js';
export { isAlive, withFileLock } from './services/file-lock.js';
export { readJsonFile, writeJsonFile } from './services/json-store.js';
export { REDACTED, redactSecrets } from './services/redact.js';
export { KERNEL_VERSION } from './version.js';
export * from './contracts/agent.js';
export * from './contracts/approval.js';
export * from './contracts/mcp-bridge.js';
export * from './contracts/plan-store.js';
export * from './contracts/run.js';

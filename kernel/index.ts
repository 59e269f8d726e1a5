/**
 * The kernel's public surface: generic contracts (manifests, plugins, contribution points, core
 * services) and helpers. Plugins import from here (`../../kernel/index.js`); domain contracts
 * (plans, runs, approvals, agents, the bridge) live in the owning plugin's `api/` folder.
 */
export * from './contracts/cli-command.js';
export * from './contracts/config.js';
export * from './contracts/event-bus.js';
export * from './contracts/event-catalog.js';
export * from './contracts/events.js';
export * from './contracts/json-store.js';
export * from './contracts/logger.js';
export * from './contracts/paths.js';
export * from './contracts/plugin-catalog.js';
export * from './contracts/plugin-manifest.js';
export * from './contracts/plugin.js';
export * from './contracts/process-context.js';
export * from './contracts/startup.js';
export * from './contracts/status-section.js';
export * from './contracts/zod-issues.js';
export * from './errors.js';
export { renderTable } from './cli/render-table.js';
export { replaceAtomically, syncFolder, syncFolderSync, toStoredJson, writeFileAtomic, writeFileAtomicSync } from './services/atomic-write.js';
export { isAlive, lockStats, resetLockStats, withFileLock, type FileLockOptions, type LockStats } from './services/file-lock.js';
export { readJsonFile, writeJsonFile } from './services/json-store.js';
export { LazySchemaCompilers } from './services/lazy-schema-compilers.js';
export { REDACTED, redactSecrets, registerSecretValues } from './services/redact.js';
export { KERNEL_VERSION } from './version.js';

import type { PluginManifest, Profile } from './plugin-manifest.js';

export type PluginStatus = 'loaded' | 'not_selected' | 'refused' | 'failed';

/** One row of `orch plugins:list` and `GET /api/plugins`. */
export interface PluginCatalogEntry {
  id: string;
  version: string;
  profiles: Profile[];
  source: 'builtin' | 'package';
  manifestFile: string;
  status: PluginStatus;
  /** Why it is refused, or which phase failed. */
  reason?: string;
  manifest?: PluginManifest;
}

/** Every plugin this process discovered and what became of it. */
export interface PluginCatalog {
  entries(): PluginCatalogEntry[];
}
export const PluginCatalog = Symbol.for('orch.PluginCatalog');

import type { DiscoveredPlugin } from '../contracts/plugin-manifest.js';

export interface ServiceProblem {
  pluginId: string;
  reason: string;
}

/**
 * What the manifests say about services, checked against the container once every plugin bound
 * its own: each `provides` id must be bound, each `consumes` id must be provided by a loaded plugin.
 */
export function checkServices(loaded: readonly DiscoveredPlugin[], isBound: (id: string) => boolean): ServiceProblem[] {
  const problems: ServiceProblem[] = [];
  const providers = new Map<string, string>();
  for (const plugin of loaded) {
    for (const id of plugin.manifest.services.provides) {
      const other = providers.get(id);
      if (other) problems.push({ pluginId: plugin.manifest.id, reason: `provides service ${id}, which plugin ${other} already provides` });
      else providers.set(id, plugin.manifest.id);
      if (!isBound(id)) problems.push({ pluginId: plugin.manifest.id, reason: `its manifest provides service ${id}, but its bindings do not bind it` });
    }
  }
  for (const plugin of loaded) {
    for (const id of plugin.manifest.services.consumes) {
      if (!providers.has(id)) problems.push({ pluginId: plugin.manifest.id, reason: `consumes service ${id}, which no loaded plugin provides` });
    }
  }
  return problems;
}

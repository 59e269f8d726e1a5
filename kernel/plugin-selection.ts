import type { DiscoveredPlugin, RefusedPlugin } from './contracts/plugin-manifest.js';

export interface SelectionRequest {
  /** Profiles to load besides `core` (always on). */
  profiles: ReadonlySet<string>;
  /** Plugin ids named explicitly (`--plugins business,my-plugin`). */
  include: ReadonlySet<string>;
  /** Plugin ids never loaded (config `plugins.disabled`). */
  disabled: ReadonlySet<string>;
  /** When set, only these plugins (and core, and what they require) are wanted — a CLI command's scope. */
  only?: ReadonlySet<string>;
}

export interface Selection {
  /** Plugins to load, requirements first. */
  ordered: DiscoveredPlugin[];
  refused: RefusedPlugin[];
  notSelected: DiscoveredPlugin[];
}

/**
 * Picks the plugins to load and orders them so each comes after what it requires. A plugin whose
 * requirement is missing, refused or part of a cycle is refused, and so is everything requiring it.
 */
export function selectPlugins(available: readonly DiscoveredPlugin[], request: SelectionRequest): Selection {
  const byId = new Map(available.map((p) => [p.manifest.id, p]));
  const refused = new Map<string, RefusedPlugin>();
  const wanted = new Set<string>();

  const isWanted = (p: DiscoveredPlugin): boolean => {
    if (request.disabled.has(p.manifest.id)) return false;
    if (p.manifest.profiles.includes('core')) return true;
    if (request.only) return request.only.has(p.manifest.id);
    return request.include.has(p.manifest.id) || p.manifest.profiles.some((profile) => request.profiles.has(profile));
  };
  const addWithRequirements = (id: string): void => {
    if (wanted.has(id)) return;
    wanted.add(id);
    for (const dep of byId.get(id)?.manifest.requires ?? []) if (byId.has(dep) && !request.disabled.has(dep)) addWithRequirements(dep);
  };
  for (const plugin of available) if (isWanted(plugin)) addWithRequirements(plugin.manifest.id);

  const ordered: DiscoveredPlugin[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, trail: string[]): boolean => {
    const plugin = byId.get(id)!;
    if (state.get(id) === 'done') return !refused.has(id);
    if (state.get(id) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(id)), id].join(' → ');
      for (const member of trail.slice(trail.indexOf(id))) refuse(member, `requirement cycle: ${cycle}`);
      return false;
    }
    state.set(id, 'visiting');
    let ok = true;
    for (const dep of plugin.manifest.requires) {
      if (!byId.has(dep)) {
        refuse(id, `requires plugin "${dep}", which is not installed or was refused`);
        ok = false;
      } else if (request.disabled.has(dep)) {
        refuse(id, `requires plugin "${dep}", which is disabled in config/orch.json`);
        ok = false;
      } else if (!visit(dep, [...trail, id])) {
        if (!refused.has(id)) refuse(id, `requires plugin "${dep}", which was refused`);
        ok = false;
      }
    }
    state.set(id, 'done');
    if (ok && !refused.has(id)) ordered.push(plugin);
    return ok && !refused.has(id);
  };
  const refuse = (id: string, reason: string): void => {
    if (refused.has(id)) return;
    const plugin = byId.get(id)!;
    refused.set(id, { id, manifestFile: plugin.manifestFile, reason });
  };
  for (const id of [...wanted].sort()) visit(id, []);

  // A cycle may be detected after a member was already ordered; drop refused ones.
  const finalOrder = ordered.filter((p) => !refused.has(p.manifest.id));
  return {
    ordered: finalOrder,
    refused: [...refused.values()],
    notSelected: available.filter((p) => !wanted.has(p.manifest.id)),
  };
}

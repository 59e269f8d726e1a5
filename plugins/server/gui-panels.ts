import { dirname, join } from 'node:path';
import { inject, injectable } from 'inversify';
import { PluginCatalog } from '../../kernel/index.js';

/** One panel as `GET /api/panels` lists it: the manifest's declaration plus where its module is served. */
export interface PanelListing {
  id: string;
  pluginId: string;
  pluginVersion: string;
  title: string;
  description?: string;
  slot: 'main' | 'sidebar' | 'status';
  order: number;
  apiVersion: number;
  route: string;
  icon?: string;
  moduleUrl: string;
  cssUrl?: string;
}

/** A loaded plugin's browser asset folder, served at `/plugins/<id>/<version>/`. */
export interface AssetFolder {
  pluginId: string;
  version: string;
  folder: string;
}

const SLOT_ORDER = { main: 0, sidebar: 1, status: 2 } as const;

/** Panels and asset folders, read from the manifests of the loaded plugins (no second declaration in code). */
@injectable()
export class GuiPanels {
  constructor(@inject(PluginCatalog) private readonly catalog: PluginCatalog) {}

  /** URL prefix of a plugin's assets; the version in it makes every file immutable. */
  static baseUrl(pluginId: string, version: string): string {
    return `/plugins/${encodeURIComponent(pluginId)}/${encodeURIComponent(version)}/`;
  }

  assetFolders(): AssetFolder[] {
    return this.loaded().map(({ entry, gui }) => ({ pluginId: entry.id, version: entry.version, folder: join(dirname(entry.manifestFile), gui.assets) }));
  }

  list(): PanelListing[] {
    return this.loaded()
      .flatMap(({ entry, gui }) => {
        const base = GuiPanels.baseUrl(entry.id, entry.version);
        return gui.panels.map((panel) => ({
          id: panel.id,
          pluginId: entry.id,
          pluginVersion: entry.version,
          title: panel.title,
          ...(panel.description ? { description: panel.description } : {}),
          slot: panel.slot,
          order: panel.order,
          apiVersion: panel.apiVersion,
          route: panel.route ?? panel.id,
          ...(panel.icon ? { icon: panel.icon } : {}),
          moduleUrl: base + gui.module,
          ...(gui.css ? { cssUrl: base + gui.css } : {}),
        }));
      })
      .sort((a, b) => SLOT_ORDER[a.slot] - SLOT_ORDER[b.slot] || a.order - b.order || a.id.localeCompare(b.id));
  }

  private loaded() {
    return this.catalog.entries().flatMap((entry) => {
      const gui = entry.status === 'loaded' ? entry.manifest?.contributes.gui : undefined;
      return gui ? [{ entry, gui }] : [];
    });
  }
}

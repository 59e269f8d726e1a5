import type { ComponentType } from 'react';
import { SUPPORTED_PANEL_API_VERSIONS, type PanelProps } from '../sdk/index';
import type { PanelInfo } from '../sdk/wire';

export type PanelComponent = ComponentType<PanelProps>;

const modules = new Map<string, Promise<Record<string, unknown>>>();
const stylesheets = new Set<string>();

/** Adds a panel module's stylesheet once (a <link>, so the CSP needs no inline styles). */
function ensureStylesheet(url: string): void {
  if (stylesheets.has(url)) return;
  stylesheets.add(url);
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = url;
  document.head.appendChild(link);
}

/**
 * Imports the module that holds `panel` (native import; bare names resolve through the import map)
 * and returns its component. Every failure is an Error a person can act on, shown in the panel's card.
 */
export async function loadPanel(panel: PanelInfo): Promise<PanelComponent> {
  if (!SUPPORTED_PANEL_API_VERSIONS.includes(panel.apiVersion)) {
    throw new Error(
      `Panel "${panel.id}" of plugin ${panel.pluginId}@${panel.pluginVersion} needs GUI API version ${panel.apiVersion}; this shell hosts version ${SUPPORTED_PANEL_API_VERSIONS.join(', ')}. Update the plugin or the shell.`,
    );
  }
  if (panel.cssUrl) ensureStylesheet(panel.cssUrl);
  let loading = modules.get(panel.moduleUrl);
  if (!loading) {
    loading = import(/* @vite-ignore */ panel.moduleUrl) as Promise<Record<string, unknown>>;
    modules.set(panel.moduleUrl, loading);
    loading.catch(() => modules.delete(panel.moduleUrl));
  }
  let module: Record<string, unknown>;
  try {
    module = await loading;
  } catch (error) {
    throw new Error(`Could not load ${panel.moduleUrl} (plugin ${panel.pluginId}): ${(error as Error).message}`);
  }
  const record = module.default as Record<string, unknown> | undefined;
  const component = record && typeof record === 'object' ? record[panel.id] : undefined;
  if (typeof component !== 'function' && !(component && typeof component === 'object')) {
    throw new Error(`${panel.moduleUrl} has no component for panel "${panel.id}" in its default export (it exports: ${record ? Object.keys(record).join(', ') || 'nothing' : 'no default record'})`);
  }
  return component as PanelComponent;
}

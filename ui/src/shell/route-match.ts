import type { PanelInfo } from '../sdk/wire';

export interface RouteMatch {
  panel: PanelInfo;
  /** Path segments after the panel's own segment. */
  rest: string[];
}

/** The path segment a panel answers to: its declared `route`, else its id. */
export function panelSegment(panel: PanelInfo): string {
  return panel.route ?? panel.id;
}

/** Main panels in navigation order. */
export function mainPanels(panels: PanelInfo[]): PanelInfo[] {
  return panels.filter((p) => p.slot === 'main').sort((a, b) => a.order - b.order || a.title.localeCompare(b.title));
}

/**
 * Which main panel a path opens: `/runs/r-1` → the panel with route `runs`, rest `["r-1"]`; `/` →
 * the first main panel. Unknown paths give null (the shell says so rather than guessing).
 */
export function matchRoute(path: string, panels: PanelInfo[]): RouteMatch | null {
  const segments = path.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
  const main = mainPanels(panels);
  if (segments.length === 0) return main[0] ? { panel: main[0], rest: [] } : null;
  const [first, ...rest] = segments;
  const panel = main.find((p) => panelSegment(p) === first);
  return panel ? { panel, rest } : null;
}

import { useEffect, useState } from 'react';
import { Link, useApi, useConnection, usePath } from '../sdk/index';
import type { PanelInfo } from '../sdk/wire';
import { ConnectionBadge, MaintenanceNotice } from './ConnectionViews';
import { McpStatus } from './McpStatus';
import { OperatorControl } from './OperatorControl';
import { loadPanel } from './panel-modules';
import { PanelHost } from './PanelHost';
import { mainPanels, matchRoute, panelSegment } from './route-match';
import { ThemeToggle } from './ThemeToggle';

export function App() {
  const path = usePath();
  const connection = useConnection();
  const panels = useApi<{ panels: PanelInfo[] }>('/api/panels', { refreshOn: ['plugin'] });
  const list = panels.data?.panels ?? [];
  const main = mainPanels(list);
  const match = matchRoute(path, list);
  const sidebar = list.filter((p) => p.slot === 'sidebar').sort((a, b) => a.order - b.order);
  const status = list.filter((p) => p.slot === 'status').sort((a, b) => a.order - b.order);
  const inert = !connection.interactive;
  // Start loading every panel module as soon as the list is known, not when a panel first shows.
  useEffect(() => {
    for (const panel of list) loadPanel(panel).catch(() => undefined);
  }, [panels.data]);

  return (
    <div className="flex flex-col h-full bg-base-200 text-base-content" data-phase={connection.phase}>
      <header className="navbar relative z-30 bg-base-100 border-b border-base-300 gap-2 px-4 min-h-14 shrink-0">
        <Link to="/" className="text-lg font-bold tracking-tight mr-4" inert={inert}>
          Orch
        </Link>
        <nav className={`flex gap-1 flex-1 min-w-0 overflow-x-auto ${inert ? 'opacity-50' : ''}`} aria-label="Panels" inert={inert} data-testid="nav">
          {main.map((panel) => (
            <NavLink key={`${panel.pluginId}/${panel.id}`} panel={panel} active={match?.panel === panel} />
          ))}
        </nav>
        <div className="flex items-center gap-2 shrink-0" inert={inert}>
          {status.map((panel) => (
            <div key={`${panel.pluginId}/${panel.id}`} data-slot="status">
              <PanelHost panel={panel} route={[]} />
            </div>
          ))}
        </div>
        <McpStatus bridges={connection.state.bridges} />
        <ConnectionBadge phase={connection.phase} />
        <div inert={inert}>
          <OperatorControl />
        </div>
        <ThemeToggle />
      </header>
      <MaintenanceNotice />
      <div className={`flex flex-1 min-h-0 transition-opacity ${inert ? 'opacity-50 grayscale' : ''}`} inert={inert} data-testid="workspace" aria-busy={inert}>
        <main className="flex-1 min-w-0 overflow-auto" data-testid="main">
          {match ? (
            <PanelHost key={`${match.panel.pluginId}/${match.panel.id}`} panel={match.panel} route={match.rest} />
          ) : (
            <NoPanel path={path} loading={panels.loading || (!panels.data && !panels.error)} error={panels.error} count={main.length} />
          )}
        </main>
        {sidebar.length > 0 && (
          <aside className="w-80 shrink-0 border-l border-base-300 bg-base-100 overflow-auto" data-slot="sidebar">
            {sidebar.map((panel) => (
              <PanelHost key={`${panel.pluginId}/${panel.id}`} panel={panel} route={[]} />
            ))}
          </aside>
        )}
      </div>
    </div>
  );
}

function NavLink({ panel, active }: { panel: PanelInfo; active: boolean }) {
  return (
    <Link
      to={`/${encodeURIComponent(panelSegment(panel))}`}
      className={`btn btn-sm ${active ? 'btn-primary' : 'btn-ghost'}`}
      aria-current={active ? 'page' : undefined}
      data-panel={panel.id}
    >
      {panel.title}
    </Link>
  );
}

function NoPanel({ path, loading, error, count }: { path: string; loading: boolean; error: Error | undefined; count: number }) {
  const [shown] = useState(path);
  if (loading) {
    return (
      <div className="flex items-center gap-2 p-6 opacity-70">
        <span className="loading loading-spinner loading-sm" /> Loading panels…
      </div>
    );
  }
  if (error) {
    return (
      <div className="alert alert-error m-4" role="alert">
        The list of panels could not be read: {error.message}
      </div>
    );
  }
  return (
    <div className="card bg-base-100 m-4" data-testid="no-panel">
      <div className="card-body">
        <h2 className="card-title">{count === 0 ? 'No panels are installed' : `Nothing here at ${shown}`}</h2>
        <p className="text-sm opacity-70">
          {count === 0
            ? 'Panels come from plugins. Start the server with the business profile (orch start --plugins business) or add a plugin that contributes GUI panels.'
            : 'No panel answers this address. Pick one from the navigation above.'}
        </p>
      </div>
    </div>
  );
}

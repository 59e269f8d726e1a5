import { Component, useEffect, useState, type ReactNode } from 'react';
import type { PanelInfo } from '../sdk/wire';
import { loadPanel, type PanelComponent } from './panel-modules';

interface BoundaryProps {
  panel: PanelInfo;
  children: ReactNode;
  onReset: () => void;
}

/** Keeps a failing panel inside its own card: the rest of the shell goes on working. */
class PanelErrorBoundary extends Component<BoundaryProps, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override componentDidCatch(error: Error) {
    console.warn(`Panel ${this.props.panel.id} (${this.props.panel.pluginId}) failed: ${error.message}`);
  }
  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <PanelErrorCard
        panel={this.props.panel}
        error={this.state.error}
        onRetry={() => {
          this.setState({ error: null });
          this.props.onReset();
        }}
      />
    );
  }
}

export function PanelErrorCard({ panel, error, onRetry }: { panel: PanelInfo; error: Error; onRetry: () => void }) {
  return (
    <div role="alert" className="card card-border border-error bg-base-100 m-4" data-testid="panel-error">
      <div className="card-body">
        <h2 className="card-title text-error">The panel “{panel.title}” could not be shown</h2>
        <p className="text-sm">{error.message}</p>
        <p className="text-xs opacity-70">
          Plugin {panel.pluginId} {panel.pluginVersion} · panel {panel.id} · GUI API {panel.apiVersion}
        </p>
        <div className="card-actions justify-end">
          <button className="btn btn-sm" onClick={onRetry}>
            Try again
          </button>
        </div>
      </div>
    </div>
  );
}

/**
 * One panel: loaded at run time from its plugin, inside its own error boundary. Loading is plain
 * state rather than Suspense: React throttles revealing a suspended boundary by up to 300 ms,
 * which would be most of the time a panel takes to open.
 */
export function PanelHost({ panel, route }: { panel: PanelInfo; route: string[] }) {
  const [attempt, setAttempt] = useState(0);
  const [loaded, setLoaded] = useState<{ key: string; Panel?: PanelComponent; error?: Error } | null>(null);
  const key = `${panel.moduleUrl}#${panel.id}@${panel.apiVersion}/${attempt}`;
  useEffect(() => {
    let current = true;
    loadPanel(panel).then(
      (Panel) => current && setLoaded({ key, Panel }),
      (error: Error) => current && setLoaded({ key, error }),
    );
    return () => {
      current = false;
    };
  }, [key]);
  const retry = () => setAttempt((n) => n + 1);
  if (!loaded || loaded.key !== key) {
    return (
      <div className="flex items-center gap-2 p-6 opacity-70" data-testid="panel-loading">
        <span className="loading loading-spinner loading-sm" /> Loading {panel.title}…
      </div>
    );
  }
  if (loaded.error || !loaded.Panel) return <PanelErrorCard panel={panel} error={loaded.error ?? new Error('no component')} onRetry={retry} />;
  const Panel = loaded.Panel;
  return (
    <PanelErrorBoundary key={key} panel={panel} onReset={retry}>
      <Panel panelId={panel.id} route={route} />
    </PanelErrorBoundary>
  );
}

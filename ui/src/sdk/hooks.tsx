import { useCallback, useEffect, useRef, useState, useSyncExternalStore, type AnchorHTMLAttributes, type ReactNode } from 'react';
import { describeOutage, type ConnectionState, type Outage } from '../connection/connection-machine';
import { api, ApiError } from './api';
import { navigate, runtime, setOperator } from './runtime';
import type { OrchEvent, SnapshotMessage } from './wire';

export interface ConnectionView {
  state: ConnectionState;
  phase: ConnectionState['phase'];
  /** True only when connected: panels must not offer actions otherwise. */
  interactive: boolean;
  outage: Outage | null;
  retry: () => void;
}

export function useConnection(): ConnectionView {
  const state = useSyncExternalStore(runtime.connection.subscribe, runtime.connection.get);
  return { state, phase: state.phase, interactive: state.phase === 'connected', outage: describeOutage(state, Date.now()), retry: () => runtime.retry() };
}

/** The newest snapshot the server sent (bridges, active runs, pending approvals count). */
export function useSnapshot(): SnapshotMessage | null {
  return useSyncExternalStore(runtime.snapshot.subscribe, runtime.snapshot.get);
}

/** The operator name sent with every call (empty: the server's default), and its setter. */
export function useOperator(): [string, (name: string) => void] {
  const operator = useSyncExternalStore(runtime.operator.subscribe, runtime.operator.get);
  return [operator, setOperator];
}

/** The shell's theme, for components that draw their own colours (e.g. React Flow's colorMode). */
export function useTheme(): 'light' | 'dark' {
  return useSyncExternalStore(runtime.theme.subscribe, runtime.theme.get);
}

/** Increases after every (re)connection. */
export function useRefreshEpoch(): number {
  return useSyncExternalStore(runtime.refreshEpoch.subscribe, runtime.refreshEpoch.get);
}

export function usePath(): string {
  return useSyncExternalStore(runtime.path.subscribe, runtime.path.get);
}

import { eventMatches, type EventFilter } from './event-filter';
export { eventMatches, type EventFilter };

/** Outside React: calls `handler` for every live event matching `filter` until the returned function is called. */
export function subscribeEvents(filter: EventFilter, handler: (event: OrchEvent) => void): () => void {
  const listener = (event: OrchEvent) => {
    if (eventMatches(filter, event)) handler(event);
  };
  runtime.eventListeners.add(listener);
  return () => {
    runtime.eventListeners.delete(listener);
  };
}

/** Calls `handler` for every live event matching `filter` while the component is mounted. */
export function useEvents(filter: EventFilter, handler: (event: OrchEvent) => void): void {
  const ref = useRef({ filter, handler });
  ref.current = { filter, handler };
  useEffect(() => {
    const listener = (event: OrchEvent) => {
      if (eventMatches(ref.current.filter, event)) ref.current.handler(event);
    };
    runtime.eventListeners.add(listener);
    return () => {
      runtime.eventListeners.delete(listener);
    };
  }, []);
}

export interface ApiState<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * GETs `path` (null: nothing) and keeps it fresh: again after every reconnection, and at most once
 * per `debounceMs` (default 150) while live events matching `refreshOn` arrive. Keeps the last data
 * while reloading.
 */
export function useApi<T>(path: string | null, options: { refreshOn?: EventFilter; debounceMs?: number } = {}): ApiState<T> {
  const epoch = useRefreshEpoch();
  const [tick, setTick] = useState(0);
  const [state, setState] = useState<{ data: T | undefined; error: ApiError | Error | undefined; loading: boolean; path: string | null }>({
    data: undefined,
    error: undefined,
    loading: path !== null,
    path,
  });
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // Throttled, not debounced: a steady stream of events (a busy run) still refreshes every interval.
  useEvents(options.refreshOn ?? [], () => {
    if (timer.current !== undefined) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      reload();
    }, options.debounceMs ?? 150);
  });
  useEffect(() => () => clearTimeout(timer.current), []);
  useEffect(() => {
    if (path === null) {
      setState({ data: undefined, error: undefined, loading: false, path });
      return;
    }
    const abort = new AbortController();
    setState((s) => ({ ...s, data: s.path === path ? s.data : undefined, loading: true, path }));
    api
      .get<T>(path, { signal: abort.signal })
      .then((data) => setState({ data, error: undefined, loading: false, path }))
      .catch((error: Error) => {
        if (error.name !== 'AbortError') setState((s) => ({ ...s, error, loading: false }));
      });
    return () => abort.abort();
  }, [path, epoch, tick]);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/**
 * Whether the server serves a route (`"GET /api/runs/:runId/timeline"`), from `GET /api/routes`:
 * panels ask before calling optional routes, so an older server gives a smaller view, not 404s.
 * Undefined while unknown.
 */
export function useRouteAvailable(method: string, path: string): boolean | undefined {
  const routes = useApi<{ routes: Array<{ method: string; path: string }> }>('/api/routes');
  if (!routes.data) return routes.error ? false : undefined;
  return routes.data.routes.some((r) => r.method === method && r.path === path);
}

/** An in-app link: a real `<a href>` (open in a new tab works) that navigates without reloading. */
export function Link({ to, children, ...rest }: { to: string; children: ReactNode } & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'>) {
  return (
    <a
      {...rest}
      href={to}
      onClick={(event) => {
        rest.onClick?.(event);
        if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

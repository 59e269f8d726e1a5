import { initialState, type ConnectionState } from '../connection/connection-machine';
import type { OrchEvent, SnapshotMessage } from './wire';

/** A tiny observable value for `useSyncExternalStore`. */
export class Observable<T> {
  private readonly listeners = new Set<() => void>();
  constructor(private value: T) {}
  get = (): T => this.value;
  set(value: T): void {
    if (Object.is(value, this.value)) return;
    this.value = value;
    for (const listener of [...this.listeners]) listener();
  }
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

const OPERATOR_KEY = 'orch.operator';

function storedOperator(): string {
  try {
    return globalThis.localStorage?.getItem(OPERATOR_KEY) ?? '';
  } catch {
    return '';
  }
}

/**
 * The one runtime the shell drives and every panel reads through the SDK hooks. It lives in the
 * shared SDK module, so the shell and run-time panels see the same instance.
 */
export const runtime = {
  connection: new Observable<ConnectionState>(initialState()),
  snapshot: new Observable<SnapshotMessage | null>(null),
  /** Bumped after every (re)connection: data hooks fetch again. */
  refreshEpoch: new Observable<number>(0),
  operator: new Observable<string>(storedOperator()),
  /** The shell's colour theme (daisyUI data-theme on <html>). */
  theme: new Observable<'light' | 'dark'>(typeof document !== 'undefined' && document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light'),
  path: new Observable<string>(typeof location === 'undefined' ? '/' : location.pathname),
  eventListeners: new Set<(event: OrchEvent) => void>(),
  /** Set by the shell: a manual Retry (socket now, and the bridge's servers). */
  retry: (): void => undefined,
};

export function setOperator(name: string): void {
  const trimmed = name.trim();
  try {
    if (trimmed) localStorage.setItem(OPERATOR_KEY, trimmed);
    else localStorage.removeItem(OPERATOR_KEY);
  } catch {
    // private mode: keep it for this page only
  }
  runtime.operator.set(trimmed);
}

export function publishEvent(event: OrchEvent): void {
  for (const listener of [...runtime.eventListeners]) {
    try {
      listener(event);
    } catch (error) {
      console.warn('An Orch event listener failed', error);
    }
  }
}

/** Client-side navigation: pushes the path and tells the shell. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === location.pathname) return;
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  runtime.path.set(location.pathname);
}

if (typeof window !== 'undefined') {
  window.addEventListener('popstate', () => runtime.path.set(location.pathname));
}

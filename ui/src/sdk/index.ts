/**
 * `@orch/gui-sdk`, API version 1: what a panel module may use from the shell. Panels import it by
 * this bare name; the import map in the shell's index.html resolves it to /shared/orch-gui-sdk.js,
 * the same instance the shell runs. A panel module's default export is `{ [panelId]: Component }`;
 * each component gets `PanelProps`.
 */
export const GUI_SDK_API_VERSION = 1;
/** Panel apiVersions this shell can host. */
export const SUPPORTED_PANEL_API_VERSIONS: readonly number[] = [1];

export interface PanelProps {
  panelId: string;
  /** Deep-link path segments after the panel's own route (`/runs/r-1` → `["r-1"]`). */
  route: string[];
}

export { api, ApiError, request, type RequestOptions } from './api';
export { navigate, setOperator } from './runtime';
export {
  eventMatches,
  Link,
  subscribeEvents,
  useApi,
  useConnection,
  useEvents,
  useOperator,
  usePath,
  useRefreshEpoch,
  useRouteAvailable,
  useSnapshot,
  useTheme,
  type ApiState,
  type ConnectionView,
  type EventFilter,
} from './hooks';
export type { Outage, Phase } from '../connection/connection-machine';
export type * from './wire';

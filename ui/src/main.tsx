import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ConnectionDriver } from './connection/connection-driver';
import { App } from './shell/App';
import { api } from './sdk/api';
import type { PanelInfo } from './sdk/wire';
import { loadPanel } from './shell/panel-modules';
import { applyStoredTheme } from './shell/theme';
import './index.css';

applyStoredTheme();
const driver = new ConnectionDriver();
driver.start();
// Start importing the panel modules now, in parallel with React's first render (the shell's own
// list fetch then finds them loading); failures surface later, in each panel's card.
api
  .get<{ panels: PanelInfo[] }>('/api/panels')
  .then(({ panels }) => panels.forEach((panel) => loadPanel(panel).catch(() => undefined)))
  .catch(() => undefined);
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ConnectionDriver } from './connection/connection-driver';
import { App } from './shell/App';
import { applyStoredTheme } from './shell/theme';
import './index.css';

applyStoredTheme();
const driver = new ConnectionDriver();
driver.start();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
